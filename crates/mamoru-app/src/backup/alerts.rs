//! Backup failures and overdue restore tests as alerts, so they reach a person through the
//! same webhook and mail as detections. Each has a built-in rule id under `mamoru-backup/`;
//! an alert's "computer" is the system's name, so repeated failures of one system join one
//! open alert (the detection pipeline's grouping) instead of sending a message each time.

use jiff::Timestamp;
use mamoru_domain::backup::{RestoreStatus, ResultKind};
use mamoru_domain::{AlertId, AlertLevel, OrgId};
use mamoru_store::{Actor, BackupJob, NewBackupResult, NewDetection};

use super::restore_state;
use crate::error::Result;
use crate::{App, Principal};

/// A backup, offline copy or retention run failed.
pub const RULE_BACKUP_FAILED: &str = "mamoru-backup/backup-failed";
/// A restore test failed, or verify found damage.
pub const RULE_RESTORE_FAILED: &str = "mamoru-backup/restore-test-failed";
/// No restore test has passed within the job's policy.
pub const RULE_RESTORE_OVERDUE: &str = "mamoru-backup/restore-test-overdue";
/// The ransomware guard saw mass changes or encryption-like data in the sources.
pub const RULE_GUARD_ALARM: &str = "mamoru-backup/ransomware-guard";

/// What to raise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Raise {
    BackupFailed,
    RestoreFailed,
    RestoreOverdue,
    GuardAlarm,
}

impl Raise {
    /// The alert a failed step calls for; `None` for a retention run held by the guard's
    /// alarm (expected, and alerted when the alarmed backup ran).
    pub(crate) fn for_failure(kind: ResultKind, step: &NewBackupResult) -> Option<Raise> {
        match kind {
            ResultKind::Forget if step.details.get("held").is_some() => None,
            ResultKind::Backup | ResultKind::Copy | ResultKind::Forget => Some(Raise::BackupFailed),
            ResultKind::RestoreTest | ResultKind::Verify => Some(Raise::RestoreFailed),
        }
    }

    fn rule(self) -> (&'static str, &'static str, AlertLevel) {
        match self {
            Raise::BackupFailed => (RULE_BACKUP_FAILED, "バックアップ失敗 (backup failed)", AlertLevel::High),
            Raise::RestoreFailed => (
                RULE_RESTORE_FAILED,
                "復元テスト失敗：バックアップから戻せません (restore test failed)",
                AlertLevel::Critical,
            ),
            Raise::RestoreOverdue => {
                (RULE_RESTORE_OVERDUE, "復元テスト期限切れ (restore test overdue)", AlertLevel::High)
            }
            Raise::GuardAlarm => (
                RULE_GUARD_ALARM,
                "ランサムウェアの兆候：バックアップ元の大量変更・暗号化 (ransomware guard alarm)",
                AlertLevel::Critical,
            ),
        }
    }
}

impl App {
    /// Raises (or joins) the alert for a job's step and queues its messages.
    pub(crate) async fn raise(
        &self,
        org: OrgId,
        job: &BackupJob,
        raise: Raise,
        step: &NewBackupResult,
    ) -> Result<Vec<AlertId>> {
        let details = vec![
            ("step".to_owned(), step.kind.ja().to_owned()),
            ("message".to_owned(), step.message.clone()),
            ("repository".to_owned(), job.spec.repository.clone()),
            ("job".to_owned(), job.id.to_string()),
        ];
        self.raise_with(org, job, raise, step.finished_at, details).await
    }

    async fn raise_with(
        &self,
        org: OrgId,
        job: &BackupJob,
        raise: Raise,
        at: Timestamp,
        details: Vec<(String, String)>,
    ) -> Result<Vec<AlertId>> {
        let (rule_id, title, level) = raise.rule();
        let detection = NewDetection {
            rule_id: rule_id.to_owned(),
            rule_title: title.to_owned(),
            level,
            rule_file: "mamoru-backup (built-in)".to_owned(),
            tags: vec!["mamoru.backup".to_owned()],
            computer: job.spec.name.clone(),
            channel: "mamoru-backup".to_owned(),
            event_id: None,
            at,
            details,
            origin: Some(format!("backup job {}", job.id)),
        };
        let policy = self.store.notification_settings(org).await?.policy;
        let stored =
            self.store.ingest_detections(org, job.spec.facility, &[detection], &policy, &Actor::system()).await?;
        if !stored.created.is_empty() {
            self.queue_alert_messages_of(org, Timestamp::now()).await?;
        }
        Ok(stored.created.into_iter().chain(stored.updated).collect())
    }

    /// Raises one alert per enabled job whose restore test is overdue as of `now` — or that
    /// has never passed one and is older than its policy — once per state: a job stays
    /// silent until a test passes and later ages out again.
    pub async fn check_restore_overdue(&self, now: Timestamp) -> Result<Vec<AlertId>> {
        let mut raised = Vec::new();
        for (org, job) in self.store.enabled_backup_jobs_everywhere().await? {
            let latest = self.store.latest_backup_results(org, &[job.id]).await?;
            let (status, _) = restore_state(&job, &latest, now);
            let passed = latest
                .iter()
                .filter(|r| r.result.kind == ResultKind::RestoreTest && r.result.ok)
                .map(|r| r.result.finished_at)
                .max();
            let overdue = match status {
                RestoreStatus::Overdue => true,
                RestoreStatus::Never => job.spec.restore.due_at(job.created_at) <= now,
                _ => false,
            };
            let state = passed.map_or_else(|| "never".to_owned(), |t| t.to_string());
            if !overdue || job.overdue_alerted_for.as_deref() == Some(state.as_str()) {
                continue;
            }
            let last = passed.map_or_else(|| "なし (never)".to_owned(), |t| crate::tokyo_minute(t).replace('T', " "));
            let details = vec![
                ("last_passed".to_owned(), last),
                ("policy_days".to_owned(), job.spec.restore.max_age_days.to_string()),
                ("repository".to_owned(), job.spec.repository.clone()),
                ("job".to_owned(), job.id.to_string()),
            ];
            raised.extend(self.raise_with(org, &job, Raise::RestoreOverdue, now, details).await?);
            let p = Principal::system(org);
            self.store.mark_backup_overdue_alerted(org, job.id, Some(&state), &p.actor()).await?;
        }
        Ok(raised)
    }
}
