use mamoru_domain::Role;

use super::support::{PASSWORD, hidden, server};

#[tokio::test]
async fn an_admin_adds_a_user_who_then_logs_in() {
    let s = server().await;
    let org = s.org("A", "みなと総合病院").await;
    s.user(org, "admin@example.jp", Role::Admin).await;
    let c = s.login("admin@example.jp").await;
    let res = c
        .post_form(
            "/users/new",
            "/users",
            &[
                ("email", "Nurse@Example.jp"),
                ("display_name", "看護師長"),
                ("password", "short"),
                ("role_org", "staff"),
            ],
        )
        .await;
    let t = res.text().await.unwrap();
    assert!(t.contains("パスワードが弱すぎます"), "{t}");
    let res = c
        .post_form(
            "/users/new",
            "/users",
            &[
                ("email", "Nurse@Example.jp"),
                ("display_name", "看護師長"),
                ("password", PASSWORD),
                ("role_org", "staff"),
            ],
        )
        .await;
    assert_eq!(res.url().path(), "/users");
    let html = res.text().await.unwrap();
    assert!(html.contains("nurse@example.jp") && html.contains("担当者"), "{html}");
    s.login("nurse@example.jp").await;
}

#[tokio::test]
async fn the_last_administrator_cannot_be_removed() {
    let s = server().await;
    let org = s.org("A", "みなと総合病院").await;
    let id = s.user(org, "admin@example.jp", Role::Admin).await;
    let c = s.login("admin@example.jp").await;
    let page = format!("/users/{id}");
    let res = c.post_form(&page, &page, &[("display_name", "admin"), ("role_org", "staff"), ("disabled", "no")]).await;
    assert!(res.text().await.unwrap().contains("有効な管理者が少なくとも1人必要"));
    let res = c.post_form(&page, &page, &[("display_name", "admin"), ("role_org", "admin"), ("disabled", "yes")]).await;
    assert!(res.status().is_success());
    assert!(res.text().await.unwrap().contains("入力内容を確認"), "nobody disables themselves");
}

#[tokio::test]
async fn totp_enrolment_from_the_account_page_and_the_organisation_policy() {
    let s = server().await;
    let org = s.org("A", "みなと総合病院").await;
    s.user(org, "admin@example.jp", Role::Admin).await;
    s.user(org, "staff@example.jp", Role::Staff).await;
    let admin = s.login("admin@example.jp").await;
    let res = admin.post_form("/users", "/settings/require-totp", &[("require", "yes")]).await;
    // The administrator is held to the new rule at once, like everyone else.
    assert_eq!(res.url().path(), "/account/totp");
    assert!(res.text().await.unwrap().contains("この組織では二要素認証が必須です"));
    assert!(s.app.store().orgs().await.unwrap()[0].require_totp);

    // A user without TOTP is sent to set it up before anything else.
    let staff = s.login_to_enrolment("staff@example.jp").await;
    let (_, html) = staff.text("/assets").await;
    assert!(html.contains("この組織では二要素認証が必須です"), "{html}");
    let res = staff.post_form("/account/totp", "/account/totp/begin", &[]).await;
    let html = res.text().await.unwrap();
    assert!(html.contains("<svg") && html.contains("totp-secret"), "a QR code and the key are shown");
    let secret = html.split("id=\"totp-secret\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
    let csrf = hidden(&html, "_csrf").unwrap();
    let res = staff
        .http
        .post(staff.url("/account/totp/confirm"))
        .form(&[("_csrf", csrf.as_str()), ("code", "123456")])
        .send()
        .await
        .unwrap();
    assert!(res.text().await.unwrap().contains("確認コードが違う"));
    let code = mamoru_app::auth::totp::code_at(&secret, jiff::Timestamp::now().as_second() as u64).unwrap();
    let res = staff
        .http
        .post(staff.url("/account/totp/confirm"))
        .form(&[("_csrf", csrf.as_str()), ("code", code.as_str())])
        .send()
        .await
        .unwrap();
    assert!(res.text().await.unwrap().contains("二要素認証を有効にしました"));
    assert_eq!(staff.get("/assets").await.url().path(), "/assets");
}

#[tokio::test]
async fn api_tokens_are_shown_once_and_can_be_revoked() {
    let s = server().await;
    let org = s.org("A", "みなと総合病院").await;
    s.user(org, "admin@example.jp", Role::Admin).await;
    let c = s.login("admin@example.jp").await;
    let res = c.post_form("/account", "/account/tokens", &[("name", "監視スクリプト"), ("days", "30")]).await;
    let html = res.text().await.unwrap();
    let token = html.split("id=\"new-token\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
    assert!(token.starts_with("mmr_"));
    let api = s.client();
    let me = api.http.get(api.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(me.status(), 200);
    let (_, page) = c.text("/account").await;
    assert!(!page.contains(&token), "the token is shown only once");
    let res = c.post_form("/account", "/account/tokens/1/revoke", &[]).await;
    assert!(res.status().is_success());
    let me = api.http.get(api.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(me.status(), 401);
}

#[tokio::test]
async fn changing_the_password_ends_other_sessions() {
    let s = server().await;
    let org = s.org("A", "みなと総合病院").await;
    s.user(org, "admin@example.jp", Role::Admin).await;
    let here = s.login("admin@example.jp").await;
    let elsewhere = s.login("admin@example.jp").await;
    let new = "Another#Pass-2027";
    let res = here
        .post_form(
            "/account",
            "/account/password",
            &[("current_password", PASSWORD), ("new_password", new), ("confirm_password", new)],
        )
        .await;
    assert!(res.text().await.unwrap().contains("パスワードを変更しました"));
    assert_eq!(here.get("/assets").await.url().path(), "/assets");
    assert_eq!(elsewhere.get("/assets").await.url().path(), "/login");
    assert_eq!(s.client().login("admin@example.jp", new).await.url().path(), "/");
}
