//! Detection alerts in the web UI: the dashboard's card, the list and its filters, one alert
//! with its rule, sample and history, the triage forms each role may use, and the suppression
//! rules. Alerts come from the demo organisation (read from its sample logs by the same path as
//! `mamoru ingest`, in every triage state) and, for hostile values, straight from the store.

use mamoru_app::Principal;
use mamoru_domain::{AlertId, AlertLevel, AlertPolicy, OrgId, Role};
use mamoru_store::{Actor, Alert, AlertQuery, NewDetection};

use super::support::{Server, server};

/// The demo organisation with a manager, a staff member and an auditor over all of it.
pub(crate) async fn demo(s: &Server) -> OrgId {
    let org = s.app.seed_demo().await.unwrap().org;
    for (email, role) in [
        ("manager@example.jp", Role::Manager),
        ("staff@example.jp", Role::Staff),
        ("auditor@example.jp", Role::Auditor),
    ] {
        s.user(org, email, role).await;
    }
    org
}

/// The demo's alert of the rule `title` on the computer whose name starts with `computer`.
pub(crate) async fn alert(s: &Server, org: OrgId, title: &str, computer: &str) -> Alert {
    let all = s.app.alerts(&Principal::cli(org), AlertQuery::default()).await.unwrap();
    all.into_iter()
        .find(|a| a.rule_title == title && a.computer.starts_with(computer))
        .unwrap_or_else(|| panic!("no {title} alert on {computer}"))
}

/// An alert whose sample carries markup, as a hostile log line would.
async fn hostile(s: &Server, org: OrgId) -> AlertId {
    let facility = s.app.facilities(&Principal::cli(org)).await.unwrap()[0].id;
    let d = NewDetection {
        rule_id: "proc-creation-1".into(),
        rule_title: "Suspicious <b>PowerShell</b>".into(),
        level: AlertLevel::Critical,
        rule_file: "rules/proc_creation.yml".into(),
        tags: vec!["attack.execution".into(), "attack.t1059.001".into()],
        computer: "PC-<i>07</i>".into(),
        channel: "Microsoft-Windows-Sysmon/Operational".into(),
        event_id: Some(1),
        at: jiff::Timestamp::now(),
        details: vec![("CommandLine".into(), "powershell -enc <script>alert(1)</script>".into())],
        origin: Some("Sysmon.evtx".into()),
    };
    let policy = AlertPolicy::default();
    s.app.store().ingest_detections(org, facility, &[d], &policy, &Actor::system()).await.unwrap().created[0]
}

#[tokio::test]
async fn the_dashboard_card_counts_open_alerts_and_links_to_the_newest() {
    let s = server().await;
    let org = demo(&s).await;
    let fortigate = alert(&s, org, "FortiGate Administrator Login Failed", "MINATO-FGT60E").await;
    let c = s.login("staff@example.jp").await;
    let (status, html) = c.text("/").await;
    assert_eq!(status, 200);
    assert!(html.contains("href=\"/alerts\" >検知アラート</a>"), "the menu has the alert pages");
    let vpn = html.find("VPN・リモートアクセス機器").expect("the VPN panel stays");
    let card = html.find("id=\"alert-panel\"").expect("the alert card");
    assert!(vpn < card, "the VPN panel comes first");
    let card = &html[card..];
    let card = &card[..card.find("</section>").unwrap()];
    // The demo's open alerts: three high (one escalated), two medium; the false positive is not counted.
    assert!(card.contains("class=\"card stat bad\" href=\"/alerts?level=high\"><span class=\"n\">3</span>"), "{card}");
    assert!(card.contains("href=\"/alerts?level=medium\"><span class=\"n\">2</span>"), "{card}");
    assert!(card.contains("class=\"card stat \" href=\"/alerts?level=critical\"><span class=\"n\">0</span>"));
    assert!(card.contains(&format!("href=\"/alerts/{}\"", fortigate.id)) && card.contains("MINATO-FGT60E"));
    assert!(!card.contains("BACKUP-SV01"), "a false positive is not open");
    assert!(card.contains("href=\"/alerts\">アラートをすべて見る</a>"));
}

#[tokio::test]
async fn the_list_filters_by_state_level_facility_and_words() {
    let s = server().await;
    let org = demo(&s).await;
    let c = s.login("auditor@example.jp").await;
    let (status, html) = c.text("/alerts").await;
    assert_eq!(status, 200);
    assert!(html.contains("aria-current=\"page\">検知アラート</a>"), "the menu entry is current");
    assert!(html.contains(">5件"), "five open alerts: {html}");
    for expected in
        ["FortiGate Administrator Login Failed", "MINATO-FGT60E", "みなと内科クリニック", "エスカレーション", "未確認"]
    {
        assert!(html.contains(expected), "the list lacks {expected:?}");
    }
    assert!(!html.contains("BACKUP-SV01"), "open alerts by default");
    let (_, html) = c.text("/alerts?status=false_positive").await;
    assert!(html.contains("BACKUP-SV01") && html.contains(">1件"), "{html}");

    let clinic = s.app.facilities(&Principal::cli(org)).await.unwrap();
    let clinic = clinic.iter().find(|f| f.draft.name == "みなと内科クリニック").unwrap().id;
    for (query, count, shown, hidden) in [
        ("?status=all", 6, "BACKUP-SV01", ""),
        ("?level=high", 3, "EMR-SV01", "CLINIC-PC01"),
        ("?level=medium&status=all", 2, "CLINIC-PC01", "MINATO-FGT60E"),
        (&format!("?facility={clinic}") as &str, 1, "CLINIC-PC01", "EMR-SV01"),
        ("?q=emr-sv", 3, "EMR-SV01", "MINATO-FGT60E"),
        ("?q=%E3%83%AD%E3%82%B0&status=all", 0, "", "EMR-SV01"),
        ("?q=log+cleared&status=all", 2, "BACKUP-SV01", "CLINIC-PC01"),
        ("?status=acknowledged", 1, "CLINIC-PC01", "EMR-SV01"),
    ] {
        let (status, html) = c.text(&format!("/alerts{query}")).await;
        assert_eq!(status, 200, "{query}");
        assert!(html.contains(&format!(">{count}件")), "/alerts{query} has {count}: {html}");
        assert!(html.contains(shown), "/alerts{query} shows {shown}");
        assert!(hidden.is_empty() || !html.contains(hidden), "/alerts{query} hides {hidden}");
    }
    assert_eq!(c.get("/alerts?facility=x").await.status(), 400);
}

#[tokio::test]
async fn an_alert_shows_its_rule_sample_history_and_escapes_what_the_log_said() {
    let s = server().await;
    let org = demo(&s).await;
    let fortigate = alert(&s, org, "FortiGate Administrator Login Failed", "MINATO-FGT60E").await;
    let c = s.login("manager@example.jp").await;
    let (status, html) = c.text(&format!("/alerts/{}", fortigate.id)).await;
    assert_eq!(status, 200);
    for expected in [
        "fortigate_admin_login_failed.yml",
        &fortigate.rule_id,
        "https://attack.mitre.org/techniques/T1110/",
        ">T1110</a>",
        ">12回<",
        "<th scope=\"row\" class=\"mono\">status</th><td class=\"mono pre\">failed</td>",
        "demo/hospital-fortigate.log",
        "<strong>system</strong>: 未確認 → <strong>エスカレーション</strong>",
        "関西ネットワークサービスに送信元の遮断",
    ] {
        assert!(html.contains(expected), "the alert page lacks {expected:?}");
    }
    let tokyo = fortigate.last_seen.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(9)));
    assert!(html.contains(&tokyo.strftime("%Y-%m-%d %H:%M").to_string()), "times are shown in Asia/Tokyo");
    assert!(html.contains("value=\"status=failed\""), "the sample's fields are suppression choices");

    let id = hostile(&s, org).await;
    let (_, html) = c.text(&format!("/alerts/{id}")).await;
    assert!(html.contains("powershell -enc &#60;script&#62;alert(1)&#60;/script&#62;"), "{html}");
    assert!(html.contains("Suspicious &#60;b&#62;PowerShell&#60;/b&#62;") && html.contains("PC-&#60;i&#62;07"));
    assert!(!html.contains("<script>alert") && !html.contains("<b>PowerShell"), "nothing from the log is markup");
    assert!(html.contains("<span class=\"lvl critical\">緊急</span>") && html.contains(">T1059.001</a>"));
    assert!(html.contains("<span class=\"tag\">execution</span>"));
    let (_, list) = c.text("/alerts?level=critical").await;
    assert!(list.contains("PC-&#60;i&#62;07") && !list.contains("<i>07"));
}

#[tokio::test]
async fn a_manager_triages_an_alert_and_marks_another_a_false_positive_for_one_computer() {
    let s = server().await;
    let org = demo(&s).await;
    let cleared = alert(&s, org, "Windows Security Log Cleared", "EMR-SV01").await;
    let c = s.login("manager@example.jp").await;
    let page = format!("/alerts/{}", cleared.id);
    let action = format!("/alerts/{}/triage", cleared.id);

    let res = c.post_form(&page, &action, &[("status", "acknowledged"), ("note", "電子カルテ業者に確認中")]).await;
    assert_eq!(res.url().as_str(), c.url(&format!("{page}?done=acknowledged")));
    let html = res.text().await.unwrap();
    assert!(html.contains("確認済みにしました。") && html.contains("電子カルテ業者に確認中"), "{html}");
    assert!(html.contains("id=\"alert-status\"><span class=\"tag \">確認済み</span>"));
    assert!(!html.contains("id=\"ack-form\"") && html.contains("id=\"esc-form\""), "only moves that are allowed");

    // Problems are named next to their fields, and what was typed is kept.
    let fields = [("status", "false_positive"), ("suppress", "field"), ("field", ""), ("reason", " ")];
    let res = c.post_form(&page, &action, &fields).await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"reason-err\">入力してください</p>"), "{html}");
    assert!(html.contains("id=\"field-err\">入力してください</p>"), "{html}");
    assert!(html.contains("value=\"field\" checked"), "the chosen scope stays chosen");
    let fields =
        [("status", "false_positive"), ("suppress", "computer"), ("reason", "保守業者が毎晩ログを退避して消去する")];
    let res = c.post_form(&page, &action, &fields).await;
    assert_eq!(res.url().as_str(), c.url(&format!("{page}?done=false_positive")));
    let html = res.text().await.unwrap();
    assert!(html.contains("誤検知として記録し、抑制ルールを追加しました。") && html.contains(">誤検知</span>"));
    assert!(html.contains("確認済み → <strong>誤検知</strong>"), "the history has both steps: {html}");
    assert!(!html.contains("id=\"fp-form\"") && html.contains("id=\"reopen-form\""), "only re-opening is left");

    let (_, open) = c.text("/alerts").await;
    assert!(!open.contains(&format!("href=\"/alerts/{}\"", cleared.id)), "gone from the open list");
    let (_, rules) = c.text("/alerts/suppressions").await;
    assert!(rules.contains("保守業者が毎晩ログを退避して消去する") && rules.contains(&cleared.computer), "{rules}");
    let sid = s.app.alert(&Principal::cli(org), cleared.id).await.unwrap().suppression.expect("a suppression rule");
    assert!(rules.contains(&format!("id=\"s-{sid}\"")));

    let res = c.post_form(&page, &action, &[("status", "new"), ("note", "念のため再確認")]).await;
    assert!(res.text().await.unwrap().contains("未確認に戻しました。"));
    let res = c.post_form("/alerts/suppressions", &format!("/alerts/suppressions/{sid}/delete"), &[]).await;
    assert_eq!(res.url().as_str(), c.url("/alerts/suppressions?done=deleted"));
    assert!(!res.text().await.unwrap().contains(&format!("id=\"s-{sid}\"")));
    let (_, audit) = c.text("/audit?entity=alert_suppression").await;
    assert!(audit.contains("抑制ルールの追加") && audit.contains("抑制ルールの削除"), "{audit}");

    // Without the form's token nothing changes.
    let res = c.http.post(c.url(&action)).form(&[("status", "escalated")]).send().await.unwrap();
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn staff_and_auditors_see_only_the_forms_they_may_use() {
    let s = server().await;
    let org = demo(&s).await;
    let added = alert(&s, org, "Account Added to the Local Administrators Group", "EMR-SV01").await;
    let page = format!("/alerts/{}", added.id);
    let action = format!("/alerts/{}/triage", added.id);
    let sid = s.app.suppressions(&Principal::cli(org)).await.unwrap()[0].id;

    let staff = s.login("staff@example.jp").await;
    let (_, html) = staff.text(&page).await;
    assert!(html.contains("id=\"ack-form\"") && html.contains("id=\"esc-form\""), "staff look and pass on");
    assert!(!html.contains("id=\"fp-form\""), "suppressing is a manager's call");
    let fp = [("status", "false_positive"), ("suppress", "rule"), ("reason", "")];
    assert_eq!(staff.post_form(&page, &action, &fp).await.status(), 403, "refused, not told what is missing");
    let res = staff.post_form(&page, &action, &[("status", "escalated"), ("note", "責任者に電話で報告")]).await;
    assert!(res.text().await.unwrap().contains("エスカレーションを記録しました。"));
    let (_, rules) = staff.text("/alerts/suppressions").await;
    assert!(rules.contains("BACKUP-SV01") && !rules.contains("/delete"), "listed without a remove button");
    let res = staff.post_form("/alerts/suppressions", &format!("/alerts/suppressions/{sid}/delete"), &[]).await;
    assert_eq!(res.status(), 403);

    let auditor = s.login("auditor@example.jp").await;
    let (status, html) = auditor.text(&page).await;
    assert_eq!(status, 200);
    assert!(!html.contains("/triage") && !html.contains("対応を記録する"), "an auditor only reads");
    let res = auditor.post_form(&page, &action, &[("status", "acknowledged")]).await;
    assert_eq!(res.status(), 403);
    assert!(res.text().await.unwrap().contains("この操作を行う権限がありません。"));
    assert_eq!(auditor.post_form(&page, &action, &[("status", "shelved")]).await.status(), 400);
}

#[tokio::test]
async fn another_organisations_alerts_and_rules_are_not_found() {
    let s = server().await;
    let org = demo(&s).await;
    let id = alert(&s, org, "FortiGate Administrator Login Failed", "MINATO-FGT60E").await.id;
    let sid = s.app.suppressions(&Principal::cli(org)).await.unwrap()[0].id;
    let b = s.org("さくら医療法人", "さくら病院").await;
    s.user(b, "b@example.jp", Role::Admin).await;
    let c = s.login("b@example.jp").await;
    assert_eq!(c.get(&format!("/alerts/{id}")).await.status(), 404);
    let res = c.post_form("/alerts", &format!("/alerts/{id}/triage"), &[("status", "acknowledged")]).await;
    assert_eq!(res.status(), 404);
    let res = c.post_form("/alerts", &format!("/alerts/suppressions/{sid}/delete"), &[]).await;
    assert_eq!(res.status(), 404);
    for path in ["/alerts?status=all", "/alerts/suppressions", "/"] {
        let (_, html) = c.text(path).await;
        assert!(!html.contains("MINATO-FGT60E") && !html.contains("BACKUP-SV01"), "{path}");
    }
    let (_, dash) = c.text("/").await;
    assert!(dash.contains("対応が必要なアラートはありません"));
}
