//! `/readiness/roadmap?facility=ID`: the controls the facility still lacks, ordered into fiscal
//! years with the regulatory dates, as a sheet management can approve; managers record who
//! approved it and on which day. `/readiness/roadmap.pdf` is the same sheet as a PDF.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use mamoru_app::Error as AppError;
use mamoru_app::readiness::roadmap::{ApprovalInput, Roadmap};
use mamoru_domain::access::Action;
use mamoru_domain::{Facility, FacilityId};
use mamoru_report::{Document, Section};

use super::{FacilityQuery, Failed, field, ja_date, pick};
use crate::error::WebError;
use crate::i18n::{Tr, today};
use crate::state::AppState;
use crate::web::context::Viewer;
use crate::web::forms::{check_csrf, opt_id};
use crate::web::render::{FormErrors, Layout, page};

#[derive(Template)]
#[template(path = "roadmap/show.html")]
struct ShowPage {
    tr: Tr,
    layout: Layout,
    facilities: Vec<Facility>,
    facility: Facility,
    can_edit: bool,
    plan: Roadmap,
    failed: Failed,
    errors: FormErrors,
    doc: Document,
    today: String,
}

impl ShowPage {
    fn value(&self, key: &str, default: &str) -> String {
        self.failed.value(key, default)
    }
}

/// The sheet: a summary with the approval, then one section per fiscal year.
pub(crate) fn document(plan: &Roadmap) -> Document {
    let approval = match plan.approvals.first() {
        Some(a) => format!(
            "{}（{}）{}",
            a.approved_by,
            ja_date(a.approved_on),
            a.note.as_deref().map(|n| format!(" {n}")).unwrap_or_default()
        ),
        None => "未承認".into(),
    };
    let overdue: usize = plan.years.iter().map(|y| y.steps.iter().filter(|s| s.overdue).count()).sum();
    let mut summary = vec![
        field("facility", "施設", plan.facility.draft.name.clone()),
        field("steps", "未対応の対策", format!("{}件（うち期限超過・未回答 {}件）", plan.steps(), overdue)),
        field(
            "years",
            "年度",
            plan.years
                .iter()
                .map(|y| format!("{}（{}件）", y.fiscal_year.label_ja(), y.steps.len()))
                .collect::<Vec<_>>()
                .join("、"),
        ),
        field("approval", "承認", approval),
    ];
    if !plan.approvals.is_empty() && plan.changed_since_approval() {
        summary.push(field("changed", "注意", "承認後に計画が変わりました。改めて承認を受けてください。"));
    }
    let mut sections = vec![Section { heading: "概要".into(), fields: summary }];
    for y in &plan.years {
        let fields = y
            .steps
            .iter()
            .map(|s| {
                let label = format!(
                    "{}{}［{}］",
                    if s.overdue { "【期限超過】" } else { "" },
                    s.gap.no.clone().unwrap_or_default(),
                    s.gap.origin.label_ja()
                );
                let mut value = format!("{}\n{}", s.gap.title, s.why);
                if let Some(d) = &s.gap.detail {
                    value.push_str(&format!("\n根拠: {d}"));
                }
                field(format!("{}-{}", y.fiscal_year.year(), s.gap.key), label, value)
            })
            .collect();
        sections.push(Section { heading: format!("{}（{}）", y.fiscal_year.label_ja(), y.fiscal_year), fields });
    }
    Document {
        kind: "roadmap".into(),
        title: "サイバーセキュリティ対策ロードマップ".into(),
        subtitle: Some(plan.facility.draft.name.clone()),
        addressee: Some("経営会議 御中".into()),
        date: ja_date(plan.as_of),
        marks: vec![],
        sections,
        footer: Some("年度は目標日・必須となる年度（二要素認証は令和9年度まで）から決めています。".into()),
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
    let plan = state.app.roadmap(&v.p, facility.id, Timestamp::now()).await?;
    let refused = !failed.errors.is_empty();
    let mut res = page(&ShowPage {
        tr: v.tr,
        layout: Layout::new(v, "plan.roadmap_title", "readiness").with_notice(v.tr, done),
        can_edit: v.p.can(Action::AnswerChecklist, Some(facility.id)),
        facilities,
        facility,
        doc: document(&plan),
        plan,
        errors: failed.errors.clone(),
        failed,
        today: today().to_string(),
    })?;
    if refused {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// `GET /readiness/roadmap`.
pub(crate) async fn show(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<FacilityQuery>,
) -> Result<Response, WebError> {
    render(&v, &state, &q.facility, Failed::default(), q.done.as_deref()).await
}

/// `GET /readiness/roadmap.pdf`.
pub(crate) async fn pdf(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<FacilityQuery>,
) -> Result<Response, WebError> {
    let (_, facility) = pick(&v, &state, &q.facility).await?;
    let plan = state.app.roadmap(&v.p, facility.id, Timestamp::now()).await?;
    super::pdf(document(&plan), format!("roadmap-{}.pdf", facility.id)).await
}

/// `POST /readiness/roadmap/approve`.
pub(crate) async fn approve(
    v: Viewer,
    State(state): State<AppState>,
    Form(f): Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    check_csrf(&v, &get("_csrf"))?;
    let facility = opt_id(&get("facility"))?.map(FacilityId::new).ok_or(WebError::NotFound)?;
    let input = ApprovalInput { approved_by: get("approved_by"), approved_on: get("approved_on"), note: get("note") };
    match state.app.approve_roadmap(&v.p, facility, &input, Timestamp::now()).await {
        Ok(_) => Ok(Redirect::to(&format!("/readiness/roadmap?facility={facility}&done=saved")).into_response()),
        Err(AppError::Invalid(list)) => {
            let failed = Failed { errors: FormErrors::from_invalid(v.tr, &list), values: f };
            render(&v, &state, &facility.to_string(), failed, None).await
        }
        Err(e) => Err(e.into()),
    }
}
