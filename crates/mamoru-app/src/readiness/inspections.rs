//! A facility's on-site inspection dates (立入検査, 医療法第25条第1項): the last one and the
//! next one expected (次回立入検査予定日), recorded by a manager from the notice the
//! prefecture or 保健所 sends; shown on the overview of every facility and on the inspection
//! pack. Audited by the store.

use mamoru_domain::access::Action;
use mamoru_domain::values::{optional_text, parse_date};
use mamoru_domain::{Checker, FacilityId, Invalid, Problem};
use mamoru_store::InspectionDates;

use crate::error::{Error, Result};
use crate::{App, Principal, today};

/// The inspection-dates form as typed.
#[derive(Debug, Clone, Default)]
pub struct InspectionDatesInput {
    /// The last inspection's day.
    pub last_on: String,
    /// The next one expected.
    pub next_on: String,
    /// A remark (the notice, the office).
    pub note: String,
}

impl App {
    /// The facility's inspection dates, if recorded.
    pub async fn inspection_dates(&self, p: &Principal, facility: FacilityId) -> Result<Option<InspectionDates>> {
        p.require(Action::ViewInventory, Some(facility))?;
        Ok(self.store.inspection_dates(p.org, facility).await?)
    }

    /// Records the facility's inspection dates; every problem of the form at once: the last
    /// inspection cannot be in the future, the next must come after the last.
    pub async fn set_inspection_dates(
        &self,
        p: &Principal,
        facility: FacilityId,
        input: &InspectionDatesInput,
    ) -> Result<InspectionDates> {
        p.require(Action::AnswerChecklist, Some(facility))?;
        let mut c = Checker::default();
        let last = c.check("last_on", parse_date(&input.last_on));
        let next = c.check("next_on", parse_date(&input.next_on));
        if let Some(Some(l)) = last {
            if l > today() {
                c.push(Invalid::new("last_on", Problem::InFuture));
            } else if next.flatten().is_some_and(|n| n <= l) {
                c.push(Invalid::new("next_on", Problem::NotAfter(l)));
            }
        }
        let note = c.check("note", optional_text(&input.note, 500));
        let (last, next, note) = c.finish(|| Some((last?, next?, note?))).map_err(Error::Invalid)?;
        self.store.set_inspection_dates(p.org, facility, last, next, note.as_deref(), &p.actor()).await?;
        self.store.inspection_dates(p.org, facility).await?.ok_or(Error::NotFound("inspection dates"))
    }
}
