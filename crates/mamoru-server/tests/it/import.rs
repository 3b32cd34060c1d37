use mamoru_domain::Role;
use mamoru_server::ServerConfig;

use super::support::{hidden, server, server_with};

/// The Shift_JIS register written by the inventory crate's fixture script.
fn sjis() -> Vec<u8> {
    std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../mamoru-inventory/tests/data/minato_ja_sjis.csv")).unwrap()
}

fn upload(csrf: &str, name: &str, bytes: Vec<u8>) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new()
        .text("_csrf", csrf.to_owned())
        .text("default_facility", "")
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()))
}

#[tokio::test]
async fn a_shift_jis_register_is_previewed_then_imported() {
    let s = server().await;
    let org = s.org("A", "みなと総合病院").await;
    s.user(org, "admin@example.jp", Role::Admin).await;
    let c = s.login("admin@example.jp").await;
    let csrf = c.csrf("/assets/import").await;
    let res = c.http.post(c.url("/assets/import")).multipart(upload(&csrf, "台帳.csv", sjis())).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("Shift_JIS"), "{html}");
    assert!(html.contains("新規登録: <strong>9</strong>"), "{html}");
    assert!(html.contains("さくら内科クリニック"), "the new facility is announced");
    // Nothing is stored before the confirmation.
    assert_eq!(s.app.store().list_assets(org, &Default::default()).await.unwrap().1, 0);

    let token = hidden(&html, "token").unwrap();
    let res = c
        .http
        .post(c.url("/assets/import/confirm"))
        .form(&[("_csrf", csrf.as_str()), ("token", token.as_str()), ("default_facility", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("取り込みました"));
    let (_, list) = c.text("/assets?q=VPN").await;
    assert!(list.contains("本館VPN装置") && list.contains("VPN装置") && list.contains("Fortinet"), "{list}");
    // The token is spent.
    let res = c
        .http
        .post(c.url("/assets/import/confirm"))
        .form(&[("_csrf", csrf.as_str()), ("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);

    // Importing the same file again updates nothing and duplicates nothing.
    let res = c.http.post(c.url("/assets/import")).multipart(upload(&csrf, "台帳.csv", sjis())).send().await.unwrap();
    let html = res.text().await.unwrap();
    assert!(html.contains("新規登録: <strong>0</strong>") && html.contains("変更なし: <strong>9</strong>"), "{html}");
}

#[tokio::test]
async fn a_file_with_a_bad_row_is_refused_whole_with_line_and_column() {
    let s = server().await;
    let org = s.org("A", "みなと総合病院").await;
    s.user(org, "admin@example.jp", Role::Admin).await;
    let c = s.login("admin@example.jp").await;
    let csv = "施設,名称,種別,IPアドレス\nみなと総合病院,PC-1,端末PC,10.0.0.1\nみなと総合病院,PC-2,端末PC,10.0.0.300\n";
    let csrf = c.csrf("/assets/import").await;
    let res = c
        .http
        .post(c.url("/assets/import"))
        .multipart(upload(&csrf, "bad.csv", csv.as_bytes().to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("取り込めません"), "{html}");
    assert!(html.contains("<td class=\"num\">3</td><td>IPアドレス</td>"), "line 3, column IPアドレス: {html}");
    assert!(!html.contains("name=\"token\""), "no way to confirm a rejected file");
    assert_eq!(s.app.store().list_assets(org, &Default::default()).await.unwrap().1, 0, "nothing stored");
}

#[tokio::test]
async fn an_unreadable_file_says_why() {
    let s = server().await;
    let org = s.org("A", "みなと総合病院").await;
    s.user(org, "admin@example.jp", Role::Admin).await;
    let c = s.login("admin@example.jp").await;
    let csrf = c.csrf("/assets/import").await;
    let res = c
        .http
        .post(c.url("/assets/import"))
        .multipart(upload(&csrf, "x.csv", b"foo,bar\n1,2\n".to_vec()))
        .send()
        .await
        .unwrap();
    let html = res.text().await.unwrap();
    assert!(html.contains("ファイルを読み込めませんでした") && html.contains("名称 (name)"), "{html}");
}

#[tokio::test]
async fn an_oversized_upload_is_refused() {
    let s = server_with(ServerConfig { secure_cookies: false, max_upload: 64 * 1024 }).await;
    let org = s.org("A", "みなと総合病院").await;
    s.user(org, "admin@example.jp", Role::Admin).await;
    let c = s.login("admin@example.jp").await;
    let csrf = c.csrf("/assets/import").await;
    let big = vec![b'a'; 200 * 1024];
    let res = c.http.post(c.url("/assets/import")).multipart(upload(&csrf, "big.csv", big)).send().await.unwrap();
    assert_eq!(res.status(), 413);
    assert!(res.text().await.unwrap().contains("ファイルが大きすぎます"));
    let res = c
        .http
        .post(c.url("/api/v1/assets/import"))
        .header("x-csrf-token", csrf.as_str())
        .body(vec![b'a'; 200 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    let err: serde_json::Value = res.json().await.unwrap();
    assert_eq!(err["error"], "too_large", "the API answers in its own format");
}

#[tokio::test]
async fn the_register_exports_in_every_format() {
    let s = server().await;
    let org = s.org("A", "みなと総合病院").await;
    s.user(org, "admin@example.jp", Role::Admin).await;
    s.app.import_register(&mamoru_app::Principal::cli(org), "r.csv", &sjis(), None).await.unwrap();
    let c = s.login("admin@example.jp").await;
    let res = c.get("/assets/export?format=csv-sjis").await;
    assert_eq!(res.headers()["content-type"], "text/csv; charset=Shift_JIS");
    let body = res.bytes().await.unwrap();
    let again = mamoru_inventory::read_register(&body, "x.csv", &Default::default()).unwrap();
    assert_eq!((again.encoding, again.entries.len()), ("Shift_JIS", 9));
    let res = c.get("/assets/export?format=json").await;
    let json: serde_json::Value = res.json().await.unwrap();
    assert_eq!(json.as_array().unwrap().len(), 9);
    let res = c.get("/assets/export?format=xlsx").await;
    assert!(res.bytes().await.unwrap().starts_with(b"PK"));
    assert_eq!(c.get("/assets/export?format=pdf").await.status(), 400);
}
