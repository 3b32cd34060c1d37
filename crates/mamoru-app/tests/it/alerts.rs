use std::collections::HashMap;
use std::path::PathBuf;

use mamoru_app::{App, Config, Principal};
use mamoru_store::{Actor, Location, Store};

use crate::http::serve;

pub(crate) fn vuln_data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/vuln")
}

pub(crate) async fn app_with_fortigate(dir: &std::path::Path) -> (App, Principal) {
    let store = Store::open(&Location::Dir(dir.to_owned())).await.unwrap();
    let app = App::new(store, Config::default());
    let org = app.create_org("みなと会").await.unwrap();
    let p = Principal::cli(org);
    let csv = "施設,名称,種別,メーカー,製品,バージョン,外部公開\nみなと総合病院,本館VPN装置,VPN装置,Fortinet,FortiGate 60E,6.0.4,はい\n";
    app.import_register(&p, "r.csv", csv.as_bytes(), None).await.unwrap();
    (app, p)
}

#[tokio::test]
async fn a_newly_known_exploited_hit_is_posted_to_the_webhook_once() {
    let hook = serve(HashMap::new()).await;
    let dir = tempfile::tempdir().unwrap();
    let (app, p) = app_with_fortigate(dir.path()).await;
    app.set_webhook(&p, Some(&format!("{}/hook", hook.base))).await.unwrap();
    assert!(app.set_webhook(&p, Some("javascript:alert(1)")).await.is_err(), "only http(s) URLs");

    // The advisory alone: a finding, but not yet known exploited, so no alert.
    let nvd = vuln_data().join("nvd-api-2.0/kev-vpn/CVE-2018-13379.json");
    let mut record: serde_json::Value = serde_json::from_slice(&std::fs::read(&nvd).unwrap()).unwrap();
    for k in ["cisaExploitAdd", "cisaActionDue", "cisaRequiredAction", "cisaVulnerabilityName"] {
        record.as_object_mut().unwrap().remove(k);
    }
    let plain = dir.path().join("CVE-2018-13379.json");
    std::fs::write(&plain, serde_json::to_vec(&record).unwrap()).unwrap();
    app.import_feeds(&[plain], &Actor::system(), |_| {}).await.unwrap();
    assert_eq!(app.deliver_notifications().await.unwrap().sent, 0);

    // CISA lists it: the finding already there is now known exploited, and that is news.
    let kev = vuln_data().join("kev/known_exploited_vulnerabilities.json");
    app.import_feeds(std::slice::from_ref(&kev), &Actor::system(), |_| {}).await.unwrap();
    let d = app.deliver_notifications().await.unwrap();
    assert_eq!((d.sent, d.failed), (1, 0));
    // Importing the catalogue again says nothing new; a second FortiGate is news again.
    app.import_feeds(&[kev], &Actor::system(), |_| {}).await.unwrap();
    assert_eq!(app.deliver_notifications().await.unwrap().sent, 0);
    let csv = "施設,名称,種別,メーカー,製品,バージョン,外部公開\nみなと総合病院,分院VPN装置,VPN装置,Fortinet,FortiGate 60E,6.0.4,はい\n";
    app.import_register(&p, "r2.csv", csv.as_bytes(), None).await.unwrap();
    assert_eq!(app.deliver_notifications().await.unwrap().sent, 1);

    let posts: Vec<_> = hook.seen.lock().unwrap().iter().filter(|s| s.method == "POST").cloned().collect();
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[0].target, "/hook");
    let body: serde_json::Value = serde_json::from_slice(&posts[0].body).unwrap();
    assert_eq!(body["kind"], "vuln.kev");
    assert!(body["text"].as_str().unwrap().contains("CVE-2018-13379"), "{body}");
    assert_eq!(body["findings"][0]["asset"], "本館VPN装置");
    assert_eq!(body["findings"][0]["priority"], 1);
    let second: serde_json::Value = serde_json::from_slice(&posts[1].body).unwrap();
    assert_eq!(second["findings"].as_array().unwrap().len(), 1, "only the new device: {second}");
    assert_eq!(second["findings"][0]["asset"], "分院VPN装置");

    // Delivered once: nothing pending afterwards.
    assert_eq!(app.deliver_notifications().await.unwrap(), Default::default());
    let sent = app.store().recent_notifications(p.org, 10).await.unwrap();
    assert!(sent[0].delivered_at.is_some() && sent[0].attempts == 1);
}

#[tokio::test]
async fn an_unreachable_webhook_is_retried_and_the_error_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (app, p) = app_with_fortigate(dir.path()).await;
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    app.set_webhook(&p, Some(&format!("http://{closed}/hook"))).await.unwrap();
    let nvd = vuln_data().join("nvd-api-2.0/kev-vpn/CVE-2018-13379.json");
    app.import_feeds(&[nvd], &Actor::system(), |_| {}).await.unwrap();
    let d = app.deliver_notifications().await.unwrap();
    assert_eq!((d.sent, d.failed), (0, 1), "the record's own KEV note raises the alert");
    let n = &app.store().recent_notifications(p.org, 10).await.unwrap()[0];
    assert!(n.delivered_at.is_none() && n.attempts == 1 && n.last_error.is_some(), "{n:?}");
    assert_eq!(app.store().pending_notifications().await.unwrap().len(), 1, "retried next round");
}

/// `mamoru serve` and `mamoru ingest` on the same data both deliver the outbox; run at the
/// same moment, they post each message once between them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_delivering_one_outbox_post_each_message_once() {
    let hook = serve(HashMap::new()).await;
    let dir = tempfile::tempdir().unwrap();
    let (first, p) = app_with_fortigate(dir.path()).await;
    first.set_webhook(&p, Some(&format!("{}/hook", hook.base))).await.unwrap();
    let second = App::new(Store::open(&Location::Dir(dir.path().to_owned())).await.unwrap(), Config::default());
    for i in 0..30 {
        let body = serde_json::json!({"kind": "test", "text": format!("message {i}")}).to_string();
        first.store().queue_notification(p.org, "test", &format!("message {i}"), &body).await.unwrap();
    }
    let (a, b) = tokio::join!(first.deliver_notifications(), second.deliver_notifications());
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.sent + b.sent, 30, "{a:?} {b:?}");

    let mut texts: Vec<String> = hook
        .seen
        .lock()
        .unwrap()
        .iter()
        .map(|s| serde_json::from_slice::<serde_json::Value>(&s.body).unwrap()["text"].as_str().unwrap().to_owned())
        .collect();
    texts.sort();
    let mut expected: Vec<String> = (0..30).map(|i| format!("message {i}")).collect();
    expected.sort();
    assert_eq!(texts, expected, "each message posted once");
    assert_eq!(first.store().pending_notifications().await.unwrap().len(), 0);
}
