//! `/cases`: incident cases, most recently changed first, open ones by default, each with its
//! next report deadline.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use mamoru_domain::access::Action;
use mamoru_domain::incident::{CaseSeverity, CaseStatus};
use mamoru_domain::{Facility, FacilityId};
use mamoru_store::{Case, CaseQuery};
use serde::Deserialize;

use super::{Deadline, severity_class, status_class};
use crate::error::WebError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::context::Viewer;
use crate::web::forms::opt_id;
use crate::web::render::{Layout, page};

/// Cases a page shows.
const LIMIT: u32 = 200;

/// The list's filters, as its GET form sends them.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct Filters {
    /// `open` (the default) or `all`.
    #[serde(default)]
    status: String,
    #[serde(default)]
    facility: String,
}

impl Filters {
    pub(crate) fn all(&self) -> bool {
        self.status == "all"
    }

    pub(crate) fn facility(&self) -> &str {
        &self.facility
    }
}

/// A case with its next report deadline still owed.
pub(crate) struct Row {
    pub(crate) c: Case,
    pub(crate) next: Option<Deadline>,
}

#[derive(Template)]
#[template(path = "cases/list.html")]
struct ListPage {
    tr: Tr,
    layout: Layout,
    rows: Vec<Row>,
    filters: Filters,
    facilities: Vec<Facility>,
    can_open: bool,
}

impl ListPage {
    fn status_class(&self, s: &CaseStatus) -> &'static str {
        status_class(*s)
    }

    fn severity_class(&self, s: &CaseSeverity) -> &'static str {
        severity_class(*s)
    }
}

/// The first deadline of a case still owed (decided reportable, not filed), if any.
pub(crate) async fn next_deadline(v: &Viewer, state: &AppState, c: &Case) -> Result<Option<Deadline>, WebError> {
    if !c.status.is_open() {
        return Ok(None);
    }
    let appi = state.app.case_appi(&v.p, c.id).await?;
    Ok(Deadline::all(&appi).into_iter().find(|d| d.state.is_some()))
}

/// Up to `limit` open cases with their next deadline, the nearest deadline first (the
/// dashboard's card).
pub(crate) async fn open_cases(v: &Viewer, state: &AppState, limit: u32) -> Result<Vec<Row>, WebError> {
    let query = CaseQuery { open_only: true, limit: Some(limit), ..Default::default() };
    let mut rows = Vec::new();
    for c in state.app.cases(&v.p, query).await? {
        let next = next_deadline(v, state, &c).await?;
        rows.push(Row { c, next });
    }
    rows.sort_by_key(|r| r.next.as_ref().map_or(jiff::civil::Date::MAX, |d| d.date));
    Ok(rows)
}

/// `GET /cases`.
pub(crate) async fn list(
    v: Viewer,
    State(state): State<AppState>,
    Query(filters): Query<Filters>,
) -> Result<Response, WebError> {
    let query = CaseQuery {
        open_only: !filters.all(),
        facility: opt_id(&filters.facility)?.map(FacilityId::new),
        limit: Some(LIMIT),
        ..Default::default()
    };
    let mut rows = Vec::new();
    for c in state.app.cases(&v.p, query).await? {
        let next = next_deadline(&v, &state, &c).await?;
        rows.push(Row { c, next });
    }
    let facilities = state.app.facilities(&v.p).await?;
    page(&ListPage {
        tr: v.tr,
        can_open: v.p.can_anywhere(Action::RespondIncidents),
        layout: Layout::new(&v, "cases.title", "cases"),
        rows,
        filters,
        facilities,
    })
}
