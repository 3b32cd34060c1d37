//! `/backups/report?facility=ID&fy=2026`: the annual backup report of one facility and fiscal
//! year as a printable page (`&print=1` without the chooser), and `/backups/report.pdf` with
//! the same query as an A4 PDF typeset in-process.

use std::sync::{Arc, OnceLock};

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use jiff::Timestamp;
use mamoru_app::backup::fiscal_year_of;
use mamoru_domain::{Facility, FacilityId};
use mamoru_report::{Document, Fonts};
use serde::Deserialize;

use super::report_doc;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::cases::attachment;
use crate::web::context::Viewer;
use crate::web::forms::opt_id;
use crate::web::render::{Layout, page};

/// `?facility=ID&fy=YYYY&print=1`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ReportQuery {
    #[serde(default)]
    facility: String,
    #[serde(default)]
    fy: String,
    #[serde(default)]
    print: String,
}

impl ReportQuery {
    /// The fiscal year asked for, or the current one.
    fn fiscal_year(&self) -> Result<i16, WebError> {
        match self.fy.trim() {
            "" => Ok(fiscal_year_of(Timestamp::now())),
            s => s.parse().map_err(|_| WebError::BadRequest(format!("fy: not a year: {s:?}"))),
        }
    }
}

#[derive(Template)]
#[template(path = "backups/report.html")]
struct ReportPage {
    tr: Tr,
    layout: Layout,
    facilities: Vec<Facility>,
    facility: String,
    fiscal_year: i16,
    /// Years offered: from five years back to the current one.
    years: Vec<i16>,
    print: bool,
    /// The report, once a facility is chosen.
    doc: Option<Document>,
}

/// The Japanese fonts, found once per process (scanning the font folders takes a moment); a
/// failure is kept too, so each request reports it the same way.
fn fonts() -> &'static Result<Fonts, String> {
    static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();
    FONTS.get_or_init(|| Fonts::discover().map_err(|e| e.to_string()))
}

async fn report_document(v: &Viewer, state: &AppState, q: &ReportQuery) -> Result<Option<Document>, WebError> {
    let Some(facility) = opt_id(&q.facility)?.map(FacilityId::new) else { return Ok(None) };
    let report = state.app.annual_backup_report(&v.p, facility, q.fiscal_year()?, Timestamp::now()).await?;
    Ok(Some(report_doc::document(&report)))
}

/// `GET /backups/report`.
pub(crate) async fn show(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, WebError> {
    let doc = report_document(&v, &state, &q).await?;
    let current = fiscal_year_of(Timestamp::now());
    let mut layout = Layout::new(&v, "backups.report_title", "backups");
    if let Some(d) = &doc {
        layout.title = format!("{} {}", d.title, d.subtitle.clone().unwrap_or_default());
    }
    let fiscal_year = q.fiscal_year()?;
    let mut years: Vec<i16> = (current - 5..=current).rev().collect();
    if !years.contains(&fiscal_year) {
        years.push(fiscal_year);
        years.sort_unstable_by(|a, b| b.cmp(a));
    }
    page(&ReportPage {
        tr: v.tr,
        layout,
        facilities: state.app.facilities(&v.p).await?,
        facility: q.facility.clone(),
        fiscal_year,
        years,
        print: !q.print.is_empty(),
        doc,
    })
}

/// `GET /backups/report.pdf`: the same report as a PDF download.
pub(crate) async fn pdf(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, WebError> {
    let doc = report_document(&v, &state, &q)
        .await?
        .ok_or_else(|| WebError::BadRequest("facility: choose the facility to report on".into()))?;
    let name = format!("backup-report-{}-fy{}.pdf", q.facility.trim(), q.fiscal_year()?);
    let doc = Arc::new(doc);
    let bytes = tokio::task::spawn_blocking(move || {
        let fonts = fonts().as_ref().map_err(|e| WebError::Internal(e.clone()))?;
        mamoru_report::render_pdf(&doc, fonts).map_err(|e| WebError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| WebError::Internal(e.to_string()))??;
    Ok(attachment(bytes, "application/pdf", &name))
}
