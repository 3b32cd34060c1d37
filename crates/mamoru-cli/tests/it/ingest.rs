//! `mamoru ingest` over DeepBlueCLI's event logs with SigmaHQ's Windows rules (from
//! ../shared/data), with alerts posted to a webhook on a local HTTP server.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::Value;

use super::support::{run, stderr, stdout};

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(rel)
}

/// An HTTP server on a free port that answers 200 to every request and keeps POST bodies.
pub(crate) fn webhook() -> (String, Arc<Mutex<Vec<Value>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let seen = bodies.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 && line != "\r\n" {
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                line.clear();
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_ok()
                && let Ok(v) = serde_json::from_slice(&body)
            {
                seen.lock().unwrap().push(v);
            }
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    (url, bodies)
}

fn json(out: &std::process::Output) -> Value {
    assert!(out.status.success(), "{}\n{}", stdout(out), stderr(out));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(out), stderr(out)))
}

#[test]
fn ingesting_the_same_logs_twice_grows_the_alerts_and_posts_them_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    assert!(run(data, &["org", "add", "みなと会"]).status.success());
    let register = data.join("register.csv");
    std::fs::write(&register, "施設,名称,種別\nみなと総合病院,電子カルテサーバ,サーバ\n").unwrap();
    let out = run(data, &["inventory", "import", register.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (url, posted) = webhook();
    assert!(run(data, &["org", "webhook", &url]).status.success());

    let logs = shared("evtx/DeepBlueCLI");
    let rules = shared("sigma/rules/windows");
    let ingest = [
        "ingest",
        logs.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
        "--facility",
        "みなと総合病院",
        "--format",
        "json",
    ];
    let first = json(&run(data, &ingest));
    let created = first["alerts_created"].as_u64().unwrap();
    assert!(first["files"].as_u64().unwrap() > 10 && first["events"].as_u64().unwrap() > 100, "{first}");
    assert!(created > 10 && created < first["detections"].as_u64().unwrap(), "grouped: {first}");
    assert_eq!(first["alerts_updated"], 0);
    assert!(first["notifications"]["sent"].as_u64().unwrap() >= 1, "{first}");

    let alerts = json(&run(data, &["alerts", "--format", "json", "--limit", "1000"]));
    let counts: Vec<u64> = alerts.as_array().unwrap().iter().map(|a| a["count"].as_u64().unwrap()).collect();
    assert_eq!(counts.len() as u64, created);

    let again = json(&run(data, &ingest));
    assert_eq!(again["alerts_created"], 0, "the same logs open no new alerts: {again}");
    assert_eq!(again["alerts_updated"].as_u64().unwrap(), created);
    assert_eq!(again["detections"], first["detections"]);
    assert_eq!(again["notifications"]["sent"], 0, "nothing new to tell");
    let alerts = json(&run(data, &["alerts", "--format", "json", "--limit", "1000"]));
    let doubled: Vec<u64> = alerts.as_array().unwrap().iter().map(|a| a["count"].as_u64().unwrap()).collect();
    let mut before = counts.iter().map(|c| c * 2).collect::<Vec<_>>();
    let mut after = doubled.clone();
    before.sort();
    after.sort();
    assert_eq!(after, before, "every count grew by its own detections");

    // New high alerts were posted: one message each up to the hourly limit (10), the rest
    // in one digest.
    let posted = posted.lock().unwrap().clone();
    let kinds: Vec<&str> = posted.iter().map(|b| b["kind"].as_str().unwrap()).collect();
    assert!(kinds.iter().filter(|k| **k == "detect.alert").count() <= 10, "{kinds:?}");
    assert!(kinds.contains(&"detect.alert"), "{kinds:?}");
    let first_post = posted.iter().find(|b| b["kind"] == "detect.alert").unwrap();
    assert!(["high", "critical"].contains(&first_post["alert"]["level"].as_str().unwrap()), "{first_post}");
    assert!(first_post["text"].as_str().unwrap().contains("みなと総合病院"), "{first_post}");

    // The table form, and a facility that does not exist.
    let table = run(data, &["alerts", "--min-level", "high"]);
    assert!(stdout(&table).contains("みなと総合病院/"), "{}", stdout(&table));
    let mut wrong = ingest;
    wrong[5] = "ないです病院";
    let out = run(data, &wrong);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no facility named"), "{}", stderr(&out));
}

#[test]
fn mail_and_alert_settings_are_checked_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    assert!(run(data, &["org", "add", "みなと会"]).status.success());
    let out = run(data, &["org", "smtp", "mail.example.jp", "--from", "not-an-address", "--to", "a@example.jp"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("smtp_from"), "{}", stderr(&out));
    let out = run(
        data,
        &[
            "org",
            "smtp",
            "mail.example.jp",
            "--username",
            "mamoru",
            "--password-env",
            "MAMORU_SMTP_PASSWORD",
            "--from",
            "mamoru@example.jp",
            "--to",
            "yamada@example.jp,sato@example.jp",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("yamada@example.jp, sato@example.jp through mail.example.jp:587 (starttls)"));
    let out = run(data, &["org", "alerts", "--min-level", "medium", "--max-per-hour", "5"]);
    assert!(stdout(&out).contains("level medium and above, at most 5 an hour"), "{}", stdout(&out));
    let out = run(data, &["org", "alerts"]);
    assert!(stdout(&out).contains("at most 5 an hour; detections join an open alert seen within 1440 minutes"));
    assert_eq!(run(data, &["org", "alerts", "--max-per-hour", "0"]).status.code(), Some(2));
    assert!(run(data, &["org", "smtp", "--clear"]).status.success());
}
