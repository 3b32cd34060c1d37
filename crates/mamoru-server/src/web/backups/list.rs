//! `/backups`: the protected systems of each facility — what, when, where, the offline copy and
//! when it was refreshed, the last backup, and the last verified restore with its measured
//! duration and status.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use jiff::Timestamp;
use mamoru_app::backup::SystemStatus;
use mamoru_domain::access::Action;
use mamoru_domain::backup::RestoreStatus;
use mamoru_domain::{Facility, FacilityId};
use mamoru_store::BackupJob;
use serde::Deserialize;

use crate::error::WebError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::context::Viewer;
use crate::web::forms::opt_id;
use crate::web::render::{Layout, page};

/// `?facility=ID` narrows the list to one facility.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    facility: String,
}

/// One system: where its verification stands, and its definition.
pub(crate) struct Row {
    pub(crate) s: SystemStatus,
    pub(crate) job: BackupJob,
}

#[derive(Template)]
#[template(path = "backups/list.html")]
struct ListPage {
    tr: Tr,
    layout: Layout,
    /// Facility name and its systems, by facility name.
    groups: Vec<(String, Vec<Row>)>,
    facilities: Vec<Facility>,
    facility: String,
    can_define: bool,
    /// The fiscal year the report link opens.
    fiscal_year: i16,
}

impl ListPage {
    fn status_class(&self, s: &RestoreStatus) -> &'static str {
        super::status_class(*s)
    }

    fn duration(&self, ms: &u64) -> String {
        super::duration(self.tr.lang, *ms)
    }

    fn policy(&self, days: &u32) -> String {
        super::policy(&self.tr, *days)
    }
}

/// `GET /backups`.
pub(crate) async fn list(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let now = Timestamp::now();
    let facility = opt_id(&q.facility)?.map(FacilityId::new);
    let board = match facility {
        Some(f) => state.app.backup_board_of(&v.p, f, now).await?,
        None => state.app.backup_board(&v.p, now).await?,
    };
    let mut jobs = state.app.backup_jobs(&v.p, facility).await?;
    let mut rows: Vec<Row> = board
        .systems
        .into_iter()
        .filter_map(|s| {
            let i = jobs.iter().position(|j| j.id == s.job)?;
            Some(Row { job: jobs.swap_remove(i), s })
        })
        .collect();
    // By facility, then those needed for care, then by name: the order a facility reads its list.
    rows.sort_by(|a, b| {
        (&a.s.facility_name, !a.s.needed_for_care, &a.s.name).cmp(&(
            &b.s.facility_name,
            !b.s.needed_for_care,
            &b.s.name,
        ))
    });
    let mut groups: Vec<(String, Vec<Row>)> = Vec::new();
    for row in rows {
        match groups.last_mut() {
            Some((name, list)) if *name == row.s.facility_name => list.push(row),
            _ => groups.push((row.s.facility_name.clone(), vec![row])),
        }
    }
    page(&ListPage {
        tr: v.tr,
        layout: Layout::new(&v, "backups.title", "backups"),
        groups,
        facilities: state.app.facilities(&v.p).await?,
        facility: q.facility,
        can_define: v.p.can_anywhere(Action::ManageBackups),
        fiscal_year: mamoru_app::backup::fiscal_year_of(now),
    })
}
