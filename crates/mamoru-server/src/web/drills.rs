//! `/readiness/drills`: tabletop drills on the BCP. The list (every drill the user may see,
//! with its open tasks) and a form to start one from a scenario; `/readiness/drills/{id}`: the
//! scenario's injects and questions, the timeline (staff may add to it), the findings and the
//! follow-up tasks with owner and due date, each marked done or open. A refused form is shown
//! again with every problem beside its field.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mamoru_app::Error as AppError;
use mamoru_app::readiness::drills::{DrillForm, DrillView, TaskForm, task_overdue};
use mamoru_domain::Facility;
use mamoru_domain::access::Action;
use mamoru_domain::readiness::drills::{SCENARIOS, Scenario, scenario};
use mamoru_store::{Drill, DrillTask};
use serde::Deserialize;

use crate::error::WebError;
use crate::i18n::{Tr, today};
use crate::state::AppState;
use crate::web::context::Viewer;
use crate::web::forms::check_csrf;
use crate::web::render::{FormErrors, Layout, page};

/// `?facility=ID` to preselect the facility of a new drill.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    facility: String,
    done: Option<String>,
}

/// One row of the list.
struct Row {
    drill: Drill,
    facility: Facility,
    title: &'static str,
    open_tasks: usize,
}

#[derive(Template)]
#[template(path = "drills/list.html")]
struct ListPage {
    tr: Tr,
    layout: Layout,
    rows: Vec<Row>,
    facilities: Vec<Facility>,
    selected: String,
    scenarios: &'static [Scenario],
    can_start: bool,
    values: BTreeMap<String, String>,
    errors: FormErrors,
}

impl ListPage {
    fn value(&self, key: &str) -> String {
        self.values.get(key).cloned().unwrap_or_default()
    }
}

async fn render_list(
    v: &Viewer,
    state: &AppState,
    selected: &str,
    values: BTreeMap<String, String>,
    errors: FormErrors,
    done: Option<&str>,
) -> Result<Response, WebError> {
    let facilities = state.app.facilities(&v.p).await?;
    let mut rows = Vec::new();
    for (drill, facility) in state.app.drills(&v.p).await? {
        let open_tasks = state.app.drill(&v.p, drill.id).await?.tasks.iter().filter(|t| !t.done).count();
        let title = scenario(&drill.scenario).map_or("", |s| s.title);
        rows.push(Row { drill, facility, title, open_tasks });
    }
    let refused = !errors.is_empty();
    let mut res = page(&ListPage {
        tr: v.tr,
        layout: Layout::new(v, "drills.title", "readiness").with_notice(v.tr, done),
        can_start: facilities.iter().any(|f| v.p.can(Action::AnswerChecklist, Some(f.id))),
        rows,
        facilities,
        selected: selected.to_owned(),
        scenarios: SCENARIOS,
        values,
        errors,
    })?;
    if refused {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// `GET /readiness/drills`.
pub(crate) async fn list(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let mut values = BTreeMap::new();
    values.insert("held_on".to_owned(), today().to_string());
    values.insert("scenario".to_owned(), SCENARIOS[0].code.to_owned());
    render_list(&v, &state, &q.facility, values, FormErrors::default(), q.done.as_deref()).await
}

/// `POST /readiness/drills`: starts a drill and opens it.
pub(crate) async fn start(
    v: Viewer,
    State(state): State<AppState>,
    Form(f): Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    check_csrf(&v, &get("_csrf"))?;
    let form = DrillForm {
        facility: get("facility"),
        scenario: get("scenario"),
        held_on: get("held_on"),
        participants: get("participants"),
    };
    match state.app.start_drill(&v.p, &form).await {
        Ok(id) => Ok(Redirect::to(&format!("/readiness/drills/{id}")).into_response()),
        Err(AppError::Invalid(list)) => {
            let errors = FormErrors::from_invalid(v.tr, &list);
            render_list(&v, &state, &form.facility, f, errors, None).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "drills/show.html")]
struct ShowPage {
    tr: Tr,
    layout: Layout,
    view: DrillView,
    can_manage: bool,
    can_write: bool,
    /// The failed form (`entry`, `finding` or `task`) with what was posted.
    failed: String,
    values: BTreeMap<String, String>,
    errors: FormErrors,
}

impl ShowPage {
    fn value(&self, form: &str, key: &str) -> String {
        if self.failed == form { self.values.get(key).cloned().unwrap_or_default() } else { String::new() }
    }

    fn err(&self, form: &str, field: &str) -> bool {
        self.failed == form && self.errors.has(field)
    }

    fn overdue(&self, t: &DrillTask) -> bool {
        task_overdue(t)
    }
}

async fn render_drill(
    v: &Viewer,
    state: &AppState,
    id: i64,
    failed: &str,
    values: BTreeMap<String, String>,
    errors: FormErrors,
    done: Option<&str>,
) -> Result<Response, WebError> {
    let view = state.app.drill(&v.p, id).await?;
    let facility = Some(view.drill.facility);
    let refused = !errors.is_empty();
    let mut layout = Layout::new(v, "drills.title", "readiness").with_notice(v.tr, done);
    layout.title = format!("{} {}", view.drill.held_on, view.scenario.map_or("", |s| s.title));
    let mut res = page(&ShowPage {
        tr: v.tr,
        layout,
        can_manage: v.p.can(Action::AnswerChecklist, facility),
        can_write: v.p.can(Action::RespondIncidents, facility),
        view,
        failed: failed.to_owned(),
        values,
        errors,
    })?;
    if refused {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// `GET /readiness/drills/{id}`.
pub(crate) async fn show(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    render_drill(&v, &state, id, "", BTreeMap::new(), FormErrors::default(), q.done.as_deref()).await
}

fn back(id: i64, anchor: &str) -> Response {
    Redirect::to(&format!("/readiness/drills/{id}?done=saved#{anchor}")).into_response()
}

/// `POST /readiness/drills/{id}/entry`: a timeline entry, or a finding with `finding=1`.
pub(crate) async fn entry(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(f): Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    check_csrf(&v, &get("_csrf"))?;
    let finding = get("finding") == "1";
    let form = if finding { "finding" } else { "entry" };
    match state.app.add_drill_entry(&v.p, id, finding, &get("at"), &get("entry_body")).await {
        Ok(_) => Ok(back(id, if finding { "findings" } else { "timeline" })),
        Err(AppError::Invalid(list)) => {
            render_drill(&v, &state, id, form, f, FormErrors::from_invalid(v.tr, &list), None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /readiness/drills/{id}/task`.
pub(crate) async fn task(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(f): Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    check_csrf(&v, &get("_csrf"))?;
    let form = TaskForm { title: get("task_title"), owner: get("task_owner"), due: get("due") };
    match state.app.add_drill_task(&v.p, id, &form).await {
        Ok(_) => Ok(back(id, "tasks")),
        Err(AppError::Invalid(list)) => {
            render_drill(&v, &state, id, "task", f, FormErrors::from_invalid(v.tr, &list), None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /readiness/drills/{id}/task/{task}`: `done=1` or `done=0`.
pub(crate) async fn task_done(
    v: Viewer,
    State(state): State<AppState>,
    Path((id, task)): Path<(i64, i64)>,
    Form(f): Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    check_csrf(&v, &get("_csrf"))?;
    state.app.set_drill_task_done(&v.p, id, task, get("done") == "1").await?;
    Ok(back(id, "tasks"))
}
