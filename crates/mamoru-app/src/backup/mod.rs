//! Backups in the app: a job per protected system (電子カルテ, PACS, file server...), its
//! results, the scheduler, and the alerts that make a failed or overdue restore test reach a
//! person.
//!
//! - `jobs`: define, edit and read jobs (managers define them; staff may run them).
//! - `board`: per system, the last verified restore and its measured duration, and whether it
//!   is within the policy (the dashboard card).
//! - `report`: the annual backup report's data for one facility and fiscal year.
//! - `run`: a backup (then the offline copy and the retention policy) and a restore test,
//!   through the `mamoru-backup` engine on a blocking thread, every step recorded.
//! - `alerts`: failures and overdue restore tests as detection alerts under built-in rule ids
//!   (`mamoru-backup/...`), so they reach people through the same webhook and mail.
//!
//! The store keeps the path of each job's password file, never the password.

mod alerts;
mod board;
mod jobs;
mod report;
mod run;
mod schedule;
mod steps;

pub use alerts::{RULE_BACKUP_FAILED, RULE_GUARD_ALARM, RULE_RESTORE_FAILED, RULE_RESTORE_OVERDUE};
pub use board::{BackupBoard, SystemStatus};
pub use jobs::{JobView, KindResults};
pub use report::{AnnualBackupReport, ReportSystem, fiscal_year_of};
pub(crate) use run::Runs;
pub use run::{BackupSettings, JobRun};
pub use schedule::DueRun;

use jiff::Timestamp;
use mamoru_domain::backup::{RestoreStatus, ResultKind, restore_status};
use mamoru_store::{BackupJob, BackupResult};

/// The last restore test that passed and the last attempt, from a job's latest results.
fn restore_state(job: &BackupJob, latest: &[BackupResult], now: Timestamp) -> (RestoreStatus, Option<Timestamp>) {
    let tests = latest.iter().filter(|r| r.job == job.id && r.result.kind == ResultKind::RestoreTest);
    let passed = tests.clone().filter(|r| r.result.ok).map(|r| r.result.finished_at).max();
    let attempt = tests.max_by_key(|r| r.id).map(|r| (r.result.finished_at, r.result.ok));
    let status = restore_status(passed, attempt, job.spec.restore, now);
    (status, passed.map(|p| job.spec.restore.due_at(p)))
}

/// The newest result of `kind` for `job` among `latest`, and the newest that succeeded.
fn last_of<'a>(
    job: &BackupJob,
    latest: &'a [BackupResult],
    kind: ResultKind,
) -> (Option<&'a BackupResult>, Option<&'a BackupResult>) {
    let of = || latest.iter().filter(move |r| r.job == job.id && r.result.kind == kind);
    (of().max_by_key(|r| r.id), of().filter(|r| r.result.ok).max_by_key(|r| r.id))
}
