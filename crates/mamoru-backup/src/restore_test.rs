//! The restore test: restore the latest snapshot into a scratch folder and prove every file
//! came back, chunk by chunk, against the snapshot's blob ids.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use rustic_core::repofile::{Node, NodeType};
use rustic_core::{IndexedFullStatus, LsOptions, Repository};
use serde::Serialize;

use crate::error::{Error, Result, one_line};
use crate::repo::BackupRepo;
use crate::restore::{find_snapshot, restore_into};

/// A file that did not come back intact.
#[derive(Debug, Clone, Serialize)]
pub struct FailedFile {
    /// The path inside the snapshot.
    pub path: String,
    /// Why.
    pub reason: String,
}

/// The result of a restore test: the measured recovery time of the BCP.
#[derive(Debug, Clone, Serialize)]
pub struct RestoreTestReport {
    /// The snapshot tested (64 hex digits).
    pub snapshot: String,
    /// Files in the snapshot.
    pub files: u64,
    /// Files restored and verified intact.
    pub files_ok: u64,
    /// Bytes restored and verified.
    pub bytes: u64,
    /// Restore plus verification, in seconds.
    pub seconds: f64,
    /// Of `seconds`, the verification: reading the restored files back and hashing each chunk.
    pub check_seconds: f64,
    /// Every file and folder came back intact.
    pub ok: bool,
    /// The restore's own error, when it stopped early.
    pub restore_error: Option<String>,
    /// The files that did not come back intact.
    pub failed: Vec<FailedFile>,
}

impl BackupRepo {
    /// Restores the latest snapshot into a new temporary folder under `scratch_parent` (the
    /// system's temporary folder when `None`), checks every file, and deletes the folder.
    pub fn restore_test(&self, scratch_parent: Option<&Path>) -> Result<RestoreTestReport> {
        let started = Instant::now();
        let repo = self.open_indexed()?;
        let snap = find_snapshot(&repo, &self.path, "latest")?;
        let scratch = match scratch_parent {
            Some(p) => tempfile::Builder::new().prefix("mamoru-restore-test").tempdir_in(p).map_err(Error::io(p))?,
            None => tempfile::Builder::new()
                .prefix("mamoru-restore-test")
                .tempdir()
                .map_err(Error::io(std::env::temp_dir()))?,
        };
        let target = scratch.path().join("restore");
        let restore_error =
            restore_into(&repo, &self.path, &snap, &target, self.readers()).err().map(|e| e.to_string());
        let restored_at = Instant::now();
        let root =
            repo.node_from_snapshot_and_path(&snap, "").map_err(Error::rustic(&self.path, "read the snapshot"))?;
        let mut report = RestoreTestReport {
            snapshot: snap.id.to_hex().as_str().to_owned(),
            files: 0,
            files_ok: 0,
            bytes: 0,
            seconds: 0.0,
            check_seconds: 0.0,
            ok: false,
            restore_error,
            failed: Vec::new(),
        };
        let nodes = repo.ls(&root, &LsOptions::default()).map_err(Error::rustic(&self.path, "read the snapshot"))?;
        let mut files = Vec::new();
        for item in nodes {
            let (path, node) = item.map_err(Error::rustic(&self.path, "read the snapshot"))?;
            let on_disk = target.join(&path);
            match node.node_type {
                NodeType::File => files.push((path, node)),
                NodeType::Dir if !on_disk.is_dir() => report.failed.push(FailedFile {
                    path: path.to_string_lossy().into_owned(),
                    reason: "folder not restored".into(),
                }),
                _ => {}
            }
        }
        // The restore goes on past damage, so a file it could not fill fails here.
        let outcomes = check_all(&repo, &target, &files);
        for ((path, node), outcome) in files.iter().zip(outcomes) {
            report.files += 1;
            match outcome {
                Ok(()) => {
                    report.files_ok += 1;
                    report.bytes += node.meta.size;
                }
                Err(reason) => report.failed.push(FailedFile { path: path.to_string_lossy().into_owned(), reason }),
            }
        }
        report.ok = report.failed.is_empty();
        report.seconds = started.elapsed().as_secs_f64();
        report.check_seconds = restored_at.elapsed().as_secs_f64();
        Ok(report)
    }
}

/// [`check_file`] for every file, one thread per core (hashing is the cost, and files are
/// independent); the outcomes in the order of `files`.
fn check_all(
    repo: &Repository<IndexedFullStatus>,
    target: &Path,
    files: &[(PathBuf, Node)],
) -> Vec<Result<(), String>> {
    let threads = std::thread::available_parallelism().map_or(2, usize::from).min(files.len().max(1));
    let next = AtomicUsize::new(0);
    let mut outcomes: Vec<Result<(), String>> = vec![Err("not checked: the check stopped".into()); files.len()];
    let done: Vec<(usize, Result<(), String>)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut own = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some((path, node)) = files.get(i) else { break own };
                        own.push((i, check_file(repo, node, &target.join(path))));
                    }
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap_or_default()).collect()
    });
    for (i, outcome) in done {
        outcomes[i] = outcome;
    }
    outcomes
}

/// Reads `on_disk` back and compares each chunk with the snapshot's blob id (the SHA-256 of its
/// plaintext) — the restic format keeps no whole-file hash — and the length with the size.
fn check_file(repo: &Repository<IndexedFullStatus>, node: &Node, on_disk: &Path) -> Result<(), String> {
    let file = File::open(on_disk).map_err(|e| format!("not restored: {e}"))?;
    let len = file.metadata().map_err(|e| e.to_string())?.len();
    if len != node.meta.size {
        return Err(format!("size {len} bytes, the snapshot says {}", node.meta.size));
    }
    // Large reads: the hash, not the system calls, should be the cost.
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut offset = 0u64;
    for id in node.content.iter().flatten() {
        let entry = repo.get_index_entry(id).map_err(|e| one_line(&e))?;
        let chunk = u64::from(entry.location.data_length());
        if !id.blob_matches_reader(chunk, &mut reader) {
            return Err(format!("content differs from the snapshot at byte {offset} (chunk {})", id.to_hex().as_str()));
        }
        offset += chunk;
    }
    if reader.read(&mut [0u8; 1]).map_err(|e| e.to_string())? != 0 {
        return Err("longer than the snapshot's chunks".into());
    }
    Ok(())
}
