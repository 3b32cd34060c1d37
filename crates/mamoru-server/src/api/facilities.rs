//! `/api/v1/facilities`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mamoru_domain::FacilityId;

use crate::api::auth::{ApiUser, Json};
use crate::api::views::{FacilityBody, FacilityView};
use crate::error::{ApiError, ApiErrorBody};
use crate::state::AppState;

/// Every facility the caller may see.
#[utoipa::path(get, path = "/api/v1/facilities", tag = "facilities",
    responses((status = 200, body = [FacilityView]), (status = 401, body = ApiErrorBody)))]
pub(crate) async fn list(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
) -> Result<axum::Json<Vec<FacilityView>>, ApiError> {
    let all = state.app.facilities(&p).await?;
    Ok(axum::Json(all.into_iter().map(Into::into).collect()))
}

/// One facility.
#[utoipa::path(get, path = "/api/v1/facilities/{id}", tag = "facilities", params(("id" = i64, Path)),
    responses((status = 200, body = FacilityView), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn get(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<axum::Json<FacilityView>, ApiError> {
    Ok(axum::Json(state.app.facility(&p, FacilityId::new(id)).await?.into()))
}

/// Creates a facility.
#[utoipa::path(post, path = "/api/v1/facilities", tag = "facilities", request_body = FacilityBody,
    responses((status = 201, body = FacilityView), (status = 422, body = ApiErrorBody)))]
pub(crate) async fn create(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Json(body): Json<FacilityBody>,
) -> Result<Response, ApiError> {
    let id = state.app.create_facility(&p, &body.input()).await?;
    let view: FacilityView = state.app.facility(&p, id).await?.into();
    Ok((StatusCode::CREATED, axum::Json(view)).into_response())
}

/// Replaces a facility's details.
#[utoipa::path(put, path = "/api/v1/facilities/{id}", tag = "facilities", params(("id" = i64, Path)), request_body = FacilityBody,
    responses((status = 200, body = FacilityView), (status = 422, body = ApiErrorBody)))]
pub(crate) async fn update(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<FacilityBody>,
) -> Result<axum::Json<FacilityView>, ApiError> {
    let id = FacilityId::new(id);
    state.app.update_facility(&p, id, &body.input()).await?;
    Ok(axum::Json(state.app.facility(&p, id).await?.into()))
}

/// Deletes a facility that has no assets.
#[utoipa::path(delete, path = "/api/v1/facilities/{id}", tag = "facilities", params(("id" = i64, Path)),
    responses((status = 204), (status = 409, body = ApiErrorBody)))]
pub(crate) async fn delete(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    state.app.delete_facility(&p, FacilityId::new(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
