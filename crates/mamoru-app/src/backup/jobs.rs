//! Defining, editing and reading backup jobs.

use jiff::Timestamp;
use mamoru_domain::access::Action;
use mamoru_domain::backup::{JobInput, JobSpec, RestoreStatus, ResultKind};
use mamoru_domain::{BackupJobId, FacilityId, Invalid, Problem};
use mamoru_store::{BackupJob, BackupJobQuery, BackupResult, BackupResultQuery};

use super::{last_of, restore_state};
use crate::error::{Error, Result};
use crate::{App, Principal};

/// A job's page: its definition, its latest results per kind, where its restore verification
/// stands, and its recent history.
#[derive(Debug, Clone, PartialEq)]
pub struct JobView {
    /// The job.
    pub job: BackupJob,
    /// For each kind of result, in [`ResultKind::ALL`] order, the latest and the latest passed.
    pub latest: Vec<KindResults>,
    /// Where the restore verification stands.
    pub status: RestoreStatus,
    /// When the next restore test is due (`None` before one has passed).
    pub restore_due_at: Option<Timestamp>,
    /// When the scheduler runs it next (`None` for a manual or disabled job).
    pub next_run: Option<Timestamp>,
    /// The newest results of every kind (up to 50).
    pub history: Vec<BackupResult>,
}

/// The latest results of one kind.
#[derive(Debug, Clone, PartialEq)]
pub struct KindResults {
    /// The kind.
    pub kind: ResultKind,
    /// The newest result.
    pub last: Option<BackupResult>,
    /// The newest that succeeded (the same as `last` when that succeeded).
    pub last_ok: Option<BackupResult>,
}

impl App {
    /// Defines a backup job for a system of a facility (managers and administrators).
    pub async fn create_backup_job(&self, p: &Principal, input: &JobInput) -> Result<BackupJobId> {
        if let Some(f) = input.facility {
            p.require(Action::ManageBackups, Some(f))?;
        } else if !p.can_anywhere(Action::ManageBackups) {
            return Err(Error::Forbidden);
        }
        let spec = self.checked_spec(p, input).await?;
        self.store.create_backup_job(p.org, &spec, &p.actor()).await.map_err(Error::conflict_on("name"))
    }

    /// Replaces a job's definition; the principal must manage backups where it was and where
    /// it goes.
    pub async fn update_backup_job(&self, p: &Principal, id: BackupJobId, input: &JobInput) -> Result<()> {
        let before = self.backup_job(p, id).await?;
        p.require(Action::ManageBackups, Some(before.spec.facility))?;
        if let Some(f) = input.facility {
            p.require(Action::ManageBackups, Some(f))?;
        }
        let spec = self.checked_spec(p, input).await?;
        self.store.update_backup_job(p.org, id, &spec, &p.actor()).await.map_err(Error::conflict_on("name"))
    }

    /// One job, if the principal may see its facility.
    pub async fn backup_job(&self, p: &Principal, id: BackupJobId) -> Result<BackupJob> {
        let job = self.store.backup_job(p.org, id).await?;
        if !p.can(Action::ViewInventory, Some(job.spec.facility)) {
            // Not "forbidden": a job of a facility one may not see does not exist for them.
            return Err(Error::NotFound("backup job"));
        }
        Ok(job)
    }

    /// The jobs the principal may see, by facility and name; only `facility`'s if given.
    pub async fn backup_jobs(&self, p: &Principal, facility: Option<FacilityId>) -> Result<Vec<BackupJob>> {
        let query = BackupJobQuery { visible: p.visible(), facility };
        Ok(self.store.backup_jobs(p.org, &query).await?)
    }

    /// A job with its latest results and restore status as of `now`.
    pub async fn backup_job_view(&self, p: &Principal, id: BackupJobId, now: Timestamp) -> Result<JobView> {
        let job = self.backup_job(p, id).await?;
        let latest = self.store.latest_backup_results(p.org, &[id]).await?;
        let (status, restore_due_at) = restore_state(&job, &latest, now);
        let kinds = ResultKind::ALL
            .iter()
            .map(|&kind| {
                let (last, last_ok) = last_of(&job, &latest, kind);
                KindResults { kind, last: last.cloned(), last_ok: last_ok.cloned() }
            })
            .collect();
        let history = self.backup_results(p, id, None, 50).await?;
        let next_run = if job.spec.enabled {
            let last_backup =
                latest.iter().filter(|r| r.result.kind == ResultKind::Backup).map(|r| r.result.started_at).max();
            // A slot missed while nothing ran is in the past: the next scheduler pass runs it.
            job.spec.schedule.next_after(last_backup.unwrap_or(job.created_at))
        } else {
            None
        };
        Ok(JobView { job, latest: kinds, status, restore_due_at, next_run, history })
    }

    /// A job's results, newest first, of one kind or all.
    pub async fn backup_results(
        &self,
        p: &Principal,
        id: BackupJobId,
        kind: Option<ResultKind>,
        limit: u32,
    ) -> Result<Vec<BackupResult>> {
        self.backup_job(p, id).await?;
        let query = BackupResultQuery { jobs: Some(vec![id]), kind, limit: Some(limit), ..Default::default() };
        Ok(self.store.backup_results(p.org, &query).await?)
    }

    /// Parses the form and checks what only the store knows: the facility and the linked asset
    /// are the organisation's, and the asset is in that facility.
    async fn checked_spec(&self, p: &Principal, input: &JobInput) -> Result<JobSpec> {
        let spec = input.parse().map_err(Error::Invalid)?;
        if self.store.facility(p.org, spec.facility).await.is_err() {
            return Err(Error::invalid("facility", Problem::Unknown("facility".into())));
        }
        if let Some(asset) = spec.asset {
            let found = self.store.asset(p.org, asset).await.ok();
            if found.is_none_or(|a| a.facility_id != spec.facility) {
                return Err(Error::Invalid(vec![Invalid::new("asset", Problem::Unknown("asset".into()))]));
            }
        }
        Ok(spec)
    }
}
