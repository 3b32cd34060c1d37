//! `mamoru checklist`: the JSON keys of `show` (the contract scripts rely on), proposals from a
//! freshly imported register, an answer saved and shown, and a bad target day named by its flag.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use super::support::{mamoru, run, stderr, stdout};

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}\n{}", stdout(out), stderr(out));
    stdout(out)
}

fn show(data: &Path) -> Value {
    let out = ok(&run(data, &["checklist", "show", "--facility", "みなと総合病院", "--format", "json"]));
    serde_json::from_str(&out).unwrap()
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
    for i in v["items"].as_array().unwrap() {
        for key in ["id", "group", "title", "answer", "proposed", "confirmed", "target", "evidence"] {
            assert!(i.get(key).is_some(), "{key} missing in {i}");
        }
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
    assert!(item(&v, "ops.mds_sds")["proposed"].is_null(), "no rule answers MDS/SDS");

    let today = v["as_of"].as_str().unwrap().to_owned();
    let answer = |target: &str| {
        run(
            data,
            &[
                "checklist",
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

    let mds = item(&show(data), "ops.mds_sds").clone();
    assert_eq!(mds["answer"], "いいえ");
    assert_eq!(mds["confirmed"], today.as_str());
    assert_eq!(mds["target"], format!("{}-03-31", fy + 1).as_str());
    assert_eq!(mds["note"], "保守契約の更新時に依頼");
    assert!(mds["answered_by"].as_str().unwrap().starts_with("cli"));

    let table = ok(&run(data, &["checklist", "show", "--facility", "みなと総合病院"]));
    assert!(table.contains("回答: いいえ 確認日") && table.contains("提案: はい"), "{table}");
}

#[test]
fn checklist_commands_document_themselves() {
    for cmd in ["show", "answer"] {
        let out = mamoru().args(["checklist", cmd, "--help"]).output().unwrap();
        assert!(out.status.success(), "checklist {cmd}");
        let text = stdout(&out);
        assert!(text.contains("--facility") && text.contains("--fiscal-year") && text.contains("--data-dir"), "{text}");
    }
}
