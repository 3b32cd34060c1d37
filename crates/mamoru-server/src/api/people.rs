//! `/api/v1/me`, `/parties`, `/contacts`, `/users`, `/audit`.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mamoru_domain::contact::ContactInput;
use mamoru_domain::{ContactId, FacilityId, PartyId};
use mamoru_store::AuditQuery;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::auth::{ApiUser, Json};
use crate::api::views::{AuditView, ContactBody, ContactView, MeView, PartyBody, PartyView, UserView, grant_views};
use crate::error::{ApiError, ApiErrorBody};
use crate::state::AppState;

/// The caller.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", responses((status = 200, body = MeView), (status = 401, body = ApiErrorBody)))]
pub(crate) async fn me(ApiUser(p): ApiUser) -> axum::Json<MeView> {
    axum::Json(MeView {
        user_id: p.user_id.map(|u| u.get()),
        email: p.name.clone(),
        display_name: p.display_name.clone(),
        organization_id: p.org.get(),
        grants: grant_views(&p.grants),
    })
}

/// The organisation's vendors and outside parties.
#[utoipa::path(get, path = "/api/v1/parties", tag = "contacts", responses((status = 200, body = [PartyView])))]
pub(crate) async fn parties(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
) -> Result<axum::Json<Vec<PartyView>>, ApiError> {
    Ok(axum::Json(state.app.parties(&p).await?.into_iter().map(Into::into).collect()))
}

/// Adds a party.
#[utoipa::path(post, path = "/api/v1/parties", tag = "contacts", request_body = PartyBody,
    responses((status = 201, body = PartyView), (status = 422, body = ApiErrorBody)))]
pub(crate) async fn create_party(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Json(b): Json<PartyBody>,
) -> Result<Response, ApiError> {
    let id = state.app.create_party(&p, &b.name, &b.kind, b.notes.as_deref().unwrap_or("")).await?;
    let view: PartyView = state.app.party(&p, id).await?.into();
    Ok((StatusCode::CREATED, axum::Json(view)).into_response())
}

/// Replaces a party.
#[utoipa::path(put, path = "/api/v1/parties/{id}", tag = "contacts", params(("id" = i64, Path)), request_body = PartyBody,
    responses((status = 200, body = PartyView), (status = 422, body = ApiErrorBody)))]
pub(crate) async fn update_party(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(b): Json<PartyBody>,
) -> Result<axum::Json<PartyView>, ApiError> {
    let id = PartyId::new(id);
    state.app.update_party(&p, id, &b.name, &b.kind, b.notes.as_deref().unwrap_or("")).await?;
    Ok(axum::Json(state.app.party(&p, id).await?.into()))
}

/// Deletes a party and its contacts.
#[utoipa::path(delete, path = "/api/v1/parties/{id}", tag = "contacts", params(("id" = i64, Path)), responses((status = 204)))]
pub(crate) async fn delete_party(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    state.app.delete_party(&p, PartyId::new(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Which contacts.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ContactQuery {
    /// A facility's chain (its own contacts and the organisation-wide ones); all when absent.
    facility_id: Option<i64>,
}

/// The contact chain, in chain order.
#[utoipa::path(get, path = "/api/v1/contacts", tag = "contacts", params(ContactQuery), responses((status = 200, body = [ContactView])))]
pub(crate) async fn contacts(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Query(q): Query<ContactQuery>,
) -> Result<axum::Json<Vec<ContactView>>, ApiError> {
    let chain = state.app.contact_chain(&p, q.facility_id.map(FacilityId::new)).await?;
    Ok(axum::Json(chain.into_iter().map(Into::into).collect()))
}

fn contact_input(b: &ContactBody) -> ContactInput {
    ContactInput {
        name: b.name.clone(),
        title: b.title.clone().unwrap_or_default(),
        role: b.role.clone(),
        phone: b.phone.clone().unwrap_or_default(),
        email: b.email.clone().unwrap_or_default(),
        hours: b.hours.clone().unwrap_or_default(),
        order: b.order.map(|o| o.to_string()).unwrap_or_default(),
        notes: b.notes.clone().unwrap_or_default(),
    }
}

async fn contact_view(state: &AppState, p: &mamoru_app::Principal, id: ContactId) -> Result<ContactView, ApiError> {
    let c = state.app.contact(p, id).await?;
    let party = match c.party_id {
        Some(pid) => Some(state.app.party(p, pid).await?),
        None => None,
    };
    Ok(mamoru_store::ChainEntry { contact: c, party }.into())
}

/// Adds a contact.
#[utoipa::path(post, path = "/api/v1/contacts", tag = "contacts", request_body = ContactBody,
    responses((status = 201, body = ContactView), (status = 422, body = ApiErrorBody)))]
pub(crate) async fn create_contact(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Json(b): Json<ContactBody>,
) -> Result<Response, ApiError> {
    let id = state
        .app
        .create_contact(&p, b.party_id.map(PartyId::new), b.facility_id.map(FacilityId::new), &contact_input(&b))
        .await?;
    Ok((StatusCode::CREATED, axum::Json(contact_view(&state, &p, id).await?)).into_response())
}

/// Replaces a contact.
#[utoipa::path(put, path = "/api/v1/contacts/{id}", tag = "contacts", params(("id" = i64, Path)), request_body = ContactBody,
    responses((status = 200, body = ContactView), (status = 422, body = ApiErrorBody)))]
pub(crate) async fn update_contact(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(b): Json<ContactBody>,
) -> Result<axum::Json<ContactView>, ApiError> {
    let id = ContactId::new(id);
    state
        .app
        .update_contact(&p, id, b.party_id.map(PartyId::new), b.facility_id.map(FacilityId::new), &contact_input(&b))
        .await?;
    Ok(axum::Json(contact_view(&state, &p, id).await?))
}

/// Deletes a contact.
#[utoipa::path(delete, path = "/api/v1/contacts/{id}", tag = "contacts", params(("id" = i64, Path)), responses((status = 204)))]
pub(crate) async fn delete_contact(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    state.app.delete_contact(&p, ContactId::new(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The organisation's users (administrators only).
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts", responses((status = 200, body = [UserView]), (status = 403, body = ApiErrorBody)))]
pub(crate) async fn users(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
) -> Result<axum::Json<Vec<UserView>>, ApiError> {
    Ok(axum::Json(state.app.users(&p).await?.into_iter().map(Into::into).collect()))
}

/// Which audit entries.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AuditParams {
    /// Only this kind of record (`asset`, `facility`, `user`...).
    entity: Option<String>,
    /// Only this record.
    entity_id: Option<i64>,
    /// Only entries older than this id (paging back).
    before_id: Option<i64>,
    /// 1–1000, default 100.
    limit: Option<u32>,
}

/// The audit log, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditParams), responses((status = 200, body = [AuditView]), (status = 403, body = ApiErrorBody)))]
pub(crate) async fn audit(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Query(q): Query<AuditParams>,
) -> Result<axum::Json<Vec<AuditView>>, ApiError> {
    let query = AuditQuery {
        entity: q.entity,
        entity_id: q.entity_id,
        before_id: q.before_id,
        limit: Some(q.limit.unwrap_or(100).clamp(1, 1_000)),
        ..Default::default()
    };
    Ok(axum::Json(state.app.audit_entries(&p, query).await?.into_iter().map(Into::into).collect()))
}
