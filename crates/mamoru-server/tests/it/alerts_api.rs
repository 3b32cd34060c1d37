//! Detection alerts through the REST API: the JSON keys scripts rely on, the filters, triage
//! with a suppression rule, and the same permission and tenancy rules as the UI.

use mamoru_app::Principal;
use mamoru_domain::{OrgId, Role};
use serde_json::{Value, json};

use super::alerts::{alert, demo};
use super::support::{Client, Server, server};

async fn token(s: &Server, org: OrgId, email: &str, role: Option<Role>) -> String {
    let id = match role {
        Some(role) => s.user(org, email, role).await,
        None => s.app.store().user_by_email(email).await.unwrap().unwrap().id,
    };
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

fn fields(err: &Value) -> Vec<&str> {
    err["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect()
}

fn computers(list: &Value) -> Vec<&str> {
    list.as_array().unwrap().iter().map(|a| a["computer"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn alerts_keep_their_json_keys_and_filter() {
    let s = server().await;
    let org = demo(&s).await;
    let t = token(&s, org, "auditor@example.jp", None).await;
    let c = s.client();
    let (status, list) = get(&c, &t, "/api/v1/alerts").await;
    assert_eq!(status, 200);
    assert_eq!(list.as_array().unwrap().len(), 5, "open alerts by default: {list}");
    let a = list.as_array().unwrap().iter().find(|a| a["computer"] == "MINATO-FGT60E").unwrap().clone();
    for key in [
        "id",
        "facility",
        "facility_id",
        "rule_id",
        "rule_title",
        "rule_file",
        "level",
        "computer",
        "channel",
        "event_id",
        "first_seen",
        "last_seen",
        "count",
        "status",
        "status_reason",
        "details",
        "tags",
    ] {
        assert!(a.get(key).is_some(), "an alert has no {key:?}: {a}");
    }
    assert_eq!(
        (&a["facility"], &a["rule_title"], &a["level"], &a["count"], &a["status"], &a["details"]["status"]),
        (
            &json!("みなと総合病院"),
            &json!("FortiGate Administrator Login Failed"),
            &json!("high"),
            &json!(12),
            &json!("escalated"),
            &json!("failed")
        )
    );
    assert!(a["status_reason"].as_str().unwrap().contains("関西ネットワークサービス"));
    assert!(a["last_seen"].as_str().unwrap().ends_with('Z'), "times are RFC 3339 UTC: {a}");
    let id = a["id"].as_i64().unwrap();
    let (status, one) = get(&c, &t, &format!("/api/v1/alerts/{id}")).await;
    assert_eq!((status, &one["rule_id"], &one["tags"]), (200, &a["rule_id"], &a["tags"]));

    let clinic = s.app.facilities(&Principal::cli(org)).await.unwrap();
    let clinic = clinic.iter().find(|f| f.draft.name == "みなと内科クリニック").unwrap().id;
    for (query, expected) in [
        ("?status=all", 6),
        ("?status=false_positive", 1),
        ("?status=new,escalated", 4),
        ("?level=medium", 2),
        ("?level=high,critical&status=all", 4),
        ("?min_level=high", 3),
        (&format!("?facility={clinic}") as &str, 1),
        (&format!("?facility_id={clinic}&status=new") as &str, 0),
        ("?q=emr-sv01", 3),
        ("?status=all&limit=2&offset=5", 1),
    ] {
        let (status, l) = get(&c, &t, &format!("/api/v1/alerts{query}")).await;
        assert_eq!((status, l.as_array().map(Vec::len)), (200, Some(expected)), "/api/v1/alerts{query}: {l}");
    }
    let (_, page) = get(&c, &t, "/api/v1/alerts?status=all&limit=1").await;
    assert_eq!(computers(&page).len(), 1);
    for (query, field) in [("?status=maybe", "status"), ("?level=loud", "level"), ("?min_level=x", "min_level")] {
        let (status, err) = get(&c, &t, &format!("/api/v1/alerts{query}")).await;
        assert_eq!((status, fields(&err)), (422, vec![field]), "{query}");
    }
    assert_eq!(get(&c, &t, "/api/v1/alerts/999999").await.0, 404);
    assert_eq!(c.http.get(c.url("/api/v1/alerts")).send().await.unwrap().status(), 401);
}

#[tokio::test]
async fn triage_and_suppression_through_the_api() {
    let s = server().await;
    let org = demo(&s).await;
    let manager = token(&s, org, "manager@example.jp", None).await;
    let staff = token(&s, org, "staff@example.jp", None).await;
    let auditor = token(&s, org, "auditor@example.jp", None).await;
    let cleared = alert(&s, org, "Windows Security Log Cleared", "EMR-SV01").await;
    let c = s.client();
    let path = format!("/api/v1/alerts/{}/triage", cleared.id);
    let post = reqwest::Method::POST;

    let (status, a) =
        send(&c, &staff, post.clone(), &path, json!({ "status": "acknowledged", "note": "確認中" })).await;
    assert_eq!((status, &a["status"], &a["status_reason"]), (200, &json!("acknowledged"), &json!("確認中")));
    assert_eq!(a["decided_by"], "staff@example.jp");
    assert_eq!(send(&c, &auditor, post.clone(), &path, json!({ "status": "escalated" })).await.0, 403);

    // A false positive needs its reason and its scope, each named when missing.
    let fp = |suppress: Value, note: &str| json!({ "status": "false_positive", "note": note, "suppress": suppress });
    for (body, expected) in [
        (json!({ "status": "false_positive", "note": "x" }), vec!["suppress"]),
        (fp(json!({ "scope": "computer" }), " "), vec!["note"]),
        (fp(json!({ "scope": "field", "field": "Provider_Name" }), "x"), vec!["suppress.value"]),
        (fp(json!({ "scope": "everything" }), "x"), vec!["suppress.scope"]),
        (json!({ "status": "escalated", "suppress": { "scope": "rule" } }), vec!["suppress"]),
        (json!({ "status": "shelved" }), vec!["status"]),
    ] {
        let (status, err) = send(&c, &manager, post.clone(), &path, body.clone()).await;
        assert_eq!((status, fields(&err)), (422, expected), "{body}: {err}");
    }
    let (status, err) = send(&c, &manager, post.clone(), &path, json!({ "status": "new", "colour": "red" })).await;
    assert_eq!(status, 422, "unknown keys are refused: {err}");
    let body = fp(json!({ "scope": "computer" }), "電子カルテの保守作業でログを消去");
    assert_eq!(send(&c, &staff, post.clone(), &path, body.clone()).await.0, 403, "a manager's call");
    let (status, a) = send(&c, &manager, post.clone(), &path, body).await;
    assert_eq!((status, &a["status"]), (200, &json!("false_positive")), "{a}");
    let sid = a["suppression_id"].as_i64().expect("a suppression rule");
    let (status, err) = send(&c, &manager, post.clone(), &path, json!({ "status": "acknowledged" })).await;
    assert_eq!((status, fields(&err)), (422, vec!["status"]), "a false positive can only be re-opened");

    let (_, open) = get(&c, &manager, "/api/v1/alerts").await;
    assert!(!open.as_array().unwrap().iter().any(|x| x["id"] == cleared.id.get()), "no longer open");
    let (status, rules) = get(&c, &staff, "/api/v1/suppressions").await;
    assert_eq!(status, 200);
    let rule = rules.as_array().unwrap().iter().find(|r| r["id"] == sid).unwrap();
    assert_eq!(
        (&rule["computer"], &rule["rule_id"], &rule["reason"], &rule["hits"], &rule["field"]),
        (
            &json!(cleared.computer),
            &json!(cleared.rule_id),
            &json!("電子カルテの保守作業でログを消去"),
            &json!(0),
            &Value::Null
        )
    );
    assert!(rule["facility_id"].as_i64().is_some() && rule["created_by"] == "manager@example.jp");

    // Another alert, silenced only where a field has a value.
    let added = alert(&s, org, "Account Added to the Local Administrators Group", "EMR-SV01").await;
    let (field, value) = added.details[0].clone();
    let body = fp(json!({ "scope": "field", "field": field, "value": value }), "保守用アカウントの定期追加");
    let (status, a) = send(&c, &manager, post.clone(), &format!("/api/v1/alerts/{}/triage", added.id), body).await;
    assert_eq!(status, 200, "{a}");
    let (_, rules) = get(&c, &manager, "/api/v1/suppressions").await;
    let rule = rules.as_array().unwrap().iter().find(|r| r["id"] == a["suppression_id"]).unwrap();
    assert_eq!((&rule["field"], &rule["value"], &rule["computer"]), (&json!(field), &json!(value), &Value::Null));

    let delete = reqwest::Method::DELETE;
    let one = format!("/api/v1/suppressions/{sid}");
    assert_eq!(send(&c, &staff, delete.clone(), &one, Value::Null).await.0, 403);
    assert_eq!(send(&c, &auditor, delete.clone(), &one, Value::Null).await.0, 403);
    assert_eq!(send(&c, &manager, delete.clone(), &one, Value::Null).await.0, 204);
    assert_eq!(send(&c, &manager, delete, &one, Value::Null).await.0, 404);
    let (status, a) = send(&c, &manager, post.clone(), &path, json!({ "status": "new", "note": "再確認" })).await;
    assert_eq!((status, &a["status"]), (200, &json!("new")));

    // A browser session needs the CSRF header to write.
    let b = s.login("manager@example.jp").await;
    let body = json!({ "status": "escalated", "note": "責任者へ" });
    assert_eq!(b.http.post(b.url(&path)).json(&body).send().await.unwrap().status(), 403);
    let csrf = b.csrf("/").await;
    let res = b.http.post(b.url(&path)).header("x-csrf-token", csrf).json(&body).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn another_organisation_cannot_see_or_triage_an_alert() {
    let s = server().await;
    let org = demo(&s).await;
    let id = alert(&s, org, "FortiGate Administrator Login Failed", "MINATO-FGT60E").await.id;
    let sid = s.app.suppressions(&Principal::cli(org)).await.unwrap()[0].id;
    let b = s.org("さくら医療法人", "さくら病院").await;
    let t = token(&s, b, "b@example.jp", Some(Role::Admin)).await;
    let c = s.client();
    assert_eq!(get(&c, &t, &format!("/api/v1/alerts/{id}")).await.0, 404);
    let body = json!({ "status": "false_positive", "note": "x", "suppress": { "scope": "rule" } });
    assert_eq!(send(&c, &t, reqwest::Method::POST, &format!("/api/v1/alerts/{id}/triage"), body).await.0, 404);
    let (status, _) = send(&c, &t, reqwest::Method::DELETE, &format!("/api/v1/suppressions/{sid}"), Value::Null).await;
    assert_eq!(status, 404);
    assert_eq!(get(&c, &t, "/api/v1/alerts?status=all").await.1, json!([]));
    assert_eq!(get(&c, &t, "/api/v1/suppressions").await.1, json!([]));
    let alert = s.app.alert(&Principal::cli(org), id).await.unwrap();
    assert_eq!(alert.status, mamoru_domain::AlertStatus::Escalated, "unchanged");
}
