//! `/vulns`: findings, most urgent first, filtered by a GET form; the same list as CSV.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use jiff::civil::Date;
use mamoru_app::vuln::{FindingReport, findings_csv};
use mamoru_domain::{Facility, FacilityId, FindingStatus};
use mamoru_store::{Finding, FindingQuery};
use serde::Deserialize;

use super::Row;
use crate::error::WebError;
use crate::i18n::{Tr, today};
use crate::state::AppState;
use crate::web::context::{Viewer, encode};
use crate::web::forms::opt_id;
use crate::web::import::download;
use crate::web::render::{Layout, page};

/// The list's filters, as the GET form sends them (and the dashboard's cards link to).
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct Filters {
    /// A status code, or `all`; open when absent.
    status: Option<String>,
    #[serde(default)]
    kev: String,
    #[serde(default)]
    perimeter: String,
    #[serde(default)]
    facility: String,
    /// 1..=5; the store cannot filter on it, so the handler does.
    #[serde(default)]
    priority: String,
    /// Only open findings past their due date.
    #[serde(default)]
    overdue: String,
}

/// A checkbox or link flag: present and not `0`/`false`.
fn on(s: &str) -> bool {
    !matches!(s, "" | "0" | "false")
}

impl Filters {
    /// The status chosen: a code or `all`.
    pub(crate) fn status(&self) -> &str {
        match self.status.as_deref() {
            Some(s) if s == "all" || FindingStatus::from_code(s).is_some() => s,
            _ => "open",
        }
    }

    pub(crate) fn kev(&self) -> bool {
        on(&self.kev)
    }

    pub(crate) fn perimeter(&self) -> bool {
        on(&self.perimeter)
    }

    pub(crate) fn overdue(&self) -> bool {
        on(&self.overdue)
    }

    pub(crate) fn facility(&self) -> &str {
        &self.facility
    }

    pub(crate) fn priority(&self) -> Option<u8> {
        self.priority.parse().ok().filter(|p| (1..=5).contains(p))
    }

    fn query(&self, today: Date) -> Result<FindingQuery, WebError> {
        Ok(FindingQuery {
            facility: opt_id(&self.facility)?.map(FacilityId::new),
            statuses: FindingStatus::from_code(self.status()).into_iter().collect(),
            kev_only: self.kev(),
            perimeter_only: self.perimeter(),
            priority: self.priority(),
            due_before: self.overdue().then_some(today),
            ..Default::default()
        })
    }

    /// These filters as a query string, for the CSV link.
    pub(crate) fn query_string(&self) -> String {
        let mut parts = vec![format!("status={}", self.status())];
        for (k, set) in [("kev", self.kev()), ("perimeter", self.perimeter()), ("overdue", self.overdue())] {
            if set {
                parts.push(format!("{k}=1"));
            }
        }
        if let Some(p) = self.priority() {
            parts.push(format!("priority={p}"));
        }
        if !self.facility.trim().is_empty() {
            parts.push(format!("facility={}", encode(self.facility.trim())));
        }
        parts.join("&")
    }
}

/// Rows a page shows; the CSV export has them all.
const PAGE_ROWS: u32 = 500;

/// The findings the filters select, as `p` may see them, at most `limit`.
async fn select(
    state: &AppState,
    v: &Viewer,
    filters: &Filters,
    today: Date,
    limit: Option<u32>,
) -> Result<Vec<Finding>, WebError> {
    let query = FindingQuery { limit, ..filters.query(today)? };
    Ok(state.app.findings(&v.p, query).await?)
}

#[derive(Template)]
#[template(path = "vulns/list.html")]
struct ListPage {
    tr: Tr,
    layout: Layout,
    rows: Vec<Row>,
    /// More rows than the page shows.
    more: bool,
    filters: Filters,
    facilities: Vec<Facility>,
    statuses: &'static [FindingStatus],
    priorities: [u8; 5],
}

/// `GET /vulns`.
pub(crate) async fn list(
    v: Viewer,
    State(state): State<AppState>,
    Query(filters): Query<Filters>,
) -> Result<Response, WebError> {
    let today = today();
    let mut found = select(&state, &v, &filters, today, Some(PAGE_ROWS + 1)).await?;
    let more = found.len() > PAGE_ROWS as usize;
    found.truncate(PAGE_ROWS as usize);
    let rows = Row::all(v.tr, found, today);
    let facilities = state.app.facilities(&v.p).await?;
    page(&ListPage {
        tr: v.tr,
        layout: Layout::new(&v, "vulns.title", "vulns"),
        rows,
        more,
        filters,
        facilities,
        statuses: FindingStatus::ALL,
        priorities: [1, 2, 3, 4, 5],
    })
}

/// `GET /vulns/export.csv`: the list with the same filters, for Excel (UTF-8 with BOM).
pub(crate) async fn export(
    v: Viewer,
    State(state): State<AppState>,
    Query(filters): Query<Filters>,
) -> Result<Response, WebError> {
    let findings = select(&state, &v, &filters, today(), None).await?;
    let reports: Vec<FindingReport> = findings.iter().map(FindingReport::of).collect();
    Ok(download(findings_csv(&reports), "text/csv; charset=utf-8", "findings.csv"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_default_to_open_and_round_trip() {
        let f = Filters::default();
        assert_eq!(f.status(), "open");
        assert_eq!(f.query_string(), "status=open");
        let f = Filters {
            status: Some("all".into()),
            kev: "1".into(),
            priority: "1".into(),
            facility: "3".into(),
            ..Default::default()
        };
        assert_eq!(f.query_string(), "status=all&kev=1&priority=1&facility=3");
        assert!(f.query(jiff::civil::date(2026, 11, 25)).unwrap().statuses.is_empty());
        let f = Filters { status: Some("nonsense".into()), priority: "9".into(), ..Default::default() };
        assert_eq!((f.status(), f.priority()), ("open", None));
    }
}
