//! Training: the facility's security manager (医療情報システム安全管理責任者), its yearly
//! training sessions with attendance and quiz scores, who is overdue, and the requirements
//! that apply to the facility by kind and beds.
//!
//! The people are the facility's users (every active account that may see the facility):
//! attendance is recorded against them, so a record for a person the facility does not know
//! is refused naming the field. Recording is a manager's act ([`Action::AnswerChecklist`]: the
//! manager and the training are what the checklist's 1-① and 診療録管理体制加算 ask for) and
//! is audited by the store.

use jiff::civil::Date;
use mamoru_domain::access::{self, Action};
use mamoru_domain::readiness::FiscalYear;
use mamoru_domain::readiness::rules::ManagerRecord;
use mamoru_domain::readiness::training::{MaterialFile, Requirement, Session, SessionInput, Standing, requirements};
use mamoru_domain::values::{optional_text, parse_date, parse_flag};
use mamoru_domain::{Checker, Facility, FacilityId, Invalid, OrgId, Problem, UserId};
use mamoru_store::{ManagerPerson, SecurityManager, TrainingSession, User};

use crate::error::{Error, Result};
use crate::{App, Principal, today};

/// The security-manager form as typed: a user's id, or the name of a person without an
/// account.
#[derive(Debug, Clone, Default)]
pub struct ManagerInput {
    /// A user id (from the facility's people).
    pub user: String,
    /// Or a name.
    pub name: String,
    /// 専任 (dedicated): はい/いいえ.
    pub dedicated: String,
    /// The day of appointment.
    pub appointed_on: String,
}

/// One person of the facility and where they stand.
#[derive(Debug, Clone)]
pub struct PersonStanding {
    /// The user.
    pub user: UserId,
    /// The name to show.
    pub name: String,
    /// Their e-mail.
    pub email: String,
    /// Done, due or overdue.
    pub standing: Standing,
}

/// A facility's training for one fiscal year.
#[derive(Debug, Clone)]
pub struct TrainingStatus {
    /// The facility.
    pub facility: Facility,
    /// The fiscal year.
    pub fiscal_year: FiscalYear,
    /// Today, or the fiscal year's last day for a past year.
    pub as_of: Date,
    /// The recorded security manager.
    pub manager: Option<SecurityManager>,
    /// Every session of the facility, newest first.
    pub sessions: Vec<TrainingSession>,
    /// The facility's people, overdue first.
    pub people: Vec<PersonStanding>,
    /// The requirements that apply to the facility, with their source.
    pub requirements: Vec<Requirement>,
}

impl TrainingStatus {
    /// The people who are overdue.
    pub fn overdue(&self) -> impl Iterator<Item = &PersonStanding> {
        self.people.iter().filter(|p| p.standing.is_overdue())
    }

    /// The name of a person of the facility (or `#id` for a former one).
    pub fn name_of(&self, person: i64) -> String {
        self.people.iter().find(|p| p.user.get() == person).map_or(format!("#{person}"), |p| p.name.clone())
    }
}

fn shown_name(u: &User) -> String {
    if u.display_name.trim().is_empty() { u.email.clone() } else { u.display_name.clone() }
}

impl App {
    /// The facility's people: active users who may see it.
    pub async fn facility_people(&self, p: &Principal, facility: FacilityId) -> Result<Vec<User>> {
        p.require(Action::ViewInventory, Some(facility))?;
        Ok(self
            .store
            .users(p.org)
            .await?
            .into_iter()
            .filter(|u| !u.disabled && access::allowed(&u.grants, Action::ViewInventory, Some(facility)))
            .collect())
    }

    /// Records the facility's security manager; every problem of the form at once. A user
    /// must be one of the facility's people.
    pub async fn set_security_manager(
        &self,
        p: &Principal,
        facility: FacilityId,
        input: &ManagerInput,
    ) -> Result<SecurityManager> {
        p.require(Action::AnswerChecklist, Some(facility))?;
        let people = self.facility_people(p, facility).await?;
        let mut c = Checker::default();
        let name = c.check_opt("manager_name", optional_text(&input.name, 200));
        let user = match input.user.trim() {
            "" => None,
            u => match u.parse::<i64>().ok().filter(|id| people.iter().any(|x| x.id.get() == *id)) {
                Some(id) => Some(UserId::new(id)),
                None => {
                    c.push(Invalid::new("manager_user", Problem::Unknown(format!("person {u}"))));
                    None
                }
            },
        };
        if user.is_none() && name.is_none() && !c.has("manager_user") {
            c.push(Invalid::new("manager_user", Problem::Required));
        }
        let dedicated = c.check_opt("dedicated", parse_flag(&input.dedicated)).unwrap_or(false);
        let appointed_on = c.check_opt("appointed_on", parse_date(&input.appointed_on));
        if appointed_on.is_some_and(|d| d > today()) {
            c.push(Invalid::new("appointed_on", Problem::InFuture));
        }
        // A chosen user wins over a typed name: the form offers both.
        let person = c
            .finish(|| Some(user.map(ManagerPerson::User).or(name.map(ManagerPerson::Named))))
            .map_err(Error::Invalid)?
            .ok_or(Error::NotFound("person"))?;
        self.store.set_security_manager(p.org, facility, &person, dedicated, appointed_on, &p.actor()).await?;
        self.store.security_manager(p.org, facility).await?.ok_or(Error::NotFound("security manager"))
    }

    /// Records a training session; every problem of the form at once, an attendee the facility
    /// does not know named on `attendees`.
    pub async fn record_training(&self, p: &Principal, facility: FacilityId, input: &SessionInput) -> Result<i64> {
        p.require(Action::AnswerChecklist, Some(facility))?;
        let known: Vec<i64> = self.facility_people(p, facility).await?.iter().map(|u| u.id.get()).collect();
        let session = Session::parse(input, &known, today()).map_err(Error::Invalid)?;
        Ok(self.store.record_training(p.org, facility, &session, &p.actor()).await?)
    }

    /// The facility's training for `fy`: the manager, the sessions, who is overdue and the
    /// requirements that apply.
    pub async fn training_status(&self, p: &Principal, facility: FacilityId, fy: FiscalYear) -> Result<TrainingStatus> {
        let facility = self.facility(p, facility).await?;
        let as_of = today().min(fy.end());
        let sessions = self.store.training_sessions(p.org, facility.id).await?;
        let mut people: Vec<PersonStanding> = self
            .facility_people(p, facility.id)
            .await?
            .into_iter()
            .map(|u| {
                let attended =
                    sessions.iter().filter(|s| s.attendees.iter().any(|a| a.person == u.id.get())).map(|s| s.held_on);
                PersonStanding {
                    user: u.id,
                    name: shown_name(&u),
                    email: u.email.clone(),
                    standing: Standing::of(attended, fy, as_of),
                }
            })
            .collect();
        people.sort_by_key(|x| (!x.standing.is_overdue(), x.name.clone()));
        Ok(TrainingStatus {
            manager: self.store.security_manager(p.org, facility.id).await?,
            requirements: requirements(facility.draft.kind, facility.draft.beds),
            facility,
            fiscal_year: fy,
            as_of,
            sessions,
            people,
        })
    }

    /// A session's material file, for a person who may see the facility.
    pub async fn training_material(&self, p: &Principal, facility: FacilityId, session: i64) -> Result<MaterialFile> {
        p.require(Action::ViewInventory, Some(facility))?;
        let ours = self.store.training_sessions(p.org, facility).await?.iter().any(|s| s.id == session);
        if !ours {
            return Err(Error::NotFound("training session"));
        }
        Ok(self.store.training_material(p.org, session).await?)
    }

    /// The recorded manager as the evidence rules see it.
    pub(crate) async fn manager_record(&self, org: OrgId, facility: FacilityId) -> Result<Option<ManagerRecord>> {
        Ok(self.store.security_manager(org, facility).await?.map(|m| ManagerRecord {
            name: m.name,
            dedicated: m.dedicated,
            appointed_on: m.appointed_on,
        }))
    }
}
