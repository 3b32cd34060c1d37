//! Mamoru's web UI and REST API.
//!
//! The UI is server-rendered HTML (askama templates, checked at compile time), Japanese first
//! with an English switch, with a few lines of vendored JavaScript and no build step. The
//! REST API under `/api/v1` serves the same objects as JSON and describes itself at
//! `/api/v1/openapi.json`.
//!
//! This crate is thin: handlers parse the request, call [`mamoru_app::App`] with the acting
//! principal, and render. Permission checks, validation and audit live in the app.
#![deny(missing_docs)]

mod api;
mod error;
mod i18n;
mod security;
mod state;
mod web;

use std::future::Future;
use std::net::SocketAddr;

use axum::Router;

pub use state::{AppState, ServerConfig};

/// Builds the whole router: web pages, static files, the REST API and `/healthz`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(web::routes(state.config.max_upload))
        .nest("/api/v1", api::routes(state.config.max_upload))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(tower_http::request_id::PropagateRequestIdLayer::x_request_id())
        .layer(tower_http::request_id::SetRequestIdLayer::x_request_id(tower_http::request_id::MakeRequestUuid))
        .with_state(state)
}

/// Serves the router on an already-bound listener until `shutdown` completes, then lets
/// requests in flight finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}
