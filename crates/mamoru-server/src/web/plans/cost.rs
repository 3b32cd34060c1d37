//! `/readiness/cost?facility=ID`: the cost of one incident against a year of measures. Every
//! assumption is a field of the form (managers), its basis stated beside it; the sheet below is
//! what an executive reads and prints; `/readiness/cost.pdf` is the same sheet as a PDF.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mamoru_app::Error as AppError;
use mamoru_app::readiness::cost::CostPlan;
use mamoru_domain::Facility;
use mamoru_domain::access::Action;
use mamoru_domain::readiness::cost::{Line, SPECS, Side, yen};
use mamoru_report::{Document, Section};

use super::{FacilityQuery, Failed, field, ja_date, pick};
use crate::error::WebError;
use crate::i18n::{Tr, today};
use crate::state::AppState;
use crate::web::context::Viewer;
use crate::web::forms::{check_csrf, opt_id};
use crate::web::render::{FormErrors, Layout, page};

/// One form row: the assumption, its value as shown, its error.
pub(crate) struct Row {
    pub(crate) key: &'static str,
    pub(crate) label: &'static str,
    pub(crate) unit: &'static str,
    pub(crate) value: String,
    pub(crate) placeholder: String,
    pub(crate) basis: String,
    pub(crate) error: String,
    pub(crate) damage: bool,
}

#[derive(Template)]
#[template(path = "cost/show.html")]
struct ShowPage {
    tr: Tr,
    layout: Layout,
    facilities: Vec<Facility>,
    facility: Facility,
    can_edit: bool,
    rows: Vec<Row>,
    errors: FormErrors,
    saved_by: Option<String>,
    doc: Document,
}

fn lines(heading: &str, prefix: &str, lines: &[Line], total: i64) -> Section {
    let mut fields: Vec<_> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let formula = if l.formula.is_empty() { String::new() } else { format!("（{}）", l.formula) };
            field(format!("{prefix}-{i}"), l.label, format!("{}円{formula}", yen(l.yen)))
        })
        .collect();
    fields.push(field(format!("{prefix}-total"), "合計", format!("{}円", yen(total))));
    Section { heading: heading.into(), fields }
}

/// The executives' sheet: the conclusion, both sides line by line, every assumption with its
/// basis.
pub(crate) fn document(plan: &CostPlan) -> Document {
    let e = &plan.estimate;
    let (damage, measures) = (e.damage_total(), e.measures_total());
    let mut conclusion = vec![
        field("conclusion-damage", "被害1回あたりの損失（試算）", format!("{}円", yen(damage))),
        field("conclusion-measures", "対策費（年額）", format!("{}円", yen(measures))),
    ];
    if let Some(y) = e.years_covered() {
        conclusion.push(field("years", "被害1回で賄える対策費", format!("{y}年分")));
    }
    if let Some(pm) = e.break_even_permille() {
        conclusion.push(field(
            "break-even",
            "損益分岐",
            format!(
                "攻撃を受ける確率が年{}.{}%を超えるなら、対策費は予想損失より小さい（対策費 ÷ 被害額）",
                pm / 10,
                pm % 10
            ),
        ));
    }
    let assumptions = e
        .assumptions
        .iter()
        .map(|a| {
            field(format!("a-{}", a.spec.key), a.spec.label, format!("{}{} — {}", yen(a.value), a.spec.unit, a.basis))
        })
        .collect();
    Document {
        kind: "cost_estimate".into(),
        title: "サイバー攻撃の被害額と対策費の試算".into(),
        subtitle: Some(plan.facility.draft.name.clone()),
        addressee: Some("経営会議 御中".into()),
        date: ja_date(today()),
        marks: vec![],
        sections: vec![
            Section { heading: "結論".into(), fields: conclusion },
            lines("被害額（1回あたり）", "damage", &e.damage, damage),
            lines("対策費（年額）", "measures", &e.measures, measures),
            Section { heading: "前提（すべて変更可能）".into(), fields: assumptions },
        ],
        footer: Some("前提は /readiness/cost で変更できます。出典のない数値は仮定です。".into()),
    }
}

async fn render(
    v: &Viewer,
    state: &AppState,
    facility: &str,
    failed: Failed,
    done: Option<&str>,
) -> Result<Response, WebError> {
    let (facilities, facility) = pick(v, state, facility).await?;
    let plan = state.app.cost_plan(&v.p, facility.id).await?;
    let rows = plan
        .estimate
        .assumptions
        .iter()
        .map(|a| Row {
            key: a.spec.key,
            label: a.spec.label,
            unit: a.spec.unit,
            // Only the facility's own figures fill the field; a default is the placeholder, so
            // saving the form unchanged keeps defaults (and their stated source) as defaults.
            value: failed.value(a.spec.key, &saved(&plan, a.spec.key)),
            placeholder: a.value.to_string(),
            basis: a.basis.clone(),
            error: failed.errors.get(a.spec.key),
            damage: a.spec.side == Side::Damage,
        })
        .collect();
    let refused = !failed.errors.is_empty();
    let mut res = page(&ShowPage {
        tr: v.tr,
        layout: Layout::new(v, "plan.cost_title", "readiness").with_notice(v.tr, done),
        can_edit: v.p.can(Action::AnswerChecklist, Some(facility.id)),
        facilities,
        rows,
        errors: failed.errors,
        saved_by: plan.saved.as_ref().map(|s| format!("{}（{}）", s.updated_by, v.tr.time(&s.updated_at))),
        doc: document(&plan),
        facility,
    })?;
    if refused {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

fn saved(plan: &CostPlan, key: &str) -> String {
    plan.saved
        .as_ref()
        .and_then(|s| s.values.iter().find(|(k, _)| k == key))
        .map_or(String::new(), |(_, v)| v.to_string())
}

/// `GET /readiness/cost`.
pub(crate) async fn show(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<FacilityQuery>,
) -> Result<Response, WebError> {
    render(&v, &state, &q.facility, Failed::default(), q.done.as_deref()).await
}

/// `GET /readiness/cost.pdf`.
pub(crate) async fn pdf(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<FacilityQuery>,
) -> Result<Response, WebError> {
    let (_, facility) = pick(&v, &state, &q.facility).await?;
    let plan = state.app.cost_plan(&v.p, facility.id).await?;
    super::pdf(document(&plan), format!("cost-{}.pdf", facility.id)).await
}

/// `POST /readiness/cost`: the assumptions; an empty field returns to the default.
pub(crate) async fn save(
    v: Viewer,
    State(state): State<AppState>,
    Form(f): Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    check_csrf(&v, &get("_csrf"))?;
    let facility = opt_id(&get("facility"))?.map(mamoru_domain::FacilityId::new).ok_or(WebError::NotFound)?;
    let input: Vec<(String, String)> =
        SPECS.iter().filter_map(|s| f.get(s.key).map(|v| (s.key.to_owned(), v.clone()))).collect();
    match state.app.save_cost_plan(&v.p, facility, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/readiness/cost?facility={facility}&done=saved")).into_response()),
        Err(AppError::Invalid(list)) => {
            let failed = Failed { errors: FormErrors::from_invalid(v.tr, &list), values: f };
            render(&v, &state, &facility.to_string(), failed, None).await
        }
        Err(e) => Err(e.into()),
    }
}
