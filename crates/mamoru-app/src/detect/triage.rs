//! Alerts as people see and triage them: listed for the facilities they may see,
//! acknowledged, escalated, re-opened, or marked a false positive with a suppression rule.

use mamoru_domain::access::Action;
use mamoru_domain::{AlertId, AlertStatus, Invalid, Problem, SuppressionId};
use mamoru_store::{Alert, AlertQuery, NewSuppression, Suppression};

use crate::error::{Error, Result};
use crate::{App, Principal};

/// A false positive as a form gives it: why, and how widely its like is silenced from now on.
#[derive(Debug, Clone, Default)]
pub struct FalsePositive {
    /// Why it is not an attack (required: the next person needs to know).
    pub reason: String,
    /// Silence the rule only on this computer (usually the alert's); empty for every computer.
    pub computer: String,
    /// Silence it only when a matched field has a value, written `Field=value`; empty for any.
    pub field: String,
    /// Silence it in every facility of the organisation (needs the right to suppress
    /// everywhere); otherwise only in the alert's facility.
    pub all_facilities: bool,
}

impl App {
    /// Alerts among the facilities the principal may see, most recently active first.
    pub async fn alerts(&self, p: &Principal, mut query: AlertQuery) -> Result<Vec<Alert>> {
        if !p.can_anywhere(Action::ViewInventory) {
            return Err(Error::Forbidden);
        }
        query.visible = p.visible();
        Ok(self.store.alerts(p.org, &query).await?)
    }

    /// How many alerts `query` finds among the visible facilities (for paging).
    pub async fn count_alerts(&self, p: &Principal, mut query: AlertQuery) -> Result<u64> {
        if !p.can_anywhere(Action::ViewInventory) {
            return Err(Error::Forbidden);
        }
        query.visible = p.visible();
        Ok(self.store.count_alerts(p.org, &query).await?)
    }

    /// One alert.
    pub async fn alert(&self, p: &Principal, id: AlertId) -> Result<Alert> {
        let a = self.store.alert(p.org, id).await?;
        p.require(Action::ViewInventory, Some(a.facility)).map_err(|_| Error::NotFound("alert"))?;
        Ok(a)
    }

    /// Someone has looked at the alert and is dealing with it.
    pub async fn acknowledge_alert(&self, p: &Principal, id: AlertId, note: &str) -> Result<()> {
        self.move_alert(p, id, AlertStatus::Acknowledged, note).await
    }

    /// The alert is handed up (to the person in charge, the vendor, the provider's SOC).
    pub async fn escalate_alert(&self, p: &Principal, id: AlertId, note: &str) -> Result<()> {
        self.move_alert(p, id, AlertStatus::Escalated, note).await
    }

    /// Back to new. Re-opening a false positive is a manager's call, like marking it; its
    /// suppression rule stays until removed with [`App::remove_suppression`].
    pub async fn reopen_alert(&self, p: &Principal, id: AlertId, note: &str) -> Result<()> {
        self.move_alert(p, id, AlertStatus::New, note).await
    }

    /// Marks the alert a false positive and writes the suppression rule that silences its
    /// rule from now on (on one computer, with one field value, in one or every facility).
    pub async fn mark_false_positive(&self, p: &Principal, id: AlertId, form: &FalsePositive) -> Result<SuppressionId> {
        let a = self.alert(p, id).await?;
        p.require(Action::SuppressAlerts, Some(a.facility))?;
        if form.all_facilities {
            p.require(Action::SuppressAlerts, None)?;
        }
        allowed_move(a.status, AlertStatus::FalsePositive)?;
        let scope = parse_scope(form, &a).map_err(Error::Invalid)?;
        Ok(self.store.mark_false_positive(p.org, id, form.reason.trim(), &scope, &p.actor()).await?)
    }

    /// The suppression rules of the visible facilities and the organisation-wide ones.
    pub async fn suppressions(&self, p: &Principal) -> Result<Vec<Suppression>> {
        if !p.can_anywhere(Action::ViewInventory) {
            return Err(Error::Forbidden);
        }
        Ok(self.store.suppressions(p.org, p.visible().as_deref()).await?)
    }

    /// Removes a suppression rule: its rule raises alerts again.
    pub async fn remove_suppression(&self, p: &Principal, id: SuppressionId) -> Result<()> {
        let s = self.store.suppression(p.org, id).await?;
        if s.facility.is_some_and(|f| !p.can(Action::ViewInventory, Some(f))) {
            return Err(Error::NotFound("suppression rule"));
        }
        p.require(Action::SuppressAlerts, s.facility)?;
        Ok(self.store.delete_suppression(p.org, id, &p.actor()).await?)
    }

    async fn move_alert(&self, p: &Principal, id: AlertId, to: AlertStatus, note: &str) -> Result<()> {
        let a = self.alert(p, id).await?;
        p.require(Action::TriageAlerts, Some(a.facility))?;
        if a.status == AlertStatus::FalsePositive {
            p.require(Action::SuppressAlerts, Some(a.facility))?;
        }
        allowed_move(a.status, to)?;
        let note = Some(note.trim()).filter(|n| !n.is_empty());
        Ok(self.store.set_alert_status(p.org, id, to, note, &p.actor()).await?)
    }
}

fn allowed_move(from: AlertStatus, to: AlertStatus) -> Result<()> {
    if from.can_become(to) {
        return Ok(());
    }
    let why = format!("an alert that is {} cannot become {}", from.en(), to.en());
    Err(Error::invalid("status", Problem::NotAllowed(why)))
}

fn parse_scope(form: &FalsePositive, alert: &Alert) -> Result<NewSuppression, Vec<Invalid>> {
    let mut problems = Vec::new();
    if form.reason.trim().is_empty() {
        problems.push(Invalid::new("reason", Problem::Required));
    }
    let field = match form.field.trim() {
        "" => None,
        text => match text.split_once('=').map(|(f, v)| (f.trim(), v.trim())) {
            Some((f, v)) if !f.is_empty() && !v.is_empty() => Some((f.to_owned(), v.to_owned())),
            _ => {
                problems.push(Invalid::new("field", Problem::Unknown(format!("{text:?}: write Field=value"))));
                None
            }
        },
    };
    let computer = Some(form.computer.trim().to_owned()).filter(|c| !c.is_empty());
    let facility = (!form.all_facilities).then_some(alert.facility);
    if problems.is_empty() { Ok(NewSuppression { facility, computer, field }) } else { Err(problems) }
}
