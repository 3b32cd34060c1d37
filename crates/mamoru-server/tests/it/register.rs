use mamoru_domain::Role;
use mamoru_domain::access::{Grant, Scope};

use super::support::{id_in, server};

const NASTY: &str = "O'Reilly \"quoted\" <b>tag</b> '); DROP TABLE assets;-- 100% _x_ \\ 日本語";

#[tokio::test]
async fn an_asset_is_created_edited_and_its_audit_entry_shows_before_and_after() {
    let s = server().await;
    let org = s.org("A", "みなと総合病院").await;
    s.user(org, "admin@example.jp", Role::Admin).await;
    let c = s.login("admin@example.jp").await;

    let res = c
        .post_form(
            "/assets/new",
            "/assets",
            &[
                ("facility", "1"),
                ("name", "本館VPN装置"),
                ("category", "vpn"),
                ("vendor", "Fortinet"),
                ("product", "FortiGate 60E"),
                ("version", "6.0.4"),
                ("cpe", "cpe:2.3:o:fortinet:fortios:6.0.4"),
                ("ip", "203.0.113.10"),
                ("internet_facing", "yes"),
                ("remote_maintenance", "no"),
                ("no_active_scan", ""),
                ("support_end", "2026-03-31"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let id = id_in(res.url());
    let html = res.text().await.unwrap();
    assert!(html.contains("本館VPN装置") && html.contains("cpe:2.3:o:fortinet:fortios:6.0.4:*:*:*:*:*:*:*"), "{html}");
    assert!(html.contains("登録しました"));

    let page = format!("/assets/{id}/edit");
    let res = c
        .post_form(
            &page,
            &format!("/assets/{id}"),
            &[
                ("facility", "1"),
                ("name", "本館VPN装置"),
                ("category", "vpn"),
                ("vendor", "Fortinet"),
                ("version", "6.0.18"),
                ("ip", "203.0.113.10"),
                ("internet_facing", "yes"),
                ("remote_maintenance", "no"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("6.0.18"));

    let (_, audit) = c.text("/audit?entity=asset").await;
    assert!(audit.contains("資産の更新") && audit.contains("資産の登録"), "{audit}");
    assert!(
        audit.contains("<td class=\"before\">6.0.4</td>") && audit.contains("<td class=\"after\">6.0.18</td>"),
        "{audit}"
    );
    assert!(audit.contains("admin@example.jp"));
}

#[tokio::test]
async fn bad_fields_are_shown_next_to_the_field_and_nothing_is_stored() {
    let s = server().await;
    let org = s.org("A", "みなと総合病院").await;
    s.user(org, "admin@example.jp", Role::Admin).await;
    let c = s.login("admin@example.jp").await;
    let res = c
        .post_form(
            "/assets/new",
            "/assets",
            &[
                ("facility", "1"),
                ("name", ""),
                ("category", "vpn"),
                ("ip", "10.0.0.300"),
                ("cpe", "fortios"),
                ("support_end", "2025-02-30"),
                ("internet_facing", "no"),
                ("remote_maintenance", "no"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    for expected in [
        "入力してください",
        "「10.0.0.300」はIPアドレスではありません",
        "CPE名が正しくありません",
        "日付として読めません",
        "aria-invalid=\"true\"",
    ] {
        assert!(html.contains(expected), "missing {expected:?}");
    }
    assert!(html.contains("value=\"10.0.0.300\""), "what was typed is kept");
    let (_, list) = c.text("/assets").await;
    assert!(list.contains("条件に合う資産はありません"));

    let res = c
        .post_form(
            "/facilities/new",
            "/facilities",
            &[("name", "さくら病院"), ("kind", "hospital"), ("beds", "12"), ("operator", "private")],
        )
        .await;
    assert!(res.text().await.unwrap().contains("病院の病床数は20〜9999床です"));
}

#[tokio::test]
async fn quotes_markup_and_sql_in_every_text_field_are_stored_and_shown_verbatim() {
    let s = server().await;
    let org = s.org("A", "みなと総合病院").await;
    let admin = s.user(org, "admin@example.jp", Role::Admin).await;
    let c = s.login("admin@example.jp").await;
    let res = c
        .post_form(
            "/assets/new",
            "/assets",
            &[
                ("facility", "1"),
                ("name", NASTY),
                ("category", "other"),
                ("vendor", NASTY),
                ("product", NASTY),
                ("version", NASTY),
                ("location", NASTY),
                ("network_zone", NASTY),
                ("owner", NASTY),
                ("notes", NASTY),
                ("internet_facing", "no"),
                ("remote_maintenance", "no"),
            ],
        )
        .await;
    let id = id_in(res.url());
    let html = res.text().await.unwrap();
    assert!(!html.contains("<b>tag</b>"), "markup must be escaped");
    assert!(html.contains("&#60;b&#62;tag&#60;/b&#62;"), "markup is shown as text");
    let token = s
        .app
        .create_api_token(&mamoru_app::Principal { user_id: Some(admin), ..mamoru_app::Principal::cli(org) }, "t", None)
        .await
        .unwrap();
    let json: serde_json::Value = c
        .http
        .get(c.url(&format!("/api/v1/assets/{id}")))
        .bearer_auth(&token.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for field in ["name", "vendor", "product", "version", "location", "network_zone", "owner", "notes"] {
        assert_eq!(json[field], NASTY, "{field}");
    }
    // Searching for the SQL finds it as text.
    let (_, list) = c.text("/assets?q=DROP+TABLE").await;
    assert!(list.contains("全 1 件中"), "{list}");
}

#[tokio::test]
async fn the_list_filters_sorts_and_pages() {
    let s = server().await;
    let org = s.org("A", "みなと総合病院").await;
    s.user(org, "admin@example.jp", Role::Admin).await;
    let p = mamoru_app::Principal::cli(org);
    let mut csv = "施設,名称,種別,バージョン,インターネット公開\n".to_owned();
    for i in 0..120 {
        csv.push_str(&format!("みなと総合病院,PC-{i:03},端末PC,Windows 11,いいえ\n"));
    }
    csv.push_str("みなと総合病院,本館VPN装置,VPN装置,6.0.4,はい\n");
    s.app.import_register(&p, "r.csv", csv.as_bytes(), None).await.unwrap();
    let c = s.login("admin@example.jp").await;
    let (_, html) = c.text("/assets?sort=name&dir=desc&per=25&page=2").await;
    assert!(html.contains("全 121 件中 26–50 件を表示"), "{html}");
    // Descending: 本館VPN装置 first (it sorts after the Latin names), then PC-119 down.
    assert!(html.contains(">PC-095<") && html.contains(">PC-071<"), "{html}");
    assert!(!html.contains(">PC-096<") && !html.contains(">PC-070<"));
    assert!(html.contains("aria-sort=\"descending\""));
    let (_, facility) = c.text("/facilities/1").await;
    assert!(facility.contains("資産 (121)") && facility.contains("端末PC</a> 120"), "{facility}");
    let (_, html) = c.text("/assets?inet=yes").await;
    assert!(html.contains("全 1 件中") && html.contains("本館VPN装置"));
    let (_, html) = c.text("/assets?category=vpn&q=6.0").await;
    assert!(html.contains("全 1 件中"));
}

#[tokio::test]
async fn roles_limit_what_a_user_can_do() {
    let s = server().await;
    let org = s.org("A", "みなと総合病院").await;
    s.user(org, "auditor@example.jp", Role::Auditor).await;
    s.user(org, "staff@example.jp", Role::Staff).await;
    let auditor = s.login("auditor@example.jp").await;
    assert_eq!(auditor.get("/assets/new").await.status(), 403);
    let res = auditor.post_form("/assets", "/assets", &[("facility", "1"), ("name", "x"), ("category", "pc")]).await;
    assert_eq!(res.status(), 403);
    assert_eq!(auditor.get("/audit").await.status(), 200, "auditors read the audit log");
    assert_eq!(auditor.get("/users").await.status(), 403);

    let staff = s.login("staff@example.jp").await;
    assert_eq!(staff.get("/assets/import").await.status(), 403, "staff do not import");
    assert_eq!(staff.get("/audit").await.status(), 403);
    let res = staff
        .post_form(
            "/assets/new",
            "/assets",
            &[
                ("facility", "1"),
                ("name", "受付PC"),
                ("category", "pc"),
                ("internet_facing", "no"),
                ("remote_maintenance", "no"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200, "staff keep the register up to date");
}

#[tokio::test]
async fn a_facility_manager_sees_only_their_facility() {
    let s = server().await;
    let org = s.org("A", "みなと総合病院").await;
    let p = mamoru_app::Principal::cli(org);
    let clinic = s
        .app
        .create_facility(
            &p,
            &mamoru_domain::FacilityInput { name: "みなと内科クリニック".into(), ..Default::default() },
        )
        .await
        .unwrap();
    let csv = "施設,名称,種別\nみなと総合病院,病院PC,端末PC\nみなと内科クリニック,診療所PC,端末PC\n";
    s.app.import_register(&p, "r.csv", csv.as_bytes(), None).await.unwrap();
    s.user_with(org, "clinic@example.jp", &[Grant { role: Role::Manager, scope: Scope::Facility(clinic) }]).await;
    let c = s.login("clinic@example.jp").await;
    let (_, list) = c.text("/assets").await;
    assert!(list.contains("診療所PC") && !list.contains("病院PC"), "{list}");
    assert_eq!(c.get("/facilities/1").await.status(), 404);
    assert_eq!(c.get("/assets/1").await.status(), 404);
}

#[tokio::test]
async fn the_contact_chain_and_its_printable_chart() {
    let s = server().await;
    let org = s.org("A", "みなと総合病院").await;
    s.user(org, "admin@example.jp", Role::Admin).await;
    let c = s.login("admin@example.jp").await;
    let (_, html) = c.text("/contacts?facility=1").await;
    assert!(html.contains("次の連絡先が未登録です") && html.contains("厚生労働省") && html.contains("警察"), "{html}");

    let res = c.post_form("/parties/new", "/parties", &[("name", "厚生労働省 医政局"), ("kind", "mhlw")]).await;
    assert_eq!(res.status(), 200);
    let res = c
        .post_form(
            "/contacts/new",
            "/contacts",
            &[
                ("party", "1"),
                ("facility", ""),
                ("name", "医療情報担当参事官室"),
                ("role", "report_to"),
                ("phone", "03-5253-1111"),
                ("order", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = c
        .post_form(
            "/contacts/new",
            "/contacts",
            &[
                ("party", ""),
                ("facility", "1"),
                ("name", "情報システム課"),
                ("role", "first_contact"),
                ("email", "not-an-email"),
            ],
        )
        .await;
    assert!(res.text().await.unwrap().contains("メールアドレスではありません"));

    let (status, chart) = c.text("/contacts/chart?facility=1").await;
    assert_eq!(status, 200);
    assert!(chart.contains("連絡体制図") && chart.contains("03-5253-1111") && chart.contains("医療情報担当参事官室"));
    assert!(chart.contains("@media print") || chart.contains("/static/app.css"));
}
