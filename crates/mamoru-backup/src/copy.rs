//! Offline copies: `copy_to` copies the snapshots a second repository does not have yet, and
//! records which kind of offline copy it is and when it was last refreshed.
//!
//! MHLW's guidance for medical information systems accepts as "offline" a copy on removable
//! media, on a separated backup network, or on storage that cannot be overwritten (WORM, S3
//! Object Lock), provided a restore from it has been shown to work. Which kind each copy is, and
//! how fresh it is, is the evidence the checklist and inspections ask for, so it is written
//! down twice:
//!
//! - in the copy itself, `mamoru-copy.json` in the destination's root ([`COPY_RECORD`]): the
//!   evidence travels with the disk;
//! - in the source, `mamoru-copies.json` ([`COPIES_RECORD`]), one entry per destination: the
//!   source is online when the offline copy is not, and the app reads it from there.
//!
//! restic ignores files it does not know in a repository's root (tested with restic 0.14
//! `check`, `snapshots` and `restore`). Both records are plain JSON, not encrypted: they say
//! nothing about the data, only where copies went and when. On S3 they are objects beside
//! `config` (with Object Lock, every refresh leaves the earlier record as an older version).

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use rustic_core::repofile::SnapshotFile;
use rustic_core::{Open, Repository};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::hold::{CONFIRMED_TAG, is_held, mark_confirmed};
use crate::location::Location;
use crate::lock::RepoLock;
use crate::repo::BackupRepo;

/// The record in a copy's root.
pub const COPY_RECORD: &str = "mamoru-copy.json";
/// The records in a source's root, of the copies made from it.
pub const COPIES_RECORD: &str = "mamoru-copies.json";

/// The kinds of offline copy MHLW's guidance accepts. The JSON strings are stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OfflineKind {
    /// A removable medium (external disk, tape, RDX) kept disconnected: 取り外し可能な媒体.
    Removable,
    /// A separated backup network, unreachable from the hospital's network: 分離されたバックアップ用ネットワーク.
    Network,
    /// A write-once medium (WORM): 追記不能な媒体.
    Worm,
    /// S3 storage with Object Lock: objects cannot be changed or deleted until retention ends.
    ObjectLock,
}

impl OfflineKind {
    /// Every kind, in the order of the guidance.
    pub const ALL: [OfflineKind; 4] =
        [OfflineKind::Removable, OfflineKind::Network, OfflineKind::Worm, OfflineKind::ObjectLock];

    /// The stable string (as in JSON and on the command line).
    pub fn as_str(self) -> &'static str {
        match self {
            OfflineKind::Removable => "removable",
            OfflineKind::Network => "network",
            OfflineKind::Worm => "worm",
            OfflineKind::ObjectLock => "object-lock",
        }
    }

    /// The name in Japanese, as the guidance and the annual report use it.
    pub fn label_ja(self) -> &'static str {
        match self {
            OfflineKind::Removable => "取り外し可能な媒体",
            OfflineKind::Network => "分離されたバックアップ用ネットワーク",
            OfflineKind::Worm => "追記不能な媒体（WORM）",
            OfflineKind::ObjectLock => "追記不能なストレージ（S3 Object Lock）",
        }
    }

    /// The name in English.
    pub fn label_en(self) -> &'static str {
        match self {
            OfflineKind::Removable => "removable medium",
            OfflineKind::Network => "separated backup network",
            OfflineKind::Worm => "write-once medium (WORM)",
            OfflineKind::ObjectLock => "S3 Object Lock",
        }
    }
}

impl fmt::Display for OfflineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OfflineKind {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        OfflineKind::ALL.into_iter().find(|k| k.as_str() == s.trim()).ok_or_else(|| {
            let known: Vec<_> = OfflineKind::ALL.iter().map(|k| k.as_str()).collect();
            format!("unknown offline copy kind {s:?}; one of {}", known.join(", "))
        })
    }
}

/// When and from where a copy was last refreshed, and what kind of offline copy it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CopyRecord {
    /// The kind of offline copy.
    pub kind: OfflineKind,
    /// The source repository's id (64 hex digits).
    pub source_id: String,
    /// Where the source was, as given.
    pub source: String,
    /// The copy's repository id.
    pub destination_id: String,
    /// Where the copy was, as given (a removable disk may be mounted elsewhere next time).
    pub destination: String,
    /// When the last refresh finished, RFC 3339 in UTC.
    pub refreshed_at: String,
    /// Snapshots copied by that refresh.
    pub snapshots_copied: usize,
    /// Snapshots in the copy after it.
    pub snapshots_total: usize,
    /// The time of the newest snapshot in the copy: how old the newest data there is.
    pub newest_snapshot: Option<String>,
}

/// What [`BackupRepo::copy_to`] did.
#[derive(Debug, Clone, Serialize)]
pub struct CopyOutcome {
    /// The destination was created by this copy.
    pub initialised: bool,
    /// The ids of the snapshots copied (source ids; the copies get their own).
    pub copied: Vec<String>,
    /// Copies of alarmed snapshots that a person has confirmed in the source since they were
    /// copied: now confirmed in the copy too (their new ids).
    pub confirmations_carried: Vec<String>,
    /// The record written to both repositories.
    pub record: CopyRecord,
    /// How long it took.
    pub seconds: f64,
}

fn newest(snaps: &[SnapshotFile]) -> Option<String> {
    snaps.iter().max().map(|s| s.time.timestamp().to_string())
}

impl BackupRepo {
    /// Copies every snapshot of this repository that `dest` does not have yet (snapshots are
    /// matched by time, so a second run copies none), creating `dest` when it has no repository
    /// yet with this repository's chunker parameters (so later backups straight into it
    /// deduplicate against the copied data, as restic's `init --copy-chunker-params`). Then
    /// writes the [`CopyRecord`] into both repositories. Holds both repositories' locks.
    pub fn copy_to(&self, dest: &BackupRepo, kind: OfflineKind) -> Result<CopyOutcome> {
        let started = std::time::Instant::now();
        let _src_lock = RepoLock::acquire(&self.path)?;
        let src = self.open_indexed()?;
        if let Some(root) = local_root(dest) {
            std::fs::create_dir_all(root).map_err(Error::io(root))?;
        }
        // On S3 this takes nothing: the S3 backend takes its lock object at its first write.
        let _dest_lock = RepoLock::acquire(&dest.path)?;
        let initialised =
            dest.unopened()?.config_id().map_err(Error::rustic(&dest.path, "look for a repository"))?.is_none();
        if initialised {
            dest.init_like(src.config())?;
        }
        let dst = dest.open()?.to_indexed_ids().map_err(Error::rustic(&dest.path, "read the index"))?;
        let snaps = src.get_all_snapshots().map_err(Error::rustic(&self.path, "list snapshots"))?;
        let mut todo: Vec<SnapshotFile> = dst
            .relevant_copy_snapshots(|_| true, &snaps)
            .map_err(Error::rustic(&dest.path, "list snapshots"))?
            .into_iter()
            .filter(|c| c.relevant)
            .map(|c| c.sn)
            .collect();
        todo.sort_unstable();
        if !todo.is_empty() {
            src.copy(&dst, todo.iter()).map_err(Error::rustic(&dest.path, "copy snapshots"))?;
        }
        let carried = carry_confirmations(&snaps, &dst, &dest.path)?;
        let in_dest = dst.get_all_snapshots().map_err(Error::rustic(&dest.path, "list snapshots"))?;
        let record = CopyRecord {
            kind,
            source_id: src.config().id.to_hex().as_str().to_owned(),
            source: shown(self),
            destination_id: dst.config().id.to_hex().as_str().to_owned(),
            destination: shown(dest),
            refreshed_at: jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
            snapshots_copied: todo.len(),
            snapshots_total: in_dest.len(),
            newest_snapshot: newest(&in_dest),
        };
        write_record(dest, COPY_RECORD, &record)?;
        let mut copies = self.copies()?;
        copies.insert(record.destination_id.clone(), record.clone());
        write_record(self, COPIES_RECORD, &copies)?;
        Ok(CopyOutcome {
            initialised,
            copied: todo.iter().map(|s| s.id.to_hex().as_str().to_owned()).collect(),
            confirmations_carried: carried,
            record,
            seconds: started.elapsed().as_secs_f64(),
        })
    }

    /// The record of this repository as an offline copy (`None` when it is not one).
    pub fn copy_record(&self) -> Result<Option<CopyRecord>> {
        read_record(self, COPY_RECORD)
    }

    /// The offline copies made from this repository, by the copy's repository id.
    pub fn copies(&self) -> Result<BTreeMap<String, CopyRecord>> {
        Ok(read_record(self, COPIES_RECORD)?.unwrap_or_default())
    }

    /// The kind an offline copy into this repository has without being told: `object-lock`
    /// when it is on S3 with Object Lock and a default retention; `None` otherwise (a folder
    /// cannot tell a removable disk from a NAS share).
    pub fn default_offline_kind(&self) -> Result<Option<OfflineKind>> {
        if local_root(self).is_some() {
            return Ok(None);
        }
        Ok(self.immutability()?.locked.then_some(OfflineKind::ObjectLock))
    }

    /// Creates this repository with `like`'s chunker parameters and its own id.
    fn init_like(&self, like: &rustic_core::repofile::ConfigFile) -> Result<()> {
        let mut config = like.clone();
        config.id = rustic_core::Id::random().into();
        let key = rustic_core::KeyOptions::default().username("mamoru".to_owned());
        let (backend, _) = self.backend()?;
        let repo = self
            .unopened_on(backend.clone())?
            .init_with_config(&self.credentials(), &key, config)
            .map_err(Error::rustic(&self.path, "init the copy"))?;
        // As `init`: restic's key cost, not rustic's 128 MiB at every open (see key.rs).
        crate::key::use_restic_cost(backend.as_ref(), &repo, &self.credentials())
            .map_err(|message| Error::Repository { repo: self.path.clone(), action: "init the copy", message })?;
        Ok(())
    }
}

/// A snapshot copied while it carried the guard's alarm keeps holding the copy's retention; once
/// a person confirmed it in the source, the copy follows (snapshots are matched by time, as
/// rustic matches them for copying). The confirmation's description goes with it.
fn carry_confirmations<S: Open>(source: &[SnapshotFile], dst: &Repository<S>, path: &Path) -> Result<Vec<String>> {
    let mut carried = Vec::new();
    for held in dst.get_all_snapshots().map_err(Error::rustic(path, "list snapshots"))?.iter().filter(|s| is_held(s)) {
        let confirmed = source
            .iter()
            .find(|s| s.time.timestamp() == held.time.timestamp() && s.tags.contains(CONFIRMED_TAG) && !is_held(s));
        if let Some(c) = confirmed {
            carried.push(mark_confirmed(dst, path, held, c.description.clone().unwrap_or_default())?);
        }
    }
    Ok(carried)
}

/// Where a repository is, for the record: a folder as an absolute path, S3 as its location.
fn shown(repo: &BackupRepo) -> String {
    match local_root(repo) {
        Some(p) => std::path::absolute(p).unwrap_or_else(|_| p.to_owned()).display().to_string(),
        None => repo.path().display().to_string(),
    }
}

/// The folder of a local repository; `None` for one on S3.
fn local_root(repo: &BackupRepo) -> Option<&Path> {
    match repo.location() {
        Location::Local(p) => Some(p),
        Location::S3(_) => None,
    }
}

fn read_record<T: serde::de::DeserializeOwned>(repo: &BackupRepo, name: &str) -> Result<Option<T>> {
    let Some(bytes) = repo.read_root_file(name)? else { return Ok(None) };
    serde_json::from_slice(&bytes).map(Some).map_err(|e| Error::Io {
        path: repo.path().join(name),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
    })
}

fn write_record(repo: &BackupRepo, name: &str, value: &impl Serialize) -> Result<()> {
    match local_root(repo) {
        Some(root) => write_json(&root.join(name), value),
        None => {
            let bytes = serde_json::to_vec_pretty(value)
                .map_err(|e| Error::Io { path: repo.path().join(name), source: e.into() })?;
            repo.write_root_file(name, &bytes)
        }
    }
}

/// Written under a temporary name, synced and renamed, so a disk pulled right after the copy
/// never holds a torn record.
fn write_json(file: &Path, value: &impl Serialize) -> Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    let tmp = tempfile::NamedTempFile::new_in(dir).map_err(Error::io(dir))?;
    serde_json::to_writer_pretty(tmp.as_file(), value)
        .map_err(|e| Error::Io { path: file.to_owned(), source: e.into() })?;
    tmp.as_file().sync_all().map_err(Error::io(file))?;
    tmp.persist(file).map_err(|e| Error::Io { path: file.to_owned(), source: e.error })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_have_stable_strings_and_japanese_labels() {
        for k in OfflineKind::ALL {
            assert_eq!(k.as_str().parse::<OfflineKind>().unwrap(), k);
            assert_eq!(serde_json::to_string(&k).unwrap(), format!("\"{}\"", k.as_str()));
            assert!(!k.label_ja().is_ascii());
        }
        assert_eq!(serde_json::to_string(&OfflineKind::ObjectLock).unwrap(), "\"object-lock\"");
        assert!("tape".parse::<OfflineKind>().unwrap_err().contains("removable, network, worm, object-lock"));
    }
}
