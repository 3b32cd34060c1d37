//! `/backups/jobs/{id}`: one job — its definition, where its restore verification stands, the
//! latest result of each kind, its history — and the buttons that run a backup or a restore
//! test now (each for those allowed to).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use std::time::Duration;

use mamoru_app::backup::JobView;
use mamoru_domain::BackupJobId;
use mamoru_domain::access::Action;
use mamoru_domain::backup::RestoreStatus;

use super::{Start, start};
use crate::error::WebError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::context::Viewer;
use crate::web::forms::{CsrfOnly, Done, check_csrf};
use crate::web::render::{Layout, page};

#[derive(Template)]
#[template(path = "backups/show.html")]
struct ShowPage {
    tr: Tr,
    layout: Layout,
    v: JobView,
    can_run: bool,
    can_edit: bool,
}

impl ShowPage {
    fn status_class(&self, s: &RestoreStatus) -> &'static str {
        super::status_class(*s)
    }

    fn duration(&self, ms: &u64) -> String {
        super::duration(self.tr.lang, *ms)
    }

    fn size(&self, bytes: &u64) -> String {
        super::size(*bytes)
    }

    fn policy(&self, days: &u32) -> String {
        super::policy(&self.tr, *days)
    }

    /// A snapshot id as restic prints it in lists: its first eight hex digits.
    fn short<'a>(&self, id: &'a str) -> &'a str {
        id.get(..8).unwrap_or(id)
    }
}

/// The confirmation a run leaves on the page after the redirect.
fn notice(tr: Tr, done: Option<&str>) -> Option<String> {
    let key = match done? {
        "ran" => "backups.ran",
        "ran_failed" => "backups.ran_failed",
        "tested" => "backups.tested",
        "test_failed" => "backups.test_failed",
        "running" => "backups.running",
        "busy" => "backups.busy",
        _ => return None,
    };
    Some(tr.t(key).to_owned())
}

/// `GET /backups/jobs/{id}`.
pub(crate) async fn show(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<Done>,
) -> Result<Response, WebError> {
    let view = state.app.backup_job_view(&v.p, BackupJobId::new(id), Timestamp::now()).await?;
    let facility = Some(view.job.spec.facility);
    let mut layout = Layout::new(&v, "backups.title", "backups").with_notice(v.tr, q.done.as_deref());
    layout.title = view.job.spec.name.clone();
    if layout.notice.is_none() {
        layout.notice = notice(v.tr, q.done.as_deref());
    }
    page(&ShowPage {
        tr: v.tr,
        layout,
        can_run: v.p.can(Action::RunBackups, facility),
        can_edit: v.p.can(Action::ManageBackups, facility),
        v: view,
    })
}

/// How long a button waits for its run before showing the page again: a small system's run
/// is over by then and its outcome is shown; a large one goes on and its result appears in the
/// history.
const WAIT: Duration = Duration::from_secs(20);

/// Starts the run and comes back to the job with its outcome, or with "running" if it goes on.
async fn start_and_wait(v: &Viewer, state: &AppState, id: i64, what: Start) -> Result<Response, WebError> {
    let task = start(state, &v.p, BackupJobId::new(id), what);
    let done = match tokio::time::timeout(WAIT, task).await {
        Ok(joined) => match joined.map_err(|e| WebError::Internal(e.to_string()))? {
            Ok(run) => match (what, run.ok()) {
                (Start::Backup, true) => "ran",
                (Start::Backup, false) => "ran_failed",
                (Start::RestoreTest, true) => "tested",
                (Start::RestoreTest, false) => "test_failed",
            },
            // Already running (the scheduler's run, or a second click): that run's result
            // will be in the history.
            Err(mamoru_app::Error::InUse(_)) => "busy",
            Err(e) => return Err(e.into()),
        },
        Err(_) => "running",
    };
    Ok(Redirect::to(&format!("/backups/jobs/{id}?done={done}")).into_response())
}

/// `POST /backups/jobs/{id}/run`: backs up now (then the offline copy and retention).
pub(crate) async fn run(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, WebError> {
    check_csrf(&v, &f.csrf)?;
    start_and_wait(&v, &state, id, Start::Backup).await
}

/// `POST /backups/jobs/{id}/test`: restores the latest snapshot into a scratch folder now,
/// compares every file, and records how long it took.
pub(crate) async fn test(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, WebError> {
    check_csrf(&v, &f.csrf)?;
    start_and_wait(&v, &state, id, Start::RestoreTest).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_outcome_has_its_words() {
        let tr = Tr::new(crate::i18n::Lang::Ja);
        for d in ["ran", "ran_failed", "tested", "test_failed", "running", "busy"] {
            let text = notice(tr, Some(d)).unwrap();
            assert!(!text.starts_with("backups."), "{d}: {text}");
        }
        assert_eq!(notice(tr, Some("other")), None);
    }
}
