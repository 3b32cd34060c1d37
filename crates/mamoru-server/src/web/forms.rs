//! Form helpers: the CSRF check every state-changing form goes through, and parsing ids.

use serde::Deserialize;

use crate::error::WebError;
use crate::web::context::Viewer;

/// Refuses a form whose `_csrf` field is not this session's token.
pub(crate) fn check_csrf(v: &Viewer, given: &str) -> Result<(), WebError> {
    if mamoru_app::auth::secret::same(&v.csrf, given) { Ok(()) } else { Err(WebError::Csrf) }
}

/// An optional id from a `<select>`: empty means none.
pub(crate) fn opt_id(s: &str) -> Result<Option<i64>, WebError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse().map(Some).map_err(|_| WebError::BadRequest(format!("not an id: {s:?}")))
}

/// A form that carries nothing but its CSRF token (delete, revoke, reset buttons).
#[derive(Deserialize)]
pub(crate) struct CsrfOnly {
    #[serde(default, rename = "_csrf")]
    pub(crate) csrf: String,
}

/// The `done=` parameter a page gets after a redirect, naming the confirmation to show.
#[derive(Deserialize)]
pub(crate) struct Done {
    pub(crate) done: Option<String>,
}
