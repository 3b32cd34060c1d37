use jiff::{SignedDuration, Timestamp};
use mamoru_domain::BackupJobId;
use mamoru_domain::backup::{JobInput, JobSpec, OfflineKind, ResultKind, RunCause};
use mamoru_store::{AuditQuery, BackupJobQuery, BackupResultQuery, Error, NewBackupResult};
use serde_json::json;

use super::support::{actor, draft, each_backend, new_asset, org_with_facility};

fn spec(facility: mamoru_domain::FacilityId, name: &str) -> JobSpec {
    JobInput {
        facility: Some(facility),
        name: name.into(),
        kind: "電子カルテ".into(),
        needed_for_care: "はい".into(),
        sources: "/srv/emr/data\n/srv/emr/config".into(),
        repository: "/mnt/nas/emr".into(),
        password_file: "/etc/mamoru/emr.pass".into(),
        offline_repository: "s3:http://127.0.0.1:9000/worm/emr".into(),
        offline_kind: "object-lock".into(),
        schedule: "毎日 2:00".into(),
        retention: "daily=7,weekly=4,monthly=12,yearly=5".into(),
        restore_max_age_days: "14".into(),
        ..Default::default()
    }
    .parse()
    .unwrap()
}

fn result(kind: ResultKind, ok: bool, at: Timestamp) -> NewBackupResult {
    NewBackupResult {
        kind,
        cause: RunCause::Schedule,
        started_at: at,
        finished_at: at + SignedDuration::from_millis(1_500),
        duration_ms: 1_500,
        ok,
        snapshot_id: Some("0123abcd".into()),
        files: Some(12),
        bytes: Some(4_096),
        message: if ok { "ok".into() } else { "pack 5e1f… damaged".into() },
        details: json!({ "damaged_packs": ["5e1f"] }),
    }
}

#[tokio::test]
async fn a_job_round_trips_and_every_change_is_audited() {
    each_backend(|t| async move {
        let s = &t.store;
        let (org, facility) = org_with_facility(s, "みなと会", "みなと総合病院").await;
        let asset = s
            .create_asset(org, &new_asset(facility, draft("電子カルテサーバ", "サーバ", "NEC", "1")), &actor())
            .await
            .unwrap();
        let mut spec = spec(facility, "電子カルテ（本院）");
        spec.asset = Some(asset);
        let id = s.create_backup_job(org, &spec, &actor()).await.unwrap();
        let job = s.backup_job(org, id).await.unwrap();
        assert_eq!(job.spec, spec, "{}", t.name);
        assert_eq!(job.facility_name, "みなと総合病院");
        assert_eq!(job.spec.offline, Some(("s3:http://127.0.0.1:9000/worm/emr".into(), OfflineKind::ObjectLock)));

        // Same name in the same facility: a conflict, not a second job.
        let again = s.create_backup_job(org, &spec, &actor()).await.unwrap_err();
        assert!(matches!(again, Error::Conflict { .. }), "{again:?}");

        let mut edited = spec.clone();
        edited.enabled = false;
        edited.offline = None;
        s.update_backup_job(org, id, &edited, &actor()).await.unwrap();
        assert_eq!(s.backup_job(org, id).await.unwrap().spec, edited);
        assert!(s.enabled_backup_jobs_everywhere().await.unwrap().is_empty());

        s.mark_backup_overdue_alerted(org, id, Some("never"), &actor()).await.unwrap();
        assert_eq!(s.backup_job(org, id).await.unwrap().overdue_alerted_for.as_deref(), Some("never"));

        let audit = s.audit_entries(org, &AuditQuery::default()).await.unwrap();
        let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
        for a in ["backup.job.create", "backup.job.update", "backup.job.overdue_alerted"] {
            assert!(actions.contains(&a), "{actions:?}");
        }
        // The password file's path is recorded; there is no password to record.
        let created = audit.iter().find(|e| e.action == "backup.job.create").unwrap();
        assert_eq!(created.after.as_ref().unwrap()["password_file"], "/etc/mamoru/emr.pass");

        // Another organisation sees nothing of it.
        let (other, other_facility) = org_with_facility(s, "やまて会", "やまてクリニック").await;
        assert!(matches!(s.backup_job(other, id).await, Err(Error::NotFound { .. })));
        assert!(s.backup_jobs(other, &BackupJobQuery::default()).await.unwrap().is_empty());
        assert!(matches!(s.create_backup_job(other, &spec, &actor()).await, Err(Error::NotFound { .. })));
        let theirs = s.create_backup_job(other, &self::spec(other_facility, "電子カルテ"), &actor()).await.unwrap();
        assert!(
            s.record_backup_result(org, theirs, &result(ResultKind::Backup, true, Timestamp::now()), &actor())
                .await
                .is_err()
        );
    })
    .await;
}

#[tokio::test]
async fn latest_results_per_kind_and_the_last_that_passed() {
    each_backend(|t| async move {
        let s = &t.store;
        let (org, facility) = org_with_facility(s, "みなと会", "みなと総合病院").await;
        let emr = s.create_backup_job(org, &spec(facility, "電子カルテ"), &actor()).await.unwrap();
        let pacs = s.create_backup_job(org, &spec(facility, "PACS"), &actor()).await.unwrap();
        let t0: Timestamp = "2026-11-01T17:00:00Z".parse().unwrap();
        let day = SignedDuration::from_hours(24);
        let passed =
            s.record_backup_result(org, emr, &result(ResultKind::RestoreTest, true, t0), &actor()).await.unwrap();
        s.record_backup_result(org, emr, &result(ResultKind::Backup, true, t0), &actor()).await.unwrap();
        let failed = s
            .record_backup_result(org, emr, &result(ResultKind::RestoreTest, false, t0 + day), &actor())
            .await
            .unwrap();
        s.record_backup_result(org, pacs, &result(ResultKind::Backup, false, t0), &actor()).await.unwrap();

        let latest = s.latest_backup_results(org, &[emr, pacs]).await.unwrap();
        let tests: Vec<_> =
            latest.iter().filter(|r| r.job == emr && r.result.kind == ResultKind::RestoreTest).map(|r| r.id).collect();
        assert_eq!(tests, [failed, passed], "{}: latest first, then the latest that passed", t.name);
        let stored = latest.iter().find(|r| r.id == failed).unwrap();
        assert_eq!(stored.result, result(ResultKind::RestoreTest, false, t0 + day));
        assert_eq!(stored.recorded_by, "test");
        // A job whose only backup failed has one row for it (no pass to show).
        assert_eq!(latest.iter().filter(|r| r.job == pacs).count(), 1);
        assert!(s.latest_backup_results(org, &[]).await.unwrap().is_empty());
        assert!(s.latest_backup_results(org, &[BackupJobId::new(999)]).await.unwrap().is_empty());

        let q = BackupResultQuery {
            jobs: Some(vec![emr]),
            kind: Some(ResultKind::RestoreTest),
            ok_only: true,
            ..Default::default()
        };
        assert_eq!(s.backup_results(org, &q).await.unwrap().len(), 1);
        let window = BackupResultQuery { since: Some(t0 + day), until: Some(t0 + day + day), ..Default::default() };
        let in_window: Vec<_> = s.backup_results(org, &window).await.unwrap().into_iter().map(|r| r.id).collect();
        assert_eq!(in_window, [failed]);
    })
    .await;
}
