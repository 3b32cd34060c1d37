//! Generations: which snapshots a retention policy keeps, forgetting the rest, and pruning the
//! data only they used.
//!
//! Snapshots are grouped by host and source paths (restic's default), and the policy applies to
//! each group: `daily=7` keeps the newest snapshot of each of the 7 most recent days that have
//! one, and so on, as `restic forget --keep-daily 7` does. The newest snapshot of a group is
//! always kept, because a valid policy keeps at least one of something.
//!
//! Pruning uses rustic's two-phase delete: packs no snapshot needs any more are first marked in
//! the index and removed by a prune at least 23 hours later, so the space comes back at the
//! next day's forget. Mamoru's lock keeps its own jobs apart, but neither rustic nor Mamoru
//! honours restic's locks: a `restic backup` writing into the same repository at that moment
//! has packs that are not yet in any index, and an instant delete would destroy them (restic's
//! own prune waits for restic's lock instead). A marked pack that is needed again in time is
//! recovered. restic 0.14 reads and checks a repository with marked packs.
//!
//! While any snapshot carries the ransomware guard's alarm ([`crate::ALARM_TAG`]), nothing is
//! forgotten: see [`crate::hold`].

use std::fmt;
use std::str::FromStr;

use rustic_core::{ForgetGroups, Grouped, KeepOptions, PruneOptions, SnapshotGroupCriterion};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::hold::is_held;
use crate::lock::RepoLock;
use crate::repo::BackupRepo;
use crate::snapshots::SnapshotInfo;

/// How many generations to keep. Stored by the app as its short form
/// (`daily=7,weekly=4,monthly=12,yearly=5`, see [`FromStr`] and [`fmt::Display`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetentionPolicy {
    /// The newest N snapshots.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keep_last: Option<u32>,
    /// The newest snapshot of each of the last N days that have one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keep_daily: Option<u32>,
    /// … of each of the last N weeks (ISO weeks, Monday first).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keep_weekly: Option<u32>,
    /// … of each of the last N months.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keep_monthly: Option<u32>,
    /// … of each of the last N years.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keep_yearly: Option<u32>,
    /// Every snapshot made within N days of the group's newest one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keep_within_days: Option<u32>,
}

/// The short form's keys, in the order [`fmt::Display`] writes them.
const KEYS: [&str; 6] = ["last", "daily", "weekly", "monthly", "yearly", "within"];

impl RetentionPolicy {
    fn slots(&self) -> [Option<u32>; 6] {
        [self.keep_last, self.keep_daily, self.keep_weekly, self.keep_monthly, self.keep_yearly, self.keep_within_days]
    }

    fn slot_mut(&mut self, key: &str) -> Option<&mut Option<u32>> {
        Some(match key {
            "last" => &mut self.keep_last,
            "daily" => &mut self.keep_daily,
            "weekly" => &mut self.keep_weekly,
            "monthly" => &mut self.keep_monthly,
            "yearly" => &mut self.keep_yearly,
            "within" => &mut self.keep_within_days,
            _ => return None,
        })
    }

    /// A policy must keep something: at least one rule, and no rule of 0 (which would look like
    /// a rule but keep nothing).
    pub fn validate(&self) -> Result<()> {
        let err = |reason: &str| Err(Error::Policy { text: self.to_string(), reason: reason.to_owned() });
        if self.slots().iter().all(Option::is_none) {
            return err("it keeps nothing; give at least one of last, daily, weekly, monthly, yearly, within");
        }
        if self.slots().contains(&Some(0)) {
            return err("a rule of 0 keeps nothing; leave it out");
        }
        Ok(())
    }

    fn keep_options(&self) -> KeepOptions {
        let n = |v: Option<u32>| v.map(|n| i32::try_from(n).unwrap_or(i32::MAX));
        let mut k = KeepOptions::default();
        k.keep_last = n(self.keep_last);
        k.keep_daily = n(self.keep_daily);
        k.keep_weekly = n(self.keep_weekly);
        k.keep_monthly = n(self.keep_monthly);
        k.keep_yearly = n(self.keep_yearly);
        k.keep_within = self.keep_within_days.map(|d| jiff::Span::new().days(i64::from(d)));
        k
    }
}

impl fmt::Display for RetentionPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = KEYS
            .iter()
            .zip(self.slots())
            .filter_map(|(k, v)| v.map(|n| if *k == "within" { format!("{k}={n}d") } else { format!("{k}={n}") }))
            .collect();
        f.write_str(&parts.join(","))
    }
}

impl FromStr for RetentionPolicy {
    type Err = Error;

    /// `daily=7,weekly=4,monthly=12,yearly=5`; also `last=N` and `within=Nd`. Validated.
    fn from_str(text: &str) -> Result<Self> {
        let err = |reason: String| Error::Policy { text: text.to_owned(), reason };
        let mut p = RetentionPolicy::default();
        for part in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (key, value) = part.split_once('=').ok_or_else(|| err(format!("{part:?} is not KEY=N")))?;
            let key = key.trim();
            let value = value.trim();
            let digits = if key == "within" { value.strip_suffix('d').unwrap_or(value) } else { value };
            let n: u32 = digits.parse().map_err(|_| err(format!("{part:?}: {value:?} is not a whole number")))?;
            let slot =
                p.slot_mut(key).ok_or_else(|| err(format!("unknown key {key:?}; known: {}", KEYS.join(", "))))?;
            if slot.replace(n).is_some() {
                return Err(err(format!("{key} is given twice")));
            }
        }
        p.validate().map_err(|e| match e {
            Error::Policy { reason, .. } => err(reason),
            other => other,
        })?;
        Ok(p)
    }
}

/// One snapshot in a forget report, with rustic's reasons for keeping it (`daily`, `weekly`,
/// `last`, `within`…; empty for a removed one).
#[derive(Debug, Clone, Serialize)]
pub struct Generation {
    /// The snapshot.
    #[serde(flatten)]
    pub snapshot: SnapshotInfo,
    /// Why it is kept.
    pub reasons: Vec<String>,
}

/// What pruning did after the snapshots were forgotten.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PruneSummary {
    /// Packs no longer needed, marked now and removed by a prune at least 23 h later.
    pub packs_marked: u64,
    /// Packs marked by an earlier prune and removed now.
    pub packs_removed: u64,
    /// Packs marked by an earlier prune less than 23 h ago, still waiting.
    pub packs_waiting: u64,
    /// Their bytes.
    pub bytes_removed: u64,
    /// Packs rewritten because they held needed and unneeded data.
    pub packs_repacked: u64,
}

/// What [`BackupRepo::forget`] kept and removed.
#[derive(Debug, Clone, Serialize)]
pub struct ForgetReport {
    /// The policy, in its short form.
    pub policy: String,
    /// Nothing was changed.
    pub dry_run: bool,
    /// Snapshots kept, newest first within each group.
    pub kept: Vec<Generation>,
    /// Snapshots removed (or, in a dry run, that would be).
    pub removed: Vec<Generation>,
    /// The prune after removing; `None` in a dry run.
    pub prune: Option<PruneSummary>,
}

impl BackupRepo {
    /// Applies `policy`: removes the snapshots it does not keep, then prunes (two-phase, see
    /// the module). With `dry_run` only reports. Refused with [`Error::RetentionHeld`] while any
    /// snapshot carries the ransomware guard's alarm.
    pub fn forget(&self, policy: &RetentionPolicy, dry_run: bool) -> Result<ForgetReport> {
        policy.validate()?;
        let _lock = if dry_run { None } else { Some(RepoLock::acquire(&self.path)?) };
        let repo = self.open()?;
        let snaps = repo.get_all_snapshots().map_err(Error::rustic(&self.path, "list snapshots"))?;
        let mut held: Vec<_> = snaps.iter().filter(|s| is_held(s)).collect();
        if !held.is_empty() {
            held.sort_unstable();
            let snapshots = held.iter().map(|s| s.id.to_hex().as_str().to_owned()).collect();
            return Err(Error::RetentionHeld { repo: self.path.clone(), snapshots });
        }
        let grouped = Grouped::from_items(snaps, SnapshotGroupCriterion::default());
        let now = jiff::Zoned::now();
        let groups = ForgetGroups::from_grouped_snapshots_with_retention(grouped, &policy.keep_options(), &now)
            .map_err(Error::rustic(&self.path, "apply the retention policy"))?;
        let (mut kept, mut removed, mut ids) = (Vec::new(), Vec::new(), Vec::new());
        for group in groups.0 {
            for f in group.items {
                let g = Generation { snapshot: SnapshotInfo::from(&f.snapshot), reasons: f.reasons };
                if f.keep {
                    kept.push(g);
                } else {
                    ids.push(f.snapshot.id);
                    removed.push(g);
                }
            }
        }
        let mut report = ForgetReport { policy: policy.to_string(), dry_run, kept, removed, prune: None };
        if dry_run {
            return Ok(report);
        }
        if !ids.is_empty() {
            repo.delete_snapshots(&ids).map_err(Error::rustic(&self.path, "remove snapshots"))?;
        }
        // Pruned even when nothing was removed now: packs marked a day ago go at this run.
        let opts = PruneOptions::default();
        let plan = repo.prune_plan(&opts).map_err(Error::rustic(&self.path, "plan the prune"))?;
        let st = &plan.stats;
        report.prune = Some(PruneSummary {
            packs_marked: st.packs.unused + st.packs_unref,
            packs_removed: st.packs_to_delete.remove,
            packs_waiting: st.packs_to_delete.keep,
            bytes_removed: st.size_to_delete.remove,
            packs_repacked: st.packs.repack,
        });
        repo.prune(&opts, plan).map_err(Error::rustic(&self.path, "prune"))?;
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_short_form_reads_and_writes_back() {
        let p: RetentionPolicy = "daily=7, weekly=4,monthly=12,yearly=5".parse().unwrap();
        assert_eq!(
            p,
            RetentionPolicy {
                keep_daily: Some(7),
                keep_weekly: Some(4),
                keep_monthly: Some(12),
                keep_yearly: Some(5),
                ..Default::default()
            }
        );
        assert_eq!(p.to_string(), "daily=7,weekly=4,monthly=12,yearly=5");
        let q: RetentionPolicy = "within=30d,last=3".parse().unwrap();
        assert_eq!(q.to_string(), "last=3,within=30d");
        assert_eq!(q.to_string().parse::<RetentionPolicy>().unwrap(), q);
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(json, r#"{"keep_daily":7,"keep_weekly":4,"keep_monthly":12,"keep_yearly":5}"#);
        assert_eq!(serde_json::from_str::<RetentionPolicy>(&json).unwrap(), p);
    }

    #[test]
    fn a_policy_that_keeps_nothing_is_refused() {
        for bad in ["", "daily=0", "hourly=3", "daily=7,daily=8", "daily=seven", "daily"] {
            let e = bad.parse::<RetentionPolicy>().unwrap_err();
            assert!(matches!(e, Error::Policy { .. }), "{bad}: {e}");
        }
        assert!(RetentionPolicy::default().validate().is_err());
    }
}
