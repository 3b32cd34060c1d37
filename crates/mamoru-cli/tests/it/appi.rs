//! `mamoru appi deadlines`: the JSON keys and dates, the table in Japan's calendar, and bad
//! input named by its flag; no database is needed.

use serde_json::Value;

use super::support::{mamoru, stderr, stdout};

fn deadlines(args: &[&str]) -> std::process::Output {
    mamoru().args(["appi", "deadlines"]).args(args).output().unwrap()
}

#[test]
fn json_has_the_dates_in_japan_and_the_rules() {
    // 16:30 UTC on the 20th is 01:30 on Saturday the 21st in Tokyo.
    let out = deadlines(&["--aware", "2026-11-20T16:30Z", "--category", "3,1", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["aware_on", "preliminary_target", "preliminary_limit", "final_due", "final_days", "categories", "rules"]
    );
    assert_eq!(v["aware_on"], "2026-11-21");
    // Day 3 is 勤労感謝の日 (Monday 11/23).
    assert_eq!(v["preliminary_target"], "2026-11-24");
    assert_eq!(v["preliminary_limit"], "2026-11-25");
    // Day 60 is Tuesday 2027-01-19.
    assert_eq!(v["final_due"], "2027-01-19");
    assert_eq!(v["final_days"], 60);
    assert_eq!(v["categories"], serde_json::json!([1, 3]));
    let rules = v["rules"].as_array().unwrap();
    let codes: Vec<&str> = rules.iter().map(|r| r["code"].as_str().unwrap()).collect();
    assert!(
        codes.contains(&"final_60_days_improper_purpose") && codes.contains(&"moved_past_closed_days"),
        "{codes:?}"
    );
    assert!(rules.iter().any(|r| r["text"].as_str().unwrap().contains("勤労感謝の日")), "{rules:?}");

    // A date alone is that day in Japan; no category means 30 days.
    let out = deadlines(&["--aware", "2026-12-27", "--format", "json"]);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        (&v["preliminary_limit"], &v["final_due"], &v["final_days"]),
        (&"2027-01-04".into(), &"2027-01-25".into(), &30.into())
    );
}

#[test]
fn table_shows_japanese_weekdays_and_the_moves() {
    let out = deadlines(&["--aware", "2026-04-29T09:00+09:00", "--category", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("2026-05-01（金）"), "{text}");
    // Day 5 is 憲法記念日; Golden Week and the substitute holiday push it to Thursday.
    assert!(text.contains("2026-05-07（木）"), "{text}");
    assert!(text.contains("2026-05-28（木）"), "{text}");
    assert!(text.contains("2026-05-03 (Constitution Memorial Day) → 2026-05-07"), "{text}");
}

#[test]
fn bad_input_names_the_flag() {
    let out = deadlines(&["--aware", "yesterday"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--aware"), "{}", stderr(&out));
    let out = deadlines(&["--aware", "2026-11-20", "--category", "1,9"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("--category") && err.contains("\"9\""), "{err}");
}
