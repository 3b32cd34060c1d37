//! Backup jobs through the app: who may define and run them, the dashboard card, the annual
//! report's data.

use jiff::{SignedDuration, Timestamp};
use mamoru_app::backup::fiscal_year_of;
use mamoru_app::{Error, Principal};
use mamoru_domain::access::{Role, Scope};
use mamoru_domain::backup::{JobInput, OfflineKind, RestoreStatus, ResultKind, RunCause};
use mamoru_domain::{BackupJobId, FacilityId, Problem};
use mamoru_store::{Actor, NewBackupResult};
use serde_json::json;

use crate::detect::{app_with_facilities, with};

mod runs;

pub(crate) fn job_input(facility: FacilityId, name: &str, kind: &str, root: &std::path::Path) -> JobInput {
    JobInput {
        facility: Some(facility),
        name: name.into(),
        kind: kind.into(),
        needed_for_care: "はい".into(),
        sources: root.join("src").display().to_string(),
        repository: root.join("repo").display().to_string(),
        password_file: root.join("pass").display().to_string(),
        offline_repository: root.join("offline").display().to_string(),
        offline_kind: "取り外し可能な媒体".into(),
        schedule: "毎日 2:00".into(),
        retention: "daily=7,weekly=4,monthly=12,yearly=5".into(),
        ..Default::default()
    }
}

/// Records a result as the engine would have, `days` after `t0`.
async fn record(app: &mamoru_app::App, p: &Principal, job: BackupJobId, kind: ResultKind, ok: bool, at: Timestamp) {
    let r = NewBackupResult {
        kind,
        cause: RunCause::Manual,
        started_at: at,
        finished_at: at + SignedDuration::from_secs(42),
        duration_ms: 42_000,
        ok,
        snapshot_id: Some("abcd1234".into()),
        files: Some(3),
        bytes: Some(1_000),
        message: if ok { "ok".into() } else { "pack damaged".into() },
        details: json!({}),
    };
    let actor = Actor { user_id: None, name: p.name.clone(), origin: "test".into() };
    app.store().record_backup_result(p.org, job, &r, &actor).await.unwrap();
}

#[tokio::test]
async fn managers_define_jobs_staff_do_not_and_others_do_not_see_them() {
    let dir = tempfile::tempdir().unwrap();
    let (app, p, hospital, clinic) = app_with_facilities(dir.path()).await;
    let input = job_input(hospital, "電子カルテ", "電子カルテ", dir.path());

    let staff = with(&p, Role::Staff, Scope::Facility(hospital));
    assert!(matches!(app.create_backup_job(&staff, &input).await, Err(Error::Forbidden)));
    let clinic_manager = with(&p, Role::Manager, Scope::Facility(clinic));
    assert!(matches!(app.create_backup_job(&clinic_manager, &input).await, Err(Error::Forbidden)));

    let manager = with(&p, Role::Manager, Scope::Facility(hospital));
    let id = app.create_backup_job(&manager, &input).await.unwrap();
    let job = app.backup_job(&staff, id).await.unwrap();
    assert_eq!(job.spec.offline.as_ref().map(|o| o.1), Some(OfflineKind::Removable));
    // The clinic's manager does not see the hospital's job at all.
    assert!(matches!(app.backup_job(&clinic_manager, id).await, Err(Error::NotFound(_))));
    assert!(app.backup_jobs(&clinic_manager, None).await.unwrap().is_empty());
    assert_eq!(app.backup_jobs(&staff, None).await.unwrap().len(), 1);

    // A second job of the same name is a field error; every bad field is named at once.
    let dup = app.create_backup_job(&manager, &input).await.unwrap_err();
    assert!(
        matches!(&dup, Error::Invalid(e) if e[0].field == "name" && matches!(e[0].problem, Problem::Duplicate(_))),
        "{dup:?}"
    );
    let bad = JobInput { sources: "relative/path".into(), schedule: "hourly".into(), ..input.clone() };
    let Err(Error::Invalid(errors)) = app.create_backup_job(&manager, &bad).await else { panic!() };
    assert_eq!(errors.iter().map(|e| e.field).collect::<Vec<_>>(), ["sources", "schedule"]);
    // An asset of another facility cannot be linked.
    let clinic_asset = app
        .list_assets(&p, Default::default())
        .await
        .unwrap()
        .0
        .into_iter()
        .find(|a| a.asset.facility_id == clinic)
        .unwrap();
    let linked = JobInput { name: "PACS".into(), asset: Some(clinic_asset.asset.id), ..input.clone() };
    let Err(Error::Invalid(errors)) = app.create_backup_job(&manager, &linked).await else { panic!() };
    assert_eq!(errors[0].field, "asset");

    // Moving the job to the clinic needs the right there too.
    let moved = JobInput { facility: Some(clinic), ..input.clone() };
    assert!(matches!(app.update_backup_job(&manager, id, &moved).await, Err(Error::Forbidden)));
    let edited = JobInput { schedule: "毎週日曜 3:00".into(), restore_max_age_days: "14".into(), ..input };
    app.update_backup_job(&manager, id, &edited).await.unwrap();
    let view = app.backup_job_view(&staff, id, Timestamp::now()).await.unwrap();
    assert_eq!((view.job.spec.schedule.ja(), view.job.spec.restore.max_age_days), ("毎週日曜日 03:00".into(), 14));
    assert_eq!(view.status, RestoreStatus::Never);
    assert!(view.next_run.is_some());
}

#[tokio::test]
async fn the_card_puts_systems_needing_action_first_with_their_recovery_time() {
    let dir = tempfile::tempdir().unwrap();
    let (app, p, hospital, clinic) = app_with_facilities(dir.path()).await;
    let emr = app.create_backup_job(&p, &job_input(hospital, "電子カルテ", "電子カルテ", dir.path())).await.unwrap();
    let pacs = app.create_backup_job(&p, &job_input(hospital, "PACS", "PACS", dir.path())).await.unwrap();
    let files = JobInput {
        needed_for_care: "いいえ".into(),
        ..job_input(clinic, "ファイルサーバ", "ファイルサーバ", dir.path())
    };
    let fs = app.create_backup_job(&p, &files).await.unwrap();
    let now: Timestamp = "2026-11-26T00:00:00Z".parse().unwrap();
    let days = |n: i64| now - SignedDuration::from_hours(24 * n);
    record(&app, &p, emr, ResultKind::RestoreTest, true, days(3)).await;
    record(&app, &p, emr, ResultKind::Backup, true, days(1)).await;
    record(&app, &p, emr, ResultKind::Copy, true, days(1)).await;
    record(&app, &p, pacs, ResultKind::RestoreTest, true, days(40)).await;
    record(&app, &p, fs, ResultKind::RestoreTest, true, days(2)).await;
    record(&app, &p, fs, ResultKind::RestoreTest, false, days(1)).await;

    let board = app.backup_board(&p, now).await.unwrap();
    let rows: Vec<_> = board.systems.iter().map(|s| (s.name.as_str(), s.status)).collect();
    assert_eq!(
        rows,
        [
            ("PACS", RestoreStatus::Overdue),
            ("ファイルサーバ", RestoreStatus::Failed),
            ("電子カルテ", RestoreStatus::Fresh)
        ]
    );
    assert_eq!((board.needing_action(), board.failed_backups()), (2, 0));
    let e = &board.systems[2];
    assert_eq!(
        (e.last_verified_ms, e.last_backup_ok, e.offline_kind),
        (Some(42_000), Some(true), Some(OfflineKind::Removable))
    );
    assert_eq!(e.offline_refreshed_at, Some(days(1) + SignedDuration::from_secs(42)));
    assert_eq!(board.systems[1].last_failure.as_ref().map(|f| f.1.as_str()), Some("pack damaged"));

    // A hospital-only auditor sees the hospital's systems only.
    let auditor = with(&p, Role::Auditor, Scope::Facility(hospital));
    assert_eq!(app.backup_board(&auditor, now).await.unwrap().systems.len(), 2);
    assert_eq!(app.backup_board_of(&p, clinic, now).await.unwrap().systems.len(), 1);
}

#[tokio::test]
async fn the_annual_report_counts_the_fiscal_year_in_japan_time() {
    let dir = tempfile::tempdir().unwrap();
    let (app, p, hospital, clinic) = app_with_facilities(dir.path()).await;
    let emr = app.create_backup_job(&p, &job_input(hospital, "電子カルテ", "電子カルテ", dir.path())).await.unwrap();
    let t = |s: &str| s.parse::<Timestamp>().unwrap();
    // 2026-03-31 23:00 JST is still FY2025; 2026-04-01 00:30 JST is FY2026.
    record(&app, &p, emr, ResultKind::RestoreTest, true, t("2026-03-31T14:00:00Z")).await;
    record(&app, &p, emr, ResultKind::RestoreTest, true, t("2026-03-31T15:30:00Z")).await;
    record(&app, &p, emr, ResultKind::RestoreTest, false, t("2026-06-01T00:00:00Z")).await;
    record(&app, &p, emr, ResultKind::Backup, true, t("2026-06-01T00:00:00Z")).await;
    record(&app, &p, emr, ResultKind::Copy, true, t("2026-06-02T00:00:00Z")).await;
    record(&app, &p, emr, ResultKind::RestoreTest, true, t("2027-05-01T00:00:00Z")).await;
    assert_eq!(fiscal_year_of(t("2026-03-31T15:30:00Z")), 2026);

    let report = app.annual_backup_report(&p, hospital, 2026, t("2027-06-01T00:00:00Z")).await.unwrap();
    assert_eq!((report.from.to_string(), report.to.to_string()), ("2026-04-01".into(), "2027-03-31".into()));
    let s = &report.systems[0];
    assert_eq!((s.restore_tests_passed, s.restore_tests_failed, s.backups_ok, s.offline_copies), (1, 1, 1, 1));
    // The year's last test failed; the one after the year is not counted.
    assert_eq!(s.last_restore_test.as_ref().map(|r| r.result.ok), Some(false));
    assert_eq!(
        s.last_passed_test.as_ref().map(|r| (r.result.started_at, r.result.duration_ms)),
        Some((t("2026-03-31T15:30:00Z"), 42_000))
    );
    assert_eq!(s.status, RestoreStatus::Failed);
    assert_eq!(s.retention.ja(), "日次7・週次4・月次12・年次5");
    assert_eq!(s.offline.as_ref().map(|o| o.0), Some(OfflineKind::Removable));

    let staff_elsewhere = with(&p, Role::Staff, Scope::Facility(clinic));
    assert!(matches!(
        app.annual_backup_report(&staff_elsewhere, hospital, 2026, Timestamp::now()).await,
        Err(Error::Forbidden)
    ));
    assert!(matches!(app.annual_backup_report(&p, hospital, 1990, Timestamp::now()).await, Err(Error::Invalid(_))));
}
