//! Users of one organisation never see another's data.

use mamoru_domain::Role;

use super::support::server;

#[tokio::test]
async fn another_organisations_records_are_not_found() {
    let s = server().await;
    let a = s.org("A医療法人", "A病院").await;
    let b = s.org("B医療法人", "B病院").await;
    s.user(a, "a@example.jp", Role::Admin).await;
    let b_admin = s.user(b, "b@example.jp", Role::Admin).await;
    let pa = mamoru_app::Principal::cli(a);
    s.app.import_register(&pa, "r.csv", "施設,名称,種別\nA病院,A-VPN,VPN装置\n".as_bytes(), None).await.unwrap();
    let asset = s.app.list_assets(&pa, Default::default()).await.unwrap().0[0].asset.id;
    let facility = s.app.facilities(&pa).await.unwrap()[0].id;

    let c = s.login("b@example.jp").await;
    for path in [
        format!("/assets/{asset}"),
        format!("/assets/{asset}/edit"),
        format!("/facilities/{facility}"),
        format!("/contacts?facility={facility}"),
    ] {
        assert_eq!(c.get(&path).await.status(), 404, "{path}");
    }
    let res = c.post_form("/assets/new", &format!("/assets/{asset}/delete"), &[]).await;
    assert_eq!(res.status(), 404);
    let (_, list) = c.text("/assets").await;
    assert!(!list.contains("A-VPN"));
    let (_, audit) = c.text("/audit").await;
    assert!(!audit.contains("A-VPN") && !audit.contains("A病院"), "{audit}");

    let token = s
        .app
        .create_api_token(&mamoru_app::Principal { user_id: Some(b_admin), ..mamoru_app::Principal::cli(b) }, "t", None)
        .await
        .unwrap();
    let api = |path: String| {
        let c = &c;
        let token = token.token.clone();
        async move { c.http.get(c.url(&path)).bearer_auth(token).send().await.unwrap() }
    };
    assert_eq!(api(format!("/api/v1/assets/{asset}")).await.status(), 404);
    assert_eq!(api(format!("/api/v1/facilities/{facility}")).await.status(), 404);
    let page: serde_json::Value = api("/api/v1/assets".into()).await.json().await.unwrap();
    assert_eq!(page["total"], 0);
    // Writing into A's facility from B is refused too.
    let body = serde_json::json!({ "facility_id": facility.get(), "name": "x", "category": "pc" });
    let res = c.http.post(c.url("/api/v1/assets")).bearer_auth(&token.token).json(&body).send().await.unwrap();
    assert!(matches!(res.status().as_u16(), 403 | 404), "{}", res.status());
    assert_eq!(s.app.list_assets(&pa, Default::default()).await.unwrap().1, 1);
}
