//! `/readiness/vendors`: a facility's vendor sheets (事業者確認用) for one fiscal year — each
//! vendor's answers with who and when, its answer links and their state, and its MDS/SDS
//! files; for managers, forms to make a link (shown once, to copy and send) and to keep a file.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::{SignedDuration, Timestamp};
use mamoru_app::Error as AppError;
use mamoru_app::readiness::vendor::{
    ATTACHMENT_MAX, LINK_DAYS, LINK_MAX_DAYS, LinkStatus, VendorFile, VendorStatus, status,
};
use mamoru_domain::access::Action;
use mamoru_domain::readiness::{FiscalYear, Item};
use mamoru_domain::{Facility, FacilityId, Invalid, PartyId, Problem};
use serde::Deserialize;

use crate::error::WebError;
use crate::i18n::{Tr, today};
use crate::state::AppState;
use crate::web::context::Viewer;
use crate::web::forms::{check_csrf, opt_id};
use crate::web::render::{FormErrors, Layout, page};

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ShowQuery {
    #[serde(default)]
    facility: String,
    #[serde(default)]
    fy: String,
    done: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct LinkForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    facility: String,
    #[serde(default)]
    fy: String,
    #[serde(default)]
    vendor: String,
    #[serde(default)]
    days: String,
}

/// One vendor on the page.
pub(crate) struct VendorRow {
    pub(crate) s: VendorStatus,
    /// (item, answer) for every vendor item, in order.
    pub(crate) answers: Vec<(&'static Item, Option<mamoru_store::SavedAnswer>)>,
    pub(crate) answered: usize,
    /// Each link with its state's message key.
    pub(crate) links: Vec<(mamoru_store::VendorSheetRequest, &'static str)>,
}

#[derive(Template)]
#[template(path = "vendor_sheet/staff.html")]
struct StaffPage {
    tr: Tr,
    layout: Layout,
    facilities: Vec<Facility>,
    facility: Facility,
    fiscal_year: FiscalYear,
    years: Vec<i16>,
    edition_title: String,
    total: usize,
    vendors: Vec<VendorRow>,
    can_manage: bool,
    /// The link just made: (vendor id, full URL).
    new_link: Option<(PartyId, String)>,
    errors: FormErrors,
    link_days: i64,
    max_days: i64,
    max_mb: usize,
}

fn fiscal_year(s: &str) -> Result<FiscalYear, WebError> {
    match s.trim() {
        "" => Ok(FiscalYear::of(today())),
        y => y
            .parse::<i16>()
            .ok()
            .and_then(FiscalYear::new)
            .ok_or_else(|| WebError::BadRequest(format!("not a fiscal year: {y:?}"))),
    }
}

fn status_key(s: LinkStatus) -> &'static str {
    match s {
        LinkStatus::Open => "vendor.status_open",
        LinkStatus::Expired => "vendor.status_expired",
        LinkStatus::Answered => "vendor.status_answered",
    }
}

async fn render(
    v: &Viewer,
    state: &AppState,
    facility_id: &str,
    fy: FiscalYear,
    new_link: Option<(PartyId, String)>,
    errors: FormErrors,
    done: Option<&str>,
) -> Result<Response, WebError> {
    let facilities = state.app.facilities(&v.p).await?;
    let facility = match opt_id(facility_id)? {
        Some(id) => facilities.iter().find(|f| f.id == FacilityId::new(id)).cloned().ok_or(WebError::NotFound)?,
        None => facilities.first().cloned().ok_or(WebError::NotFound)?,
    };
    let overview = state.app.vendor_overview(&v.p, facility.id, fy).await?;
    let now = Timestamp::now();
    let vendors = overview
        .vendors
        .into_iter()
        .map(|s| {
            let answers: Vec<_> =
                overview.items.iter().map(|i| (*i, s.answers.iter().find(|a| a.item_id == i.id).cloned())).collect();
            let answered = answers.iter().filter(|(_, a)| a.is_some()).count();
            let links = s.links.iter().map(|l| (l.clone(), status_key(status(l, now)))).collect();
            VendorRow { s, answers, answered, links }
        })
        .collect();
    let first = mamoru_domain::readiness::editions().first().map_or(2023, |e| e.fiscal_year.year());
    let failed = !errors.is_empty();
    let mut res = page(&StaffPage {
        tr: v.tr,
        layout: Layout::new(v, "vendor.staff_title", "readiness").with_notice(v.tr, done),
        can_manage: v.p.can(Action::AnswerChecklist, Some(facility.id)),
        facilities,
        facility,
        fiscal_year: fy,
        years: (first..=FiscalYear::of(today()).year().max(fy.year())).rev().collect(),
        edition_title: overview.edition.title.clone(),
        total: overview.items.len(),
        vendors,
        new_link,
        errors,
        link_days: LINK_DAYS,
        max_days: LINK_MAX_DAYS,
        max_mb: ATTACHMENT_MAX / (1024 * 1024),
    })?;
    if failed {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// `GET /readiness/vendors`.
pub(crate) async fn show(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, WebError> {
    render(&v, &state, &q.facility, fiscal_year(&q.fy)?, None, FormErrors::default(), q.done.as_deref()).await
}

/// The address a vendor opens: this server as the browser reached it, and the link's path.
fn full_url(parts: &Parts, secure: bool, path: &str) -> String {
    let host = parts.headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    format!("{}://{host}{path}", if secure { "https" } else { "http" })
}

/// `POST /readiness/vendors/link`: makes a link and shows it once.
pub(crate) async fn create_link(
    v: Viewer,
    State(state): State<AppState>,
    parts: Parts,
    Form(f): Form<LinkForm>,
) -> Result<Response, WebError> {
    check_csrf(&v, &f.csrf)?;
    let fy = fiscal_year(&f.fy)?;
    let facility = opt_id(&f.facility)?.map(FacilityId::new).ok_or(WebError::NotFound)?;
    let vendor = opt_id(&f.vendor)?.map(PartyId::new).ok_or(WebError::NotFound)?;
    let days = match f.days.trim() {
        "" => Ok(LINK_DAYS),
        d => d.parse::<i64>().map_err(|_| Problem::NotANumber(d.to_owned())),
    };
    let result = match days {
        Ok(days) if (1..=LINK_MAX_DAYS).contains(&days) => {
            state.app.create_vendor_link(&v.p, facility, vendor, fy, SignedDuration::from_hours(24 * days)).await
        }
        Ok(_) => Err(AppError::invalid("valid_days", Problem::OutOfRange { min: 1, max: LINK_MAX_DAYS })),
        Err(p) => Err(AppError::invalid("valid_days", p)),
    };
    let id = facility.to_string();
    match result {
        Ok(link) => {
            let url = full_url(&parts, state.config.secure_cookies, &link.path);
            render(&v, &state, &id, fy, Some((vendor, url)), FormErrors::default(), None).await
        }
        Err(AppError::Invalid(list)) => {
            render(&v, &state, &id, fy, None, FormErrors::from_invalid(v.tr, &list), None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /readiness/vendors/files`: keeps an MDS/SDS file on a vendor.
pub(crate) async fn upload(
    v: Viewer,
    State(state): State<AppState>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            WebError::TooLarge(BODY_LIMIT)
        } else {
            WebError::BadRequest(e.body_text())
        }
    };
    let (mut csrf, mut facility, mut fy, mut vendor) = (String::new(), String::new(), String::new(), String::new());
    let mut file = VendorFile::default();
    let mut too_large = false;
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        match field.name().unwrap_or("") {
            "_csrf" => csrf = field.text().await.map_err(bad)?,
            "facility" => facility = field.text().await.map_err(bad)?,
            "fy" => fy = field.text().await.map_err(bad)?,
            "vendor" => vendor = field.text().await.map_err(bad)?,
            "kind" => file.kind = field.text().await.map_err(bad)?,
            "file" => {
                file.file_name = field.file_name().unwrap_or("").to_owned();
                file.media_type = field.content_type().unwrap_or("").to_owned();
                while let Some(chunk) = field.chunk().await.map_err(bad)? {
                    // Past the limit the rest is read and dropped, so the page can say why.
                    too_large |= file.content.len() + chunk.len() > ATTACHMENT_MAX;
                    if !too_large {
                        file.content.extend_from_slice(&chunk);
                    }
                }
            }
            _ => {}
        }
    }
    check_csrf(&v, &csrf)?;
    let fy = fiscal_year(&fy)?;
    let facility_id = opt_id(&facility)?.map(FacilityId::new).ok_or(WebError::NotFound)?;
    let vendor = opt_id(&vendor)?.map(PartyId::new).ok_or(WebError::NotFound)?;
    let result = if too_large {
        Err(AppError::Invalid(vec![Invalid::new("file", Problem::TooLarge { max_bytes: ATTACHMENT_MAX as u64 })]))
    } else {
        state.app.attach_vendor_file(&v.p, facility_id, vendor, file).await.map(|_| ())
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!(
            "/readiness/vendors?facility={facility_id}&fy={}&done=saved#vendor-{vendor}",
            fy.year()
        ))
        .into_response()),
        Err(AppError::Invalid(list)) => {
            render(&v, &state, &facility, fy, None, FormErrors::from_invalid(v.tr, &list), None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The request body an upload may have: the file and a little more for the form.
pub(crate) const BODY_LIMIT: usize = ATTACHMENT_MAX + 64 * 1024;

/// `GET /readiness/vendors/files/{id}`: the file as kept, its digest checked on the way out.
pub(crate) async fn download(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let (file, bytes) = state.app.vendor_attachment(&v.p, id).await?;
    // A download only, never shown inline: an uploaded page must not run here.
    Ok(crate::web::cases::attachment(bytes, "application/octet-stream", &file.name))
}
