//! Restoring a snapshot into a folder.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::Instant;

use rustic_core::repofile::SnapshotFile;
use rustic_core::{IndexedFullStatus, LocalDestination, LsOptions, Repository, RestoreOptions};
use serde::Serialize;

use crate::error::{Error, Result, panic_message};
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
        let (files, bytes) = restore_into(&repo, &self.path, &snap, target)?;
        Ok(RestoreOutcome {
            snapshot: snap.id.to_hex().as_str().to_owned(),
            files,
            bytes,
            seconds: started.elapsed().as_secs_f64(),
        })
    }
}

/// The snapshot named by `id`, a prefix, or `latest`.
pub(crate) fn find_snapshot(repo: &Repository<IndexedFullStatus>, path: &Path, id: &str) -> Result<SnapshotFile> {
    repo.get_snapshot_from_str(id, |_| true).map_err(Error::rustic(path, "find the snapshot"))
}

/// Restores the whole snapshot into `target`; returns the files and bytes of the plan.
///
/// rustic's restore unwraps read errors inside its worker threads, so a damaged pack is a
/// panic rather than an error (rustic#1914). It is caught here and becomes
/// [`Error::RestoreAborted`]; the workspace builds with `panic = "unwind"` for this reason.
pub(crate) fn restore_into(
    repo: &Repository<IndexedFullStatus>,
    path: &Path,
    snap: &SnapshotFile,
    target: &Path,
) -> Result<(u64, u64)> {
    let node = repo.node_from_snapshot_and_path(snap, "").map_err(Error::rustic(path, "read the snapshot"))?;
    let dest = LocalDestination::new(&target.to_string_lossy(), true, !node.is_dir())
        .map_err(Error::rustic(path, "prepare the target"))?;
    let opts = RestoreOptions::default();
    let ls_opts = LsOptions::default();
    let ls = || repo.ls(&node, &ls_opts).map_err(Error::rustic(path, "read the snapshot"));
    let plan = repo.prepare_restore(&opts, ls()?, &dest, false).map_err(Error::rustic(path, "plan the restore"))?;
    let files = plan.stats.files.restore + plan.stats.files.unchanged + plan.stats.files.verified;
    let bytes = plan.restore_size + plan.matched_size;
    let stream = ls()?;
    match catch_unwind(AssertUnwindSafe(|| repo.restore(plan, &opts, stream, &dest))) {
        Ok(Ok(())) => Ok((files, bytes)),
        Ok(Err(e)) => Err(Error::rustic(path, "restore")(e)),
        Err(p) => Err(Error::RestoreAborted { repo: path.to_owned(), message: panic_message(p.as_ref()) }),
    }
}
