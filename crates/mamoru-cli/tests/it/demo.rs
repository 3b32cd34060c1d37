use super::support::start;

fn value(lines: &[String], key: &str) -> String {
    lines
        .iter()
        .find_map(|l| l.trim().strip_prefix(key))
        .map(|v| v.trim().to_owned())
        .unwrap_or_else(|| panic!("no {key} in {lines:?}"))
}

#[tokio::test]
async fn the_demo_serves_a_japanese_hospital_on_any_port_and_directory() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("デモ data");
    let data_arg = data.to_str().unwrap();
    let server = start(&["demo", "--listen", "127.0.0.1:0", "--data-dir", data_arg], 7);
    assert!(server.lines.iter().any(|l| l.contains("(created)")), "{:?}", server.lines);
    let email = value(&server.lines, "Login:");
    let password = value(&server.lines, "Password:");

    mamoru_app::notify::install_tls();
    let http = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let health = http.get(format!("{}/healthz", server.base)).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let login = http.get(format!("{}/login", server.base)).send().await.unwrap().text().await.unwrap();
    assert!(login.contains("<html lang=\"ja\">") && login.contains("ログイン"));
    let csrf = login.split("name=\"_csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let res = http
        .post(format!("{}/login", server.base))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("email", email.as_str()),
            ("password", password.as_str()),
            ("next", "/assets"),
        ])
        .send()
        .await
        .unwrap();
    let page = res.text().await.unwrap();
    assert!(
        page.contains("本館VPN装置") && page.contains("みなと総合病院") && page.contains("6.0.4"),
        "the demo register is shown"
    );
    drop(server);
    assert!(data.join("mamoru.db").exists());

    // A second start reuses the data and issues a new password.
    let again = start(&["demo", "--listen", "127.0.0.1:0", "--data-dir", data_arg], 7);
    assert!(again.lines.iter().any(|l| l.contains("(reused)")), "{:?}", again.lines);
    assert_ne!(value(&again.lines, "Password:"), password);
}
