//! The JSON shapes of backups, converted by hand like every view in `views`: the board (per
//! system, the last verified restore), a job with its latest results and history, and what a
//! run did. Times are RFC 3339 in UTC; codes are the domain's stable codes; durations are
//! milliseconds. Keys are only ever added.

use mamoru_app::backup::{BackupBoard, JobRun, JobView, SystemStatus};
use mamoru_store::{BackupResult, NewBackupResult};
use serde::Serialize;
use utoipa::ToSchema;

/// Every protected system the caller may see, those needing action first.
#[derive(Serialize, ToSchema)]
pub(crate) struct BackupBoardView {
    /// Systems whose restore verification is overdue, failed or never done (shown red).
    pub(crate) needing_action: usize,
    /// Systems whose last backup failed.
    pub(crate) failed_backups: usize,
    pub(crate) systems: Vec<SystemStatusView>,
}

/// One system: where its restore verification stands.
#[derive(Serialize, ToSchema)]
pub(crate) struct SystemStatusView {
    pub(crate) job_id: i64,
    pub(crate) facility_id: i64,
    /// The facility's name.
    pub(crate) facility: String,
    /// The system's name.
    pub(crate) name: String,
    /// `emr`, `pacs`, `departmental`, `file_server`, `accounting` or `other`.
    pub(crate) kind: &'static str,
    pub(crate) needed_for_care: bool,
    /// Whether the scheduler runs it.
    pub(crate) enabled: bool,
    /// `fresh`, `due_soon`, `overdue`, `never` or `failed`.
    pub(crate) status: &'static str,
    /// `overdue`, `never` or `failed`: a person must act.
    pub(crate) needs_action: bool,
    /// The restore-test policy: days a passed test stays valid.
    pub(crate) max_age_days: u32,
    /// When the last restore test that passed finished.
    pub(crate) last_verified_at: Option<String>,
    /// How long that restore took (the measured recovery time), in milliseconds.
    pub(crate) last_verified_ms: Option<u64>,
    pub(crate) last_verified_files: Option<u64>,
    pub(crate) last_verified_bytes: Option<u64>,
    /// When the next restore test is due.
    pub(crate) restore_due_at: Option<String>,
    /// The most recent restore test, if it failed: when, and why.
    pub(crate) last_failure_at: Option<String>,
    pub(crate) last_failure_message: Option<String>,
    pub(crate) last_backup_at: Option<String>,
    /// Null before the first backup.
    pub(crate) last_backup_ok: Option<bool>,
    /// `removable`, `network`, `worm` or `object-lock`; null without an offline copy.
    pub(crate) offline_kind: Option<&'static str>,
    /// When the offline copy was last refreshed successfully.
    pub(crate) offline_refreshed_at: Option<String>,
}

impl From<&SystemStatus> for SystemStatusView {
    fn from(s: &SystemStatus) -> Self {
        SystemStatusView {
            job_id: s.job.get(),
            facility_id: s.facility.get(),
            facility: s.facility_name.clone(),
            name: s.name.clone(),
            kind: s.kind.code(),
            needed_for_care: s.needed_for_care,
            enabled: s.enabled,
            status: s.status.code(),
            needs_action: s.status.needs_action(),
            max_age_days: s.max_age_days,
            last_verified_at: s.last_verified_at.map(|t| t.to_string()),
            last_verified_ms: s.last_verified_ms,
            last_verified_files: s.last_verified_files,
            last_verified_bytes: s.last_verified_bytes,
            restore_due_at: s.restore_due_at.map(|t| t.to_string()),
            last_failure_at: s.last_failure.as_ref().map(|f| f.0.to_string()),
            last_failure_message: s.last_failure.as_ref().map(|f| f.1.clone()),
            last_backup_at: s.last_backup_at.map(|t| t.to_string()),
            last_backup_ok: s.last_backup_ok,
            offline_kind: s.offline_kind.map(|k| k.code()),
            offline_refreshed_at: s.offline_refreshed_at.map(|t| t.to_string()),
        }
    }
}

impl From<&BackupBoard> for BackupBoardView {
    fn from(b: &BackupBoard) -> Self {
        BackupBoardView {
            needing_action: b.needing_action(),
            failed_backups: b.failed_backups(),
            systems: b.systems.iter().map(Into::into).collect(),
        }
    }
}

/// One recorded result: a backup, an offline copy, a verify, a restore test or a retention run.
#[derive(Serialize, ToSchema)]
pub(crate) struct BackupResultView {
    pub(crate) id: i64,
    /// `backup`, `copy`, `verify`, `restore_test` or `forget`.
    pub(crate) kind: &'static str,
    /// `schedule` or `manual`.
    pub(crate) cause: &'static str,
    pub(crate) started_at: String,
    pub(crate) finished_at: String,
    /// For a restore test, the measured recovery time.
    pub(crate) duration_ms: u64,
    pub(crate) ok: bool,
    pub(crate) snapshot_id: Option<String>,
    pub(crate) files: Option<u64>,
    pub(crate) bytes: Option<u64>,
    /// One line for a person; the error on failure.
    pub(crate) message: String,
    /// The engine's report (shape depends on `kind`).
    #[schema(value_type = Object)]
    pub(crate) details: serde_json::Value,
    /// Who recorded it (`system` for the scheduler).
    pub(crate) recorded_by: String,
}

impl BackupResultView {
    fn of(id: i64, r: &NewBackupResult, recorded_by: &str) -> Self {
        BackupResultView {
            id,
            kind: r.kind.code(),
            cause: r.cause.code(),
            started_at: r.started_at.to_string(),
            finished_at: r.finished_at.to_string(),
            duration_ms: r.duration_ms,
            ok: r.ok,
            snapshot_id: r.snapshot_id.clone(),
            files: r.files,
            bytes: r.bytes,
            message: r.message.clone(),
            details: r.details.clone(),
            recorded_by: recorded_by.to_owned(),
        }
    }
}

impl From<&BackupResult> for BackupResultView {
    fn from(r: &BackupResult) -> Self {
        BackupResultView::of(r.id.get(), &r.result, &r.recorded_by)
    }
}

/// The latest results of one kind.
#[derive(Serialize, ToSchema)]
pub(crate) struct LatestView {
    /// `backup`, `copy`, `verify`, `restore_test` or `forget`.
    pub(crate) kind: &'static str,
    pub(crate) last: Option<BackupResultView>,
    /// The newest that succeeded.
    pub(crate) last_ok: Option<BackupResultView>,
}

/// A job: its definition, where its restore verification stands, and its results.
#[derive(Serialize, ToSchema)]
pub(crate) struct BackupJobView {
    pub(crate) id: i64,
    pub(crate) facility_id: i64,
    pub(crate) facility: String,
    pub(crate) name: String,
    /// `emr`, `pacs`, `departmental`, `file_server`, `accounting` or `other`.
    pub(crate) kind: &'static str,
    pub(crate) needed_for_care: bool,
    pub(crate) asset_id: Option<i64>,
    /// Absolute paths.
    pub(crate) sources: Vec<String>,
    /// A local path or an `s3:` location.
    pub(crate) repository: String,
    /// Where the repository password is read from (never the password).
    pub(crate) password_file: String,
    pub(crate) offline_repository: Option<String>,
    /// `removable`, `network`, `worm` or `object-lock`.
    pub(crate) offline_kind: Option<&'static str>,
    /// `daily 02:00`, `weekly sun 03:30` or `manual` (Japan time).
    pub(crate) schedule: String,
    /// `daily=7,weekly=4,monthly=12,yearly=5`; empty keeps every generation.
    pub(crate) retention: String,
    pub(crate) restore_max_age_days: u32,
    pub(crate) enabled: bool,
    pub(crate) created_by: String,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    /// `fresh`, `due_soon`, `overdue`, `never` or `failed`.
    pub(crate) status: &'static str,
    pub(crate) needs_action: bool,
    pub(crate) restore_due_at: Option<String>,
    /// When the scheduler runs it next (null for a manual or disabled job).
    pub(crate) next_run: Option<String>,
    /// The latest result of each kind.
    pub(crate) latest: Vec<LatestView>,
    /// The newest results of every kind, newest first (up to 50).
    pub(crate) results: Vec<BackupResultView>,
}

impl From<&JobView> for BackupJobView {
    fn from(v: &JobView) -> Self {
        let j = &v.job.spec;
        BackupJobView {
            id: v.job.id.get(),
            facility_id: j.facility.get(),
            facility: v.job.facility_name.clone(),
            name: j.name.clone(),
            kind: j.kind.code(),
            needed_for_care: j.needed_for_care,
            asset_id: j.asset.map(|a| a.get()),
            sources: j.sources.clone(),
            repository: j.repository.clone(),
            password_file: j.password_file.clone(),
            offline_repository: j.offline.as_ref().map(|o| o.0.clone()),
            offline_kind: j.offline.as_ref().map(|o| o.1.code()),
            schedule: j.schedule.code(),
            retention: j.retention.code(),
            restore_max_age_days: j.restore.max_age_days,
            enabled: j.enabled,
            created_by: v.job.created_by.clone(),
            created_at: v.job.created_at.to_string(),
            updated_at: v.job.updated_at.to_string(),
            status: v.status.code(),
            needs_action: v.status.needs_action(),
            restore_due_at: v.restore_due_at.map(|t| t.to_string()),
            next_run: v.next_run.map(|t| t.to_string()),
            latest: v
                .latest
                .iter()
                .map(|k| LatestView {
                    kind: k.kind.code(),
                    last: k.last.as_ref().map(Into::into),
                    last_ok: k.last_ok.as_ref().map(Into::into),
                })
                .collect(),
            results: v.history.iter().map(Into::into).collect(),
        }
    }
}

/// What a run did: each step's recorded result, in the order the steps ran.
#[derive(Serialize, ToSchema)]
pub(crate) struct JobRunView {
    /// Whether every step succeeded.
    pub(crate) ok: bool,
    pub(crate) results: Vec<BackupResultView>,
    /// Alerts raised or joined (a failure, a ransomware guard alarm).
    pub(crate) alert_ids: Vec<i64>,
}

impl JobRunView {
    pub(crate) fn new(run: &JobRun, recorded_by: &str) -> Self {
        JobRunView {
            ok: run.ok(),
            results: run.results.iter().map(|(id, r)| BackupResultView::of(id.get(), r, recorded_by)).collect(),
            alert_ids: run.alerts.iter().map(|a| a.get()).collect(),
        }
    }
}
