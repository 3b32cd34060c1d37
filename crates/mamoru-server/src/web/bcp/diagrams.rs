//! `/readiness/bcp/diagrams`: network and system diagrams on a facility's BCP — uploaded by
//! its managers (multipart), downloaded by whoever may see the BCP, removed with an audit
//! entry. A file is only ever sent as a download (never inline: an uploaded page must not
//! run here), and its SHA-256 is checked on the way out.

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use mamoru_app::Error as AppError;
use mamoru_app::readiness::bcp_diagrams::{DIAGRAM_MAX, DiagramFile};
use mamoru_domain::{FacilityId, Invalid, Problem};

use crate::error::WebError;
use crate::web::context::Viewer;
use crate::web::forms::{check_csrf, opt_id};
use crate::web::render::FormErrors;

/// The request body an upload may have: the file and a little more for the form.
pub(crate) const BODY_LIMIT: usize = DIAGRAM_MAX + 64 * 1024;

/// The form name a failed upload is shown against.
pub(crate) const FORM: &str = "diagram";

/// `POST /readiness/bcp/diagrams`: keeps a diagram on the facility's BCP.
pub(crate) async fn upload(
    v: Viewer,
    State(state): State<crate::state::AppState>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            WebError::TooLarge(BODY_LIMIT)
        } else {
            WebError::BadRequest(e.body_text())
        }
    };
    let (mut csrf, mut facility) = (String::new(), String::new());
    let mut file = DiagramFile::default();
    let mut too_large = false;
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        match field.name().unwrap_or("") {
            "_csrf" => csrf = field.text().await.map_err(bad)?,
            "facility" => facility = field.text().await.map_err(bad)?,
            "file" => {
                file.file_name = field.file_name().unwrap_or("").to_owned();
                file.media_type = field.content_type().unwrap_or("").to_owned();
                while let Some(chunk) = field.chunk().await.map_err(bad)? {
                    // Past the limit the rest is read and dropped, so the page can say why.
                    too_large |= file.content.len() + chunk.len() > DIAGRAM_MAX;
                    if !too_large {
                        file.content.extend_from_slice(&chunk);
                    }
                }
            }
            _ => {}
        }
    }
    check_csrf(&v, &csrf)?;
    let facility_id = opt_id(&facility)?.map(FacilityId::new).ok_or(WebError::NotFound)?;
    let result = if too_large {
        Err(AppError::Invalid(vec![Invalid::new("file", Problem::TooLarge { max_bytes: DIAGRAM_MAX as u64 })]))
    } else {
        state.app.attach_bcp_diagram(&v.p, facility_id, file).await.map(|_| ())
    };
    match result {
        Ok(()) => Ok(super::back(facility_id, "diagrams")),
        Err(AppError::Invalid(list)) => {
            let errors = FormErrors::from_invalid(v.tr, &list);
            super::render(&v, &state, &facility, Some((FORM.into(), BTreeMap::new())), errors, None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /readiness/bcp/diagrams/{id}`: the file as kept, its digest checked on the way out.
pub(crate) async fn download(
    v: Viewer,
    State(state): State<crate::state::AppState>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let (file, bytes) = state.app.bcp_diagram(&v.p, id).await?;
    // A download only, never shown inline: an uploaded page must not run here.
    Ok(crate::web::cases::attachment(bytes, "application/octet-stream", &file.name))
}

/// `POST /readiness/bcp/diagrams/{id}/remove`: removes a diagram (audited).
pub(crate) async fn remove(
    v: Viewer,
    State(state): State<crate::state::AppState>,
    Path(id): Path<i64>,
    Form(f): Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    check_csrf(&v, f.get("_csrf").map_or("", String::as_str))?;
    let gone = state.app.remove_bcp_diagram(&v.p, id).await?;
    Ok(Redirect::to(&format!("/readiness/bcp?facility={}&done=deleted#diagrams", gone.facility)).into_response())
}
