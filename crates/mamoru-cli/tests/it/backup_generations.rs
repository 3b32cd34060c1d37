//! `mamoru backup` generations, the ransomware guard's hold on them, and offline copies:
//! forget with restic-made snapshots of fabricated dates (restic checks what Mamoru pruned),
//! the guard's alarm holding forget until `confirm`, and `copy` read back by restic.

use std::path::Path;
use std::process::{Command, Output};

use super::backup::{FILES, PASSWORD, backup, noise, ok, restic, s, source};
use super::support::{mamoru, stderr, stdout};

#[test]
fn the_guard_fires_on_a_folder_whose_files_were_overwritten_with_random_bytes_and_holds_forget_until_confirmed() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    let share = dir.path().join("share");
    std::fs::create_dir(&share).unwrap();
    for i in 0..30 {
        std::fs::write(share.join(format!("検査結果{i}.csv")), format!("患者,{i},正常\n").repeat(300)).unwrap();
    }
    ok(backup(&["init", "--repo", s(&repo)]));
    // The default state file lives under XDG_STATE_HOME.
    let state_home = dir.path().join("state");
    let run = |extra: &[&str]| {
        let mut c = mamoru();
        c.args(["backup", "run", "--repo", s(&repo), s(&share)]).args(extra);
        c.env("MAMORU_BACKUP_PASSWORD", PASSWORD).env("XDG_STATE_HOME", &state_home).output().unwrap()
    };
    ok(run(&[]));
    assert!(state_home.join("mamoru/backup-guard").read_dir().unwrap().count() == 1);
    for i in 0..30 {
        std::fs::write(share.join(format!("検査結果{i}.csv")), noise(i + 9, 12_000)).unwrap();
    }
    // The backup is kept, but the run warns and exits 1.
    let alarmed = run(&["--format", "json"]);
    assert_eq!(alarmed.status.code(), Some(1), "{}", stderr(&alarmed));
    let why = stderr(&alarmed);
    assert!(
        why.contains("ランサムウェア") && why.contains("ランダムなデータ") && why.contains("mamoru backup confirm"),
        "{why}"
    );
    let out: serde_json::Value = serde_json::from_slice(&alarmed.stdout).unwrap();
    let id = out["snapshot"].as_str().unwrap().to_owned();
    assert!(!out["guard_alarm"].as_array().unwrap().is_empty());
    let snaps = ok(backup(&["snapshots", "--repo", s(&repo), "--format", "json"]));
    let snaps: serde_json::Value = serde_json::from_slice(&snaps.stdout).unwrap();
    assert_eq!(snaps.as_array().unwrap().len(), 2);
    assert_eq!(snaps[1]["tags"], serde_json::json!(["mamoru-guard-alarm"]));

    // Retention is held, naming the snapshot; nothing is removed.
    let held = backup(&["forget", "--repo", s(&repo), "--keep-last", "1"]);
    assert_eq!(held.status.code(), Some(1), "{}", stderr(&held));
    assert!(stderr(&held).contains("保留") && stderr(&held).contains(&id[..8]), "{}", stderr(&held));
    assert!(stdout(&restic(&["-r", s(&repo), "snapshots"])).contains("2 snapshots"));

    let confirmed =
        ok(backup(&["confirm", "--repo", s(&repo), &id[..8], "--note", "検査システム更新", "--format", "json"]));
    let confirmed: serde_json::Value = serde_json::from_slice(&confirmed.stdout).unwrap();
    assert_eq!(confirmed["snapshot"], id.as_str());
    assert!(confirmed["description"].as_str().unwrap().contains("検査システム更新"));
    let again = backup(&["confirm", "--repo", s(&repo), confirmed["confirmed"].as_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    assert!(stderr(&again).contains("no ransomware guard alarm"), "{}", stderr(&again));

    let forgot = ok(backup(&["forget", "--repo", s(&repo), "--keep-last", "1", "--format", "json"]));
    let forgot: serde_json::Value = serde_json::from_slice(&forgot.stdout).unwrap();
    assert_eq!(forgot["kept"][0]["id"], confirmed["confirmed"]);
    assert_eq!(forgot["kept"][0]["tags"], serde_json::json!(["mamoru-guard-confirmed"]));
    assert_eq!(forgot["removed"].as_array().unwrap().len(), 1);
    restic(&["-r", s(&repo), "check"]);

    // --force: a person already looked; no hold, exit 0, the reasons still shown.
    for i in 0..30 {
        std::fs::write(share.join(format!("検査結果{i}.csv")), noise(i + 99, 12_000)).unwrap();
    }
    let forced = ok(run(&["--force"]));
    assert!(stderr(&forced).contains("--force"), "{}", stderr(&forced));
    ok(backup(&["forget", "--repo", s(&repo), "--keep-last", "1"]));
}

/// `restic backup` of `src` with a made-up time (restic reads it in the local zone: UTC here).
fn restic_backup_at(repo: &Path, src: &Path, time: &str) {
    let out = Command::new("restic")
        .args(["-r", s(repo), "backup", "--no-cache", "--host", "byoin-pc", "--time", time, s(src)])
        .env("RESTIC_PASSWORD", PASSWORD)
        .env("TZ", "UTC")
        .output()
        .unwrap();
    assert!(out.status.success(), "restic backup: {}", stderr(&out));
}

#[test]
fn forget_keeps_the_policys_generations_and_restic_checks_what_mamoru_pruned() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    let src = dir.path().join("src");
    std::fs::create_dir(&src).unwrap();
    ok(backup(&["init", "--repo", s(&repo)]));
    let days = ["2026-01-15", "2026-02-10", "2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"];
    for (i, day) in days.iter().enumerate() {
        std::fs::write(src.join("世代.bin"), noise(i as u64 + 1, 400_000)).unwrap();
        restic_backup_at(&repo, &src, &format!("{day} 03:00:00"));
    }
    let times = |v: &serde_json::Value| -> Vec<String> {
        v.as_array().unwrap().iter().map(|g| g["time"].as_str().unwrap()[..10].to_owned()).collect()
    };
    let args = ["forget", "--repo", s(&repo), "--keep-daily", "2", "--keep-monthly", "2", "--format", "json"];
    let dry = ok(backup(&[&args[..], &["--dry-run"]].concat()));
    let dry: serde_json::Value = serde_json::from_slice(&dry.stdout).unwrap();
    assert_eq!(times(&dry["kept"]), ["2026-03-05", "2026-03-04", "2026-02-10"]);
    assert_eq!(times(&dry["removed"]), ["2026-03-03", "2026-03-02", "2026-03-01", "2026-01-15"]);
    assert_eq!(dry["prune"], serde_json::Value::Null);
    assert!(stdout(&restic(&["-r", s(&repo), "snapshots"])).contains("7 snapshots"), "the dry run removed some");

    let done = ok(backup(&args));
    let done: serde_json::Value = serde_json::from_slice(&done.stdout).unwrap();
    assert_eq!(times(&done["removed"]), times(&dry["removed"]));
    assert!(done["prune"]["packs_marked"].as_u64().unwrap() > 0, "{done}");
    assert_eq!(done["kept"][0]["reasons"], serde_json::json!(["daily", "monthly"]));
    restic(&["-r", s(&repo), "check", "--read-data"]);
    let listed: serde_json::Value =
        serde_json::from_slice(&restic(&["-r", s(&repo), "snapshots", "--json"]).stdout).unwrap();
    let mut left: Vec<String> = times(&listed);
    left.sort();
    assert_eq!(left, ["2026-02-10", "2026-03-04", "2026-03-05"]);
    // The February generation still restores byte for byte.
    let feb =
        listed.as_array().unwrap().iter().find(|s| s["time"].as_str().unwrap().starts_with("2026-02-10")).unwrap();
    let target = dir.path().join("restored");
    ok(backup(&["restore", "--repo", s(&repo), feb["id"].as_str().unwrap(), "--target", s(&target)]));
    let back = std::fs::read(target.join(src.strip_prefix("/").unwrap()).join("世代.bin")).unwrap();
    assert!(back == noise(2, 400_000), "the February generation came back different");
    // The policy's short form, as the app stores it, does the same; nothing more to remove.
    let again = ok(backup(&["forget", "--repo", s(&repo), "--policy", "daily=2,monthly=2", "--format", "json"]));
    let again: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert!(again["removed"].as_array().unwrap().is_empty());
    let bad = backup(&["forget", "--repo", s(&repo), "--keep-daily", "0"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("keeps nothing"), "{}", stderr(&bad));
}

/// `restic ARGS` on a repository with another password.
fn restic_as(password: &str, args: &[&str]) -> Output {
    let out = Command::new("restic").args(args).arg("--no-cache").env("RESTIC_PASSWORD", password).output().unwrap();
    assert!(out.status.success(), "restic {args:?}: {}{}", stdout(&out), stderr(&out));
    out
}

#[test]
fn copy_refreshes_only_what_is_new_records_its_kind_and_restic_reads_the_copy() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    let src = source(dir.path());
    ok(backup(&["init", "--repo", s(&repo)]));
    ok(backup(&["run", "--no-guard", "--repo", s(&repo), s(&src)]));
    std::fs::write(src.join("追加.txt"), "二回目").unwrap();
    ok(backup(&["run", "--no-guard", "--repo", s(&repo), s(&src)]));
    let usb = dir.path().join("usb/mamoru");
    let usb_password = "外付けディスクの合言葉";
    let pass_file = dir.path().join("usb.pass");
    std::fs::write(&pass_file, format!("{usb_password}\n")).unwrap();
    let copy = |extra: &[&str]| {
        let args = ["copy", "--repo", s(&repo), "--to", s(&usb), "--to-password-file", s(&pass_file)];
        backup(&[&args[..], extra, &["--format", "json"]].concat())
    };
    let first: serde_json::Value = serde_json::from_slice(&ok(copy(&["--kind", "removable"])).stdout).unwrap();
    assert_eq!(first["initialised"], true);
    assert_eq!(first["copied"].as_array().unwrap().len(), 2);
    assert_eq!(first["record"]["kind"], "removable");
    let second: serde_json::Value = serde_json::from_slice(&ok(copy(&["--kind", "removable"])).stdout).unwrap();
    assert_eq!((second["initialised"].as_bool(), second["copied"].as_array().unwrap().len()), (Some(false), 0));
    // A folder cannot tell a removable disk from a NAS share: the kind must be given.
    let no_kind = copy(&[]);
    assert_eq!(no_kind.status.code(), Some(2));
    assert!(stderr(&no_kind).contains("--kind is required"), "{}", stderr(&no_kind));

    // The record, read back from the copy without its password, and from the source.
    let mut c = mamoru();
    let rec = c.args(["backup", "copies", "--repo", s(&usb), "--format", "json"]).env_remove("MAMORU_BACKUP_PASSWORD");
    let rec: serde_json::Value = serde_json::from_slice(&ok(rec.output().unwrap()).stdout).unwrap();
    assert_eq!(rec["copy_of"]["kind"], "removable");
    assert_eq!(rec["copy_of"]["snapshots_copied"], 0);
    assert_eq!(rec["copy_of"]["snapshots_total"], 2);
    assert_eq!(rec["copy_of"]["refreshed_at"], second["record"]["refreshed_at"]);
    let refreshed: jiff::Timestamp = rec["copy_of"]["refreshed_at"].as_str().unwrap().parse().unwrap();
    assert!(jiff::Timestamp::now().duration_since(refreshed).as_secs() < 300);
    let table = ok(backup(&["copies", "--repo", s(&repo)]));
    assert!(stdout(&table).contains("取り外し可能な媒体") && stdout(&table).contains(s(&usb)), "{}", stdout(&table));

    // restic reads the copy with its own password, despite Mamoru's files in the root; the
    // copy shares the source's chunker, so later backups into it deduplicate.
    assert!(usb.join("mamoru-copy.json").exists() && repo.join("mamoru-copies.json").exists());
    restic_as(usb_password, &["-r", s(&usb), "check", "--read-data"]);
    restic(&["-r", s(&repo), "check"]);
    let listed: serde_json::Value =
        serde_json::from_slice(&restic_as(usb_password, &["-r", s(&usb), "snapshots", "--json"]).stdout).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2);
    let target = dir.path().join("from-usb");
    let one = src.join(FILES[0]);
    restic_as(usb_password, &["-r", s(&usb), "restore", "latest", "--target", s(&target), "--include", s(&one)]);
    let back = target.join(one.strip_prefix("/").unwrap());
    assert_eq!(std::fs::read(&back).unwrap(), std::fs::read(&one).unwrap());
    assert!(!target.join(src.strip_prefix("/").unwrap()).join(FILES[3]).exists(), "only the one file");
    let poly = |password: &str, r: &Path| -> serde_json::Value {
        let config = restic_as(password, &["-r", s(r), "cat", "config"]);
        serde_json::from_slice::<serde_json::Value>(&config.stdout).unwrap()["chunker_polynomial"].clone()
    };
    assert_eq!(poly(usb_password, &usb), poly(PASSWORD, &repo));
}

#[test]
fn generations_and_copy_commands_document_themselves() {
    let help = |cmd: &str| {
        let out = mamoru().args(["backup", cmd, "--help"]).output().unwrap();
        assert!(out.status.success(), "backup {cmd} --help");
        stdout(&out)
    };
    for cmd in ["forget", "confirm", "copy"] {
        let text = help(cmd);
        assert!(text.contains("--repo") && text.contains("MAMORU_BACKUP_PASSWORD"), "backup {cmd}: {text}");
    }
    let forget = help("forget");
    assert!(forget.contains("--keep-daily") && forget.contains("mamoru-guard-alarm") && forget.contains("23 hours"));
    let copy = help("copy");
    for kind in ["取り外し可能な媒体", "分離されたバックアップ用ネットワーク", "追記不能な媒体", "object-lock"]
    {
        assert!(copy.contains(kind), "{kind}: {copy}");
    }
    assert!(copy.contains("MAMORU_BACKUP_TO_PASSWORD") && copy.contains("--to-password-file"));
    assert!(help("copies").contains("no password is needed"));
}
