//! The scheduler's pass: run every enabled job whose slot has come, test the restore of those
//! whose last verified restore is ageing out, and alert on restore tests that are overdue.
//! `mamoru serve` calls it every minute; a clinic without a server calls it from cron or a
//! systemd timer (`mamoru backup job run-due`).

use jiff::Timestamp;
use mamoru_domain::backup::{RestoreStatus, ResultKind, RunCause};
use mamoru_domain::{AlertId, BackupJobId};

use super::restore_state;
use super::run::{BackupSettings, JobRun};
use crate::error::Result;
use crate::{App, Principal};

/// What a scheduler pass did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DueRun {
    /// Jobs backed up, with what each step did.
    pub backups: Vec<(BackupJobId, JobRun)>,
    /// Restore tests run after a backup because the last verified restore was ageing out.
    pub restore_tests: Vec<(BackupJobId, JobRun)>,
    /// Overdue-restore alerts raised.
    pub overdue_alerts: Vec<AlertId>,
    /// Jobs that could not be run at all (the store failed), with why.
    pub errors: Vec<(BackupJobId, String)>,
}

impl App {
    /// One scheduler pass as of `now`, for every organisation. A job's slot counts from its
    /// last backup (or its creation): a machine that was off runs a missed slot once, not once
    /// per missed day. After a scheduled backup, the restore is tested when the last verified
    /// restore is not fresh (due soon, overdue, never, failed), so a job that runs keeps its
    /// own verification current.
    pub async fn run_due_backups(&self, now: Timestamp, settings: &BackupSettings) -> Result<DueRun> {
        let mut out = DueRun::default();
        for (org, job) in self.store.enabled_backup_jobs_everywhere().await? {
            let latest = self.store.latest_backup_results(org, &[job.id]).await?;
            let anchor = latest
                .iter()
                .filter(|r| r.result.kind == ResultKind::Backup)
                .map(|r| r.result.started_at)
                .max()
                .unwrap_or(job.created_at);
            if !job.spec.schedule.is_due(anchor, now) {
                continue;
            }
            let p = Principal::system(org);
            let run = match self.run_backup_job(&p, job.id, RunCause::Schedule, settings).await {
                Ok(run) => run,
                // Started from a page a moment ago: that run is this slot's.
                Err(crate::Error::InUse(_)) => continue,
                Err(e) => {
                    tracing::warn!(job = job.id.get(), error = %e, "scheduled backup could not run");
                    out.errors.push((job.id, e.to_string()));
                    continue;
                }
            };
            let backed_up = run.result(ResultKind::Backup).is_some_and(|r| r.ok);
            out.backups.push((job.id, run));
            if !backed_up {
                continue;
            }
            let latest = self.store.latest_backup_results(org, &[job.id]).await?;
            let (status, _) = restore_state(&job, &latest, now);
            if status != RestoreStatus::Fresh {
                match self.run_restore_test(&p, job.id, RunCause::Schedule, settings).await {
                    Ok(test) => out.restore_tests.push((job.id, test)),
                    Err(e) => out.errors.push((job.id, e.to_string())),
                }
            }
        }
        out.overdue_alerts = self.check_restore_overdue(now).await?;
        Ok(out)
    }
}
