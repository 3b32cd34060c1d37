//! `/readiness/inspection-dates?facility=ID`: the facility's last on-site inspection
//! (立入検査) and the next one expected (次回立入検査予定日), recorded by a manager from the
//! notice received; shown on `/readiness/overview` and in the inspection pack's summary.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mamoru_app::Error as AppError;
use mamoru_app::readiness::inspections::InspectionDatesInput;
use mamoru_domain::access::Action;
use mamoru_domain::{Facility, FacilityId};
use mamoru_report::Document;
use mamoru_store::InspectionDates;

use super::{FacilityQuery, Failed, field, pick};
use crate::error::WebError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::context::Viewer;
use crate::web::forms::{check_csrf, opt_id};
use crate::web::render::{FormErrors, Layout, page};

#[derive(Template)]
#[template(path = "roadmap/inspection_dates.html")]
struct ShowPage {
    tr: Tr,
    layout: Layout,
    facilities: Vec<Facility>,
    facility: Facility,
    can_edit: bool,
    dates: Option<InspectionDates>,
    failed: Failed,
    errors: FormErrors,
}

impl ShowPage {
    fn value(&self, key: &str) -> String {
        let d = self.dates.as_ref();
        let current = match key {
            "last_on" => d.and_then(|d| d.last_on).map(|x| x.to_string()),
            "next_on" => d.and_then(|d| d.next_on).map(|x| x.to_string()),
            _ => d.and_then(|d| d.note.clone()),
        };
        self.failed.value(key, &current.unwrap_or_default())
    }
}

/// Adds the dates to the inspection pack's summary (the first section), page and PDF alike.
pub(crate) fn add_to_summary(doc: &mut Document, dates: Option<&InspectionDates>) {
    let shown = |d: Option<jiff::civil::Date>| d.map_or_else(|| "記録なし".to_owned(), super::ja_date);
    if let Some(summary) = doc.sections.first_mut() {
        summary.fields.push(field("last-inspection", "前回の立入検査", shown(dates.and_then(|d| d.last_on))));
        summary.fields.push(field("next-inspection", "次回立入検査予定日", shown(dates.and_then(|d| d.next_on))));
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
    let dates = state.app.inspection_dates(&v.p, facility.id).await?;
    let refused = !failed.errors.is_empty();
    let mut res = page(&ShowPage {
        tr: v.tr,
        layout: Layout::new(v, "plan.dates_title", "readiness").with_notice(v.tr, done),
        can_edit: v.p.can(Action::AnswerChecklist, Some(facility.id)),
        facilities,
        facility,
        dates,
        errors: failed.errors.clone(),
        failed,
    })?;
    if refused {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// `GET /readiness/inspection-dates`.
pub(crate) async fn show(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<FacilityQuery>,
) -> Result<Response, WebError> {
    render(&v, &state, &q.facility, Failed::default(), q.done.as_deref()).await
}

/// `POST /readiness/inspection-dates`.
pub(crate) async fn save(
    v: Viewer,
    State(state): State<AppState>,
    Form(f): Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    check_csrf(&v, &get("_csrf"))?;
    let facility = opt_id(&get("facility"))?.map(FacilityId::new).ok_or(WebError::NotFound)?;
    let input = InspectionDatesInput { last_on: get("last_on"), next_on: get("next_on"), note: get("note") };
    match state.app.set_inspection_dates(&v.p, facility, &input).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/readiness/inspection-dates?facility={facility}&done=saved")).into_response())
        }
        Err(AppError::Invalid(list)) => {
            let failed = Failed { errors: FormErrors::from_invalid(v.tr, &list), values: f };
            render(&v, &state, &facility.to_string(), failed, None).await
        }
        Err(e) => Err(e.into()),
    }
}
