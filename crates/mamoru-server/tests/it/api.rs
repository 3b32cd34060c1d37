use mamoru_domain::Role;

use super::support::server;

async fn token_for(s: &super::support::Server, org: mamoru_domain::OrgId, email: &str, role: Role) -> String {
    let id = s.user(org, email, role).await;
    let p = mamoru_app::Principal { user_id: Some(id), ..mamoru_app::Principal::cli(org) };
    s.app.create_api_token(&p, "script", Some(30)).await.unwrap().token
}

#[tokio::test]
async fn the_openapi_document_describes_the_api() {
    let s = server().await;
    let res = s.client().get("/api/v1/openapi.json").await;
    assert_eq!(res.status(), 200);
    let doc: serde_json::Value = res.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert!(doc["paths"]["/api/v1/assets"]["get"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[tokio::test]
async fn tokens_open_the_api_and_nothing_else_does() {
    let s = server().await;
    let org = s.org("A", "みなと総合病院").await;
    let token = token_for(&s, org, "script@example.jp", Role::Manager).await;
    let c = s.client();
    assert_eq!(c.get("/api/v1/assets").await.status(), 401);
    let res = c.http.get(c.url("/api/v1/me")).bearer_auth("mmr_not-a-token").send().await.unwrap();
    assert_eq!(res.status(), 401);
    let me: serde_json::Value =
        c.http.get(c.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["email"], "script@example.jp");
    assert_eq!(me["grants"][0]["role"], "manager");
}

#[tokio::test]
async fn assets_through_the_api() {
    let s = server().await;
    let org = s.org("A", "みなと総合病院").await;
    let token = token_for(&s, org, "script@example.jp", Role::Manager).await;
    let c = s.client();
    let post = |body: serde_json::Value| {
        let c = &c;
        let token = token.clone();
        async move { c.http.post(c.url("/api/v1/assets")).bearer_auth(token).json(&body).send().await.unwrap() }
    };
    let res = post(serde_json::json!({
        "facility_id": 1, "name": "本館VPN装置", "category": "VPN装置", "vendor": "Fortinet", "version": "6.0.4",
        "ip": "203.0.113.10", "internet_facing": true, "support_end": "2026/3/31"
    }))
    .await;
    assert_eq!(res.status(), 201);
    let a: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        (a["category"].as_str(), a["internet_facing"].as_bool(), a["support_end"].as_str()),
        (Some("vpn"), Some(true), Some("2026-03-31"))
    );
    assert_eq!(a["facility"], "みなと総合病院");

    let res = post(serde_json::json!({ "facility_id": 1, "name": "", "category": "toaster", "ip": "1.2.3" })).await;
    assert_eq!(res.status(), 422);
    let err: serde_json::Value = res.json().await.unwrap();
    assert_eq!(err["error"], "invalid");
    let fields: Vec<&str> = err["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["name", "category", "ip"]);
    assert!(err["fields"][2]["message_ja"].as_str().unwrap().contains("IPアドレス"));

    let res = post(serde_json::json!({ "facility_id": 1, "name": "x", "category": "pc", "colour": "red" })).await;
    assert_eq!(res.status(), 422, "unknown keys are refused, not ignored");
    assert!(res.text().await.unwrap().contains("colour"));

    let list: serde_json::Value = c
        .http
        .get(c.url("/api/v1/assets?internet_facing=true&sort=name"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
    let id = list["items"][0]["id"].as_i64().unwrap();
    let res = c.http.delete(c.url(&format!("/api/v1/assets/{id}"))).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status(), 204);
    let log: serde_json::Value =
        c.http.get(c.url("/api/v1/audit?entity=asset")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    let actions: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["asset.delete", "asset.create"]);
    assert!(log[0]["origin"].as_str().unwrap().starts_with("api"));
}

#[tokio::test]
async fn imports_through_the_api_are_all_or_nothing() {
    let s = server().await;
    let org = s.org("A", "みなと総合病院").await;
    let token = token_for(&s, org, "script@example.jp", Role::Manager).await;
    let c = s.client();
    let send = |csv: &'static str, dry: bool| {
        let c = &c;
        let token = token.clone();
        async move {
            c.http
                .post(c.url(&format!("/api/v1/assets/import?file_name=r.csv&dry_run={dry}")))
                .bearer_auth(token)
                .body(csv)
                .send()
                .await
                .unwrap()
        }
    };
    let bad = "施設,名称,種別,サポート終了日\nみなと総合病院,PC-1,端末PC,2025-02-30\n";
    let res = send(bad, false).await;
    assert_eq!(res.status(), 422);
    let err: serde_json::Value = res.json().await.unwrap();
    assert_eq!((err["rows"][0]["line"].as_u64(), err["rows"][0]["column"].as_str()), (Some(2), Some("サポート終了日")));
    let good = "施設,名称,種別\nみなと総合病院,PC-1,端末PC\n新しいクリニック,PC-2,端末PC\n";
    let dry: serde_json::Value = send(good, true).await.json().await.unwrap();
    assert_eq!((dry["created"].as_u64(), dry["dry_run"].as_bool()), (Some(2), Some(true)));
    let done: serde_json::Value = send(good, false).await.json().await.unwrap();
    assert_eq!(done["facilities_created"][0], "新しいクリニック");
    let again: serde_json::Value = send(good, false).await.json().await.unwrap();
    assert_eq!((again["created"].as_u64(), again["unchanged"].as_u64()), (Some(0), Some(2)));
}

#[tokio::test]
async fn a_session_needs_the_csrf_header_to_write() {
    let s = server().await;
    let org = s.org("A", "みなと総合病院").await;
    s.user(org, "admin@example.jp", Role::Admin).await;
    let c = s.login("admin@example.jp").await;
    assert_eq!(c.get("/api/v1/facilities").await.status(), 200, "reads work with the session");
    let body = serde_json::json!({ "name": "新病院" });
    let res = c.http.post(c.url("/api/v1/facilities")).json(&body).send().await.unwrap();
    assert_eq!(res.status(), 403);
    let csrf = c.csrf("/").await;
    let res = c.http.post(c.url("/api/v1/facilities")).header("x-csrf-token", csrf).json(&body).send().await.unwrap();
    assert_eq!(res.status(), 201);
}
