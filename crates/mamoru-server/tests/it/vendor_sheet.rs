//! The vendor sheet over HTTP with a real store: a manager makes a one-time link on
//! /readiness/vendors and sees it once; a client with no session opens it and sees only the
//! vendor items; a post without the form's secret is refused; a target date after the fiscal
//! year comes back beside its field and saves nothing; good answers are saved, the link is then
//! refused (410), and the facility's page shows the answers with the vendor's name; a staff
//! member may not make links. MDS/SDS files are kept under their base name and downloaded as
//! stored; a file past the limit is refused.

use mamoru_app::{Principal, today};
use mamoru_domain::Role;
use mamoru_domain::readiness::{FiscalYear, Sheet, edition};

use super::support::{hidden, server};

fn new_link(html: &str) -> String {
    let start = html.find("id=\"new-link-url\"").unwrap_or_else(|| panic!("no new link in {html}"));
    let rest = &html[start..];
    let v = &rest[rest.find("value=\"").unwrap() + 7..];
    v[..v.find('"').unwrap()].replace("&#x2f;", "/").replace("&#47;", "/")
}

#[tokio::test]
async fn a_vendor_answers_through_its_link_once() {
    let s = server().await;
    let org = s.org("湊医療グループ", "湊総合病院").await;
    s.user(org, "manager@example.jp", Role::Manager).await;
    s.user(org, "staff@example.jp", Role::Staff).await;
    let cli = Principal::cli(org);
    let vendor = s.app.create_party(&cli, "なにわメディカル", "保守業者", "電子カルテ").await.unwrap();
    s.app.create_party(&cli, "大阪府警", "警察", "").await.unwrap();
    let facility = s.app.facilities(&cli).await.unwrap()[0].id.to_string();
    let c = s.login("manager@example.jp").await;

    let page = format!("/readiness/vendors?facility={facility}");
    let (status, html) = c.text(&page).await;
    assert_eq!(status, 200);
    assert!(html.contains("なにわメディカル") && !html.contains("大阪府警"), "vendors only: {html}");
    let fy = hidden(&html, "fy").unwrap();
    let year = FiscalYear::new(fy.parse().unwrap()).unwrap();
    let form = [("facility", facility.as_str()), ("fy", fy.as_str()), ("vendor", &vendor.to_string()), ("days", "7")];
    let res = c.post_form(&page, "/readiness/vendors/link", &form).await;
    assert_eq!(res.status(), 200);
    let url = new_link(&res.text().await.unwrap());
    let path = &url[url.find("/vendor-sheet/").unwrap()..];
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let (_, again) = c.text(&page).await;
    assert!(!again.contains(path), "the link is shown once");
    assert!(again.contains("回答待ち"), "its state");

    // No session: the link opens the vendor items of the facility's year.
    let public = s.client();
    let (status, html) = public.text(path).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("湊総合病院") && html.contains("なにわメディカル") && html.contains("事業者確認用"));
    let items: Vec<String> = edition(year).unwrap().items_on(Sheet::Vendor).map(|i| i.id.clone()).collect();
    assert_eq!(html.matches("<fieldset class=\"card ritem\"").count(), items.len());
    let secret = hidden(&html, "_csrf").unwrap();
    let switch = &html[html.find("href=\"/lang/en?next=").unwrap()..];
    assert!(switch[..switch.find('>').unwrap()].contains("vendor-sheet"), "English comes back here: {switch}");

    let today = today().to_string();
    let late = (year.end() + jiff::ToSpan::days(1)).to_string();
    let mut fields: Vec<(String, String)> = vec![("answered_by".into(), "山田 太郎".into())];
    for id in &items {
        let no = id == "ops.mds_sds";
        fields.push((format!("answer.{id}"), if no { "いいえ" } else { "はい" }.into()));
        fields.push((format!("confirmed_on.{id}"), today.clone()));
        fields.push((format!("target_on.{id}"), if no { late.clone() } else { String::new() }));
    }
    let post = |csrf: String, fields: Vec<(String, String)>| {
        let http = reqwest::Client::new();
        let url = public.url(path);
        async move {
            let mut form = vec![("_csrf".to_owned(), csrf)];
            form.extend(fields);
            http.post(url).form(&form).send().await.unwrap()
        }
    };
    assert_eq!(post("wrong".into(), fields.clone()).await.status(), 403, "the form's secret is checked");

    let res = post(secret.clone(), fields.clone()).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"target-ops-mds_sds-err\""), "{html}");
    assert_eq!(html.matches("class=\"ferr\"").count(), 1);
    assert!(html.contains("value=\"山田 太郎\""), "the typing is kept");

    for f in fields.iter_mut().filter(|(k, _)| k == "target_on.ops.mds_sds") {
        f.1 = year.end().to_string();
    }
    let res = post(secret.clone(), fields.clone()).await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("回答を受け付けました"));
    let (status, html) = public.text(path).await;
    assert_eq!(status, 410);
    assert!(html.contains("既に回答が送信されています"), "{html}");
    assert_eq!(post(secret, fields).await.status(), 410);
    assert_eq!(public.text("/vendor-sheet/nothing-here").await.0, 404);

    // The facility's page: every answer with the vendor's name and the time.
    let (_, html) = c.text(&page).await;
    assert!(html.contains(&format!("回答済み {}/{}", items.len(), items.len())), "{html}");
    assert!(html.contains("山田 太郎（事業者）"), "{html}");
    let row = &html[html.find("data-item=\"ops.mds_sds\"").unwrap()..];
    assert!(row[..row.find("</tr>").unwrap()].contains(&year.end().to_string()));

    // A staff member sees the page without forms and may not make a link.
    let staff = s.login("staff@example.jp").await;
    let (_, html) = staff.text(&page).await;
    assert!(!html.contains("action=\"/readiness/vendors/link\""));
    let res = staff.post_form(&page, "/readiness/vendors/link", &form).await;
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn mds_and_sds_files_are_kept_on_the_vendor() {
    let s = server().await;
    let org = s.org("湊医療グループ", "湊総合病院").await;
    s.user(org, "manager@example.jp", Role::Manager).await;
    let cli = Principal::cli(org);
    let vendor = s.app.create_party(&cli, "なにわメディカル", "保守業者", "").await.unwrap().to_string();
    let facility = s.app.facilities(&cli).await.unwrap()[0].id.to_string();
    let c = s.login("manager@example.jp").await;
    let page = format!("/readiness/vendors?facility={facility}");
    let csrf = c.csrf(&page).await;
    let upload = |kind: &str, name: &str, bytes: Vec<u8>| {
        let part =
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()).mime_str("application/pdf").unwrap();
        let form = reqwest::multipart::Form::new()
            .text("_csrf", csrf.clone())
            .text("facility", facility.clone())
            .text("fy", FiscalYear::of(today()).year().to_string())
            .text("vendor", vendor.clone())
            .text("kind", kind.to_owned())
            .part("file", part);
        c.http.post(c.url("/readiness/vendors/files")).multipart(form).send()
    };
    let res = upload("mds", "C:\\保守\\MDS_電子カルテ.pdf", b"%PDF-1.4 MDS".to_vec()).await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.url().query().unwrap().contains("done=saved"));
    let html = res.text().await.unwrap();
    let sha = mamoru_store::sha256_hex(b"%PDF-1.4 MDS");
    assert!(html.contains("MDS_電子カルテ.pdf") && !html.contains("C:\\"), "base name only: {html}");
    assert!(html.contains(&sha));
    let href = &html[html.find("href=\"/readiness/vendors/files/").unwrap() + 6..];
    let href = &href[..href.find('"').unwrap()];
    let res = c.get(href).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/octet-stream", "a download, never inline");
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"%PDF-1.4 MDS");

    // Too large: refused beside the file, nothing kept.
    let big = vec![b'x'; mamoru_app::readiness::vendor::ATTACHMENT_MAX + 1];
    let res = upload("sds", "SDS.pdf", big).await.unwrap();
    assert_eq!(res.status(), 422);
    assert!(!res.text().await.unwrap().contains("SDS.pdf"));
    // Without the session's token: refused.
    let part = reqwest::multipart::Part::bytes(b"x".to_vec()).file_name("x.pdf");
    let form = reqwest::multipart::Form::new().text("_csrf", "wrong").text("kind", "mds").part("file", part);
    let res = c.http.post(c.url("/readiness/vendors/files")).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), 403);
}
