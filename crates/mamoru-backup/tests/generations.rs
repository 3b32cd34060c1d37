//! Generations, the guard's hold on them, and offline copies, on real repositories in temporary
//! folders: retention keeps exactly the expected snapshots of fabricated dates, a dry run
//! changes nothing, an alarm holds retention until a person confirms, and a copy refreshes
//! only what is new and says when and what kind.

use std::path::{Path, PathBuf};

use mamoru_backup::{
    ALARM_TAG, BackupRepo, BackupRequest, CONFIRMED_TAG, Error, Location, OfflineKind, Password, RetentionPolicy,
};

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

fn repo(path: PathBuf) -> BackupRepo {
    let r = BackupRepo::new(path, Password::new("正しいパスワード"));
    r.init().unwrap();
    r
}

fn at(time: &str) -> jiff::Timestamp {
    time.parse().unwrap()
}

/// One backup of `src` at `time`, with a file only this generation has (so that forgetting
/// it leaves data to prune).
fn generation(r: &BackupRepo, src: &Path, seed: u64, time: &str) -> String {
    std::fs::write(src.join("世代.bin"), noise(seed, 300_000)).unwrap();
    let req = BackupRequest { paths: vec![src.to_owned()], time: Some(at(time)), ..Default::default() };
    r.backup(&req).unwrap().snapshot
}

/// Every file name in the repository's folders, to show that nothing changed.
fn listing(repo: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![repo.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path().strip_prefix(repo).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn retention_keeps_exactly_the_expected_generations_and_a_dry_run_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let r = repo(dir.path().join("repo"));
    let src = dir.path().join("src");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(src.join("カルテ.txt"), "診療録\n".repeat(100)).unwrap();
    // 2026-03-01 is a Sunday: 03-02..03-08 is one ISO week, 03-09 and 03-10 the next.
    let mut times: Vec<String> = (1..=10).map(|d| format!("2026-03-{d:02}T03:00:00Z")).collect();
    times.extend(
        ["2026-03-10T05:00:00Z", "2026-02-15T03:00:00Z", "2026-01-20T03:00:00Z", "2025-12-25T03:00:00Z"]
            .map(String::from),
    );
    times.extend(["2025-06-01T03:00:00Z", "2024-06-01T03:00:00Z"].map(String::from));
    let ids: Vec<(String, String)> =
        times.iter().enumerate().map(|(i, t)| (t.clone(), generation(&r, &src, i as u64 + 1, t))).collect();
    let id_of = |t: &str| ids.iter().find(|(time, _)| time == t).unwrap().1.clone();

    let policy: RetentionPolicy = "daily=3,weekly=2,monthly=3,yearly=2".parse().unwrap();
    let before = listing(r.path());
    let dry = r.forget(&policy, true).unwrap();
    assert!(dry.dry_run && dry.prune.is_none());
    assert_eq!(listing(r.path()), before, "a dry run wrote or removed a file");
    assert_eq!(r.snapshots().unwrap().len(), 16);

    // Newest first: 03-10 05:00 starts every rule; 03-09 and 03-08 are the next days; 03-08
    // (Sunday) the previous week; February and January the next months; 2025 the next year.
    let expected_kept = [
        ("2026-03-10T05:00:00Z", "daily,weekly,monthly,yearly"),
        ("2026-03-09T03:00:00Z", "daily"),
        ("2026-03-08T03:00:00Z", "daily,weekly"),
        ("2026-02-15T03:00:00Z", "monthly"),
        ("2026-01-20T03:00:00Z", "monthly"),
        ("2025-12-25T03:00:00Z", "yearly"),
    ];
    let kept: Vec<(String, String)> = dry.kept.iter().map(|g| (g.snapshot.id.clone(), g.reasons.join(","))).collect();
    let want: Vec<(String, String)> = expected_kept.iter().map(|(t, why)| (id_of(t), why.to_string())).collect();
    assert_eq!(kept, want);
    assert_eq!(dry.removed.len(), 10);
    assert!(dry.removed.iter().any(|g| g.snapshot.id == id_of("2026-03-10T03:00:00Z")), "same day, older");

    let done = r.forget(&policy, false).unwrap();
    assert_eq!((done.kept.len(), done.removed.len()), (6, 10));
    let prune = done.prune.clone().unwrap();
    assert!(prune.packs_marked > 0, "{prune:?}");
    let left: Vec<String> = r.snapshots().unwrap().into_iter().map(|s| s.id).collect();
    let mut want_ids: Vec<String> = want.iter().map(|(id, _)| id.clone()).collect();
    want_ids.reverse();
    assert_eq!(left, want_ids, "oldest first");
    // The repository is whole, and a kept old generation restores byte for byte.
    assert!(r.verify(Some(100.0)).unwrap().ok);
    let target = dir.path().join("restored");
    r.restore(&id_of("2025-12-25T03:00:00Z"), &target).unwrap();
    let back = std::fs::read(target.join(src.strip_prefix("/").unwrap()).join("世代.bin")).unwrap();
    assert!(back == noise(14, 300_000), "the 2025-12-25 generation came back different");
    // A second forget with the same policy finds nothing more to remove, and the packs the
    // first one marked wait for their 23 hours (the two-phase delete) instead of going now.
    let again = r.forget(&policy, false).unwrap();
    assert!(again.removed.is_empty());
    let second = again.prune.unwrap();
    assert_eq!((second.packs_removed, second.packs_marked), (0, 0), "{second:?}");
    assert_eq!(second.packs_waiting, prune.packs_marked + prune.packs_repacked, "{prune:?} then {second:?}");
    assert!(r.verify(Some(100.0)).unwrap().ok);
}

#[test]
fn an_alarm_holds_retention_until_a_person_confirms() {
    let dir = tempfile::tempdir().unwrap();
    let r = repo(dir.path().join("repo"));
    let src = dir.path().join("share");
    std::fs::create_dir(&src).unwrap();
    for i in 0..40 {
        std::fs::write(src.join(format!("紹介状{i}.txt")), format!("患者 {i} の紹介状\n").repeat(200)).unwrap();
    }
    let req = BackupRequest {
        paths: vec![src.clone()],
        guard_state: Some(dir.path().join("guard.json")),
        ..Default::default()
    };
    let first = r.backup(&req).unwrap();
    assert!(first.guard_alarm.is_empty());
    for i in 0..40 {
        std::fs::write(src.join(format!("紹介状{i}.txt")), noise(i + 1, 9000)).unwrap();
    }
    // The guard fires on files overwritten with random bytes; the backup still runs.
    let alarmed = r.backup(&req).unwrap();
    assert!(alarmed.guard_alarm.iter().any(|r| r.contains("ランダム")), "{:?}", alarmed.guard_alarm);
    assert!(alarmed.forced_past.is_empty());
    let snaps = r.snapshots().unwrap();
    assert_eq!(snaps.len(), 2);
    assert_eq!(snaps[1].tags, [ALARM_TAG]);
    assert_eq!(r.held().unwrap().len(), 1);

    let keep_one: RetentionPolicy = "last=1".parse().unwrap();
    for dry_run in [true, false] {
        let e = r.forget(&keep_one, dry_run).unwrap_err();
        let Error::RetentionHeld { snapshots, .. } = &e else { panic!("{e:?}") };
        assert_eq!(snapshots, std::slice::from_ref(&alarmed.snapshot));
        assert!(e.to_string().contains("mamoru backup confirm"), "{e}");
    }
    assert_eq!(r.snapshots().unwrap().len(), 2, "nothing forgotten while held");
    // The state was learnt: the next run compares with the encrypted folder and does not alarm.
    assert!(r.backup(&req).unwrap().guard_alarm.is_empty());

    let done = r.confirm(&alarmed.snapshot[..8], Some("電子カルテ移行で全件を書き換えた")).unwrap();
    assert_eq!(done.snapshot, alarmed.snapshot);
    assert_ne!(done.confirmed, alarmed.snapshot);
    assert!(done.still_held.is_empty());
    assert!(
        done.description.contains("電子カルテ移行") && done.description.contains("ランダム"),
        "{}",
        done.description
    );
    let snaps = r.snapshots().unwrap();
    let confirmed = snaps.iter().find(|s| s.id == done.confirmed).unwrap();
    assert_eq!(confirmed.tags, [CONFIRMED_TAG]);
    assert!(!snaps.iter().any(|s| s.id == alarmed.snapshot));
    let e = r.confirm(&done.confirmed, None).unwrap_err();
    assert!(matches!(e, Error::NotHeld { .. }), "{e:?}");

    let report = r.forget(&keep_one, false).unwrap();
    assert_eq!((report.kept.len(), report.removed.len()), (1, 2));

    // --force: a person already looked; the snapshot records it and holds nothing.
    for i in 0..40 {
        std::fs::write(src.join(format!("紹介状{i}.txt")), format!("患者 {i} の紹介状（復旧）\n").repeat(200)).unwrap();
    }
    let forced = r.backup(&BackupRequest { force: true, ..req.clone() }).unwrap();
    assert!(!forced.forced_past.is_empty() && forced.guard_alarm.is_empty());
    let last = r.snapshots().unwrap().pop().unwrap();
    assert_eq!(last.tags, [CONFIRMED_TAG]);
    assert!(r.held().unwrap().is_empty());
}

#[test]
fn a_copy_refreshes_only_what_is_new_and_records_its_kind_and_time() {
    let dir = tempfile::tempdir().unwrap();
    let r = repo(dir.path().join("repo"));
    let src = dir.path().join("src");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(src.join("カルテ.txt"), "診療録\n".repeat(100)).unwrap();
    generation(&r, &src, 1, "2026-03-01T03:00:00Z");
    generation(&r, &src, 2, "2026-03-02T03:00:00Z");
    let copy = BackupRepo::new(dir.path().join("usb/mamoru-copy"), Password::new("別の媒体のパスワード"));
    assert!(copy.copy_record().unwrap().is_none());

    let first = r.copy_to(&copy, OfflineKind::Removable).unwrap();
    assert!(first.initialised);
    assert_eq!(first.copied.len(), 2);
    let rec = copy.copy_record().unwrap().unwrap();
    assert_eq!(rec, first.record);
    assert_eq!((rec.kind, rec.snapshots_copied, rec.snapshots_total), (OfflineKind::Removable, 2, 2));
    assert_eq!(rec.newest_snapshot.as_deref(), Some("2026-03-02T03:00:00Z"));
    let refreshed: jiff::Timestamp = rec.refreshed_at.parse().unwrap();
    assert!(jiff::Timestamp::now().duration_since(refreshed).as_secs() < 120);
    assert_eq!(r.copies().unwrap()[&rec.destination_id], rec);

    std::thread::sleep(std::time::Duration::from_millis(1100));
    let again = r.copy_to(&copy, OfflineKind::Removable).unwrap();
    assert!(!again.initialised);
    assert!(again.copied.is_empty());
    assert!(again.record.refreshed_at > rec.refreshed_at, "the refresh time moves on");
    assert_eq!(copy.snapshots().unwrap().len(), 2);

    generation(&r, &src, 3, "2026-03-03T03:00:00Z");
    let third = r.copy_to(&copy, OfflineKind::Removable).unwrap();
    assert_eq!(third.copied.len(), 1);
    assert_eq!(copy.copy_record().unwrap().unwrap().snapshots_total, 3);
    // The copy is a whole repository of its own: verified, and its newest snapshot restores.
    assert!(copy.verify(Some(100.0)).unwrap().ok);
    let test = copy.restore_test(Some(dir.path())).unwrap();
    assert!(test.ok && test.files == 2, "{test:?}");
    // A wrong password for the copy is an error, not a second repository.
    let wrong = BackupRepo::new(copy.path(), Password::new("違う"));
    assert!(matches!(r.copy_to(&wrong, OfflineKind::Removable), Err(Error::WrongPassword { .. })));
}

/// The S3 server scripts/lib/s3.sh starts (moto), or `None` outside CI when it is not running.
fn s3_server() -> Option<String> {
    match std::env::var("MAMORU_TEST_S3_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("MAMORU_TEST_S3_URL is not set (scripts/lib/s3.sh)")
        }
        _ => {
            eprintln!("note: MAMORU_TEST_S3_URL is not set; the S3 copy test is skipped");
            None
        }
    }
}

/// A new bucket; with `lock_days`, with Object Lock and a default COMPLIANCE retention.
fn s3_bucket(url: &str, tag: &str, lock_days: Option<u32>) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let name = format!("mamoru-{tag}-{}-{}", std::process::id(), nanos % 1_000_000_000);
    let _ = rustls::crypto::ring::default_provider().install_default();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let client = reqwest::Client::new();
        let mut req = client.put(format!("{url}/{name}"));
        if lock_days.is_some() {
            req = req.header("x-amz-bucket-object-lock-enabled", "true");
        }
        assert!(req.send().await.unwrap().status().is_success(), "create bucket {name}");
        if let Some(days) = lock_days {
            let body = format!(
                "<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention>\
                 <Mode>COMPLIANCE</Mode><Days>{days}</Days></DefaultRetention></Rule></ObjectLockConfiguration>"
            );
            let resp = client.put(format!("{url}/{name}?object-lock")).body(body).send().await.unwrap();
            assert!(resp.status().is_success(), "object lock on {name}");
        }
    });
    name
}

fn s3_repo(location: &str) -> BackupRepo {
    let env = |name: &str| match name {
        "AWS_ACCESS_KEY_ID" => Some("mamoru-test".to_owned()),
        "AWS_SECRET_ACCESS_KEY" => Some("mamoru-test-secret".to_owned()),
        _ => None,
    };
    BackupRepo::with_location(Location::parse_with(location, env).unwrap(), Password::new("オブジェクトロック"))
}

#[test]
fn a_copy_into_an_object_lock_bucket_is_an_object_lock_copy_without_being_told() {
    let Some(url) = s3_server() else { return };
    let dir = tempfile::tempdir().unwrap();
    let r = repo(dir.path().join("repo"));
    let src = dir.path().join("src");
    std::fs::create_dir(&src).unwrap();
    generation(&r, &src, 1, "2026-03-01T03:00:00Z");
    generation(&r, &src, 2, "2026-03-02T03:00:00Z");
    let locked = s3_repo(&format!("s3:{url}/{}/copy", s3_bucket(&url, "worm", Some(1))));
    let plain = s3_repo(&format!("s3:{url}/{}/copy", s3_bucket(&url, "plain", None)));
    assert_eq!(locked.default_offline_kind().unwrap(), Some(OfflineKind::ObjectLock));
    assert_eq!(plain.default_offline_kind().unwrap(), None, "a bucket without Object Lock is not offline by itself");
    assert_eq!(BackupRepo::new(dir.path().join("usb"), Password::new("x")).default_offline_kind().unwrap(), None);

    let first = r.copy_to(&locked, OfflineKind::ObjectLock).unwrap();
    assert!(first.initialised);
    assert_eq!(first.copied.len(), 2);
    assert!(first.record.destination.starts_with("s3:http"), "{:?}", first.record);
    let again = r.copy_to(&locked, OfflineKind::ObjectLock).unwrap();
    assert!(!again.initialised && again.copied.is_empty());
    // The record is kept with the source, and in the bucket beside `config`.
    let kept = &r.copies().unwrap()[&first.record.destination_id];
    assert_eq!((kept.kind, kept.snapshots_total), (OfflineKind::ObjectLock, 2));
    assert_eq!(locked.copy_record().unwrap().as_ref(), Some(&again.record));
    assert_eq!(locked.snapshots().unwrap().len(), 2);
    assert!(locked.restore_test(Some(dir.path())).unwrap().ok);
}

#[test]
fn a_copy_keeps_the_guards_hold_until_the_source_is_confirmed() {
    let dir = tempfile::tempdir().unwrap();
    let r = repo(dir.path().join("repo"));
    let src = dir.path().join("share");
    std::fs::create_dir(&src).unwrap();
    for i in 0..30 {
        std::fs::write(src.join(format!("処方{i}.txt")), format!("処方 {i}\n").repeat(300)).unwrap();
    }
    let req = BackupRequest {
        paths: vec![src.clone()],
        guard_state: Some(dir.path().join("guard.json")),
        ..Default::default()
    };
    r.backup(&req).unwrap();
    for i in 0..30 {
        std::fs::write(src.join(format!("処方{i}.txt")), noise(i + 5, 9000)).unwrap();
    }
    let alarmed = r.backup(&req).unwrap();
    assert!(!alarmed.guard_alarm.is_empty());
    let copy = BackupRepo::new(dir.path().join("usb"), Password::new("媒体"));
    assert_eq!(r.copy_to(&copy, OfflineKind::Removable).unwrap().copied.len(), 2);
    // The alarm travels with the snapshot: the copy's own retention is held as well.
    assert_eq!(copy.held().unwrap().len(), 1);
    let keep_one: RetentionPolicy = "last=1".parse().unwrap();
    assert!(matches!(copy.forget(&keep_one, false), Err(Error::RetentionHeld { .. })));

    r.confirm(&alarmed.snapshot, Some("確認済み")).unwrap();
    let again = r.copy_to(&copy, OfflineKind::Removable).unwrap();
    assert!(again.copied.is_empty(), "a confirmed snapshot is the same generation, not a new one");
    assert_eq!(again.confirmations_carried.len(), 1);
    assert!(copy.held().unwrap().is_empty());
    let snaps = copy.snapshots().unwrap();
    assert_eq!(snaps.len(), 2);
    assert_eq!(snaps[1].tags, [CONFIRMED_TAG]);
    assert_eq!(copy.forget(&keep_one, false).unwrap().removed.len(), 1);
    assert!(r.copy_to(&copy, OfflineKind::Removable).unwrap().confirmations_carried.is_empty());
}
