//! `/alerts`: detection alerts, most recently active first, filtered by a GET form (the
//! dashboard's card links to it), a page at a time.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use mamoru_domain::{AlertLevel, AlertStatus, Facility, FacilityId};
use mamoru_store::{Alert, AlertQuery};
use serde::Deserialize;

use super::status_class;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::context::{Viewer, encode};
use crate::web::forms::opt_id;
use crate::web::render::{Layout, page};

/// Alerts a page shows.
const PER_PAGE: u32 = 50;

/// The list's filters and page, as the GET form and the dashboard's links send them.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct Filters {
    /// `open` (the default: new, acknowledged, escalated), a state's code, or `all`.
    status: Option<String>,
    #[serde(default)]
    level: String,
    #[serde(default)]
    facility: String,
    /// Words of the rule's title or the computer's name.
    #[serde(default)]
    q: String,
    page: Option<u64>,
}

impl Filters {
    /// The state chosen: `open`, a code or `all`.
    pub(crate) fn status(&self) -> &str {
        match self.status.as_deref() {
            Some(s) if s == "all" || AlertStatus::from_code(s).is_some() => s,
            _ => "open",
        }
    }

    /// The level chosen, if any.
    pub(crate) fn level(&self) -> Option<AlertLevel> {
        AlertLevel::from_code(&self.level)
    }

    pub(crate) fn facility(&self) -> &str {
        &self.facility
    }

    pub(crate) fn q(&self) -> &str {
        &self.q
    }

    fn page(&self) -> u64 {
        self.page.unwrap_or(1).max(1)
    }

    fn statuses(&self) -> Vec<AlertStatus> {
        match self.status() {
            "all" => Vec::new(),
            "open" => AlertStatus::ALL.iter().copied().filter(|s| s.is_open()).collect(),
            code => AlertStatus::from_code(code).into_iter().collect(),
        }
    }

    fn query(&self) -> Result<AlertQuery, WebError> {
        Ok(AlertQuery {
            facility: opt_id(&self.facility)?.map(FacilityId::new),
            statuses: self.statuses(),
            levels: self.level().into_iter().collect(),
            text: Some(self.q.trim().to_owned()).filter(|q| !q.is_empty()),
            limit: Some(PER_PAGE),
            offset: (self.page() - 1) * u64::from(PER_PAGE),
            ..Default::default()
        })
    }

    /// The list with these filters on another page.
    pub(crate) fn page_href(&self, page: u64) -> String {
        let mut parts = vec![format!("status={}", self.status())];
        if let Some(l) = self.level() {
            parts.push(format!("level={}", l.code()));
        }
        for (k, v) in [("facility", self.facility.trim()), ("q", self.q.trim())] {
            if !v.is_empty() {
                parts.push(format!("{k}={}", encode(v)));
            }
        }
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        format!("/alerts?{}", parts.join("&"))
    }
}

#[derive(Template)]
#[template(path = "alerts/list.html")]
struct ListPage {
    tr: Tr,
    layout: Layout,
    alerts: Vec<Alert>,
    total: u64,
    first: u64,
    last: u64,
    page: u64,
    pages: u64,
    filters: Filters,
    facilities: Vec<Facility>,
    statuses: &'static [AlertStatus],
    levels: &'static [AlertLevel],
}

impl ListPage {
    fn status_class(&self, s: &AlertStatus) -> &'static str {
        status_class(*s)
    }
}

/// `GET /alerts`.
pub(crate) async fn list(
    v: Viewer,
    State(state): State<AppState>,
    Query(filters): Query<Filters>,
) -> Result<Response, WebError> {
    let query = filters.query()?;
    let offset = query.offset;
    let total = state.app.count_alerts(&v.p, query.clone()).await?;
    let alerts = state.app.alerts(&v.p, query).await?;
    let facilities = state.app.facilities(&v.p).await?;
    let page_no = filters.page();
    let (first, last) = if alerts.is_empty() { (0, 0) } else { (offset + 1, offset + alerts.len() as u64) };
    page(&ListPage {
        tr: v.tr,
        layout: Layout::new(&v, "alerts.title", "alerts"),
        alerts,
        total,
        first,
        last,
        page: page_no,
        pages: total.div_ceil(u64::from(PER_PAGE)).max(1),
        filters,
        facilities,
        statuses: AlertStatus::ALL,
        levels: AlertLevel::ALL,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_default_to_open_alerts_and_round_trip() {
        let f = Filters::default();
        assert_eq!((f.status(), f.page_href(1)), ("open", "/alerts?status=open".to_owned()));
        assert_eq!(f.statuses(), [AlertStatus::New, AlertStatus::Acknowledged, AlertStatus::Escalated]);
        let f = Filters {
            status: Some("all".into()),
            level: "high".into(),
            facility: "3".into(),
            q: " BACKUP-SV01 ログ ".into(),
            page: Some(2),
        };
        assert_eq!(
            f.page_href(3),
            "/alerts?status=all&level=high&facility=3&q=BACKUP-SV01%20%E3%83%AD%E3%82%B0&page=3"
        );
        let q = f.query().unwrap();
        assert_eq!((q.statuses.len(), q.levels.as_slice(), q.offset), (0, &[AlertLevel::High][..], 50));
        assert_eq!(q.text.as_deref(), Some("BACKUP-SV01 ログ"));
        let f = Filters { status: Some("maybe".into()), level: "loud".into(), ..Default::default() };
        assert_eq!((f.status(), f.level()), ("open", None));
        assert!(Filters { facility: "x".into(), ..Default::default() }.query().is_err());
    }
}
