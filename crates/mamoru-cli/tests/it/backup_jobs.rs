//! `mamoru backup job`: a job kept in the database, run for real on files in a temporary
//! folder, its restore tested, listed as JSON, and a damaged repository caught.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use super::support::{run, stderr, stdout};

fn ok(o: Output) -> Output {
    assert!(o.status.success(), "{:?}\nstdout: {}\nstderr: {}", o.status, stdout(&o), stderr(&o));
    o
}

fn json(o: &Output) -> Value {
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

fn biggest_pack(repo: &Path) -> std::path::PathBuf {
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
fn a_job_is_added_run_tested_listed_and_its_damage_caught() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let data = root.join("data");
    ok(run(&data, &["org", "add", "みなと会"]));
    std::fs::write(root.join("r.csv"), "施設,名称,種別\nみなと総合病院,電子カルテサーバ,サーバ\n").unwrap();
    ok(run(&data, &["inventory", "import", root.join("r.csv").to_str().unwrap()]));
    let src = root.join("src");
    std::fs::create_dir_all(src.join("患者記録")).unwrap();
    std::fs::write(src.join("患者記録/診療録.txt"), "診療録\n".repeat(1000)).unwrap();
    std::fs::write(src.join("空.txt"), b"").unwrap();
    let noise: Vec<u8> = (0..3_000_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(src.join("画像.dcm"), noise).unwrap();
    std::fs::write(root.join("pass"), "ジョブの合言葉\n").unwrap();
    let p = |name: &str| root.join(name).display().to_string();

    let refused = run(
        &data,
        &[
            "backup",
            "job",
            "add",
            "--facility",
            "みなと総合病院",
            "--name",
            "電子カルテ",
            "--kind",
            "カルテ以外",
            "--source",
            "relative",
            "--repo",
            &p("repo"),
            "--password-file",
            &p("pass"),
        ],
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("--kind") && stderr(&refused).contains("--source"), "{}", stderr(&refused));

    let added = ok(run(
        &data,
        &[
            "backup",
            "job",
            "add",
            "--facility",
            "みなと総合病院",
            "--name",
            "電子カルテ",
            "--kind",
            "電子カルテ",
            "--needed-for-care",
            "--source",
            &p("src"),
            "--repo",
            &p("repo"),
            "--password-file",
            &p("pass"),
            "--offline-repo",
            &p("rdx"),
            "--offline-kind",
            "removable",
            "--schedule",
            "毎日 02:00",
            "--retention",
            "daily=7,weekly=4,monthly=12,yearly=5",
        ],
    ));
    assert!(stdout(&added).contains("id 1"), "{}", stdout(&added));

    let ran = ok(run(&data, &["backup", "job", "run", "1"]));
    let text = stdout(&ran);
    for step in ["backup", "copy", "forget"] {
        assert!(text.lines().any(|l| l.contains(step) && l.contains(" OK ")), "{step}: {text}");
    }
    assert!(root.join("rdx/config").exists(), "the offline copy is a repository");
    ok(run(&data, &["backup", "job", "test", "1"]));

    let list = json(&ok(run(&data, &["backup", "job", "list", "--format", "json"])));
    let job = &list[0];
    assert_eq!((job["name"].as_str(), job["status"].as_str()), (Some("電子カルテ"), Some("fresh")));
    assert!(job["last_verified_ms"].as_u64().is_some() && job["offline_refreshed_at"].is_string(), "{job}");
    assert_eq!(job["offline_kind"], "removable");
    let show = json(&ok(run(&data, &["backup", "job", "show", "1", "--format", "json"])));
    let kinds: Vec<_> = show["history"].as_array().unwrap().iter().map(|h| h["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["restore_test", "forget", "copy", "backup"]);
    assert_eq!(show["password_file"], p("pass"));

    // Nothing is due yet: the first slot is tonight at 02:00.
    let due = ok(run(&data, &["backup", "job", "run-due"]));
    assert!(stdout(&due).contains("no job is due"), "{}", stdout(&due));

    // A flipped byte in the biggest pack: the restore test fails (exit 1), is recorded and alerted.
    let pack = biggest_pack(&root.join("repo"));
    let mut bytes = std::fs::read(&pack).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x40;
    std::fs::write(&pack, bytes).unwrap();
    let failed = run(&data, &["backup", "job", "test", "1"]);
    assert_eq!(failed.status.code(), Some(1), "{}{}", stdout(&failed), stderr(&failed));
    assert!(stderr(&failed).contains("画像.dcm") && stderr(&failed).contains("alerts raised"), "{}", stderr(&failed));
    let list = json(&ok(run(&data, &["backup", "job", "list", "--format", "json"])));
    assert_eq!(list[0]["status"], "failed");
    let alerts = stdout(&ok(run(&data, &["alerts", "--format", "json"])));
    assert!(alerts.contains("mamoru-backup/restore-test-failed"), "{alerts}");
}

#[test]
fn the_job_commands_document_themselves() {
    for cmd in ["add", "list", "show", "run", "test", "verify", "run-due"] {
        let out = super::support::mamoru().args(["backup", "job", cmd, "--help"]).output().unwrap();
        assert!(out.status.success(), "backup job {cmd}");
        let text = stdout(&out);
        assert!(text.contains("--data-dir") && text.contains("--database-url"), "backup job {cmd}: {text}");
    }
}
