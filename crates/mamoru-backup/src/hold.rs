//! The ransomware guard's hold on retention, and a person's confirmation that lifts it.
//!
//! When the guard alarms, the backup still runs (a new generation harms nothing while the old
//! ones are kept) and its snapshot carries [`ALARM_TAG`]. While any snapshot of a repository
//! carries it, [`forget`](BackupRepo::forget) removes nothing: the older generations may be
//! the last good copies of the data. [`confirm`](BackupRepo::confirm) is a person's word that
//! the change was real (or that the encrypted generation has been dealt with): it replaces the
//! tag with [`CONFIRMED_TAG`] and appends who, when and the note to the snapshot's description.
//!
//! Tags are in the restic format, so restic lists them too; the description is a rustic field
//! that restic 0.14 does not show (and drops if restic itself rewrites the snapshot).

use std::collections::BTreeSet;
use std::path::Path;

use rustic_core::repofile::{SnapshotFile, SnapshotId};
use rustic_core::{Open, Repository, StringList};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::lock::RepoLock;
use crate::repo::BackupRepo;
use crate::snapshots::SnapshotInfo;

/// The tag of a snapshot made while the guard alarmed; it holds retention.
pub const ALARM_TAG: &str = "mamoru-guard-alarm";
/// The tag of a snapshot whose alarm a person confirmed (or that was forced past the guard).
pub const CONFIRMED_TAG: &str = "mamoru-guard-confirmed";

/// What a confirmation did.
#[derive(Debug, Clone, Serialize)]
pub struct ConfirmOutcome {
    /// The alarmed snapshot's id (it is gone: a changed snapshot file gets a new id).
    pub snapshot: String,
    /// The id of the rewritten snapshot, tagged [`CONFIRMED_TAG`].
    pub confirmed: String,
    /// Its description: the guard's reasons and the confirmation line.
    pub description: String,
    /// Snapshots that still hold retention (other alarms not yet confirmed).
    pub still_held: Vec<String>,
}

fn tag(t: &str) -> StringList {
    // A single tag without commas always parses.
    t.parse().unwrap_or_default()
}

pub(crate) fn is_held(s: &SnapshotFile) -> bool {
    s.tags.contains(ALARM_TAG)
}

/// The description of a snapshot made while the guard alarmed.
pub(crate) fn alarm_description(reasons: &[String], forced: bool) -> String {
    let now = jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ");
    let head = if forced {
        format!("{CONFIRMED_TAG} {now} by {} (--force): ランサムウェア・ガードの警告", who())
    } else {
        format!("{ALARM_TAG} {now}: ランサムウェア・ガードの警告")
    };
    std::iter::once(head).chain(reasons.iter().map(|r| format!("- {r}"))).collect::<Vec<_>>().join("\n")
}

/// `user@host` of whoever runs this process: the person who confirms.
fn who() -> String {
    let user = ["USER", "LOGNAME"].iter().find_map(|v| std::env::var(v).ok().filter(|u| !u.is_empty()));
    format!("{}@{}", user.as_deref().unwrap_or("unknown"), crate::lock::host_name())
}

impl BackupRepo {
    /// The snapshots that carry the guard's alarm, oldest first.
    pub fn held(&self) -> Result<Vec<SnapshotInfo>> {
        let mut snaps = self.open()?.get_all_snapshots().map_err(Error::rustic(&self.path, "list snapshots"))?;
        snaps.retain(is_held);
        snaps.sort_unstable();
        Ok(snaps.iter().map(SnapshotInfo::from).collect())
    }

    /// A person confirms the alarm of `snapshot` (an id, a unique prefix, or `latest`): its tag
    /// becomes [`CONFIRMED_TAG`] and the note is kept in its description. Fails with
    /// [`Error::NotHeld`] when the snapshot carries no alarm.
    pub fn confirm(&self, snapshot: &str, note: Option<&str>) -> Result<ConfirmOutcome> {
        let _lock = RepoLock::acquire(&self.path)?;
        let repo = self.open()?;
        let old =
            repo.get_snapshot_from_str(snapshot, |_| true).map_err(Error::rustic(&self.path, "find the snapshot"))?;
        let old_id = old.id.to_hex().as_str().to_owned();
        if !is_held(&old) {
            return Err(Error::NotHeld { repo: self.path.clone(), snapshot: old_id });
        }
        let now = jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ");
        let line = match note.map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) => format!("{CONFIRMED_TAG} {now} by {}: {n}", who()),
            None => format!("{CONFIRMED_TAG} {now} by {}", who()),
        };
        let description = match &old.description {
            Some(d) if !d.is_empty() => format!("{d}\n{line}"),
            _ => line,
        };
        let confirmed = mark_confirmed(&repo, &self.path, &old, description.clone())?;
        let mut still_held: Vec<_> = repo
            .get_all_snapshots()
            .map_err(Error::rustic(&self.path, "list snapshots"))?
            .into_iter()
            .filter(is_held)
            .collect();
        still_held.sort_unstable();
        Ok(ConfirmOutcome {
            snapshot: old_id,
            confirmed,
            description,
            still_held: still_held.iter().map(|s| s.id.to_hex().as_str().to_owned()).collect(),
        })
    }
}

/// Replaces the alarmed snapshot `old` by one tagged [`CONFIRMED_TAG`] with `description`;
/// returns the new id. Saving gives the snapshot a new id (the id is the hash of the file), so
/// the new file is found as the one that was not there before; then the old file goes.
pub(crate) fn mark_confirmed<S: Open>(
    repo: &Repository<S>,
    path: &Path,
    old: &SnapshotFile,
    description: String,
) -> Result<String> {
    let mut new = old.clone();
    new.remove_tags(&[tag(ALARM_TAG)]);
    new.add_tags(vec![tag(CONFIRMED_TAG)]);
    new.description = Some(description);
    // restic's convention for a rewritten snapshot: `original` names the first version.
    new.original = Some(old.original.unwrap_or(old.id));
    let before: BTreeSet<_> = repo.list::<SnapshotId>().map_err(Error::rustic(path, "list snapshots"))?.collect();
    repo.save_snapshots(vec![new]).map_err(Error::rustic(path, "save the confirmed snapshot"))?;
    let confirmed = repo
        .list::<SnapshotId>()
        .map_err(Error::rustic(path, "list snapshots"))?
        .find(|id| !before.contains(id))
        .map(|id| id.to_hex().as_str().to_owned())
        .ok_or_else(|| Error::Repository {
            repo: path.to_owned(),
            action: "save the confirmed snapshot",
            message: "no new snapshot file appeared".into(),
        })?;
    repo.delete_snapshots(&[old.id]).map_err(Error::rustic(path, "remove the alarmed snapshot"))?;
    Ok(confirmed)
}
