//! `mamoru backup`: real files in temporary folders, and Debian's `restic` reading Mamoru's
//! repositories and writing ones Mamoru reads (the user's exit door). Generations, the guard's
//! hold and copies: backup_generations.rs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::support::{mamoru, stderr, stdout};

pub(super) const PASSWORD: &str = "バックアップの合言葉";

/// `mamoru backup ARGS` with the password in the environment.
pub(super) fn backup(args: &[&str]) -> Output {
    mamoru().arg("backup").args(args).env("MAMORU_BACKUP_PASSWORD", PASSWORD).output().unwrap()
}

pub(super) fn ok(o: Output) -> Output {
    assert!(o.status.success(), "{:?}\nstdout: {}\nstderr: {}", o.status, stdout(&o), stderr(&o));
    o
}

/// `restic ARGS` with the same password. CI installs restic (scripts/lib/deps.sh); a missing
/// binary fails the test rather than skipping the interoperability proof.
pub(super) fn restic(args: &[&str]) -> Output {
    let out =
        Command::new("restic").args(args).arg("--no-cache").env("RESTIC_PASSWORD", PASSWORD).output().unwrap_or_else(
            |e| panic!("cannot run `restic` ({e}): install Debian's restic (scripts/lib/deps.sh does)"),
        );
    assert!(out.status.success(), "restic {args:?}: {}{}", stdout(&out), stderr(&out));
    out
}

pub(super) fn noise(seed: u64, n: usize) -> Vec<u8> {
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

pub(super) const FILES: [&str; 4] = ["患者記録/日本語ファイル.txt", "カルテ 2026年.pdf", "空.txt", "画像/big.bin"];

pub(super) fn source(dir: &Path) -> PathBuf {
    let src = dir.join("src");
    std::fs::create_dir_all(src.join("患者記録")).unwrap();
    std::fs::create_dir_all(src.join("画像")).unwrap();
    std::fs::write(src.join(FILES[0]), "診療録\n".repeat(1000)).unwrap();
    std::fs::write(src.join(FILES[1]), b"%PDF-1.7").unwrap();
    std::fs::write(src.join(FILES[2]), b"").unwrap();
    std::fs::write(src.join(FILES[3]), noise(3, 8 << 20)).unwrap();
    src
}

/// Every file of `src` came back, byte for byte, below `target` (absolute paths are kept).
fn assert_restored(src: &Path, target: &Path) {
    for rel in FILES {
        let back = target.join(src.strip_prefix("/").unwrap()).join(rel);
        let same = std::fs::read(src.join(rel)).unwrap() == std::fs::read(&back).unwrap();
        assert!(same, "{} differs from the original", back.display());
    }
}

pub(super) fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn round_trip_restic_reads_it_and_damage_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    let src = source(dir.path());
    let state = dir.path().join("guard.json");
    ok(backup(&["init", "--repo", s(&repo)]));
    let run =
        ok(backup(&["run", "--repo", s(&repo), s(&src), "--tag", "daily", "--state", s(&state), "--format", "json"]));
    let run: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(run["files"], 4);
    let snaps = ok(backup(&["snapshots", "--repo", s(&repo), "--format", "json"]));
    let snaps: serde_json::Value = serde_json::from_slice(&snaps.stdout).unwrap();
    assert_eq!(snaps[0]["id"], run["snapshot"]);

    let target = dir.path().join("restored");
    ok(backup(&["restore", "--repo", s(&repo), "latest", "--target", s(&target)]));
    assert_restored(&src, &target);

    // restic lists and restores what Mamoru wrote.
    let listed = restic(&["-r", s(&repo), "snapshots", "--json"]);
    assert!(stdout(&listed).contains(run["snapshot"].as_str().unwrap()), "{}", stdout(&listed));
    let by_restic = dir.path().join("by-restic");
    restic(&["-r", s(&repo), "restore", "latest", "--target", s(&by_restic)]);
    assert_restored(&src, &by_restic);

    let test = ok(backup(&["restore-test", "--repo", s(&repo), "--scratch", s(dir.path())]));
    assert!(stdout(&test).contains("OK: snapshot") && stdout(&test).contains("4/4 files intact"), "{}", stdout(&test));
    ok(backup(&["verify", "--repo", s(&repo), "--read-data-subset", "100%"]));

    // A flipped byte in the pack holding the random file.
    let pack = biggest_pack(&repo);
    let mut bytes = std::fs::read(&pack).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    std::fs::write(&pack, bytes).unwrap();
    let verify = backup(&["verify", "--repo", s(&repo), "--read-data-subset", "100%"]);
    assert_eq!(verify.status.code(), Some(1), "{}", stderr(&verify));
    let text = stdout(&verify);
    let pack_id = pack.file_name().unwrap().to_str().unwrap();
    assert!(text.contains(&format!("damaged pack {pack_id}")), "{text}");
    assert!(text.contains("画像/big.bin") && !text.contains("日本語ファイル"), "{text}");
    let test = backup(&["restore-test", "--repo", s(&repo), "--scratch", s(dir.path())]);
    assert_eq!(test.status.code(), Some(1), "{}", stderr(&test));
    assert!(stdout(&test).contains("failed: ") && stdout(&test).contains("画像/big.bin"), "{}", stdout(&test));
    assert!(stdout(&test).contains("3/4 files intact"), "{}", stdout(&test));
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

#[test]
fn mamoru_reads_a_repository_restic_made() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("restic-repo");
    let src = source(dir.path());
    restic(&["-r", s(&repo), "init"]);
    restic(&["-r", s(&repo), "backup", s(&src)]);
    let snaps = ok(backup(&["snapshots", "--repo", s(&repo), "--format", "json"]));
    let snaps: serde_json::Value = serde_json::from_slice(&snaps.stdout).unwrap();
    assert_eq!(snaps.as_array().unwrap().len(), 1);
    let target = dir.path().join("restored");
    ok(backup(&["restore", "--repo", s(&repo), "latest", "--target", s(&target)]));
    assert_restored(&src, &target);
    ok(backup(&["verify", "--repo", s(&repo), "--read-data-subset", "100%"]));
}

#[test]
fn a_wrong_password_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    ok(backup(&["init", "--repo", s(&repo)]));
    let file = dir.path().join("password");
    std::fs::write(&file, "違うパスワード\n").unwrap();
    let out = mamoru()
        .args(["backup", "snapshots", "--repo", s(&repo), "--password-file", s(&file)])
        .env_remove("MAMORU_BACKUP_PASSWORD")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("wrong password for the backup repository"), "{}", stderr(&out));
    let mut none = mamoru();
    none.args(["backup", "snapshots", "--repo", s(&repo)]);
    let none = none.env_remove("MAMORU_BACKUP_PASSWORD").env_remove("MAMORU_BACKUP_PASSWORD_FILE").output().unwrap();
    assert!(stderr(&none).contains("MAMORU_BACKUP_PASSWORD"), "{}", stderr(&none));
}

#[test]
fn a_backup_killed_half_way_leaves_a_repository_the_next_run_completes() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    let big = dir.path().join("big");
    std::fs::create_dir(&big).unwrap();
    // 192 MiB of incompressible data, about 2 s to back up: long enough to be killed half-way.
    for i in 0..12 {
        let mut random = std::io::Read::take(std::fs::File::open("/dev/urandom").unwrap(), 16 << 20);
        std::io::copy(&mut random, &mut std::fs::File::create(big.join(format!("{i}.bin"))).unwrap()).unwrap();
    }
    ok(backup(&["init", "--repo", s(&repo)]));
    let mut child = mamoru()
        .args(["backup", "run", "--no-guard", "--repo", s(&repo), s(&big)])
        .env("MAMORU_BACKUP_PASSWORD", PASSWORD)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once the first pack is on disk: half-way, with data written and no snapshot yet.
    let packs = || {
        std::fs::read_dir(repo.join("data"))
            .unwrap()
            .flatten()
            .map(|d| d.path().read_dir().unwrap().count())
            .sum::<usize>()
    };
    let started = std::time::Instant::now();
    while packs() == 0 && child.try_wait().unwrap().is_none() && started.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let finished_first = child.try_wait().unwrap().is_some();
    child.kill().unwrap_or(()); // SIGKILL on Unix
    child.wait().unwrap();
    assert!(!finished_first, "the backup finished before it could be killed; make the folder bigger");
    // The killed run left its lock behind; a dead holder on this host is taken over.
    assert!(repo.join("mamoru.lock").exists());
    let run = ok(backup(&["run", "--no-guard", "--repo", s(&repo), s(&big), "--format", "json"]));
    let run: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(run["files"], 12);
    ok(backup(&["verify", "--repo", s(&repo), "--read-data-subset", "100%"]));
    restic(&["-r", s(&repo), "check"]);
}
