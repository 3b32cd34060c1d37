//! The MHLW checklist through the app, on real store data: the demo organisation's proposals,
//! answers that win over proposals, bad answers, and who may answer.

use jiff::ToSpan;
use mamoru_app::readiness::ChecklistView;
use mamoru_app::{App, Config, Error, Principal, today};
use mamoru_domain::access::{Role, Scope};
use mamoru_domain::readiness::rules::{RuleId, Verdict};
use mamoru_domain::readiness::{AnswerInput, FiscalYear, Reply, Sheet};
use mamoru_domain::{ContactInput, FacilityId, Problem};
use mamoru_store::{AuditQuery, Location, Store};

use crate::detect::{app_with_facilities, with};

async fn demo(dir: &std::path::Path) -> (App, Principal, FacilityId, FacilityId) {
    let app = App::new(Store::open(&Location::Dir(dir.to_owned())).await.unwrap(), Config::default());
    let info = app.seed_demo().await.unwrap();
    let p = Principal::cli(info.org);
    let facilities = app.facilities(&p).await.unwrap();
    let id = |name: &str| facilities.iter().find(|f| f.draft.name == name).unwrap().id;
    (app, p, id("みなと総合病院"), id("みなと内科クリニック"))
}

fn this_year() -> FiscalYear {
    FiscalYear::of(today())
}

fn proposed(view: &ChecklistView, item: &str) -> (Verdict, String) {
    let i = view.items.iter().find(|i| i.item.id == item).unwrap_or_else(|| panic!("no item {item}"));
    let p = i.proposal.as_ref().unwrap_or_else(|| panic!("{item} has no rule"));
    (p.verdict, p.reason.clone())
}

async fn proposal_of(
    app: &App,
    p: &Principal,
    facility: FacilityId,
    item: &str,
) -> mamoru_domain::readiness::rules::Proposal {
    let view = app.checklist_view(p, facility, this_year()).await.unwrap();
    view.items.into_iter().find(|i| i.item.id == item).and_then(|i| i.proposal).unwrap()
}

fn answer(reply: &str, confirmed: jiff::civil::Date, target: &str) -> AnswerInput {
    AnswerInput {
        answer: reply.into(),
        confirmed_on: confirmed.to_string(),
        target_on: target.into(),
        note: String::new(),
    }
}

#[tokio::test]
async fn the_demo_facilities_get_answers_proposed_from_their_records() {
    let dir = tempfile::tempdir().unwrap();
    let (app, p, hospital, clinic) = demo(dir.path()).await;
    let view = app.checklist_view(&p, hospital, this_year()).await.unwrap();
    let facility_items = view.edition.items_on(Sheet::Facility).count();
    assert_eq!(view.items.len(), facility_items);
    assert!(view.edition.fiscal_year <= this_year());
    assert_eq!(view.unanswered(), facility_items, "nothing answered yet");

    // The register has servers, PCs and network devices, imported today.
    assert_eq!(proposed(&view, "ops.asset_ledger").0, Verdict::Yes);
    // Both remote-maintenance lines name their vendor.
    assert_eq!(proposed(&view, "ops.remote_maintenance").0, Verdict::Yes);
    let (v, reason) = proposed(&view, "governance.manager");
    assert_eq!(v, Verdict::Yes);
    assert!(reason.contains("佐藤 花子"), "{reason}");
    let (v, reason) = proposed(&view, "incident.contact_chart");
    assert_eq!(v, Verdict::Yes, "{reason}");
    // The demo's administrator logs in without a second factor.
    let (v, reason) = proposed(&view, "ops.two_factor");
    assert_eq!(v, Verdict::No, "{reason}");
    // Required from 令和9年度 (FY2027): before that, いいえ is expected.
    let two_factor = view.items.iter().find(|i| i.item.id == "ops.two_factor").unwrap();
    assert_eq!(two_factor.required, this_year().year() >= 2027);
    // The demo's backup jobs: every system needed for care keeps generations, has an offline
    // copy made and a restore test passed within a year (the accounting system's latest failed,
    // but one passed 24 days ago).
    let (v, reason) = proposed(&view, "incident.backup");
    assert_eq!(v, Verdict::Yes, "{reason}");
    // The demo's BCP is a draft (drilled 60 days ago): not adopted, so いいえ with what to attach.
    let bcp = view.items.iter().find(|i| i.item.id == "incident.bcp").unwrap();
    let asks = bcp.proposal.as_ref().unwrap();
    assert_eq!(asks.verdict, Verdict::No, "{asks:?}");
    assert!(asks.attach.as_deref().is_some_and(|a| a.contains("1年以内")), "{asks:?}");
    // Items no rule answers carry no proposal.
    assert!(view.items.iter().find(|i| i.item.id == "ops.mds_sds").unwrap().proposal.is_none());

    // The clinic has PCs and a router but no server (a cloud EMR, perhaps): a person decides.
    let view = app.checklist_view(&p, clinic, this_year()).await.unwrap();
    let (v, reason) = proposed(&view, "ops.asset_ledger");
    assert_eq!(v, Verdict::Unknown);
    assert!(reason.contains("サーバ"), "{reason}");
}

#[tokio::test]
async fn a_saved_answer_wins_and_the_proposal_stays_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let (app, p, hospital, _) = demo(dir.path()).await;
    let fy = this_year();
    let saved = app
        .answer_item(
            &p,
            hospital,
            fy,
            "ops.two_factor",
            &AnswerInput {
                note: "電子カルテは令和9年度の更新時に導入".into(),
                ..answer("いいえ", today(), &fy.end().to_string())
            },
        )
        .await
        .unwrap();
    assert_eq!((saved.answer.reply, saved.answer.target_on), (Reply::No, Some(fy.end())));
    assert_eq!(saved.proposed.as_ref().map(|s| s.verdict), Some(Verdict::No), "the proposal of the moment is kept");
    assert_eq!(saved.answered_by, p.name);

    // Two-factor login for the one account turns the proposal; the saved answer still counts.
    let admin = app.store().user_by_email(mamoru_app::demo::ADMIN).await.unwrap().unwrap();
    app.store().set_totp(p.org, admin.id, Some("JBSWY3DPEHPK3PXP"), true, &p.actor()).await.unwrap();
    let view = app.checklist_view(&p, hospital, fy).await.unwrap();
    let item = view.items.iter().find(|i| i.item.id == "ops.two_factor").unwrap();
    assert_eq!(item.answer(), Some(Reply::No));
    assert_eq!(item.proposal.as_ref().unwrap().verdict, Verdict::Yes);
    assert_eq!(item.proposal.as_ref().unwrap().rule, RuleId::TwoFactor);
    assert_eq!(view.unanswered(), view.items.len() - 1);

    let log = app
        .store()
        .audit_entries(p.org, &AuditQuery { action_prefix: Some("readiness.".into()), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].facility_id, Some(hospital));
    assert_eq!(log[0].after.as_ref().unwrap()["note"], "電子カルテは令和9年度の更新時に導入");

    app.clear_answer(&p, hospital, fy, "ops.two_factor").await.unwrap();
    let view = app.checklist_view(&p, hospital, fy).await.unwrap();
    assert_eq!(view.unanswered(), view.items.len());
}

#[tokio::test]
async fn bad_answers_are_refused_naming_each_field() {
    let dir = tempfile::tempdir().unwrap();
    let (app, p, hospital, _) = app_with_facilities(dir.path()).await;
    let fy = this_year();
    let tomorrow = today() + 1.day();
    let err = app
        .answer_item(&p, hospital, fy, "ops.mds_sds", &answer("いいえ", tomorrow, &(fy.end() + 1.day()).to_string()))
        .await
        .unwrap_err();
    let Error::Invalid(problems) = err else { panic!("{err}") };
    let got: Vec<_> = problems.iter().map(|i| (i.field, i.problem.clone())).collect();
    assert_eq!(
        got,
        [("confirmed_on", Problem::InFuture), ("target_on", Problem::OutsidePeriod { from: fy.start(), to: fy.end() })]
    );

    let err = app.answer_item(&p, hospital, fy, "ops.no_such_item", &answer("はい", today(), "")).await.unwrap_err();
    assert!(matches!(&err, Error::Invalid(v) if v[0].field == "item"), "{err}");
    let err = app.checklist_view(&p, hospital, FiscalYear::new(2022).unwrap()).await.unwrap_err();
    assert!(matches!(&err, Error::Invalid(v) if v[0].field == "fiscal_year"), "{err}");
    assert!(
        app.store()
            .checklist_answers(
                p.org,
                &mamoru_store::ChecklistKey {
                    facility: hospital,
                    fiscal_year: fy,
                    edition: app.checklist_view(&p, hospital, fy).await.unwrap().edition.id(),
                    vendor: None,
                }
            )
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn managers_answer_staff_and_auditors_read() {
    let dir = tempfile::tempdir().unwrap();
    let (app, p, hospital, clinic) = app_with_facilities(dir.path()).await;
    let fy = this_year();
    let yes = answer("はい", today(), "");
    for (who, may) in [
        (with(&p, Role::Staff, Scope::Organization), false),
        (with(&p, Role::Auditor, Scope::Organization), false),
        (with(&p, Role::Manager, Scope::Facility(clinic)), false),
        (with(&p, Role::Manager, Scope::Facility(hospital)), true),
    ] {
        let r = app.answer_item(&who, hospital, fy, "ops.mds_sds", &yes).await;
        assert_eq!(r.is_ok(), may, "{}: {r:?}", who.name);
        if !may {
            assert!(matches!(r, Err(Error::Forbidden)));
        }
    }
    let auditor = with(&p, Role::Auditor, Scope::Facility(hospital));
    assert!(app.checklist_view(&auditor, hospital, fy).await.is_ok());
    assert!(matches!(app.checklist_view(&auditor, clinic, fy).await, Err(Error::NotFound(_))));
}

#[tokio::test]
async fn the_contact_chart_proposal_follows_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let (app, p, hospital, _) = app_with_facilities(dir.path()).await;
    let fy = this_year();
    let view = app.checklist_view(&p, hospital, fy).await.unwrap();
    assert_eq!(proposed(&view, "incident.contact_chart").0, Verdict::No, "no contact at all");

    let input = |name: &str, role: &str| ContactInput {
        name: name.into(),
        role: role.into(),
        phone: "06-0000-0000".into(),
        ..Default::default()
    };
    let mhlw = app.create_party(&p, "厚生労働省", "厚生労働省", "").await.unwrap();
    let police = app.create_party(&p, "府警察", "警察", "").await.unwrap();
    app.create_contact(&p, None, Some(hospital), &input("情報システム課", "第一報")).await.unwrap();
    app.create_contact(&p, Some(mhlw), None, &input("参事官室", "報告先")).await.unwrap();
    app.create_contact(&p, Some(police), None, &input("相談窓口", "相談先")).await.unwrap();
    // No vendor in the chain, and none in this register: a person decides.
    let view = app.checklist_view(&p, hospital, fy).await.unwrap();
    assert_eq!(proposed(&view, "incident.contact_chart").0, Verdict::Unknown);

    let vendor = app.create_party(&p, "関西ネットワークサービス", "保守業者", "").await.unwrap();
    app.create_contact(&p, Some(vendor), None, &input("保守窓口", "保守窓口")).await.unwrap();
    let view = app.checklist_view(&p, hospital, fy).await.unwrap();
    let (v, reason) = proposed(&view, "incident.contact_chart");
    assert_eq!(v, Verdict::Yes, "{reason}");
}

#[tokio::test]
async fn the_backup_proposal_reads_the_backup_jobs_and_their_results() {
    use mamoru_domain::backup::{JobInput, ResultKind, RunCause};
    use mamoru_store::NewBackupResult;

    let dir = tempfile::tempdir().unwrap();
    let (app, p, hospital, _) = app_with_facilities(dir.path()).await;
    let none = proposal_of(&app, &p, hospital, "incident.backup").await;
    assert_eq!(none.verdict, Verdict::Unknown, "no job: {none:?}");

    let spec = JobInput {
        facility: Some(hospital),
        name: "電子カルテ".into(),
        kind: "電子カルテ".into(),
        needed_for_care: "はい".into(),
        sources: "/srv/emr".into(),
        repository: "/mnt/nas/emr".into(),
        password_file: "/etc/mamoru/emr.pass".into(),
        offline_repository: "/mnt/rdx/emr".into(),
        offline_kind: "removable".into(),
        schedule: "毎日 02:00".into(),
        retention: "日次=7".into(),
        ..Default::default()
    }
    .parse()
    .unwrap();
    let job = app.store().create_backup_job(p.org, &spec, &p.actor()).await.unwrap();
    let record = |kind: ResultKind| {
        let now = jiff::Timestamp::now();
        NewBackupResult {
            kind,
            cause: RunCause::Manual,
            started_at: now,
            finished_at: now,
            duration_ms: 1_000,
            ok: true,
            snapshot_id: None,
            files: None,
            bytes: None,
            message: String::new(),
            details: serde_json::Value::Null,
        }
    };
    for kind in [ResultKind::Backup, ResultKind::Backup, ResultKind::Copy] {
        app.store().record_backup_result(p.org, job, &record(kind), &p.actor()).await.unwrap();
    }
    let untested = proposal_of(&app, &p, hospital, "incident.backup").await;
    assert_eq!(untested.verdict, Verdict::No);
    assert!(untested.reason.contains("電子カルテ（1年以内の復元テストなし）"), "{}", untested.reason);

    app.store().record_backup_result(p.org, job, &record(ResultKind::RestoreTest), &p.actor()).await.unwrap();
    let tested = proposal_of(&app, &p, hospital, "incident.backup").await;
    assert_eq!(tested.verdict, Verdict::Yes, "{tested:?}");
    assert_eq!(tested.evidence, [format!("電子カルテ: 2世代、オフライン／追記不能 あり、復元テスト成功 {}", today())]);
}
