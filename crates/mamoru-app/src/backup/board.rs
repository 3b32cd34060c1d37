//! The dashboard card: per protected system, the last verified restore, how long it took (the
//! measured recovery time), and whether it is within the policy.

use jiff::Timestamp;
use mamoru_domain::backup::{OfflineKind, RestoreStatus, ResultKind, SystemKind};
use mamoru_domain::{BackupJobId, FacilityId};
use mamoru_store::BackupJobQuery;

use super::{last_of, restore_state};
use crate::error::Result;
use crate::{App, Principal};

/// The card: one line per system, those that need action first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BackupBoard {
    /// The systems.
    pub systems: Vec<SystemStatus>,
}

impl BackupBoard {
    /// Systems whose restore verification needs action (overdue, never tested, failed).
    pub fn needing_action(&self) -> usize {
        self.systems.iter().filter(|s| s.status.needs_action()).count()
    }

    /// Systems whose last backup failed.
    pub fn failed_backups(&self) -> usize {
        self.systems.iter().filter(|s| s.last_backup_ok == Some(false)).count()
    }
}

/// One system on the card.
#[derive(Debug, Clone, PartialEq)]
pub struct SystemStatus {
    /// Its job.
    pub job: BackupJobId,
    /// Its facility.
    pub facility: FacilityId,
    /// The facility's name.
    pub facility_name: String,
    /// The system's name.
    pub name: String,
    /// The kind of system.
    pub kind: SystemKind,
    /// Needed to keep treating patients.
    pub needed_for_care: bool,
    /// Whether the scheduler runs it.
    pub enabled: bool,
    /// Where the restore verification stands (red when [`RestoreStatus::needs_action`]).
    pub status: RestoreStatus,
    /// The policy, in days.
    pub max_age_days: u32,
    /// When the last restore test that passed finished.
    pub last_verified_at: Option<Timestamp>,
    /// How long that restore took, in milliseconds: the measured recovery time.
    pub last_verified_ms: Option<u64>,
    /// The files and bytes that restore brought back.
    pub last_verified_files: Option<u64>,
    /// Bytes restored.
    pub last_verified_bytes: Option<u64>,
    /// When the next restore test is due.
    pub restore_due_at: Option<Timestamp>,
    /// The most recent restore test, if it failed: when and why.
    pub last_failure: Option<(Timestamp, String)>,
    /// When the last backup finished, and whether it succeeded.
    pub last_backup_at: Option<Timestamp>,
    /// Whether the last backup succeeded (`None` before the first).
    pub last_backup_ok: Option<bool>,
    /// The offline copy's kind, if the job has one.
    pub offline_kind: Option<OfflineKind>,
    /// When the offline copy was last refreshed successfully.
    pub offline_refreshed_at: Option<Timestamp>,
}

impl App {
    /// The card for every system the principal may see, as of `now`: systems needing action
    /// first, then those due soon; within each, those needed for care first, then by facility
    /// and name.
    pub async fn backup_board(&self, p: &Principal, now: Timestamp) -> Result<BackupBoard> {
        self.board_of(p, None, now).await
    }

    /// The card for one facility's systems.
    pub async fn backup_board_of(&self, p: &Principal, facility: FacilityId, now: Timestamp) -> Result<BackupBoard> {
        self.board_of(p, Some(facility), now).await
    }

    async fn board_of(&self, p: &Principal, facility: Option<FacilityId>, now: Timestamp) -> Result<BackupBoard> {
        let jobs = self.store.backup_jobs(p.org, &BackupJobQuery { visible: p.visible(), facility }).await?;
        let ids: Vec<_> = jobs.iter().map(|j| j.id).collect();
        let latest = self.store.latest_backup_results(p.org, &ids).await?;
        let mut systems: Vec<SystemStatus> = jobs
            .iter()
            .map(|job| {
                let (status, restore_due_at) = restore_state(job, &latest, now);
                let (test, passed) = last_of(job, &latest, ResultKind::RestoreTest);
                let (backup, _) = last_of(job, &latest, ResultKind::Backup);
                let (_, copied) = last_of(job, &latest, ResultKind::Copy);
                SystemStatus {
                    job: job.id,
                    facility: job.spec.facility,
                    facility_name: job.facility_name.clone(),
                    name: job.spec.name.clone(),
                    kind: job.spec.kind,
                    needed_for_care: job.spec.needed_for_care,
                    enabled: job.spec.enabled,
                    status,
                    max_age_days: job.spec.restore.max_age_days,
                    last_verified_at: passed.map(|r| r.result.finished_at),
                    last_verified_ms: passed.map(|r| r.result.duration_ms),
                    last_verified_files: passed.and_then(|r| r.result.files),
                    last_verified_bytes: passed.and_then(|r| r.result.bytes),
                    restore_due_at,
                    last_failure: test
                        .filter(|r| !r.result.ok)
                        .map(|r| (r.result.finished_at, r.result.message.clone())),
                    last_backup_at: backup.map(|r| r.result.finished_at),
                    last_backup_ok: backup.map(|r| r.result.ok),
                    offline_kind: job.spec.offline.as_ref().map(|o| o.1),
                    offline_refreshed_at: copied.map(|r| r.result.finished_at),
                }
            })
            .collect();
        systems.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
        Ok(BackupBoard { systems })
    }
}

fn sort_key(s: &SystemStatus) -> (bool, bool, bool, &str, &str) {
    (!s.status.needs_action(), s.status != RestoreStatus::DueSoon, !s.needed_for_care, &s.facility_name, &s.name)
}
