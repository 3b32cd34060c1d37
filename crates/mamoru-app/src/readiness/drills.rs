//! Tabletop drills on the BCP: started from a scenario (data in
//! `mamoru_domain::readiness::drills`), with date and participants, a timeline of entries,
//! findings, and follow-up tasks with owner and due date.
//!
//! Starting a drill, recording findings and tasks is a manager's act
//! ([`Action::AnswerChecklist`]: the drill is what 3-③ and 診療録管理体制加算1 ask for);
//! staff may write the timeline, as they write an incident's ([`Action::RespondIncidents`]).
//! The store audits every change.

use jiff::civil::Date;
use mamoru_domain::access::Action;
use mamoru_domain::readiness::drills::{Scenario, scenario};
use mamoru_domain::values::{optional_text, parse_date, required_text};
use mamoru_domain::{Checker, Facility, FacilityId, Invalid, Problem};
use mamoru_store::{Drill, DrillEntry, DrillTask};

use crate::error::{Error, Result};
use crate::{App, Principal, today};

/// A drill with its scenario, entries and tasks.
#[derive(Debug, Clone)]
pub struct DrillView {
    /// The facility.
    pub facility: Facility,
    /// The drill.
    pub drill: Drill,
    /// Its scenario (`None` for a code this binary no longer knows).
    pub scenario: Option<&'static Scenario>,
    /// The timeline, oldest first.
    pub timeline: Vec<DrillEntry>,
    /// The findings, oldest first.
    pub findings: Vec<DrillEntry>,
    /// The follow-up tasks.
    pub tasks: Vec<DrillTask>,
}

/// A new drill as typed.
#[derive(Debug, Clone, Default)]
pub struct DrillForm {
    /// The facility's id.
    pub facility: String,
    /// The scenario's code.
    pub scenario: String,
    /// The day it is held.
    pub held_on: String,
    /// Who takes part.
    pub participants: String,
}

/// A follow-up task as typed.
#[derive(Debug, Clone, Default)]
pub struct TaskForm {
    /// What to do.
    pub title: String,
    /// Who does it.
    pub owner: String,
    /// By when.
    pub due: String,
}

impl App {
    /// Starts a drill from a scenario; every problem of the form at once.
    pub async fn start_drill(&self, p: &Principal, form: &DrillForm) -> Result<i64> {
        let mut c = Checker::default();
        let facility = match form.facility.trim().parse::<i64>() {
            Ok(id) => Some(FacilityId::new(id)),
            Err(_) => {
                c.push(Invalid::new("facility", Problem::Required));
                None
            }
        };
        if scenario(form.scenario.trim()).is_none() {
            c.push(Invalid::new("scenario", Problem::Unknown(format!("scenario {}", form.scenario.trim()))));
        }
        let held_on = c.check_opt("held_on", parse_date(&form.held_on));
        if held_on.is_none() && !c.has("held_on") {
            c.push(Invalid::new("held_on", Problem::Required));
        }
        let participants = c.check("participants", required_text(&form.participants, 2_000));
        let (facility, held_on, participants) =
            c.finish(|| Some((facility?, held_on?, participants?))).map_err(Error::Invalid)?;
        p.require(Action::AnswerChecklist, Some(facility))?;
        Ok(self.store.create_drill(p.org, facility, form.scenario.trim(), held_on, &participants, &p.actor()).await?)
    }

    /// The drills of every facility the person may see, newest first.
    pub async fn drills(&self, p: &Principal) -> Result<Vec<(Drill, Facility)>> {
        let facilities = self.facilities(p).await?;
        let mut out = Vec::new();
        for d in self.store.drills(p.org, None).await? {
            if let Some(f) = facilities.iter().find(|f| f.id == d.facility) {
                out.push((d, f.clone()));
            }
        }
        Ok(out)
    }

    /// One drill with its scenario, timeline, findings and tasks.
    pub async fn drill(&self, p: &Principal, id: i64) -> Result<DrillView> {
        let (drill, entries, tasks) = self.store.drill(p.org, id).await?;
        let facility = self.facility(p, drill.facility).await?;
        let (findings, timeline) = entries.into_iter().partition(|e| e.finding);
        Ok(DrillView { scenario: scenario(&drill.scenario), facility, drill, timeline, findings, tasks })
    }

    /// Adds a timeline entry (staff may) or a finding (managers); both fields required.
    pub async fn add_drill_entry(&self, p: &Principal, id: i64, finding: bool, at: &str, body: &str) -> Result<i64> {
        let (drill, _, _) = self.store.drill(p.org, id).await?;
        let action = if finding { Action::AnswerChecklist } else { Action::RespondIncidents };
        p.require(action, Some(drill.facility))?;
        let mut c = Checker::default();
        let at = c.check_opt("at", optional_text(at, 40)).unwrap_or_default();
        let body = c.check("entry_body", required_text(body, 4_000));
        let body = c.finish(|| body).map_err(Error::Invalid)?;
        Ok(self.store.add_drill_entry(p.org, id, finding, &at, &body, &p.actor()).await?)
    }

    /// Adds a follow-up task; every problem of the form at once.
    pub async fn add_drill_task(&self, p: &Principal, id: i64, form: &TaskForm) -> Result<i64> {
        let (drill, _, _) = self.store.drill(p.org, id).await?;
        p.require(Action::AnswerChecklist, Some(drill.facility))?;
        let mut c = Checker::default();
        let title = c.check("task_title", required_text(&form.title, 500));
        let owner = c.check("task_owner", required_text(&form.owner, 200));
        let due = c.check_opt("due", parse_date(&form.due));
        if due.is_none() && !c.has("due") {
            c.push(Invalid::new("due", Problem::Required));
        }
        let (title, owner, due): (String, String, Date) =
            c.finish(|| Some((title?, owner?, due?))).map_err(Error::Invalid)?;
        Ok(self.store.add_drill_task(p.org, id, &title, &owner, due, &p.actor()).await?)
    }

    /// Marks a task done or undone.
    pub async fn set_drill_task_done(&self, p: &Principal, drill: i64, task: i64, done: bool) -> Result<()> {
        let view = self.drill(p, drill).await?;
        p.require(Action::AnswerChecklist, Some(view.drill.facility))?;
        if !view.tasks.iter().any(|t| t.id == task) {
            return Err(Error::NotFound("drill task"));
        }
        self.store.set_drill_task_done(p.org, task, done, &p.actor()).await?;
        Ok(())
    }
}

/// Whether a task is past its due date and not done.
pub fn task_overdue(t: &DrillTask) -> bool {
    !t.done && t.due < today()
}
