//! `mamoru readiness`: the JSON of `report` (the contract scripts rely on: an object with
//! `edition` and `items`, each item with `id`, `group`, `title`, `answer`, `proposed.reason`,
//! `confirmed`, `target`, `evidence`), proposals from a freshly imported register, an answer
//! saved and shown, a bad target day named by its flag, and the old `checklist` name.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use super::support::{mamoru, run, stderr, stdout};

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}\n{}", stdout(out), stderr(out));
    stdout(out)
}

fn show(data: &Path) -> Value {
    let out = ok(&run(data, &["readiness", "report", "--facility", "みなと総合病院", "--format", "json"]));
    serde_json::from_str(&out).unwrap()
}

/// The contract of `readiness report --format json`, key by key and type by type.
fn assert_contract(v: &Value) {
    let edition = &v["edition"];
    assert!(edition["id"].as_str().unwrap().starts_with("fy"), "{edition}");
    assert!(edition["title"].as_str().unwrap().contains("チェックリスト"), "{edition}");
    let items = v["items"].as_array().unwrap();
    assert!(items.len() >= 10, "{}", items.len());
    for i in items {
        assert!(i["id"].as_str().is_some_and(|s| !s.is_empty()), "{i}");
        let group = i["group"].as_str().unwrap();
        assert!(["体制構築", "医療情報システムの管理・運用", "インシデント発生に備えた対応"].contains(&group), "{i}");
        assert!(i["title"].as_str().is_some_and(|s| !s.is_empty()), "{i}");
        assert!(i["answer"].is_null() || i["answer"] == "はい" || i["answer"] == "いいえ", "{i}");
        let proposed = &i["proposed"];
        assert!(proposed["reason"].as_str().is_some_and(|s| !s.is_empty()), "{i}");
        assert!(proposed["answer"].is_null() || proposed["answer"] == "はい" || proposed["answer"] == "いいえ", "{i}");
        for key in ["confirmed", "target"] {
            assert!(i[key].is_null() || i[key].as_str().is_some_and(|d| d.len() == 10), "{key} in {i}");
        }
        assert!(i["evidence"].is_array(), "{i}");
    }
}

fn item<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["items"].as_array().unwrap().iter().find(|i| i["id"] == id).unwrap_or_else(|| panic!("no item {id}"))
}

#[test]
fn show_proposes_and_answer_saves() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    ok(&run(data, &["org", "add", "みなと会"]));
    let register = data.join("register.csv");
    std::fs::write(
        &register,
        "施設,名称,種別\nみなと総合病院,電子カルテサーバ,サーバ\nみなと総合病院,受付PC,端末PC\nみなと総合病院,本館VPN装置,VPN装置\n",
    )
    .unwrap();
    ok(&run(data, &["inventory", "import", register.to_str().unwrap()]));

    let v = show(data);
    let fy = v["fiscal_year"].as_i64().unwrap();
    assert!(v["edition"]["id"].as_str().unwrap().starts_with("fy"), "{v}");
    assert!(v["fiscal_year_ja"].as_str().unwrap().starts_with("令和"));
    assert_contract(&v);
    for i in v["items"].as_array().unwrap() {
        assert!(i["answer"].is_null(), "nothing answered yet: {i}");
    }
    let ledger = item(&v, "ops.asset_ledger");
    assert_eq!(ledger["group"], "医療情報システムの管理・運用");
    assert_eq!(ledger["proposed"]["answer"], "はい", "{ledger}");
    assert!(ledger["proposed"]["reason"].as_str().unwrap().contains("台帳"));
    assert_eq!(
        ledger["evidence"][0],
        "台帳: サーバ 1台、端末PC 1台、ネットワーク機器 1台、その他 0台（最終更新 ".to_owned()
            + v["as_of"].as_str().unwrap()
            + "）"
    );
    let chart = item(&v, "incident.contact_chart");
    assert_eq!(
        (&chart["proposed"]["answer"], &chart["proposed"]["verdict"]),
        (&Value::from("いいえ"), &Value::from("no"))
    );
    let mds = item(&v, "ops.mds_sds");
    assert!(mds["proposed"]["answer"].is_null() && mds["proposed"]["rule"].is_null(), "no rule answers MDS/SDS: {mds}");
    assert!(mds["proposed"]["reason"].as_str().unwrap().contains("確認して回答"), "{mds}");

    let today = v["as_of"].as_str().unwrap().to_owned();
    let answer = |target: &str| {
        run(
            data,
            &[
                "readiness",
                "answer",
                "--facility",
                "みなと総合病院",
                "--item",
                "ops.mds_sds",
                "--answer",
                "いいえ",
                "--confirmed",
                &today,
                "--target",
                target,
                "--note",
                "保守契約の更新時に依頼",
            ],
        )
    };
    let out = answer(&format!("{}-04-01", fy + 1));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("--target: must be between"), "{}", stderr(&out));
    ok(&answer(&format!("{}-03-31", fy + 1)));

    let v = show(data);
    assert_contract(&v);
    let mds = item(&v, "ops.mds_sds").clone();
    assert_eq!(mds["answer"], "いいえ");
    assert_eq!(mds["confirmed"], today.as_str());
    assert_eq!(mds["target"], format!("{}-03-31", fy + 1).as_str());
    assert_eq!(mds["note"], "保守契約の更新時に依頼");
    assert!(mds["answered_by"].as_str().unwrap().starts_with("cli"));

    let table = ok(&run(data, &["readiness", "report", "--facility", "みなと総合病院"]));
    assert!(table.contains("回答: いいえ 確認日") && table.contains("提案: はい"), "{table}");
    // The first names still work, hidden.
    let old = ok(&run(data, &["checklist", "show", "--facility", "みなと総合病院"]));
    assert_eq!(old, table);
}

#[test]
fn readiness_commands_document_themselves() {
    for cmd in ["report", "answer"] {
        let out = mamoru().args(["readiness", cmd, "--help"]).output().unwrap();
        assert!(out.status.success(), "readiness {cmd}");
        let text = stdout(&out);
        assert!(text.contains("--facility") && text.contains("--fiscal-year") && text.contains("--data-dir"), "{text}");
    }
    let top = stdout(&mamoru().arg("--help").output().unwrap());
    assert!(top.contains("  readiness ") && !top.contains("  checklist "), "{top}");
}
