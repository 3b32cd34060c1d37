//! `/cases/{id}/appi`: the breach-report wizard — a few questions about what happened, whose
//! data and how many people, answered yes or no — whose decision and deadlines the case page
//! shows. Deciding is a manager's call.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use mamoru_app::Error as AppError;
use mamoru_app::incident::{AppiForm, form_from_facts};
use mamoru_domain::CaseId;
use mamoru_domain::access::Action;
use mamoru_domain::appi::{Occurrence, Regime, Role};
use mamoru_store::Case;

use super::form_errors;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::context::Viewer;
use crate::web::forms::check_csrf;
use crate::web::render::{FormErrors, Layout, page};

/// The yes/no questions in the order asked, with their wording's key. `ordinance_sensitive`
/// is asked of public bodies only, `notified_outsourcer` of contractors.
const QUESTIONS: [(&str, &str); 7] = [
    ("sensitive", "appi.q_sensitive"),
    ("financial", "appi.q_financial"),
    ("improper_purpose", "appi.q_improper_purpose"),
    ("obtaining", "appi.q_obtaining"),
    ("ordinance_sensitive", "appi.q_ordinance_sensitive"),
    ("encrypted", "appi.q_encrypted"),
    ("notified_outsourcer", "appi.q_notified_outsourcer"),
];

#[derive(Template)]
#[template(path = "cases/appi.html")]
struct WizardPage {
    tr: Tr,
    layout: Layout,
    c: Case,
    regime: Regime,
    /// The answers: as typed, as stored, or empty.
    form: BTreeMap<String, String>,
    errors: FormErrors,
    questions: [(&'static str, &'static str); 7],
    occurrences: &'static [Occurrence],
    roles: &'static [Role],
    regimes: &'static [Regime],
}

impl WizardPage {
    fn answer(&self, field: &str) -> &str {
        self.form.get(field).map_or("", String::as_str)
    }

    /// The regime chosen: as answered, or the facility's.
    fn regime_code(&self) -> &str {
        match self.answer("regime") {
            "" => self.regime.code(),
            r => r,
        }
    }

    /// Whether a question is asked of this organisation.
    fn asked(&self, field: &str) -> bool {
        field != "ordinance_sensitive" || self.regime == Regime::Public
    }
}

fn as_map(f: &AppiForm) -> BTreeMap<String, String> {
    [
        ("occurrence", &f.occurrence),
        ("sensitive", &f.sensitive),
        ("financial", &f.financial),
        ("improper_purpose", &f.improper_purpose),
        ("obtaining", &f.obtaining),
        ("people", &f.people),
        ("people_may_exceed", &f.people_may_exceed),
        ("ordinance_sensitive", &f.ordinance_sensitive),
        ("encrypted", &f.encrypted),
        ("role", &f.role),
        ("notified_outsourcer", &f.notified_outsourcer),
        ("regime", &f.regime),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.clone()))
    .collect()
}

fn as_form(m: &BTreeMap<String, String>) -> AppiForm {
    let g = |k: &str| m.get(k).cloned().unwrap_or_default();
    AppiForm {
        occurrence: g("occurrence"),
        sensitive: g("sensitive"),
        financial: g("financial"),
        improper_purpose: g("improper_purpose"),
        obtaining: g("obtaining"),
        people: g("people"),
        people_may_exceed: g("people_may_exceed"),
        ordinance_sensitive: g("ordinance_sensitive"),
        encrypted: g("encrypted"),
        role: g("role"),
        notified_outsourcer: g("notified_outsourcer"),
        regime: g("regime"),
    }
}

async fn render(
    v: &Viewer,
    state: &AppState,
    id: CaseId,
    form: Option<BTreeMap<String, String>>,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let c = state.app.case(&v.p, id).await?;
    if !v.p.can(Action::ReportIncidents, Some(c.facility)) {
        return Err(WebError::Forbidden);
    }
    let appi = state.app.case_appi(&v.p, id).await?;
    let form = form.unwrap_or_else(|| appi.facts.as_ref().map(|f| as_map(&form_from_facts(f))).unwrap_or_default());
    let layout = Layout::new(v, "appi.title", "cases");
    let failed = !errors.is_empty();
    let mut res = page(&WizardPage {
        tr: v.tr,
        layout,
        c,
        regime: appi.regime,
        form,
        errors,
        questions: QUESTIONS,
        occurrences: Occurrence::ALL,
        roles: Role::ALL,
        regimes: Regime::ALL,
    })?;
    if failed {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// `GET /cases/{id}/appi`.
pub(crate) async fn form(v: Viewer, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, WebError> {
    render(&v, &state, CaseId::new(id), None, FormErrors::default()).await
}

/// `POST /cases/{id}/appi`: decides, and goes back to the case's deadlines.
pub(crate) async fn decide(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(mut f): Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    check_csrf(&v, f.get("_csrf").map_or("", String::as_str))?;
    f.remove("_csrf");
    let id = CaseId::new(id);
    match state.app.decide_appi(&v.p, id, &as_form(&f)).await {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{id}?done=decided#appi")).into_response()),
        Err(AppError::Invalid(list)) => {
            let errors = form_errors(v.tr, "appi", &list);
            render(&v, &state, id, Some(f), errors).await
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_question_is_worded_and_the_answers_round_trip() {
        for (_, key) in QUESTIONS {
            for lang in [crate::i18n::Lang::Ja, crate::i18n::Lang::En] {
                assert_ne!(Tr::new(lang).t(key), key, "{key} has no text");
            }
        }
        let f = AppiForm { occurrence: "occurred".into(), people: "1200".into(), ..Default::default() };
        let back = as_form(&as_map(&f));
        assert_eq!((back.occurrence.as_str(), back.people.as_str()), ("occurred", "1200"));
    }
}
