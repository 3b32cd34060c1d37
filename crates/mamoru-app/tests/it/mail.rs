//! Alert messages delivered to a webhook (a local HTTP server) and by mail (a local SMTP
//! server), once per channel, under the hourly limit.

use std::collections::HashMap;

use base64::Engine;
use mamoru_app::detect::{KIND_ALERT, KIND_DIGEST, hunt_options};
use mamoru_app::mail::SmtpPassword;
use mamoru_domain::{AlertLevel, AlertPolicy, SmtpInput};
use mamoru_store::Owed;
use serde_json::Value;

use crate::detect::{app_with_facilities, demo_detect, demo_rules};
use crate::http::serve;
use crate::smtp::smtp_server;

fn posts(hook: &crate::http::Server) -> Vec<Value> {
    let seen = hook.seen.lock().unwrap();
    seen.iter().filter(|s| s.method == "POST").map(|s| serde_json::from_slice(&s.body).unwrap()).collect()
}

/// The text of a mail body, whichever transfer encoding lettre chose.
fn body_text(data: &str) -> String {
    let (head, body) = data.split_once("\n\n").unwrap_or((data, ""));
    if head.to_ascii_lowercase().contains("content-transfer-encoding: base64") {
        let joined: String = body.split_whitespace().collect();
        String::from_utf8(base64::engine::general_purpose::STANDARD.decode(joined).unwrap()).unwrap()
    } else {
        // Quoted-printable: soft line breaks and =XX bytes.
        let joined = body.replace("=\n", "");
        let mut bytes = Vec::new();
        let mut rest = joined.as_bytes();
        while let Some((&b, tail)) = rest.split_first() {
            match (b, tail.get(..2).and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok())) {
                (b'=', Some(byte)) => {
                    bytes.push(byte);
                    rest = &tail[2..];
                }
                _ => {
                    bytes.push(b);
                    rest = tail;
                }
            }
        }
        String::from_utf8(bytes).unwrap()
    }
}

#[tokio::test]
async fn new_alerts_reach_the_webhook_and_the_mailbox_once_each() {
    let dir = tempfile::tempdir().unwrap();
    let (app, p, hospital, _) = app_with_facilities(dir.path()).await;
    let hook = serve(HashMap::new()).await;
    app.set_webhook(&p, Some(&format!("{}/hook", hook.base))).await.unwrap();
    // The first session is refused, as a busy server does: that mail is retried alone.
    let smtp = smtp_server(1).await;
    let form = SmtpInput {
        host: "127.0.0.1".into(),
        port: smtp.port.to_string(),
        security: "none".into(),
        username: "mamoru".into(),
        // Cargo sets it for the test process, and setting a variable here would need unsafe.
        password_env: "CARGO_PKG_NAME".into(),
        from: "mamoru@minato.example.jp".into(),
        to: "yamada@minato.example.jp, tochoku@minato.example.jp".into(),
    };
    let bad = SmtpInput { port: "99999".into(), ..form.clone() };
    assert!(app.set_smtp(&p, Some(&bad), SmtpPassword::Clear).await.is_err());
    app.set_smtp(&p, Some(&form), SmtpPassword::Clear).await.unwrap();

    let logs = [demo_detect().join("logs")];
    let summary = app.ingest_paths(&p, hospital, demo_rules(), &logs, hunt_options()).await.unwrap();
    assert_eq!(summary.created.len(), 6);
    let first = app.deliver_notifications().await.unwrap();
    assert_eq!((first.sent, first.failed, first.mailed), (3, 1, 3), "{first:?}");
    let second = app.deliver_notifications().await.unwrap();
    assert_eq!((second.sent, second.failed, second.mailed), (1, 0, 1), "{second:?}");
    assert_eq!(app.deliver_notifications().await.unwrap(), Default::default());

    // The four high alerts, each posted once (the failed mail did not post again).
    let bodies = posts(&hook);
    assert_eq!(bodies.len(), 4, "{bodies:#?}");
    assert!(bodies.iter().all(|b| b["kind"] == KIND_ALERT));
    let fortigate = bodies.iter().find(|b| b["alert"]["computer"] == "MINATO-FGT60E").unwrap();
    assert_eq!(fortigate["alert"]["count"], 12);
    assert_eq!(fortigate["alert"]["level"], "high");
    assert!(fortigate["text"].as_str().unwrap().contains("みなと総合病院"), "{fortigate}");

    let mails = smtp.mails.lock().unwrap().clone();
    assert_eq!(mails.len(), 4);
    let plain = format!("\0mamoru\0{}", env!("CARGO_PKG_NAME"));
    let auth = format!("AUTH PLAIN {}", base64::engine::general_purpose::STANDARD.encode(plain));
    for m in &mails {
        assert_eq!(m.auth.as_deref(), Some(auth.as_str()), "the password from the environment");
        assert_eq!(m.from, "<mamoru@minato.example.jp>");
        assert_eq!(m.to, ["<yamada@minato.example.jp>", "<tochoku@minato.example.jp>"]);
    }
    let texts: Vec<String> = mails.iter().map(|m| body_text(&m.data)).collect();
    assert!(texts.iter().any(|t| t.contains("FortiGate Administrator Login Failed") && t.contains("件数 / Count: 12")));
}

#[tokio::test]
async fn a_burst_of_new_alerts_is_a_few_messages_and_one_digest_an_hour() {
    let dir = tempfile::tempdir().unwrap();
    let (app, p, hospital, clinic) = app_with_facilities(dir.path()).await;
    let hook = serve(HashMap::new()).await;
    app.set_webhook(&p, Some(&format!("{}/hook", hook.base))).await.unwrap();
    let policy = AlertPolicy { notify_from: AlertLevel::Medium, max_per_hour: 2, ..Default::default() };
    app.set_alert_policy(&p, policy).await.unwrap();
    assert!(app.set_alert_policy(&p, AlertPolicy { max_per_hour: 0, ..policy }).await.is_err());

    let logs = [demo_detect().join("logs")];
    app.ingest_paths(&p, hospital, demo_rules(), &logs, hunt_options()).await.unwrap();
    app.deliver_notifications().await.unwrap();
    let bodies = posts(&hook);
    let kinds: Vec<&str> = bodies.iter().map(|b| b["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, [KIND_ALERT, KIND_ALERT, KIND_DIGEST], "{bodies:#?}");
    assert_eq!(bodies[0]["alert"]["level"], "high", "most severe first");
    assert_eq!(bodies[2]["count"], 4);
    assert!(bodies[2]["text"].as_str().unwrap().contains("4 more alerts"));

    // Within the same hour, a new alert waits for the next digest.
    let clinic_log = [demo_detect().join("logs/clinic-security.jsonl")];
    let r = app.ingest_paths(&p, clinic, demo_rules(), &clinic_log, hunt_options()).await.unwrap();
    assert_eq!(r.created.len(), 1);
    app.deliver_notifications().await.unwrap();
    assert_eq!(posts(&hook).len(), 3);
    assert_eq!(app.store().alerts_owing(p.org, Owed::Held).await.unwrap().len(), 1);
}
