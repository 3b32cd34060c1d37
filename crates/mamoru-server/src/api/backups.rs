//! `/api/v1/backups`: per protected system, the last verified restore (the dashboard card's
//! data); a job with its results; and running a backup or a restore test now.

use axum::extract::{Path, Query, State};
use jiff::Timestamp;
use mamoru_domain::{BackupJobId, FacilityId};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::auth::ApiUser;
use crate::api::views_backup::{BackupBoardView, BackupJobView, JobRunView};
use crate::error::{ApiError, ApiErrorBody};
use crate::state::AppState;
use crate::web::backups::{Start, start};

/// Waits for a run started on its own task (it finishes and is recorded even if the caller
/// hangs up).
async fn finished(
    task: tokio::task::JoinHandle<Result<mamoru_app::backup::JobRun, mamoru_app::Error>>,
) -> Result<mamoru_app::backup::JobRun, ApiError> {
    let run = task.await.map_err(mamoru_app::Error::from)?;
    Ok(run?)
}

/// Which systems.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct BoardQuery {
    /// Only this facility's systems.
    #[serde(alias = "facility_id")]
    facility: Option<i64>,
}

/// Every protected system the caller may see with its last verified restore, its measured
/// duration and its status against the policy; those needing action first.
#[utoipa::path(get, path = "/api/v1/backups", tag = "backups", params(BoardQuery),
    responses((status = 200, body = BackupBoardView), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody)))]
pub(crate) async fn board(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Query(q): Query<BoardQuery>,
) -> Result<axum::Json<BackupBoardView>, ApiError> {
    let now = Timestamp::now();
    let board = match q.facility.map(FacilityId::new) {
        Some(f) => state.app.backup_board_of(&p, f, now).await?,
        None => state.app.backup_board(&p, now).await?,
    };
    Ok(axum::Json((&board).into()))
}

/// One job: its definition, restore status, latest result of each kind and its newest results.
#[utoipa::path(get, path = "/api/v1/backups/jobs/{id}", tag = "backups", params(("id" = i64, Path)),
    responses((status = 200, body = BackupJobView), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn job(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<axum::Json<BackupJobView>, ApiError> {
    let view = state.app.backup_job_view(&p, BackupJobId::new(id), Timestamp::now()).await?;
    Ok(axum::Json((&view).into()))
}

/// Backs the job up now, then refreshes its offline copy and applies its retention policy.
/// Answers when it has finished (the run goes on and is recorded if the caller hangs up); 409
/// when the job is running already; a failed step is in the results (`ok: false`), not an error.
#[utoipa::path(post, path = "/api/v1/backups/jobs/{id}/run", tag = "backups", params(("id" = i64, Path)),
    responses((status = 200, body = JobRunView), (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub(crate) async fn run(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<axum::Json<JobRunView>, ApiError> {
    let run = finished(start(&state, &p, BackupJobId::new(id), Start::Backup)).await?;
    Ok(axum::Json(JobRunView::new(&run, &p.actor().name)))
}

/// Restores the job's latest snapshot into a scratch folder now, compares every file and records
/// how long it took. A failed test is in the results (`ok: false`) and raises an alert; 409 when
/// the job is running already.
#[utoipa::path(post, path = "/api/v1/backups/jobs/{id}/test", tag = "backups", params(("id" = i64, Path)),
    responses((status = 200, body = JobRunView), (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub(crate) async fn test(
    ApiUser(p): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<axum::Json<JobRunView>, ApiError> {
    let run = finished(start(&state, &p, BackupJobId::new(id), Start::RestoreTest)).await?;
    Ok(axum::Json(JobRunView::new(&run, &p.actor().name)))
}
