//! The REST API under `/api/v1`: the same objects as the UI, as JSON, for scripts and other
//! tools. Authenticate with a personal token (`Authorization: Bearer mmr_…`), or with the
//! browser session plus an `X-CSRF-Token` header for writes.

mod alerts;
mod auth;
mod backups;
mod cases;
mod facilities;
mod inventory;
mod openapi;
mod people;
mod views;
mod views_alert;
mod views_backup;
mod views_case;
mod vulns;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::state::AppState;

/// The API's routes; `max_upload` bounds the body of a register import.
pub(crate) fn routes(max_upload: usize) -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi::document))
        .route("/me", get(people::me))
        .route("/facilities", get(facilities::list).post(facilities::create))
        .route("/facilities/{id}", get(facilities::get).put(facilities::update).delete(facilities::delete))
        .route("/assets", get(inventory::list).post(inventory::create))
        .route("/assets/import", post(inventory::import).layer(DefaultBodyLimit::max(max_upload)))
        .route("/assets/{id}", get(inventory::get).put(inventory::update).delete(inventory::delete))
        .route("/parties", get(people::parties).post(people::create_party))
        .route("/parties/{id}", axum::routing::put(people::update_party).delete(people::delete_party))
        .route("/contacts", get(people::contacts).post(people::create_contact))
        .route("/contacts/{id}", axum::routing::put(people::update_contact).delete(people::delete_contact))
        .route("/findings", get(vulns::list))
        .route("/findings/{id}", get(vulns::get))
        .route("/findings/{id}/decision", post(vulns::decide))
        .route("/vuln/policy", get(vulns::policy).put(vulns::set_policy))
        .route("/vuln/status", get(vulns::status))
        .route("/alerts", get(alerts::list_alerts))
        .route("/alerts/{id}", get(alerts::get_alert))
        .route("/alerts/{id}/triage", post(alerts::triage))
        .route("/suppressions", get(alerts::suppressions))
        .route("/suppressions/{id}", axum::routing::delete(alerts::remove_suppression))
        .route("/cases", get(cases::list).post(cases::create))
        .route("/cases/{id}", get(cases::get))
        .route("/cases/{id}/status", post(cases::status))
        .route("/cases/{id}/entries", post(cases::add_entry))
        .route("/cases/{id}/tasks", post(cases::add_task))
        .route("/cases/{id}/iocs", post(cases::add_ioc))
        .route("/cases/{id}/fields", axum::routing::put(cases::set_fields))
        .route("/cases/{id}/appi", post(cases::decide_appi))
        .route("/cases/{id}/filed", post(cases::filed))
        .route("/cases/{id}/documents/{code}", get(cases::document))
        .route("/cases/{id}/anonymized", get(cases::anonymized))
        .route("/backups", get(backups::board))
        .route("/backups/jobs/{id}", get(backups::job))
        .route("/backups/jobs/{id}/run", post(backups::run))
        .route("/backups/jobs/{id}/test", post(backups::test))
        .route("/users", get(people::users))
        .route("/audit", get(people::audit))
        .fallback(|| async {
            crate::error::ApiError::new(axum::http::StatusCode::NOT_FOUND, "not_found", "no such endpoint")
        })
}
