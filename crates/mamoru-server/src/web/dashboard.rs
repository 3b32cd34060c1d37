//! The dashboard: what the register holds now, and what needs attention — first of all the
//! VPN and remote-access devices and their known-exploited flaws.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use mamoru_app::inventory::Dashboard;
use mamoru_app::vuln::VulnPanel;

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
    vp: VulnPanel,
    /// Open priority-1 findings, the panel's first figure.
    p1: usize,
    today: jiff::civil::Date,
}

/// `GET /`.
pub(crate) async fn show(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<Done>,
) -> Result<Response, WebError> {
    let today = today();
    let d = state.app.dashboard(&v.p, today).await?;
    let vp = state.app.vuln_panel(&v.p, today).await?;
    let layout = Layout::new(&v, "dashboard.title", "dashboard").with_notice(v.tr, q.done.as_deref());
    let p1 = vp.open_by_priority[0];
    page(&DashboardPage { tr: v.tr, layout, d, vp, p1, today })
}
