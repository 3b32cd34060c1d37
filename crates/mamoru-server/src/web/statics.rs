//! Static files, the health check, the language switch, and the 404 page.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::error::WebError;
use crate::state::AppState;
use crate::web::context::{LANG_COOKIE, safe_next, set_cookie};

const CSS: &str = include_str!("../../static/app.css");
const JS: &str = include_str!("../../static/app.js");

pub(crate) async fn css() -> Response {
    asset(CSS, "text/css; charset=utf-8")
}

pub(crate) async fn js() -> Response {
    asset(JS, "text/javascript; charset=utf-8")
}

fn asset(body: &'static str, content_type: &'static str) -> Response {
    let mut res = body.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    res
}

/// `GET /healthz`: 200 when the database answers, 503 when it does not.
pub(crate) async fn healthz(State(state): State<AppState>) -> Response {
    match state.app.store().ping().await {
        Ok(()) => (StatusCode::OK, axum::Json(serde_json::json!({ "status": "ok" }))).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, axum::Json(serde_json::json!({ "status": "database unavailable" })))
                .into_response()
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct Next {
    next: Option<String>,
}

/// `GET /lang/{ja|en}?next=…`: remembers the language for a year.
pub(crate) async fn set_lang(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    Query(q): Query<Next>,
) -> Response {
    let lang = if lang == "en" { "en" } else { "ja" };
    let mut headers = HeaderMap::new();
    let cookie = set_cookie(LANG_COOKIE, lang, Some(365 * 24 * 3600), state.config.secure_cookies);
    headers.insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).expect("cookie is ASCII"));
    (headers, Redirect::to(&safe_next(q.next.as_deref()))).into_response()
}

pub(crate) async fn not_found() -> WebError {
    WebError::NotFound
}
