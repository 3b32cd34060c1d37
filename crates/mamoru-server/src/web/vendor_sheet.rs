//! `/vendor-sheet/{token}`: the public page where a vendor answers the checklist's 事業者確認用
//! for its own systems, without an account. The token in the address is the key; it is never
//! logged (only the link's id is). The form also carries a secret derived from the token
//! (a per-token CSRF token, as `/login/totp` derives one from its pending cookie) and the
//! server refuses cross-site posts (security::headers): a page elsewhere cannot post answers
//! for a vendor who has the link open.
//!
//! An expired or used link gets a page saying so (410); an unknown one a 404. Bad answers come
//! back with every problem beside its field; the link is used up only when everything is saved.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use mamoru_app::auth::secret;
use mamoru_app::readiness::vendor::{Refusal, VendorItem, VendorSheet, VendorSheetError};
use mamoru_domain::readiness::AnswerInput;
use mamoru_domain::readiness::answer::target_window;

use crate::error::WebError;
use crate::i18n::{Tr, today};
use crate::state::AppState;
use crate::web::context::{client, lang};
use crate::web::render::{Layout, page};

/// The form's secret for a token: only someone with the link can compute it, and it is not
/// the token itself (so the token never appears in the page body a second time).
fn form_secret(token: &str) -> String {
    secret::digest(&format!("vendor-sheet-form:{token}"))
}

/// One item on the form, with what was typed and its problems.
pub(crate) struct FormItem {
    pub(crate) item: VendorItem,
    /// The item's id made fit for HTML ids.
    pub(crate) key: String,
    pub(crate) answer: String,
    pub(crate) confirmed_on: String,
    pub(crate) target_on: String,
    pub(crate) note: String,
    /// field → message.
    pub(crate) errors: BTreeMap<&'static str, String>,
    pub(crate) window: (jiff::civil::Date, jiff::civil::Date),
}

impl FormItem {
    pub(crate) fn err(&self, field: &str) -> String {
        self.errors.get(field).cloned().unwrap_or_default()
    }

    pub(crate) fn has(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }
}

#[derive(Template)]
#[template(path = "vendor_sheet/form.html")]
struct FormPage {
    tr: Tr,
    layout: Layout,
    csrf: String,
    action: String,
    org_name: String,
    facility_name: String,
    vendor_name: String,
    fiscal_year: String,
    edition_title: String,
    expires_at: String,
    name: String,
    name_error: String,
    items: Vec<FormItem>,
    /// Every problem, as (anchor, label, message), for the summary.
    summary: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "vendor_sheet/message.html")]
struct MessagePage {
    tr: Tr,
    layout: Layout,
    heading: String,
    message: String,
}

/// The public layout, its language switch coming back to this page (not to /login).
fn layout(tr: Tr, token: &str) -> Layout {
    let mut layout = Layout::public(tr, "vendor.title");
    layout.path = format!("/vendor-sheet/{token}");
    layout
}

fn message(
    tr: Tr,
    token: &str,
    status: StatusCode,
    heading_key: &str,
    message_key: &str,
) -> Result<Response, WebError> {
    let mut res = page(&MessagePage {
        tr,
        layout: layout(tr, token),
        heading: tr.t(heading_key).to_owned(),
        message: tr.t(message_key).to_owned(),
    })?;
    *res.status_mut() = status;
    Ok(res)
}

fn refused(tr: Tr, token: &str, r: Refusal) -> Result<Response, WebError> {
    match r {
        Refusal::Unknown => message(tr, token, StatusCode::NOT_FOUND, "vendor.refused_title", "vendor.unknown"),
        Refusal::Expired => message(tr, token, StatusCode::GONE, "vendor.refused_title", "vendor.expired"),
        Refusal::Used => message(tr, token, StatusCode::GONE, "vendor.refused_title", "vendor.used"),
    }
}

/// Builds the form page: from the saved answers (or empty, confirmed today) or from `posted`.
fn form_page(
    tr: Tr,
    token: &str,
    sheet: VendorSheet,
    posted: Option<&BTreeMap<String, String>>,
    problems: &[(Option<String>, mamoru_domain::Invalid)],
) -> Result<Response, WebError> {
    let get = |k: String| posted.and_then(|p| p.get(&k)).cloned().unwrap_or_default();
    let fy = sheet.request.fiscal_year;
    let mut summary = Vec::new();
    let mut name_error = String::new();
    for (_, i) in problems.iter().filter(|(item, _)| item.is_none()) {
        name_error = tr.problem(&i.problem);
        summary.push(("answered-by".to_owned(), tr.t("vendor.name").to_owned(), name_error.clone()));
    }
    let items: Vec<FormItem> = sheet
        .items
        .into_iter()
        .map(|vi| {
            let id = vi.item.id.clone();
            let key = id.replace('.', "-");
            let mut errors = BTreeMap::new();
            for (_, i) in problems.iter().filter(|(item, _)| item.as_deref() == Some(id.as_str())) {
                let msg = tr.problem(&i.problem);
                let label = format!("{} {}", vi.item.no.as_deref().unwrap_or(&vi.item.text), tr.field(i.field));
                summary.push((format!("vitem-{key}"), label, msg.clone()));
                errors.insert(i.field, msg);
            }
            let (answer, confirmed_on, target_on, note) = match (posted, &vi.saved) {
                (Some(_), _) => (
                    get(format!("answer.{id}")),
                    get(format!("confirmed_on.{id}")),
                    get(format!("target_on.{id}")),
                    get(format!("note.{id}")),
                ),
                (None, Some(s)) => (
                    s.answer.reply.ja().to_owned(),
                    s.answer.confirmed_on.to_string(),
                    s.answer.target_on.map(|d| d.to_string()).unwrap_or_default(),
                    s.answer.note.clone().unwrap_or_default(),
                ),
                (None, None) => (String::new(), today().to_string(), String::new(), String::new()),
            };
            FormItem {
                window: target_window(vi.item, fy),
                item: vi,
                key,
                answer,
                confirmed_on,
                target_on,
                note,
                errors,
            }
        })
        .collect();
    let failed = !problems.is_empty();
    let mut res = page(&FormPage {
        tr,
        layout: layout(tr, token),
        csrf: form_secret(token),
        action: format!("/vendor-sheet/{token}"),
        org_name: sheet.org_name,
        facility_name: sheet.facility_name,
        vendor_name: sheet.request.vendor_name.clone(),
        fiscal_year: fy.label_ja(),
        edition_title: sheet.edition.title.clone(),
        expires_at: tr.time(&sheet.request.expires_at),
        name: posted.and_then(|p| p.get("answered_by")).cloned().unwrap_or_default(),
        name_error,
        items,
        summary,
    })?;
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// `GET /vendor-sheet/{token}`: no login; the token opens one vendor's sheet.
pub(crate) async fn show(
    State(state): State<AppState>,
    parts: Parts,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    let tr = Tr::new(lang(&parts.headers));
    let ip = client(&parts).ip.unwrap_or_default();
    match state.app.open_vendor_sheet(&token).await? {
        Ok(sheet) => {
            tracing::info!(request = sheet.request.id, %ip, "vendor sheet opened");
            form_page(tr, &token, sheet, None, &[])
        }
        Err(r) => {
            tracing::info!(refusal = ?r, %ip, "vendor sheet link refused");
            refused(tr, &token, r)
        }
    }
}

/// `POST /vendor-sheet/{token}`: saves every answer and uses the link up, or shows the form
/// again with each problem beside its field.
pub(crate) async fn submit(
    State(state): State<AppState>,
    parts: Parts,
    Path(token): Path<String>,
    Form(form): Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let tr = Tr::new(lang(&parts.headers));
    let ip = client(&parts).ip.unwrap_or_default();
    if !secret::same(&form_secret(&token), form.get("_csrf").map_or("", String::as_str)) {
        return Err(WebError::Csrf);
    }
    let mut answers: BTreeMap<String, AnswerInput> = BTreeMap::new();
    for (k, v) in &form {
        let Some((field, item)) = k.split_once('.') else { continue };
        let a = answers.entry(item.to_owned()).or_default();
        match field {
            "answer" => a.answer = v.clone(),
            "confirmed_on" => a.confirmed_on = v.clone(),
            "target_on" => a.target_on = v.clone(),
            "note" => a.note = v.clone(),
            _ => {}
        }
    }
    let name = form.get("answered_by").map_or("", String::as_str);
    let origin = format!("vendor-sheet {ip}");
    match state.app.submit_vendor_sheet(&token, name, &answers, &origin).await {
        Ok(r) => {
            tracing::info!(request = r.id, %ip, "vendor sheet saved");
            message(tr, &token, StatusCode::OK, "vendor.thanks_title", "vendor.thanks")
        }
        Err(VendorSheetError::Refused(r)) => refused(tr, &token, r),
        Err(VendorSheetError::Invalid(problems)) => {
            let sheet = match state.app.open_vendor_sheet(&token).await? {
                Ok(s) => s,
                Err(r) => return refused(tr, &token, r),
            };
            form_page(tr, &token, sheet, Some(&form), &problems)
        }
        Err(VendorSheetError::App(e)) => Err(e.into()),
    }
}
