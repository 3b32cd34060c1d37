//! Who calls the API: a bearer token, or the browser session (with a CSRF header for writes).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, header};
use mamoru_app::Principal;

use crate::error::ApiError;
use crate::state::AppState;
use crate::web::context::{SESSION_COOKIE, client, cookie};

/// The caller of an API endpoint.
pub(crate) struct ApiUser(pub(crate) Principal);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let client = client(parts);
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        if let Some(token) = bearer {
            return Ok(ApiUser(state.app.authenticate_token(token, &client).await?));
        }
        let Some(session) = cookie(&parts.headers, SESSION_COOKIE) else { return Err(ApiError::unauthorized()) };
        let (p, s) = state.app.authenticate_session(&session, &client).await?;
        if !matches!(parts.method, Method::GET | Method::HEAD) {
            let given = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or("");
            if !mamoru_app::auth::secret::same(&s.csrf, given) {
                return Err(ApiError::new(
                    axum::http::StatusCode::FORBIDDEN,
                    "forbidden",
                    "missing or wrong X-CSRF-Token header",
                ));
            }
        }
        Ok(ApiUser(p))
    }
}

/// A JSON body whose rejection is an [`ApiError`] in our format, naming what is wrong.
pub(crate) struct Json<T>(pub(crate) T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Json(v)),
            Err(e) => Err(ApiError::new(e.status(), "invalid", e.body_text())),
        }
    }
}
