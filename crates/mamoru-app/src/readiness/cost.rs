//! Cost of damage against cost of measures for one facility: the defaults derived from its
//! beds and its asset register, its own saved figures over them, and the estimate with every
//! line's formula. Saving the figures is a manager's act ([`Action::AnswerChecklist`]: the
//! estimate is part of the readiness file management reads) and is audited by the store.

use mamoru_domain::access::Action;
use mamoru_domain::readiness::cost::{self, Basis, Estimate};
use mamoru_domain::{AssetCategory, Facility, FacilityId};
use mamoru_store::SavedCost;

use crate::error::{Error, Result};
use crate::{App, Principal};

/// A facility's estimate.
#[derive(Debug, Clone)]
pub struct CostPlan {
    /// The facility.
    pub facility: Facility,
    /// What the defaults were derived from.
    pub basis: Basis,
    /// The estimate with its assumptions.
    pub estimate: Estimate,
    /// The facility's saved figures, with who and when.
    pub saved: Option<SavedCost>,
}

impl App {
    /// The facility's estimate: its saved figures over the defaults.
    pub async fn cost_plan(&self, p: &Principal, facility: FacilityId) -> Result<CostPlan> {
        let facility = self.facility(p, facility).await?;
        let counts = self.store.asset_counts(p.org, Some(&[facility.id])).await?;
        let devices = counts
            .iter()
            .filter(|c| matches!(c.category, AssetCategory::Pc | AssetCategory::Server))
            .map(|c| usize::try_from(c.count).unwrap_or(usize::MAX))
            .sum();
        let basis = Basis { beds: facility.draft.beds, devices };
        let saved = self.store.cost_assumptions(p.org, facility.id).await?;
        let values = saved.as_ref().map(|s| s.values.clone()).unwrap_or_default();
        let estimate = cost::estimate(cost::assumptions(basis, &values));
        Ok(CostPlan { facility, basis, estimate, saved })
    }

    /// Saves the facility's figures from a form of `(key, text)`; an empty field returns to
    /// the default. Every problem at once, each on its field; nothing saved on a problem.
    pub async fn save_cost_plan(
        &self,
        p: &Principal,
        facility: FacilityId,
        input: &[(String, String)],
    ) -> Result<CostPlan> {
        p.require(Action::AnswerChecklist, Some(facility))?;
        let values = cost::parse(input).map_err(Error::Invalid)?;
        self.store.save_cost_assumptions(p.org, facility, &values, &p.actor()).await?;
        self.cost_plan(p, facility).await
    }
}
