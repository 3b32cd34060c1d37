//! `/api/v1/alerts` and `/api/v1/suppressions`: detection alerts, their triage, and the
//! suppression rules that false positives leave behind.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use mamoru_app::Error as AppError;
use mamoru_app::Principal;
use mamoru_app::detect::FalsePositive;
use mamoru_domain::access::Action;
use mamoru_domain::{AlertId, AlertLevel, AlertStatus, FacilityId, Invalid, Problem, SuppressionId};
use mamoru_store::{Alert, AlertQuery};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::auth::{ApiUser, Json};
use crate::api::views_alert::{AlertView, SuppressBody, SuppressionView, TriageBody};
use crate::api::vulns::invalid_field;
use crate::error::{ApiError, ApiErrorBody};
use crate::i18n::{Lang, problem_text};
use crate::state::AppState;

/// Which alerts.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AlertsQuery {
    /// States, comma-separated (`new,escalated`), `open` (new, acknowledged and escalated:
    /// the default) or `all`.
    status: Option<String>,
    /// Levels, comma-separated (`high,critical`); every level when absent.
    level: Option<String>,
    /// Only this level and above.
    min_level: Option<String>,
    /// Only this facility.
    #[serde(alias = "facility")]
    facility_id: Option<i64>,
    /// Only alerts whose rule title or computer contains this (ignoring case).
    q: Option<String>,
    /// At most this many, 1–10000 (default all).
    limit: Option<u32>,
    /// Skip this many first, for paging with `limit` (most recently active first).
    offset: Option<u64>,
}

/// Values of a comma-separated parameter, each read by `parse`; a bad one names `field`.
fn list<T>(field: &str, given: &str, parse: impl Fn(&str) -> Result<T, Problem>) -> Result<Vec<T>, ApiError> {
    given
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| parse(s).map_err(|p| invalid_field(field, p.to_string(), problem_text(Lang::Ja, &p))))
        .collect()
}

/// `open` (the default) → the open states; `all` → none (every state); else the list, in
/// which `open` stands for the open states too.
fn statuses(given: Option<&str>) -> Result<Vec<AlertStatus>, ApiError> {
    let given = given.map(str::trim).filter(|s| !s.is_empty()).unwrap_or("open");
    if given == "all" {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for part in given.split(',').map(str::trim) {
        if part == "open" {
            out.extend(AlertStatus::ALL.iter().copied().filter(|s| s.is_open()));
        } else {
            out.extend(list("status", part, AlertStatus::parse)?);
        }
    }
    out.dedup();
    Ok(out)
}

/// Alerts among the facilities the caller may see, most recently active first.
#[utoipa::path(get, path = "/api/v1/alerts", tag = "alerts", params(AlertsQuery),
    responses((status = 200, body = [AlertView]), (status = 422, body = ApiErrorBody)))]
pub(crate) async fn list_alerts(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Query(q): Query<AlertsQuery>,
) -> Result<axum::Json<Vec<AlertView>>, ApiError> {
    let min_level = match q.min_level.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(l) => Some(
            AlertLevel::parse(l).map_err(|p| invalid_field("min_level", p.to_string(), problem_text(Lang::Ja, &p)))?,
        ),
        None => None,
    };
    let query = AlertQuery {
        facility: q.facility_id.map(FacilityId::new),
        statuses: statuses(q.status.as_deref())?,
        levels: list("level", q.level.as_deref().unwrap_or(""), AlertLevel::parse)?,
        min_level,
        text: q.q.filter(|t| !t.trim().is_empty()),
        limit: q.limit.map(|l| l.clamp(1, 10_000)),
        offset: q.offset.unwrap_or(0),
        ..Default::default()
    };
    let all = state.app.alerts(&p, query).await?;
    Ok(axum::Json(all.into_iter().map(Into::into).collect()))
}

/// One alert.
#[utoipa::path(get, path = "/api/v1/alerts/{id}", tag = "alerts", params(("id" = i64, Path)),
    responses((status = 200, body = AlertView), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn get_alert(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<axum::Json<AlertView>, ApiError> {
    Ok(axum::Json(state.app.alert(&p, AlertId::new(id)).await?.into()))
}

/// Moves an alert: `acknowledged` or `escalated` (staff, managers, administrators of its
/// facility), `false_positive` with a suppression rule, or `new` to re-open (a false positive
/// only by those who may suppress). Returns the alert as it now is.
#[utoipa::path(post, path = "/api/v1/alerts/{id}/triage", tag = "alerts", params(("id" = i64, Path)),
    request_body = TriageBody,
    responses((status = 200, body = AlertView), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
pub(crate) async fn triage(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<TriageBody>,
) -> Result<axum::Json<AlertView>, ApiError> {
    let id = AlertId::new(id);
    let app = &state.app;
    let a = app.alert(&p, id).await?;
    let note = body.note.unwrap_or_default();
    let status = AlertStatus::parse(&body.status).map_err(|e| vec![Invalid::new("status", e)]);
    let result = match (status, body.suppress) {
        (Ok(AlertStatus::FalsePositive), Some(s)) => match false_positive(&a, &note, s) {
            Ok(fp) => app.mark_false_positive(&p, id, &fp).await.map(drop),
            Err(list) => Err(refused(&p, &a, Action::SuppressAlerts, list)),
        },
        (Ok(AlertStatus::FalsePositive), None) => {
            Err(refused(&p, &a, Action::SuppressAlerts, vec![Invalid::new("suppress", Problem::Required)]))
        }
        (Ok(_), Some(_)) => {
            let why = "only a false positive writes a suppression rule".to_owned();
            Err(refused(&p, &a, Action::TriageAlerts, vec![Invalid::new("suppress", Problem::NotAllowed(why))]))
        }
        (Ok(AlertStatus::Acknowledged), None) => app.acknowledge_alert(&p, id, &note).await,
        (Ok(AlertStatus::Escalated), None) => app.escalate_alert(&p, id, &note).await,
        (Ok(AlertStatus::New), None) => app.reopen_alert(&p, id, &note).await,
        (Err(list), _) => Err(refused(&p, &a, Action::TriageAlerts, list)),
    };
    result?;
    Ok(axum::Json(app.alert(&p, id).await?.into()))
}

/// A request that is wrong: someone who may not do `action` at all hears that, not what is
/// wrong with the body (as in the UI).
fn refused(p: &Principal, a: &Alert, action: Action, problems: Vec<Invalid>) -> AppError {
    if p.can(action, Some(a.facility)) { AppError::Invalid(problems) } else { AppError::Forbidden }
}

/// The false positive a body describes, or every problem with it.
fn false_positive(a: &Alert, note: &str, s: SuppressBody) -> Result<FalsePositive, Vec<Invalid>> {
    let mut problems = Vec::new();
    if note.trim().is_empty() {
        problems.push(Invalid::new("note", Problem::Required));
    }
    let text = |v: Option<String>| v.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let (computer, field) = match s.scope.trim() {
        "rule" => (String::new(), String::new()),
        "computer" => (a.computer.clone(), String::new()),
        "field" => match (text(s.field), text(s.value)) {
            (Some(f), Some(v)) if !f.contains('=') => (String::new(), format!("{f}={v}")),
            (f, v) => {
                match f {
                    None => problems.push(Invalid::new("suppress.field", Problem::Required)),
                    Some(f) if f.contains('=') => {
                        problems.push(Invalid::new("suppress.field", Problem::Unknown(format!("field name {f:?}"))))
                    }
                    Some(_) => {}
                }
                if v.is_none() {
                    problems.push(Invalid::new("suppress.value", Problem::Required));
                }
                (String::new(), String::new())
            }
        },
        "" => {
            problems.push(Invalid::new("suppress.scope", Problem::Required));
            (String::new(), String::new())
        }
        other => {
            let what = format!("{other:?}: use rule, computer or field");
            problems.push(Invalid::new("suppress.scope", Problem::Unknown(what)));
            (String::new(), String::new())
        }
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(FalsePositive { reason: note.to_owned(), computer, field, all_facilities: s.all_facilities })
}

/// The suppression rules of the facilities the caller may see and the organisation-wide
/// ones, newest first.
#[utoipa::path(get, path = "/api/v1/suppressions", tag = "alerts", responses((status = 200, body = [SuppressionView])))]
pub(crate) async fn suppressions(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
) -> Result<axum::Json<Vec<SuppressionView>>, ApiError> {
    Ok(axum::Json(state.app.suppressions(&p).await?.into_iter().map(Into::into).collect()))
}

/// Removes a suppression rule: its rule raises alerts again. Managers and administrators.
#[utoipa::path(delete, path = "/api/v1/suppressions/{id}", tag = "alerts", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn remove_suppression(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    state.app.remove_suppression(&p, SuppressionId::new(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_default_to_open_and_name_a_bad_one() {
        let open = [AlertStatus::New, AlertStatus::Acknowledged, AlertStatus::Escalated];
        assert_eq!(statuses(None).unwrap(), open);
        assert_eq!(statuses(Some("open")).unwrap(), open);
        assert!(statuses(Some("all")).unwrap().is_empty());
        assert_eq!(statuses(Some("new, 誤検知")).unwrap(), [AlertStatus::New, AlertStatus::FalsePositive]);
        assert_eq!(statuses(Some("open,false_positive")).unwrap().len(), 4);
        assert_eq!(statuses(Some("new,maybe")).unwrap_err().body.fields[0].field, "status");
        assert_eq!(
            list("level", "high,critical", AlertLevel::parse).unwrap(),
            [AlertLevel::High, AlertLevel::Critical]
        );
        assert!(list("level", "", AlertLevel::parse).unwrap().is_empty());
    }
}
