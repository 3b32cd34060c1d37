use mamoru_domain::Role;

use super::support::{PASSWORD, hidden, server};

#[tokio::test]
async fn health_and_a_japanese_login_page() {
    let s = server().await;
    let c = s.client();
    let res = c.get("/healthz").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<serde_json::Value>().await.unwrap()["status"], "ok");
    let (status, html) = c.text("/").await;
    assert_eq!(status, 200, "an anonymous visit is sent to the login page");
    assert!(
        html.contains("<html lang=\"ja\">") && html.contains("ログイン") && html.contains("メールアドレス"),
        "{html}"
    );

    let res = c.get("/lang/en?next=/login").await;
    let html = res.text().await.unwrap();
    assert!(html.contains("<html lang=\"en\">") && html.contains("E-mail address"));
}

#[tokio::test]
async fn wrong_passwords_slow_the_account_down() {
    let s = server().await;
    let org = s.org("A", "A病院").await;
    s.user(org, "nurse@example.jp", Role::Staff).await;
    let c = s.client();
    for attempt in 1..=5 {
        let res = c.login("nurse@example.jp", "wrong-password").await;
        assert_eq!(res.status(), 401, "attempt {attempt}");
        let html = res.text().await.unwrap();
        assert!(html.contains("メールアドレスまたはパスワードが違います"), "{html}");
    }
    // After five failures the account waits, even for the right password.
    let res = c.login("nurse@example.jp", PASSWORD).await;
    assert_eq!(res.status(), 429);
    assert!(res.text().await.unwrap().contains("しばらくお待ちください"));
    // An unknown account gets the same answer as a wrong password.
    let res = c.login("nobody@example.jp", PASSWORD).await;
    assert_eq!(res.status(), 401);
    let log = s.app.store().audit_entries(org, &Default::default()).await.unwrap();
    assert_eq!(log.iter().filter(|e| e.action == "auth.login_failed").count(), 5);
}

#[tokio::test]
async fn totp_is_asked_after_the_password_and_a_code_works_once() {
    let s = server().await;
    let org = s.org("A", "A病院").await;
    let id = s.user(org, "admin@example.jp", Role::Admin).await;
    let setup = s.app.provision_totp(&mamoru_app::Principal::cli(org), id).await.unwrap();
    let c = s.client();
    let res = c.login("admin@example.jp", PASSWORD).await;
    assert_eq!(res.url().path(), "/login/totp");
    let html = res.text().await.unwrap();
    assert!(html.contains("確認コード"), "{html}");
    let csrf = hidden(&html, "_csrf").unwrap();
    // The dashboard stays closed until the code is given.
    let (_, page) = c.text("/").await;
    assert!(page.contains("action=\"/login\""), "a pending login must not open the dashboard");

    let post = |code: String| {
        let csrf = csrf.clone();
        let c = &c;
        async move {
            c.http
                .post(c.url("/login/totp"))
                .form(&[("_csrf", csrf.as_str()), ("code", code.as_str()), ("next", "/")])
                .send()
                .await
                .unwrap()
        }
    };
    let res = post("000000".into()).await;
    assert_eq!(res.status(), 401);
    assert!(res.text().await.unwrap().contains("確認コードが違う"));
    let now = jiff::Timestamp::now().as_second() as u64;
    let code = mamoru_app::auth::totp::code_at(&setup.secret, now).unwrap();
    let res = post(code.clone()).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.url().path(), "/");
    assert!(res.text().await.unwrap().contains("ダッシュボード"));

    // The same code cannot open a second session.
    let other = s.client();
    let res = other.login("admin@example.jp", PASSWORD).await;
    let csrf2 = hidden(&res.text().await.unwrap(), "_csrf").unwrap();
    let res = other
        .http
        .post(other.url("/login/totp"))
        .form(&[("_csrf", csrf2.as_str()), ("code", code.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401, "a TOTP code must work once");
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused() {
    let s = server().await;
    let org = s.org("A", "A病院").await;
    s.user(org, "admin@example.jp", Role::Admin).await;
    let c = s.login("admin@example.jp").await;
    let form = [("facility", "1"), ("name", "x"), ("category", "pc")];
    let res = c.http.post(c.url("/assets")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), 403);
    assert!(res.text().await.unwrap().contains("フォームの有効期限が切れたか"));
    let res = c
        .http
        .post(c.url("/assets"))
        .form(&[("_csrf", "forged"), ("facility", "1"), ("name", "x"), ("category", "pc")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // A browser marking the post as cross-site is refused before any handler runs.
    let csrf = c.csrf("/assets/new").await;
    let res = c
        .http
        .post(c.url("/assets"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("_csrf", csrf.as_str()), ("facility", "1"), ("name", "x"), ("category", "pc")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let (_, list) = c.text("/assets").await;
    assert!(list.contains("条件に合う資産はありません"), "nothing was created");
    // The login form has its own token (there is no session yet).
    let res = s
        .client()
        .http
        .post(c.url("/login"))
        .form(&[("email", "admin@example.jp"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn logout_ends_the_session() {
    let s = server().await;
    let org = s.org("A", "A病院").await;
    s.user(org, "admin@example.jp", Role::Admin).await;
    let c = s.login("admin@example.jp").await;
    let res = c.post_form("/", "/logout", &[]).await;
    assert_eq!(res.url().path(), "/login");
    let res = c.get("/assets").await;
    assert_eq!(res.url().path(), "/login", "after logout pages ask for a login");
}
