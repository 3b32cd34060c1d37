//! `mamoru serve --syslog`: a UTM's syslog lines sent to the running server become one
//! grouped alert, posted to the organisation's webhook.

use std::io::Write;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::ingest::webhook;
use super::support::{run, start, stderr, stdout};

const RULE: &str = r#"title: FortiGate administrator login failed
id: 3c1f0b7e-4d9a-4f43-9a51-0f6f7d2f1a11
status: test
logsource:
    product: fortigate
    service: event
detection:
    selection:
        action: login
        status: failed
    condition: selection
level: high
"#;

fn line(i: usize) -> String {
    format!(
        r#"<185>date=2025-07-25 time=10:46:{:02} devname=FG-HQ devid=FGT60D logid=0100032002 type=event subtype=system level=alert user="admin" srcip=203.0.113.9 action=login status=failed msg="Administrator admin login failed""#,
        i % 60
    )
}

#[test]
fn syslog_sent_to_serve_becomes_one_alert_and_a_webhook_post() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(run(&data, &["org", "add", "みなと会"]).status.success());
    let register = dir.path().join("register.csv");
    std::fs::write(&register, "施設,名称,種別\nみなと総合病院,UTM,UTM/ファイアウォール\n").unwrap();
    let out = run(&data, &["inventory", "import", register.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (url, posted) = webhook();
    assert!(run(&data, &["org", "webhook", &url]).status.success());
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    std::fs::write(rules.join("fortigate_login_failed.yml"), RULE).unwrap();

    let server = start(
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--data-dir",
            data.to_str().unwrap(),
            "--syslog",
            "127.0.0.1:0",
            "--detect-rules",
            rules.to_str().unwrap(),
            "--detect-facility",
            "みなと総合病院",
        ],
        2,
    );
    let syslog = server
        .lines
        .iter()
        .find_map(|l| l.strip_prefix("syslog on udp and tcp "))
        .unwrap_or_else(|| panic!("no syslog address in {:?}", server.lines))
        .to_string();

    // A burst over UDP and a line over TCP: four detections of one rule on one device.
    let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    for i in 0..3 {
        udp.send_to(line(i).as_bytes(), &syslog).unwrap();
    }
    let mut tcp = std::net::TcpStream::connect(&syslog).unwrap();
    tcp.write_all(format!("{}\n", line(3)).as_bytes()).unwrap();
    drop(tcp);

    let deadline = Instant::now() + Duration::from_secs(20);
    let alerts = loop {
        let out = run(&data, &["alerts", "--format", "json"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let alerts: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out)));
        let total: u64 = alerts.as_array().unwrap().iter().map(|a| a["count"].as_u64().unwrap_or(0)).sum();
        if total >= 4 || Instant::now() > deadline {
            break alerts;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let alerts = alerts.as_array().unwrap();
    assert_eq!(alerts.len(), 1, "one alert for the burst: {alerts:?}");
    assert_eq!(alerts[0]["count"], 4);
    assert_eq!(alerts[0]["rule_title"], "FortiGate administrator login failed");
    assert_eq!(alerts[0]["level"], "high");
    assert_eq!(alerts[0]["computer"], "FG-HQ");

    let deadline = Instant::now() + Duration::from_secs(10);
    while posted.lock().unwrap().is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let posted = posted.lock().unwrap();
    assert_eq!(posted.len(), 1, "one message for one new alert: {posted:?}");
    assert!(posted[0]["text"].as_str().unwrap().contains("FortiGate administrator login failed"), "{posted:?}");
}

#[test]
fn live_detection_without_rules_is_refused_with_the_flag_to_add() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["serve", "--listen", "127.0.0.1:0", "--syslog", "127.0.0.1:0"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--detect-rules"), "{}", stderr(&out));
}

#[test]
fn indicators_noted_on_a_case_are_searched_for_in_live_logs() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(run(&data, &["org", "add", "みなと会"]).status.success());
    let register = dir.path().join("register.csv");
    std::fs::write(&register, "施設,名称,種別\nみなと総合病院,UTM,UTM/ファイアウォール\n").unwrap();
    assert!(run(&data, &["inventory", "import", register.to_str().unwrap()]).status.success());
    let open = run(
        &data,
        &["cases", "open", "--facility", "みなと総合病院", "--title", "不正ログイン", "--aware", "2026-11-20 10:00"],
    );
    assert!(open.status.success(), "{}", stderr(&open));
    let id = stdout(&open).trim().to_string();
    let ioc = run(&data, &["cases", "ioc", &id, "203.0.113.9", "--note", "VPNログ"]);
    assert!(ioc.status.success(), "{}", stderr(&ioc));
    // No rule matches these lines; only the case's indicator can raise the alert.
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    std::fs::write(rules.join("never.yml"), RULE.replace("status: failed", "status: never-seen")).unwrap();

    let server = start(
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--data-dir",
            data.to_str().unwrap(),
            "--syslog",
            "127.0.0.1:0",
            "--detect-rules",
            rules.to_str().unwrap(),
            "--detect-facility",
            "みなと総合病院",
        ],
        3,
    );
    assert!(server.lines.iter().any(|l| l == "1 indicators from incident cases"), "{:?}", server.lines);
    let syslog = server.lines.iter().find_map(|l| l.strip_prefix("syslog on udp and tcp ")).unwrap().to_string();
    let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    udp.send_to(line(0).as_bytes(), &syslog).unwrap();

    let deadline = Instant::now() + Duration::from_secs(20);
    let alerts = loop {
        let out = run(&data, &["alerts", "--format", "json"]);
        let alerts: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        if alerts.as_array().is_some_and(|a| !a.is_empty()) || Instant::now() > deadline {
            break alerts;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(alerts[0]["rule_title"], "IOC match: incident cases", "{alerts}");
}
