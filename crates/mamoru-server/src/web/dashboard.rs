//! The dashboard: what the register holds now, and what needs attention.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use mamoru_app::inventory::Dashboard;

use crate::error::WebError;
use crate::i18n::{Tr, today};
use crate::state::AppState;
use crate::web::context::Viewer;
use crate::web::forms::Done;
use crate::web::render::{Layout, page};

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    tr: Tr,
    layout: Layout,
    d: Dashboard,
}

/// `GET /`.
pub(crate) async fn show(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<Done>,
) -> Result<Response, WebError> {
    let d = state.app.dashboard(&v.p, today()).await?;
    let layout = Layout::new(&v, "dashboard.title", "dashboard").with_notice(v.tr, q.done.as_deref());
    page(&DashboardPage { tr: v.tr, layout, d })
}
