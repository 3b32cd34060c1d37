//! The BCP and drill pages over HTTP on the demo: the hospital's BCP draft with every section
//! of MHLW's template, the backup table and each system's restore time against its target
//! (red where it is exceeded or untested); the PDF's text carries every heading; a bad
//! approval is refused beside its field; approving turns the checklist's 3-③ to はい; a drill
//! started from a scenario takes a timeline entry from staff, a finding and a task from a
//! manager; staff see no BCP form and are refused. A network diagram uploaded to section 3
//! is listed, served only as a download, named with its SHA-256 in the PDF; too large a file
//! is refused beside the field.

use std::process::Command;

use mamoru_app::Principal;
use mamoru_domain::readiness::bcp::Section;

use super::alerts::demo;
use super::support::server;

fn headings() -> Vec<String> {
    let mut h = vec!["概要".to_owned(), "訓練の記録".to_owned()];
    h.extend(Section::ALL.iter().enumerate().map(|(i, s)| format!("{}. {}", i + 1, s.ja())));
    h
}

#[tokio::test]
async fn the_bcp_page_pdf_and_a_drill_over_http() {
    let s = server().await;
    let org = demo(&s).await;
    let facilities = s.app.facilities(&Principal::cli(org)).await.unwrap();
    let hospital = facilities.iter().find(|f| f.draft.name == "みなと総合病院").unwrap().id.to_string();
    let c = s.login("manager@example.jp").await;
    let page = format!("/readiness/bcp?facility={hospital}");

    let (_, html) = c.text(&format!("/readiness?facility={hospital}")).await;
    assert!(html.contains(&format!("href=\"/readiness/bcp?facility={hospital}\"")), "linked from /readiness");
    assert!(html.contains(&format!("href=\"/readiness/drills?facility={hospital}\"")));
    let (status, html) = c.text(&page).await;
    assert_eq!(status, 200, "{html}");
    for h in headings() {
        assert!(html.contains(&format!("<h3>{h}</h3>")), "no section {h}");
    }
    assert!(html.contains("第1版　下書き（未承認）"), "the demo's draft");
    assert!(html.contains("ネットワーク構成図（2025年4月版）"), "the demo's diagram note");
    assert!(html.contains("id=\"review-overdue\""));
    // The register's devices are the ledger; the backup jobs the backup table.
    assert!(html.contains("<th scope=\"row\">本館VPN装置</th>"), "{html}");
    assert!(html.contains("オフライン: 取り外し可能な媒体"), "{html}");
    // The file server has no target and no passed restore test: red. The EMR's measured
    // restore is within its 4 hours.
    let row = |name: &str| {
        let at = html.find(&format!("<th scope=\"row\">{name}</th>")).unwrap_or_else(|| panic!("no row {name}"));
        let start = html[..at].rfind("<tr").unwrap();
        html[start..at].to_owned()
    };
    assert!(row("電子カルテ").contains("class=\"\""), "{}", row("電子カルテ"));
    assert!(html.contains("目標復旧時間 4時間00分／最終復元テスト"), "{html}");
    assert!(html.contains("【目標内】"));

    // A system's target: not a number is refused beside the field; 1 minute makes it red.
    let res = c
        .post_form(
            &page,
            "/readiness/bcp/system",
            &[
                ("facility", &hospital),
                ("system", "電子カルテ"),
                ("rto_minutes", "半日"),
                ("risk", ""),
                ("fallback", "紙"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("<p class=\"ferr\">"), "beside the field");
    let res = c
        .post_form(
            &page,
            "/readiness/bcp/system",
            &[
                ("facility", &hospital),
                ("system", "電子カルテ"),
                ("rto_minutes", "1"),
                ("risk", "診療停止"),
                ("fallback", "紙カルテ"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("目標復旧時間 1分") && html.contains("【目標超過】"), "{html}");

    // An approval in the future is refused; a good one turns 3-③ to はい (drilled 60 days ago).
    let future = format!("{}-01-01", mamoru_app::today().year() + 1);
    let mut fields = vec![("facility", hospital.as_str()), ("recovery", "1. 切り離す"), ("approved_by", "院長")];
    fields.push(("reviewed_on", &future));
    let res = c.post_form(&page, "/readiness/bcp", &fields).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("id=\"reviewed_on-err\">未来の日時は入力できません"));
    let today = mamoru_app::today().to_string();
    fields.pop();
    fields.push(("reviewed_on", &today));
    let res = c.post_form(&page, "/readiness/bcp", &fields).await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains(&format!("第2版　{today} 承認（院長）")), "{html}");
    assert!(!html.contains("id=\"review-overdue\""));
    let (_, sheet) = c.text(&format!("/readiness?facility={hospital}")).await;
    assert!(sheet.contains("BCPが策定され"), "3-③ proposes はい");

    let res = c.get(&format!("/readiness/bcp.pdf?facility={hospital}")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()[reqwest::header::CONTENT_TYPE], "application/pdf");
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("bcp.pdf");
    std::fs::write(&pdf, res.bytes().await.unwrap()).unwrap();
    let out = Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext (poppler-utils)");
    assert!(out.status.success());
    let text: String = String::from_utf8(out.stdout).unwrap().split_whitespace().collect();
    for h in headings() {
        let h: String = h.split_whitespace().collect();
        assert!(text.contains(&h), "the PDF lacks {h}");
    }

    // A drill from the shared-password scenario.
    let drills = "/readiness/drills";
    let res = c
        .post_form(
            drills,
            drills,
            &[("facility", &hospital), ("scenario", "shared-password"), ("held_on", &today), ("participants", "")],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("id=\"participants-err\""));
    let res = c
        .post_form(
            drills,
            drills,
            &[
                ("facility", &hospital),
                ("scenario", "shared-password"),
                ("held_on", &today),
                ("participants", "院長、情報システム課"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let drill = res.url().path().to_owned();
    let html = res.text().await.unwrap();
    assert!(html.contains("共有パスワードの漏えい") && html.contains("二要素認証をどこから入れるか"), "injects shown");
    let staff = s.login("staff@example.jp").await;
    let res = staff
        .post_form(&drill, &format!("{drill}/entry"), &[("at", "T+0"), ("entry_body", "共有アカウントを停止")])
        .await;
    assert_eq!(res.status(), 200, "staff write the timeline");
    let res =
        staff.post_form(&drill, &format!("{drill}/entry"), &[("finding", "1"), ("at", ""), ("entry_body", "x")]).await;
    assert_eq!(res.status(), 403, "findings are a manager's");
    c.post_form(
        &drill,
        &format!("{drill}/entry"),
        &[("finding", "1"), ("at", "T+3h"), ("entry_body", "同じパスワードが3システムで使われていた")],
    )
    .await;
    let res = c
        .post_form(
            &drill,
            &format!("{drill}/task"),
            &[("task_title", "パスワードを個人別に"), ("task_owner", "情報システム課"), ("due", "")],
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = c
        .post_form(
            &drill,
            &format!("{drill}/task"),
            &[("task_title", "パスワードを個人別に"), ("task_owner", "情報システム課"), ("due", &today)],
        )
        .await;
    let html = res.text().await.unwrap();
    assert!(html.contains("共有アカウントを停止") && html.contains("同じパスワードが3システムで使われていた"));
    assert!(html.contains("<strong>パスワードを個人別に</strong>") && html.contains("完了にする"), "{html}");
    let (_, list) = c.text(drills).await;
    assert_eq!(list.matches("<tr data-drill=").count(), 2, "the demo's drill and this one");

    // Staff read the BCP without forms and are refused when posting.
    let (status, html) = staff.text(&page).await;
    assert_eq!(status, 200);
    assert!(!html.contains("id=\"bcp-form\""));
    let res = staff.post_form(&drill, "/readiness/bcp", &[("facility", &hospital), ("approved_by", "x")]).await;
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn a_diagram_is_uploaded_downloaded_printed_with_its_digest_and_removed() {
    let s = server().await;
    let org = demo(&s).await;
    let facilities = s.app.facilities(&Principal::cli(org)).await.unwrap();
    let hospital = facilities.iter().find(|f| f.draft.name == "みなと総合病院").unwrap().id.to_string();
    let c = s.login("manager@example.jp").await;
    let page = format!("/readiness/bcp?facility={hospital}");
    let csrf = c.csrf(&page).await;
    let upload = |name: &str, bytes: Vec<u8>| {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()).mime_str("text/html").unwrap();
        let form = reqwest::multipart::Form::new()
            .text("_csrf", csrf.clone())
            .text("facility", hospital.clone())
            .part("file", part);
        c.http.post(c.url("/readiness/bcp/diagrams")).multipart(form).send()
    };
    let bytes = b"<html><script>alert(1)</script></html>".to_vec();
    let res = upload("C:\\図面\\院内ネットワーク.html", bytes.clone()).await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.url().query().unwrap().contains("done=saved"));
    let html = res.text().await.unwrap();
    let sha = mamoru_store::sha256_hex(&bytes);
    assert!(html.contains("<tr data-diagram=\"院内ネットワーク.html\">") && !html.contains("C:\\"), "{html}");
    assert!(html.contains(&format!("{}…", &sha[..12])), "short digest in the list");
    assert!(html.contains(&format!("SHA-256 {sha}")), "the full digest in the printable document");
    let href = &html[html.find("href=\"/readiness/bcp/diagrams/").unwrap() + 6..];
    let href = href[..href.find('"').unwrap()].to_owned();
    let res = c.get(&href).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/octet-stream", "a download, never inline");
    let disposition = res.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.starts_with("attachment") && disposition.contains("UTF-8''"), "{disposition}");
    assert_eq!(res.bytes().await.unwrap().as_ref(), bytes.as_slice());

    // The PDF names the file with its digest.
    let res = c.get(&format!("/readiness/bcp.pdf?facility={hospital}")).await;
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("bcp.pdf");
    std::fs::write(&pdf, res.bytes().await.unwrap()).unwrap();
    let out = Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext (poppler-utils)");
    // Long unbroken strings are typeset with zero-width break points; read past them.
    let text: String = String::from_utf8(out.stdout).unwrap().split_whitespace().collect();
    let text = text.replace('\u{200b}', "");
    assert!(text.contains("院内ネットワーク.html") && text.contains(&sha), "{text}");

    // Too large: refused beside the file, nothing kept.
    let big = vec![b'x'; mamoru_app::readiness::bcp_diagrams::DIAGRAM_MAX + 1];
    let res = upload("大きな図面.pdf", big).await.unwrap();
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("<p class=\"ferr\" id=\"diagram-file-err\">"), "beside the field: {html}");
    assert!(!html.contains("大きな図面.pdf"));

    // Staff may download but neither upload nor remove.
    let staff = s.login("staff@example.jp").await;
    let (_, html) = staff.text(&page).await;
    assert!(html.contains("院内ネットワーク.html") && !html.contains("id=\"diagram-form\""));
    assert_eq!(staff.get(&href).await.status(), 200);
    let res = staff.post_form(&page, &format!("{href}/remove"), &[]).await;
    assert_eq!(res.status(), 403);
    let res = c.post_form(&page, &format!("{href}/remove"), &[]).await;
    assert_eq!(res.status(), 200);
    assert!(!res.text().await.unwrap().contains("院内ネットワーク.html"), "removed");
    assert_eq!(c.get(&href).await.status(), 404);
}
