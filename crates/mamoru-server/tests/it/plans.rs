//! The plan pages over HTTP with a real store: the cost form's errors beside their fields with
//! nothing saved, a saved figure changing the sheet's total, the printable sheet and its PDF;
//! the roadmap by fiscal year with two-factor in FY2027 and its approval; the inspection dates
//! on the overview and in the inspection pack; staff see no forms.

use std::process::Command;

use mamoru_app::Principal;
use mamoru_domain::Role;

use super::support::server;

fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("doc.pdf");
    std::fs::write(&pdf, bytes).unwrap();
    let out = Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext (poppler-utils)");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().split_whitespace().collect()
}

#[tokio::test]
async fn the_cost_sheet_takes_the_managers_figures_and_prints() {
    let s = server().await;
    let org = s.org("湊医療グループ", "湊総合病院").await;
    s.user(org, "manager@example.jp", Role::Manager).await;
    s.user(org, "staff@example.jp", Role::Staff).await;
    let f = s.app.facilities(&Principal::cli(org)).await.unwrap()[0].id.to_string();
    let c = s.login("manager@example.jp").await;
    let page = format!("/readiness/cost?facility={f}");
    let (_, html) = c.text("/readiness").await;
    assert!(html.contains(&format!("href=\"/readiness/cost?facility={f}\"")), "linked from /readiness");
    let (status, html) = c.text(&page).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("半田病院") && html.contains("仮定"), "every default states its basis");
    assert!(html.contains("<h3>結論</h3>") && html.contains("<h3>前提（すべて変更可能）</h3>"));

    let fields = [
        ("facility", f.as_str()),
        ("days_stopped", "三十"),
        ("reduced_percent", "150"),
        ("revenue_per_day", "1,000,000"),
    ];
    let res = c.post_form(&page, "/readiness/cost", &fields).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("<p class=\"ferr\" id=\"a-days_stopped-err\">"), "{html}");
    assert!(html.contains("<p class=\"ferr\" id=\"a-reduced_percent-err\">"), "{html}");
    assert!(html.contains("value=\"三十\""), "the typing is kept");
    assert!(
        s.app
            .cost_plan(&Principal::cli(org), f.parse::<i64>().map(mamoru_domain::FacilityId::new).unwrap())
            .await
            .unwrap()
            .saved
            .is_none()
    );

    let fields = [("facility", f.as_str()), ("days_stopped", "10"), ("revenue_per_day", "1,000,000")];
    let res = c.post_form(&page, "/readiness/cost", &fields).await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("10,000,000円（10日 × 1,000,000円）"), "{html}");
    assert!(html.contains("自院の数値（保存済み）"));
    assert!(html.contains("data-print") && html.contains("class=\"noprint doc-bar\""), "the forms do not print");

    let res = c.get(&format!("/readiness/cost.pdf?facility={f}")).await;
    assert_eq!(res.status(), 200);
    let text = pdf_text(&res.bytes().await.unwrap());
    for h in ["結論", "被害額（1回あたり）", "対策費（年額）", "10,000,000円"] {
        assert!(text.contains(h), "the PDF lacks {h}: {text}");
    }

    let staff = s.login("staff@example.jp").await;
    let (_, html) = staff.text(&page).await;
    assert!(!html.contains("id=\"cost-save\""), "staff see no save button");
    assert_eq!(
        staff.post_form(&page, "/readiness/cost", &[("facility", f.as_str()), ("days_stopped", "1")]).await.status(),
        403
    );
}

#[tokio::test]
async fn the_roadmap_is_ordered_by_fiscal_year_and_approved() {
    let s = server().await;
    let org = s.org("湊医療グループ", "湊総合病院").await;
    s.user(org, "manager@example.jp", Role::Manager).await;
    let f = s.app.facilities(&Principal::cli(org)).await.unwrap()[0].id.to_string();
    let c = s.login("manager@example.jp").await;
    let page = format!("/readiness/roadmap?facility={f}");
    let (status, html) = c.text(&page).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("<h3>令和9年度（FY2027）</h3>"), "two-factor goes to FY2027: {html}");
    assert!(html.contains("【期限超過】"), "unanswered required items are overdue");
    assert!(html.contains("この計画はまだ承認されていません。"));

    let res = c
        .post_form(
            &page,
            "/readiness/roadmap/approve",
            &[("facility", f.as_str()), ("approved_by", ""), ("approved_on", "2099-01-01")],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"approved_by-err\"") && html.contains("id=\"approved_on-err\""), "{html}");

    let today = mamoru_app::today().to_string();
    let res = c
        .post_form(
            &page,
            "/readiness/roadmap/approve",
            &[
                ("facility", f.as_str()),
                ("approved_by", "院長 山田"),
                ("approved_on", today.as_str()),
                ("note", "経営会議"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains(&format!("院長 山田（{today}）")), "{html}");
    assert!(!html.contains("id=\"approval-changed\""));

    let res = c.get(&format!("/readiness/roadmap.pdf?facility={f}")).await;
    assert_eq!(res.status(), 200);
    let text = pdf_text(&res.bytes().await.unwrap());
    assert!(text.contains("令和9年度") && text.contains("院長山田"), "{text}");
}

#[tokio::test]
async fn inspection_dates_show_on_the_overview_and_in_the_pack() {
    let s = server().await;
    let org = s.org("湊医療グループ", "湊総合病院").await;
    s.user(org, "manager@example.jp", Role::Manager).await;
    let f = s.app.facilities(&Principal::cli(org)).await.unwrap()[0].id.to_string();
    let c = s.login("manager@example.jp").await;
    let page = format!("/readiness/inspection-dates?facility={f}");
    let (_, html) = c.text("/readiness/overview").await;
    assert!(html.contains("立入検査の日付は記録されていません。") && html.contains(&page));

    let res = c
        .post_form(
            &page,
            "/readiness/inspection-dates",
            &[("facility", f.as_str()), ("last_on", "2025-06-01"), ("next_on", "2025-05-01")],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("<p class=\"ferr\" id=\"next_on-err\">2025-06-01より後の日付を入力してください</p>"),
        "{html}"
    );

    let res = c
        .post_form(
            &page,
            "/readiness/inspection-dates",
            &[("facility", f.as_str()), ("last_on", "2025-06-01"), ("next_on", "2027-06-01"), ("note", "保健所")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let (_, html) = c.text("/readiness/overview").await;
    assert!(html.contains("<strong>2027-06-01</strong>") && html.contains("前回 2025-06-01"), "{html}");
    let (_, html) = c.text(&format!("/readiness/inspection?facility={f}")).await;
    assert!(html.contains("<th scope=\"row\">次回立入検査予定日</th><td class=\"pre\">2027年6月1日</td>"), "{html}");
}
