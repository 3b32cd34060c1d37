//! Readiness: MHLW's cybersecurity checklist for a facility, with answers proposed from the
//! evidence Mamoru holds (the register, findings, accounts, the contact chain) and the answers
//! people confirm.
//!
//! The view runs every evidence rule against the facility's facts as of today and merges the
//! saved answers: a saved answer wins, and the rule's current proposal is shown beside it so a
//! stale answer stands out. Answering is a manager's act ([`Action::AnswerChecklist`]) and is
//! audited by the store with the answer it replaced.

mod backups;
pub mod bcp;
pub mod bcp_diagrams;
pub mod cost;
pub mod drills;
mod facts;
mod inspection;
pub mod inspections;
mod overview;
pub mod roadmap;
pub mod training;
pub mod vendor;

pub use inspection::InspectionPack;
pub use overview::FacilityReadiness;

use jiff::civil::Date;
use mamoru_domain::access::Action;
use mamoru_domain::readiness::rules::Proposal;
use mamoru_domain::readiness::{self, Answer, AnswerInput, Edition, FiscalYear, Item, Reply, Sheet};
use mamoru_domain::{Facility, FacilityId, Invalid, Problem};
use mamoru_store::{ChecklistKey, ProposedSnapshot, SavedAnswer};

use crate::error::{Error, Result};
use crate::{App, Principal, today};

/// A facility's checklist (医療機関確認用) for one fiscal year.
#[derive(Debug, Clone)]
pub struct ChecklistView {
    /// The facility.
    pub facility: Facility,
    /// The fiscal year.
    pub fiscal_year: FiscalYear,
    /// The edition used for that year.
    pub edition: &'static Edition,
    /// The day the proposals were made for: today, or the last day of a past fiscal year
    /// (the records are today's either way: Mamoru keeps no history of the register).
    pub as_of: Date,
    /// Every item of the facility's sheet, in the checklist's order.
    pub items: Vec<ItemView>,
}

/// One item with its proposal and its saved answer.
#[derive(Debug, Clone)]
pub struct ItemView {
    /// The item.
    pub item: &'static Item,
    /// Whether it must be in place this fiscal year (two-factor authentication: from FY2027).
    pub required: bool,
    /// What its evidence rule proposes now, if a rule answers it.
    pub proposal: Option<Proposal>,
    /// The answer a person gave, if any.
    pub saved: Option<SavedAnswer>,
}

impl ItemView {
    /// The answer that counts: the saved one; `None` while nobody has answered.
    pub fn answer(&self) -> Option<Reply> {
        self.saved.as_ref().map(|s| s.answer.reply)
    }
}

impl ChecklistView {
    /// Items nobody has answered yet (an inspector wants every item answered and dated).
    pub fn unanswered(&self) -> usize {
        self.items.iter().filter(|i| i.saved.is_none()).count()
    }
}

/// The edition for `fy`, or a validation error naming the field.
fn edition_for(fy: FiscalYear) -> Result<&'static Edition> {
    let first = readiness::editions().first().map_or(2023, |e| e.fiscal_year.year());
    readiness::edition(fy).ok_or_else(|| {
        Error::Invalid(vec![Invalid::new(
            "fiscal_year",
            Problem::OutOfRange { min: i64::from(first), max: i64::from(FiscalYear::RANGE.1) },
        )])
    })
}

fn key(facility: FacilityId, fy: FiscalYear, edition: &Edition) -> ChecklistKey {
    ChecklistKey { facility, fiscal_year: fy, edition: edition.id(), vendor: None }
}

/// The day proposals are made for in `fy`.
fn as_of(fy: FiscalYear, today: Date) -> Date {
    today.min(fy.end())
}

fn snapshot(p: &Proposal) -> ProposedSnapshot {
    ProposedSnapshot { verdict: p.verdict, reason: p.reason.clone(), evidence: p.evidence.clone() }
}

impl App {
    /// The facility's checklist for `fiscal_year`: every item with the rule's proposal and the
    /// saved answer.
    pub async fn checklist_view(
        &self,
        p: &Principal,
        facility: FacilityId,
        fiscal_year: FiscalYear,
    ) -> Result<ChecklistView> {
        let facility = self.facility(p, facility).await?;
        let edition = edition_for(fiscal_year)?;
        let as_of = as_of(fiscal_year, today());
        let facts = self.readiness_facts(p, facility.id, as_of).await?;
        let mut saved = self.store.checklist_answers(p.org, &key(facility.id, fiscal_year, edition)).await?;
        let items = edition
            .items_on(Sheet::Facility)
            .map(|item| ItemView {
                item,
                required: item.required_in(fiscal_year),
                proposal: item.rule.map(|r| r.evaluate(&facts)),
                saved: saved.iter().position(|s| s.item_id == item.id).map(|i| saved.swap_remove(i)),
            })
            .collect();
        Ok(ChecklistView { facility, fiscal_year, edition, as_of, items })
    }

    /// Answers one item of the facility's sheet, keeping the rule's proposal of the moment
    /// beside the answer. Every problem of the form is returned at once.
    pub async fn answer_item(
        &self,
        p: &Principal,
        facility: FacilityId,
        fiscal_year: FiscalYear,
        item_id: &str,
        input: &AnswerInput,
    ) -> Result<SavedAnswer> {
        p.require(Action::AnswerChecklist, Some(facility))?;
        let edition = edition_for(fiscal_year)?;
        let item = edition
            .item(item_id)
            .filter(|i| i.on(Sheet::Facility))
            .ok_or_else(|| Error::Invalid(vec![Invalid::new("item", Problem::Unknown(format!("item {item_id}")))]))?;
        let today = today();
        let answer = Answer::parse(input, item, fiscal_year, today).map_err(Error::Invalid)?;
        let proposal = match item.rule {
            Some(rule) => Some(rule.evaluate(&self.readiness_facts(p, facility, as_of(fiscal_year, today)).await?)),
            None => None,
        };
        let k = key(facility, fiscal_year, edition);
        let actor = p.actor();
        self.store
            .save_checklist_answer(p.org, &k, item_id, &answer, proposal.as_ref().map(snapshot).as_ref(), &actor)
            .await?;
        let saved = self.store.checklist_answers(p.org, &k).await?;
        saved.into_iter().find(|s| s.item_id == item_id).ok_or(Error::NotFound("checklist answer"))
    }

    /// Withdraws the answer to one item, which shows as unanswered again.
    pub async fn clear_answer(
        &self,
        p: &Principal,
        facility: FacilityId,
        fiscal_year: FiscalYear,
        item_id: &str,
    ) -> Result<()> {
        p.require(Action::AnswerChecklist, Some(facility))?;
        let edition = edition_for(fiscal_year)?;
        Ok(self.store.clear_checklist_answer(p.org, &key(facility, fiscal_year, edition), item_id, &p.actor()).await?)
    }
}
