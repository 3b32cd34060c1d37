//! Defining a backup job (`/backups/new`) and changing one (`/backups/jobs/{id}/edit`): every
//! problem is shown beside its field, and the form keeps what was typed.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use mamoru_app::Error as AppError;
use mamoru_domain::access::Action;
use mamoru_domain::backup::{JobInput, OfflineKind, SystemKind};
use mamoru_domain::{AssetId, BackupJobId, Facility, FacilityId, Invalid, Problem};
use serde::Deserialize;

use crate::error::WebError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::context::Viewer;
use crate::web::forms::{check_csrf, opt_id};
use crate::web::render::{FormErrors, Layout, page};

/// The job form as posted (and shown again with its problems). Check boxes send `はい` when
/// ticked and nothing otherwise.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct JobForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    pub(crate) facility: String,
    #[serde(default)]
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) kind: String,
    #[serde(default)]
    pub(crate) needed_for_care: String,
    #[serde(default)]
    pub(crate) asset: String,
    #[serde(default)]
    pub(crate) sources: String,
    #[serde(default)]
    pub(crate) repository: String,
    #[serde(default)]
    pub(crate) password_file: String,
    #[serde(default)]
    pub(crate) offline_repository: String,
    #[serde(default)]
    pub(crate) offline_kind: String,
    #[serde(default)]
    pub(crate) schedule: String,
    #[serde(default)]
    pub(crate) retention: String,
    #[serde(default)]
    pub(crate) restore_max_age_days: String,
    #[serde(default)]
    pub(crate) enabled: String,
}

impl JobForm {
    /// An empty form: scheduled, and the default restore-test policy.
    fn blank() -> Self {
        JobForm {
            enabled: "はい".into(),
            restore_max_age_days: mamoru_domain::backup::RESTORE_MAX_AGE_DEFAULT.to_string(),
            ..Default::default()
        }
    }

    fn of(input: &JobInput) -> Self {
        JobForm {
            facility: input.facility.map(|f| f.to_string()).unwrap_or_default(),
            name: input.name.clone(),
            kind: input.kind.clone(),
            needed_for_care: input.needed_for_care.clone(),
            asset: input.asset.map(|a| a.to_string()).unwrap_or_default(),
            sources: input.sources.clone(),
            repository: input.repository.clone(),
            password_file: input.password_file.clone(),
            offline_repository: input.offline_repository.clone(),
            offline_kind: input.offline_kind.clone(),
            schedule: input.schedule.clone(),
            retention: input.retention.clone(),
            restore_max_age_days: input.restore_max_age_days.clone(),
            enabled: input.enabled.clone(),
            ..Default::default()
        }
    }

    /// The form as the domain reads it; an unticked box is an explicit no. An asset number
    /// that is not a number is a problem of its field, returned beside the input.
    fn input(&self) -> Result<(JobInput, Option<Invalid>), WebError> {
        let flag = |s: &str| if s.trim().is_empty() { "いいえ".to_owned() } else { s.to_owned() };
        let (asset, bad_asset) = match opt_id(&self.asset) {
            Ok(a) => (a.map(AssetId::new), None),
            Err(_) => (None, Some(Invalid::new("asset", Problem::NotANumber(self.asset.trim().to_owned())))),
        };
        let input = JobInput {
            facility: opt_id(&self.facility)?.map(FacilityId::new),
            name: self.name.clone(),
            kind: self.kind.clone(),
            needed_for_care: flag(&self.needed_for_care),
            asset,
            sources: self.sources.clone(),
            repository: self.repository.clone(),
            password_file: self.password_file.clone(),
            offline_repository: self.offline_repository.clone(),
            offline_kind: self.offline_kind.clone(),
            schedule: self.schedule.clone(),
            retention: self.retention.clone(),
            restore_max_age_days: self.restore_max_age_days.clone(),
            enabled: flag(&self.enabled),
        };
        Ok((input, bad_asset))
    }

    /// Whether a check box is ticked (`はい`, `yes`, `on`...).
    fn ticked(&self, value: &str) -> bool {
        !value.trim().is_empty() && !matches!(value.trim(), "いいえ" | "no" | "false" | "0" | "off")
    }
}

/// The form's other problems (checked without storing anything) and `bad`, shown together.
fn with_problem(tr: Tr, input: &JobInput, bad: Invalid) -> FormErrors {
    let mut list = input.parse().err().unwrap_or_default();
    list.push(bad);
    FormErrors::from_invalid(tr, &list)
}

#[derive(Template)]
#[template(path = "backups/form.html")]
struct FormPage {
    tr: Tr,
    layout: Layout,
    form: JobForm,
    errors: FormErrors,
    facilities: Vec<Facility>,
    kinds: &'static [SystemKind],
    offline_kinds: &'static [OfflineKind],
    /// Where the form posts.
    action: String,
    editing: Option<BackupJobId>,
}

async fn render(
    v: &Viewer,
    state: &AppState,
    form: JobForm,
    errors: FormErrors,
    editing: Option<BackupJobId>,
) -> Result<Response, WebError> {
    let allowed = v.p.facilities_for(Action::ManageBackups);
    let facilities = state.app.facilities(&v.p).await?.into_iter().filter(|f| allowed.contains(f.id)).collect();
    let (title, action) = match editing {
        Some(id) => ("backups.edit_title", format!("/backups/jobs/{id}/edit")),
        None => ("backups.new_title", "/backups".to_owned()),
    };
    let failed = !errors.is_empty();
    let mut res = page(&FormPage {
        tr: v.tr,
        layout: Layout::new(v, title, "backups"),
        form,
        errors,
        facilities,
        kinds: SystemKind::ALL,
        offline_kinds: OfflineKind::ALL,
        action,
        editing,
    })?;
    if failed {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// `GET /backups/new`.
pub(crate) async fn new(v: Viewer, State(state): State<AppState>) -> Result<Response, WebError> {
    if !v.p.can_anywhere(Action::ManageBackups) {
        return Err(WebError::Forbidden);
    }
    render(&v, &state, JobForm::blank(), FormErrors::default(), None).await
}

/// `POST /backups`: defines the job and goes to its page.
pub(crate) async fn create(
    v: Viewer,
    State(state): State<AppState>,
    Form(form): Form<JobForm>,
) -> Result<Response, WebError> {
    check_csrf(&v, &form.csrf)?;
    let input = match form.input()? {
        (input, None) => input,
        (input, Some(bad)) => return render(&v, &state, form, with_problem(v.tr, &input, bad), None).await,
    };
    match state.app.create_backup_job(&v.p, &input).await {
        Ok(id) => Ok(Redirect::to(&format!("/backups/jobs/{id}?done=created")).into_response()),
        Err(AppError::Invalid(list)) => render(&v, &state, form, FormErrors::from_invalid(v.tr, &list), None).await,
        Err(e) => Err(e.into()),
    }
}

/// `GET /backups/jobs/{id}/edit`.
pub(crate) async fn edit(v: Viewer, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, WebError> {
    let job = state.app.backup_job(&v.p, BackupJobId::new(id)).await?;
    if !v.p.can(Action::ManageBackups, Some(job.spec.facility)) {
        return Err(WebError::Forbidden);
    }
    render(&v, &state, JobForm::of(&job.spec.to_input()), FormErrors::default(), Some(job.id)).await
}

/// `POST /backups/jobs/{id}/edit`.
pub(crate) async fn update(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(form): Form<JobForm>,
) -> Result<Response, WebError> {
    check_csrf(&v, &form.csrf)?;
    let id = BackupJobId::new(id);
    let input = match form.input()? {
        (input, None) => input,
        (input, Some(bad)) => return render(&v, &state, form, with_problem(v.tr, &input, bad), Some(id)).await,
    };
    match state.app.update_backup_job(&v.p, id, &input).await {
        Ok(()) => Ok(Redirect::to(&format!("/backups/jobs/{id}?done=saved")).into_response()),
        Err(AppError::Invalid(list)) => render(&v, &state, form, FormErrors::from_invalid(v.tr, &list), Some(id)).await,
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unticked_box_is_an_explicit_no() {
        let form = JobForm { enabled: String::new(), needed_for_care: "はい".into(), ..JobForm::blank() };
        let (input, bad) = form.input().unwrap();
        assert!(bad.is_none());
        assert_eq!((input.enabled.as_str(), input.needed_for_care.as_str()), ("いいえ", "はい"));
        assert!(JobForm::blank().ticked(&JobForm::blank().enabled));
        assert!(!form.ticked(&form.enabled));
        assert!(!form.ticked("いいえ"));
        let typo = JobForm { asset: "PACSサーバ".into(), ..JobForm::blank() };
        let (input, bad) = typo.input().unwrap();
        assert_eq!((input.asset, bad.map(|b| b.field)), (None, Some("asset")));
    }

    #[test]
    fn an_edit_form_shows_the_job_as_defined() {
        let input = JobInput {
            facility: Some(FacilityId::new(3)),
            name: "PACS".into(),
            kind: "pacs".into(),
            enabled: "いいえ".into(),
            ..Default::default()
        };
        let form = JobForm::of(&input);
        assert_eq!((form.facility.as_str(), form.kind.as_str()), ("3", "pacs"));
        assert!(!form.ticked(&form.enabled));
    }
}
