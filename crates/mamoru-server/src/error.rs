//! Errors as responses: a bilingual HTML page for the UI, a JSON body for the API.
//!
//! Internal failures are logged with a short reference that the page shows, so a user can
//! quote it; their details never reach the client.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Serialize;

use crate::i18n::{Lang, problem_text};

/// Why a page could not be shown.
#[derive(Debug, thiserror::Error)]
pub(crate) enum WebError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("the form's security token is missing or stale")]
    Csrf,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("too large (limit {0} bytes)")]
    TooLarge(usize),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("login required")]
    Login,
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<mamoru_app::Error> for WebError {
    fn from(e: mamoru_app::Error) -> Self {
        use mamoru_app::Error as E;
        match e {
            E::Forbidden => WebError::Forbidden,
            E::NotFound(_) => WebError::NotFound,
            E::SessionEnded => WebError::Login,
            E::Invalid(list) => WebError::BadRequest(
                list.iter()
                    .map(|i| format!("{}: {}", i.field, problem_text(Lang::Ja, &i.problem)))
                    .collect::<Vec<_>>()
                    .join(" / "),
            ),
            E::File(f) => WebError::BadRequest(f.to_string()),
            E::Rejected { .. } | E::BadCredentials | E::BadTotp | E::LockedOut { .. } => {
                WebError::BadRequest(e.to_string())
            }
            E::LastAdmin | E::InUse(_) => WebError::Conflict(e.to_string()),
            other => WebError::Internal(format!("{other:#?}")),
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    ja: &'a str,
    en: &'a str,
    detail: String,
    reference: String,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, ja, en) = match &self {
            WebError::Login => return Redirect::to("/login").into_response(),
            WebError::NotFound => (StatusCode::NOT_FOUND, "ページが見つかりません。", "Page not found."),
            WebError::Forbidden => {
                (StatusCode::FORBIDDEN, "この操作を行う権限がありません。", "You are not allowed to do this.")
            }
            WebError::Csrf => (
                StatusCode::FORBIDDEN,
                "フォームの有効期限が切れたか、不正な送信です。ページを開き直してからもう一度お試しください。",
                "The form has expired or did not come from this site. Reload the page and try again.",
            ),
            WebError::BadRequest(_) => {
                (StatusCode::BAD_REQUEST, "入力内容に誤りがあります。", "The request is not valid.")
            }
            WebError::TooLarge(_) => {
                (StatusCode::PAYLOAD_TOO_LARGE, "ファイルが大きすぎます。", "The file is too large.")
            }
            WebError::Conflict(_) => (
                StatusCode::CONFLICT,
                "この操作は現在の状態ではできません。",
                "This cannot be done in the current state.",
            ),
            WebError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "サーバで問題が発生しました。時間をおいて再度お試しください。",
                "Something went wrong on the server. Please try again later.",
            ),
        };
        let reference = match &self {
            WebError::Internal(detail) => {
                let r = short_reference();
                tracing::error!(reference = %r, %detail, "internal error");
                r
            }
            _ => String::new(),
        };
        let detail = match &self {
            WebError::BadRequest(d) | WebError::Conflict(d) => d.clone(),
            WebError::TooLarge(limit) => format!("上限 / limit: {} MB", limit / (1024 * 1024)),
            _ => String::new(),
        };
        let page = ErrorPage { status: status.as_u16(), ja, en, detail, reference };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, en).into_response(),
        }
    }
}

/// A short random reference for an error, e.g. `E-3F9A2C`.
fn short_reference() -> String {
    let n = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    format!("E-{:06X}", n & 0xFF_FFFF)
}

/// An API error body: `{"error": "invalid", "message": "...", "fields": [...]}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct ApiErrorBody {
    /// A stable code: `not_found`, `forbidden`, `unauthorized`, `invalid`, `conflict`, `too_large`, `internal`.
    pub(crate) error: &'static str,
    /// A readable message (English).
    pub(crate) message: String,
    /// For `invalid`: each bad field and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) fields: Vec<FieldError>,
    /// For rejected imports: each bad row.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) rows: Vec<RowErrorView>,
}

/// One bad field.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct FieldError {
    /// The field's key, e.g. `ip`.
    pub(crate) field: String,
    /// Why, in English.
    pub(crate) message: String,
    /// Why, in Japanese.
    pub(crate) message_ja: String,
}

/// One bad row of a rejected import.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct RowErrorView {
    /// The line in the file.
    pub(crate) line: usize,
    /// The column header as written in the file.
    pub(crate) column: Option<String>,
    /// The field's key.
    pub(crate) field: Option<String>,
    /// Why, in English.
    pub(crate) message: String,
    /// Why, in Japanese.
    pub(crate) message_ja: String,
}

/// An API error.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) body: ApiErrorBody,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, error: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, body: ApiErrorBody { error, message: message.into(), fields: vec![], rows: vec![] } }
    }

    pub(crate) fn unauthorized() -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a valid API token (Authorization: Bearer mmr_...) is required",
        )
    }
}

impl From<mamoru_app::Error> for ApiError {
    fn from(e: mamoru_app::Error) -> Self {
        use mamoru_app::Error as E;
        match e {
            E::Forbidden => ApiError::new(StatusCode::FORBIDDEN, "forbidden", "not allowed"),
            E::NotFound(what) => ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("{what} not found")),
            E::SessionEnded => ApiError::unauthorized(),
            E::Invalid(list) => {
                let mut err = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", "some fields are not valid");
                err.body.fields = list
                    .iter()
                    .map(|i| FieldError {
                        field: i.field.to_owned(),
                        message: i.problem.to_string(),
                        message_ja: problem_text(Lang::Ja, &i.problem),
                    })
                    .collect();
                err
            }
            E::Rejected { file, errors } => {
                let mut err = ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid",
                    format!("{file} has {} bad row(s); nothing was imported", errors.len()),
                );
                err.body.rows = errors.iter().map(row_error_view).collect();
                err
            }
            E::File(f) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", f.to_string()),
            E::LastAdmin | E::InUse(_) => ApiError::new(StatusCode::CONFLICT, "conflict", e.to_string()),
            other => {
                let r = short_reference();
                tracing::error!(reference = %r, error = ?other, "internal error");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", format!("internal error ({r})"))
            }
        }
    }
}

/// A bad import row as the API shows it.
pub(crate) fn row_error_view(e: &mamoru_inventory::RowError) -> RowErrorView {
    RowErrorView {
        line: e.line,
        column: e.column.clone(),
        field: e.field.map(str::to_owned),
        message: e.problem.to_string(),
        message_ja: problem_text(Lang::Ja, &e.problem),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body)).into_response()
    }
}
