//! Response headers every page gets, and the refusal of cross-site form posts.

use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The content security policy: our own scripts and styles only, no framing.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// Adds security headers, and refuses state-changing requests that a browser marks as
/// cross-site (a second line of defence behind the CSRF tokens).
pub(crate) async fn headers(req: Request, next: Next) -> Response {
    let cross_site = req.headers().get("sec-fetch-site").is_some_and(|v| v.as_bytes() == b"cross-site");
    if cross_site && !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return (StatusCode::FORBIDDEN, "cross-site request refused").into_response();
    }
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}
