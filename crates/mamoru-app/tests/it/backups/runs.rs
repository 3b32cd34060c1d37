//! Jobs run for real: backups of real files into temporary repositories, the offline copy,
//! the retention policy, restore tests with their measured duration, a damaged pack, an
//! overdue test, the ransomware guard, and the scheduler's pass.

use std::path::{Path, PathBuf};

use jiff::{SignedDuration, Timestamp};
use mamoru_app::backup::{
    BackupSettings, RULE_BACKUP_FAILED, RULE_GUARD_ALARM, RULE_RESTORE_FAILED, RULE_RESTORE_OVERDUE,
};
use mamoru_app::{App, Error, Principal};
use mamoru_backup::{BackupRepo, Password};
use mamoru_domain::access::{Role, Scope};
use mamoru_domain::backup::{JobInput, RestoreStatus, ResultKind, RunCause};
use mamoru_domain::{BackupJobId, FacilityId};
use mamoru_store::{AlertQuery, AuditQuery};

use super::job_input;
use crate::detect::{app_with_facilities, with};

const PASSWORD: &str = "バックアップ用の長いパスワード";

/// Random-looking bytes (xorshift), standing in for ciphertext.
fn noise(seed: u64, n: usize) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// A system's data (Japanese names, an empty file, 2 MB of random data, 40 letters) and the
/// password file; returns the job form.
fn system(root: &Path, facility: FacilityId, name: &str) -> JobInput {
    let src = root.join("src");
    std::fs::create_dir_all(src.join("紹介状")).unwrap();
    std::fs::write(src.join("診療録.txt"), "診療録\n".repeat(2000)).unwrap();
    std::fs::write(src.join("空.txt"), b"").unwrap();
    std::fs::write(src.join("画像.dcm"), noise(3, 2 << 20)).unwrap();
    for i in 0..40 {
        std::fs::write(src.join(format!("紹介状/{i}.txt")), format!("患者 {i} の紹介状\n").repeat(200)).unwrap();
    }
    std::fs::write(root.join("pass"), format!("{PASSWORD}\n")).unwrap();
    JobInput { retention: "last=2".into(), ..job_input(facility, name, "電子カルテ", root) }
}

fn settings(root: &Path) -> BackupSettings {
    BackupSettings { state_dir: Some(root.join("state")), scratch_dir: Some(root.join("scratch")) }
}

async fn alerts_of(app: &App, p: &Principal, rule: &str) -> Vec<mamoru_store::Alert> {
    app.alerts(p, AlertQuery::default()).await.unwrap().into_iter().filter(|a| a.rule_id == rule).collect()
}

fn biggest_pack(repo: &Path) -> PathBuf {
    let mut packs = Vec::new();
    for d in std::fs::read_dir(repo.join("data")).unwrap() {
        for f in std::fs::read_dir(d.unwrap().path()).unwrap() {
            let p = f.unwrap().path();
            packs.push((p.metadata().unwrap().len(), p));
        }
    }
    packs.into_iter().max().unwrap().1
}

async fn setup(dir: &Path) -> (App, Principal, FacilityId, BackupJobId) {
    let (app, p, hospital, _) = app_with_facilities(&dir.join("db")).await;
    let job = app.create_backup_job(&p, &system(dir, hospital, "電子カルテ")).await.unwrap();
    (app, p, hospital, job)
}

#[tokio::test]
async fn a_job_backs_up_refreshes_its_offline_copy_keeps_generations_and_times_its_restore() {
    let dir = tempfile::tempdir().unwrap();
    let (app, p, hospital, job) = setup(dir.path()).await;
    let staff = with(&p, Role::Staff, Scope::Facility(hospital));
    let s = settings(dir.path());
    for _ in 0..3 {
        let run = app.run_backup_job(&staff, job, RunCause::Manual, &s).await.unwrap();
        let kinds: Vec<_> = run.results.iter().map(|(_, r)| (r.kind, r.ok)).collect();
        assert_eq!(
            kinds,
            [(ResultKind::Backup, true), (ResultKind::Copy, true), (ResultKind::Forget, true)],
            "{:#?}",
            run.results
        );
        assert!(run.alerts.is_empty());
    }
    let backup = app.backup_results(&p, job, Some(ResultKind::Backup), 1).await.unwrap().remove(0);
    assert_eq!(backup.result.files, Some(43));
    // The repository was created at the first run, and restic's format holds the last two.
    let repo = BackupRepo::new(dir.path().join("repo"), Password::new(PASSWORD));
    assert_eq!(repo.snapshots().unwrap().len(), 2, "last=2 kept two generations");
    // The offline copy holds every generation copied (retention runs on the main repository).
    let offline = BackupRepo::new(dir.path().join("offline"), Password::new(PASSWORD));
    assert_eq!(offline.snapshots().unwrap().len(), 3);
    let copy = app.backup_results(&p, job, Some(ResultKind::Copy), 1).await.unwrap().remove(0);
    assert_eq!(copy.result.details["offline_kind"], "removable");

    let test = app.run_restore_test(&staff, job, RunCause::Manual, &s).await.unwrap();
    let r = test.result(ResultKind::RestoreTest).unwrap();
    assert!(r.ok, "{}", r.message);
    assert_eq!((r.files, r.bytes), (Some(43), backup.result.bytes));
    assert!(r.duration_ms > 0 && r.finished_at >= r.started_at);
    // Nothing left in the scratch folder.
    assert_eq!(std::fs::read_dir(dir.path().join("scratch")).unwrap().count(), 0);

    let board = app.backup_board(&p, Timestamp::now()).await.unwrap();
    let row = &board.systems[0];
    assert_eq!(row.status, RestoreStatus::Fresh);
    assert_eq!(row.last_verified_ms, Some(r.duration_ms));
    assert!(row.offline_refreshed_at.is_some() && row.last_backup_ok == Some(true));
    // Every recorded result is in the audit log, with who ran it.
    let audit = app.store().audit_entries(p.org, &AuditQuery::default()).await.unwrap();
    assert_eq!(audit.iter().filter(|e| e.action == "backup.result" && e.actor == "Staff").count(), 10);
}

#[tokio::test]
async fn a_damaged_pack_fails_the_restore_test_and_its_alert_is_posted_to_the_webhook() {
    let hook = crate::http::serve(std::collections::HashMap::new()).await;
    let dir = tempfile::tempdir().unwrap();
    let (app, p, _, job) = setup(dir.path()).await;
    app.set_webhook(&p, Some(&format!("{}/hook", hook.base))).await.unwrap();
    let s = settings(dir.path());
    assert!(app.run_backup_job(&p, job, RunCause::Manual, &s).await.unwrap().ok());
    let pack = biggest_pack(&dir.path().join("repo"));
    let mut bytes = std::fs::read(&pack).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x40;
    std::fs::write(&pack, bytes).unwrap();

    let test = app.run_restore_test(&p, job, RunCause::Manual, &s).await.unwrap();
    let r = test.result(ResultKind::RestoreTest).unwrap();
    assert!(!r.ok);
    assert!(r.message.contains("画像.dcm"), "{}", r.message);
    let raised = alerts_of(&app, &p, RULE_RESTORE_FAILED).await;
    assert_eq!(raised.len(), 1);
    assert_eq!(test.alerts, [raised[0].id]);
    assert_eq!(raised[0].computer, "電子カルテ");
    // The alert's message goes out through the same outbox and webhook as detections.
    let sent = app.store().recent_notifications(p.org, 10).await.unwrap();
    assert!(sent.iter().any(|n| n.subject.contains("復元テスト失敗") && n.subject.contains("電子カルテ")), "{sent:#?}");
    assert_eq!(app.deliver_notifications().await.unwrap().sent, 1);
    let posts: Vec<_> = hook.seen.lock().unwrap().iter().filter(|s| s.method == "POST").cloned().collect();
    let body: serde_json::Value = serde_json::from_slice(&posts[0].body).unwrap();
    let text = body.to_string();
    assert!(text.contains("復元テスト失敗") && text.contains("画像.dcm"), "{body}");
    let board = app.backup_board(&p, Timestamp::now()).await.unwrap();
    assert_eq!(board.systems[0].status, RestoreStatus::Failed);

    // Verify names the damaged pack, and joins the same open alert rather than a new one.
    let verify = app.run_backup_verify(&p, job, RunCause::Manual, Some(100.0)).await.unwrap();
    let v = verify.result(ResultKind::Verify).unwrap();
    let name = pack.file_name().unwrap().to_str().unwrap();
    assert!(!v.ok && v.message.contains(&name[..8]), "{}", v.message);
    assert_eq!(alerts_of(&app, &p, RULE_RESTORE_FAILED).await.len(), 1);
}

#[tokio::test]
async fn an_overdue_restore_test_alerts_once_until_a_test_passes_and_ages_again() {
    let dir = tempfile::tempdir().unwrap();
    let (app, p, _, job) = setup(dir.path()).await;
    let s = settings(dir.path());
    app.run_backup_job(&p, job, RunCause::Manual, &s).await.unwrap();
    let now = Timestamp::now();
    let day = SignedDuration::from_hours(24);
    // Never tested, but younger than the policy: nothing yet.
    assert!(app.check_restore_overdue(now + day).await.unwrap().is_empty());
    let first = app.check_restore_overdue(now + day * 31).await.unwrap();
    assert_eq!(first.len(), 1);
    assert!(app.check_restore_overdue(now + day * 32).await.unwrap().is_empty(), "once, not every pass");

    assert!(app.run_restore_test(&p, job, RunCause::Manual, &s).await.unwrap().ok());
    assert!(app.check_restore_overdue(now + day * 29).await.unwrap().is_empty());
    // Far from the first (an alert still open within the window would be joined instead).
    let again = app.check_restore_overdue(now + day * 62).await.unwrap();
    assert_eq!(again.len(), 1);
    assert!(app.check_restore_overdue(now + day * 70).await.unwrap().is_empty());
    let raised = alerts_of(&app, &p, RULE_RESTORE_OVERDUE).await;
    assert_eq!(raised.len(), 2, "two overdue periods, two alerts");
    assert!(raised.iter().any(|a| a.details.iter().any(|(k, v)| k == "last_passed" && v.contains("never"))));
}

#[tokio::test]
async fn the_scheduler_runs_a_due_job_and_tests_its_restore() {
    let dir = tempfile::tempdir().unwrap();
    let (app, p, hospital, job) = setup(dir.path()).await;
    let s = settings(dir.path());
    let now = Timestamp::now();
    let idle = app.run_due_backups(now, &s).await.unwrap();
    assert!(idle.backups.is_empty() && idle.restore_tests.is_empty(), "its first slot has not come");

    let due = app.run_due_backups(now + SignedDuration::from_hours(25), &s).await.unwrap();
    assert_eq!(due.backups.len(), 1);
    assert!(due.backups[0].1.ok(), "{:#?}", due.backups);
    assert_eq!(due.restore_tests.len(), 1, "never tested: tested after the backup");
    assert!(due.restore_tests[0].1.ok());
    let results = app.backup_results(&p, job, None, 10).await.unwrap();
    assert!(results.iter().all(|r| r.result.cause == RunCause::Schedule && r.recorded_by == "system"));
    // A manual job is never due.
    let manual = JobInput { schedule: "手動".into(), ..system(dir.path(), hospital, "PACS") };
    let pacs = app.create_backup_job(&p, &manual).await.unwrap();
    let later = app.run_due_backups(now + SignedDuration::from_hours(24 * 9), &s).await.unwrap();
    assert!(later.backups.iter().all(|(id, _)| *id != pacs));
}

#[tokio::test]
async fn failures_are_recorded_and_alerted_and_the_guard_alarm_holds_retention() {
    let dir = tempfile::tempdir().unwrap();
    let (app, p, hospital, job) = setup(dir.path()).await;
    let s = settings(dir.path());
    // Who may run: staff of the facility yes, auditors no, others do not see the job.
    assert!(matches!(
        app.run_backup_job(&with(&p, Role::Auditor, Scope::Organization), job, RunCause::Manual, &s).await,
        Err(Error::Forbidden)
    ));
    let elsewhere = with(&p, Role::Staff, Scope::Facility(FacilityId::new(hospital.get() + 1)));
    assert!(matches!(app.run_restore_test(&elsewhere, job, RunCause::Manual, &s).await, Err(Error::NotFound(_))));

    // A missing password file: the run is recorded as failed, with why, and alerted.
    std::fs::rename(dir.path().join("pass"), dir.path().join("pass.moved")).unwrap();
    let failed = app.run_backup_job(&p, job, RunCause::Manual, &s).await.unwrap();
    assert_eq!(failed.results.len(), 1, "no copy or retention after a failed backup");
    assert!(!failed.ok() && failed.results[0].1.message.contains("パスワードファイル"), "{:?}", failed.results);
    assert_eq!(alerts_of(&app, &p, RULE_BACKUP_FAILED).await.len(), 1);
    std::fs::rename(dir.path().join("pass.moved"), dir.path().join("pass")).unwrap();

    // A run started while another of the same job is under way is refused, not recorded.
    let (a, b) = tokio::join!(
        app.run_backup_job(&p, job, RunCause::Manual, &s),
        app.run_backup_job(&p, job, RunCause::Manual, &s)
    );
    let refused = [&a, &b].iter().filter(|r| matches!(r, Err(Error::InUse(_)))).count();
    assert_eq!(refused, 1, "{a:?} {b:?}");
    assert!([a, b].into_iter().flatten().all(|r| r.ok()));
    assert_eq!(app.backup_results(&p, job, Some(ResultKind::Backup), 10).await.unwrap().len(), 2);

    // Another good run, then the letters are overwritten with random bytes: the backup still
    // runs, the guard's alarm is an alert, and retention keeps every generation.
    app.run_backup_job(&p, job, RunCause::Manual, &s).await.unwrap();
    for i in 0..40 {
        std::fs::write(dir.path().join(format!("src/紹介状/{i}.txt")), noise(i + 9, 9000)).unwrap();
    }
    let alarmed = app.run_backup_job(&p, job, RunCause::Manual, &s).await.unwrap();
    let kinds: Vec<_> = alarmed.results.iter().map(|(_, r)| (r.kind, r.ok)).collect();
    assert_eq!(kinds, [(ResultKind::Backup, true), (ResultKind::Copy, true), (ResultKind::Forget, false)]);
    assert!(alarmed.result(ResultKind::Forget).unwrap().message.contains("保留"));
    assert_eq!(alerts_of(&app, &p, RULE_GUARD_ALARM).await.len(), 1);
    let repo = BackupRepo::new(dir.path().join("repo"), Password::new(PASSWORD));
    assert_eq!(repo.snapshots().unwrap().len(), 3, "nothing forgotten while the alarm holds");
}

#[tokio::test]
async fn the_demo_jobs_run_for_real_inside_the_demo_files_folder() {
    let dir = tempfile::tempdir().unwrap();
    let store = mamoru_store::Store::open(&mamoru_store::Location::Dir(dir.path().join("db"))).await.unwrap();
    let app = App::new(store, mamoru_app::Config::default());
    let files = dir.path().join("demo-files");
    let info = app.seed_demo_in(&files).await.unwrap();
    let p = Principal::cli(info.org);
    let jobs = app.backup_jobs(&p, None).await.unwrap();
    // Every local path of every demo job is inside the demo's folder: pressing a button in the
    // demo never reads or writes the machine's own folders.
    assert_eq!(jobs.len(), 5);
    for job in &jobs {
        let s = &job.spec;
        let offline = s.offline.iter().map(|o| &o.0);
        let paths = s.sources.iter().chain([&s.repository, &s.password_file]).chain(offline);
        for path in paths.filter(|p| !p.starts_with("s3:")) {
            assert!(Path::new(path).starts_with(&files), "{} uses {path}", s.name);
        }
    }
    let emr = jobs.iter().find(|j| j.spec.name == "電子カルテ").unwrap();
    let run = app.run_backup_job(&p, emr.id, RunCause::Manual, &settings(dir.path())).await.unwrap();
    assert!(run.ok(), "{run:?}");
    assert!(files.join("repos/emr/config").exists());
    assert!(files.join("offline/emr/config").exists(), "the offline copy was made too");
    let test = app.run_restore_test(&p, emr.id, RunCause::Manual, &settings(dir.path())).await.unwrap();
    let result = test.result(ResultKind::RestoreTest).unwrap();
    assert!(result.ok, "{result:?}");
    assert_eq!(result.files, Some(4), "the sample files, the empty one included");
}
