//! The server-rendered web UI.

mod account;
pub(crate) mod alerts;
mod assets;
mod audit;
pub(crate) mod backups;
mod bcp;
mod cases;
mod contacts;
pub(crate) mod context;
mod dashboard;
mod drills;
mod facilities;
mod forms;
mod import;
mod inspection;
mod login;
mod plans;
mod readiness;
pub(crate) mod render;
mod statics;
mod training;
mod users;
mod vendor_sheet;
mod vendor_staff;
mod vulns;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::state::AppState;

/// Every page, static file and `/healthz`; `max_upload` bounds a register upload.
pub(crate) fn routes(max_upload: usize) -> Router<AppState> {
    Router::new()
        .route("/healthz", get(statics::healthz))
        .route("/static/app.css", get(statics::css))
        .route("/static/app.js", get(statics::js))
        .route("/lang/{lang}", get(statics::set_lang))
        .route("/login", get(login::form).post(login::submit))
        .route("/login/totp", get(login::totp_form).post(login::totp_submit))
        .route("/logout", post(login::logout))
        .route("/", get(dashboard::show))
        .route("/facilities", get(facilities::list).post(facilities::create))
        .route("/facilities/new", get(facilities::new))
        .route("/facilities/{id}", get(facilities::show).post(facilities::update))
        .route("/facilities/{id}/edit", get(facilities::edit))
        .route("/facilities/{id}/delete", post(facilities::delete))
        .route("/assets", get(assets::list).post(assets::create))
        .route("/assets/new", get(assets::new))
        .route("/assets/export", get(import::export))
        .route(
            "/assets/import",
            // The form's other fields are small; the file itself is checked while it streams in.
            get(import::form).post(import::upload).layer(DefaultBodyLimit::max(max_upload + 64 * 1024)),
        )
        .route("/assets/import/confirm", post(import::confirm))
        .route("/assets/import/template.csv", get(import::template))
        .route("/assets/{id}", get(assets::show).post(assets::update))
        .route("/assets/{id}/edit", get(assets::edit))
        .route("/assets/{id}/delete", post(assets::delete))
        .route("/vulns", get(vulns::list::list))
        .route("/vulns/export.csv", get(vulns::list::export))
        .route("/vulns/policy", get(vulns::policy::show).post(vulns::policy::save))
        .route("/vulns/{id}", get(vulns::detail::show))
        .route("/vulns/{id}/decision", post(vulns::detail::decide))
        .route("/alerts", get(alerts::list::list))
        .route("/alerts/suppressions", get(alerts::suppressions::list))
        .route("/alerts/suppressions/{id}/delete", post(alerts::suppressions::remove))
        .route("/alerts/{id}", get(alerts::detail::show))
        .route("/alerts/{id}/triage", post(alerts::detail::triage))
        .route("/cases", get(cases::list::list).post(cases::new::create))
        .route("/cases/new", get(cases::new::form))
        .route("/cases/{id}", get(cases::detail::show))
        .route("/cases/{id}/edit", get(cases::new::edit).post(cases::new::update))
        .route("/cases/{id}/status", post(cases::forms::status))
        .route("/cases/{id}/entries", post(cases::forms::entry))
        .route("/cases/{id}/checklist", post(cases::forms::checklist))
        .route("/cases/{id}/contacts", post(cases::forms::contact))
        .route("/cases/{id}/tasks", post(cases::forms::task))
        .route("/cases/{id}/tasks/{task}/done", post(cases::forms::task_done))
        .route("/cases/{id}/scope", post(cases::forms::scope))
        .route("/cases/{id}/iocs", post(cases::forms::ioc))
        .route("/cases/{id}/fields", post(cases::forms::fields))
        .route("/cases/{id}/filed", post(cases::forms::filed))
        .route("/cases/{id}/appi", get(cases::appi::form).post(cases::appi::decide))
        .route(
            "/cases/{id}/evidence",
            // Evidence files may be up to 25 MiB; every other form keeps the default limit.
            post(cases::evidence::upload).layer(DefaultBodyLimit::max(cases::evidence::BODY_LIMIT)),
        )
        .route("/cases/{id}/evidence/{ev}", get(cases::evidence::download))
        .route("/cases/{id}/evidence/{ev}/custody", post(cases::evidence::custody))
        .route("/cases/{id}/documents/{code}", get(cases::documents::show).post(cases::documents::save))
        .route("/cases/{id}/anonymized.json", get(cases::documents::anonymized))
        .route("/backups", get(backups::list::list).post(backups::form::create))
        .route("/backups/new", get(backups::form::new))
        .route("/backups/report", get(backups::report::show))
        .route("/backups/report.pdf", get(backups::report::pdf))
        .route("/backups/jobs/{id}", get(backups::job::show))
        .route("/backups/jobs/{id}/edit", get(backups::form::edit).post(backups::form::update))
        .route("/backups/jobs/{id}/run", post(backups::job::run))
        .route("/backups/jobs/{id}/test", post(backups::job::test))
        .route("/readiness", get(readiness::show))
        .route("/readiness/answer", post(readiness::answer))
        .route("/readiness/print", get(readiness::print))
        .route("/readiness/vendors", get(vendor_staff::show))
        .route("/readiness/vendors/link", post(vendor_staff::create_link))
        .route(
            "/readiness/vendors/files",
            post(vendor_staff::upload).layer(DefaultBodyLimit::max(vendor_staff::BODY_LIMIT)),
        )
        .route("/readiness/vendors/files/{id}", get(vendor_staff::download))
        // Public: a vendor answers through its one-time link, without an account.
        .route("/vendor-sheet/{token}", get(vendor_sheet::show).post(vendor_sheet::submit))
        .route("/readiness/training", get(training::show))
        .route("/readiness/training/manager", post(training::manager))
        .route(
            "/readiness/training/session",
            post(training::session).layer(DefaultBodyLimit::max(training::BODY_LIMIT)),
        )
        .route("/readiness/training/{facility}/material/{session}", get(training::material))
        .route("/readiness/bcp", get(bcp::show).post(bcp::save))
        .route("/readiness/bcp/system", post(bcp::system))
        .route("/readiness/bcp.pdf", get(bcp::pdf))
        .route(
            "/readiness/bcp/diagrams",
            post(bcp::diagrams::upload).layer(DefaultBodyLimit::max(bcp::diagrams::BODY_LIMIT)),
        )
        .route("/readiness/bcp/diagrams/{id}", get(bcp::diagrams::download))
        .route("/readiness/bcp/diagrams/{id}/remove", post(bcp::diagrams::remove))
        .route("/readiness/drills", get(drills::list).post(drills::start))
        .route("/readiness/drills/{id}", get(drills::show))
        .route("/readiness/drills/{id}/entry", post(drills::entry))
        .route("/readiness/drills/{id}/task", post(drills::task))
        .route("/readiness/drills/{id}/task/{task}", post(drills::task_done))
        .route("/readiness/inspection", get(inspection::show))
        .route("/readiness/inspection.pdf", get(inspection::pdf))
        .route("/readiness/overview", get(inspection::overview::show))
        .route("/readiness/cost", get(plans::cost::show).post(plans::cost::save))
        .route("/readiness/cost.pdf", get(plans::cost::pdf))
        .route("/readiness/roadmap", get(plans::roadmap::show))
        .route("/readiness/roadmap.pdf", get(plans::roadmap::pdf))
        .route("/readiness/roadmap/approve", post(plans::roadmap::approve))
        .route("/readiness/inspection-dates", get(plans::dates::show).post(plans::dates::save))
        .route("/contacts", get(contacts::list).post(contacts::create))
        .route("/contacts/chart", get(contacts::chart))
        .route("/contacts/new", get(contacts::new))
        .route("/contacts/{id}", post(contacts::update))
        .route("/contacts/{id}/edit", get(contacts::edit))
        .route("/contacts/{id}/delete", post(contacts::delete))
        .route("/parties", post(contacts::create_party))
        .route("/parties/new", get(contacts::new_party))
        .route("/parties/{id}", post(contacts::update_party))
        .route("/parties/{id}/edit", get(contacts::edit_party))
        .route("/parties/{id}/delete", post(contacts::delete_party))
        .route("/users", get(users::list).post(users::create))
        .route("/users/new", get(users::new))
        .route("/users/{id}", get(users::show).post(users::update))
        .route("/users/{id}/reset-password", post(users::reset_password))
        .route("/users/{id}/reset-totp", post(users::reset_totp))
        .route("/settings/require-totp", post(users::require_totp))
        .route("/account", get(account::show))
        .route("/account/password", post(account::change_password))
        .route("/account/totp", get(account::totp))
        .route("/account/totp/begin", post(account::totp_begin))
        .route("/account/totp/confirm", post(account::totp_confirm))
        .route("/account/totp/disable", post(account::totp_disable))
        .route("/account/tokens", post(account::create_token))
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route("/audit", get(audit::list))
        .route("/audit/export", get(audit::export))
        .fallback(statics::not_found)
}
