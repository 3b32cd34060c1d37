//! `/readiness/training`: a facility's security manager (医療情報システム安全管理責任者), its
//! training sessions with attendance, material and quiz results, who is overdue for the fiscal
//! year, and the requirements that apply to the facility by kind and beds with their source.
//! Managers record the manager and sessions here (attendees chosen from the facility's users);
//! a refused form is shown again with every problem beside its field.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mamoru_app::Error as AppError;
use mamoru_app::readiness::training::{ManagerInput, TrainingStatus};
use mamoru_domain::access::Action;
use mamoru_domain::readiness::FiscalYear;
use mamoru_domain::readiness::training::{
    AttendeeInput, MATERIAL_MAX_BYTES, MaterialFile, SessionInput, Standing, quiz_text,
};
use mamoru_domain::{Facility, FacilityId, Invalid, Problem};
use mamoru_store::ManagerPerson;
use serde::Deserialize;

use crate::error::WebError;
use crate::i18n::{Tr, today};
use crate::state::AppState;
use crate::web::cases::attachment;
use crate::web::context::Viewer;
use crate::web::forms::{check_csrf, opt_id};
use crate::web::render::{FormErrors, Layout, page};

/// The request body a session may have: the material file and the rest of the form.
pub(crate) const BODY_LIMIT: usize = MATERIAL_MAX_BYTES as usize + 1024 * 1024;

/// `?facility=ID&fy=2025`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ShowQuery {
    #[serde(default)]
    facility: String,
    #[serde(default)]
    fy: String,
    done: Option<String>,
}

/// Which form failed, with what was posted.
#[derive(Debug, Default)]
struct Failed {
    form: &'static str,
    values: BTreeMap<String, String>,
    attendees: Vec<String>,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "training/show.html")]
struct ShowPage {
    tr: Tr,
    layout: Layout,
    facilities: Vec<Facility>,
    facility: Facility,
    fiscal_year: FiscalYear,
    years: Vec<i16>,
    status: TrainingStatus,
    overdue: usize,
    can_manage: bool,
    failed: Failed,
}

impl ShowPage {
    /// A posted value of the failed form, or `default`.
    fn value(&self, form: &str, key: &str, default: &str) -> String {
        match self.failed.form == form {
            true => self.failed.values.get(key).cloned().unwrap_or_default(),
            false => default.to_owned(),
        }
    }

    /// Whether the failed form is `form` and has an error on `field`.
    fn err(&self, form: &str, field: &str) -> bool {
        self.failed.form == form && self.failed.errors.has(field)
    }

    /// The recorded manager's user id, to prefill the form.
    fn current_user(&self) -> String {
        match self.status.manager.as_ref().map(|m| &m.person) {
            Some(ManagerPerson::User(u)) => u.to_string(),
            _ => String::new(),
        }
    }

    /// The recorded manager's name when not a user.
    fn current_name(&self) -> String {
        match self.status.manager.as_ref().map(|m| &m.person) {
            Some(ManagerPerson::Named(n)) => n.clone(),
            _ => String::new(),
        }
    }

    fn current_dedicated(&self) -> &'static str {
        if self.status.manager.as_ref().is_some_and(|m| m.dedicated) { "はい" } else { "いいえ" }
    }

    fn current_appointed(&self) -> String {
        self.status.manager.as_ref().and_then(|m| m.appointed_on).map(|d| d.to_string()).unwrap_or_default()
    }

    /// The posted score of `person` on a failed session form.
    fn score(&self, person: i64) -> String {
        self.value("session", &format!("score_{person}"), "")
    }

    fn checked(&self, person: i64) -> bool {
        self.failed.form == "session" && self.failed.attendees.contains(&person.to_string())
    }

    fn standing_class(s: &Standing) -> &'static str {
        match s {
            Standing::Done(_) => "ok",
            Standing::Due(_) => "warn",
            Standing::Overdue(_) => "bad",
        }
    }

    fn quiz_of(&self, id: i64) -> String {
        self.status.sessions.iter().find(|s| s.id == id).map(|s| quiz_text(&s.quiz)).unwrap_or_default()
    }
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

async fn render(
    v: &Viewer,
    state: &AppState,
    facility_id: &str,
    fy: FiscalYear,
    failed: Failed,
    done: Option<&str>,
) -> Result<Response, WebError> {
    let facilities = state.app.facilities(&v.p).await?;
    let facility = match opt_id(facility_id)? {
        Some(id) => facilities.iter().find(|f| f.id == FacilityId::new(id)).cloned().ok_or(WebError::NotFound)?,
        None => facilities.first().cloned().ok_or(WebError::NotFound)?,
    };
    let status = state.app.training_status(&v.p, facility.id, fy).await?;
    let first = mamoru_domain::readiness::editions().first().map_or(2023, |e| e.fiscal_year.year());
    let refused = !failed.errors.is_empty();
    let mut res = page(&ShowPage {
        tr: v.tr,
        layout: Layout::new(v, "training.title", "readiness").with_notice(v.tr, done),
        can_manage: v.p.can(Action::AnswerChecklist, Some(facility.id)),
        overdue: status.overdue().count(),
        facilities,
        facility,
        fiscal_year: fy,
        years: (first..=FiscalYear::of(today()).year().max(fy.year())).rev().collect(),
        status,
        failed,
    })?;
    if refused {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// `GET /readiness/training`.
pub(crate) async fn show(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, WebError> {
    if q.facility.is_empty() && state.app.facilities(&v.p).await?.is_empty() {
        return Ok(Redirect::to("/facilities").into_response());
    }
    render(&v, &state, &q.facility, fiscal_year(&q.fy)?, Failed::default(), q.done.as_deref()).await
}

fn back(facility: FacilityId, fy: FiscalYear, anchor: &str) -> Response {
    Redirect::to(&format!("/readiness/training?facility={facility}&fy={}&done=saved#{anchor}", fy.year()))
        .into_response()
}

/// `POST /readiness/training/manager`.
pub(crate) async fn manager(
    v: Viewer,
    State(state): State<AppState>,
    Form(f): Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    check_csrf(&v, &get("_csrf"))?;
    let fy = fiscal_year(&get("fy"))?;
    let facility = opt_id(&get("facility"))?.map(FacilityId::new).ok_or(WebError::NotFound)?;
    let input = ManagerInput {
        user: get("manager_user"),
        name: get("manager_name"),
        dedicated: get("dedicated"),
        appointed_on: get("appointed_on"),
    };
    match state.app.set_security_manager(&v.p, facility, &input).await {
        Ok(_) => Ok(back(facility, fy, "manager")),
        Err(AppError::Invalid(list)) => {
            let failed =
                Failed { form: "manager", errors: FormErrors::from_invalid(v.tr, &list), values: f, attendees: vec![] };
            render(&v, &state, &facility.to_string(), fy, failed, None).await
        }
        Err(e) => Err(e.into()),
    }
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> WebError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        WebError::TooLarge(BODY_LIMIT)
    } else {
        WebError::BadRequest(e.body_text())
    }
}

/// `POST /readiness/training/session`: a multipart form (the material may be a file);
/// attendees are repeated `attendee` fields, each with its `score_ID`.
pub(crate) async fn session(
    v: Viewer,
    State(state): State<AppState>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let mut values = BTreeMap::new();
    let mut attendees = Vec::new();
    let mut file = None;
    let mut too_large = false;
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or("").to_owned();
        if name == "material_file" {
            let file_name = field.file_name().unwrap_or("").chars().take(200).collect::<String>();
            let media_type = field.content_type().unwrap_or("application/octet-stream").to_owned();
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                // Past the limit the rest is read and dropped, so the page can say why.
                too_large |= bytes.len() as u64 + chunk.len() as u64 > MATERIAL_MAX_BYTES;
                if !too_large {
                    bytes.extend_from_slice(&chunk);
                }
            }
            if !file_name.is_empty() || !bytes.is_empty() {
                file = Some(MaterialFile { name: file_name, media_type, bytes });
            }
            continue;
        }
        let text = field.text().await.map_err(multipart_error)?;
        match name.as_str() {
            "attendee" => attendees.push(text),
            _ => {
                values.insert(name, text);
            }
        }
    }
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    check_csrf(&v, &get("_csrf"))?;
    let fy = fiscal_year(&get("fy"))?;
    let facility = opt_id(&get("facility"))?.map(FacilityId::new).ok_or(WebError::NotFound)?;
    let input = SessionInput {
        held_on: get("held_on"),
        title: get("training_title"),
        material_url: get("material_url"),
        material_file: file,
        quiz: get("quiz"),
        attendees: attendees
            .iter()
            .map(|a| AttendeeInput { person: a.clone(), score: get(&format!("score_{}", a.trim())) })
            .collect(),
    };
    let result = match too_large {
        true => Err(AppError::Invalid(vec![Invalid::new(
            "material_file",
            Problem::TooLarge { max_bytes: MATERIAL_MAX_BYTES },
        )])),
        false => state.app.record_training(&v.p, facility, &input).await,
    };
    match result {
        Ok(_) => Ok(back(facility, fy, "sessions")),
        Err(AppError::Invalid(list)) => {
            let failed = Failed { form: "session", errors: FormErrors::from_invalid(v.tr, &list), values, attendees };
            render(&v, &state, &facility.to_string(), fy, failed, None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /readiness/training/{facility}/material/{session}`: the attached file, as a download.
pub(crate) async fn material(
    v: Viewer,
    State(state): State<AppState>,
    Path((facility, session)): Path<(i64, i64)>,
) -> Result<Response, WebError> {
    let f = state.app.training_material(&v.p, FacilityId::new(facility), session).await?;
    // Served as a download only, never shown inline: an uploaded page must not run here.
    Ok(attachment(f.bytes, "application/octet-stream", &f.name))
}
