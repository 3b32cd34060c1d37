//! The inspection view over HTTP on the demo organisation: the page shows every section (the
//! summary, the four points, the facility's sheet, each vendor's sheet) with no forms; the PDF
//! is a PDF whose text carries every section heading; the overview lists every facility with
//! its score and the four points; a bad year is refused.

use std::process::Command;

use mamoru_app::Principal;
use mamoru_domain::readiness::inspection::Point;

use super::alerts::demo;
use super::support::server;

/// The headings every pack has, whatever its records.
fn headings() -> Vec<String> {
    let mut h = vec![
        "概要".to_owned(),
        "医療機関確認用".to_owned(),
        "事業者確認用: 株式会社なにわメディカルシステムズ".to_owned(),
    ];
    h.extend(Point::ALL.iter().enumerate().map(|(i, p)| format!("検査の観点{}: {}", i + 1, p.ja())));
    h
}

#[tokio::test]
async fn the_pack_reads_on_screen_and_as_pdf_and_the_overview_lists_every_facility() {
    let s = server().await;
    let org = demo(&s).await;
    let facilities = s.app.facilities(&Principal::cli(org)).await.unwrap();
    let hospital = facilities.iter().find(|f| f.draft.name == "みなと総合病院").unwrap().id;
    let c = s.login("staff@example.jp").await;

    let (status, html) = c.text(&format!("/readiness/inspection?facility={hospital}")).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("サイバーセキュリティ対策 立入検査資料") && html.contains("みなと総合病院"));
    for h in headings() {
        assert!(html.contains(&format!("<h3>{h}")), "no section {h}");
    }
    // The demo's VPN appliance: known-exploited and open, so point 1 has gaps.
    assert!(html.contains("未対応: 本館VPN装置 CVE-2018-13379"), "{html}");
    assert!(html.contains("<span class=\"tag bad\">不足あり</span>"));
    // Each vendor's sheet ends with its disclosure sheets (none filed in the demo).
    assert!(
        html.contains("<th scope=\"row\">医療情報セキュリティ開示書（MDS/SDS）</th><td class=\"pre\">提出なし</td>")
    );
    let pack = &html[html.find("<article class=\"sheet\" id=\"document\">").unwrap()..];
    let pack = &pack[..pack.find("</article>").unwrap()];
    assert!(!pack.contains("<form") && !pack.contains("<input"), "an inspector's pack has no forms");
    assert!(!html.contains("/readiness/answer"), "and no answer form anywhere");
    assert!(html.contains("href=\"/readiness/inspection.pdf?facility="), "the PDF link");

    let res = c.get(&format!("/readiness/inspection.pdf?facility={hospital}")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()[reqwest::header::CONTENT_TYPE], "application/pdf");
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("pack.pdf");
    std::fs::write(&pdf, &bytes).unwrap();
    let out =
        Command::new("pdftotext").args(["-layout"]).arg(&pdf).arg("-").output().expect("pdftotext (poppler-utils)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Text extraction may break a long heading across lines; compare without white space.
    let text: String = String::from_utf8(out.stdout).unwrap().split_whitespace().collect();
    for h in headings() {
        let h: String = h.split_whitespace().collect();
        assert!(text.contains(&h), "the PDF lacks {h}");
    }

    let (status, html) = c.text("/readiness/overview").await;
    assert_eq!(status, 200, "{html}");
    for f in &facilities {
        assert!(html.contains(&format!("<tr data-facility=\"{}\">", f.id)), "{}", f.draft.name);
        assert!(html.contains(&format!("/readiness/inspection?facility={}&amp;fy=", f.id)));
    }
    assert_eq!(html.matches("class=\"tag ").count(), 4 * facilities.len(), "four points per facility");
    assert!(html.contains("立入検査の日付は記録されていません。"));

    assert_eq!(c.get("/readiness/inspection?fy=abc").await.status(), 400);
    assert_eq!(c.get("/readiness/overview?fy=1999").await.status(), 400);
    assert_eq!(c.get("/readiness/inspection?facility=999999").await.status(), 404);
}
