//! The dashboard: what the register holds now, and what needs attention — first of all the
//! VPN and remote-access devices and their known-exploited flaws, then the open detection
//! alerts and the incident cases with their next report deadline.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use mamoru_app::detect::AlertPanel;
use mamoru_app::inventory::Dashboard;
use mamoru_app::vuln::VulnPanel;
use mamoru_domain::{AlertLevel, AlertStatus};

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
    ap: AlertPanel,
    /// Open alerts per level, the most severe first.
    alert_levels: Vec<(AlertLevel, u64)>,
    /// Open incident cases, the nearest report deadline first.
    cases: Vec<crate::web::cases::list::Row>,
    /// Per protected system, the last verified restore; those needing action first.
    backups: mamoru_app::backup::BackupBoard,
    /// Whether the user may define backup jobs (the empty card links to the form).
    can_define_backups: bool,
}

impl DashboardPage {
    fn status_class(&self, s: &AlertStatus) -> &'static str {
        crate::web::alerts::status_class(*s)
    }

    fn case_class(&self, s: &mamoru_domain::incident::CaseStatus) -> &'static str {
        crate::web::cases::status_class(*s)
    }

    fn restore_class(&self, s: &mamoru_domain::backup::RestoreStatus) -> &'static str {
        crate::web::backups::status_class(*s)
    }

    fn duration(&self, ms: &u64) -> String {
        crate::web::backups::duration(self.tr.lang, *ms)
    }
}

/// The most recently active open alerts the card lists.
const NEWEST_ALERTS: u32 = 5;

/// The open cases the card lists.
const OPEN_CASES: u32 = 10;

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
    let ap = state.app.alert_panel(&v.p, NEWEST_ALERTS).await?;
    let alert_levels = AlertLevel::ALL.iter().rev().map(|l| (*l, ap.open(*l))).collect();
    let cases = crate::web::cases::list::open_cases(&v, &state, OPEN_CASES).await?;
    let backups = state.app.backup_board(&v.p, jiff::Timestamp::now()).await?;
    let can_define_backups = v.p.can_anywhere(mamoru_domain::access::Action::ManageBackups);
    page(&DashboardPage { tr: v.tr, layout, d, vp, p1, today, ap, alert_levels, cases, backups, can_define_backups })
}
