//! Login (password, then TOTP when set up) and logout.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, RequestPartsExt};
use mamoru_app::Error as AppError;
use mamoru_app::auth::{LoginStep, SessionInfo, secret};
use serde::Deserialize;

use crate::error::WebError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::context::{
    PENDING_COOKIE, PRELOGIN_COOKIE, SESSION_COOKIE, Viewer, client, cookie, lang, safe_next, set_cookie,
};
use crate::web::forms::check_csrf;
use crate::web::render::{Layout, page};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    tr: Tr,
    layout: Layout,
    csrf: String,
    next: String,
    email: String,
    error: String,
}

#[derive(Template)]
#[template(path = "login_totp.html")]
struct TotpPage {
    tr: Tr,
    layout: Layout,
    csrf: String,
    next: String,
    email: String,
    error: String,
}

#[derive(Deserialize)]
pub(crate) struct NextQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct TotpForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    code: String,
    next: Option<String>,
}

/// `GET /login`.
pub(crate) async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Result<Response, WebError> {
    let tr = Tr::new(lang(&headers));
    let next = safe_next(q.next.as_deref());
    render_login(&state, tr, next, String::new(), String::new(), StatusCode::OK)
}

fn render_login(
    state: &AppState,
    tr: Tr,
    next: String,
    email: String,
    error: String,
    status: StatusCode,
) -> Result<Response, WebError> {
    let csrf = secret::random_token(24);
    let p = LoginPage { tr, layout: Layout::public(tr, "login.title"), csrf: csrf.clone(), next, email, error };
    let mut res = page(&p)?;
    *res.status_mut() = status;
    add_cookie(&mut res, &set_cookie(PRELOGIN_COOKIE, &csrf, Some(3600), state.config.secure_cookies));
    Ok(res)
}

/// `POST /login`.
pub(crate) async fn submit(
    State(state): State<AppState>,
    parts: Parts,
    Form(f): Form<LoginForm>,
) -> Result<Response, WebError> {
    let tr = Tr::new(lang(&parts.headers));
    let expected = cookie(&parts.headers, PRELOGIN_COOKIE).unwrap_or_default();
    if expected.is_empty() || !secret::same(&expected, &f.csrf) {
        return Err(WebError::Csrf);
    }
    let next = safe_next(f.next.as_deref());
    let retry = |key: &str| {
        render_login(&state, tr, next.clone(), f.email.clone(), tr.t(key).to_owned(), StatusCode::UNAUTHORIZED)
    };
    match state.app.login(&f.email, &f.password, &client(&parts)).await {
        Ok(LoginStep::Done(s)) => Ok(logged_in(&state, &s, &next)),
        Ok(LoginStep::NeedTotp(s)) => {
            let mut res =
                Redirect::to(&format!("/login/totp?next={}", crate::web::context::encode(&next))).into_response();
            add_cookie(&mut res, &set_cookie(PENDING_COOKIE, &s.token, Some(300), state.config.secure_cookies));
            Ok(res)
        }
        Err(AppError::BadCredentials) => retry("login.bad_credentials"),
        Err(AppError::LockedOut { until }) => {
            let msg = format!("{} {}", tr.t("login.locked"), tr.time(&until));
            render_login(&state, tr, next.clone(), f.email.clone(), msg, StatusCode::TOO_MANY_REQUESTS)
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /login/totp`.
pub(crate) async fn totp_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Result<Response, WebError> {
    let tr = Tr::new(lang(&headers));
    let pending = cookie(&headers, PENDING_COOKIE).unwrap_or_default();
    let Some(email) = state.app.pending_login(&pending).await? else {
        return Ok(Redirect::to("/login").into_response());
    };
    render_totp(tr, safe_next(q.next.as_deref()), email, String::new(), StatusCode::OK, &pending)
}

fn render_totp(
    tr: Tr,
    next: String,
    email: String,
    error: String,
    status: StatusCode,
    pending: &str,
) -> Result<Response, WebError> {
    // The pending token doubles as this form's CSRF token: only the browser that typed the
    // password has it, in an HttpOnly cookie and in this page.
    let p = TotpPage {
        tr,
        layout: Layout::public(tr, "login.totp_title"),
        csrf: secret::digest(pending),
        next,
        email,
        error,
    };
    let mut res = page(&p)?;
    *res.status_mut() = status;
    Ok(res)
}

/// `POST /login/totp`.
pub(crate) async fn totp_submit(
    State(state): State<AppState>,
    parts: Parts,
    Form(f): Form<TotpForm>,
) -> Result<Response, WebError> {
    let tr = Tr::new(lang(&parts.headers));
    let pending = cookie(&parts.headers, PENDING_COOKIE).unwrap_or_default();
    if pending.is_empty() || !secret::same(&secret::digest(&pending), &f.csrf) {
        return Err(WebError::Csrf);
    }
    let next = safe_next(f.next.as_deref());
    match state.app.login_totp(&pending, &f.code, &client(&parts)).await {
        Ok(s) => {
            let mut res = logged_in(&state, &s, &next);
            add_cookie(&mut res, &set_cookie(PENDING_COOKIE, "", Some(0), state.config.secure_cookies));
            Ok(res)
        }
        Err(AppError::BadTotp) => {
            let email = state.app.pending_login(&pending).await?.unwrap_or_default();
            render_totp(tr, next, email, tr.t("login.bad_totp").to_owned(), StatusCode::UNAUTHORIZED, &pending)
        }
        Err(AppError::LockedOut { until }) => {
            let msg = format!("{} {}", tr.t("login.locked"), tr.time(&until));
            render_totp(tr, next, String::new(), msg, StatusCode::TOO_MANY_REQUESTS, &pending)
        }
        Err(AppError::SessionEnded) => Ok(Redirect::to("/login").into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(crate) struct LogoutForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

/// `POST /logout`.
pub(crate) async fn logout(
    State(state): State<AppState>,
    mut parts: Parts,
    Form(f): Form<LogoutForm>,
) -> Result<Response, WebError> {
    let v: Viewer = match parts.extract_with_state(&state).await {
        Ok(v) => v,
        Err(_) => return Ok(Redirect::to("/login").into_response()),
    };
    check_csrf(&v, &f.csrf)?;
    state.app.logout(&v.token).await?;
    let mut res = Redirect::to("/login").into_response();
    add_cookie(&mut res, &set_cookie(SESSION_COOKIE, "", Some(0), state.config.secure_cookies));
    Ok(res)
}

fn logged_in(state: &AppState, s: &SessionInfo, next: &str) -> Response {
    let mut res = Redirect::to(next).into_response();
    add_cookie(&mut res, &set_cookie(SESSION_COOKIE, &s.token, None, state.config.secure_cookies));
    add_cookie(&mut res, &set_cookie(PRELOGIN_COOKIE, "", Some(0), state.config.secure_cookies));
    res
}

pub(crate) fn add_cookie(res: &mut Response, cookie: &str) {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
}
