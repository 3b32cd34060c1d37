//! Listing snapshots.

use rustic_core::repofile::SnapshotFile;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::repo::BackupRepo;

/// One snapshot, as listed.
#[derive(Debug, Clone, Serialize)]
pub struct SnapshotInfo {
    /// The id (64 hex digits); restic and Mamoru accept any unique prefix.
    pub id: String,
    /// When the backup started, RFC 3339 in UTC.
    pub time: String,
    /// The host that made it.
    pub host: String,
    /// Its tags.
    pub tags: Vec<String>,
    /// The source paths.
    pub paths: Vec<String>,
    /// Files in it (unknown, 0, for snapshots without a summary, as old restic writes them).
    pub files: u64,
    /// Bytes of those files.
    pub bytes: u64,
}

impl From<&SnapshotFile> for SnapshotInfo {
    fn from(s: &SnapshotFile) -> Self {
        let summary = s.summary.clone().unwrap_or_default();
        SnapshotInfo {
            id: s.id.to_hex().as_str().to_owned(),
            time: s.time.timestamp().to_string(),
            host: s.hostname.clone(),
            tags: s.tags.iter().cloned().collect(),
            paths: s.paths.iter().cloned().collect(),
            files: summary.total_files_processed,
            bytes: summary.total_bytes_processed,
        }
    }
}

impl BackupRepo {
    /// Every snapshot, oldest first.
    pub fn snapshots(&self) -> Result<Vec<SnapshotInfo>> {
        let mut snaps = self.open()?.get_all_snapshots().map_err(Error::rustic(&self.path, "list snapshots"))?;
        snaps.sort_unstable();
        Ok(snaps.iter().map(SnapshotInfo::from).collect())
    }
}
