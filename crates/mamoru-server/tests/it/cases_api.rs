//! Incident cases through the REST API: the JSON keys scripts rely on, the APPI deadlines
//! counted from the moment of awareness, validation by field name, tenancy, and the documents.

use mamoru_app::Principal;
use mamoru_domain::appi::{Category, report_deadlines};
use mamoru_domain::incident::CaseInput;
use mamoru_domain::{OrgId, Role};
use serde_json::{Value, json};

use super::support::{Client, Server, server};

async fn token(s: &Server, org: OrgId, email: &str, role: Role) -> String {
    let id = s.user(org, email, role).await;
    let p = Principal { user_id: Some(id), ..Principal::cli(org) };
    s.app.create_api_token(&p, "script", Some(30)).await.unwrap().token
}

async fn get(c: &Client, token: &str, path: &str) -> (u16, Value) {
    let res = c.http.get(c.url(path)).bearer_auth(token).send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

async fn send(c: &Client, token: &str, method: reqwest::Method, path: &str, body: Value) -> (u16, Value) {
    let res = c.http.request(method, c.url(path)).bearer_auth(token).json(&body).send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

async fn post(c: &Client, token: &str, path: &str, body: Value) -> (u16, Value) {
    send(c, token, reqwest::Method::POST, path, body).await
}

fn fields(err: &Value) -> Vec<&str> {
    err["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect()
}

async fn facility(s: &Server, org: OrgId) -> i64 {
    s.app.facilities(&Principal::cli(org)).await.unwrap()[0].id.get()
}

fn ransomware(facility: i64) -> Value {
    json!({
        "title": "電子カルテサーバのランサムウェア感染",
        "facility_id": facility,
        "severity": "critical",
        "summary": "VPN装置経由の侵入の疑い",
        "occurred_at": "2026-11-20T03:00+09:00",
        "aware_at": "2026-11-20T10:00+09:00",
    })
}

#[tokio::test]
async fn a_case_keeps_its_keys_and_counts_its_deadlines_from_awareness() {
    let s = server().await;
    let org = s.org("みなと会", "みなと総合病院").await;
    let t = token(&s, org, "manager@example.jp", Role::Manager).await;
    let f = facility(&s, org).await;
    let c = s.client();

    let (status, case) = post(&c, &t, "/api/v1/cases", ransomware(f)).await;
    assert_eq!(status, 201, "{case}");
    for key in [
        "id",
        "title",
        "facility",
        "facility_id",
        "severity",
        "status",
        "source",
        "source_id",
        "occurred_at",
        "aware_at",
        "opened_by",
        "created_at",
        "updated_at",
        "closed_at",
        "summary",
        "fields",
        "timeline",
        "tasks",
        "scope",
        "iocs",
        "evidence",
        "appi",
    ] {
        assert!(case.get(key).is_some(), "a case has no {key:?}: {case}");
    }
    assert_eq!(
        (&case["severity"], &case["status"], &case["source"], &case["aware_at"]),
        (&json!("critical"), &json!("initial_response"), &json!("manual"), &json!("2026-11-20T01:00:00Z"))
    );
    assert_eq!(case["appi"]["decision"], Value::Null, "no decision before the wizard: {}", case["appi"]);
    assert_eq!(case["appi"]["regime"], "private");
    let id = case["id"].as_i64().unwrap();

    let (status, case) = post(
        &c,
        &t,
        &format!("/api/v1/cases/{id}/appi"),
        json!({"occurrence": "may_have_occurred", "sensitive": true, "improper_purpose": true}),
    )
    .await;
    assert_eq!(status, 200, "{case}");
    let appi = &case["appi"];
    let decision = &appi["decision"];
    assert_eq!((&decision["reportable"], &decision["must_report"]), (&json!(true), &json!(true)), "{appi}");
    assert_eq!(decision["categories"], json!([1, 3]));
    assert!(decision["reasons"].as_array().unwrap().iter().all(|r| r["code"].is_string() && r["text"].is_string()));
    assert!(decision["notify_individuals"].is_boolean() && decision["reporter"].is_string(), "{decision}");

    let aware = "2026-11-20T01:00:00Z".parse().unwrap();
    let want = report_deadlines(aware, &[Category::Sensitive, Category::ImproperPurpose]);
    let d = &appi["deadlines"];
    // Day 60 from Friday 2026-11-20 is Monday 2027-01-18 (成人の日 is the 11th).
    assert_eq!(d["final_due"], "2027-01-18");
    assert_eq!(
        (&d["aware_on"], &d["preliminary_target"], &d["preliminary_limit"], &d["final_due"], &d["final_days"]),
        (
            &json!(want.aware_on.to_string()),
            &json!(want.preliminary_target.to_string()),
            &json!(want.preliminary_limit.to_string()),
            &json!(want.final_due.to_string()),
            &json!(60)
        )
    );
    let codes: Vec<&str> = d["rules"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap()).collect();
    assert_eq!(codes, want.rules.iter().map(|r| r.code).collect::<Vec<_>>());
    for r in appi["reminders"].as_array().unwrap() {
        for key in ["deadline", "due", "days_left", "state"] {
            assert!(r.get(key).is_some(), "a reminder has no {key}: {r}");
        }
    }
    assert_eq!(appi["reminders"].as_array().unwrap().len(), 3, "nothing filed yet: {appi}");

    // What people record on it.
    let (status, case) = post(
        &c,
        &t,
        &format!("/api/v1/cases/{id}/entries"),
        json!({"text": "LANケーブルを抜いた", "at": "2026-11-20T10:20", "kind": "action"}),
    )
    .await;
    assert_eq!(status, 201, "{case}");
    let last = case["timeline"].as_array().unwrap().iter().find(|e| e["text"] == "LANケーブルを抜いた").unwrap();
    assert_eq!((&last["at"], &last["kind"]), (&json!("2026-11-20T01:20:00Z"), &json!("action")));
    let (status, case) =
        post(&c, &t, &format!("/api/v1/cases/{id}/tasks"), json!({"title": "VPN装置のログ保全", "due": "2026-11-21"}))
            .await;
    assert_eq!((status, &case["tasks"][0]["due_on"]), (201, &json!("2026-11-21")), "{case}");
    let (status, case) = post(&c, &t, &format!("/api/v1/cases/{id}/iocs"), json!({"value": "203.0.113.9"})).await;
    assert_eq!((status, &case["iocs"][0]["kind"]), (201, &json!("ip")), "{case}");
    let (status, case) = send(
        &c,
        &t,
        reqwest::Method::PUT,
        &format!("/api/v1/cases/{id}/fields"),
        json!({"cause": "VPN装置の既知の脆弱性", "prevention": "VPN装置の更新と多要素認証"}),
    )
    .await;
    assert_eq!((status, &case["fields"]["cause"]), (200, &json!("VPN装置の既知の脆弱性")), "{case}");
    let (status, err) =
        send(&c, &t, reqwest::Method::PUT, &format!("/api/v1/cases/{id}/fields"), json!({"colour": "x"})).await;
    assert_eq!((status, fields(&err)), (422, vec!["field"]));

    let p = Principal::cli(org);
    let ev = s
        .app
        .add_evidence(&p, mamoru_domain::CaseId::new(id), "note.txt", "text/plain", b"YOUR FILES".to_vec(), "")
        .await
        .unwrap();
    let (_, case) = get(&c, &t, &format!("/api/v1/cases/{id}")).await;
    let e = &case["evidence"][0];
    assert_eq!((&e["sha256"], &e["size"], &e["name"]), (&json!(ev.sha256), &json!(10), &json!("note.txt")));

    let (status, case) =
        post(&c, &t, &format!("/api/v1/cases/{id}/filed"), json!({"report": "preliminary", "note": "受付番号 123"}))
            .await;
    assert_eq!(status, 200, "{case}");
    assert!(case["appi"]["preliminary_filed"].is_string() && case["appi"]["final_filed"].is_null());
    let deadlines: Vec<&str> =
        case["appi"]["reminders"].as_array().unwrap().iter().map(|r| r["deadline"].as_str().unwrap()).collect();
    assert_eq!(deadlines, ["final"]);
    let (status, err) = post(&c, &t, &format!("/api/v1/cases/{id}/filed"), json!({"report": "interim"})).await;
    assert_eq!((status, fields(&err)), (422, vec!["report"]));

    let (status, case) =
        post(&c, &t, &format!("/api/v1/cases/{id}/status"), json!({"status": "containment", "note": "隔離完了"})).await;
    assert_eq!((status, &case["status"]), (200, &json!("containment")));

    let (status, list) = get(&c, &t, "/api/v1/cases?open_only=true").await;
    assert_eq!((status, list.as_array().map(Vec::len)), (200, Some(1)), "{list}");
    assert_eq!(list[0]["id"], id);
    assert!(list[0].get("timeline").is_none(), "the list is of summaries: {list}");
    let (_, list) = get(&c, &t, &format!("/api/v1/cases?facility={}&limit=1", f + 1000)).await;
    assert_eq!(list, json!([]));
    assert_eq!(c.http.get(c.url("/api/v1/cases")).send().await.unwrap().status(), 401);
}

#[tokio::test]
async fn bad_cases_are_refused_by_field_and_other_organisations_cases_do_not_exist() {
    let s = server().await;
    let org = s.org("みなと会", "みなと総合病院").await;
    let t = token(&s, org, "manager@example.jp", Role::Manager).await;
    let f = facility(&s, org).await;
    let c = s.client();

    let mut body = ransomware(f);
    body["occurred_at"] = json!("2026-11-21T10:00+09:00");
    let (status, err) = post(&c, &t, "/api/v1/cases", body).await;
    assert_eq!((status, fields(&err)), (422, vec!["aware_at"]), "{err}");
    let mut body = ransomware(f);
    body["facility_id"] = Value::Null;
    body["severity"] = json!("apocalyptic");
    let (status, err) = post(&c, &t, "/api/v1/cases", body).await;
    assert_eq!((status, fields(&err)), (422, vec!["facility_id", "severity"]), "{err}");
    let mut body = ransomware(f);
    body["alert_id"] = json!(999_999);
    assert_eq!(post(&c, &t, "/api/v1/cases", body).await.0, 404);
    let mut body = ransomware(f);
    body["colour"] = json!("red");
    assert_eq!(post(&c, &t, "/api/v1/cases", body).await.0, 422, "unknown keys are refused");

    // Another organisation's case.
    let other = s.org("さくら会", "さくら病院").await;
    let theirs = CaseInput {
        title: "他法人の事案".into(),
        facility: Some(mamoru_domain::FacilityId::new(facility(&s, other).await)),
        severity: "high".into(),
        aware_at: "2026-11-20 10:00".into(),
        ..Default::default()
    };
    let p = Principal::cli(other);
    let theirs = s.app.open_case(&p, &theirs, mamoru_domain::incident::CaseSource::Manual).await.unwrap().get();
    assert_eq!(get(&c, &t, &format!("/api/v1/cases/{theirs}")).await.0, 404);
    assert_eq!(post(&c, &t, &format!("/api/v1/cases/{theirs}/entries"), json!({"text": "x"})).await.0, 404);
    assert_eq!(get(&c, &t, &format!("/api/v1/cases/{theirs}/documents/ppc_report")).await.0, 404);
    let (_, list) = get(&c, &t, "/api/v1/cases").await;
    assert_eq!(list, json!([]));
    // Their facility is not ours to open a case on.
    let mut body = ransomware(facility(&s, other).await);
    body["title"] = json!("越境");
    assert!(matches!(post(&c, &t, "/api/v1/cases", body).await.0, 404 | 422));

    // Staff may record but not decide the breach report.
    let staff = token(&s, org, "staff@example.jp", Role::Staff).await;
    let (_, case) = post(&c, &t, "/api/v1/cases", ransomware(f)).await;
    let id = case["id"].as_i64().unwrap();
    assert_eq!(post(&c, &staff, &format!("/api/v1/cases/{id}/entries"), json!({"text": "電話した"})).await.0, 201);
    let (status, _) = post(&c, &staff, &format!("/api/v1/cases/{id}/appi"), json!({"occurrence": "occurred"})).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn documents_come_as_json_text_and_pdf() {
    let s = server().await;
    let org = s.org("みなと会", "みなと総合病院").await;
    let t = token(&s, org, "manager@example.jp", Role::Manager).await;
    let f = facility(&s, org).await;
    let c = s.client();
    let (_, case) = post(&c, &t, "/api/v1/cases", ransomware(f)).await;
    let id = case["id"].as_i64().unwrap();
    post(&c, &t, &format!("/api/v1/cases/{id}/appi"), json!({"occurrence": "occurred", "sensitive": true})).await;
    send(&c, &t, reqwest::Method::PUT, &format!("/api/v1/cases/{id}/fields"), json!({"cause": "VPN装置の脆弱性"}))
        .await;

    let base = format!("/api/v1/cases/{id}/documents/ppc_report");
    let (status, doc) = get(&c, &t, &base).await;
    assert_eq!(status, 200, "{doc}");
    for key in ["kind", "title", "date", "marks", "sections", "missing"] {
        assert!(doc.get(key).is_some(), "a document has no {key:?}: {doc}");
    }
    assert_eq!(doc["kind"], "ppc_report");
    let all: Vec<&Value> =
        doc["sections"].as_array().unwrap().iter().flat_map(|s| s["fields"].as_array().unwrap()).collect();
    let cause = all.iter().find(|f| f["key"] == "cause").expect("the PPC report has a cause");
    assert_eq!((&cause["value"], &cause["editable"]), (&json!("VPN装置の脆弱性"), &json!(true)));

    let res = c.http.get(c.url(&format!("{base}?format=text&stage=final"))).bearer_auth(&t).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()[reqwest::header::CONTENT_TYPE].to_str().unwrap().starts_with("text/plain"));
    let text = res.text().await.unwrap();
    for label in
        ["概要", "原因", "二次被害又はそのおそれの有無及びその内容", "再発防止のための措置", "その他参考となる事項"]
    {
        assert!(text.contains(label), "the text has no {label}:\n{text}");
    }

    let res = c.http.get(c.url(&format!("{base}?format=pdf"))).bearer_auth(&t).send().await.unwrap();
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    assert_eq!(res.headers()[reqwest::header::CONTENT_TYPE], "application/pdf");
    let pdf = res.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");

    for code in ["mhlw_report", "patient_notice", "public_notice", "case_summary"] {
        let (status, doc) = get(&c, &t, &format!("/api/v1/cases/{id}/documents/{code}")).await;
        assert_eq!((status, &doc["kind"]), (200, &json!(code)), "{doc}");
    }
    assert_eq!(get(&c, &t, &format!("/api/v1/cases/{id}/documents/nope")).await.0, 404);
    let (status, err) = get(&c, &t, &format!("{base}?format=docx")).await;
    assert_eq!((status, fields(&err)), (422, vec!["format"]));
    let (status, err) = get(&c, &t, &format!("{base}?stage=interim")).await;
    assert_eq!((status, fields(&err)), (422, vec!["stage"]));

    // Only a closed case is shared, anonymized.
    let anonymized = format!("/api/v1/cases/{id}/anonymized");
    let (status, err) = get(&c, &t, &anonymized).await;
    assert_eq!((status, fields(&err)), (422, vec!["status"]));
    post(&c, &t, &format!("/api/v1/cases/{id}/iocs"), json!({"value": "evil.example.net"})).await;
    let (status, _) = post(&c, &t, &format!("/api/v1/cases/{id}/status"), json!({"status": "closed"})).await;
    assert_eq!(status, 200);
    let (status, shared) = get(&c, &t, &anonymized).await;
    assert_eq!(status, 200, "{shared}");
    assert_eq!((&shared["severity"], &shared["iocs"][0]["value"]), (&json!("critical"), &json!("evil.example.net")));
    let text = shared.to_string();
    assert!(!text.contains("みなと"), "the facility is not named: {text}");
}
