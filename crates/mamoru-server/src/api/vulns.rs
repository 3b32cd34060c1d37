//! `/api/v1/findings` and `/api/v1/vuln/…`: vulnerability findings, decisions on them, the
//! ranking policy and the feed data loaded.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use mamoru_app::vuln::DecisionInput;
use mamoru_domain::{AssetId, FacilityId, FindingId, FindingStatus, Policy};
use mamoru_store::FindingQuery;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::auth::{ApiUser, Json};
use crate::api::views::{DecisionBody, FeedStatusView, FindingView, PolicyView};
use crate::error::{ApiError, ApiErrorBody, FieldError};
use crate::i18n::today;
use crate::state::AppState;

/// Which findings.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct FindingsQuery {
    /// Statuses, comma-separated (`open,mitigated`), or `all`. Default `open`.
    status: Option<String>,
    /// Only known-exploited (CISA KEV) findings.
    kev: Option<bool>,
    /// Only findings on perimeter devices (VPN, UTM/firewall, router, internet-facing, remote maintenance).
    perimeter: Option<bool>,
    /// Only this facility.
    #[serde(alias = "facility")]
    facility_id: Option<i64>,
    /// Only this asset.
    asset_id: Option<i64>,
    /// At most this many, 1–10000 (default all).
    limit: Option<u32>,
    /// Skip this many first, for paging with `limit` (most urgent first, in a stable order).
    offset: Option<u64>,
}

/// A request error on one field, in the API's format.
pub(crate) fn invalid_field(field: &str, message: String, message_ja: String) -> ApiError {
    let mut err = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", "some fields are not valid");
    err.body.fields = vec![FieldError { field: field.to_owned(), message, message_ja }];
    err
}

/// `open,accepted` → the statuses; `all` → none (every status).
fn statuses(given: Option<&str>) -> Result<Vec<FindingStatus>, ApiError> {
    let given = given.map(str::trim).filter(|s| !s.is_empty()).unwrap_or("open");
    if given == "all" {
        return Ok(Vec::new());
    }
    given
        .split(',')
        .map(|s| {
            FindingStatus::parse(s).map_err(|p| {
                invalid_field("status", p.to_string(), crate::i18n::problem_text(crate::i18n::Lang::Ja, &p))
            })
        })
        .collect()
}

/// Findings among the facilities the caller may see, most urgent first.
#[utoipa::path(get, path = "/api/v1/findings", tag = "vulnerabilities", params(FindingsQuery),
    responses((status = 200, body = [FindingView]), (status = 422, body = ApiErrorBody)))]
pub(crate) async fn list(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Query(q): Query<FindingsQuery>,
) -> Result<axum::Json<Vec<FindingView>>, ApiError> {
    let query = FindingQuery {
        facility: q.facility_id.map(FacilityId::new),
        asset: q.asset_id.map(AssetId::new),
        statuses: statuses(q.status.as_deref())?,
        kev_only: q.kev.unwrap_or(false),
        perimeter_only: q.perimeter.unwrap_or(false),
        limit: q.limit.map(|l| l.clamp(1, 10_000)),
        offset: q.offset.unwrap_or(0),
        visible: None,
        ..Default::default()
    };
    let all = state.app.findings(&p, query).await?;
    Ok(axum::Json(all.into_iter().map(Into::into).collect()))
}

/// One finding.
#[utoipa::path(get, path = "/api/v1/findings/{id}", tag = "vulnerabilities", params(("id" = i64, Path)),
    responses((status = 200, body = FindingView), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn get(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<axum::Json<FindingView>, ApiError> {
    Ok(axum::Json(state.app.finding(&p, FindingId::new(id)).await?.into()))
}

/// Records a decision: open again, mitigated, risk accepted until a date, or not applicable.
/// Managers and administrators only.
#[utoipa::path(post, path = "/api/v1/findings/{id}/decision", tag = "vulnerabilities", params(("id" = i64, Path)),
    request_body = DecisionBody,
    responses((status = 204), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
pub(crate) async fn decide(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<DecisionBody>,
) -> Result<StatusCode, ApiError> {
    let input = DecisionInput {
        status: body.status,
        reason: body.reason.unwrap_or_default(),
        expires: body.expires.unwrap_or_default(),
    };
    state.app.decide_finding(&p, FindingId::new(id), &input, today()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The organisation's ranking policy.
#[utoipa::path(get, path = "/api/v1/vuln/policy", tag = "vulnerabilities", responses((status = 200, body = PolicyView)))]
pub(crate) async fn policy(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
) -> Result<axum::Json<PolicyView>, ApiError> {
    Ok(axum::Json(state.app.vuln_policy(&p).await?.into()))
}

/// Replaces the ranking policy and re-ranks every finding. Administrators only.
#[utoipa::path(put, path = "/api/v1/vuln/policy", tag = "vulnerabilities", request_body = PolicyView,
    responses((status = 200, body = PolicyView), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub(crate) async fn set_policy(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Json(body): Json<PolicyView>,
) -> Result<axum::Json<PolicyView>, ApiError> {
    let due_days: [u16; 5] = body.due_days.try_into().map_err(|_| {
        invalid_field(
            "due_days",
            "give five numbers, for priority 1 to 5".into(),
            "優先度1〜5の5つの日数を指定してください".into(),
        )
    })?;
    let policy = Policy { due_days, epss_likely: body.epss_likely, cvss_severe: body.cvss_severe };
    state.app.set_vuln_policy(&p, policy).await?;
    Ok(axum::Json(state.app.vuln_policy(&p).await?.into()))
}

/// How much feed data is loaded: advisories per source, KEV entries, EPSS scores.
#[utoipa::path(get, path = "/api/v1/vuln/status", tag = "vulnerabilities", responses((status = 200, body = FeedStatusView)))]
pub(crate) async fn status(
    _caller: ApiUser,
    State(state): State<AppState>,
) -> Result<axum::Json<FeedStatusView>, ApiError> {
    Ok(axum::Json(state.app.feed_status().await?.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_default_to_open_and_name_a_bad_one() {
        assert_eq!(statuses(None).unwrap(), [FindingStatus::Open]);
        assert!(statuses(Some("all")).unwrap().is_empty());
        assert_eq!(statuses(Some("open, 誤検知")).unwrap(), [FindingStatus::Open, FindingStatus::Rejected]);
        let err = statuses(Some("open,maybe")).unwrap_err();
        assert_eq!(err.body.fields[0].field, "status");
    }
}
