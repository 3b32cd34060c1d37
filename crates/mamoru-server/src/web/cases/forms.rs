//! The forms of a case's page: the stage, a timeline entry, a first-hour item ticked, a contact
//! of the chain called, tasks, scope, indicators, the report facts, a report filed. Each posts
//! here, goes back to its part of the page when it worked, and shows the page again with its
//! problems when not.

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use mamoru_app::Error as AppError;
use mamoru_app::incident::ContactLog;
use mamoru_domain::incident::{EntryInput, IocInput, TaskInput, report_field};
use mamoru_domain::{AssetId, CaseId, ContactId, FacilityId, TaskId};

use super::detail::{Failed, render};
use super::form_errors;
use crate::error::WebError;
use crate::state::AppState;
use crate::web::context::Viewer;
use crate::web::forms::{check_csrf, opt_id};

/// A posted form: every field by name.
type Fields = BTreeMap<String, String>;

fn get<'a>(f: &'a Fields, key: &str) -> &'a str {
    f.get(key).map_or("", String::as_str)
}

/// Goes back to the case's page at `anchor` when `result` is fine; shows the page again with
/// the form's problems when it is not.
async fn finish(
    v: &Viewer,
    state: &AppState,
    id: CaseId,
    form: &str,
    mut values: Fields,
    result: Result<(), AppError>,
    done: &str,
) -> Result<Response, WebError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/cases/{id}?done={done}#{form}")).into_response()),
        Err(AppError::Invalid(list)) => {
            values.remove("_csrf");
            let errors = form_errors(v.tr, form, &list);
            render(v, state, id, Failed { form: form.to_owned(), values, errors }, None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /cases/{id}/status`: moves the case to another stage, with a note.
pub(crate) async fn status(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, WebError> {
    check_csrf(&v, get(&f, "_csrf"))?;
    let id = CaseId::new(id);
    let r = state.app.set_case_status(&v.p, id, get(&f, "status"), get(&f, "note")).await;
    finish(&v, &state, id, "stage", f, r, "saved").await
}

/// `POST /cases/{id}/entries`: a timeline entry, back-dated when `at` is given.
pub(crate) async fn entry(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, WebError> {
    check_csrf(&v, get(&f, "_csrf"))?;
    let id = CaseId::new(id);
    let input = EntryInput { at: get(&f, "at").into(), kind: get(&f, "kind").into(), text: get(&f, "text").into() };
    let r = state.app.add_case_entry(&v.p, id, &input).await.map(|_| ());
    finish(&v, &state, id, "timeline", f, r, "saved").await
}

/// `POST /cases/{id}/checklist`: ticks a first-hour item.
pub(crate) async fn checklist(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, WebError> {
    check_csrf(&v, get(&f, "_csrf"))?;
    let id = CaseId::new(id);
    let r = state.app.tick_first_hour(&v.p, id, get(&f, "item"), get(&f, "at"), get(&f, "note")).await;
    finish(&v, &state, id, "first-hour", f, r, "saved").await
}

/// `POST /cases/{id}/contacts`: one click per contact of the chain and outcome.
pub(crate) async fn contact(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, WebError> {
    check_csrf(&v, get(&f, "_csrf"))?;
    let id = CaseId::new(id);
    let log = ContactLog {
        contact: opt_id(get(&f, "contact"))?.map(ContactId::new),
        outcome: get(&f, "outcome").into(),
        at: get(&f, "at").into(),
        note: get(&f, "note").into(),
    };
    let r = state.app.log_case_contact(&v.p, id, &log).await;
    finish(&v, &state, id, "contacts", f, r, "saved").await
}

/// `POST /cases/{id}/tasks`.
pub(crate) async fn task(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, WebError> {
    check_csrf(&v, get(&f, "_csrf"))?;
    let id = CaseId::new(id);
    let input =
        TaskInput { title: get(&f, "title").into(), owner: get(&f, "owner").into(), due: get(&f, "due").into() };
    let r = state.app.add_case_task(&v.p, id, &input).await.map(|_| ());
    finish(&v, &state, id, "tasks", f, r, "saved").await
}

/// `POST /cases/{id}/tasks/{task}/done`.
pub(crate) async fn task_done(
    v: Viewer,
    State(state): State<AppState>,
    Path((id, task)): Path<(i64, i64)>,
    Form(f): Form<Fields>,
) -> Result<Response, WebError> {
    check_csrf(&v, get(&f, "_csrf"))?;
    let id = CaseId::new(id);
    let r = state.app.complete_case_task(&v.p, id, TaskId::new(task)).await;
    finish(&v, &state, id, "tasks", f, r, "saved").await
}

/// `POST /cases/{id}/scope`: another facility, an asset, or a system named in words.
pub(crate) async fn scope(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, WebError> {
    check_csrf(&v, get(&f, "_csrf"))?;
    let id = CaseId::new(id);
    let facility = opt_id(get(&f, "facility"))?.map(FacilityId::new);
    let asset = opt_id(get(&f, "asset"))?.map(AssetId::new);
    let r = state.app.add_case_scope(&v.p, id, facility, asset, get(&f, "system")).await;
    finish(&v, &state, id, "scope", f, r, "saved").await
}

/// `POST /cases/{id}/iocs`.
pub(crate) async fn ioc(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, WebError> {
    check_csrf(&v, get(&f, "_csrf"))?;
    let id = CaseId::new(id);
    let input = IocInput { value: get(&f, "value").into(), kind: get(&f, "kind").into(), note: get(&f, "note").into() };
    let r = state.app.add_case_ioc(&v.p, id, &input).await;
    finish(&v, &state, id, "iocs", f, r, "saved").await
}

/// The report facts of a posted form: its fields named as report fields, nothing else.
pub(crate) fn report_values(f: &Fields) -> BTreeMap<String, String> {
    f.iter().filter(|(k, _)| report_field(k).is_some()).map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// `POST /cases/{id}/fields`: the report facts, written once for every document.
pub(crate) async fn fields(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, WebError> {
    check_csrf(&v, get(&f, "_csrf"))?;
    let id = CaseId::new(id);
    let r = state.app.set_case_fields(&v.p, id, &report_values(&f)).await;
    finish(&v, &state, id, "fields", f, r, "saved").await
}

/// `POST /cases/{id}/filed`: the preliminary or final report was filed.
pub(crate) async fn filed(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, WebError> {
    check_csrf(&v, get(&f, "_csrf"))?;
    let id = CaseId::new(id);
    let r = state.app.mark_report_filed(&v.p, id, get(&f, "report"), get(&f, "at"), get(&f, "note")).await;
    finish(&v, &state, id, "appi", f, r, "saved").await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_report_fields_are_written_as_facts() {
        let f: Fields = [("_csrf", "x"), ("overview", "概要"), ("cause", ""), ("nonsense", "y")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let facts = report_values(&f);
        assert_eq!(facts.keys().collect::<Vec<_>>(), ["cause", "overview"]);
    }
}
