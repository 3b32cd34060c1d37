//! The engine on real files in temporary folders: round trip, wrong password, a flipped byte,
//! the restore test and the ransomware guard (its hold on retention: tests/generations.rs).

use std::path::{Path, PathBuf};

use mamoru_backup::{BackupRepo, BackupRequest, Error, Password};

/// Random-looking bytes (xorshift), standing in for ciphertext or compressed data.
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

fn repo(dir: &Path) -> BackupRepo {
    let r = BackupRepo::new(dir.join("repo"), Password::new("正しいパスワード"));
    r.init().unwrap();
    r
}

/// `src` with Japanese names, an empty file and a 20 MB random one.
fn source(dir: &Path) -> PathBuf {
    let src = dir.join("src");
    std::fs::create_dir_all(src.join("患者記録")).unwrap();
    std::fs::write(src.join("患者記録/日本語ファイル.txt"), "診療録\n".repeat(1000)).unwrap();
    std::fs::write(src.join("カルテ 2026年.pdf"), b"%PDF-1.7").unwrap();
    std::fs::write(src.join("空.txt"), b"").unwrap();
    std::fs::write(src.join("big.bin"), noise(7, 20 << 20)).unwrap();
    src
}

/// Where a source file lands inside a restore target: restic stores absolute paths.
fn restored(target: &Path, src: &Path, rel: &str) -> PathBuf {
    target.join(src.strip_prefix("/").unwrap()).join(rel)
}

/// The biggest pack in the repository: the one holding the random file's chunks.
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

fn flip_byte(file: &Path) {
    let mut bytes = std::fs::read(file).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x40;
    std::fs::write(file, bytes).unwrap();
}

#[test]
fn round_trip_keeps_every_byte_and_a_damaged_pack_is_named_with_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let r = repo(dir.path());
    let src = source(dir.path());
    let done = r.backup(&BackupRequest { paths: vec![src.clone()], tags: vec!["daily".into()], ..Default::default() });
    let done = done.unwrap();
    assert_eq!(done.files, 4);
    let snaps = r.snapshots().unwrap();
    assert_eq!(snaps.len(), 1);
    assert_eq!(snaps[0].id, done.snapshot);
    assert_eq!(snaps[0].tags, ["daily"]);

    let target = dir.path().join("target");
    let out = r.restore(&done.snapshot[..8], &target).unwrap();
    assert_eq!(out.files, 4);
    for rel in ["患者記録/日本語ファイル.txt", "カルテ 2026年.pdf", "空.txt", "big.bin"] {
        let a = std::fs::read(src.join(rel)).unwrap();
        let b = std::fs::read(restored(&target, &src, rel)).unwrap();
        assert!(a == b, "{rel} differs after the round trip");
    }

    let good = r.restore_test(Some(dir.path())).unwrap();
    assert!(good.ok, "{good:?}");
    assert_eq!((good.files, good.files_ok), (4, 4));
    assert!(good.bytes >= 20 << 20);
    assert!(r.verify(Some(100.0)).unwrap().ok);

    let pack = biggest_pack(r.path());
    flip_byte(&pack);
    let report = r.verify(Some(100.0)).unwrap();
    assert!(!report.ok);
    let name = pack.file_name().unwrap().to_str().unwrap();
    let damaged = report.damaged.iter().find(|d| d.pack == name).unwrap_or_else(|| panic!("{report:?}"));
    let files: Vec<_> = damaged.files.iter().map(|f| f.path.as_str()).collect();
    assert!(files.len() == 1 && files[0].ends_with("src/big.bin"), "{files:?}");

    let bad = r.restore_test(Some(dir.path())).unwrap();
    assert!(!bad.ok);
    let failed: Vec<_> = bad.failed.iter().map(|f| f.path.as_str()).collect();
    assert!(failed.len() == 1 && failed[0].ends_with("src/big.bin"), "{bad:?}");
    assert_eq!(bad.files_ok, 3);
}

#[test]
fn a_wrong_password_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    repo(dir.path());
    let wrong = BackupRepo::new(dir.path().join("repo"), Password::new("違う"));
    let e = wrong.snapshots().unwrap_err();
    assert!(matches!(e, Error::WrongPassword { .. }), "{e:?}");
    assert!(e.to_string().contains("wrong password") && e.to_string().contains("repo"), "{e}");
}

#[test]
fn the_guard_fires_on_a_folder_encrypted_since_the_last_backup_and_tags_the_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let r = repo(dir.path());
    let src = dir.path().join("share");
    std::fs::create_dir(&src).unwrap();
    for i in 0..40 {
        std::fs::write(src.join(format!("紹介状{i}.txt")), format!("患者 {i} の紹介状\n").repeat(200)).unwrap();
    }
    let req = BackupRequest {
        paths: vec![src.clone()],
        guard_state: Some(dir.path().join("state/guard.json")),
        ..Default::default()
    };
    r.backup(&req).unwrap();
    r.backup(&req).unwrap();
    for i in 0..40 {
        std::fs::write(src.join(format!("紹介状{i}.txt")), noise(i + 1, 9000)).unwrap();
    }
    // The backup runs (a new generation harms nothing while the old ones are kept), and its
    // snapshot carries the alarm that holds retention.
    let alarmed = r.backup(&req).unwrap();
    assert!(alarmed.guard_alarm.iter().any(|r| r.contains("ランダム")), "{:?}", alarmed.guard_alarm);
    let snaps = r.snapshots().unwrap();
    assert_eq!(snaps.len(), 3);
    assert_eq!(snaps[2].tags, [mamoru_backup::ALARM_TAG]);
    // The encrypted state is the new baseline: the next run does not alarm again…
    assert!(r.backup(&req).unwrap().guard_alarm.is_empty());
    // …but the alarm stays in the repository until a person confirms it.
    assert_eq!(r.held().unwrap().len(), 1);
    for i in 0..40 {
        std::fs::write(src.join(format!("紹介状{i}.txt")), noise(i + 100, 9000)).unwrap();
    }
    let forced = r.backup(&BackupRequest { force: true, ..req.clone() }).unwrap();
    assert!(!forced.forced_past.is_empty() && forced.guard_alarm.is_empty());
    assert_eq!(r.snapshots().unwrap()[4].tags, [mamoru_backup::CONFIRMED_TAG]);
}

#[test]
fn a_torn_write_left_by_a_crash_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let r = repo(dir.path());
    let src = dir.path().join("src");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(src.join("a.txt"), "紹介状").unwrap();
    r.backup(&BackupRequest { paths: vec![src], ..Default::default() }).unwrap();
    // Writes go to a temporary name and are renamed whole; a crash leaves only such a file.
    let leftovers = |d: &str| std::fs::read_dir(r.path().join(d)).unwrap().flatten().count();
    assert_eq!((leftovers("snapshots"), leftovers("index")), (1, 1));
    std::fs::write(r.path().join("snapshots/.tmp-1-0123"), [0u8; 100]).unwrap();
    std::fs::write(r.path().join("index/.tmp-1-4567"), [0u8; 100]).unwrap();
    assert_eq!(r.snapshots().unwrap().len(), 1);
    assert!(r.verify(Some(100.0)).unwrap().ok);
    assert!(r.restore_test(Some(dir.path())).unwrap().ok);
}

#[test]
fn a_damaged_tree_fails_verify_and_the_data_is_still_read() {
    let dir = tempfile::tempdir().unwrap();
    let r = repo(dir.path());
    let src = source(dir.path());
    r.backup(&BackupRequest { paths: vec![src], ..Default::default() }).unwrap();
    let mut packs: Vec<_> = std::fs::read_dir(r.path().join("data"))
        .unwrap()
        .flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap())
        .map(|f| f.unwrap().path())
        .collect();
    packs.sort_by_key(|p| p.metadata().unwrap().len());
    // The smallest pack holds the trees, the biggest the random file.
    let (tree, data) = (packs.first().unwrap().clone(), packs.last().unwrap().clone());
    assert_ne!(tree, data);
    flip_byte(&tree);
    flip_byte(&data);
    let report = r.verify(Some(100.0)).unwrap();
    assert!(!report.ok);
    let named: Vec<_> = report.damaged.iter().map(|d| d.pack.as_str()).collect();
    for p in [&tree, &data] {
        assert!(named.contains(&p.file_name().unwrap().to_str().unwrap()), "{report:?}");
    }
}
