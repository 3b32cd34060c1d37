//! Incident cases in the web UI: opening one from an alert (prefilled), its page with the
//! report deadlines, a form's problems next to its field, evidence with a Japanese file name,
//! who may open cases, and another organisation's case being a 404 everywhere.

use mamoru_app::Principal;
use mamoru_domain::incident::{CaseInput, CaseSource};

use super::alerts::{alert, demo};
use super::support::{hidden, id_in, server};

#[tokio::test]
async fn a_case_opened_from_an_alert_shows_its_deadlines_and_its_problems_next_to_the_field() {
    let s = server().await;
    let org = demo(&s).await;
    let a = alert(&s, org, "FortiGate Administrator Login Failed", "MINATO-FGT60E").await;
    let c = s.login("staff@example.jp").await;

    let (status, html) = c.text("/cases").await;
    assert_eq!(status, 200);
    assert!(html.contains("href=\"/cases\" aria-current=\"page\">インシデント対応</a>"), "the menu entry");
    let (_, html) = c.text(&format!("/alerts/{}", a.id)).await;
    assert!(html.contains(&format!("href=\"/cases/new?alert={}\"", a.id)), "the alert page offers a case");

    let page = format!("/cases/new?alert={}", a.id);
    let (status, html) = c.text(&page).await;
    assert_eq!(status, 200);
    let title = format!("{}（{}）", a.rule_title, a.computer);
    assert!(html.contains(&format!("value=\"{title}\"")), "the title is prefilled");
    assert!(html.contains(&format!("name=\"source\" value=\"alert:{}\"", a.id)));

    // Awareness before occurrence: the problem is next to the field, the typing kept.
    let fields = [
        ("title", title.as_str()),
        ("facility", &a.facility.to_string()),
        ("severity", "high"),
        ("summary", "管理者ログインの失敗が続いている"),
        ("occurred_at", "2026-01-10T10:00"),
        ("aware_at", "2026-01-09T09:00"),
        ("source", &format!("alert:{}", a.id)),
    ]
    .map(|(k, v)| (k, v.to_owned()));
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = c.post_form(&page, "/cases", &form).await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"aware-err\">発生日時より前の日時は入力できません"), "{html}");
    assert!(html.contains("管理者ログインの失敗が続いている"));

    let mut form = form.clone();
    form.retain(|(k, _)| *k != "aware_at");
    form.push(("aware_at", "2026-01-10T11:00"));
    let res = c.post_form(&page, "/cases", &form).await;
    assert_eq!(res.status(), 200);
    assert!(res.url().path().starts_with("/cases/"), "{}", res.url());
    let id = id_in(res.url());
    let html = res.text().await.unwrap();
    assert!(html.contains("登録しました。"));
    assert!(html.contains(&format!("href=\"/alerts/{}\"", a.id)), "the case links to its alert");
    assert!(html.contains("報告義務の判定前"), "deadlines show before the wizard");
    // 2026-01-10 is a Saturday: day 3 (Monday 12th, 成人の日) moves to Tuesday the 13th.
    assert!(html.contains("2026-01-13（火）"), "{html}");
    assert!(!html.contains("報告義務を判定する"), "staff do not decide the report duty");

    // Opening from the same alert again points at the open case.
    let (_, html) = c.text(&page).await;
    assert!(html.contains(&format!("href=\"/cases/{id}\"")));

    // A timeline entry without text: the problem is next to the field, with 422.
    let res = c.post_form(&format!("/cases/{id}"), &format!("/cases/{id}/entries"), &[("text", " ")]).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("id=\"entry-text-err\">入力してください"));

    // An asset of the register joins the scope, named with its facility.
    let (_, html) = c.text(&format!("/cases/{id}")).await;
    let marker = "<select id=\"scope-asset\" name=\"asset\">";
    let options = &html[html.find(marker).expect("the scope form offers assets")..];
    let value = options.split("<option value=\"").nth(2).and_then(|o| o.split('"').next()).unwrap().to_owned();
    let res = c.post_form(&format!("/cases/{id}"), &format!("/cases/{id}/scope"), &[("asset", value.as_str())]).await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("影響範囲に追加（機器）"), "the timeline says so");

    // Evidence with a Japanese name comes back with its name and bytes.
    let csrf = c.csrf(&format!("/cases/{id}")).await;
    let part = reqwest::multipart::Part::bytes(b"LockBit 3.0 ransom note".to_vec()).file_name("脅迫文.txt");
    let body = reqwest::multipart::Form::new().text("_csrf", csrf).text("note", "受付PCの画面").part("file", part);
    let res = c.http.post(c.url(&format!("/cases/{id}/evidence"))).multipart(body).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    let href = format!("/cases/{id}/evidence/");
    let start = html.find(&href).expect("the evidence is listed");
    let link = &html[start..start + html[start..].find('"').unwrap()];
    let res = c.get(link).await;
    assert_eq!(res.status(), 200);
    let disposition = res.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.ends_with("filename*=UTF-8''%E8%84%85%E8%BF%AB%E6%96%87.txt"), "{disposition}");
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"LockBit 3.0 ransom note");
}

#[tokio::test]
async fn auditors_only_read_and_another_organisations_case_is_not_found() {
    let s = server().await;
    demo(&s).await;
    let other = s.org("さくら医療法人", "さくら病院").await;
    let cli = Principal::cli(other);
    let facility = s.app.facilities(&cli).await.unwrap()[0].id;
    let input = CaseInput {
        title: "さくら病院の事案".into(),
        facility: Some(facility),
        severity: "high".into(),
        aware_at: "2026-01-10T11:00".into(),
        ..Default::default()
    };
    let theirs = s.app.open_case(&cli, &input, CaseSource::Manual).await.unwrap();

    let c = s.login("manager@example.jp").await;
    for path in [
        format!("/cases/{theirs}"),
        format!("/cases/{theirs}/edit"),
        format!("/cases/{theirs}/appi"),
        format!("/cases/{theirs}/documents/ppc_report"),
        format!("/cases/{theirs}/evidence/1"),
    ] {
        assert_eq!(c.get(&path).await.status(), 404, "{path}");
    }
    let (_, list) = c.text("/cases?status=all").await;
    assert!(!list.contains("さくら病院の事案"));
    let csrf = hidden(&c.text("/cases").await.1, "_csrf").unwrap();
    let res = c
        .http
        .post(c.url(&format!("/cases/{theirs}/entries")))
        .form(&[("_csrf", csrf.as_str()), ("text", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);

    let a = s.login("auditor@example.jp").await;
    assert_eq!(a.get("/cases").await.status(), 200);
    assert_eq!(a.get("/cases/new").await.status(), 403);
}

#[tokio::test]
async fn a_closed_case_downloads_anonymized_and_an_open_one_does_not() {
    let s = server().await;
    let org = demo(&s).await;
    let cli = Principal::cli(org);
    let facility = s.app.facilities(&cli).await.unwrap()[0].id;
    let input = CaseInput {
        title: "電子カルテサーバのランサムウェア感染".into(),
        facility: Some(facility),
        severity: "critical".into(),
        aware_at: "2026-01-10T11:00".into(),
        ..Default::default()
    };
    let id = s.app.open_case(&cli, &input, CaseSource::Manual).await.unwrap();
    let c = s.login("manager@example.jp").await;
    assert_eq!(c.get(&format!("/cases/{id}/anonymized.json")).await.status(), 400, "open cases are not shared");
    let (_, html) = c.text(&format!("/cases/{id}")).await;
    assert!(!html.contains("anonymized.json"));

    s.app.set_case_status(&cli, id, "closed", "復旧完了").await.unwrap();
    let (_, html) = c.text(&format!("/cases/{id}")).await;
    assert!(html.contains(&format!("href=\"/cases/{id}/anonymized.json\"")), "the closed case offers the export");
    let res = c.get(&format!("/cases/{id}/anonymized.json")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/json");
    let text = res.text().await.unwrap();
    let _: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(!text.contains("みなと"), "no facility name in the export: {text}");
}
