//! `/api/v1/cases`: incident cases, what people record on them, the APPI breach-report duty
//! with its deadlines, and the documents drafted from the record.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use mamoru_app::Error as AppError;
use mamoru_app::incident::is_editable;
use mamoru_domain::incident::{EntryInput, IocInput, TaskInput};
use mamoru_domain::{CaseId, FacilityId, Invalid, Problem};
use mamoru_store::CaseQuery;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::auth::{ApiUser, Json};
use crate::api::views_case::{
    AppiBody, CaseBody, CaseDetailView, CaseSummaryView, DocumentView, EntryBody, FieldView, FiledBody, IocBody,
    MarkView, SectionView, StatusBody, TaskBody,
};
use crate::error::{ApiError, ApiErrorBody};
use crate::state::AppState;

/// Which cases.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct CasesQuery {
    /// Only cases not closed.
    #[serde(default)]
    open_only: bool,
    /// Only this facility.
    #[serde(alias = "facility_id")]
    facility: Option<i64>,
    /// At most this many, 1–10000 (default all).
    limit: Option<u32>,
}

/// Cases of the facilities the caller may see, most recently changed first.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", params(CasesQuery),
    responses((status = 200, body = [CaseSummaryView]), (status = 401, body = ApiErrorBody)))]
pub(crate) async fn list(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Query(q): Query<CasesQuery>,
) -> Result<axum::Json<Vec<CaseSummaryView>>, ApiError> {
    let query = CaseQuery {
        facility: q.facility.map(FacilityId::new),
        open_only: q.open_only,
        limit: q.limit.map(|l| l.clamp(1, 10_000)),
        ..Default::default()
    };
    let all = state.app.cases(&p, query).await?;
    Ok(axum::Json(all.iter().map(Into::into).collect()))
}

/// The case with everything on it, as the caller now sees it.
async fn detail(state: &AppState, p: &mamoru_app::Principal, id: CaseId) -> Result<CaseDetailView, ApiError> {
    let view = state.app.case_view(p, id).await?;
    let appi = state.app.case_appi(p, id).await?;
    Ok(CaseDetailView::new(view, appi))
}

/// Opens a case, by hand or from an alert (`alert_id`) or a finding (`finding_id`).
/// `aware_at` starts the APPI deadlines; it may not be before `occurred_at` or in the future.
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", request_body = CaseBody,
    responses((status = 201, body = CaseDetailView), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
pub(crate) async fn create(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Json(body): Json<CaseBody>,
) -> Result<Response, ApiError> {
    let Some(source) = body.source() else {
        let why = "a case comes from an alert or a finding, not both".to_owned();
        return Err(AppError::Invalid(vec![Invalid::new("finding_id", Problem::NotAllowed(why))]).into());
    };
    let id = match state.app.open_case(&p, &body.input(), source).await {
        Ok(id) => id,
        // The form's field is `facility`; the body's is `facility_id`.
        Err(AppError::Invalid(list)) => {
            let renamed = list
                .into_iter()
                .map(|i| if i.field == "facility" { Invalid::new("facility_id", i.problem) } else { i })
                .collect();
            return Err(AppError::Invalid(renamed).into());
        }
        Err(e) => return Err(e.into()),
    };
    Ok((StatusCode::CREATED, axum::Json(detail(&state, &p, id).await?)).into_response())
}

/// One case: its timeline, tasks, scope, indicators, evidence (metadata with SHA-256), report
/// facts, and the APPI duty with its deadlines and reminders.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", params(("id" = i64, Path)),
    responses((status = 200, body = CaseDetailView), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn get(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<axum::Json<CaseDetailView>, ApiError> {
    Ok(axum::Json(detail(&state, &p, CaseId::new(id)).await?))
}

/// Moves a case to another stage; closing is for managers and administrators. Returns the case.
#[utoipa::path(post, path = "/api/v1/cases/{id}/status", tag = "cases", params(("id" = i64, Path)),
    request_body = StatusBody,
    responses((status = 200, body = CaseDetailView), (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub(crate) async fn status(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<StatusBody>,
) -> Result<axum::Json<CaseDetailView>, ApiError> {
    let id = CaseId::new(id);
    state.app.set_case_status(&p, id, &body.status, body.note.as_deref().unwrap_or("")).await?;
    Ok(axum::Json(detail(&state, &p, id).await?))
}

/// Adds a timeline entry, back-dated when `at` is given. Returns the case.
#[utoipa::path(post, path = "/api/v1/cases/{id}/entries", tag = "cases", params(("id" = i64, Path)),
    request_body = EntryBody,
    responses((status = 201, body = CaseDetailView), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
pub(crate) async fn add_entry(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<EntryBody>,
) -> Result<Response, ApiError> {
    let id = CaseId::new(id);
    let input = EntryInput { at: body.at.unwrap_or_default(), kind: body.kind.unwrap_or_default(), text: body.text };
    state.app.add_case_entry(&p, id, &input).await?;
    Ok((StatusCode::CREATED, axum::Json(detail(&state, &p, id).await?)).into_response())
}

/// Adds a task. Returns the case.
#[utoipa::path(post, path = "/api/v1/cases/{id}/tasks", tag = "cases", params(("id" = i64, Path)),
    request_body = TaskBody,
    responses((status = 201, body = CaseDetailView), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
pub(crate) async fn add_task(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<TaskBody>,
) -> Result<Response, ApiError> {
    let id = CaseId::new(id);
    let input =
        TaskInput { title: body.title, owner: body.owner.unwrap_or_default(), due: body.due.unwrap_or_default() };
    state.app.add_case_task(&p, id, &input).await?;
    Ok((StatusCode::CREATED, axum::Json(detail(&state, &p, id).await?)).into_response())
}

/// Notes an indicator of compromise (its kind guessed when not given). Returns the case.
#[utoipa::path(post, path = "/api/v1/cases/{id}/iocs", tag = "cases", params(("id" = i64, Path)),
    request_body = IocBody,
    responses((status = 201, body = CaseDetailView), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
pub(crate) async fn add_ioc(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<IocBody>,
) -> Result<Response, ApiError> {
    let id = CaseId::new(id);
    let input =
        IocInput { value: body.value, kind: body.kind.unwrap_or_default(), note: body.note.unwrap_or_default() };
    state.app.add_case_ioc(&p, id, &input).await?;
    Ok((StatusCode::CREATED, axum::Json(detail(&state, &p, id).await?)).into_response())
}

/// Writes report facts by key (`overview`, `data_items`, `people`, `cause`,
/// `secondary_damage`, `response_to_people`, `publication`, `prevention`, `other`,
/// `discovery`, `systems`, `care_impact`, `current_status`, `contact_window`, `costs`); an
/// empty text clears one. Returns the case.
#[utoipa::path(put, path = "/api/v1/cases/{id}/fields", tag = "cases", params(("id" = i64, Path)),
    request_body(content = Object, description = "report fact key → text"),
    responses((status = 200, body = CaseDetailView), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
pub(crate) async fn set_fields(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<BTreeMap<String, String>>,
) -> Result<axum::Json<CaseDetailView>, ApiError> {
    let id = CaseId::new(id);
    state.app.set_case_fields(&p, id, &body).await?;
    Ok(axum::Json(detail(&state, &p, id).await?))
}

/// Runs the breach-report wizard (managers and administrators): the answers decide whether
/// the case is reportable to the PPC, under which categories, and so the final report's
/// deadline. Returns the case.
#[utoipa::path(post, path = "/api/v1/cases/{id}/appi", tag = "cases", params(("id" = i64, Path)),
    request_body = AppiBody,
    responses((status = 200, body = CaseDetailView), (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub(crate) async fn decide_appi(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<AppiBody>,
) -> Result<axum::Json<CaseDetailView>, ApiError> {
    let id = CaseId::new(id);
    state.app.decide_appi(&p, id, &body.form()).await?;
    Ok(axum::Json(detail(&state, &p, id).await?))
}

/// Records that the preliminary or final report was filed with the PPC (managers and
/// administrators). Returns the case.
#[utoipa::path(post, path = "/api/v1/cases/{id}/filed", tag = "cases", params(("id" = i64, Path)),
    request_body = FiledBody,
    responses((status = 200, body = CaseDetailView), (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub(crate) async fn filed(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<FiledBody>,
) -> Result<axum::Json<CaseDetailView>, ApiError> {
    let id = CaseId::new(id);
    let (at, note) = (body.at.unwrap_or_default(), body.note.unwrap_or_default());
    state.app.mark_report_filed(&p, id, body.report.trim(), &at, &note).await?;
    Ok(axum::Json(detail(&state, &p, id).await?))
}

/// How to fetch a document.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct DocumentQuery {
    /// `json` (the default), `text` or `pdf`.
    format: Option<String>,
    /// For `ppc_report`: `preliminary`, `final` or `both`; by default the preliminary report
    /// until one is filed, then the final one.
    stage: Option<String>,
}

/// A document drafted from the case as it is now: `ppc_report`, `mhlw_report`,
/// `patient_notice`, `public_notice` or `case_summary`; as JSON, plain text or PDF.
#[utoipa::path(get, path = "/api/v1/cases/{id}/documents/{code}", tag = "cases",
    params(("id" = i64, Path), ("code" = String, Path), DocumentQuery),
    responses((status = 200, body = DocumentView, description = "JSON; text/plain with format=text, application/pdf with format=pdf"),
        (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
        (status = 503, body = ApiErrorBody, description = "no Japanese font to typeset the PDF")))]
pub(crate) async fn document(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Path((id, code)): Path<(i64, String)>,
    Query(q): Query<DocumentQuery>,
) -> Result<Response, ApiError> {
    let id = CaseId::new(id);
    let stage = q.stage.as_deref();
    match q.format.as_deref().map(str::trim).unwrap_or("json") {
        "" | "json" => {
            let d = state.app.case_document(&p, id, &code, stage).await?;
            let missing = d.missing().iter().map(|f| f.key.clone()).collect();
            let view = DocumentView {
                kind: d.kind,
                title: d.title,
                subtitle: d.subtitle,
                addressee: d.addressee,
                date: d.date,
                marks: d.marks.into_iter().map(|m| MarkView { label: m.label, checked: m.checked }).collect(),
                sections: d
                    .sections
                    .into_iter()
                    .map(|s| SectionView {
                        heading: s.heading,
                        fields: s
                            .fields
                            .into_iter()
                            .map(|f| FieldView {
                                editable: is_editable(&f.key),
                                key: f.key,
                                label: f.label,
                                value: f.value,
                            })
                            .collect(),
                    })
                    .collect(),
                footer: d.footer,
                missing,
            };
            Ok(axum::Json(view).into_response())
        }
        "text" | "txt" => {
            let d = state.app.case_document(&p, id, &code, stage).await?;
            Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], d.to_text()).into_response())
        }
        "pdf" => match state.app.case_document_pdf(&p, id, &code, stage).await {
            Ok((name, bytes)) => {
                let disposition = format!("attachment; filename=\"{name}\"");
                Ok((
                    [(header::CONTENT_TYPE, "application/pdf".to_owned()), (header::CONTENT_DISPOSITION, disposition)],
                    bytes,
                )
                    .into_response())
            }
            Err(AppError::Files(why)) => {
                tracing::warn!(error = %why, "cannot typeset a case document");
                Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", why))
            }
            Err(e) => Err(e.into()),
        },
        other => {
            let what = format!("{other} (json, text, pdf)");
            Err(AppError::Invalid(vec![Invalid::new("format", Problem::Unknown(what))]).into())
        }
    }
}

/// A closed case, anonymized for an ISAC or a training scenario (managers and
/// administrators): facility kind, size band and region, days from awareness to each stage,
/// the first-hour steps, the breach-report categories, shareable indicators, and the cause and
/// prevention with addresses and names removed (to be read by a person before sharing).
#[utoipa::path(get, path = "/api/v1/cases/{id}/anonymized", tag = "cases", params(("id" = i64, Path)),
    responses((status = 200, body = Object), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody, description = "the case is not closed")))]
pub(crate) async fn anonymized(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<axum::Json<serde_json::Value>, ApiError> {
    Ok(axum::Json(state.app.case_anonymized(&p, CaseId::new(id)).await?))
}
