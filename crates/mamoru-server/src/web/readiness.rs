//! `/readiness`: a facility's MHLW cybersecurity checklist (医療機関確認用) for one fiscal year —
//! every item with its group, the answer Mamoru proposes from its records with the reason and
//! evidence, the saved answer (はい/いいえ, 確認日, 目標日, who), and for managers a form per item
//! to confirm or answer. A bad answer is shown again with each problem beside its field.
//!
//! The page prints without menus and forms; `/readiness/print` is the sheet itself, one table
//! row per item as MHLW's form has it (番号, 項目, はい/いいえ, 確認日, 目標日), with the note and
//! the records behind each answer.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mamoru_app::Error as AppError;
use mamoru_app::readiness::{ChecklistView, ItemView};
use mamoru_domain::access::Action;
use mamoru_domain::readiness::answer::target_window;
use mamoru_domain::readiness::rules::Verdict;
use mamoru_domain::readiness::{AnswerInput, FiscalYear, Group, Reply};
use mamoru_domain::{Facility, FacilityId};
use serde::Deserialize;

use crate::error::WebError;
use crate::i18n::{Tr, today};
use crate::state::AppState;
use crate::web::context::{Viewer, encode};
use crate::web::forms::{check_csrf, opt_id};
use crate::web::render::{FormErrors, Layout, page};

/// `?facility=ID&fy=2025`; both optional (the first facility, the current fiscal year).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ShowQuery {
    #[serde(default)]
    facility: String,
    #[serde(default)]
    fy: String,
    done: Option<String>,
}

/// One item's answer form, as posted or prefilled.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct AnswerForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    facility: String,
    #[serde(default)]
    fy: String,
    #[serde(default)]
    item: String,
    #[serde(default)]
    pub(crate) answer: String,
    #[serde(default)]
    pub(crate) confirmed_on: String,
    #[serde(default)]
    pub(crate) target_on: String,
    #[serde(default)]
    pub(crate) note: String,
}

impl AnswerForm {
    /// The saved answer, or else the proposal (when it decides) confirmed on `day` (today, or
    /// the last day of a past fiscal year).
    fn prefill(i: &ItemView, day: jiff::civil::Date) -> Self {
        match &i.saved {
            Some(s) => AnswerForm {
                answer: s.answer.reply.ja().to_owned(),
                confirmed_on: s.answer.confirmed_on.to_string(),
                target_on: s.answer.target_on.map(|d| d.to_string()).unwrap_or_default(),
                note: s.answer.note.clone().unwrap_or_default(),
                ..Default::default()
            },
            None => AnswerForm {
                answer: match i.proposal.as_ref().map(|p| p.verdict) {
                    Some(Verdict::Yes) => Reply::Yes.ja().to_owned(),
                    Some(Verdict::No) => Reply::No.ja().to_owned(),
                    _ => String::new(),
                },
                confirmed_on: day.to_string(),
                ..Default::default()
            },
        }
    }
}

/// One item on the page.
pub(crate) struct Row {
    pub(crate) view: ItemView,
    /// The item's id made fit for HTML ids (`ops.mds_sds` → `ops-mds_sds`).
    pub(crate) key: String,
    pub(crate) form: AnswerForm,
    /// Whether the problems on the page are this item's.
    pub(crate) failed: bool,
    /// The days a いいえ's target may fall on.
    pub(crate) window: (jiff::civil::Date, jiff::civil::Date),
}

impl Row {
    /// The proposal's badge class.
    pub(crate) fn verdict_class(&self) -> &'static str {
        match self.view.proposal.as_ref().map(|p| p.verdict) {
            Some(Verdict::Yes) => "ok",
            Some(Verdict::No) => "bad",
            _ => "warn",
        }
    }
}

#[derive(Template)]
#[template(path = "readiness/show.html")]
struct ShowPage {
    tr: Tr,
    layout: Layout,
    facilities: Vec<Facility>,
    facility: Facility,
    fiscal_year: FiscalYear,
    years: Vec<i16>,
    edition_title: String,
    as_of: String,
    /// Items by group, in the checklist's order.
    groups: Vec<(Group, Vec<Row>)>,
    total: usize,
    unanswered: usize,
    yes: usize,
    no: usize,
    can_answer: bool,
    errors: FormErrors,
    /// The HTML key of the item whose form failed.
    error_key: String,
}

fn html_key(id: &str) -> String {
    id.replace('.', "-")
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

/// The facility asked for, or the first one the user sees.
async fn pick_facility(v: &Viewer, state: &AppState, id: &str) -> Result<(Vec<Facility>, Facility), WebError> {
    let facilities = state.app.facilities(&v.p).await?;
    let chosen = match opt_id(id)? {
        Some(id) => facilities.iter().find(|f| f.id == FacilityId::new(id)).cloned().ok_or(WebError::NotFound)?,
        None => facilities.first().cloned().ok_or(WebError::NotFound)?,
    };
    Ok((facilities, chosen))
}

/// Renders the page, with `failed` holding the posted form of an item that was refused.
async fn render(
    v: &Viewer,
    state: &AppState,
    facility_id: &str,
    fy: FiscalYear,
    failed: Option<(AnswerForm, FormErrors)>,
    done: Option<&str>,
) -> Result<Response, WebError> {
    let (facilities, facility) = pick_facility(v, state, facility_id).await?;
    let view: ChecklistView = state.app.checklist_view(&v.p, facility.id, fy).await?;
    let today = today();
    let (total, unanswered) = (view.items.len(), view.unanswered());
    let count = |r: Reply| view.items.iter().filter(|i| i.answer() == Some(r)).count();
    let (yes, no) = (count(Reply::Yes), count(Reply::No));
    let (posted, errors) = match failed {
        Some((form, errors)) => (Some(form), errors),
        None => (None, FormErrors::default()),
    };
    let error_key = posted.as_ref().map(|f| html_key(&f.item)).unwrap_or_default();
    let mut groups: Vec<(Group, Vec<Row>)> = Vec::new();
    for i in view.items {
        let failed = posted.as_ref().is_some_and(|f| f.item == i.item.id);
        let form = match &posted {
            Some(f) if failed => f.clone(),
            _ => AnswerForm::prefill(&i, view.as_of),
        };
        let row = Row { key: html_key(&i.item.id), window: target_window(i.item, fy), form, failed, view: i };
        match groups.last_mut() {
            Some((g, rows)) if *g == row.view.item.group => rows.push(row),
            _ => groups.push((row.view.item.group, vec![row])),
        }
    }
    let first = mamoru_domain::readiness::editions().first().map_or(2023, |e| e.fiscal_year.year());
    let failed = !errors.is_empty();
    let mut res = page(&ShowPage {
        tr: v.tr,
        layout: Layout::new(v, "readiness.title", "readiness").with_notice(v.tr, done),
        can_answer: v.p.can(Action::AnswerChecklist, Some(facility.id)),
        facilities,
        facility,
        fiscal_year: fy,
        years: (first..=FiscalYear::of(today).year().max(fy.year())).rev().collect(),
        edition_title: view.edition.title.clone(),
        as_of: view.as_of.to_string(),
        groups,
        total,
        unanswered,
        yes,
        no,
        errors,
        error_key,
    })?;
    if failed {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// `GET /readiness`.
pub(crate) async fn show(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, WebError> {
    // Nothing to show before the first facility: go where one is added.
    if q.facility.is_empty() && state.app.facilities(&v.p).await?.is_empty() {
        return Ok(Redirect::to("/facilities").into_response());
    }
    render(&v, &state, &q.facility, fiscal_year(&q.fy)?, None, q.done.as_deref()).await
}

/// `POST /readiness/answer`: saves one item's answer and comes back to it.
pub(crate) async fn answer(
    v: Viewer,
    State(state): State<AppState>,
    Form(form): Form<AnswerForm>,
) -> Result<Response, WebError> {
    check_csrf(&v, &form.csrf)?;
    let fy = fiscal_year(&form.fy)?;
    let facility = opt_id(&form.facility)?.map(FacilityId::new).ok_or(WebError::NotFound)?;
    let input = AnswerInput {
        answer: form.answer.clone(),
        confirmed_on: form.confirmed_on.clone(),
        target_on: form.target_on.clone(),
        note: form.note.clone(),
    };
    match state.app.answer_item(&v.p, facility, fy, &form.item, &input).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/readiness?facility={facility}&fy={}&done=saved#item-{}",
            fy.year(),
            encode(&html_key(&form.item))
        ))
        .into_response()),
        Err(AppError::Invalid(list)) => {
            let errors = FormErrors::from_invalid(v.tr, &list);
            let id = facility.to_string();
            render(&v, &state, &id, fy, Some((form, errors)), None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// One row of the printed sheet.
pub(crate) struct SheetRow {
    pub(crate) view: ItemView,
    /// The first row of its group carries the group's heading.
    pub(crate) group_start: bool,
}

#[derive(Template)]
#[template(path = "readiness/print.html")]
struct PrintPage {
    tr: Tr,
    layout: Layout,
    facility: Facility,
    fiscal_year: FiscalYear,
    edition_title: String,
    printed_on: String,
    rows: Vec<SheetRow>,
    unanswered: usize,
    total: usize,
}

/// `GET /readiness/print`: the facility's sheet for the year, to print or save as PDF.
pub(crate) async fn print(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, WebError> {
    let fy = fiscal_year(&q.fy)?;
    let (_, facility) = pick_facility(&v, &state, &q.facility).await?;
    let view = state.app.checklist_view(&v.p, facility.id, fy).await?;
    let (total, unanswered) = (view.items.len(), view.unanswered());
    let mut last = None;
    let rows = view
        .items
        .into_iter()
        .map(|i| {
            let group_start = last != Some(i.item.group);
            last = Some(i.item.group);
            SheetRow { view: i, group_start }
        })
        .collect();
    page(&PrintPage {
        tr: v.tr,
        layout: Layout::new(&v, "readiness.sheet_title", "readiness"),
        facility,
        fiscal_year: fy,
        edition_title: view.edition.title.clone(),
        printed_on: today().to_string(),
        rows,
        unanswered,
        total,
    })
}
