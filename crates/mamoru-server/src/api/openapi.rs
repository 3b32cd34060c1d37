//! The OpenAPI 3.1 document, generated from the handlers' annotations so it cannot drift.

use axum::response::IntoResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api::{
    alerts, backups, cases, facilities, inventory, people, views, views_alert, views_backup, views_case, vulns,
};
use crate::error::{ApiErrorBody, FieldError, RowErrorView};

#[derive(OpenApi)]
#[openapi(
    info(title = "Mamoru API", description = "Facilities, the asset register, vulnerability findings, detection alerts, incident cases with their breach reports, backups with their restore tests, the contact chain, users and the audit log of one organisation."),
    paths(
        facilities::list, facilities::get, facilities::create, facilities::update, facilities::delete,
        inventory::list, inventory::get, inventory::create, inventory::update, inventory::delete, inventory::import,
        people::me, people::parties, people::create_party, people::update_party, people::delete_party,
        people::contacts, people::create_contact, people::update_contact, people::delete_contact,
        people::users, people::audit,
        vulns::list, vulns::get, vulns::decide, vulns::policy, vulns::set_policy, vulns::status,
        alerts::list_alerts, alerts::get_alert, alerts::triage, alerts::suppressions, alerts::remove_suppression,
        cases::list, cases::create, cases::get, cases::status, cases::add_entry, cases::add_task, cases::add_ioc,
        cases::set_fields, cases::decide_appi, cases::filed, cases::document, cases::anonymized,
        backups::board, backups::job, backups::run, backups::test,
    ),
    components(schemas(
        views::FacilityView, views::FacilityBody, views::AssetView, views::AssetBody, views::AssetPage, views::ImportResult,
        views::PartyView, views::PartyBody, views::ContactView, views::ContactBody, views::UserView, views::GrantView,
        views::MeView, views::AuditView, views::FindingView, views::DecisionBody, views::PolicyView,
        views::FeedCountView, views::FeedStatusView, views_alert::AlertView, views_alert::TriageBody,
        views_alert::SuppressBody, views_alert::SuppressionView, views_case::CaseSummaryView,
        views_case::CaseDetailView, views_case::EntryView, views_case::TaskView, views_case::ScopeView,
        views_case::IocView, views_case::EvidenceView, views_case::CodeText, views_case::AppiJson,
        views_case::DecisionView, views_case::DeadlinesView, views_case::ReminderView, views_case::CaseBody,
        views_case::StatusBody, views_case::EntryBody, views_case::TaskBody, views_case::IocBody,
        views_case::AppiBody, views_case::FiledBody, views_case::DocumentView, views_case::MarkView,
        views_case::SectionView, views_case::FieldView, views_backup::BackupBoardView,
        views_backup::SystemStatusView, views_backup::BackupResultView, views_backup::LatestView,
        views_backup::BackupJobView, views_backup::JobRunView, ApiErrorBody, FieldError, RowErrorView,
    )),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let scheme =
            HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some("A personal API token, mmr_…")).build();
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// `GET /api/v1/openapi.json`.
pub(crate) async fn document() -> impl IntoResponse {
    axum::Json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    use utoipa::OpenApi;

    #[test]
    fn every_route_is_documented() {
        let doc = serde_json::to_value(super::ApiDoc::openapi()).unwrap();
        let paths = doc["paths"].as_object().unwrap();
        for p in [
            "/api/v1/facilities",
            "/api/v1/facilities/{id}",
            "/api/v1/assets",
            "/api/v1/assets/{id}",
            "/api/v1/assets/import",
            "/api/v1/parties",
            "/api/v1/parties/{id}",
            "/api/v1/contacts",
            "/api/v1/contacts/{id}",
            "/api/v1/users",
            "/api/v1/audit",
            "/api/v1/me",
            "/api/v1/findings",
            "/api/v1/findings/{id}",
            "/api/v1/findings/{id}/decision",
            "/api/v1/vuln/policy",
            "/api/v1/vuln/status",
            "/api/v1/alerts",
            "/api/v1/alerts/{id}",
            "/api/v1/alerts/{id}/triage",
            "/api/v1/suppressions",
            "/api/v1/suppressions/{id}",
            "/api/v1/cases",
            "/api/v1/cases/{id}",
            "/api/v1/cases/{id}/status",
            "/api/v1/cases/{id}/entries",
            "/api/v1/cases/{id}/tasks",
            "/api/v1/cases/{id}/iocs",
            "/api/v1/cases/{id}/fields",
            "/api/v1/cases/{id}/appi",
            "/api/v1/cases/{id}/filed",
            "/api/v1/cases/{id}/documents/{code}",
            "/api/v1/cases/{id}/anonymized",
            "/api/v1/backups",
            "/api/v1/backups/jobs/{id}",
            "/api/v1/backups/jobs/{id}/run",
            "/api/v1/backups/jobs/{id}/test",
        ] {
            assert!(paths.contains_key(p), "{p} is not in the OpenAPI document");
        }
        assert!(doc["components"]["schemas"]["AssetView"]["properties"]["internet_facing"].is_object());
        let finding = &doc["components"]["schemas"]["FindingView"]["properties"];
        for key in ["id", "asset", "asset_id", "facility_id", "cve", "kev", "priority", "due", "first_seen"] {
            assert!(finding[key].is_object(), "FindingView has no {key}");
        }
        let alert = &doc["components"]["schemas"]["AlertView"]["properties"];
        for key in [
            "id",
            "facility",
            "rule_id",
            "rule_title",
            "rule_file",
            "level",
            "computer",
            "channel",
            "event_id",
            "first_seen",
            "last_seen",
            "count",
            "status",
            "status_reason",
            "details",
        ] {
            assert!(alert[key].is_object(), "AlertView has no {key}");
        }
        assert!(doc["paths"]["/api/v1/suppressions/{id}"]["delete"].is_object());
        let system = &doc["components"]["schemas"]["SystemStatusView"]["properties"];
        for key in ["job_id", "name", "status", "needs_action", "last_verified_at", "last_verified_ms", "max_age_days"]
        {
            assert!(system[key].is_object(), "SystemStatusView has no {key}");
        }
    }
}
