//! Repositories on S3 against a real S3 server (moto, started by scripts/lib/s3.sh, which
//! exports MAMORU_TEST_S3_URL): the round trip, restic reading Mamoru's S3 repository and the
//! other way round, the lock object, an Object Lock bucket, and missing credentials.
//!
//! Without MAMORU_TEST_S3_URL these tests say so and pass locally; in CI (CI=true) they fail.

use std::path::{Path, PathBuf};
use std::process::Command;

use mamoru_backup::{BackupRepo, BackupRequest, Location, Password};

const KEY: &str = "mamoru-test";
const SECRET: &str = "mamoru-test-secret";

/// The S3 server's URL, or `None` (with a note) when it is not running outside CI.
fn server() -> Option<String> {
    match std::env::var("MAMORU_TEST_S3_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("MAMORU_TEST_S3_URL is not set: scripts/test.sh starts moto (scripts/lib/s3.sh) for these tests")
        }
        _ => {
            eprintln!(
                "note: MAMORU_TEST_S3_URL is not set; S3 test skipped (run scripts/test.sh, or source scripts/lib/s3.sh and call s3_start)"
            );
            None
        }
    }
}

/// A fresh bucket name per test (moto keeps buckets for the life of the server).
fn bucket(tag: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("mamoru-{tag}-{}-{}", std::process::id(), nanos % 1_000_000_000)
}

/// Creates a bucket; with `retention_days`, with Object Lock and a default COMPLIANCE retention.
fn create_bucket(url: &str, name: &str, retention_days: Option<u32>) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let client = client();
        let mut req = client.put(format!("{url}/{name}"));
        if retention_days.is_some() {
            req = req.header("x-amz-bucket-object-lock-enabled", "true");
        }
        let resp = req.send().await.unwrap();
        assert!(resp.status().is_success(), "create bucket {name}: {}", resp.text().await.unwrap());
        if let Some(days) = retention_days {
            let body = format!(
                "<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention>\
                 <Mode>COMPLIANCE</Mode><Days>{days}</Days></DefaultRetention></Rule></ObjectLockConfiguration>"
            );
            let resp = client
                .put(format!("{url}/{name}?object-lock"))
                .header("content-type", "application/xml")
                .body(body)
                .send()
                .await
                .unwrap();
            assert!(resp.status().is_success(), "object lock on {name}: {}", resp.text().await.unwrap());
        }
    });
}

fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// The location string restic reads too.
fn location(url: &str, bucket: &str, prefix: &str) -> String {
    format!("s3:{url}/{bucket}/{prefix}")
}

fn env(name: &str) -> Option<String> {
    match name {
        "AWS_ACCESS_KEY_ID" => Some(KEY.into()),
        "AWS_SECRET_ACCESS_KEY" => Some(SECRET.into()),
        _ => None,
    }
}

fn s3_repo(loc: &str) -> BackupRepo {
    BackupRepo::with_location(Location::parse_with(loc, env).unwrap(), Password::new("正しいパスワード"))
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

/// `src` with Japanese names, an empty file and a 6 MB random one.
fn source(dir: &Path) -> PathBuf {
    let src = dir.join("src");
    std::fs::create_dir_all(src.join("患者記録")).unwrap();
    std::fs::write(src.join("患者記録/日本語ファイル.txt"), "診療録\n".repeat(1000)).unwrap();
    std::fs::write(src.join("カルテ 2026年.pdf"), b"%PDF-1.7").unwrap();
    std::fs::write(src.join("空.txt"), b"").unwrap();
    std::fs::write(src.join("big.bin"), noise(11, 6 << 20)).unwrap();
    src
}

const FILES: [&str; 4] = ["患者記録/日本語ファイル.txt", "カルテ 2026年.pdf", "空.txt", "big.bin"];

fn restored(target: &Path, src: &Path, rel: &str) -> PathBuf {
    target.join(src.strip_prefix("/").unwrap()).join(rel)
}

fn assert_same(src: &Path, target: &Path) {
    for rel in FILES {
        let a = std::fs::read(src.join(rel)).unwrap();
        let b = std::fs::read(restored(target, src, rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert!(a == b, "{rel} differs after the restore");
    }
}

fn restic(loc: &str, args: &[&str]) -> std::process::Output {
    let out = Command::new("restic")
        .args(["-r", loc, "--no-cache"])
        .args(args)
        .env("RESTIC_PASSWORD", "正しいパスワード")
        .env("AWS_ACCESS_KEY_ID", KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .output()
        .expect("restic is installed (scripts/lib/deps.sh)");
    assert!(out.status.success(), "restic {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

#[test]
fn round_trip_on_s3_and_restic_reads_it() {
    let Some(url) = server() else { return };
    let b = bucket("plain");
    create_bucket(&url, &b, None);
    let loc = location(&url, &b, "byoin/pc01");
    let r = s3_repo(&loc);
    r.init().unwrap();
    assert_eq!(r.path(), Path::new(&loc));
    assert_eq!(r.location().to_string(), loc);
    // A second init is refused: the config exists.
    assert!(r.init().is_err());

    let dir = tempfile::tempdir().unwrap();
    let src = source(dir.path());
    let done = r.backup(&BackupRequest { paths: vec![src.clone()], tags: vec!["daily".into()], ..Default::default() });
    let done = done.unwrap();
    assert_eq!(done.files, 4);
    let snaps = r.snapshots().unwrap();
    assert_eq!((snaps.len(), snaps[0].id.as_str()), (1, done.snapshot.as_str()));

    let target = dir.path().join("target");
    let out = r.restore("latest", &target).unwrap();
    assert_eq!(out.files, 4);
    assert_same(&src, &target);
    let report = r.verify(Some(100.0)).unwrap();
    assert!(report.ok, "{:?}", report.errors);
    let test = r.restore_test(Some(dir.path())).unwrap();
    assert!(test.ok && test.files_ok == 4, "{test:?}");
    // The lock object is gone once the backup is over.
    let (_rt, op) = operator(&url, &b);
    assert!(!op.exists("byoin/pc01/mamoru.lock").unwrap(), "the lock outlived the backup");
    let imm = r.immutability().unwrap();
    assert_eq!((imm.kind.as_str(), imm.locked), ("S3", false));
    // Mamoru's own notes beside `config` (the copy records), read back whole.
    assert_eq!(r.read_root_file("mamoru-copy.json").unwrap(), None);
    r.write_root_file("mamoru-copy.json", "{\"種類\":1}".as_bytes()).unwrap();
    assert_eq!(r.read_root_file("mamoru-copy.json").unwrap().unwrap(), "{\"種類\":1}".as_bytes());
    assert!(op.exists("byoin/pc01/mamoru-copy.json").unwrap());

    // restic, given the same string, lists and restores what Mamoru wrote.
    let listed = restic(&loc, &["snapshots", "--json"]);
    assert!(String::from_utf8_lossy(&listed.stdout).contains(&done.snapshot), "restic does not list the snapshot");
    restic(&loc, &["check", "--read-data"]);
    let by_restic = dir.path().join("by-restic");
    restic(&loc, &["restore", &done.snapshot[..8], "--target", by_restic.to_str().unwrap()]);
    assert_same(&src, &by_restic);
}

#[test]
fn mamoru_reads_a_repository_restic_wrote_on_s3() {
    let Some(url) = server() else { return };
    let b = bucket("restic");
    create_bucket(&url, &b, None);
    let loc = location(&url, &b, "repo");
    restic(&loc, &["init"]);
    let dir = tempfile::tempdir().unwrap();
    let src = source(dir.path());
    restic(&loc, &["backup", src.to_str().unwrap()]);

    let r = s3_repo(&loc);
    let snaps = r.snapshots().unwrap();
    assert_eq!(snaps.len(), 1);
    let target = dir.path().join("target");
    r.restore("latest", &target).unwrap();
    assert_same(&src, &target);
    // Mamoru adds a snapshot to restic's repository, and restic sees both.
    r.backup(&BackupRequest { paths: vec![src.clone()], ..Default::default() }).unwrap();
    let listed = restic(&loc, &["snapshots", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 2);
}

/// Writes an object straight into the bucket, signed with the test's keys.
fn put_object(url: &str, bucket: &str, key: &str, body: &str) {
    let (_rt, op) = operator(url, bucket);
    op.write(key, body.as_bytes().to_vec()).unwrap();
}

#[test]
fn the_lock_object_keeps_a_second_writer_out_and_names_its_holder() {
    let Some(url) = server() else { return };
    let b = bucket("lock");
    create_bucket(&url, &b, None);
    let loc = location(&url, &b, "repo");
    let r = s3_repo(&loc);
    r.init().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let src = source(dir.path());

    // Another machine's job holds the lock: the backup is refused, naming it and the remedy.
    put_object(&url, &b, "repo/mamoru.lock", "pid 4242 on nas-backup-01 since 2026-11-26T01:00:00Z");
    let e = r.backup(&BackupRequest { paths: vec![src.clone()], ..Default::default() }).unwrap_err().to_string();
    assert!(e.contains("locked by pid 4242 on nas-backup-01"), "{e}");
    assert!(e.contains(&format!("s3://{b}/repo/mamoru.lock")) && e.contains("aws s3 rm"), "{e}");
    assert!(r.snapshots().unwrap().is_empty(), "nothing was written");

    // A crashed process of this host (a pid above pid_max) left it: taken over.
    let host = rustic_host();
    put_object(&url, &b, "repo/mamoru.lock", &format!("pid 999999999 on {host} since 2026-11-26T01:00:00Z"));
    r.backup(&BackupRequest { paths: vec![src.clone()], ..Default::default() }).unwrap();
    assert_eq!(r.snapshots().unwrap().len(), 1);
    // Released afterwards: the next backup needs no takeover.
    r.backup(&BackupRequest { paths: vec![src], ..Default::default() }).unwrap();
    assert_eq!(r.snapshots().unwrap().len(), 2);
}

/// This machine's name as rustic writes it into snapshots (and Mamoru into locks).
fn rustic_host() -> String {
    rustic_core::SnapshotOptions::default().to_snapshot().unwrap().hostname
}

#[test]
fn an_object_lock_bucket_takes_backups_reports_itself_immutable_and_keeps_its_objects() {
    let Some(url) = server() else { return };
    let b = bucket("worm");
    create_bucket(&url, &b, Some(30));
    let loc = location(&url, &b, "repo");
    let r = s3_repo(&loc);
    r.init().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let src = source(dir.path());
    let done = r.backup(&BackupRequest { paths: vec![src.clone()], ..Default::default() }).unwrap();
    // A second backup: the lock object was removed (a delete marker) and written again.
    r.backup(&BackupRequest { paths: vec![src.clone()], ..Default::default() }).unwrap();

    let imm = r.immutability().unwrap();
    assert!(imm.locked, "{imm:?}");
    assert_eq!(
        (imm.kind.as_str(), imm.mode.as_deref(), imm.retention_days),
        ("S3 Object Lock", Some("COMPLIANCE"), Some(30))
    );
    let until = imm.config_retained_until.clone().expect("S3 reports the config object's retention");
    let until: jiff::Timestamp = until.parse().unwrap();
    let days = (until - jiff::Timestamp::now()).total(jiff::Unit::Hour).unwrap() / 24.0;
    assert!((29.0..=30.1).contains(&days), "config retained {days} days");
    assert_eq!(imm.to_string(), "S3 Object Lock (COMPLIANCE, 30 days)");

    // Whoever holds the keys (ransomware included) cannot destroy a retained version.
    let refused = delete_every_version(&url, &b, "repo/snapshots/");
    assert!(refused > 0, "no snapshot version to delete");
    let target = dir.path().join("target");
    r.restore(&done.snapshot, &target).unwrap();
    assert_same(&src, &target);
    restic(&loc, &["check"]);
}

/// Tries to delete every version under `prefix` with signed requests, as an attacker holding
/// the keys would; returns how many S3 refused, and fails if any was deleted.
fn delete_every_version(url: &str, bucket: &str, prefix: &str) -> usize {
    use opendal::options::{DeleteOptions, ListOptions};
    let (_rt, op) = operator(url, bucket);
    let entries =
        op.list_options(prefix, ListOptions { versions: true, recursive: true, ..Default::default() }).unwrap();
    let mut refused = 0;
    for entry in entries {
        let Some(version) = entry.metadata().version().map(str::to_owned) else { continue };
        let opts = DeleteOptions { version: Some(version.clone()), ..Default::default() };
        match op.delete_options(entry.path(), opts) {
            Err(e) if e.kind() == opendal::ErrorKind::PermissionDenied => refused += 1,
            other => panic!("deleting {} version {version} was not refused: {other:?}", entry.path()),
        }
    }
    refused
}

/// A plain S3 client on the bucket (opendal's blocking operator on its own runtime).
fn operator(url: &str, bucket: &str) -> (tokio::runtime::Runtime, opendal::blocking::Operator) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let builder = opendal::services::S3::default()
        .endpoint(url)
        .bucket(bucket)
        .region("us-east-1")
        .access_key_id(KEY)
        .secret_access_key(SECRET)
        .disable_config_load()
        .disable_ec2_metadata()
        .checksum_algorithm("md5");
    let transport = opendal::HttpTransporter::new(opendal_http_transport_reqwest::ReqwestTransport::new(client()));
    let op = {
        let _entered = rt.enter();
        let op = opendal::Operator::new(builder)
            .unwrap()
            .with_context(opendal::OperationContext::new().with_http_transport(transport));
        opendal::blocking::Operator::new(op).unwrap()
    };
    (rt, op)
}

#[test]
fn missing_credentials_and_a_missing_bucket_are_named() {
    let Some(url) = server() else { return };
    let loc = location(&url, "mamoru-no-such-bucket", "repo");
    let r = BackupRepo::with_location(Location::parse_with(&loc, |_| None).unwrap(), Password::new("x"));
    let e = r.snapshots().unwrap_err().to_string();
    assert!(e.contains("AWS_ACCESS_KEY_ID") && e.contains(&loc), "{e}");
    let e = s3_repo(&loc).init().unwrap_err().to_string();
    assert!(e.contains("s3://mamoru-no-such-bucket/repo") && e.contains("does the bucket exist"), "{e}");
}
