//! Running a job: the backup, then the offline copy and the retention policy when the job has
//! them; and the restore test. The engine works on a blocking thread; each step's result is
//! recorded, and a failure raises an alert (`alerts`).

use std::path::PathBuf;

use mamoru_domain::access::Action;
use mamoru_domain::backup::{ResultKind, RunCause};
use mamoru_domain::{AlertId, BackupJobId, BackupResultId};
use mamoru_store::{BackupJob, NewBackupResult};
use serde_json::Value;

use super::alerts::Raise;
use super::steps::{backup_step, copy_step, forget_step, restore_test_step, verify_step};
use crate::error::{Error, Result};
use crate::{App, Principal};

/// Where runs keep their working files.
#[derive(Debug, Clone, Default)]
pub struct BackupSettings {
    /// Where the ransomware guard keeps each job's manifest of the last backup
    /// (`guard-job-N.json`); no guard when `None`. `mamoru serve` and the CLI use
    /// `DATA_DIR/backup-state`.
    pub state_dir: Option<PathBuf>,
    /// Where restore tests restore to (the system's temporary folder when `None`): a disk
    /// with room for the largest system's data.
    pub scratch_dir: Option<PathBuf>,
}

/// What a run did: each step's recorded result, and the alerts it raised.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JobRun {
    /// The results recorded, in the order the steps ran.
    pub results: Vec<(BackupResultId, NewBackupResult)>,
    /// Alerts raised or joined (a failure, a ransomware guard alarm).
    pub alerts: Vec<AlertId>,
}

impl JobRun {
    /// Whether every step succeeded.
    pub fn ok(&self) -> bool {
        self.results.iter().all(|(_, r)| r.ok)
    }

    /// The result of `kind`, if that step ran.
    pub fn result(&self, kind: ResultKind) -> Option<&NewBackupResult> {
        self.results.iter().map(|(_, r)| r).find(|r| r.kind == kind)
    }
}

impl App {
    /// Backs the job's sources up now, then refreshes its offline copy and applies its
    /// retention policy (each only after a backup that succeeded). A failure is recorded and
    /// alerted, not returned: only a refusal (permission, unknown job) or a database error is
    /// an `Err`; so is a job this process is already running ([`Error::InUse`]: a run
    /// started from a page while the scheduler's is under way would only meet the
    /// repository's lock and be recorded as a failure).
    pub async fn run_backup_job(
        &self,
        p: &Principal,
        id: BackupJobId,
        cause: RunCause,
        settings: &BackupSettings,
    ) -> Result<JobRun> {
        let job = self.job_to_run(p, id).await?;
        let _running =
            Running::claim(&self.backup_runs, id).ok_or_else(|| Error::InUse(format!("backup job {id} (running)")))?;
        let mut run = JobRun::default();
        let step = {
            let (job, settings) = (job.clone(), settings.clone());
            tokio::task::spawn_blocking(move || backup_step(&job, cause, &settings)).await?
        };
        let backed_up = step.ok;
        let alarm = step.details.get("guard_alarm").and_then(Value::as_array).is_some_and(|a| !a.is_empty());
        self.record_step(p, &job, step, &mut run).await?;
        if alarm && let Some((_, step)) = run.results.last().cloned() {
            run.alerts.extend(self.raise(p.org, &job, Raise::GuardAlarm, &step).await?);
        }
        if !backed_up {
            return Ok(run);
        }
        if let Some((offline, kind)) = job.spec.offline.clone() {
            let job2 = job.clone();
            let step = tokio::task::spawn_blocking(move || copy_step(&job2, &offline, kind.code(), cause)).await?;
            self.record_step(p, &job, step, &mut run).await?;
        }
        if !job.spec.retention.is_empty() {
            let job2 = job.clone();
            let step = tokio::task::spawn_blocking(move || forget_step(&job2, cause)).await?;
            self.record_step(p, &job, step, &mut run).await?;
        }
        Ok(run)
    }

    /// Restores the job's latest snapshot into a scratch folder, compares every file, and
    /// records the result with how long it took: the measured recovery time. A failed test is
    /// alerted.
    pub async fn run_restore_test(
        &self,
        p: &Principal,
        id: BackupJobId,
        cause: RunCause,
        settings: &BackupSettings,
    ) -> Result<JobRun> {
        let job = self.job_to_run(p, id).await?;
        let mut run = JobRun::default();
        let (job2, scratch) = (job.clone(), settings.scratch_dir.clone());
        let step = tokio::task::spawn_blocking(move || restore_test_step(&job2, cause, scratch.as_deref())).await?;
        self.record_step(p, &job, step, &mut run).await?;
        Ok(run)
    }

    /// Checks the job's repository (structure, and `read_data_percent` of the data when given)
    /// and records the result; damage is alerted like a failed restore test.
    pub async fn run_backup_verify(
        &self,
        p: &Principal,
        id: BackupJobId,
        cause: RunCause,
        read_data_percent: Option<f64>,
    ) -> Result<JobRun> {
        let job = self.job_to_run(p, id).await?;
        let mut run = JobRun::default();
        let job2 = job.clone();
        let step = tokio::task::spawn_blocking(move || verify_step(&job2, cause, read_data_percent)).await?;
        self.record_step(p, &job, step, &mut run).await?;
        Ok(run)
    }

    /// The job, if the principal may run it.
    async fn job_to_run(&self, p: &Principal, id: BackupJobId) -> Result<BackupJob> {
        let job = self.backup_job(p, id).await?;
        p.require(Action::RunBackups, Some(job.spec.facility))?;
        Ok(job)
    }

    /// Records a step's result and raises the alert a failure calls for.
    async fn record_step(&self, p: &Principal, job: &BackupJob, step: NewBackupResult, run: &mut JobRun) -> Result<()> {
        let id = self.store.record_backup_result(p.org, job.id, &step, &p.actor()).await?;
        if !step.ok
            && let Some(raise) = Raise::for_failure(step.kind, &step)
        {
            run.alerts.extend(self.raise(p.org, job, raise, &step).await?);
        }
        run.results.push((id, step));
        Ok(())
    }
}

/// The jobs an [`App`] is backing up now; a clone shares the set.
#[derive(Debug, Clone, Default)]
pub(crate) struct Runs(std::sync::Arc<std::sync::Mutex<Vec<BackupJobId>>>);

/// A job marked as running until dropped (also when the run's future is dropped half-way).
struct Running(Runs, BackupJobId);

impl Running {
    fn claim(runs: &Runs, id: BackupJobId) -> Option<Running> {
        let mut running = runs.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if running.contains(&id) {
            return None;
        }
        running.push(id);
        Some(Running(runs.clone(), id))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).retain(|j| *j != self.1);
    }
}
