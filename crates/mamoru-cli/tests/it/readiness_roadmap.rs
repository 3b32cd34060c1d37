//! `mamoru readiness roadmap`: a facility's gaps by fiscal year, two-factor authentication in
//! FY2027, a dated いいえ in its target's year, as JSON and as a table.

use serde_json::Value;

use super::support::{run, stderr, stdout};

#[test]
fn the_roadmap_orders_gaps_into_fiscal_years() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    assert!(run(data, &["org", "add", "みなと会"]).status.success());
    let register = data.join("register.csv");
    std::fs::write(&register, "施設,名称,種別\nみなと内科クリニック,受付PC,端末PC\n").unwrap();
    assert!(run(data, &["inventory", "import", register.to_str().unwrap()]).status.success());
    let today = mamoru_app::today();
    let fy = mamoru_domain::readiness::FiscalYear::of(today);
    let answer = [
        "readiness",
        "answer",
        "--facility",
        "みなと内科クリニック",
        "--item",
        "ops.mds_sds",
        "--answer",
        "いいえ",
        "--confirmed",
        &today.to_string(),
        "--target",
        &fy.end().to_string(),
    ];
    let out = run(data, &answer);
    assert!(out.status.success(), "{}", stderr(&out));

    let out = run(data, &["readiness", "roadmap", "--facility", "みなと内科クリニック", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["facility"], "みなと内科クリニック");
    assert!(v["approved"].is_null());
    let years = v["years"].as_array().unwrap();
    let year_of = |key: &str| {
        years
            .iter()
            .find(|y| y["steps"].as_array().unwrap().iter().any(|s| s["key"] == key))
            .map(|y| y["fiscal_year"].as_i64().unwrap())
    };
    assert_eq!(year_of("ops.two_factor"), Some(i64::from(fy.year().max(2027))), "{v}");
    assert_eq!(year_of("ops.mds_sds"), Some(i64::from(fy.year())));
    let first = &years[0]["steps"][0];
    assert_eq!(first["overdue"], true, "overdue first: {first}");

    let text = stdout(&run(data, &["readiness", "roadmap", "--facility", "みなと内科クリニック"]));
    assert!(text.contains("承認: 未承認") && text.contains("令和9年度（FY2027）"), "{text}");
}
