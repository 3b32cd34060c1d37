//! Evidence files on a case: the upload (a multipart form, up to
//! [`EVIDENCE_MAX_BYTES`]), the download (the read is on the chain of custody), and a hand-over
//! recorded on the chain.

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use mamoru_app::Error as AppError;
use mamoru_domain::incident::EVIDENCE_MAX_BYTES;
use mamoru_domain::{CaseId, EvidenceId, Invalid, Problem};

use super::attachment;
use super::detail::{Failed, render};
use super::form_errors;
use crate::error::WebError;
use crate::state::AppState;
use crate::web::context::Viewer;
use crate::web::forms::check_csrf;

/// The request body an evidence upload may have: the file and a little more for the form.
pub(crate) const BODY_LIMIT: usize = 26 * 1024 * 1024;

fn multipart_error(e: axum::extract::multipart::MultipartError) -> WebError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        WebError::TooLarge(BODY_LIMIT)
    } else {
        WebError::BadRequest(e.body_text())
    }
}

/// `POST /cases/{id}/evidence`.
pub(crate) async fn upload(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let id = CaseId::new(id);
    let (mut csrf, mut note, mut file) = (String::new(), String::new(), None);
    let mut too_large = false;
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        match field.name().unwrap_or("") {
            "_csrf" => csrf = field.text().await.map_err(multipart_error)?,
            "note" => note = field.text().await.map_err(multipart_error)?,
            "file" => {
                let name = field.file_name().unwrap_or("").chars().take(200).collect::<String>();
                let media_type = field.content_type().unwrap_or("").to_owned();
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                    // Past the limit the rest is read and dropped, so the page can say why.
                    if bytes.len() as u64 + chunk.len() as u64 > EVIDENCE_MAX_BYTES {
                        too_large = true;
                        bytes = Vec::new();
                    } else if !too_large {
                        bytes.extend_from_slice(&chunk);
                    }
                }
                file = Some((name, media_type, bytes));
            }
            _ => {}
        }
    }
    check_csrf(&v, &csrf)?;
    let result = match file {
        _ if too_large => {
            Err(AppError::Invalid(vec![Invalid::new("file", Problem::TooLarge { max_bytes: EVIDENCE_MAX_BYTES })]))
        }
        Some((name, media_type, bytes)) => {
            state.app.add_evidence(&v.p, id, &name, &media_type, bytes, &note).await.map(|_| ())
        }
        None => Err(AppError::Invalid(vec![Invalid::new("file", Problem::Required)])),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/cases/{id}?done=saved#evidence")).into_response()),
        Err(AppError::Invalid(list)) => {
            let values = BTreeMap::from([("note".to_owned(), note)]);
            let failed = Failed { form: "evidence".into(), values, errors: form_errors(v.tr, "evidence", &list) };
            render(&v, &state, id, failed, None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /cases/{id}/evidence/{ev}`: the file as stored, its digest checked on the way out.
pub(crate) async fn download(
    v: Viewer,
    State(state): State<AppState>,
    Path((id, ev)): Path<(i64, i64)>,
) -> Result<Response, WebError> {
    let (e, bytes) = state.app.evidence_file(&v.p, EvidenceId::new(ev)).await?;
    if e.case != CaseId::new(id) {
        return Err(WebError::NotFound);
    }
    // Served as a download only, never shown inline: an uploaded page must not run here.
    Ok(attachment(bytes, "application/octet-stream", &e.name))
}

/// `POST /cases/{id}/evidence/{ev}/custody`: handed over, received or verified, with to whom.
pub(crate) async fn custody(
    v: Viewer,
    State(state): State<AppState>,
    Path((id, ev)): Path<(i64, i64)>,
    Form(f): Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let get = |k: &str| f.get(k).map_or("", String::as_str);
    check_csrf(&v, get("_csrf"))?;
    let id = CaseId::new(id);
    match state.app.hand_over_evidence(&v.p, id, EvidenceId::new(ev), get("action"), get("note")).await {
        Ok(()) => Ok(Redirect::to(&format!("/cases/{id}?done=saved#evidence")).into_response()),
        Err(AppError::Invalid(list)) => {
            let mut values = f.clone();
            values.insert("ev".into(), ev.to_string());
            let failed = Failed { form: "custody".into(), values, errors: form_errors(v.tr, "custody", &list) };
            render(&v, &state, id, failed, None).await
        }
        Err(e) => Err(e.into()),
    }
}
