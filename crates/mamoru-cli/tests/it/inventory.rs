use super::support::{run, sjis_register, stderr, stdout};

#[test]
fn a_shift_jis_register_imports_and_a_bad_one_is_refused_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let file = sjis_register();
    let out = run(dir.path(), &["inventory", "import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("created: 9"), "{text}");
    assert!(text.contains("facilities created: みなと総合病院, さくら内科クリニック"), "{text}");

    let out = run(dir.path(), &["inventory", "import", file.to_str().unwrap(), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (json["created"].as_u64(), json["unchanged"].as_u64()),
        (Some(0), Some(9)),
        "re-import never duplicates"
    );

    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "施設,名称,種別,IPアドレス\nみなと総合病院,外来受付PC-01,端末PC,10.10.3.199\nみなと総合病院,新PC,パソコン,10.0.0.300\nみなと総合病院,謎,toaster,\n").unwrap();
    let out = run(dir.path(), &["inventory", "import", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("2 bad row(s); nothing was imported"), "{err}");
    assert!(err.contains("line 3") && err.contains("IPアドレス") && err.contains("10.0.0.300"), "{err}");
    assert!(err.contains("line 4") && err.contains("種別") && err.contains("toaster"), "{err}");

    // The good row of the bad file was not applied either.
    let out = run(dir.path(), &["inventory", "export", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 9);
    let pc = rows.as_array().unwrap().iter().find(|r| r["name"] == "外来受付PC-01").unwrap();
    assert_eq!(pc["ip"], "10.10.3.101");

    let out = run(dir.path(), &["inventory", "import", "/nonexistent.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read /nonexistent.csv"));
}

#[test]
fn messages_follow_a_japanese_locale() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "施設,名称,種別\nみなと総合病院,PC,toaster\n").unwrap();
    let out = super::support::mamoru()
        .env("LANG", "ja_JP.UTF-8")
        .args(["inventory", "import"])
        .arg(&bad)
        .arg("--data-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("何も取り込みませんでした") && err.contains("2行目 「種別」"), "{err}");
}

#[test]
fn exports_and_dry_runs() {
    let dir = tempfile::tempdir().unwrap();
    let file = sjis_register();
    let out = run(dir.path(), &["inventory", "import", file.to_str().unwrap(), "--dry-run"]);
    assert_eq!(out.status.code(), Some(2), "a dry run creates no organisation");
    assert!(stderr(&out).contains("a dry run creates none"));

    assert!(run(dir.path(), &["inventory", "import", file.to_str().unwrap()]).status.success());
    let changed = dir.path().join("changed.csv");
    std::fs::write(&changed, "施設,名称,種別,バージョン\nみなと総合病院,本館VPN装置,VPN装置,7.2.8\n").unwrap();
    let out = run(dir.path(), &["inventory", "import", changed.to_str().unwrap(), "--dry-run"]);
    assert!(stdout(&out).contains("would import") && stdout(&out).contains("updated: 1"), "{}", stdout(&out));
    let out = run(dir.path(), &["inventory", "export", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let vpn = rows.as_array().unwrap().iter().find(|r| r["name"] == "本館VPN装置").unwrap();
    assert_eq!(vpn["version"], "6.0.4", "a dry run keeps nothing");

    let csv = dir.path().join("out.csv");
    let out = run(dir.path(), &["inventory", "export", "--format", "csv-sjis", "-o", csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let bytes = std::fs::read(&csv).unwrap();
    let parsed = mamoru_inventory::read_register(&bytes, "out.csv", &Default::default()).unwrap();
    assert_eq!((parsed.encoding, parsed.entries.len()), ("Shift_JIS", 9));
    let out = run(dir.path(), &["inventory", "export", "--headers", "en"]);
    assert!(stdout(&out).starts_with("\u{feff}facility,name,category"), "{}", stdout(&out));
}
