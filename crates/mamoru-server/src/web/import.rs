//! Importing a register file with a preview, exporting it, and the template to start from.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use mamoru_app::import::{ExportFormat, Preview};
use mamoru_domain::access::Action;
use mamoru_domain::{Facility, FacilityId};
use mamoru_inventory::{CsvEncoding, Headers, RowError};
use mamoru_store::ImportSummary;
use serde::Deserialize;

use crate::error::WebError;
use crate::i18n::{Tr, today};
use crate::state::AppState;
use crate::web::context::Viewer;
use crate::web::forms::{check_csrf, opt_id};
use crate::web::render::{Layout, page};

#[derive(Template)]
#[template(path = "assets/import.html")]
struct ImportPage {
    tr: Tr,
    layout: Layout,
    facilities: Vec<Facility>,
    max_mb: usize,
    error: String,
}

#[derive(Template)]
#[template(path = "assets/import_preview.html")]
struct PreviewPage {
    tr: Tr,
    layout: Layout,
    preview: Preview,
    errors: Vec<RowErrorLine>,
    token: String,
    default_facility: String,
}

#[derive(Template)]
#[template(path = "assets/import_done.html")]
struct DonePage {
    tr: Tr,
    layout: Layout,
    file_name: String,
    summary: ImportSummary,
}

/// A bad row, translated for the page.
struct RowErrorLine {
    line: usize,
    column: String,
    message: String,
}

impl RowErrorLine {
    fn new(tr: Tr, e: &RowError) -> Self {
        let column = match (&e.column, e.field) {
            (Some(c), _) => c.clone(),
            (None, Some(f)) => tr.field(f),
            (None, None) => String::new(),
        };
        RowErrorLine { line: e.line, column, message: tr.problem(&e.problem) }
    }
}

async fn importable_facilities(v: &Viewer, state: &AppState) -> Result<Vec<Facility>, WebError> {
    let allowed = v.p.facilities_for(Action::ImportInventory);
    Ok(state.app.facilities(&v.p).await?.into_iter().filter(|f| allowed.contains(f.id)).collect())
}

fn form_page(v: &Viewer, state: &AppState, facilities: Vec<Facility>, error: String) -> Result<Response, WebError> {
    page(&ImportPage {
        tr: v.tr,
        layout: Layout::new(v, "import.title", "assets"),
        facilities,
        max_mb: state.config.max_upload / (1024 * 1024),
        error,
    })
}

/// `GET /assets/import`.
pub(crate) async fn form(v: Viewer, State(state): State<AppState>) -> Result<Response, WebError> {
    if !v.p.can_anywhere(Action::ImportInventory) {
        return Err(WebError::Forbidden);
    }
    let facilities = importable_facilities(&v, &state).await?;
    form_page(&v, &state, facilities, String::new())
}

/// `POST /assets/import`: reads the upload and shows what importing it would do.
pub(crate) async fn upload(
    v: Viewer,
    State(state): State<AppState>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let limit = state.config.max_upload;
    let (mut csrf, mut default_facility, mut file) = (String::new(), String::new(), None);
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error(limit))? {
        match field.name().unwrap_or("") {
            "_csrf" => csrf = field.text().await.map_err(multipart_error(limit))?,
            "default_facility" => default_facility = field.text().await.map_err(multipart_error(limit))?,
            "file" => {
                let name = field.file_name().unwrap_or("upload.csv").chars().take(200).collect::<String>();
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(multipart_error(limit))? {
                    if bytes.len() + chunk.len() > limit {
                        return Err(WebError::TooLarge(limit));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    check_csrf(&v, &csrf)?;
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        let facilities = importable_facilities(&v, &state).await?;
        return form_page(&v, &state, facilities, v.tr.t("import.no_file").to_owned());
    };
    let facility = opt_id(&default_facility)?.map(FacilityId::new);
    let preview = match state.app.preview_import(&v.p, &name, &bytes, facility).await {
        Ok(p) => p,
        Err(mamoru_app::Error::File(e)) => {
            let facilities = importable_facilities(&v, &state).await?;
            return form_page(&v, &state, facilities, e.to_string());
        }
        Err(e) => return Err(e.into()),
    };
    let rejected = !preview.errors.is_empty();
    let token = if rejected { String::new() } else { state.app.stash_import(&v.p, &name, &bytes).await? };
    let errors = preview.errors.iter().map(|e| RowErrorLine::new(v.tr, e)).collect();
    let mut res = page(&PreviewPage {
        tr: v.tr,
        layout: Layout::new(&v, "import.preview_title", "assets"),
        preview,
        errors,
        token,
        default_facility,
    })?;
    // A file with bad rows is a client error, so scripts driving the UI can tell.
    if rejected {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

fn multipart_error(limit: usize) -> impl Fn(axum::extract::multipart::MultipartError) -> WebError {
    move |e| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            WebError::TooLarge(limit)
        } else {
            WebError::BadRequest(e.body_text())
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct ConfirmForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    default_facility: String,
}

/// `POST /assets/import/confirm`: applies the previewed file.
pub(crate) async fn confirm(
    v: Viewer,
    State(state): State<AppState>,
    Form(f): Form<ConfirmForm>,
) -> Result<Response, WebError> {
    check_csrf(&v, &f.csrf)?;
    let (name, bytes) = state.app.stashed_import(&v.p, &f.token).await?;
    let facility = opt_id(&f.default_facility)?.map(FacilityId::new);
    let summary = state.app.import_register(&v.p, &name, &bytes, facility).await?;
    state.app.drop_stashed_import(&f.token).await?;
    page(&DonePage { tr: v.tr, layout: Layout::new(&v, "import.done_title", "assets"), file_name: name, summary })
}

/// `GET /assets/import/template.csv`.
pub(crate) async fn template(v: Viewer) -> Response {
    let headers = if v.tr.lang == crate::i18n::Lang::En { Headers::English } else { Headers::Japanese };
    download(mamoru_inventory::template_csv(headers), "text/csv; charset=utf-8", "mamoru-register-template.csv")
}

#[derive(Deserialize)]
pub(crate) struct ExportQuery {
    #[serde(default)]
    format: String,
    #[serde(default)]
    headers: String,
}

/// `GET /assets/export?format=csv|csv-sjis|xlsx|json&headers=ja|en`.
pub(crate) async fn export(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<ExportQuery>,
) -> Result<Response, WebError> {
    let headers = if q.headers == "en" { Headers::English } else { Headers::Japanese };
    let (format, content_type, ext) = match q.format.as_str() {
        "" | "csv" => (ExportFormat::Csv(headers, CsvEncoding::Utf8Bom), "text/csv; charset=utf-8", "csv"),
        "csv-sjis" => (ExportFormat::Csv(headers, CsvEncoding::ShiftJis), "text/csv; charset=Shift_JIS", "csv"),
        "xlsx" => {
            (ExportFormat::Xlsx(headers), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
        }
        "json" => (ExportFormat::Json, "application/json", "json"),
        other => return Err(WebError::BadRequest(format!("unknown format {other:?}"))),
    };
    let bytes = state.app.export_register(&v.p, format).await?;
    let name = format!("mamoru-assets-{}.{ext}", today().strftime("%Y%m%d"));
    Ok(download(bytes, content_type, &name))
}

/// A file download response.
pub(crate) fn download(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}
