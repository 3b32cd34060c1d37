//! Plans through the app on real store data: the cost estimate's saved figures over the
//! defaults, the roadmap built from the facility's checklist (two-factor in FY2027, a dated
//! いいえ in its year) with its approval, and the inspection dates on the overview.

use jiff::{Timestamp, ToSpan};
use mamoru_app::readiness::inspections::InspectionDatesInput;
use mamoru_app::readiness::roadmap::ApprovalInput;
use mamoru_app::{Error, today};
use mamoru_domain::Problem;
use mamoru_domain::access::{Role, Scope};
use mamoru_domain::readiness::roadmap::Origin;
use mamoru_domain::readiness::{AnswerInput, FiscalYear};

use crate::detect::{app_with_facilities, with};

fn fields(e: Error) -> Vec<(&'static str, Problem)> {
    match e {
        Error::Invalid(v) => v.into_iter().map(|i| (i.field, i.problem)).collect(),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn saved_cost_figures_change_the_estimate_and_bad_ones_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let (app, p, hospital, _) = app_with_facilities(dir.path()).await;
    let before = app.cost_plan(&p, hospital).await.unwrap();
    assert!(before.saved.is_none());
    let form = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    let after = app
        .save_cost_plan(&p, hospital, &[form("days_stopped", "10"), form("revenue_per_day", "1,000,000")])
        .await
        .unwrap();
    let stop = &after.estimate.damage[0];
    assert_eq!((stop.yen, stop.formula.as_str()), (10_000_000, "10日 × 1,000,000円"));
    assert_ne!(after.estimate.damage_total(), before.estimate.damage_total());
    assert_eq!(after.saved.unwrap().values.len(), 2);
    let e = app.save_cost_plan(&p, hospital, &[form("days_stopped", "-1"), form("hourly_rate", "abc")]).await;
    let f: Vec<_> = fields(e.unwrap_err()).into_iter().map(|(f, _)| f).collect();
    assert_eq!(f, ["days_stopped", "hourly_rate"]);
    // Nothing saved on a problem.
    assert_eq!(app.cost_plan(&p, hospital).await.unwrap().estimate.damage[0].yen, 10_000_000);
    let auditor = with(&p, Role::Auditor, Scope::Organization);
    assert!(matches!(app.save_cost_plan(&auditor, hospital, &[]).await, Err(Error::Forbidden)));
}

#[tokio::test]
async fn the_roadmap_orders_the_facilitys_gaps_and_records_its_approval() {
    let dir = tempfile::tempdir().unwrap();
    let (app, p, hospital, _) = app_with_facilities(dir.path()).await;
    let now = Timestamp::now();
    let fy = FiscalYear::of(today());
    let target = fy.end();
    let no = AnswerInput {
        answer: "いいえ".into(),
        confirmed_on: today().to_string(),
        target_on: target.to_string(),
        note: String::new(),
    };
    app.answer_item(&p, hospital, fy, "ops.mds_sds", &no).await.unwrap();
    let plan = app.roadmap(&p, hospital, now).await.unwrap();
    let find = |key: &str| {
        plan.years
            .iter()
            .find_map(|y| y.steps.iter().find(|s| s.gap.key == key).map(|s| (y.fiscal_year, s.clone())))
            .unwrap()
    };
    let (year, mds) = find("ops.mds_sds");
    assert_eq!((year, mds.gap.origin, mds.gap.target), (fy, Origin::AnsweredNo, Some(target)));
    let (year, two_factor) = find("ops.two_factor");
    assert_eq!(year, FiscalYear::of(today()).max(FiscalYear::new(2027).unwrap()), "{two_factor:?}");
    // Unanswered required items are overdue and come first in this year.
    let first = &plan.years[0];
    assert_eq!(first.fiscal_year, fy);
    assert!(first.steps[0].overdue, "{:?}", first.steps[0]);
    assert!(plan.changed_since_approval());

    let bad =
        ApprovalInput { approved_by: " ".into(), approved_on: (today() + 2.days()).to_string(), note: String::new() };
    let f: Vec<_> =
        fields(app.approve_roadmap(&p, hospital, &bad, now).await.unwrap_err()).into_iter().map(|x| x.0).collect();
    assert_eq!(f, ["approved_by", "approved_on"]);
    let ok = ApprovalInput {
        approved_by: "院長 山田".into(), approved_on: today().to_string(), note: "理事会".into()
    };
    let approved = app.approve_roadmap(&p, hospital, &ok, now).await.unwrap();
    assert_eq!(approved.approvals[0].approved_by, "院長 山田");
    assert!(!approved.changed_since_approval());
    // A change to the checklist changes the plan: the approval no longer covers it.
    let yes = AnswerInput { answer: "はい".into(), confirmed_on: today().to_string(), ..Default::default() };
    app.answer_item(&p, hospital, fy, "ops.mds_sds", &yes).await.unwrap();
    assert!(app.roadmap(&p, hospital, now).await.unwrap().changed_since_approval());
}

#[tokio::test]
async fn inspection_dates_show_on_the_overview() {
    let dir = tempfile::tempdir().unwrap();
    let (app, p, hospital, clinic) = app_with_facilities(dir.path()).await;
    let last = today() - 300.days();
    let bad =
        InspectionDatesInput { last_on: last.to_string(), next_on: (last - 1.day()).to_string(), ..Default::default() };
    assert_eq!(
        fields(app.set_inspection_dates(&p, hospital, &bad).await.unwrap_err()),
        [("next_on", Problem::NotAfter(last))]
    );
    let future =
        InspectionDatesInput { last_on: (today() + 1.day()).to_string(), next_on: "x".into(), ..Default::default() };
    let f: Vec<_> =
        fields(app.set_inspection_dates(&p, hospital, &future).await.unwrap_err()).into_iter().map(|x| x.0).collect();
    assert_eq!(f, ["next_on", "last_on"]);
    let next = today() + 60.days();
    let ok = InspectionDatesInput { last_on: last.to_string(), next_on: next.to_string(), note: "保健所".into() };
    app.set_inspection_dates(&p, hospital, &ok).await.unwrap();
    let rows = app.readiness_overview(&p, FiscalYear::of(today()), Timestamp::now()).await.unwrap();
    let of = |f| rows.iter().find(|r| r.facility.id == f).unwrap();
    assert_eq!(of(hospital).inspection.as_ref().map(|d| (d.last_on, d.next_on)), Some((Some(last), Some(next))));
    assert!(of(clinic).inspection.is_none());
    let auditor = with(&p, Role::Auditor, Scope::Organization);
    assert!(matches!(app.set_inspection_dates(&auditor, hospital, &ok).await, Err(Error::Forbidden)));
}
