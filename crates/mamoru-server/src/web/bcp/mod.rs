//! `/readiness/bcp?facility=ID`: a facility's cyber-attack BCP as one document (pre-filled
//! from the register, the backup jobs and the restore tests; each system's restore time
//! against its target, red where it is exceeded or never measured), printable, with the forms
//! managers edit it with below it (hidden in print); `/readiness/bcp.pdf` is the same
//! [`mamoru_report::Document`] typeset as an A4 PDF. Section 3 lists the network and system
//! diagrams kept on it ([`diagrams`]), each with its SHA-256.

pub(crate) mod diagrams;
pub(crate) mod doc;

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mamoru_app::Error as AppError;
use mamoru_app::readiness::bcp::{BcpForm, BcpView, SystemForm, SystemRow};
use mamoru_domain::access::Action;
use mamoru_domain::readiness::bcp::Section as Part;
use mamoru_domain::{Facility, FacilityId};
use mamoru_report::{Document, Fonts};
use serde::Deserialize;

use crate::error::WebError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::cases::attachment;
use crate::web::context::Viewer;
use crate::web::forms::{check_csrf, opt_id};
use crate::web::render::{FormErrors, Layout, page};

/// `?facility=ID`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct BcpQuery {
    #[serde(default)]
    facility: String,
    done: Option<String>,
}

/// The Japanese fonts, found once per process.
fn fonts() -> &'static Result<Fonts, String> {
    static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();
    FONTS.get_or_init(|| Fonts::discover().map_err(|e| e.to_string()))
}

/// A section of the page with each field's CSS class.
struct PageSection {
    section: mamoru_report::Section,
    classes: Vec<&'static str>,
}

impl PageSection {
    fn class(&self, i: &usize) -> &'static str {
        self.classes.get(*i).copied().unwrap_or("")
    }
}

#[derive(Template)]
#[template(path = "bcp/show.html")]
struct ShowPage {
    tr: Tr,
    layout: Layout,
    facilities: Vec<Facility>,
    facility: Facility,
    doc: Document,
    sections: Vec<PageSection>,
    view: BcpView,
    can_manage: bool,
    /// The failed form (`bcp` or the system's name) with what was posted.
    failed: Option<(String, BTreeMap<String, String>)>,
    errors: FormErrors,
}

impl ShowPage {
    /// The text of a part: what was posted on a failed save, else the saved or template text.
    fn text(&self, part: &Part) -> String {
        if let Some(("bcp", values)) = self.failed.as_ref().map(|(f, v)| (f.as_str(), v)) {
            return values.get(part.code()).cloned().unwrap_or_default();
        }
        self.view.sections.iter().find(|(p, _)| p == part).map(|(_, t)| t.clone()).unwrap_or_default()
    }

    fn value(&self, form: &str, key: &str, default: String) -> String {
        match &self.failed {
            Some((f, values)) if f == form => values.get(key).cloned().unwrap_or_default(),
            _ => default,
        }
    }

    fn rto(&self, s: &SystemRow) -> String {
        self.value(&s.plan.system, "rto_minutes", s.plan.rto_minutes.map(|m| m.to_string()).unwrap_or_default())
    }

    fn reviewed(&self) -> String {
        let saved = self.view.plan.as_ref().and_then(|p| p.input.approved.as_ref());
        self.value("bcp", "reviewed_on", saved.map(|(d, _)| d.to_string()).unwrap_or_default())
    }

    fn approver(&self) -> String {
        let saved = self.view.plan.as_ref().and_then(|p| p.input.approved.as_ref());
        self.value("bcp", "approved_by", saved.map(|(_, w)| w.clone()).unwrap_or_default())
    }

    fn diagram_max_mb(&self) -> usize {
        mamoru_app::readiness::bcp_diagrams::DIAGRAM_MAX / (1024 * 1024)
    }

    fn err(&self, form: &str, field: &str) -> bool {
        self.failed.as_ref().is_some_and(|(f, _)| f == form) && self.errors.has(field)
    }
}

async fn render(
    v: &Viewer,
    state: &AppState,
    facility_id: &str,
    failed: Option<(String, BTreeMap<String, String>)>,
    errors: FormErrors,
    done: Option<&str>,
) -> Result<Response, WebError> {
    let facilities = state.app.facilities(&v.p).await?;
    let facility = pick(&facilities, facility_id)?;
    let view = state.app.bcp_view(&v.p, facility.id).await?;
    let (doc, classes) = doc::document(&view);
    let sections =
        doc.sections.iter().cloned().zip(classes).map(|(section, classes)| PageSection { section, classes }).collect();
    let refused = !errors.is_empty();
    let mut layout = Layout::new(v, "bcp.title", "readiness").with_notice(v.tr, done);
    layout.title = format!("{} {}", doc.title, facility.draft.name);
    let mut res = page(&ShowPage {
        tr: v.tr,
        layout,
        can_manage: v.p.can(Action::AnswerChecklist, Some(facility.id)),
        facilities,
        facility,
        doc,
        sections,
        view,
        failed,
        errors,
    })?;
    if refused {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

fn pick(facilities: &[Facility], id: &str) -> Result<Facility, WebError> {
    match opt_id(id)? {
        Some(id) => facilities.iter().find(|f| f.id == FacilityId::new(id)).cloned().ok_or(WebError::NotFound),
        None => facilities.first().cloned().ok_or(WebError::NotFound),
    }
}

/// `GET /readiness/bcp`.
pub(crate) async fn show(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<BcpQuery>,
) -> Result<Response, WebError> {
    if q.facility.is_empty() && state.app.facilities(&v.p).await?.is_empty() {
        return Ok(Redirect::to("/facilities").into_response());
    }
    render(&v, &state, &q.facility, None, FormErrors::default(), q.done.as_deref()).await
}

fn back(facility: FacilityId, anchor: &str) -> Response {
    Redirect::to(&format!("/readiness/bcp?facility={facility}&done=saved#{anchor}")).into_response()
}

/// `POST /readiness/bcp`: every section's text and the approval.
pub(crate) async fn save(
    v: Viewer,
    State(state): State<AppState>,
    Form(f): Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    check_csrf(&v, &get("_csrf"))?;
    let facility = opt_id(&get("facility"))?.map(FacilityId::new).ok_or(WebError::NotFound)?;
    let form = BcpForm {
        sections: Part::ALL.iter().filter_map(|p| f.get(p.code()).map(|t| (p.code().to_owned(), t.clone()))).collect(),
        reviewed_on: get("reviewed_on"),
        approved_by: get("approved_by"),
    };
    match state.app.save_bcp(&v.p, facility, &form).await {
        Ok(_) => Ok(back(facility, "document")),
        Err(AppError::Invalid(list)) => {
            let errors = FormErrors::from_invalid(v.tr, &list);
            render(&v, &state, &facility.to_string(), Some(("bcp".into(), f)), errors, None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /readiness/bcp/system`: one system's target, risk and fallback.
pub(crate) async fn system(
    v: Viewer,
    State(state): State<AppState>,
    Form(f): Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    check_csrf(&v, &get("_csrf"))?;
    let facility = opt_id(&get("facility"))?.map(FacilityId::new).ok_or(WebError::NotFound)?;
    let form = SystemForm {
        system: get("system"),
        rto_minutes: get("rto_minutes"),
        risk: get("risk"),
        fallback: get("fallback"),
    };
    match state.app.save_bcp_system(&v.p, facility, &form).await {
        Ok(()) => Ok(back(facility, "systems")),
        Err(AppError::Invalid(list)) => {
            let errors = FormErrors::from_invalid(v.tr, &list);
            render(&v, &state, &facility.to_string(), Some((form.system, f)), errors, None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /readiness/bcp.pdf`: the same document as a PDF download.
pub(crate) async fn pdf(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<BcpQuery>,
) -> Result<Response, WebError> {
    let facilities = state.app.facilities(&v.p).await?;
    let facility = pick(&facilities, &q.facility)?;
    let view = state.app.bcp_view(&v.p, facility.id).await?;
    let doc = Arc::new(doc::document(&view).0);
    let bytes = tokio::task::spawn_blocking(move || {
        let fonts = fonts().as_ref().map_err(|e| WebError::Internal(e.clone()))?;
        mamoru_report::render_pdf(&doc, fonts).map_err(|e| WebError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| WebError::Internal(e.to_string()))??;
    Ok(attachment(bytes, "application/pdf", &format!("bcp-{}.pdf", facility.id)))
}
