//! `mamoru readiness training`: the facility's requirements, manager, overdue people and
//! sessions, as a table and as JSON.

use serde_json::Value;

use super::support::{run, stderr, stdout};

#[test]
fn training_shows_requirements_and_who_is_overdue() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    assert!(run(data, &["org", "add", "みなと会"]).status.success());
    let out = run(data, &["user", "add", "--email", "admin@example.jp", "--role", "admin"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let register = data.join("register.csv");
    std::fs::write(&register, "施設,名称,種別\nみなと内科クリニック,受付PC,端末PC\n").unwrap();
    assert!(run(data, &["inventory", "import", register.to_str().unwrap()]).status.success());

    let out = run(data, &["readiness", "training", "--facility", "みなと内科クリニック", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["facility"], "みなと内科クリニック");
    assert!(v["manager"].is_null(), "{v}");
    // A facility of unknown kind: the checklist's manager requirement only.
    let ids: Vec<&str> = v["requirements"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["manager"]);
    assert!(v["requirements"][0]["source"].as_str().unwrap().contains("第14条第2項"));
    assert_eq!(v["overdue"], serde_json::json!(["admin@example.jp"]), "{v}");
    assert_eq!(v["people"][0]["overdue"], true);
    assert_eq!(v["sessions"], serde_json::json!([]));

    let out = run(data, &["readiness", "training", "--facility", "みなと内科クリニック"]);
    let text = stdout(&out);
    assert!(text.contains("安全管理責任者: 未記録") && text.contains("期限切れ 1/1人"), "{text}");
}
