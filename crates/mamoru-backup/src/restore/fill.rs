//! Filling in the files' contents: one worker per core takes the next pack, reads its blobs in
//! offset order (sequential reads), and writes each where it belongs. Each worker holds one
//! blob at a time, so memory stays at a few MiB per core whatever the snapshot's size.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{File, OpenOptions};
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rustic_core::repofile::{BlobType, PackId};
use rustic_core::{IndexedFullStatus, Repository};

use super::plan::BlobJob;
use crate::error::{one_line, panic_message};

/// Something that kept a file from being filled in.
pub(super) enum Failure {
    /// Blobs of `pack` could not be read (decryption, decompression or the read itself).
    Pack { pack: PackId, reason: String, files: BTreeSet<u32> },
    /// Writing into a restored file failed.
    Write { file: u32, reason: String },
    /// A worker panicked inside rustic; the packs it had left are unfinished.
    Panic(String),
}

impl Failure {
    /// One line naming the pack or file, with paths shown relative to the target.
    pub(super) fn describe(&self, files: &[PathBuf], target: &Path) -> String {
        let shown = |i: &u32| {
            let p = &files[*i as usize];
            p.strip_prefix(target).unwrap_or(p).display().to_string()
        };
        match self {
            Failure::Pack { pack, reason, files: spoiled } => {
                let mut names: Vec<String> = spoiled.iter().take(10).map(shown).collect();
                if spoiled.len() > 10 {
                    names.push(format!("and {} more", spoiled.len() - 10));
                }
                format!(
                    "pack {} cannot be read ({reason}); files not restored: {}",
                    pack.to_hex().as_str(),
                    names.join(", ")
                )
            }
            Failure::Write { file, reason } => format!("{}: {reason}", shown(file)),
            Failure::Panic(message) => format!("the restore stopped: {message}"),
        }
    }
}

/// Reads every blob and writes it into `files` with `threads` workers; returns what failed.
pub(super) fn fill(
    repo: &Repository<IndexedFullStatus>,
    files: &[PathBuf],
    blobs: &[BlobJob],
    threads: usize,
) -> Vec<Failure> {
    let units = by_pack(blobs);
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..threads.clamp(1, units.len().max(1)) {
            s.spawn(|| {
                let mut own = Vec::new();
                let work = catch_unwind(AssertUnwindSafe(|| worker(repo, files, blobs, &units, &next, &mut own)));
                if let Err(p) = work {
                    own.push(Failure::Panic(panic_message(p.as_ref())));
                }
                failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner).extend(own);
            });
        }
    });
    merge(failures.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner))
}

/// Ranges of `blobs` (sorted by pack) that share a pack.
fn by_pack(blobs: &[BlobJob]) -> Vec<Range<usize>> {
    let mut units = Vec::new();
    let mut start = 0;
    for i in 1..=blobs.len() {
        if i == blobs.len() || blobs[i].pack != blobs[start].pack {
            units.push(start..i);
            start = i;
        }
    }
    units
}

fn worker(
    repo: &Repository<IndexedFullStatus>,
    files: &[PathBuf],
    blobs: &[BlobJob],
    units: &[Range<usize>],
    next: &AtomicUsize,
    failures: &mut Vec<Failure>,
) {
    // The file last written: consecutive blobs of a pack mostly belong to the same file.
    let mut open: Option<(u32, File)> = None;
    while let Some(unit) = units.get(next.fetch_add(1, Ordering::Relaxed)) {
        for job in &blobs[unit.clone()] {
            let data = match repo.cat_blob(BlobType::Data, job.id.to_hex().as_str()) {
                Ok(d) => d,
                Err(e) => {
                    let files = job.to.iter().map(|t| t.0).collect();
                    failures.push(Failure::Pack { pack: job.pack, reason: one_line(&e), files });
                    continue;
                }
            };
            for &(file, offset) in &job.to {
                if open.as_ref().is_none_or(|(i, _)| *i != file) {
                    match OpenOptions::new().write(true).open(&files[file as usize]) {
                        Ok(f) => open = Some((file, f)),
                        Err(e) => {
                            failures.push(Failure::Write { file, reason: e.to_string() });
                            open = None;
                            continue;
                        }
                    }
                }
                if let Some((_, f)) = &open
                    && let Err(e) = f.write_all_at(&data, offset)
                {
                    failures.push(Failure::Write { file, reason: e.to_string() });
                }
            }
        }
    }
}

/// One failure per pack (with all its files) and per file, in a stable order.
fn merge(failures: Vec<Failure>) -> Vec<Failure> {
    let mut packs: BTreeMap<PackId, (String, BTreeSet<u32>)> = BTreeMap::new();
    let mut writes: BTreeMap<u32, String> = BTreeMap::new();
    let mut rest = Vec::new();
    for f in failures {
        match f {
            Failure::Pack { pack, reason, files } => {
                let e = packs.entry(pack).or_insert_with(|| (reason, BTreeSet::new()));
                e.1.extend(files);
            }
            Failure::Write { file, reason } => {
                writes.entry(file).or_insert(reason);
            }
            panic => rest.push(panic),
        }
    }
    packs
        .into_iter()
        .map(|(pack, (reason, files))| Failure::Pack { pack, reason, files })
        .chain(writes.into_iter().map(|(file, reason)| Failure::Write { file, reason }))
        .chain(rest)
        .collect()
}
