//! Restoring a snapshot into a folder, with Mamoru's own restore loop.
//!
//! rustic's restore runs 20 reader threads that each read up to 40 MiB of a pack at once
//! (about 1 GB of memory where restic needs under 100 MB) and unwraps read errors, so one
//! damaged pack panics (rustic#1914). Here [`plan`] walks the snapshot and creates the
//! folders, files and links; [`fill`] reads each needed blob once, pack by pack in offset
//! order so the reads run sequentially, on one thread per core with one blob in flight per
//! thread, and writes it wherever it belongs; [`meta`] sets modes, owners and times last. A
//! blob that cannot be read is reported with its pack and files after everything else has
//! been restored.

mod fill;
mod meta;
mod plan;

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use rustic_core::repofile::SnapshotFile;
use rustic_core::{IndexedFullStatus, Repository};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::location::Location;
use crate::repo::BackupRepo;

/// What a restore did.
#[derive(Debug, Clone, Serialize)]
pub struct RestoreOutcome {
    /// The snapshot restored (64 hex digits).
    pub snapshot: String,
    /// Files written (files already identical in the target are counted too).
    pub files: u64,
    /// Bytes of the restored files.
    pub bytes: u64,
    /// How long it took.
    pub seconds: f64,
}

impl BackupRepo {
    /// Restores `snapshot` (an id, a unique prefix of one, or `latest`) into `target`, which
    /// is created when missing.
    pub fn restore(&self, snapshot: &str, target: &Path) -> Result<RestoreOutcome> {
        let started = Instant::now();
        let repo = self.open_indexed()?;
        let snap = find_snapshot(&repo, &self.path, snapshot)?;
        let (files, bytes) = restore_into(&repo, &self.path, &snap, target, self.readers())?;
        Ok(RestoreOutcome {
            snapshot: snap.id.to_hex().as_str().to_owned(),
            files,
            bytes,
            seconds: started.elapsed().as_secs_f64(),
        })
    }
}

impl BackupRepo {
    /// Threads reading blobs: one per core for a folder, where decryption is the cost; more on
    /// S3, where each read waits for a request to come back (memory stays a blob per thread).
    pub(crate) fn readers(&self) -> usize {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        match self.location() {
            Location::Local(_) => cores,
            Location::S3(_) => cores.max(8),
        }
    }
}

/// The snapshot named by `id`, a prefix, or `latest`.
pub(crate) fn find_snapshot(repo: &Repository<IndexedFullStatus>, path: &Path, id: &str) -> Result<SnapshotFile> {
    repo.get_snapshot_from_str(id, |_| true).map_err(Error::rustic(path, "find the snapshot"))
}

/// Restores the whole snapshot into `target` (source paths kept below it, as restic does);
/// returns the files and bytes in the snapshot.
///
/// Damage does not stop the restore: every file that can be restored is, and then the error
/// names each unreadable pack with the files it spoiled, and anything else that failed.
pub(crate) fn restore_into(
    repo: &Repository<IndexedFullStatus>,
    path: &Path,
    snap: &SnapshotFile,
    target: &Path,
    threads: usize,
) -> Result<(u64, u64)> {
    let root = repo.node_from_snapshot_and_path(snap, "").map_err(Error::rustic(path, "read the snapshot"))?;
    std::fs::create_dir_all(target).map_err(Error::io(target))?;
    let mut plan = plan::Plan::build(repo, path, &root, target)?;
    let failures = fill::fill(repo, &plan.files, &plan.blobs, threads);
    meta::apply(&plan.entries, &mut plan.problems);
    let (files, bytes) = (plan.file_count, plan.bytes);
    if failures.is_empty() && plan.problems.is_empty() {
        return Ok((files, bytes));
    }
    let mut message = String::new();
    for f in failures.iter().map(|f| f.describe(&plan.files, target)).chain(plan.problems) {
        if !message.is_empty() {
            message.push_str("; ");
        }
        let _ = write!(message, "{f}");
    }
    Err(Error::Repository { repo: path.to_owned(), action: "restore", message })
}
