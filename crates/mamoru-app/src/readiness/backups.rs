//! The backup facts of checklist item 3-②, from the facility's backup jobs and their results.

use mamoru_domain::backup::ResultKind;
use mamoru_domain::backup::Retention;
use mamoru_domain::readiness::fiscal::tokyo_day;
use mamoru_domain::readiness::rules::BackupSystem;
use mamoru_domain::{FacilityId, OrgId};
use mamoru_store::{BackupJobQuery, BackupResultQuery};

use crate::App;
use crate::error::Result;

/// Successful backups counted at most (more than any retention policy keeps in practice).
const COUNT_LIMIT: u32 = 1_000;

impl App {
    /// One entry per backup job of the facility: generations kept, whether an offline or
    /// immutable copy was made, and the last restore test that passed.
    pub(super) async fn backup_facts(&self, org: OrgId, facility: FacilityId) -> Result<Vec<BackupSystem>> {
        let jobs =
            self.store.backup_jobs(org, &BackupJobQuery { facility: Some(facility), ..Default::default() }).await?;
        let mut systems = Vec::with_capacity(jobs.len());
        for job in jobs {
            let results = |kind: ResultKind, limit: u32| BackupResultQuery {
                jobs: Some(vec![job.id]),
                kind: Some(kind),
                ok_only: true,
                limit: Some(limit),
                ..Default::default()
            };
            let backups = self.store.backup_results(org, &results(ResultKind::Backup, COUNT_LIMIT)).await?.len() as u32;
            let copied = !self.store.backup_results(org, &results(ResultKind::Copy, 1)).await?.is_empty();
            let tested = self.store.backup_results(org, &results(ResultKind::RestoreTest, 1)).await?;
            systems.push(BackupSystem {
                system: job.spec.name.clone(),
                needed_for_care: job.spec.needed_for_care,
                generations: backups.min(kept_at_most(&job.spec.retention)),
                // An offline copy counts once one has been made, not when it is only planned.
                offline_or_immutable: job.spec.offline.is_some() && copied,
                last_restore_test_passed: tested.first().map(|r| tokyo_day(r.result.started_at)),
            });
        }
        Ok(systems)
    }
}

/// The most snapshots a retention policy can keep (`u32::MAX` when it keeps everything or
/// keeps by age).
fn kept_at_most(r: &Retention) -> u32 {
    if r.is_empty() || r.within_days.is_some() {
        return u32::MAX;
    }
    [r.last, r.daily, r.weekly, r.monthly, r.yearly].iter().flatten().fold(0u32, |n, k| n.saturating_add(*k))
}
