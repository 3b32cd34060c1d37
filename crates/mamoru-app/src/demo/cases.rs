//! The demo's incident case: a suspected intrusion through the hospital's VPN appliance,
//! two days into its response, so the case page, its deadlines and the documents have
//! something true-to-life to show. It is entered through the same methods a person uses.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use mamoru_domain::incident::{CaseInput, CaseSource, EntryInput, IocInput, TaskInput};
use mamoru_domain::{FacilityId, OrgId};

use crate::error::Result;
use crate::incident::{AppiForm, ContactLog};
use crate::{App, Principal};

/// Opens the demo case at the hospital and works it as a person would have.
pub(super) async fn seed(app: &App, org: OrgId, hospital: FacilityId) -> Result<()> {
    let p = Principal::system(org);
    let now = Timestamp::now();
    // Times relative to now, typed in Japan time as a person would.
    let ago = |hours: i64| crate::tokyo_minute(now - SignedDuration::from_hours(hours));
    let form = CaseInput {
        title: "VPN装置への不正ログインの疑い（電子カルテ端末で不審な管理者追加）".into(),
        facility: Some(hospital),
        severity: "high".into(),
        summary: "FortiGateへの管理者ログイン失敗が多発した後、電子カルテ端末でローカル管理者の追加を検知".into(),
        occurred_at: ago(50),
        aware_at: ago(48),
    };
    let id = app.open_case(&p, &form, CaseSource::Manual).await?;
    for (key, hours, note) in [
        ("isolate", 47, "該当端末のLANケーブルを抜線"),
        ("keep_power", 47, ""),
        ("preserve", 46, "画面を撮影、VPN装置のログを保存"),
    ] {
        app.tick_first_hour(&p, id, key, &ago(hours), note).await?;
    }
    let chain = app.contact_chain(&p, Some(hospital)).await?;
    let first = |kind: &str| chain.iter().find(|e| e.party.as_ref().is_some_and(|p| p.draft.kind.code() == kind));
    if let Some(vendor) = first("vendor") {
        let log = ContactLog {
            contact: Some(vendor.contact.id),
            outcome: "reached".into(),
            at: ago(46),
            note: "ログ解析を依頼".into(),
        };
        app.log_case_contact(&p, id, &log).await?;
        app.tick_first_hour(&p, id, "call_vendor", &ago(46), "").await?;
    }
    if let Some(mhlw) = first("mhlw") {
        let log =
            ContactLog {
                contact: Some(mhlw.contact.id), outcome: "called".into(), at: ago(30), note: "第一報".into()
            };
        app.log_case_contact(&p, id, &log).await?;
    }
    let entry = EntryInput {
        at: ago(40),
        kind: "event".into(),
        text: "保守事業者より: VPN装置のファームウェアが既知の悪用される脆弱性（CVE-2018-13379）の影響を受ける版"
            .into(),
    };
    app.add_case_entry(&p, id, &entry).await?;
    let task = TaskInput {
        title: "VPN装置のファームウェア更新".into(),
        owner: "関西ネットワークサービス".into(),
        due: String::new(),
    };
    app.add_case_task(&p, id, &task).await?;
    app.add_case_ioc(
        &p,
        id,
        &IocInput {
            value: "203.0.113.50".into(),
            note: "VPN装置への管理者ログイン失敗の送信元".into(),
            ..Default::default()
        },
    )
    .await?;
    app.add_case_scope(&p, id, None, None, "電子カルテ（外来端末）").await?;
    let facts = BTreeMap::from([
        ("overview".to_owned(), "外部からVPN装置への管理者ログイン試行が多発し、その後、外来の電子カルテ端末にローカル管理者アカウントが追加された。患者情報の閲覧・持ち出しの有無を調査中。".to_owned()),
        ("data_items".to_owned(), "氏名、生年月日、患者ID、病名・診療記録（要配慮個人情報）".to_owned()),
        ("cause".to_owned(), "調査中（VPN装置の既知の脆弱性が悪用された可能性）".to_owned()),
        ("discovery".to_owned(), "Mamoruの検知アラート（ローカル管理者グループへの追加）を情報システム課が確認".to_owned()),
        ("care_impact".to_owned(), "外来端末2台を停止。紙運用で外来診療を継続".to_owned()),
    ]);
    app.set_case_fields(&p, id, &facts).await?;
    let wizard = AppiForm {
        occurrence: "may_have_occurred".into(),
        sensitive: "yes".into(),
        improper_purpose: "yes".into(),
        people_may_exceed: "yes".into(),
        ..Default::default()
    };
    app.decide_appi(&p, id, &wizard).await?;
    app.set_case_status(&p, id, "containment", "端末隔離済み").await?;
    Ok(())
}
