//! `/readiness/overview?fy=2025`: every facility the user may see on one line — the
//! checklist's score (はい over the items required this year), proposals nobody confirmed, the
//! overdue items (unanswered, or いいえ past the 目標日), where the four inspection points
//! stand, and the next inspection date with the last one (recorded on
//! `/readiness/inspection-dates`).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use jiff::Timestamp;
use mamoru_app::readiness::FacilityReadiness;
use mamoru_domain::readiness::FiscalYear;
use mamoru_domain::readiness::inspection::Point;
use serde::Deserialize;

use super::{fiscal_year, status_class};
use crate::error::WebError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::context::Viewer;
use crate::web::render::{Layout, page};

/// `?fy=2025`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct OverviewQuery {
    #[serde(default)]
    fy: String,
}

/// One point's cell.
pub(crate) struct Cell {
    pub(crate) label: &'static str,
    pub(crate) class: &'static str,
}

/// One facility's line.
pub(crate) struct Line {
    pub(crate) row: FacilityReadiness,
    pub(crate) cells: Vec<Cell>,
}

#[derive(Template)]
#[template(path = "inspection/overview.html")]
struct OverviewPage {
    tr: Tr,
    layout: Layout,
    fiscal_year: FiscalYear,
    points: Vec<(usize, Point)>,
    lines: Vec<Line>,
}

/// `GET /readiness/overview`.
pub(crate) async fn show(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<OverviewQuery>,
) -> Result<Response, WebError> {
    let fy = fiscal_year(&q.fy)?;
    let rows = state.app.readiness_overview(&v.p, fy, Timestamp::now()).await?;
    let lines = rows
        .into_iter()
        .map(|row| Line {
            cells: row
                .points
                .iter()
                .map(|(_, s)| Cell { label: v.tr.pick(s.ja(), s.en()), class: status_class(*s) })
                .collect(),
            row,
        })
        .collect();
    page(&OverviewPage {
        tr: v.tr,
        layout: Layout::new(&v, "inspection.overview_title", "readiness"),
        fiscal_year: fy,
        points: Point::ALL.iter().copied().enumerate().map(|(i, p)| (i + 1, p)).collect(),
        lines,
    })
}
