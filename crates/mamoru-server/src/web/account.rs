//! The user's own account: password, two-factor login, API tokens.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mamoru_app::Error as AppError;
use mamoru_app::users::TotpSetup;
use mamoru_domain::TokenId;
use mamoru_store::ApiToken;
use serde::Deserialize;

use crate::error::WebError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::context::Viewer;
use crate::web::forms::{CsrfOnly, Done, check_csrf};
use crate::web::render::{FormErrors, Layout, page};

#[derive(Template)]
#[template(path = "account/show.html")]
struct AccountPage {
    tr: Tr,
    layout: Layout,
    email: String,
    totp_enabled: bool,
    tokens: Vec<ApiToken>,
    new_token: String,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "account/totp.html")]
struct TotpPage {
    tr: Tr,
    layout: Layout,
    enabled: bool,
    required: bool,
    setup: Option<TotpSetup>,
    qr_svg: String,
    error: String,
    errors: FormErrors,
}

async fn account_page(
    v: &Viewer,
    state: &AppState,
    new_token: String,
    errors: FormErrors,
    done: Option<&str>,
) -> Result<Response, WebError> {
    let id = v.p.user_id.ok_or(WebError::Forbidden)?;
    let user = state.app.user(&v.p, id).await?;
    let tokens = state.app.api_tokens(&v.p).await?;
    let layout = Layout::new(v, "account.title", "account").with_notice(v.tr, done);
    page(&AccountPage {
        tr: v.tr,
        layout,
        email: user.email,
        totp_enabled: user.totp_enabled,
        tokens,
        new_token,
        errors,
    })
}

/// `GET /account`.
pub(crate) async fn show(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<Done>,
) -> Result<Response, WebError> {
    account_page(&v, &state, String::new(), FormErrors::default(), q.done.as_deref()).await
}

#[derive(Deserialize)]
pub(crate) struct PasswordForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

/// `POST /account/password`.
pub(crate) async fn change_password(
    v: Viewer,
    State(state): State<AppState>,
    Form(f): Form<PasswordForm>,
) -> Result<Response, WebError> {
    check_csrf(&v, &f.csrf)?;
    if f.new_password != f.confirm_password {
        let errors = FormErrors::general(v.tr.t("account.mismatch").to_owned());
        return account_page(&v, &state, String::new(), errors, None).await;
    }
    match state.app.change_own_password(&v.p, &f.current_password, &f.new_password, Some(&v.token)).await {
        Ok(()) => Ok(Redirect::to("/account?done=password").into_response()),
        Err(AppError::Invalid(list)) => {
            account_page(&v, &state, String::new(), FormErrors::from_invalid(v.tr, &list), None).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(crate) struct TotpQuery {
    required: Option<String>,
}

async fn totp_page(
    v: &Viewer,
    state: &AppState,
    required: bool,
    error: String,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let id = v.p.user_id.ok_or(WebError::Forbidden)?;
    let user = state.app.user(&v.p, id).await?;
    let setup = if user.totp_enabled { None } else { state.app.pending_totp(&v.p).await? };
    let qr_svg = setup.as_ref().map(|s| qr_svg(&s.uri)).unwrap_or_default();
    page(&TotpPage {
        tr: v.tr,
        layout: Layout::new(v, "account.totp_title", "account"),
        enabled: user.totp_enabled,
        required,
        setup,
        qr_svg,
        error,
        errors,
    })
}

/// The QR code of an `otpauth://` URI as inline SVG (no image request, nothing leaves the server).
fn qr_svg(uri: &str) -> String {
    match qrcode::QrCode::new(uri.as_bytes()) {
        Ok(code) => code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(220, 220).quiet_zone(true).build(),
        Err(_) => String::new(),
    }
}

/// `GET /account/totp`.
pub(crate) async fn totp(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<TotpQuery>,
) -> Result<Response, WebError> {
    totp_page(&v, &state, q.required.is_some(), String::new(), FormErrors::default()).await
}

/// `POST /account/totp/begin`: a new secret, shown as a QR code.
pub(crate) async fn totp_begin(
    v: Viewer,
    State(state): State<AppState>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, WebError> {
    check_csrf(&v, &f.csrf)?;
    state.app.begin_totp(&v.p).await?;
    Ok(Redirect::to("/account/totp").into_response())
}

#[derive(Deserialize)]
pub(crate) struct CodeForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    code: String,
}

/// `POST /account/totp/confirm`.
pub(crate) async fn totp_confirm(
    v: Viewer,
    State(state): State<AppState>,
    Form(f): Form<CodeForm>,
) -> Result<Response, WebError> {
    check_csrf(&v, &f.csrf)?;
    match state.app.confirm_totp(&v.p, &f.code).await {
        Ok(()) => Ok(Redirect::to("/account?done=totp").into_response()),
        Err(AppError::BadTotp) => {
            totp_page(&v, &state, false, v.tr.t("login.bad_totp").to_owned(), FormErrors::default()).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(crate) struct DisableForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    current_password: String,
}

/// `POST /account/totp/disable`.
pub(crate) async fn totp_disable(
    v: Viewer,
    State(state): State<AppState>,
    Form(f): Form<DisableForm>,
) -> Result<Response, WebError> {
    check_csrf(&v, &f.csrf)?;
    match state.app.disable_own_totp(&v.p, &f.current_password).await {
        Ok(()) => Ok(Redirect::to("/account?done=saved").into_response()),
        Err(AppError::Invalid(list)) => {
            totp_page(&v, &state, false, String::new(), FormErrors::from_invalid(v.tr, &list)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(crate) struct TokenForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    days: String,
}

/// `POST /account/tokens`: makes a token and shows it once.
pub(crate) async fn create_token(
    v: Viewer,
    State(state): State<AppState>,
    Form(f): Form<TokenForm>,
) -> Result<Response, WebError> {
    check_csrf(&v, &f.csrf)?;
    let days = f.days.trim().parse::<u32>().ok().filter(|d| *d > 0);
    match state.app.create_api_token(&v.p, &f.name, days).await {
        Ok(t) => account_page(&v, &state, t.token, FormErrors::default(), None).await,
        Err(AppError::Invalid(list)) => {
            account_page(&v, &state, String::new(), FormErrors::from_invalid(v.tr, &list), None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /account/tokens/{id}/revoke`.
pub(crate) async fn revoke_token(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, WebError> {
    check_csrf(&v, &f.csrf)?;
    state.app.revoke_api_token(&v.p, TokenId::new(id)).await?;
    Ok(Redirect::to("/account?done=saved").into_response())
}
