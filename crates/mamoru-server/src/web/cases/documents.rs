//! `/cases/{id}/documents/{code}`: a document drafted from the case record, as a printable page
//! with, beside it, the form of its facts (one record, every authority: a fact edited here
//! changes in every document), and as `.pdf` and `.txt` downloads; a closed case anonymized
//! for sharing with an ISAC.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mamoru_app::Error as AppError;
use mamoru_app::incident::{DOCUMENTS, DocumentKind, is_editable};
use mamoru_domain::CaseId;
use mamoru_domain::access::Action;
use mamoru_domain::incident::report_field;
use mamoru_store::Case;
use serde::Deserialize;

use super::attachment;
use super::forms::report_values;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::context::Viewer;
use crate::web::forms::check_csrf;
use crate::web::render::{FormErrors, Layout, page};

/// `?stage=preliminary|final|both` (the PPC report), `?print=1` (open the print dialogue).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct DocQuery {
    #[serde(default)]
    stage: String,
    #[serde(default)]
    print: String,
    /// The confirmation to show after saving.
    done: Option<String>,
}

/// One field of the document as the page shows it.
pub(crate) struct FieldView {
    pub(crate) key: String,
    pub(crate) label: String,
    pub(crate) value: String,
    /// A fact of the record, edited in the form beside the page.
    pub(crate) editable: bool,
    pub(crate) hint: &'static str,
}

pub(crate) struct SectionView {
    pub(crate) heading: String,
    pub(crate) fields: Vec<FieldView>,
}

#[derive(Template)]
#[template(path = "cases/document.html")]
struct DocumentPage {
    tr: Tr,
    layout: Layout,
    c: Case,
    kind: &'static DocumentKind,
    stage: String,
    print: bool,
    title: String,
    subtitle: Option<String>,
    addressee: Option<String>,
    date: String,
    marks: Vec<(String, bool)>,
    sections: Vec<SectionView>,
    footer: Option<String>,
    /// The facts left empty, by label.
    missing: Vec<String>,
    can_edit: bool,
    errors: FormErrors,
    documents: &'static [DocumentKind],
}

impl DocumentPage {
    /// The document's links keep the stage chosen.
    fn query(&self) -> String {
        if self.stage.is_empty() { String::new() } else { format!("?stage={}", self.stage) }
    }

    fn editable(&self) -> Vec<&FieldView> {
        self.sections.iter().flat_map(|s| s.fields.iter()).filter(|f| f.editable).collect()
    }
}

/// `ppc_report`, `ppc_report.pdf`, `ppc_report.txt` → the document and the format.
fn document_of(code: &str) -> Result<(&'static DocumentKind, &str), WebError> {
    let (code, ext) = match code.rsplit_once('.') {
        Some((c, e @ ("pdf" | "txt"))) => (c, e),
        Some(_) => return Err(WebError::NotFound),
        None => (code, "html"),
    };
    let kind = DOCUMENTS.iter().find(|d| d.code == code).ok_or(WebError::NotFound)?;
    Ok((kind, ext))
}

async fn render(
    v: &Viewer,
    state: &AppState,
    id: CaseId,
    kind: &'static DocumentKind,
    q: &DocQuery,
    edits: Option<&BTreeMap<String, String>>,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let c = state.app.case(&v.p, id).await?;
    let stage = Some(q.stage.as_str()).filter(|s| !s.is_empty());
    let doc = state.app.case_document(&v.p, id, kind.code, stage).await?;
    let sections: Vec<SectionView> = doc
        .sections
        .into_iter()
        .map(|s| SectionView {
            heading: s.heading,
            fields: s
                .fields
                .into_iter()
                .map(|f| {
                    let editable = is_editable(&f.key);
                    let value = match edits.and_then(|e| e.get(&f.key)) {
                        Some(typed) if editable => typed.clone(),
                        _ => f.value,
                    };
                    let hint = report_field(&f.key).map_or("", |r| r.hint_ja);
                    FieldView { key: f.key, label: f.label, value, editable, hint }
                })
                .collect(),
        })
        .collect();
    let missing = sections
        .iter()
        .flat_map(|s| s.fields.iter())
        .filter(|f| f.editable && f.value.trim().is_empty())
        .map(|f| f.label.clone())
        .collect();
    let layout = Layout { title: doc.title.clone(), ..Layout::new(v, "cases.title", "cases") }
        .with_notice(v.tr, q.done.as_deref());
    let failed = !errors.is_empty();
    let mut res = page(&DocumentPage {
        tr: v.tr,
        layout,
        can_edit: v.p.can(Action::RespondIncidents, Some(c.facility)),
        c,
        kind,
        stage: q.stage.clone(),
        print: !q.print.is_empty(),
        title: doc.title,
        subtitle: doc.subtitle,
        addressee: doc.addressee,
        date: doc.date,
        marks: doc.marks.into_iter().map(|m| (m.label, m.checked)).collect(),
        sections,
        footer: doc.footer,
        missing,
        errors,
        documents: DOCUMENTS,
    })?;
    if failed {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// `GET /cases/{id}/documents/{code}` (`.pdf`, `.txt`).
pub(crate) async fn show(
    v: Viewer,
    State(state): State<AppState>,
    Path((id, code)): Path<(i64, String)>,
    Query(q): Query<DocQuery>,
) -> Result<Response, WebError> {
    let id = CaseId::new(id);
    let (kind, ext) = document_of(&code)?;
    let stage = Some(q.stage.as_str()).filter(|s| !s.is_empty());
    match ext {
        "pdf" => {
            let (name, bytes) = state.app.case_document_pdf(&v.p, id, kind.code, stage).await?;
            Ok(attachment(bytes, "application/pdf", &name))
        }
        "txt" => {
            let doc = state.app.case_document(&v.p, id, kind.code, stage).await?;
            let name = format!("case-{id}-{}.txt", kind.code);
            Ok(attachment(doc.to_text().into_bytes(), "text/plain; charset=utf-8", &name))
        }
        _ => render(&v, &state, id, kind, &q, None, FormErrors::default()).await,
    }
}

/// `POST /cases/{id}/documents/{code}`: saves the document's facts to the case record.
pub(crate) async fn save(
    v: Viewer,
    State(state): State<AppState>,
    Path((id, code)): Path<(i64, String)>,
    Query(q): Query<DocQuery>,
    Form(f): Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    check_csrf(&v, f.get("_csrf").map_or("", String::as_str))?;
    let id = CaseId::new(id);
    let (kind, _) = document_of(&code)?;
    let values = report_values(&f);
    match state.app.set_case_fields(&v.p, id, &values).await {
        Ok(()) => {
            let stage = if q.stage.is_empty() { String::new() } else { format!("&stage={}", q.stage) };
            Ok(Redirect::to(&format!("/cases/{id}/documents/{}?done=saved{stage}", kind.code)).into_response())
        }
        Err(AppError::Invalid(list)) => {
            let errors = FormErrors::from_invalid(v.tr, &list);
            render(&v, &state, id, kind, &q, Some(&values), errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /cases/{id}/anonymized.json`: a closed case generalised for an ISAC, as a download.
pub(crate) async fn anonymized(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let id = CaseId::new(id);
    let value = state.app.case_anonymized(&v.p, id).await?;
    let bytes = serde_json::to_vec_pretty(&value).map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(attachment(bytes, "application/json", &format!("case-{id}-anonymized.json")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_named_with_its_format() {
        assert_eq!(document_of("ppc_report").map(|(k, e)| (k.code, e)).ok(), Some(("ppc_report", "html")));
        assert_eq!(document_of("patient_notice.pdf").map(|(k, e)| (k.code, e)).ok(), Some(("patient_notice", "pdf")));
        assert_eq!(document_of("case_summary.txt").map(|(k, e)| (k.code, e)).ok(), Some(("case_summary", "txt")));
        assert!(document_of("ppc_report.exe").is_err() && document_of("nonsense").is_err());
    }
}
