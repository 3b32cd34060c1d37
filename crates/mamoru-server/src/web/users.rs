//! Accounts, for administrators: list, create, roles per scope, reset password or TOTP,
//! and the organisation's two-factor requirement.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mamoru_app::Error as AppError;
use mamoru_domain::access::{Grant, Role, Scope};
use mamoru_domain::{Facility, FacilityId, UserId};
use mamoru_store::{Organization, User};
use serde::Deserialize;

use crate::error::WebError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::context::Viewer;
use crate::web::forms::{CsrfOnly, Done, check_csrf};
use crate::web::render::{FormErrors, Layout, page};

#[derive(Template)]
#[template(path = "users/list.html")]
struct ListPage {
    tr: Tr,
    layout: Layout,
    users: Vec<User>,
    facilities: Vec<Facility>,
    org: Organization,
}

#[derive(Template)]
#[template(path = "users/form.html")]
struct FormPage {
    tr: Tr,
    layout: Layout,
    action: String,
    is_new: bool,
    email: String,
    display_name: String,
    disabled: bool,
    totp_enabled: bool,
    grants: Vec<(String, String, String)>,
    roles: &'static [Role],
    errors: FormErrors,
    user_id: i64,
    new_password: String,
}

/// `GET /users`.
pub(crate) async fn list(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<Done>,
) -> Result<Response, WebError> {
    let users = state.app.users(&v.p).await?;
    let facilities = state.app.facilities(&v.p).await?;
    let org = state.app.org(&v.p).await?;
    let layout = Layout::new(&v, "users.title", "users").with_notice(v.tr, q.done.as_deref());
    page(&ListPage { tr: v.tr, layout, users, facilities, org })
}

/// The role selects of the form: one per scope, `(field name, scope label, selected role code)`.
fn grant_rows(tr: Tr, facilities: &[Facility], grants: &[Grant]) -> Vec<(String, String, String)> {
    let role_at = |scope: Scope| {
        grants
            .iter()
            .filter(|g| g.scope == scope)
            .map(|g| g.role)
            .min()
            .map(|r| r.code().to_owned())
            .unwrap_or_default()
    };
    let mut rows = vec![("role_org".to_owned(), tr.t("users.whole_org").to_owned(), role_at(Scope::Organization))];
    for f in facilities {
        rows.push((format!("role_f{}", f.id), f.draft.name.clone(), role_at(Scope::Facility(f.id))));
    }
    rows
}

/// Reads the role selects back into grants.
fn grants_from(form: &HashMap<String, String>) -> Result<Vec<Grant>, WebError> {
    let mut grants = Vec::new();
    for (k, v) in form {
        let scope = if k == "role_org" {
            Scope::Organization
        } else if let Some(id) = k.strip_prefix("role_f") {
            Scope::Facility(FacilityId::new(id.parse().map_err(|_| WebError::BadRequest(format!("bad field {k:?}")))?))
        } else {
            continue;
        };
        if v.is_empty() {
            continue;
        }
        let role = Role::from_code(v).ok_or_else(|| WebError::BadRequest(format!("unknown role {v:?}")))?;
        grants.push(Grant { role, scope });
    }
    Ok(grants)
}

fn field(form: &HashMap<String, String>, name: &str) -> String {
    form.get(name).cloned().unwrap_or_default()
}

/// `GET /users/new`.
pub(crate) async fn new(v: Viewer, State(state): State<AppState>) -> Result<Response, WebError> {
    state.app.users(&v.p).await?;
    let facilities = state.app.facilities(&v.p).await?;
    let grants = grant_rows(v.tr, &facilities, &[Grant { role: Role::Staff, scope: Scope::Organization }]);
    page(&FormPage {
        tr: v.tr,
        layout: Layout::new(&v, "users.new", "users"),
        action: "/users".into(),
        is_new: true,
        email: String::new(),
        display_name: String::new(),
        disabled: false,
        totp_enabled: false,
        grants,
        roles: Role::ALL,
        errors: FormErrors::default(),
        user_id: 0,
        new_password: String::new(),
    })
}

/// `POST /users`.
pub(crate) async fn create(
    v: Viewer,
    State(state): State<AppState>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    check_csrf(&v, &field(&form, "_csrf"))?;
    let grants = grants_from(&form)?;
    let (email, name, password) = (field(&form, "email"), field(&form, "display_name"), field(&form, "password"));
    match state.app.create_user(&v.p, &email, &name, &password, &grants).await {
        Ok(_) => Ok(Redirect::to("/users?done=created").into_response()),
        Err(AppError::Invalid(list)) => {
            let facilities = state.app.facilities(&v.p).await?;
            page(&FormPage {
                tr: v.tr,
                layout: Layout::new(&v, "users.new", "users"),
                action: "/users".into(),
                is_new: true,
                email,
                display_name: name,
                disabled: false,
                totp_enabled: false,
                grants: grant_rows(v.tr, &facilities, &grants),
                roles: Role::ALL,
                errors: FormErrors::from_invalid(v.tr, &list),
                user_id: 0,
                new_password: String::new(),
            })
        }
        Err(e) => Err(e.into()),
    }
}

async fn edit_page(
    v: &Viewer,
    state: &AppState,
    user: User,
    errors: FormErrors,
    new_password: String,
) -> Result<Response, WebError> {
    let facilities = state.app.facilities(&v.p).await?;
    page(&FormPage {
        tr: v.tr,
        layout: Layout { title: user.email.clone(), ..Layout::new(v, "users.edit", "users") },
        action: format!("/users/{}", user.id),
        is_new: false,
        grants: grant_rows(v.tr, &facilities, &user.grants),
        email: user.email,
        display_name: user.display_name,
        disabled: user.disabled,
        totp_enabled: user.totp_enabled,
        roles: Role::ALL,
        errors,
        user_id: user.id.get(),
        new_password,
    })
}

/// `GET /users/{id}`.
pub(crate) async fn show(v: Viewer, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, WebError> {
    state.app.users(&v.p).await?;
    let user = state.app.user(&v.p, UserId::new(id)).await?;
    edit_page(&v, &state, user, FormErrors::default(), String::new()).await
}

/// `POST /users/{id}`.
pub(crate) async fn update(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    check_csrf(&v, &field(&form, "_csrf"))?;
    let id = UserId::new(id);
    let grants = grants_from(&form)?;
    let disabled = field(&form, "disabled") == "yes";
    match state.app.update_user(&v.p, id, &field(&form, "display_name"), &grants, disabled).await {
        Ok(()) => Ok(Redirect::to("/users?done=saved").into_response()),
        Err(AppError::Invalid(list)) => {
            let user = state.app.user(&v.p, id).await?;
            edit_page(&v, &state, user, FormErrors::from_invalid(v.tr, &list), String::new()).await
        }
        Err(AppError::LastAdmin) => {
            let user = state.app.user(&v.p, id).await?;
            edit_page(&v, &state, user, FormErrors::general(v.tr.t("users.last_admin").to_owned()), String::new()).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /users/{id}/reset-password`: shows the new password once.
pub(crate) async fn reset_password(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, WebError> {
    check_csrf(&v, &f.csrf)?;
    let id = UserId::new(id);
    let password = state.app.reset_password(&v.p, id).await?;
    let user = state.app.user(&v.p, id).await?;
    edit_page(&v, &state, user, FormErrors::default(), password).await
}

/// `POST /users/{id}/reset-totp`.
pub(crate) async fn reset_totp(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, WebError> {
    check_csrf(&v, &f.csrf)?;
    state.app.reset_totp(&v.p, UserId::new(id)).await?;
    Ok(Redirect::to("/users?done=saved").into_response())
}

#[derive(Deserialize)]
pub(crate) struct RequireTotp {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    require: String,
}

/// `POST /settings/require-totp`.
pub(crate) async fn require_totp(
    v: Viewer,
    State(state): State<AppState>,
    Form(f): Form<RequireTotp>,
) -> Result<Response, WebError> {
    check_csrf(&v, &f.csrf)?;
    state.app.set_require_totp(&v.p, f.require == "yes").await?;
    Ok(Redirect::to("/users?done=saved").into_response())
}
