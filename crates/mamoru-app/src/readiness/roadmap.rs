//! The roadmap for one facility: what it still lacks — checklist items unanswered or answered
//! いいえ, items whose evidence rule finds a gap behind a はい, inspection points with gaps —
//! ordered into fiscal years by the pure rules of [`mamoru_domain::readiness::roadmap`], and
//! the record of who approved the plan and when (a manager records it; audited).

use jiff::Timestamp;
use jiff::civil::Date;
use mamoru_domain::access::Action;
use mamoru_domain::readiness::fiscal::tokyo_day;
use mamoru_domain::readiness::inspection::{self, Status};
use mamoru_domain::readiness::roadmap::{self, Gap, Origin, Year};
use mamoru_domain::readiness::{FiscalYear, Reply, Verdict};
use mamoru_domain::values::{optional_text, parse_date, required_text};
use mamoru_domain::{Checker, Facility, FacilityId, Invalid, Problem};
use mamoru_store::RoadmapApproval;

use crate::error::{Error, Result};
use crate::{App, Principal, today};

/// The approval form as typed.
#[derive(Debug, Clone, Default)]
pub struct ApprovalInput {
    /// Who approved (an executive, by name).
    pub approved_by: String,
    /// The day.
    pub approved_on: String,
    /// A remark.
    pub note: String,
}

/// A facility's roadmap.
#[derive(Debug, Clone)]
pub struct Roadmap {
    /// The facility.
    pub facility: Facility,
    /// The fiscal year it was made in.
    pub fiscal_year: FiscalYear,
    /// The day it was made for.
    pub as_of: Date,
    /// The plan, year by year.
    pub years: Vec<Year>,
    /// Its approvals, newest first.
    pub approvals: Vec<RoadmapApproval>,
}

impl Roadmap {
    /// Every step's count.
    pub fn steps(&self) -> usize {
        self.years.iter().map(|y| y.steps.len()).sum()
    }

    /// Whether the plan changed since its last approval (or was never approved).
    pub fn changed_since_approval(&self) -> bool {
        self.approvals.first().is_none_or(|a| a.gap_keys != roadmap::keys(&self.years))
    }
}

impl App {
    /// The facility's roadmap as of `now`.
    pub async fn roadmap(&self, p: &Principal, facility: FacilityId, now: Timestamp) -> Result<Roadmap> {
        let today = tokyo_day(now);
        let fy = FiscalYear::of(today);
        let view = self.checklist_view(p, facility, fy).await?;
        let mut gaps = Vec::new();
        for i in &view.items {
            let rule_says_no = i.proposal.as_ref().filter(|p| p.verdict == Verdict::No);
            let origin = match i.answer() {
                None => Origin::Unanswered,
                Some(Reply::No) => Origin::AnsweredNo,
                Some(Reply::Yes) if rule_says_no.is_some() => Origin::Evidence,
                Some(Reply::Yes) => continue,
            };
            gaps.push(Gap {
                key: i.item.id.clone(),
                no: i.item.no.clone(),
                title: i.item.text.clone(),
                origin,
                required_from: i.item.required_from,
                target: i.saved.as_ref().and_then(|s| s.answer.target_on),
                detail: rule_says_no.map(|p| p.reason.clone()),
            });
        }
        let facts = self.inspection_facts(p, facility, view.as_of, now).await?;
        for v in inspection::evaluate(&facts, view.as_of) {
            if v.status == Status::Gaps {
                gaps.push(Gap {
                    key: format!("point.{}", v.point.code()),
                    no: None,
                    title: v.point.ja().to_owned(),
                    origin: Origin::InspectionPoint,
                    required_from: view.edition.fiscal_year,
                    target: None,
                    detail: Some(v.summary),
                });
            }
        }
        Ok(Roadmap {
            years: roadmap::plan(gaps, today),
            approvals: self.store.roadmap_approvals(p.org, facility).await?,
            facility: view.facility,
            fiscal_year: fy,
            as_of: today,
        })
    }

    /// Records that management approved the facility's roadmap as it stands now; every
    /// problem of the form at once.
    pub async fn approve_roadmap(
        &self,
        p: &Principal,
        facility: FacilityId,
        input: &ApprovalInput,
        now: Timestamp,
    ) -> Result<Roadmap> {
        p.require(Action::AnswerChecklist, Some(facility))?;
        let mut c = Checker::default();
        let by = c.check("approved_by", required_text(&input.approved_by, 200));
        let on = c.check("approved_on", parse_date(&input.approved_on).and_then(|d| d.ok_or(Problem::Required)));
        if on.is_some_and(|d| d > tokyo_day(now).max(today())) {
            c.push(Invalid::new("approved_on", Problem::InFuture));
        }
        let note = c.check("note", optional_text(&input.note, 2_000));
        let (by, on, note) = c.finish(|| Some((by?, on?, note?))).map_err(Error::Invalid)?;
        let plan = self.roadmap(p, facility, now).await?;
        let keys = roadmap::keys(&plan.years);
        self.store
            .approve_roadmap(p.org, facility, plan.fiscal_year, &by, on, note.as_deref(), &keys, &p.actor())
            .await?;
        self.roadmap(p, facility, now).await
    }
}
