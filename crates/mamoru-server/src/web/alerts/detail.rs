//! `/alerts/{id}`: one alert (its rule, the matched fields of the first event, counts and
//! times, who decided what), and the triage forms the viewer may use: acknowledge, escalate,
//! false positive with a suppression rule, re-open.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use mamoru_app::Error as AppError;
use mamoru_app::detect::FalsePositive;
use mamoru_domain::access::Action;
use mamoru_domain::{AlertId, AlertStatus, Invalid, Problem};
use mamoru_store::{Alert, AuditEntry};
use serde::Deserialize;

use super::{Tag, status_class};
use crate::error::WebError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::context::Viewer;
use crate::web::forms::{Done, check_csrf};
use crate::web::render::{FormErrors, Layout, page};

/// How widely a false positive silences its rule, with the wording of the choice.
const SCOPES: [(&str, &str); 3] =
    [("computer", "alerts.scope_computer"), ("rule", "alerts.scope_rule"), ("field", "alerts.scope_field")];

/// A triage form as posted: every form of the page posts here, `status` saying which.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct TriageForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    /// The state to move to: `acknowledged`, `escalated`, `new` (re-open), `false_positive`.
    #[serde(default)]
    pub(crate) status: String,
    /// A note for the next person (acknowledge, escalate, re-open).
    #[serde(default)]
    pub(crate) note: String,
    /// Why it is a false positive.
    #[serde(default)]
    pub(crate) reason: String,
    /// `computer`, `rule` or `field`.
    #[serde(default)]
    pub(crate) suppress: String,
    /// `Field=value`, for the `field` scope.
    #[serde(default)]
    pub(crate) field: String,
    /// A checkbox: silence the rule in every facility.
    #[serde(default)]
    pub(crate) all_facilities: String,
}

impl TriageForm {
    /// The suppression scope chosen (the computer when none is).
    pub(crate) fn scope(&self) -> &str {
        if self.suppress.is_empty() { "computer" } else { &self.suppress }
    }

    pub(crate) fn everywhere(&self) -> bool {
        !matches!(self.all_facilities.as_str(), "" | "0" | "false")
    }

    /// The false positive as the app takes it, or every problem with the form.
    fn false_positive(&self, a: &Alert) -> Result<FalsePositive, Vec<Invalid>> {
        let mut problems = Vec::new();
        if self.reason.trim().is_empty() {
            problems.push(Invalid::new("reason", Problem::Required));
        }
        let (computer, field) = match self.suppress.as_str() {
            "rule" => (String::new(), String::new()),
            "computer" => (a.computer.clone(), String::new()),
            "field" if self.field.trim().is_empty() => {
                problems.push(Invalid::new("field", Problem::Required));
                (String::new(), String::new())
            }
            "field" => (String::new(), self.field.clone()),
            "" => {
                problems.push(Invalid::new("suppress", Problem::Required));
                (String::new(), String::new())
            }
            other => {
                problems.push(Invalid::new("suppress", Problem::Unknown(other.to_owned())));
                (String::new(), String::new())
            }
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(FalsePositive { reason: self.reason.clone(), computer, field, all_facilities: self.everywhere() })
    }
}

/// One decision of the alert's history.
pub(crate) struct Step {
    pub(crate) at: Timestamp,
    pub(crate) by: String,
    pub(crate) from: Option<AlertStatus>,
    pub(crate) to: Option<AlertStatus>,
    pub(crate) reason: Option<String>,
}

impl Step {
    fn of(e: AuditEntry) -> Self {
        let status = |v: &Option<serde_json::Value>| {
            v.as_ref().and_then(|v| v["status"].as_str()).and_then(AlertStatus::from_code)
        };
        Step {
            from: status(&e.before),
            to: status(&e.after),
            reason: e.after.as_ref().and_then(|v| v["reason"].as_str()).map(str::to_owned),
            at: e.at,
            by: e.actor,
        }
    }
}

/// What the viewer may do with the alert now.
struct Can {
    acknowledge: bool,
    escalate: bool,
    reopen: bool,
    false_positive: bool,
    everywhere: bool,
    /// Open an incident case from it.
    open_case: bool,
}

#[derive(Template)]
#[template(path = "alerts/show.html")]
struct ShowPage {
    tr: Tr,
    layout: Layout,
    a: Alert,
    tags: Vec<Tag>,
    history: Vec<Step>,
    can: Can,
    /// `Field=value` of each matched field, for the suppression's choices.
    choices: Vec<String>,
    scopes: [(&'static str, &'static str); 3],
    form: TriageForm,
    /// The form whose problems `errors` holds (its `status`).
    failed: String,
    errors: FormErrors,
}

impl ShowPage {
    fn status_class(&self, s: &AlertStatus) -> &'static str {
        status_class(*s)
    }

    fn label(&self, s: &Option<AlertStatus>) -> &'static str {
        s.map_or("—", |s| self.tr.pick(s.ja(), s.en()))
    }

    /// The errors of the form posting `status`, if it is the one that failed.
    fn errors_of(&self, status: &str) -> FormErrors {
        if self.failed == status { self.errors.clone() } else { FormErrors::default() }
    }

    /// Problems of a form no longer shown (someone else moved the alert meanwhile): they go
    /// at the top of the page.
    fn stray(&self) -> FormErrors {
        let shown = match self.failed.as_str() {
            "acknowledged" => self.can.acknowledge,
            "escalated" => self.can.escalate,
            "new" => self.can.reopen,
            "false_positive" => self.can.false_positive,
            _ => false,
        };
        if shown { FormErrors::default() } else { self.errors.clone() }
    }
}

async fn render(
    v: &Viewer,
    state: &AppState,
    a: Alert,
    form: TriageForm,
    errors: FormErrors,
    done: Option<&str>,
) -> Result<Response, WebError> {
    let history = state.app.alert_history(&v.p, a.id).await?.into_iter().map(Step::of).collect();
    let f = Some(a.facility);
    let triage = v.p.can(Action::TriageAlerts, f);
    let suppress = v.p.can(Action::SuppressAlerts, f);
    // Re-opening a false positive is a manager's call, like marking it.
    let reopen = a.status.can_become(AlertStatus::New) && (a.status != AlertStatus::FalsePositive || suppress);
    let can = Can {
        acknowledge: triage && a.status.can_become(AlertStatus::Acknowledged),
        escalate: triage && a.status.can_become(AlertStatus::Escalated),
        reopen: triage && reopen,
        false_positive: suppress && a.status.can_become(AlertStatus::FalsePositive),
        everywhere: v.p.can(Action::SuppressAlerts, None),
        open_case: v.p.can(Action::RespondIncidents, f),
    };
    let choices =
        a.details.iter().filter(|(k, v)| !k.trim().is_empty() && !v.trim().is_empty()).map(|(k, v)| format!("{k}={v}"));
    let title = format!("{} — {}", a.rule_title, a.computer);
    let layout = Layout { title, ..Layout::new(v, "alerts.title", "alerts") }.with_notice(v.tr, done);
    page(&ShowPage {
        tr: v.tr,
        layout,
        tags: Tag::all(&a.tags),
        choices: choices.collect(),
        a,
        history,
        can,
        scopes: SCOPES,
        failed: form.status.clone(),
        form,
        errors,
    })
}

/// `GET /alerts/{id}`.
pub(crate) async fn show(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<Done>,
) -> Result<Response, WebError> {
    let a = state.app.alert(&v.p, AlertId::new(id)).await?;
    render(&v, &state, a, TriageForm::default(), FormErrors::default(), q.done.as_deref()).await
}

/// `POST /alerts/{id}/triage`.
pub(crate) async fn triage(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(form): Form<TriageForm>,
) -> Result<Response, WebError> {
    check_csrf(&v, &form.csrf)?;
    let id = AlertId::new(id);
    let app = &state.app;
    let result = match form.status.as_str() {
        "acknowledged" => app.acknowledge_alert(&v.p, id, &form.note).await.map(|()| "acknowledged"),
        "escalated" => app.escalate_alert(&v.p, id, &form.note).await.map(|()| "escalated"),
        "new" => app.reopen_alert(&v.p, id, &form.note).await.map(|()| "reopened"),
        "false_positive" => {
            let a = app.alert(&v.p, id).await?;
            match form.false_positive(&a) {
                Ok(fp) => app.mark_false_positive(&v.p, id, &fp).await.map(|_| "false_positive"),
                // Someone who may not do this hears that, not what is wrong with the form.
                Err(_) if !v.p.can(Action::SuppressAlerts, Some(a.facility)) => Err(AppError::Forbidden),
                Err(list) => Err(AppError::Invalid(list)),
            }
        }
        other => return Err(WebError::BadRequest(format!("no such triage: {other:?}"))),
    };
    match result {
        Ok(done) => Ok(Redirect::to(&format!("/alerts/{id}?done={done}")).into_response()),
        Err(AppError::Invalid(list)) => {
            let a = app.alert(&v.p, id).await?;
            render(&v, &state, a, form, FormErrors::from_invalid(v.tr, &list), None).await
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert() -> Alert {
        Alert {
            id: AlertId::new(1),
            facility: mamoru_domain::FacilityId::new(2),
            facility_name: "みなと総合病院".into(),
            rule_id: "r".into(),
            rule_title: "Windows Security Log Cleared".into(),
            level: mamoru_domain::AlertLevel::High,
            rule_file: "r.yml".into(),
            tags: vec![],
            computer: "BACKUP-SV01".into(),
            channel: "Security".into(),
            event_id: Some(1102),
            first_seen: Timestamp::UNIX_EPOCH,
            last_seen: Timestamp::UNIX_EPOCH,
            count: 1,
            created_at: Timestamp::UNIX_EPOCH,
            updated_at: Timestamp::UNIX_EPOCH,
            status: AlertStatus::New,
            status_reason: None,
            decided_by: None,
            decided_at: None,
            suppression: None,
            details: vec![],
            origin: None,
        }
    }

    #[test]
    fn every_scope_is_worded_in_both_languages() {
        for (_, key) in SCOPES {
            for lang in [crate::i18n::Lang::Ja, crate::i18n::Lang::En] {
                assert_ne!(Tr::new(lang).t(key), key, "{key} has no text");
            }
        }
    }

    #[test]
    fn the_false_positive_form_names_every_problem_and_reads_its_scope() {
        let a = alert();
        let form = TriageForm { suppress: "field".into(), ..Default::default() };
        let fields: Vec<_> = form.false_positive(&a).unwrap_err().iter().map(|i| i.field).collect();
        assert_eq!(fields, ["reason", "field"]);
        let form = TriageForm { suppress: "everything".into(), reason: "x".into(), ..Default::default() };
        assert_eq!(form.false_positive(&a).unwrap_err()[0].field, "suppress");
        let form =
            TriageForm { suppress: "computer".into(), reason: "夜間バックアップ".into(), ..Default::default() };
        let fp = form.false_positive(&a).unwrap();
        assert_eq!((fp.computer.as_str(), fp.field.as_str(), fp.all_facilities), ("BACKUP-SV01", "", false));
        let form = TriageForm {
            suppress: "field".into(),
            field: "SubjectUserName=backup".into(),
            reason: "x".into(),
            all_facilities: "1".into(),
            ..Default::default()
        };
        let fp = form.false_positive(&a).unwrap();
        assert_eq!((fp.computer.as_str(), fp.field.as_str(), fp.all_facilities), ("", "SubjectUserName=backup", true));
        assert_eq!(TriageForm::default().scope(), "computer");
    }
}
