//! One backup run: the ransomware guard first, then the backup under Mamoru's write lock.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rustic_core::{BackupOptions, PathList, SnapshotOptions};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::guard::{self, GuardPolicy, Manifest};
use crate::hold::{ALARM_TAG, CONFIRMED_TAG, alarm_description};
use crate::lock::RepoLock;
use crate::repo::BackupRepo;

/// What to back up, and how.
#[derive(Debug, Clone, Default)]
pub struct BackupRequest {
    /// Files or folders; stored with their absolute paths, as restic does.
    pub paths: Vec<PathBuf>,
    /// Tags on the snapshot.
    pub tags: Vec<String>,
    /// The host name in the snapshot; this machine's when `None`.
    pub host: Option<String>,
    /// The ransomware guard: where it keeps the manifests of the last backup. No guard when `None`.
    pub guard_state: Option<PathBuf>,
    /// A person has already looked: on an alarm the snapshot is tagged as confirmed
    /// ([`CONFIRMED_TAG`]) instead of holding retention ([`ALARM_TAG`]).
    pub force: bool,
    /// The snapshot's time; now when `None` (set for imports of old generations and tests).
    pub time: Option<jiff::Timestamp>,
}

/// What a backup did.
#[derive(Debug, Clone, Serialize)]
pub struct BackupOutcome {
    /// The new snapshot's id (64 hex digits).
    pub snapshot: String,
    /// Files in the snapshot.
    pub files: u64,
    /// Bytes of those files.
    pub bytes: u64,
    /// Bytes newly stored in the repository (after deduplication and compression).
    pub bytes_added: u64,
    /// How long it took.
    pub seconds: f64,
    /// The guard's reasons when it alarmed and the backup was forced.
    pub forced_past: Vec<String>,
    /// The guard's reasons when it alarmed and the backup was not forced: the snapshot carries
    /// [`ALARM_TAG`] and retention is held until a person confirms it.
    pub guard_alarm: Vec<String>,
}

/// The guard's state file: each guarded source folder's manifest at its last backup.
type GuardState = BTreeMap<String, Manifest>;

impl BackupRepo {
    /// Backs up `req.paths`. With a guard state file, first compares each folder with its
    /// manifest from the last backup. On an alarm the backup still runs (a new generation harms
    /// nothing while the old ones are kept): its snapshot carries [`ALARM_TAG`] and the reasons
    /// in its description, which holds retention until a person confirms it
    /// ([`BackupRepo::confirm`]); with `req.force` it carries [`CONFIRMED_TAG`] instead. The
    /// manifests are saved after the backup succeeded, so the next run compares with this one;
    /// the hold lives in the repository, not in the state file.
    pub fn backup(&self, req: &BackupRequest) -> Result<BackupOutcome> {
        let started = Instant::now();
        let mut sources = Vec::new();
        for p in &req.paths {
            let abs = std::path::absolute(p).map_err(Error::io(p))?;
            std::fs::symlink_metadata(&abs).map_err(Error::io(&abs))?;
            let s = abs.to_str().ok_or_else(|| Error::NotUtf8 { path: abs.clone() })?.to_owned();
            sources.push(s);
        }
        let guarded = match &req.guard_state {
            Some(state_file) => Some((state_file, self.guard(state_file, &sources)?)),
            None => None,
        };
        let _lock = RepoLock::acquire(&self.path)?;
        let repo = self.open()?.to_indexed_ids().map_err(Error::rustic(&self.path, "read the index"))?;
        let mut opts = SnapshotOptions::default();
        if let Some(h) = &req.host {
            opts = opts.host(h.clone());
        }
        if let Some(t) = req.time {
            opts = opts.time(t.to_zoned(jiff::tz::TimeZone::UTC));
        }
        let reasons = guarded.as_ref().map(|(_, (_, r))| r.clone()).unwrap_or_default();
        let mut tags = req.tags.clone();
        if !reasons.is_empty() {
            tags.push(if req.force { CONFIRMED_TAG } else { ALARM_TAG }.to_owned());
            opts = opts.description(alarm_description(&reasons, req.force));
        }
        if !tags.is_empty() {
            opts = opts.add_tags(&tags.join(",")).map_err(Error::rustic(&self.path, "tag the snapshot"))?;
        }
        let snap = opts.to_snapshot().map_err(Error::rustic(&self.path, "backup"))?;
        let list: PathList = sources.iter().map(PathBuf::from).collect();
        let list = list.sanitize().map_err(|e| Error::Repository {
            repo: self.path.clone(),
            action: "backup",
            message: e.to_string(),
        })?;
        let snap = repo.backup(&BackupOptions::default(), &list, snap).map_err(Error::rustic(&self.path, "backup"))?;
        if let Some((state_file, (state, _))) = guarded {
            save_state(state_file, &state)?;
        }
        let (forced_past, guard_alarm) = if req.force { (reasons, Vec::new()) } else { (Vec::new(), reasons) };
        let s = snap.summary.unwrap_or_default();
        Ok(BackupOutcome {
            snapshot: snap.id.to_hex().as_str().to_owned(),
            files: s.total_files_processed,
            bytes: s.total_bytes_processed,
            bytes_added: s.data_added_packed,
            seconds: started.elapsed().as_secs_f64(),
            forced_past,
            guard_alarm,
        })
    }

    /// Scans the source folders; returns the new state and, on an alarm, its reasons.
    fn guard(&self, state_file: &Path, sources: &[String]) -> Result<(GuardState, Vec<String>)> {
        let mut state = load_state(state_file)?;
        let mut reasons = Vec::new();
        for src in sources {
            if !Path::new(src).is_dir() {
                continue;
            }
            let previous = state.get(src);
            let (now, _unreadable) = guard::scan(Path::new(src), previous);
            if let Some(before) = previous {
                let report = guard::assess(before, &now, &GuardPolicy::default());
                if report.alarm {
                    reasons.extend(report.reasons.iter().map(|r| format!("{src}: {r}")));
                    if !report.examples.is_empty() {
                        reasons.push(format!("{src}: 例: {}", report.examples.join(", ")));
                    }
                }
            }
            state.insert(src.clone(), now);
        }
        Ok((state, reasons))
    }
}

fn load_state(file: &Path) -> Result<GuardState> {
    match std::fs::read(file) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| Error::Io {
            path: file.to_owned(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(GuardState::new()),
        Err(e) => Err(Error::Io { path: file.to_owned(), source: e }),
    }
}

/// Written to a temporary file and renamed, so a crash never leaves a torn state that would
/// make the next run forget the last good manifest.
fn save_state(file: &Path, state: &GuardState) -> Result<()> {
    let dir = file.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(Error::io(dir))?;
    let tmp = tempfile::NamedTempFile::new_in(dir).map_err(Error::io(dir))?;
    serde_json::to_writer(tmp.as_file(), state).map_err(|e| Error::Io { path: file.to_owned(), source: e.into() })?;
    tmp.persist(file).map_err(|e| Error::Io { path: file.to_owned(), source: e.error })?;
    Ok(())
}
