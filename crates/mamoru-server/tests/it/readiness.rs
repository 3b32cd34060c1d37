//! The readiness page over HTTP with a real store: a manager sees every item of the facility's
//! sheet with the proposals and a form per item; a 確認日 in the future is refused beside its
//! field and saves nothing; a good answer is saved and shown, on the page and on the sheet for
//! printing; a staff member sees no form and is refused when posting anyway; a form without
//! the session's token is refused.

use mamoru_app::Principal;
use mamoru_domain::readiness::FiscalYear;
use mamoru_domain::{FacilityId, Role};

use super::support::{hidden, server};

#[tokio::test]
async fn managers_answer_items_and_others_only_read() {
    let s = server().await;
    let org = s.org("湊医療グループ", "湊総合病院").await;
    s.user(org, "manager@example.jp", Role::Manager).await;
    s.user(org, "staff@example.jp", Role::Staff).await;
    let facility = s.app.facilities(&Principal::cli(org)).await.unwrap()[0].id.to_string();
    let c = s.login("manager@example.jp").await;

    let (status, html) = c.text("/readiness").await;
    assert_eq!(status, 200);
    assert!(html.contains("湊総合病院") && html.contains("医療機関確認用"), "{html}");
    assert!(html.contains("<a href=\"/readiness\" aria-current=\"page\">チェックリスト</a>"), "the menu entry");
    for group in ["体制構築", "医療情報システムの管理・運用", "インシデント発生に備えた対応"]
    {
        assert!(html.contains(&format!("<h2>{group}</h2>")), "{group}");
    }
    // The empty register: 2-① proposes いいえ with its reason.
    let ledger = &html[html.find("data-item=\"ops.asset_ledger\"").unwrap()..];
    let ledger = &ledger[..ledger.find("</article>").unwrap()];
    assert!(ledger.contains("台帳に機器が登録されていません。"), "{ledger}");
    let forms = html.matches("action=\"/readiness/answer\"").count();
    assert_eq!(forms, html.matches("<article class=\"card ritem\"").count(), "one form per item");
    let fy = hidden(&html, "fy").unwrap();
    let year: i16 = fy.parse().unwrap();

    // A 確認日 in the future: 422, the message beside 確認日 of that item only.
    let answer = |confirmed: String, target: String| {
        let fields = [
            ("facility", facility.clone()),
            ("fy", fy.clone()),
            ("item", "ops.asset_ledger".to_owned()),
            ("answer", "いいえ".to_owned()),
            ("confirmed_on", confirmed),
            ("target_on", target),
            ("note", "台帳を整備中".to_owned()),
        ];
        let c = &c;
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            c.post_form("/readiness", "/readiness/answer", &fields).await
        }
    };
    let res = answer(format!("{}-01-01", year + 5), format!("{}-03-31", year + 1)).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("<p class=\"ferr\" id=\"confirmed-ops-asset_ledger-err\">未来の日時は入力できません</p>"),
        "{html}"
    );
    assert_eq!(html.matches("class=\"ferr\"").count(), 1);
    assert!(html.contains("value=\"台帳を整備中\""), "the typing is kept");
    let (f, year_of) = (FacilityId::new(facility.parse().unwrap()), FiscalYear::new(year).unwrap());
    let view = s.app.checklist_view(&Principal::cli(org), f, year_of).await.unwrap();
    assert!(view.items.iter().all(|i| i.saved.is_none()), "nothing saved");

    // A good answer: back on the page at the item, shown with its dates and who.
    let res = answer(format!("{year}-04-01"), format!("{}-03-31", year + 1)).await;
    assert_eq!(res.status(), 200);
    assert!(res.url().query().unwrap().contains("done=saved"), "{}", res.url());
    let html = res.text().await.unwrap();
    let item = &html[html.find("data-item=\"ops.asset_ledger\"").unwrap()..];
    let item = &item[..item.find("</article>").unwrap()];
    assert!(item.contains("<td class=\"answer\"><strong>いいえ</strong></td>"), "{item}");
    assert!(item.contains(&format!("<td class=\"confirmed\">{year}-04-01</td>")), "{item}");
    assert!(item.contains(&format!("<td class=\"target\">{}-03-31</td>", year + 1)), "{item}");
    assert!(item.contains("manager@example.jp"), "{item}");
    // The sheet for printing has the answer in the item's row, the others blank to fill in.
    let (status, sheet) = c.text(&format!("/readiness/print?facility={facility}&fy={fy}")).await;
    assert_eq!(status, 200);
    let row = &sheet[sheet.find("<tr data-item=\"ops.asset_ledger\">").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("<td class=\"nw answer\">いいえ</td>"), "{row}");
    assert!(row.contains(&format!("<td class=\"nw target\">{}-03-31</td>", year + 1)), "{row}");
    assert!(sheet.contains("<tr data-item=\"ops.mds_sds\">"), "every item has its row");

    // Without the session's token.
    let res = c
        .http
        .post(c.url("/readiness/answer"))
        .form(&[("_csrf", "forged"), ("facility", facility.as_str()), ("fy", fy.as_str()), ("item", "ops.mds_sds")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    // Staff read the sheet but have no form, and a post is refused.
    let staff = s.login("staff@example.jp").await;
    let (status, html) = staff.text(&format!("/readiness?facility={facility}&fy={fy}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("manager@example.jp") && !html.contains("/readiness/answer"), "read only");
    let fields = [
        ("facility", facility.as_str()),
        ("fy", fy.as_str()),
        ("item", "ops.mds_sds"),
        ("answer", "はい"),
        ("confirmed_on", &format!("{year}-04-01")),
    ];
    let res = staff.post_form("/readiness", "/readiness/answer", &fields).await;
    assert_eq!(res.status(), 403);

    // A year before the first edition, and one that is not a year.
    assert_eq!(c.text(&format!("/readiness?facility={facility}&fy=2019")).await.0, 400);
    assert_eq!(c.text("/readiness?fy=abc").await.0, 400);

    // An organisation without a facility yet is sent to add one.
    let empty = s.app.create_org("新設クリニック").await.unwrap();
    s.user(empty, "owner@example.jp", Role::Admin).await;
    let res = s.login("owner@example.jp").await.get("/readiness").await;
    assert_eq!((res.status().as_u16(), res.url().path()), (200, "/facilities"));
}
