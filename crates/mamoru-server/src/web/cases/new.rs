//! Opening a case (`/cases/new`, by hand or prefilled from an alert or a finding) and
//! correcting its title, severity, summary and times (`/cases/{id}/edit`).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mamoru_app::Error as AppError;
use mamoru_domain::access::Action;
use mamoru_domain::incident::{CaseInput, CaseSeverity, CaseSource};
use mamoru_domain::{AlertId, CaseId, Facility, FacilityId, FindingId};
use serde::Deserialize;

use super::form_errors;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::context::Viewer;
use crate::web::forms::{check_csrf, opt_id};
use crate::web::render::{FormErrors, Layout, page};

/// Where a new case comes from, as `/cases/new?alert=ID` or `?finding=ID` says.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct SourceQuery {
    alert: Option<i64>,
    finding: Option<i64>,
}

/// The case form as posted (and shown again with its problems).
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct CaseForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    pub(crate) title: String,
    #[serde(default)]
    pub(crate) facility: String,
    #[serde(default)]
    pub(crate) severity: String,
    #[serde(default)]
    pub(crate) summary: String,
    #[serde(default)]
    pub(crate) occurred_at: String,
    #[serde(default)]
    pub(crate) aware_at: String,
    /// `alert:ID`, `finding:ID` or empty.
    #[serde(default)]
    pub(crate) source: String,
}

impl CaseForm {
    fn of(input: &CaseInput, source: CaseSource) -> Self {
        CaseForm {
            title: input.title.clone(),
            facility: input.facility.map(|f| f.to_string()).unwrap_or_default(),
            severity: input.severity.clone(),
            summary: input.summary.clone(),
            occurred_at: input.occurred_at.clone(),
            aware_at: input.aware_at.clone(),
            source: match source {
                CaseSource::Manual => String::new(),
                s => format!("{}:{}", s.code(), s.id().unwrap_or_default()),
            },
            ..Default::default()
        }
    }

    fn input(&self) -> Result<CaseInput, WebError> {
        Ok(CaseInput {
            title: self.title.clone(),
            facility: opt_id(&self.facility)?.map(FacilityId::new),
            severity: self.severity.clone(),
            summary: self.summary.clone(),
            occurred_at: self.occurred_at.clone(),
            aware_at: self.aware_at.clone(),
        })
    }

    fn source(&self) -> CaseSource {
        let (code, id) = self.source.split_once(':').unwrap_or(("", ""));
        CaseSource::from_parts(code, id.parse().ok())
    }
}

#[derive(Template)]
#[template(path = "cases/form.html")]
struct FormPage {
    tr: Tr,
    layout: Layout,
    form: CaseForm,
    errors: FormErrors,
    facilities: Vec<Facility>,
    severities: &'static [CaseSeverity],
    /// Where the form posts.
    action: String,
    /// Editing an open case (the facility stays).
    editing: Option<CaseId>,
    /// An open case already opened from the same alert or finding.
    existing: Option<CaseId>,
}

async fn render(
    v: &Viewer,
    state: &AppState,
    form: CaseForm,
    errors: FormErrors,
    editing: Option<CaseId>,
    existing: Option<CaseId>,
) -> Result<Response, WebError> {
    let allowed = v.p.facilities_for(Action::RespondIncidents);
    let facilities = state.app.facilities(&v.p).await?.into_iter().filter(|f| allowed.contains(f.id)).collect();
    let (title, action) = match editing {
        Some(id) => ("cases.edit_title", format!("/cases/{id}/edit")),
        None => ("cases.new_title", "/cases".to_owned()),
    };
    page(&FormPage {
        tr: v.tr,
        layout: Layout::new(v, title, "cases"),
        form,
        errors,
        facilities,
        severities: CaseSeverity::ALL,
        action,
        editing,
        existing,
    })
}

/// `GET /cases/new`, `?alert=ID` or `?finding=ID` to prefill from one.
pub(crate) async fn form(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<SourceQuery>,
) -> Result<Response, WebError> {
    if !v.p.can_anywhere(Action::RespondIncidents) {
        return Err(WebError::Forbidden);
    }
    let source = match (q.alert, q.finding) {
        (Some(a), _) => CaseSource::Alert(AlertId::new(a)),
        (None, Some(f)) => CaseSource::Finding(FindingId::new(f)),
        (None, None) => CaseSource::Manual,
    };
    let from = state.app.case_form_from(&v.p, source).await?;
    render(&v, &state, CaseForm::of(&from.form, from.source), FormErrors::default(), None, from.existing).await
}

/// `POST /cases`: opens the case and goes to its page.
pub(crate) async fn create(
    v: Viewer,
    State(state): State<AppState>,
    Form(form): Form<CaseForm>,
) -> Result<Response, WebError> {
    check_csrf(&v, &form.csrf)?;
    match state.app.open_case(&v.p, &form.input()?, form.source()).await {
        Ok(id) => Ok(Redirect::to(&format!("/cases/{id}?done=created")).into_response()),
        Err(AppError::Invalid(list)) => {
            let errors = form_errors(v.tr, "case", &list);
            render(&v, &state, form, errors, None, None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /cases/{id}/edit`.
pub(crate) async fn edit(v: Viewer, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, WebError> {
    let c = state.app.case(&v.p, CaseId::new(id)).await?;
    if !v.p.can(Action::RespondIncidents, Some(c.facility)) {
        return Err(WebError::Forbidden);
    }
    let minute = |t: jiff::Timestamp| mamoru_app::tokyo_minute(t);
    let form = CaseForm {
        title: c.title.clone(),
        facility: c.facility.to_string(),
        severity: c.severity.code().to_owned(),
        summary: c.summary.clone().unwrap_or_default(),
        occurred_at: c.occurred_at.map(minute).unwrap_or_default(),
        aware_at: minute(c.aware_at),
        ..Default::default()
    };
    render(&v, &state, form, FormErrors::default(), Some(c.id), None).await
}

/// `POST /cases/{id}/edit`.
pub(crate) async fn update(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(form): Form<CaseForm>,
) -> Result<Response, WebError> {
    check_csrf(&v, &form.csrf)?;
    let id = CaseId::new(id);
    let mut input = form.input().unwrap_or_default();
    input.facility = None;
    match state.app.update_case(&v.p, id, &input).await {
        Ok(()) => Ok(Redirect::to(&format!("/cases/{id}?done=saved")).into_response()),
        Err(AppError::Invalid(list)) => {
            let errors = form_errors(v.tr, "case", &list);
            render(&v, &state, form, errors, Some(id), None).await
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_source_survives_the_round_trip_through_the_form() {
        let a = CaseSource::Alert(AlertId::new(12));
        let form = CaseForm::of(&CaseInput::default(), a);
        assert_eq!((form.source.as_str(), form.source()), ("alert:12", a));
        assert_eq!(CaseForm::default().source(), CaseSource::Manual);
        let f = CaseForm { source: "finding:x".into(), ..Default::default() };
        assert_eq!(f.source(), CaseSource::Manual);
    }
}
