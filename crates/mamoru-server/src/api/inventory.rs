//! `/api/v1/assets`: the register, one asset at a time or a whole file.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mamoru_app::inventory::AssetForm;
use mamoru_domain::{AssetCategory, AssetId, FacilityId, PartyId};
use mamoru_store::{AssetListItem, AssetQuery, AssetSort};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::auth::{ApiUser, Json};
use crate::api::views::{AssetBody, AssetPage, AssetView, ImportResult};
use crate::error::{ApiError, ApiErrorBody};
use crate::state::AppState;

/// Filters, sort and page of the asset list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListQuery {
    /// Text to find in name, vendor, product, version, IP, location, owner, zone or CPE.
    q: Option<String>,
    facility_id: Option<i64>,
    /// A category code, e.g. `vpn`.
    category: Option<String>,
    internet_facing: Option<bool>,
    /// `facility` (default), `name`, `category`, `vendor`, `product`, `version`, `ip`, `support_end`, `updated_at`.
    sort: Option<String>,
    /// `asc` (default) or `desc`.
    order: Option<String>,
    offset: Option<u64>,
    /// 1–1000, default 100.
    limit: Option<u32>,
}

/// Assets among the facilities the caller may see.
#[utoipa::path(get, path = "/api/v1/assets", tag = "assets", params(ListQuery),
    responses((status = 200, body = AssetPage), (status = 422, body = ApiErrorBody)))]
pub(crate) async fn list(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> Result<axum::Json<AssetPage>, ApiError> {
    let invalid = |what: String| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", what);
    let category = match q.category.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => Some(AssetCategory::parse(c).map_err(|e| invalid(format!("category: {e}")))?),
        None => None,
    };
    let sort = match q.sort.as_deref() {
        Some(s) => AssetSort::from_key(s).ok_or_else(|| invalid(format!("sort: unknown column {s:?}")))?,
        None => AssetSort::default(),
    };
    let limit = q.limit.unwrap_or(100).clamp(1, 1_000);
    let offset = q.offset.unwrap_or(0);
    let query = AssetQuery {
        visible: None,
        facility: q.facility_id.map(FacilityId::new),
        category,
        internet_facing: q.internet_facing,
        text: q.q,
        sort,
        descending: q.order.as_deref() == Some("desc"),
        offset,
        limit: Some(limit),
    };
    let (items, total) = state.app.list_assets(&p, query).await?;
    Ok(axum::Json(AssetPage { items: items.into_iter().map(Into::into).collect(), total, offset, limit }))
}

async fn view(state: &AppState, p: &mamoru_app::Principal, id: AssetId) -> Result<AssetView, ApiError> {
    let a = state.app.asset(p, id).await?;
    let item = AssetListItem {
        facility_name: a.facility.draft.name,
        maintenance_vendor_name: a.maintenance_vendor.map(|p| p.draft.name),
        remote_vendor_name: a.remote_vendor.map(|p| p.draft.name),
        asset: a.asset,
    };
    Ok(item.into())
}

/// One asset.
#[utoipa::path(get, path = "/api/v1/assets/{id}", tag = "assets", params(("id" = i64, Path)),
    responses((status = 200, body = AssetView), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn get(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<axum::Json<AssetView>, ApiError> {
    Ok(axum::Json(view(&state, &p, AssetId::new(id)).await?))
}

fn form(body: &AssetBody) -> AssetForm {
    AssetForm {
        facility_id: FacilityId::new(body.facility_id),
        input: body.input(),
        maintenance_vendor: body.maintenance_vendor_id.map(PartyId::new),
        remote_vendor: body.remote_vendor_id.map(PartyId::new),
    }
}

/// Adds an asset.
#[utoipa::path(post, path = "/api/v1/assets", tag = "assets", request_body = AssetBody,
    responses((status = 201, body = AssetView), (status = 422, body = ApiErrorBody)))]
pub(crate) async fn create(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Json(body): Json<AssetBody>,
) -> Result<Response, ApiError> {
    let id = state.app.create_asset(&p, &form(&body)).await?;
    Ok((StatusCode::CREATED, axum::Json(view(&state, &p, id).await?)).into_response())
}

/// Replaces an asset.
#[utoipa::path(put, path = "/api/v1/assets/{id}", tag = "assets", params(("id" = i64, Path)), request_body = AssetBody,
    responses((status = 200, body = AssetView), (status = 422, body = ApiErrorBody)))]
pub(crate) async fn update(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<AssetBody>,
) -> Result<axum::Json<AssetView>, ApiError> {
    let id = AssetId::new(id);
    state.app.update_asset(&p, id, &form(&body)).await?;
    Ok(axum::Json(view(&state, &p, id).await?))
}

/// Deletes an asset.
#[utoipa::path(delete, path = "/api/v1/assets/{id}", tag = "assets", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn delete(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    state.app.delete_asset(&p, AssetId::new(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// How to read an uploaded register file.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ImportQuery {
    /// The file's name, for messages and the audit log.
    file_name: Option<String>,
    /// Only say what would happen.
    #[serde(default)]
    dry_run: bool,
    /// The facility for files without a facility column.
    facility_id: Option<i64>,
}

/// Imports a register file sent as the request body (CSV in UTF-8 or Shift_JIS, TSV, or
/// .xlsx). All or nothing: any bad row refuses the whole file, listing every bad row.
#[utoipa::path(post, path = "/api/v1/assets/import", tag = "assets", params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = ImportResult), (status = 413, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub(crate) async fn import(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Query(q): Query<ImportQuery>,
    body: Result<Bytes, BytesRejection>,
) -> Result<axum::Json<ImportResult>, ApiError> {
    // The route's body limit stops a large upload before it is buffered; say so in our format.
    let body = body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::new(e.status(), "too_large", format!("the file is over {} bytes", state.config.max_upload))
        }
        status => ApiError::new(status, "invalid", e.body_text()),
    })?;
    let name = q.file_name.unwrap_or_else(|| "upload.csv".into());
    let facility = q.facility_id.map(FacilityId::new);
    let summary = if q.dry_run {
        state.app.check_import(&p, &name, &body, facility).await?
    } else {
        state.app.import_register(&p, &name, &body, facility).await?
    };
    Ok(axum::Json(ImportResult {
        created: summary.created,
        updated: summary.updated,
        unchanged: summary.unchanged,
        facilities_created: summary.facilities_created,
        vendors_created: summary.vendors_created,
        dry_run: q.dry_run,
    }))
}
