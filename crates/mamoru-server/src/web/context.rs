//! Who is asking: the session cookie turned into a principal, the language, the client.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use mamoru_app::{Client, Principal};
use mamoru_domain::access::Action;

use crate::i18n::{Lang, Tr};
use crate::state::AppState;

/// The session cookie.
pub(crate) const SESSION_COOKIE: &str = "mamoru_session";
/// The cookie of a login waiting for its TOTP code.
pub(crate) const PENDING_COOKIE: &str = "mamoru_pending";
/// The language cookie.
pub(crate) const LANG_COOKIE: &str = "mamoru_lang";
/// The double-submit token of the login form (there is no session yet to hold one).
pub(crate) const PRELOGIN_COOKIE: &str = "mamoru_prelogin";

/// A logged-in user looking at a page.
#[derive(Debug, Clone)]
pub(crate) struct Viewer {
    /// Who acts.
    pub(crate) p: Principal,
    /// The session's CSRF token, for forms.
    pub(crate) csrf: String,
    /// The UI language.
    pub(crate) tr: Tr,
    /// The session cookie's token (to keep this session on a password change).
    pub(crate) token: String,
    /// The path and query asked for, for the language switch.
    pub(crate) path: String,
}

impl Viewer {
    /// Whether the user may manage accounts (the Users menu).
    pub(crate) fn can_manage_users(&self) -> bool {
        self.p.can(Action::ManageUsers, None)
    }

    /// Whether the user may read the audit log somewhere.
    pub(crate) fn can_view_audit(&self) -> bool {
        self.p.can_anywhere(Action::ViewAudit)
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let path = parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
        let to_login = || Redirect::to(&format!("/login?next={}", encode(&path))).into_response();
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else { return Err(to_login()) };
        let client = client(parts);
        let (p, session) = match state.app.authenticate_session(&token, &client).await {
            Ok(ok) => ok,
            Err(mamoru_app::Error::SessionEnded) => return Err(to_login()),
            Err(e) => return Err(crate::error::WebError::from(e).into_response()),
        };
        // An organisation that requires TOTP sends users without it to set it up first.
        let enrolment = parts.uri.path().starts_with("/account/totp") || parts.uri.path() == "/logout";
        if session.must_enrol_totp && !enrolment {
            return Err(Redirect::to("/account/totp?required=1").into_response());
        }
        Ok(Viewer { p, csrf: session.csrf, tr: Tr::new(lang(&parts.headers)), token, path })
    }
}

/// The client's address and browser, for sessions and the audit log.
pub(crate) fn client(parts: &Parts) -> Client {
    Client {
        ip: parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()),
        user_agent: parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(300).collect()),
    }
}

/// The UI language from its cookie (Japanese when unset).
pub(crate) fn lang(headers: &HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE).map_or(Lang::Ja, |v| Lang::from_code(&v))
}

/// A cookie's value.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, path `/`; `Secure` when configured.
/// `max_age` `Some(0)` deletes the cookie; `None` makes it last for the browser session.
pub(crate) fn set_cookie(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

/// Percent-encodes a path for a `next=` parameter.
pub(crate) fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A `next=` target is only ever a local path, never another site.
pub(crate) fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_and_redirects() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, "a=1; mamoru_lang=en; b=2".parse().unwrap());
        assert_eq!(cookie(&h, "mamoru_lang").as_deref(), Some("en"));
        assert_eq!(lang(&h), Lang::En);
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(Some("/assets?page=2")), "/assets?page=2");
        assert_eq!(encode("/assets?q=VPN装置"), "/assets%3Fq%3DVPN%E8%A3%85%E7%BD%AE");
        assert!(set_cookie("s", "v", Some(0), true).ends_with("Max-Age=0; Secure"));
    }
}
