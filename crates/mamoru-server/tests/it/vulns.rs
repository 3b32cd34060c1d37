//! Vulnerability findings in the web UI: the dashboard's VPN panel, the list and its CSV, one
//! finding and the decisions on it, the ranking policy. Findings come the real way: a register
//! with a FortiGate is imported, then the sample NVD record of CVE-2018-13379 and the CISA KEV
//! catalogue, which matches every organisation again.

use std::path::PathBuf;

use mamoru_app::Principal;
use mamoru_app::vuln::FeedOutcome;
use mamoru_domain::{OrgId, Role};
use mamoru_store::{Actor, FindingQuery};

use super::support::{Server, hidden, server};

/// The sample feeds shared by the workspace's tests.
const VULN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/vuln");

/// A FortiGate on FortiOS 6.0.4 facing the internet (CVE-2018-13379, in KEV), and a PC.
const REGISTER: &str = "施設,名称,種別,メーカー,製品,バージョン,インターネット公開\n\
    みなと総合病院,本館VPN装置,VPN装置,Fortinet,FortiGate 60E,6.0.4,はい\n\
    みなと総合病院,外来受付PC,端末PC,NEC,Mate MKM32L,Windows 11 23H2,いいえ\n";

/// An organisation whose FortiGate has the CVE-2018-13379 finding: (org, finding id).
pub(crate) async fn fortigate(s: &Server) -> (OrgId, i64) {
    let org = s.org("みなと医療法人", "みなと総合病院").await;
    let p = Principal::cli(org);
    s.app.import_register(&p, "register.csv", REGISTER.as_bytes(), None).await.unwrap();
    let feeds = [
        PathBuf::from(VULN).join("nvd-api-2.0/kev-vpn/CVE-2018-13379.json"),
        PathBuf::from(VULN).join("kev/known_exploited_vulnerabilities.json"),
    ];
    for file in s.app.import_feeds(&feeds, &Actor::system(), |_| {}).await.unwrap() {
        assert!(matches!(file.outcome, FeedOutcome::Imported { .. }), "{file:?}");
    }
    let all = s.app.findings(&p, FindingQuery::default()).await.unwrap();
    let f = all
        .iter()
        .find(|f| f.matched.vuln_id == "CVE-2018-13379" && f.asset_name == "本館VPN装置")
        .unwrap_or_else(|| panic!("the FortiGate should match CVE-2018-13379; findings: {all:#?}"));
    (org, f.id.get())
}

/// The Asia/Tokyo date `days` from today, as a form takes it.
pub(crate) fn in_days(days: i64) -> String {
    mamoru_app::today().checked_add(jiff::Span::new().days(days)).unwrap().to_string()
}

#[tokio::test]
async fn the_dashboard_shows_the_fortigate_first_with_its_known_exploited_flaw() {
    let s = server().await;
    let (org, id) = fortigate(&s).await;
    s.user(org, "manager@example.jp", Role::Manager).await;
    let c = s.login("manager@example.jp").await;
    let (status, html) = c.text("/").await;
    assert_eq!(status, 200);
    let panel = html.find("VPN・リモートアクセス機器").expect("the VPN panel");
    let categories = html.find("種別ごとの資産").expect("the category table");
    assert!(panel < categories, "the VPN panel comes right after the summary cards");
    let row = &html[html[panel..].find("本館VPN装置").map(|i| i + panel).expect("the FortiGate in the panel")..];
    let row = &row[..row.find("</tr>").unwrap()];
    for expected in ["CVE-2018-13379", "優先度1", "対応が必要", &format!("/vulns/{id}"), "VPN装置", "6.0.4"] {
        assert!(row.contains(expected), "the FortiGate's row lacks {expected:?}: {row}");
    }
    assert!(html.contains("href=\"/vulns?priority=1\"") && html.contains("href=\"/vulns?kev=1\""));
    assert!(!html.contains("mamoru vuln import"), "feeds are loaded: no note about importing them");
    assert!(!html.contains(">外来受付PC<"), "a PC is not a perimeter device");
}

#[tokio::test]
async fn without_feeds_the_panel_says_how_to_import_them() {
    let s = server().await;
    let org = s.org("さくら医療法人", "さくら内科クリニック").await;
    let p = Principal::cli(org);
    let csv = "施設,名称,種別,メーカー,製品,バージョン\nさくら内科クリニック,UTM,UTM,Fortinet,FortiGate 40F,7.2.8\n";
    s.app.import_register(&p, "r.csv", csv.as_bytes(), None).await.unwrap();
    s.user(org, "admin@example.jp", Role::Admin).await;
    let c = s.login("admin@example.jp").await;
    let (_, html) = c.text("/").await;
    assert!(html.contains("mamoru vuln import") && html.contains("脆弱性情報がまだ取り込まれていない"), "{html}");
    assert!(html.contains("未確認") && !html.contains("問題なし"), "nothing is called safe before it was checked");
}

#[tokio::test]
async fn the_findings_list_filters_links_and_exports() {
    let s = server().await;
    let (org, id) = fortigate(&s).await;
    s.user(org, "auditor@example.jp", Role::Auditor).await;
    let c = s.login("auditor@example.jp").await;
    let facility = s.app.facilities(&Principal::cli(org)).await.unwrap()[0].id;

    let (status, html) = c.text("/vulns").await;
    assert_eq!(status, 200);
    assert!(html.contains("aria-current=\"page\">脆弱性</a>"), "the menu entry is current");
    for expected in
        ["CVE-2018-13379", &format!("href=\"/vulns/{id}\""), "本館VPN装置", "KEV", "未対応", "みなと総合病院"]
    {
        assert!(html.contains(expected), "the list lacks {expected:?}");
    }
    for (query, listed) in [
        ("?kev=1&perimeter=1", true),
        (&format!("?facility={facility}&priority=1") as &str, true),
        ("?status=rejected", false),
        ("?priority=5", false),
        ("?status=all", true),
    ] {
        let (_, html) = c.text(&format!("/vulns{query}")).await;
        assert_eq!(html.contains("CVE-2018-13379"), listed, "/vulns{query}");
    }

    let res = c.get("/vulns/export.csv?status=open&kev=1").await;
    assert_eq!(res.status(), 200);
    let disposition = res.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert_eq!(disposition, "attachment; filename=\"findings.csv\"");
    let csv = res.text().await.unwrap();
    assert!(csv.starts_with('\u{feff}'), "a BOM, so Excel reads UTF-8");
    assert!(csv.contains("CVE-2018-13379") && csv.contains("本館VPN装置"), "{csv}");
    let (_, empty) = c.text("/vulns/export.csv?status=rejected").await;
    assert!(!empty.contains("CVE-2018-13379"), "the export follows the filters");

    let (_, page) = c.text(&format!("/facilities/{facility}")).await;
    assert!(page.contains(&format!("href=\"/vulns?facility={facility}\"")) && page.contains("この施設の脆弱性"));
    let asset = s.app.finding(&Principal::cli(org), mamoru_domain::FindingId::new(id)).await.unwrap().matched.asset;
    let (_, page) = c.text(&format!("/assets/{asset}")).await;
    assert!(page.contains("この機器の脆弱性") && page.contains(&format!("href=\"/vulns/{id}\"")), "{page}");
}

#[tokio::test]
async fn a_finding_shows_why_it_matched_and_links_to_nvd() {
    let s = server().await;
    let (org, id) = fortigate(&s).await;
    s.user(org, "staff@example.jp", Role::Staff).await;
    let c = s.login("staff@example.jp").await;
    let (status, html) = c.text(&format!("/vulns/{id}")).await;
    assert_eq!(status, 200);
    for expected in [
        "https://nvd.nist.gov/vuln/detail/CVE-2018-13379",
        "該当すると判断した理由",
        "照合した条件",
        "優先度1",
        "インターネット公開の機器で、既知の悪用あり（KEV）",
        "対応期限",
        "最初に検出",
        "6.0.4 は 6.0.0 ≤ v &#60; 6.0.5 の範囲内（NVDの構成情報",
    ] {
        assert!(html.contains(expected), "the finding page lacks {expected:?}");
    }
    assert!(!html.contains("/decision"), "staff see no decision form");
    let res = c
        .post_form(
            &format!("/vulns/{id}"),
            &format!("/vulns/{id}/decision"),
            &[("status", "rejected"), ("reason", "x")],
        )
        .await;
    assert_eq!(res.status(), 403, "staff may not decide");
}

#[tokio::test]
async fn a_manager_records_decisions_and_a_missing_field_is_named() {
    let s = server().await;
    let (org, id) = fortigate(&s).await;
    s.user(org, "manager@example.jp", Role::Manager).await;
    let c = s.login("manager@example.jp").await;
    let page = format!("/vulns/{id}");
    let action = format!("/vulns/{id}/decision");

    let res = c
        .post_form(&page, &action, &[("status", "accepted"), ("reason", "来月の保守で更新する"), ("expires", "")])
        .await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("受容の期限: 入力してください"), "the error names the field: {html}");
    assert!(html.contains("id=\"expires\" name=\"expires\" type=\"date\" value=\"\" aria-invalid=\"true\""));
    assert!(html.contains("来月の保守で更新する"), "what was typed is kept");
    let res = c.post_form(&page, &action, &[("status", "accepted"), ("reason", "x"), ("expires", &in_days(0))]).await;
    let html = res.text().await.unwrap();
    assert!(html.contains(&format!("{}より後の日付を入力してください", in_days(0))), "{html}");

    let expires = in_days(30);
    let res = c
        .post_form(&page, &action, &[("status", "accepted"), ("reason", "来月の保守で更新する"), ("expires", &expires)])
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.url().as_str(), c.url(&format!("{page}?done=decided")));
    let html = res.text().await.unwrap();
    assert!(html.contains("対応状況を記録しました。") && html.contains("<strong>リスク受容</strong>"), "{html}");
    assert!(html.contains(&expires) && html.contains("manager@example.jp"));

    let res = c.post_form(&page, &action, &[("status", "mitigated"), ("reason", "SSL-VPNを停止した")]).await;
    assert!(res.text().await.unwrap().contains("<strong>緩和策実施</strong>"));
    let (_, list) = c.text("/vulns?status=mitigated").await;
    assert!(list.contains("CVE-2018-13379"));
    let (_, audit) = c.text("/audit?entity=finding").await;
    assert!(audit.contains("脆弱性への対応の記録") && audit.contains("SSL-VPNを停止した"), "{audit}");

    // Without the form's token nothing changes.
    let res = c.http.post(c.url(&action)).form(&[("status", "rejected"), ("reason", "x")]).send().await.unwrap();
    assert_eq!(res.status(), 403);
    let (_, html) = c.text(&page).await;
    assert!(html.contains("<strong>緩和策実施</strong>"));
}

#[tokio::test]
async fn another_organisations_finding_is_not_found() {
    let s = server().await;
    let (_, id) = fortigate(&s).await;
    let b = s.org("さくら医療法人", "さくら病院").await;
    s.user(b, "b@example.jp", Role::Admin).await;
    let c = s.login("b@example.jp").await;
    assert_eq!(c.get(&format!("/vulns/{id}")).await.status(), 404);
    let res = c.post_form("/vulns", &format!("/vulns/{id}/decision"), &[("status", "rejected"), ("reason", "x")]).await;
    assert_eq!(res.status(), 404);
    let (_, list) = c.text("/vulns?status=all").await;
    assert!(!list.contains("CVE-2018-13379"));
    let (_, dash) = c.text("/").await;
    assert!(!dash.contains("本館VPN装置"));
    let (_, csv) = c.text("/vulns/export.csv?status=all").await;
    assert!(!csv.contains("CVE-2018-13379"));
}

#[tokio::test]
async fn only_an_administrator_changes_the_policy_and_findings_are_re_ranked() {
    let s = server().await;
    let (org, id) = fortigate(&s).await;
    s.user(org, "admin@example.jp", Role::Admin).await;
    s.user(org, "manager@example.jp", Role::Manager).await;
    let fields = |p1: &'static str| {
        vec![
            ("p1_days", p1),
            ("p2_days", "14"),
            ("p3_days", "30"),
            ("p4_days", "90"),
            ("p5_days", "180"),
            ("epss_likely", "0.1"),
            ("cvss_severe", "9.0"),
        ]
    };

    let m = s.login("manager@example.jp").await;
    let (status, html) = m.text("/vulns/policy").await;
    assert_eq!(status, 200);
    assert!(html.contains("優先度と対応期限の決め方") && html.contains("既知の悪用あり（KEV）"));
    assert!(!html.contains("name=\"p1_days\""), "a manager sees no form");
    assert_eq!(m.post_form("/vulns/policy", "/vulns/policy", &fields("7")).await.status(), 403);

    let a = s.login("admin@example.jp").await;
    let res = a.post_form("/vulns/policy", "/vulns/policy", &fields("0")).await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("優先度1の対応期限（日）: 1〜3650の範囲で入力してください"));
    let res = a.post_form("/vulns/policy", "/vulns/policy", &fields("７")).await;
    assert_eq!(res.url().path(), "/vulns/policy");
    let html = res.text().await.unwrap();
    assert!(html.contains("保存しました。") && html.contains("value=\"7\""), "{html}");
    let f = s.app.finding(&Principal::cli(org), mamoru_domain::FindingId::new(id)).await.unwrap();
    assert_eq!(f.due.to_string(), in_days(7), "the finding is due 7 days after it was found");

    let res = a.http.post(a.url("/vulns/policy")).form(&fields("5")).send().await.unwrap();
    assert_eq!(res.status(), 403, "no form token, no change");
    let (_, html) = a.text("/vulns/policy").await;
    assert!(hidden(&html, "_csrf").is_some() && html.contains("value=\"7\""));
}
