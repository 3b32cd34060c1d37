//! The inspection view (立入検査): `/readiness/inspection?facility=ID&fy=2025`, one facility's
//! pack for a fiscal year as an inspector reads it — a summary, the four points inspections
//! look at with Mamoru's records behind each, the facility's sheet and the vendors' sheets —
//! with no forms, styled for print; `/readiness/inspection.pdf` with the same query is the same
//! [`mamoru_report::Document`] typeset as an A4 PDF. `/readiness/overview` is every facility
//! on one page ([`overview`]).

mod doc;
pub(crate) mod overview;

use std::sync::{Arc, OnceLock};

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use jiff::Timestamp;
use mamoru_domain::readiness::FiscalYear;
use mamoru_domain::readiness::inspection::Status;
use mamoru_domain::{Facility, FacilityId};
use mamoru_report::{Document, Fonts};
use serde::Deserialize;

use crate::error::WebError;
use crate::i18n::{Tr, today};
use crate::state::AppState;
use crate::web::cases::attachment;
use crate::web::context::Viewer;
use crate::web::forms::opt_id;
use crate::web::render::{Layout, page};

/// `?facility=ID&fy=2025`; both optional (the first facility, the current fiscal year).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PackQuery {
    #[serde(default)]
    facility: String,
    #[serde(default)]
    fy: String,
}

/// The fiscal year asked for, or the current one.
pub(crate) fn fiscal_year(s: &str) -> Result<FiscalYear, WebError> {
    match s.trim() {
        "" => Ok(FiscalYear::of(today())),
        y => y
            .parse::<i16>()
            .ok()
            .and_then(FiscalYear::new)
            .ok_or_else(|| WebError::BadRequest(format!("fy: not a fiscal year: {y:?}"))),
    }
}

/// The Japanese fonts, found once per process (scanning the font folders takes a moment); a
/// failure is kept too, so each request reports it the same way.
pub(crate) fn fonts() -> &'static Result<Fonts, String> {
    static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();
    FONTS.get_or_init(|| Fonts::discover().map_err(|e| e.to_string()))
}

/// One section of the page, with the status class of a point's section.
pub(crate) struct PageSection {
    pub(crate) section: mamoru_report::Section,
    /// `ok`, `warn` or `bad` for the four points; empty for the others.
    pub(crate) class: &'static str,
}

/// The CSS class of a point's status.
pub(crate) fn status_class(s: Status) -> &'static str {
    match s {
        Status::Met => "ok",
        Status::Attach => "warn",
        Status::Gaps => "bad",
    }
}

#[derive(Template)]
#[template(path = "inspection/show.html")]
struct ShowPage {
    tr: Tr,
    layout: Layout,
    facilities: Vec<Facility>,
    facility: Facility,
    fiscal_year: FiscalYear,
    doc: Document,
    sections: Vec<PageSection>,
}

/// The facility asked for, or the first one the user sees, and the pack's document.
async fn pack_document(
    v: &Viewer,
    state: &AppState,
    q: &PackQuery,
) -> Result<(Vec<Facility>, Facility, FiscalYear, Document, Vec<Status>), WebError> {
    let facilities = state.app.facilities(&v.p).await?;
    let facility = match opt_id(&q.facility)? {
        Some(id) => facilities.iter().find(|f| f.id == FacilityId::new(id)).cloned().ok_or(WebError::NotFound)?,
        None => facilities.first().cloned().ok_or(WebError::NotFound)?,
    };
    let fy = fiscal_year(&q.fy)?;
    let pack = state.app.inspection_pack(&v.p, facility.id, fy, Timestamp::now()).await?;
    let statuses = pack.points.iter().map(|p| p.status).collect();
    let mut doc = doc::document(&pack);
    let dates = state.app.inspection_dates(&v.p, facility.id).await?;
    crate::web::plans::dates::add_to_summary(&mut doc, dates.as_ref());
    Ok((facilities, facility, fy, doc, statuses))
}

/// `GET /readiness/inspection`.
pub(crate) async fn show(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<PackQuery>,
) -> Result<Response, WebError> {
    let (facilities, facility, fiscal_year, doc, statuses) = pack_document(&v, &state, &q).await?;
    let mut layout = Layout::new(&v, "inspection.title", "readiness");
    layout.title = format!("{} {}", doc.title, doc.subtitle.clone().unwrap_or_default());
    // The summary comes first, then the four points in order.
    let sections = doc
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| PageSection {
            section: s.clone(),
            class: i.checked_sub(1).and_then(|n| statuses.get(n)).map_or("", |s| status_class(*s)),
        })
        .collect();
    page(&ShowPage { tr: v.tr, layout, facilities, facility, fiscal_year, doc, sections })
}

/// `GET /readiness/inspection.pdf`: the same pack as a PDF download.
pub(crate) async fn pdf(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<PackQuery>,
) -> Result<Response, WebError> {
    let (_, facility, fy, doc, _) = pack_document(&v, &state, &q).await?;
    let name = format!("inspection-{}-fy{}.pdf", facility.id, fy.year());
    let doc = Arc::new(doc);
    let bytes = tokio::task::spawn_blocking(move || {
        let fonts = fonts().as_ref().map_err(|e| WebError::Internal(e.clone()))?;
        mamoru_report::render_pdf(&doc, fonts).map_err(|e| WebError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| WebError::Internal(e.to_string()))??;
    Ok(attachment(bytes, "application/pdf", &name))
}
