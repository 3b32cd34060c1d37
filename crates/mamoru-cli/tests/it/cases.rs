//! `mamoru cases`: a case opened on a freshly imported register, a back-dated note, the JSON
//! keys of `show`, evidence digests equal to `sha256sum`'s, the PPC report's nine items, the
//! anonymized export of a closed case, the indicator list, and bad input named by its flag.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use super::support::{mamoru, run, stderr, stdout};

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}\n{}", stdout(out), stderr(out));
    stdout(out)
}

/// An organisation with one facility; returns the data directory's case number 1.
fn register(data: &Path) {
    ok(&run(data, &["org", "add", "みなと会"]));
    let register = data.join("register.csv");
    std::fs::write(&register, "施設,名称,種別\nみなと総合病院,電子カルテサーバ,サーバ\n").unwrap();
    ok(&run(data, &["inventory", "import", register.to_str().unwrap()]));
}

fn open(data: &Path) -> String {
    let out = run(
        data,
        &[
            "cases",
            "open",
            "--facility",
            "みなと総合病院",
            "--title",
            "電子カルテサーバのランサムウェア感染",
            "--aware",
            "2026-11-20 10:00",
            "--occurred",
            "2026-11-20T03:00+09:00",
            "--severity",
            "critical",
        ],
    );
    ok(&out).trim().to_owned()
}

#[test]
fn a_case_from_opening_to_its_report() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    register(data);
    let id = open(data);
    assert_eq!(id, "1");
    ok(&run(data, &["cases", "note", &id, "LANケーブルを抜いた", "--at", "2026-11-20 10:20", "--kind", "action"]));

    let show: Value = serde_json::from_str(&ok(&run(data, &["cases", "show", &id, "--format", "json"]))).unwrap();
    for key in [
        "id",
        "title",
        "facility",
        "severity",
        "status",
        "aware_at",
        "occurred_at",
        "timeline",
        "tasks",
        "iocs",
        "evidence",
        "fields",
        "appi",
    ] {
        assert!(show.get(key).is_some(), "show has no {key:?}: {show}");
    }
    assert_eq!((&show["severity"], &show["aware_at"]), (&"critical".into(), &"2026-11-20T01:00:00Z".into()));
    let note = show["timeline"].as_array().unwrap().iter().find(|e| e["text"] == "LANケーブルを抜いた").unwrap();
    assert_eq!(note["at"], "2026-11-20T01:20:00Z");
    let d = &show["appi"]["deadlines"];
    // Day 3 (Sunday 11/22) and day 5 move past 勤労感謝の日 (Monday 11/23); day 30 is Saturday 12/19.
    assert_eq!(
        (&d["aware_on"], &d["preliminary_target"], &d["final_due"], &d["final_days"]),
        (&"2026-11-20".into(), &"2026-11-24".into(), &"2026-12-21".into(), &30.into()),
        "{d}"
    );
    assert!(show["appi"]["decision"].is_null());

    let text = ok(&run(data, &["cases", "show", &id]));
    assert!(text.contains("2026-11-20 10:20  action"), "the timeline is in Japan time:\n{text}");
    assert!(text.contains("final: 2026-12-21 (30 days)"), "{text}");

    // Evidence: the digest is the one sha256sum prints.
    let files = [data.join("ransom_note.txt"), data.join("fw.log")];
    std::fs::write(&files[0], "YOUR FILES ARE ENCRYPTED\n").unwrap();
    std::fs::write(&files[1], b"date=2026-11-20 time=03:01:02 action=deny\n".repeat(100)).unwrap();
    let paths: Vec<&str> = files.iter().map(|f| f.to_str().unwrap()).collect();
    let mine = ok(&run(data, &["cases", "evidence", &id, paths[0], paths[1], "--note", "受付PCから複製"]));
    let theirs = std::process::Command::new("sha256sum").args(&paths).output().unwrap();
    assert_eq!(mine, stdout(&theirs));
    let show: Value = serde_json::from_str(&ok(&run(data, &["cases", "show", &id, "--format", "json"]))).unwrap();
    let first = stdout(&theirs).split_whitespace().next().unwrap().to_owned();
    assert_eq!(show["evidence"][0]["sha256"], first.as_str());
    let empty = data.join("empty.bin");
    std::fs::write(&empty, "").unwrap();
    let out = run(data, &["cases", "evidence", &id, empty.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("empty.bin"), "{}", stderr(&out));

    // The PPC report names the nine items of Enforcement Rules Art. 8(1).
    let report = ok(&run(data, &["cases", "document", &id, "ppc_report", "--stage", "final"]));
    for label in [
        "概要",
        "漏えい等が発生し、又は発生したおそれがある個人データの項目",
        "漏えい等が発生し、又は発生したおそれがある個人データに係る本人の数",
        "原因",
        "二次被害又はそのおそれの有無及びその内容",
        "本人への対応の実施状況",
        "公表の実施状況",
        "再発防止のための措置",
        "その他参考となる事項",
    ] {
        assert!(report.contains(label), "the report has no {label}:\n{report}");
    }
    let txt = data.join("notice.txt");
    ok(&run(data, &["cases", "document", &id, "patient_notice", "-o", txt.to_str().unwrap()]));
    assert!(!std::fs::read_to_string(&txt).unwrap().is_empty());
    let pdf = data.join("report.pdf");
    ok(&run(data, &["cases", "document", &id, "ppc_report", "-o", pdf.to_str().unwrap()]));
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));

    let list: Value = serde_json::from_str(&ok(&run(data, &["cases", "list", "--open", "--format", "json"]))).unwrap();
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    assert!(ok(&run(data, &["cases", "list"])).contains("電子カルテサーバのランサムウェア感染"));
}

#[test]
fn a_closed_case_is_exported_anonymized_and_its_indicators_feed_hunting() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    register(data);
    let id = open(data);
    let out = run(data, &["cases", "export", &id]);
    assert_eq!(out.status.code(), Some(1), "only a closed case is shared: {}", stderr(&out));

    // Indicators are noted in the web UI or the API; here through the store the binary uses.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = mamoru_store::Store::open(&mamoru_store::Location::Dir(data.to_owned())).await.unwrap();
        let app = mamoru_app::App::new(store, mamoru_app::Config::default());
        let org = app.store().orgs().await.unwrap()[0].id;
        let p = mamoru_app::Principal::cli(org);
        let case = mamoru_domain::CaseId::new(id.parse().unwrap());
        for value in ["203.0.113.9", "evil.example.net"] {
            let ioc = mamoru_domain::incident::IocInput { value: value.into(), ..Default::default() };
            app.add_case_ioc(&p, case, &ioc).await.unwrap();
        }
    });
    let iocs = ok(&run(data, &["cases", "iocs"]));
    assert_eq!(iocs.lines().collect::<Vec<_>>().len(), 2, "{iocs}");
    assert!(iocs.contains("203.0.113.9\n") && iocs.contains("evil.example.net\n"), "{iocs}");

    ok(&run(data, &["cases", "status", &id, "closed", "--note", "復旧完了"]));
    assert!(ok(&run(data, &["cases", "list", "--open"])).lines().count() == 1, "only the header is left");
    let shared: Value = serde_json::from_str(&ok(&run(data, &["cases", "export", &id]))).unwrap();
    assert_eq!(shared["severity"], "critical");
    assert!(!shared.to_string().contains("みなと"), "the facility is not named: {shared}");
}

#[test]
fn bad_input_is_named_by_its_flag() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    register(data);
    let base = ["cases", "open", "--facility", "みなと総合病院", "--title", "t"];
    let out = run(data, &[&base[..], &["--aware", "2026-11-20 10:00", "--occurred", "2026-11-21 10:00"]].concat());
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--aware:"), "{}", stderr(&out));
    let out = run(data, &[&base[..], &["--aware", "yesterday", "--severity", "loud"]].concat());
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("--aware:") && err.contains("--severity:"), "{err}");
    let out = run(data, &["cases", "open", "--facility", "どこか", "--title", "t", "--aware", "2026-11-20"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--facility"), "{}", stderr(&out));
    let id = open(data);
    let out = run(data, &["cases", "note", &id, " ", "--at", "2099-01-01"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--at:") && stderr(&out).contains("TEXT:"), "{}", stderr(&out));
    let out = run(data, &["cases", "show", "999"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not found"), "{}", stderr(&out));
    let out = run(data, &["cases", "document", &id, "letter"]);
    assert!(!out.status.success() && stderr(&out).contains("ppc_report"), "{}", stderr(&out));
}

#[test]
fn every_cases_command_documents_itself() {
    for sub in ["list", "show", "open", "note", "status", "evidence", "document", "export", "iocs"] {
        let out = mamoru().args(["cases", sub, "--help"]).output().unwrap();
        let text = stdout(&out);
        assert!(out.status.success(), "cases {sub} --help");
        assert!(text.contains("--data-dir") && text.contains("--org"), "cases {sub}: {text}");
    }
}
