//! `mamoru backup` on S3 (moto, started by scripts/lib/s3.sh, which exports MAMORU_TEST_S3_URL):
//! the same `--repo s3:…` string works for Mamoru and for Debian's restic, both ways.
//!
//! Without MAMORU_TEST_S3_URL these tests say so and pass locally; in CI (CI=true) they fail.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::support::{mamoru, stderr, stdout};

const PASSWORD: &str = "バックアップの合言葉";
const KEY: &str = "mamoru-cli-test";
const SECRET: &str = "mamoru-cli-test-secret";

fn server() -> Option<String> {
    match std::env::var("MAMORU_TEST_S3_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("MAMORU_TEST_S3_URL is not set: scripts/test.sh starts moto (scripts/lib/s3.sh) for these tests")
        }
        _ => {
            eprintln!("note: MAMORU_TEST_S3_URL is not set; S3 test skipped (scripts/test.sh starts moto)");
            None
        }
    }
}

/// A new bucket on the server (moto takes an unsigned PUT), named for this test run.
fn new_bucket(url: &str, tag: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let name = format!("mamoru-cli-{tag}-{}-{}", std::process::id(), nanos % 1_000_000_000);
    let script =
        format!("import urllib.request; urllib.request.urlopen(urllib.request.Request('{url}/{name}', method='PUT'))");
    let out = Command::new("python3").args(["-c", &script]).output().unwrap();
    assert!(out.status.success(), "create bucket {name}: {}", stderr(&out));
    name
}

/// `mamoru backup ARGS` with the password and the S3 keys in the environment.
fn backup(args: &[&str]) -> Output {
    mamoru()
        .arg("backup")
        .args(args)
        .env("MAMORU_BACKUP_PASSWORD", PASSWORD)
        .env("AWS_ACCESS_KEY_ID", KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env_remove("AWS_DEFAULT_REGION")
        .output()
        .unwrap()
}

fn ok(o: Output) -> Output {
    assert!(o.status.success(), "{:?}\nstdout: {}\nstderr: {}", o.status, stdout(&o), stderr(&o));
    o
}

fn restic(repo: &str, args: &[&str]) -> Output {
    let out = Command::new("restic")
        .args(["-r", repo, "--no-cache"])
        .args(args)
        .env("RESTIC_PASSWORD", PASSWORD)
        .env("AWS_ACCESS_KEY_ID", KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .output()
        .unwrap_or_else(|e| panic!("cannot run `restic` ({e}): install Debian's restic (scripts/lib/deps.sh does)"));
    assert!(out.status.success(), "restic {args:?}: {}{}", stdout(&out), stderr(&out));
    out
}

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

const FILES: [&str; 4] = ["患者記録/日本語ファイル.txt", "カルテ 2026年.pdf", "空.txt", "画像/big.bin"];

fn source(dir: &Path) -> PathBuf {
    let src = dir.join("src");
    std::fs::create_dir_all(src.join("患者記録")).unwrap();
    std::fs::create_dir_all(src.join("画像")).unwrap();
    std::fs::write(src.join(FILES[0]), "診療録\n".repeat(1000)).unwrap();
    std::fs::write(src.join(FILES[1]), b"%PDF-1.7").unwrap();
    std::fs::write(src.join(FILES[2]), b"").unwrap();
    std::fs::write(src.join(FILES[3]), noise(5, 5 << 20)).unwrap();
    src
}

fn assert_restored(src: &Path, target: &Path) {
    for rel in FILES {
        let back = target.join(src.strip_prefix("/").unwrap()).join(rel);
        let same = std::fs::read(src.join(rel)).unwrap() == std::fs::read(&back).unwrap();
        assert!(same, "{} differs from the original", back.display());
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn round_trip_on_s3_with_the_string_restic_reads() {
    let Some(url) = server() else { return };
    let bucket = new_bucket(&url, "trip");
    let repo = format!("s3:{url}/{bucket}/病院/pc01");
    let dir = tempfile::tempdir().unwrap();
    let src = source(dir.path());
    let state = dir.path().join("guard.json");

    let init = ok(backup(&["init", "--repo", &repo]));
    assert!(stdout(&init).contains(&repo), "{}", stdout(&init));
    let run = ok(backup(&["run", "--repo", &repo, s(&src), "--state", s(&state), "--format", "json"]));
    let run: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(run["files"], 4);
    let id = run["snapshot"].as_str().unwrap().to_owned();
    let snaps = ok(backup(&["snapshots", "--repo", &repo, "--format", "json"]));
    assert!(stdout(&snaps).contains(&id), "{}", stdout(&snaps));

    let target = dir.path().join("target");
    ok(backup(&["restore", "--repo", &repo, "latest", "--target", s(&target)]));
    assert_restored(&src, &target);
    ok(backup(&["verify", "--repo", &repo, "--read-data-subset", "100%"]));
    ok(backup(&["restore-test", "--repo", &repo]));

    // restic, given the very same string, lists, checks and restores it.
    let listed = restic(&repo, &["snapshots", "--json"]);
    assert!(stdout(&listed).contains(&id), "restic does not list {id}");
    restic(&repo, &["check", "--read-data"]);
    let by_restic = dir.path().join("by-restic");
    restic(&repo, &["restore", "latest", "--target", s(&by_restic)]);
    assert_restored(&src, &by_restic);
}

#[test]
fn mamoru_restores_what_restic_wrote_on_s3() {
    let Some(url) = server() else { return };
    let bucket = new_bucket(&url, "restic");
    let repo = format!("s3:{url}/{bucket}");
    let dir = tempfile::tempdir().unwrap();
    let src = source(dir.path());
    restic(&repo, &["init"]);
    restic(&repo, &["backup", s(&src)]);
    let target = dir.path().join("target");
    ok(backup(&["restore", "--repo", &repo, "latest", "--target", s(&target)]));
    assert_restored(&src, &target);
    ok(backup(&["restore-test", "--repo", &repo]));
}

#[test]
fn bad_locations_and_missing_keys_are_named() {
    let Some(url) = server() else { return };
    let out = backup(&["snapshots", "--repo", "s3:https://s3.example.jp"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("s3:https://s3.example.jp") && stderr(&out).contains("no bucket"),
        "{}",
        stderr(&out)
    );

    let bucket = new_bucket(&url, "keys");
    let repo = format!("s3:{url}/{bucket}/repo");
    let out = mamoru()
        .args(["backup", "init", "--repo", &repo])
        .env("MAMORU_BACKUP_PASSWORD", PASSWORD)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("AWS_ACCESS_KEY_ID") && stderr(&out).contains(&repo), "{}", stderr(&out));

    let missing = format!("s3:{url}/mamoru-cli-no-such-bucket/repo");
    let out = backup(&["init", "--repo", &missing]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("does not exist"), "{}", stderr(&out));
}
