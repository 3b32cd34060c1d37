//! The annual backup report's data: for one facility and fiscal year (April to March, Japan
//! time), each protected system, what is backed up where, the generations kept, the offline
//! copy and when it was last refreshed, and the restore tests with their measured durations.
//! Hospitals of 400 beds or more report their backup arrangements to MHLW every July; the
//! printable document is built from this.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::{Offset, TimeZone};
use mamoru_domain::access::Action;
use mamoru_domain::backup::{OfflineKind, RestoreStatus, ResultKind, Retention, Schedule, SystemKind};
use mamoru_domain::facility::Facility;
use mamoru_domain::{AssetId, BackupJobId, FacilityId};
use mamoru_store::{BackupJobQuery, BackupResult, BackupResultQuery};

use super::restore_state;
use crate::error::{Error, Result};
use crate::{App, Principal};

/// The report.
#[derive(Debug, Clone, PartialEq)]
pub struct AnnualBackupReport {
    /// The facility.
    pub facility: Facility,
    /// The fiscal year, by the calendar year it starts in (2026 = 2026-04-01..2027-03-31).
    pub fiscal_year: i16,
    /// Its first day.
    pub from: Date,
    /// Its last day.
    pub to: Date,
    /// When the data was read.
    pub generated_at: Timestamp,
    /// The systems, those needed for care first.
    pub systems: Vec<ReportSystem>,
}

/// One system in the report.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportSystem {
    /// Its job.
    pub job: BackupJobId,
    /// The system's name.
    pub name: String,
    /// Its kind.
    pub kind: SystemKind,
    /// Needed to keep treating patients.
    pub needed_for_care: bool,
    /// Its asset in the register.
    pub asset: Option<AssetId>,
    /// What is backed up.
    pub sources: Vec<String>,
    /// Where.
    pub repository: String,
    /// When.
    pub schedule: Schedule,
    /// Generations kept.
    pub retention: Retention,
    /// The offline copy: its kind and repository.
    pub offline: Option<(OfflineKind, String)>,
    /// When the offline copy was last refreshed successfully, up to the end of the year.
    pub offline_refreshed_at: Option<Timestamp>,
    /// Offline copies made in the year that succeeded.
    pub offline_copies: u32,
    /// Backups in the year that succeeded.
    pub backups_ok: u32,
    /// Backups in the year that failed.
    pub backups_failed: u32,
    /// The last backup that succeeded, up to the end of the year.
    pub last_backup_at: Option<Timestamp>,
    /// Restore tests in the year that passed.
    pub restore_tests_passed: u32,
    /// Restore tests in the year that failed.
    pub restore_tests_failed: u32,
    /// The last restore test, up to the end of the year (passed or not).
    pub last_restore_test: Option<BackupResult>,
    /// The last restore test that passed, up to the end of the year, with its duration.
    pub last_passed_test: Option<BackupResult>,
    /// The restore-test policy, in days.
    pub max_age_days: u32,
    /// Where the verification stood at the end of the year (or now, for the current year).
    pub status: RestoreStatus,
}

/// The fiscal year (年度) an instant falls in, in Japan: January to March belong to the year before.
pub fn fiscal_year_of(t: Timestamp) -> i16 {
    let day = t.to_zoned(TimeZone::fixed(Offset::constant(9))).date();
    if day.month() < 4 { day.year() - 1 } else { day.year() }
}

impl App {
    /// The report's data for `facility` and `fiscal_year`, read as of `now`.
    pub async fn annual_backup_report(
        &self,
        p: &Principal,
        facility: FacilityId,
        fiscal_year: i16,
        now: Timestamp,
    ) -> Result<AnnualBackupReport> {
        p.require(Action::ViewInventory, Some(facility))?;
        let facility = self.store.facility(p.org, facility).await?;
        let bad_year = || Error::invalid("fiscal_year", mamoru_domain::Problem::OutOfRange { min: 2000, max: 2100 });
        if !(2000..=2100).contains(&fiscal_year) {
            return Err(bad_year());
        }
        let from = Date::new(fiscal_year, 4, 1).map_err(|_| bad_year())?;
        let next = Date::new(fiscal_year + 1, 4, 1).map_err(|_| bad_year())?;
        let tokyo = TimeZone::fixed(Offset::constant(9));
        let start = from.to_zoned(tokyo.clone()).map_err(|_| bad_year())?.timestamp();
        let end = next.to_zoned(tokyo).map_err(|_| bad_year())?.timestamp();
        let as_of = end.min(now);
        let jobs =
            self.store.backup_jobs(p.org, &BackupJobQuery { visible: None, facility: Some(facility.id) }).await?;
        let mut systems = Vec::new();
        for job in jobs {
            let query = BackupResultQuery {
                jobs: Some(vec![job.id]),
                until: Some(as_of),
                limit: Some(10_000),
                ..Default::default()
            };
            // Newest first, up to the end of the year (or now).
            let results = self.store.backup_results(p.org, &query).await?;
            let in_year = |r: &&BackupResult| r.result.started_at >= start;
            let count = |kind: ResultKind, ok: bool| {
                let n = results.iter().filter(in_year).filter(|r| r.result.kind == kind && r.result.ok == ok).count();
                u32::try_from(n).unwrap_or(u32::MAX)
            };
            let newest = |kind: ResultKind, ok_only: bool| {
                results.iter().find(|r| r.result.kind == kind && (!ok_only || r.result.ok)).cloned()
            };
            let last_restore_test = newest(ResultKind::RestoreTest, false);
            let last_passed_test = newest(ResultKind::RestoreTest, true);
            let latest: Vec<BackupResult> = last_restore_test.iter().chain(&last_passed_test).cloned().collect();
            let (status, _) = restore_state(&job, &latest, as_of);
            systems.push(ReportSystem {
                job: job.id,
                name: job.spec.name.clone(),
                kind: job.spec.kind,
                needed_for_care: job.spec.needed_for_care,
                asset: job.spec.asset,
                sources: job.spec.sources.clone(),
                repository: job.spec.repository.clone(),
                schedule: job.spec.schedule,
                retention: job.spec.retention,
                offline: job.spec.offline.as_ref().map(|(repo, kind)| (*kind, repo.clone())),
                offline_refreshed_at: newest(ResultKind::Copy, true).map(|r| r.result.finished_at),
                offline_copies: count(ResultKind::Copy, true),
                backups_ok: count(ResultKind::Backup, true),
                backups_failed: count(ResultKind::Backup, false),
                last_backup_at: newest(ResultKind::Backup, true).map(|r| r.result.finished_at),
                restore_tests_passed: count(ResultKind::RestoreTest, true),
                restore_tests_failed: count(ResultKind::RestoreTest, false),
                last_restore_test,
                last_passed_test,
                max_age_days: job.spec.restore.max_age_days,
                status,
            });
        }
        systems.sort_by(|a, b| (!a.needed_for_care, &a.name).cmp(&(!b.needed_for_care, &b.name)));
        let to = next.yesterday().map_err(|_| bad_year())?;
        Ok(AnnualBackupReport { facility, fiscal_year, from, to, generated_at: now, systems })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fiscal_years_turn_on_april_first_in_japan() {
        let t = |s: &str| s.parse::<Timestamp>().unwrap();
        assert_eq!(fiscal_year_of(t("2026-03-31T14:59:59Z")), 2025);
        assert_eq!(fiscal_year_of(t("2026-03-31T15:00:00Z")), 2026, "already April 1 in Japan");
        assert_eq!(fiscal_year_of(t("2026-12-31T00:00:00Z")), 2026);
    }
}
