//! The training page over HTTP with a real store: the requirements of a 200-bed hospital with
//! their source; a session posted with an unknown attendee and a future date is refused with
//! each problem beside its field and nothing saved; a good session with a material file is
//! listed with scores, its file downloads, and the overdue list shrinks; the manager recorded
//! here turns the checklist's 1-① proposal to はい; staff see no forms and are refused.

use mamoru_app::Principal;
use mamoru_domain::Role;

use super::support::{hidden, server};

fn session_form(csrf: &str, facility: &str, held_on: &str, people: &[(&str, &str)]) -> reqwest::multipart::Form {
    let mut form = reqwest::multipart::Form::new()
        .text("_csrf", csrf.to_owned())
        .text("facility", facility.to_owned())
        .text("held_on", held_on.to_owned())
        .text("training_title", "標的型メール対策研修")
        .text("material_url", "")
        .text("quiz", "不審な添付は？ | 開く | *開かずに報告する");
    for (id, score) in people {
        form = form.text("attendee", (*id).to_owned()).text(format!("score_{id}"), (*score).to_owned());
    }
    let pdf = reqwest::multipart::Part::bytes(b"%PDF-1.4 training".to_vec()).file_name("研修資料.pdf");
    form.part("material_file", pdf)
}

#[tokio::test]
async fn sessions_are_recorded_with_errors_beside_their_fields() {
    let s = server().await;
    let org = s.org("湊医療グループ", "湊総合病院").await;
    s.user(org, "manager@example.jp", Role::Manager).await;
    let nurse = s.user(org, "nurse@example.jp", Role::Staff).await.to_string();
    let facility = s.app.facilities(&Principal::cli(org)).await.unwrap()[0].id.to_string();
    let c = s.login("manager@example.jp").await;
    let page = format!("/readiness/training?facility={facility}");

    let (status, html) = c.text("/readiness").await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("href=\"/readiness/training?facility={facility}")), "linked from /readiness");
    let (status, html) = c.text(&page).await;
    assert_eq!(status, 200);
    for id in ["manager", "dedicated_manager", "yearly_training", "offline_backup", "bcp_drill"] {
        assert!(html.contains(&format!("data-requirement=\"{id}\"")), "{id}");
    }
    assert!(html.contains("許可病床200床以上の病院") && html.contains("診療録管理体制加算"), "{html}");
    assert!(html.contains("<strong>期限切れ 2</strong> / 2"), "both people overdue");
    let fy = hidden(&html, "fy").unwrap();

    // A future date and a person who is not the facility's: 422, both named, nothing saved.
    let future = format!("{}-01-01", mamoru_app::today().year() + 1);
    let csrf = c.csrf(&page).await;
    let form = session_form(&csrf, &facility, &future, &[(&nurse, "1"), ("987654", "1")]).text("fy", fy.clone());
    let res = c.http.post(c.url("/readiness/training/session")).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("<p class=\"ferr\" id=\"held_on-err\">未来の日時は入力できません</p>"), "{html}");
    assert!(html.contains("<p class=\"ferr\" id=\"attendees-err\">見つかりません: person 987654</p>"), "{html}");
    assert!(html.contains("value=\"標的型メール対策研修\""), "the typing is kept");
    assert!(html.contains("研修の記録はまだありません。"), "nothing saved");

    // A good session: listed with the score and the file; the overdue list shrinks.
    let today = mamoru_app::today().to_string();
    let form = session_form(&csrf, &facility, &today, &[(&nurse, "1")]).text("fy", fy.clone());
    let res = c.http.post(c.url("/readiness/training/session")).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.url().query().unwrap().contains("done=saved"), "{}", res.url());
    let html = res.text().await.unwrap();
    assert!(html.contains("<strong>期限切れ 1</strong> / 2"), "{html}");
    assert!(html.contains("<span class=\"attendee\">nurse@example.jp 1/1</span>"), "{html}");
    let link = html.find("/material/").map(|i| &html[html[..i].rfind('"').unwrap() + 1..]).unwrap();
    let link = &link[..link.find('"').unwrap()];
    let res = c.get(link).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"%PDF-1.4 training");

    // The manager: a bad form names its fields; a good one turns 1-① to はい.
    let res = c
        .post_form(
            &page,
            "/readiness/training/manager",
            &[("facility", &facility), ("fy", &fy), ("appointed_on", &future)],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"manager_user-err\"") && html.contains("id=\"appointed_on-err\""), "{html}");
    let fields = [("facility", facility.as_str()), ("fy", &fy), ("manager_name", "院長 湊太郎"), ("dedicated", "はい")];
    let res = c.post_form(&page, "/readiness/training/manager", &fields).await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("<strong>院長 湊太郎</strong>（専任"));
    let (_, html) = c.text(&format!("/readiness?facility={facility}")).await;
    let item = &html[html.find("data-item=\"governance.manager\"").unwrap()..];
    let item = &item[..item.find("</article>").unwrap()];
    assert!(item.contains("安全管理責任者として 院長 湊太郎（専任）が記録されています。"), "{item}");

    // Staff read only.
    let staff = s.login("nurse@example.jp").await;
    let (status, html) = staff.text(&page).await;
    assert_eq!(status, 200);
    assert!(!html.contains("id=\"session-form\"") && !html.contains("id=\"manager-form\""));
    let csrf = hidden(&html, "_csrf").unwrap_or_default();
    let form = session_form(&csrf, &facility, &today, &[(&nurse, "1")]).text("fy", fy);
    let res = staff.http.post(staff.url("/readiness/training/session")).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), 403);
}
