//! `mamoru vuln` over the sample feeds in ../shared/data/vuln.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::support::{mamoru, run, stderr, stdout};

fn feeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/vuln")
}

/// A register with the device of the Handa and Osaka cases, the same one patched, and a PC.
fn register(dir: &Path) -> PathBuf {
    let file = dir.join("register.csv");
    std::fs::write(
        &file,
        "施設,名称,種別,メーカー,製品,バージョン,外部公開\n\
         みなと総合病院,本館VPN装置,VPN装置,Fortinet,FortiGate 60E,6.0.4,はい\n\
         みなと総合病院,分院VPN装置,VPN装置,Fortinet,FortiGate 60E,6.0.5,はい\n\
         みなと総合病院,受付PC,端末PC,,,,いいえ\n",
    )
    .unwrap();
    file
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(out), stderr(out)))
}

fn for_asset<'a>(findings: &'a Value, asset: &str, cve: &str) -> Option<&'a Value> {
    findings.as_array().unwrap().iter().find(|f| f["asset"] == asset && f["cve"] == cve)
}

#[test]
fn fortios_6_0_4_on_the_internet_is_known_exploited_and_first() {
    let dir = tempfile::tempdir().unwrap();
    let reg = register(dir.path());
    let out = run(dir.path(), &["inventory", "import", reg.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));

    let all = feeds();
    let out = run(dir.path(), &["vuln", "import", all.to_str().unwrap()]);
    let err = stderr(&out);
    // The deliberately broken EPSS files and MyJVN's non-advisory answers fail, clearly.
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("FAILED") && err.contains("invalid-header.csv"), "{err}");
    assert!(err.contains("getVendorList") && err.contains("is not an advisory feed"), "{err}");
    assert!(err.contains("skipped") && err.contains("cpes.txt"), "{err}");
    assert!(err.contains("CVE-2018-13379.json"), "{err}");

    let out = run(dir.path(), &["vuln", "findings", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let findings = json(&out);
    let f = for_asset(&findings, "本館VPN装置", "CVE-2018-13379").expect("CVE-2018-13379 on the FortiGate");
    assert_eq!(f["kev"], true);
    assert_eq!(f["priority"], 1);
    assert!(f["cvss"].as_f64().unwrap() >= 9.0, "{f}");
    assert!(f["due"].as_str().unwrap().len() == 10, "{f}");
    assert!(f["why"].as_str().unwrap().contains("6.0.4"), "{f}");
    assert!(f["why_ja"].as_str().unwrap().contains("6.0.4 は 6.0.0 ≤ v < 6.0.5 の範囲内"), "{f}");
    assert!(f.get("epss").is_some(), "{f}");
    assert!(for_asset(&findings, "分院VPN装置", "CVE-2018-13379").is_none(), "6.0.5 is fixed");
    // The most urgent comes first.
    assert_eq!(findings[0]["priority"], 1);

    // The table and CSV forms say the same.
    let out = run(dir.path(), &["vuln", "findings"]);
    assert!(stdout(&out).contains("CVE-2018-13379"), "{}", stdout(&out));
    let out = run(dir.path(), &["vuln", "findings", "--format", "csv"]);
    let csv = stdout(&out);
    assert!(csv.starts_with("\u{feff}priority,due,facility,asset"), "{csv}");
    assert!(csv.contains("本館VPN装置") && csv.contains("CVE-2018-13379"));

    // The same without a database.
    let out = mamoru()
        .args([
            "vuln",
            "match",
            "--feeds",
            all.to_str().unwrap(),
            "--assets",
            reg.to_str().unwrap(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let one_off = json(&out);
    let g = for_asset(&one_off, "本館VPN装置", "CVE-2018-13379").expect("one-off match");
    assert_eq!((g["kev"].clone(), g["priority"].clone()), (Value::Bool(true), Value::from(1)));
    assert!(for_asset(&one_off, "分院VPN装置", "CVE-2018-13379").is_none());
    assert!(stderr(&out).contains("skipped"), "it lists what it skipped");
    assert!(!dir.path().join("mamoru-data").exists());
}

#[test]
fn decisions_stick_and_a_patch_fixes() {
    let dir = tempfile::tempdir().unwrap();
    let reg = register(dir.path());
    run(dir.path(), &["inventory", "import", reg.to_str().unwrap()]);
    let nvd = feeds().join("nvd-api-2.0/kev-vpn/CVE-2018-13379.json");
    let kev = feeds().join("kev/known_exploited_vulnerabilities.json");
    let out = run(dir.path(), &["vuln", "import", nvd.to_str().unwrap(), kev.to_str().unwrap(), "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["imported"], 2);
    assert_eq!(report["failed"], 0);

    let findings = json(&run(dir.path(), &["vuln", "findings", "--format", "json"]));
    let id = for_asset(&findings, "本館VPN装置", "CVE-2018-13379").unwrap()["id"].as_i64().unwrap().to_string();

    // Accepting needs a reason and an expiry; the errors name the flags.
    let out = run(dir.path(), &["vuln", "decide", &id, "--status", "accepted"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--reason") && stderr(&out).contains("--expires"), "{}", stderr(&out));
    let out = run(dir.path(), &["vuln", "decide", &id, "--status", "mitigated", "--reason", "SSL-VPNを停止"]);
    assert!(out.status.success(), "{}", stderr(&out));

    // Re-importing keeps the decision.
    run(dir.path(), &["vuln", "import", nvd.to_str().unwrap()]);
    let findings = json(&run(dir.path(), &["vuln", "findings", "--status", "all", "--format", "json"]));
    assert_eq!(for_asset(&findings, "本館VPN装置", "CVE-2018-13379").unwrap()["status"], "mitigated");

    // The device is updated: the finding is fixed.
    let patched = dir.path().join("patched.csv");
    std::fs::write(&patched, "施設,名称,種別,バージョン\nみなと総合病院,本館VPN装置,VPN装置,6.0.18\n").unwrap();
    let out = run(dir.path(), &["inventory", "import", patched.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let findings = json(&run(dir.path(), &["vuln", "findings", "--status", "all", "--format", "json"]));
    assert_eq!(for_asset(&findings, "本館VPN装置", "CVE-2018-13379").unwrap()["status"], "fixed");
    let open = json(&run(dir.path(), &["vuln", "findings", "--format", "json"]));
    assert!(for_asset(&open, "本館VPN装置", "CVE-2018-13379").is_none());
}

#[test]
fn bad_feeds_name_the_file_and_keep_what_was_stored() {
    let dir = tempfile::tempdir().unwrap();
    let kev = feeds().join("kev/known_exploited_vulnerabilities.json");
    let out = run(dir.path(), &["vuln", "import", kev.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));

    let truncated = dir.path().join("kev-cut.json");
    let bytes = std::fs::read(&kev).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let unknown = dir.path().join("notes.txt");
    std::fs::write(&unknown, "これはフィードではありません\n").unwrap();
    for bad in [&truncated, &unknown] {
        let out = run(dir.path(), &["vuln", "import", bad.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(stderr(&out).contains(bad.to_str().unwrap()), "{}", stderr(&out));
    }
    let out = run(dir.path(), &["vuln", "status"]);
    assert!(stdout(&out).contains("kev: 1404"), "{}", stdout(&out));
}

#[test]
fn the_policy_is_shown_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), &["org", "add", "みなと会"]);
    let out = run(dir.path(), &["vuln", "policy"]);
    assert!(stdout(&out).contains("due_days (priority 1..5): 3,14,30,90,180"), "{}", stdout(&out));
    let out = run(dir.path(), &["vuln", "policy", "--due-days", "1,7,30,60,120"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("1,7,30,60,120"));
    let out = run(dir.path(), &["vuln", "policy", "--due-days", "0,7,30,60,120", "--epss-likely", "2"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("p1_days") && stderr(&out).contains("epss_likely"), "{}", stderr(&out));
}
