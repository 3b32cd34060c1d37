//! Vulnerability findings through the REST API: the JSON keys scripts rely on, decisions,
//! the policy, the feed status, and the same permission and tenancy rules as the UI.

use mamoru_domain::{OrgId, Role};
use serde_json::{Value, json};

use super::support::{Client, Server, server};
use super::vulns::{fortigate, in_days};

async fn token(s: &Server, org: OrgId, email: &str, role: Role) -> String {
    let id = s.user(org, email, role).await;
    let p = mamoru_app::Principal { user_id: Some(id), ..mamoru_app::Principal::cli(org) };
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

#[tokio::test]
async fn findings_keep_their_json_keys() {
    let s = server().await;
    let (org, id) = fortigate(&s).await;
    let t = token(&s, org, "script@example.jp", Role::Auditor).await;
    let c = s.client();
    let (status, list) = get(&c, &t, "/api/v1/findings").await;
    assert_eq!(status, 200);
    let f = list.as_array().unwrap().iter().find(|f| f["id"] == id).expect("the FortiGate's finding").clone();
    for key in [
        "id",
        "asset",
        "asset_id",
        "facility",
        "facility_id",
        "cve",
        "kev",
        "ransomware",
        "epss",
        "cvss",
        "priority",
        "priority_reason",
        "due",
        "why",
        "confidence",
        "source",
        "advisory",
        "version",
        "status",
        "first_seen",
    ] {
        assert!(f.get(key).is_some(), "a finding has no {key:?}: {f}");
    }
    assert_eq!(
        (&f["asset"], &f["facility"], &f["cve"], &f["kev"], &f["priority"], &f["status"], &f["version"]),
        (
            &json!("本館VPN装置"),
            &json!("みなと総合病院"),
            &json!("CVE-2018-13379"),
            &json!(true),
            &json!(1),
            &json!("open"),
            &json!("6.0.4")
        )
    );
    let due = f["due"].as_str().unwrap();
    assert!(due.len() == 10 && due.as_bytes()[4] == b'-' && due.as_bytes()[7] == b'-', "due is YYYY-MM-DD: {due}");
    assert!(["exact", "name", "fuzzy"].contains(&f["confidence"].as_str().unwrap()));
    assert!(f["asset_id"].as_i64().unwrap() > 0 && f["facility_id"].as_i64().unwrap() > 0);

    let (status, one) = get(&c, &t, &format!("/api/v1/findings/{id}")).await;
    assert_eq!((status, &one["cve"]), (200, &json!("CVE-2018-13379")));
    let facility = f["facility_id"].as_i64().unwrap();
    for (query, listed) in [
        (format!("?kev=true&perimeter=true&facility_id={facility}"), true),
        ("?status=open,accepted".to_owned(), true),
        ("?status=rejected".to_owned(), false),
        ("?status=all".to_owned(), true),
    ] {
        let (_, l) = get(&c, &t, &format!("/api/v1/findings{query}")).await;
        assert_eq!(l.as_array().unwrap().iter().any(|f| f["id"] == id), listed, "{query}");
    }
    let (status, err) = get(&c, &t, "/api/v1/findings?status=maybe").await;
    assert_eq!((status, fields(&err)), (422, vec!["status"]));

    let (status, feeds) = get(&c, &t, "/api/v1/vuln/status").await;
    assert_eq!(status, 200);
    assert!(feeds["kev"].as_i64().unwrap() > 1000, "the KEV catalogue is loaded: {feeds}");
    assert!(feeds["advisories"].as_array().unwrap().iter().any(|a| a["source"] == "nvd" && a["count"] == 1), "{feeds}");
}

#[tokio::test]
async fn decisions_through_the_api() {
    let s = server().await;
    let (org, id) = fortigate(&s).await;
    let manager = token(&s, org, "manager@example.jp", Role::Manager).await;
    let staff = token(&s, org, "staff@example.jp", Role::Staff).await;
    let auditor = token(&s, org, "auditor@example.jp", Role::Auditor).await;
    let c = s.client();
    let path = format!("/api/v1/findings/{id}/decision");
    let post = reqwest::Method::POST;

    let (status, err) =
        send(&c, &manager, post.clone(), &path, json!({ "status": "accepted", "reason": "保守で更新" })).await;
    assert_eq!((status, &err["error"]), (422, &json!("invalid")));
    assert_eq!(fields(&err), ["expires"]);
    assert_eq!(err["fields"][0]["message_ja"], "入力してください");
    let (status, err) = send(&c, &manager, post.clone(), &path, json!({ "status": "maybe", "colour": "red" })).await;
    assert_eq!(status, 422, "unknown keys are refused: {err}");

    for t in [&staff, &auditor] {
        let body = json!({ "status": "rejected", "reason": "別製品" });
        assert_eq!(send(&c, t, post.clone(), &path, body).await.0, 403);
    }
    let body = json!({ "status": "accepted", "reason": "保守で更新", "expires": in_days(30) });
    assert_eq!(send(&c, &manager, post.clone(), &path, body).await.0, 204);
    let (_, f) = get(&c, &manager, &format!("/api/v1/findings/{id}")).await;
    assert_eq!((&f["status"], &f["decision_expires"]), (&json!("accepted"), &json!(in_days(30))));
    assert_eq!(f["decided_by"], "manager@example.jp");
    let (_, open) = get(&c, &manager, "/api/v1/findings").await;
    assert!(!open.as_array().unwrap().iter().any(|f| f["id"] == id), "an accepted finding is not open");

    // A browser session needs the CSRF header to write.
    let b = s.login("manager@example.jp").await;
    let body = json!({ "status": "open" });
    let res = b.http.post(b.url(&path)).json(&body).send().await.unwrap();
    assert_eq!(res.status(), 403);
    let csrf = b.csrf("/").await;
    let res = b.http.post(b.url(&path)).header("x-csrf-token", csrf).json(&body).send().await.unwrap();
    assert_eq!(res.status(), 204);
}

#[tokio::test]
async fn another_organisation_cannot_see_or_decide_a_finding() {
    let s = server().await;
    let (_, id) = fortigate(&s).await;
    let b = s.org("さくら医療法人", "さくら病院").await;
    let t = token(&s, b, "b@example.jp", Role::Admin).await;
    let c = s.client();
    assert_eq!(get(&c, &t, &format!("/api/v1/findings/{id}")).await.0, 404);
    let body = json!({ "status": "rejected", "reason": "x" });
    assert_eq!(send(&c, &t, reqwest::Method::POST, &format!("/api/v1/findings/{id}/decision"), body).await.0, 404);
    let (_, list) = get(&c, &t, "/api/v1/findings?status=all").await;
    assert_eq!(list, json!([]));
}

#[tokio::test]
async fn the_policy_through_the_api() {
    let s = server().await;
    let (org, id) = fortigate(&s).await;
    let admin = token(&s, org, "admin@example.jp", Role::Admin).await;
    let manager = token(&s, org, "manager@example.jp", Role::Manager).await;
    let c = s.client();
    let put = reqwest::Method::PUT;
    let (status, p) = get(&c, &manager, "/api/v1/vuln/policy").await;
    assert_eq!((status, &p["due_days"]), (200, &json!([3, 14, 30, 90, 180])));

    let body = json!({ "due_days": [7, 14, 30, 90, 180], "epss_likely": 0.2, "cvss_severe": 9.0 });
    assert_eq!(send(&c, &manager, put.clone(), "/api/v1/vuln/policy", body.clone()).await.0, 403);
    let (status, p) = send(&c, &admin, put.clone(), "/api/v1/vuln/policy", body).await;
    assert_eq!((status, &p["due_days"][0], &p["epss_likely"]), (200, &json!(7), &json!(0.2)));
    let (_, f) = get(&c, &admin, &format!("/api/v1/findings/{id}")).await;
    assert_eq!(f["due"], json!(in_days(7)), "findings are re-ranked by the new policy");

    let bad = json!({ "due_days": [0, 14, 30, 90, 180], "epss_likely": 1.5, "cvss_severe": 9.0 });
    let (status, err) = send(&c, &admin, put.clone(), "/api/v1/vuln/policy", bad).await;
    assert_eq!((status, fields(&err)), (422, vec!["p1_days", "epss_likely"]));
    let short = json!({ "due_days": [3, 14], "epss_likely": 0.1, "cvss_severe": 9.0 });
    let (status, err) = send(&c, &admin, put, "/api/v1/vuln/policy", short).await;
    assert_eq!((status, fields(&err)), (422, vec!["due_days"]));
}
