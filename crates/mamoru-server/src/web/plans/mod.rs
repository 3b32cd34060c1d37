//! Plans for management: `/readiness/cost` (the cost of one incident against a year of
//! measures, every assumption editable and stated), `/readiness/roadmap` (the controls the
//! facility lacks, by fiscal year, with who approved the plan) and
//! `/readiness/inspection-dates` (the last and next on-site inspection). The cost and roadmap
//! each build one [`mamoru_report::Document`]: the page's printable sheet and the PDF
//! (`.pdf` with the same query) are the same document.

pub(crate) mod cost;
pub(crate) mod dates;
pub(crate) mod roadmap;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::response::Response;
use jiff::civil::Date;
use mamoru_domain::{Facility, FacilityId};
use mamoru_report::Document;
use serde::Deserialize;

use crate::error::WebError;
use crate::state::AppState;
use crate::web::cases::attachment;
use crate::web::context::Viewer;
use crate::web::forms::opt_id;
use crate::web::render::FormErrors;

/// `?facility=ID`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct FacilityQuery {
    #[serde(default)]
    pub(crate) facility: String,
    pub(crate) done: Option<String>,
}

/// A refused form: what was posted and the problems.
#[derive(Debug, Default)]
pub(crate) struct Failed {
    pub(crate) values: BTreeMap<String, String>,
    pub(crate) errors: FormErrors,
}

impl Failed {
    /// The posted value, or `default` when the form was not refused.
    pub(crate) fn value(&self, key: &str, default: &str) -> String {
        match self.errors.is_empty() {
            true => default.to_owned(),
            false => self.values.get(key).cloned().unwrap_or_default(),
        }
    }
}

/// The facility asked for, or the first one the user sees, and all of them for the picker.
pub(crate) async fn pick(v: &Viewer, state: &AppState, id: &str) -> Result<(Vec<Facility>, Facility), WebError> {
    let facilities = state.app.facilities(&v.p).await?;
    let facility = match opt_id(id)? {
        Some(id) => facilities.iter().find(|f| f.id == FacilityId::new(id)).cloned().ok_or(WebError::NotFound)?,
        None => facilities.first().cloned().ok_or(WebError::NotFound)?,
    };
    Ok((facilities, facility))
}

/// `2026年11月26日`.
pub(crate) fn ja_date(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// A document typeset as a PDF download.
pub(crate) async fn pdf(doc: Document, name: String) -> Result<Response, WebError> {
    let doc = Arc::new(doc);
    let bytes = tokio::task::spawn_blocking(move || {
        let fonts = crate::web::inspection::fonts().as_ref().map_err(|e| WebError::Internal(e.clone()))?;
        mamoru_report::render_pdf(&doc, fonts).map_err(|e| WebError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| WebError::Internal(e.to_string()))??;
    Ok(attachment(bytes, "application/pdf", &name))
}

/// A field of a document.
pub(crate) fn field(
    key: impl Into<String>,
    label: impl Into<String>,
    value: impl Into<String>,
) -> mamoru_report::Field {
    mamoru_report::Field { key: key.into(), label: label.into(), value: value.into() }
}
