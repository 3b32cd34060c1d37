//! `/vulns/{id}`: one finding, why it matched, how it was ranked, its history, and the form
//! on which a manager records what was done about it.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mamoru_app::Error as AppError;
use mamoru_app::vuln::DecisionInput;
use mamoru_domain::FindingId;
use mamoru_domain::access::Action;
use mamoru_store::Finding;
use serde::Deserialize;

use super::Row;
use crate::error::WebError;
use crate::i18n::{Tr, today};
use crate::state::AppState;
use crate::web::context::Viewer;
use crate::web::forms::{Done, check_csrf};
use crate::web::render::{FormErrors, Layout, page};

/// The states a person may choose, with the wording of the choice.
const CHOICES: [(&str, &str); 4] = [
    ("open", "vulns.choose_open"),
    ("mitigated", "vulns.choose_mitigated"),
    ("accepted", "vulns.choose_accepted"),
    ("rejected", "vulns.choose_rejected"),
];

/// The decision form as posted.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct DecisionForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    pub(crate) status: String,
    #[serde(default)]
    pub(crate) reason: String,
    #[serde(default)]
    pub(crate) expires: String,
}

impl DecisionForm {
    /// The form filled with the finding's current decision, to change it.
    fn of(f: &Finding) -> Self {
        DecisionForm {
            csrf: String::new(),
            status: if f.status.is_decision() { f.status.code().to_owned() } else { String::new() },
            reason: f.decision_reason.clone().unwrap_or_default(),
            expires: f.decision_expires.map(|d| d.to_string()).unwrap_or_default(),
        }
    }

    fn input(&self) -> DecisionInput {
        DecisionInput { status: self.status.clone(), reason: self.reason.clone(), expires: self.expires.clone() }
    }
}

#[derive(Template)]
#[template(path = "vulns/show.html")]
struct ShowPage {
    tr: Tr,
    layout: Layout,
    r: Row,
    can_decide: bool,
    /// May open an incident case from it.
    can_open_case: bool,
    form: DecisionForm,
    errors: FormErrors,
    choices: [(&'static str, &'static str); 4],
}

fn render(
    v: &Viewer,
    f: Finding,
    form: DecisionForm,
    errors: FormErrors,
    done: Option<&str>,
) -> Result<Response, WebError> {
    let can_decide = v.p.can(Action::DecideFindings, Some(f.matched.facility));
    let can_open_case = v.p.can(Action::RespondIncidents, Some(f.matched.facility));
    let title = format!("{} — {}", f.matched.vuln_id, f.asset_name);
    let layout = Layout { title, ..Layout::new(v, "vulns.title", "vulns") }.with_notice(v.tr, done);
    page(&ShowPage {
        tr: v.tr,
        layout,
        r: Row::new(v.tr, f, today()),
        can_decide,
        can_open_case,
        form,
        errors,
        choices: CHOICES,
    })
}

/// `GET /vulns/{id}`.
pub(crate) async fn show(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<Done>,
) -> Result<Response, WebError> {
    let f = state.app.finding(&v.p, FindingId::new(id)).await?;
    let form = DecisionForm::of(&f);
    render(&v, f, form, FormErrors::default(), q.done.as_deref())
}

/// `POST /vulns/{id}/decision`.
pub(crate) async fn decide(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, WebError> {
    check_csrf(&v, &form.csrf)?;
    let id = FindingId::new(id);
    match state.app.decide_finding(&v.p, id, &form.input(), today()).await {
        Ok(()) => Ok(Redirect::to(&format!("/vulns/{id}?done=decided")).into_response()),
        Err(AppError::Invalid(list)) => {
            let f = state.app.finding(&v.p, id).await?;
            render(&v, f, form, FormErrors::from_invalid(v.tr, &list), None)
        }
        Err(e) => Err(e.into()),
    }
}
