//! Every facility's readiness on one line, for a provider or a hospital group: the checklist's
//! score, what is overdue, and where the four inspection points stand.

use jiff::Timestamp;
use mamoru_domain::Facility;
use mamoru_domain::readiness::FiscalYear;
use mamoru_domain::readiness::Reply;
use mamoru_domain::readiness::fiscal::tokyo_day;
use mamoru_domain::readiness::inspection::{self, Point, Status};
use mamoru_domain::readiness::score::{self, ItemState, Score};

use crate::error::Result;
use crate::{App, Principal};

/// One facility's line.
#[derive(Debug, Clone)]
pub struct FacilityReadiness {
    /// The facility.
    pub facility: Facility,
    /// The checklist's figures.
    pub score: Score,
    /// The overdue items: `(number or id, text)`, unanswered or いいえ past the 目標日.
    pub overdue: Vec<(String, String)>,
    /// The four points' status, in order.
    pub points: Vec<(Point, Status)>,
    /// The recorded inspection dates (last and next), if any.
    pub inspection: Option<mamoru_store::InspectionDates>,
}

impl App {
    /// Every facility the principal may see, for `fiscal_year`, read at `now`.
    ///
    /// The inspection dates are those a manager recorded; none recorded is shown as such.
    pub async fn readiness_overview(
        &self,
        p: &Principal,
        fiscal_year: FiscalYear,
        now: Timestamp,
    ) -> Result<Vec<FacilityReadiness>> {
        let today = tokyo_day(now);
        let as_of = today.min(fiscal_year.end());
        let mut rows = Vec::new();
        for facility in self.facilities(p).await? {
            let view = self.checklist_view(p, facility.id, fiscal_year).await?;
            let states: Vec<ItemState> = view
                .items
                .iter()
                .map(|i| ItemState {
                    required: i.required,
                    reply: i.answer(),
                    target: i.saved.as_ref().and_then(|s| s.answer.target_on),
                    proposed: i.proposal.as_ref().map(|p| p.verdict),
                })
                .collect();
            let overdue = view
                .items
                .iter()
                .zip(&states)
                .filter(|(_, s)| {
                    s.reply.is_none() || (s.reply == Some(Reply::No) && s.target.is_some_and(|t| t < today))
                })
                .map(|(i, _)| (i.item.no.clone().unwrap_or_else(|| i.item.id.clone()), i.item.text.clone()))
                .collect();
            let facts = self.inspection_facts(p, facility.id, as_of, now).await?;
            let points = inspection::evaluate(&facts, as_of).into_iter().map(|v| (v.point, v.status)).collect();
            let inspection = self.store.inspection_dates(p.org, facility.id).await?;
            rows.push(FacilityReadiness { score: score::score(&states, today), overdue, points, inspection, facility });
        }
        Ok(rows)
    }
}
