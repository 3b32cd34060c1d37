//! The APPI breach-report duty on a case: the wizard's answers, what they decide, the
//! deadlines counted from the moment of awareness, the reports filed, and the reminders
//! before each deadline.
//!
//! The rules themselves are `mamoru_domain::appi`; this module keeps the answers on the case
//! (as JSON, with the decision they led to, for the record) and decides again from them
//! whenever the case is shown, so the reasons always match the answers.

use jiff::Timestamp;
use mamoru_domain::access::Action;
use mamoru_domain::appi::{
    BreachFacts, Deadlines, DueState, Obligation, Occurrence, People, Regime, Reminder, Role, decide, report_deadlines,
    status_at,
};
use mamoru_domain::incident::EntryKind;
use mamoru_domain::values::{parse_count, parse_flag};
use mamoru_domain::{CaseId, Checker, Invalid, Operator, Problem};
use mamoru_store::{Case, CaseEntry, NewEntry};
use serde_json::{Value, json};

use super::record::invalid;
use crate::error::{Error, Result};
use crate::{App, Principal};

/// The kind of message sent before a report deadline.
pub const KIND_DEADLINE: &str = "case.deadline";

/// The wizard's answers as a form gives them (codes and yes/no flags).
#[derive(Debug, Clone, Default)]
pub struct AppiForm {
    /// An [`Occurrence`] code: occurred, may_have_occurred, not_occurred.
    pub occurrence: String,
    /// Sensitive data (要配慮個人情報) involved: yes/no.
    pub sensitive: String,
    /// Data whose misuse may cause financial damage: yes/no.
    pub financial: String,
    /// An act with improper purpose (unauthorised access, ransomware): yes/no.
    pub improper_purpose: String,
    /// Including data being obtained (web-form skimming): yes/no.
    pub obtaining: String,
    /// How many people, if known.
    pub people: String,
    /// Not known, but may exceed the threshold: yes/no.
    pub people_may_exceed: String,
    /// Public bodies: ordinance-defined sensitive data: yes/no.
    pub ordinance_sensitive: String,
    /// All the data strongly encrypted, key not taken: yes/no.
    pub encrypted: String,
    /// A [`Role`] code: business, outsourcer, contractor.
    pub role: String,
    /// A contractor has told its outsourcer: yes/no.
    pub notified_outsourcer: String,
    /// A [`Regime`] code, to override the facility's: hospitals run by local governments and
    /// 規律移行法人 (e.g. 国立病院機構) report under the private rules (APPI Art. 58, 125) even
    /// though their operator is public. Empty for the facility's.
    pub regime: String,
}

/// The breach-report duty as shown on a case.
#[derive(Debug, Clone)]
pub struct AppiView {
    /// Which part of the law applies (from the facility's operator).
    pub regime: Regime,
    /// The answers, once the wizard has run.
    pub facts: Option<BreachFacts>,
    /// What they decide.
    pub obligation: Option<Obligation>,
    /// The deadlines, counted from the case's awareness (with the decided categories).
    pub deadlines: Deadlines,
    /// Where each deadline stands now; empty when nothing is owed (not reportable, or filed).
    pub reminders: Vec<Reminder>,
    /// When the preliminary report was filed.
    pub preliminary_filed: Option<Timestamp>,
    /// When the final report was filed.
    pub final_filed: Option<Timestamp>,
    /// Who decided, and when.
    pub decided: Option<(String, String)>,
}

impl AppiView {
    /// The reports still owed (reportable and not filed).
    pub fn owed(&self) -> bool {
        self.obligation.as_ref().is_some_and(|o| o.reportable && o.must_report) && self.final_filed.is_none()
    }
}

impl App {
    /// The case's breach-report duty, deadlines and reminders as of now.
    pub async fn case_appi(&self, p: &Principal, id: CaseId) -> Result<AppiView> {
        let case = self.case(p, id).await?;
        let facility = self.store.facility(p.org, case.facility).await?;
        let entries = self.store.case_entries(p.org, id).await?;
        Ok(appi_view(&case, facility.draft.operator, &entries, Timestamp::now()))
    }

    /// Runs the wizard: checks the answers, decides, and keeps both on the case with a
    /// timeline entry. Deciding what to report is a manager's call.
    pub async fn decide_appi(&self, p: &Principal, id: CaseId, form: &AppiForm) -> Result<Obligation> {
        let case = self.case_to_work(p, id, Action::ReportIncidents).await?;
        let facility = self.store.facility(p.org, case.facility).await?;
        let regime = match form.regime.trim() {
            "" => Regime::from(facility.draft.operator),
            r => Regime::parse(r).map_err(|p| invalid("regime", p))?,
        };
        let facts = parse_form(form, regime).map_err(Error::Invalid)?;
        facts.validate().map_err(Error::Invalid)?;
        let o = decide(&facts);
        let record = json!({
            "facts": facts_to_json(&facts),
            "decision": {
                "reportable": o.reportable,
                "must_report": o.must_report,
                "categories": o.categories.iter().map(|c| c.number()).collect::<Vec<_>>(),
                "notify_individuals": o.notify_individuals,
                "reporter": o.reporter,
                "reasons": o.reasons.iter().map(|r| json!({ "code": r.code, "ja": r.ja })).collect::<Vec<_>>(),
            },
            "decided_by": p.actor().name,
            "decided_at": Timestamp::now().to_string(),
        });
        let text = match (o.reportable, o.must_report) {
            (true, true) => {
                let cats: Vec<String> = o.categories.iter().map(|c| format!("{}号", c.number())).collect();
                format!("報告義務の判定: 報告対象（{}）。報告者: {}", cats.join("・"), o.reporter)
            }
            (true, false) => format!("報告義務の判定: 報告対象だが自ら報告する必要はない（{}）", o.reporter),
            (false, _) => "報告義務の判定: 報告対象外".to_owned(),
        };
        self.store.set_case_appi(p.org, id, &record, &text, &p.actor()).await?;
        Ok(o)
    }

    /// Records that the preliminary (`preliminary`) or final (`final`) report was filed, when
    /// (Japan time; empty for now) and how (the PPC form's receipt number).
    pub async fn mark_report_filed(&self, p: &Principal, id: CaseId, which: &str, at: &str, note: &str) -> Result<()> {
        self.case_to_work(p, id, Action::ReportIncidents).await?;
        let label = match which {
            "preliminary" => "速報",
            "final" => "確報",
            other => return Err(invalid("report", Problem::Unknown(other.to_owned()))),
        };
        let mut c = Checker::default();
        let when = c.check("at", mamoru_domain::incident::parse_local_time(at));
        let note = c.check("note", mamoru_domain::values::optional_text(note, 2_000));
        let (when, note) = c.finish(|| Some((when?, note?))).map_err(Error::Invalid)?;
        let now = Timestamp::now();
        let when = when.unwrap_or(now);
        if when > now {
            return Err(invalid("at", Problem::InFuture));
        }
        let text = match note {
            Some(n) => format!("個人情報保護委員会へ{label}を提出（{n}）"),
            None => format!("個人情報保護委員会へ{label}を提出"),
        };
        let reference = format!("filed:{which}");
        let entry = NewEntry { at: when, kind: EntryKind::Report, text: &text, reference: Some(&reference) };
        self.store.add_case_entry(p.org, id, entry, &p.actor()).await?;
        Ok(())
    }

    /// Queues a message for each report deadline that is near, due today or overdue, once per
    /// case, deadline and due date; returns how many were queued.
    pub async fn queue_case_reminders(&self, now: Timestamp) -> Result<usize> {
        let mut queued = 0;
        for (org, case) in self.store.open_cases_everywhere().await? {
            let facility = self.store.facility(org, case.facility).await?;
            let entries = self.store.case_entries(org, case.id).await?;
            let view = appi_view(&case, facility.draft.operator, &entries, now);
            for r in view.reminders.iter().filter(|r| r.state != DueState::Later) {
                if !self.store.claim_case_reminder(case.id, r.kind.code(), r.due).await? {
                    continue;
                }
                let when = match r.state {
                    DueState::Overdue => format!("期限を{}日過ぎています", -r.days_left),
                    DueState::Today => "本日が期限です".to_owned(),
                    _ => format!("あと{}日", r.days_left),
                };
                let subject = format!("【報告期限】{}: {}（{}）", case.title, r.kind.ja(), r.due);
                let body = format!(
                    "事案 #{} {}（{}）\n{}の期限: {}（{when}）\n覚知日: {}\nMamoruの事案ページで報告書を作成できます: /cases/{}",
                    case.id,
                    case.title,
                    case.facility_name,
                    r.kind.ja(),
                    r.due,
                    view.deadlines.aware_on,
                    case.id
                );
                self.store.queue_notification(org, KIND_DEADLINE, &subject, &body).await?;
                queued += 1;
            }
        }
        Ok(queued)
    }
}

fn flag(c: &mut Checker, field: &'static str, value: &str) -> bool {
    c.check_opt(field, parse_flag(value)).unwrap_or(false)
}

fn parse_form(form: &AppiForm, regime: Regime) -> Result<BreachFacts, Vec<Invalid>> {
    let mut c = Checker::default();
    let occurrence = match form.occurrence.trim() {
        "" => {
            c.push(Invalid::new("occurrence", Problem::Required));
            None
        }
        o => c.check("occurrence", Occurrence::parse(o)),
    };
    let role = match form.role.trim() {
        "" => Some(Role::Business),
        r => c.check("role", Role::parse(r)),
    };
    let people = match c.check_opt("people", parse_count(&form.people, 0, 1_000_000_000)) {
        Some(n) => People::Known(n.unsigned_abs()),
        None if flag(&mut c, "people_may_exceed", &form.people_may_exceed) => People::MayExceed,
        None => People::Unknown,
    };
    let facts = BreachFacts {
        occurrence: occurrence.unwrap_or(Occurrence::NotOccurred),
        sensitive: flag(&mut c, "sensitive", &form.sensitive),
        financial: flag(&mut c, "financial", &form.financial),
        improper_purpose: flag(&mut c, "improper_purpose", &form.improper_purpose),
        obtaining: flag(&mut c, "obtaining", &form.obtaining),
        people,
        ordinance_sensitive: flag(&mut c, "ordinance_sensitive", &form.ordinance_sensitive),
        encrypted: flag(&mut c, "encrypted", &form.encrypted),
        regime,
        role: role.unwrap_or(Role::Business),
        notified_outsourcer: flag(&mut c, "notified_outsourcer", &form.notified_outsourcer),
    };
    c.finish(|| Some(facts))
}

/// The answers as kept on the case.
pub(crate) fn facts_to_json(f: &BreachFacts) -> Value {
    let people = match f.people {
        People::Known(n) => json!(n),
        People::MayExceed => json!("may_exceed"),
        People::Unknown => json!("unknown"),
    };
    json!({
        "occurrence": f.occurrence.code(), "sensitive": f.sensitive, "financial": f.financial,
        "improper_purpose": f.improper_purpose, "obtaining": f.obtaining, "people": people,
        "ordinance_sensitive": f.ordinance_sensitive, "encrypted": f.encrypted,
        "regime": f.regime.code(), "role": f.role.code(), "notified_outsourcer": f.notified_outsourcer,
    })
}

/// The answers read back; `None` when the record is not one this version wrote.
pub(crate) fn facts_from_json(v: &Value) -> Option<BreachFacts> {
    let b = |k: &str| v[k].as_bool().unwrap_or(false);
    let people = match &v["people"] {
        Value::Number(n) => People::Known(n.as_u64()?),
        Value::String(s) if s == "may_exceed" => People::MayExceed,
        _ => People::Unknown,
    };
    Some(BreachFacts {
        occurrence: Occurrence::from_code(v["occurrence"].as_str()?)?,
        sensitive: b("sensitive"),
        financial: b("financial"),
        improper_purpose: b("improper_purpose"),
        obtaining: b("obtaining"),
        people,
        ordinance_sensitive: b("ordinance_sensitive"),
        encrypted: b("encrypted"),
        regime: Regime::from_code(v["regime"].as_str()?)?,
        role: Role::from_code(v["role"].as_str()?)?,
        notified_outsourcer: b("notified_outsourcer"),
    })
}

/// The form filled from stored answers, to show the wizard again as it was answered.
pub fn form_from_facts(f: &BreachFacts) -> AppiForm {
    let yes = |b: bool| if b { "yes" } else { "no" }.to_owned();
    AppiForm {
        occurrence: f.occurrence.code().into(),
        sensitive: yes(f.sensitive),
        financial: yes(f.financial),
        improper_purpose: yes(f.improper_purpose),
        obtaining: yes(f.obtaining),
        people: match f.people {
            People::Known(n) => n.to_string(),
            _ => String::new(),
        },
        people_may_exceed: yes(f.people == People::MayExceed),
        ordinance_sensitive: yes(f.ordinance_sensitive),
        encrypted: yes(f.encrypted),
        role: f.role.code().into(),
        notified_outsourcer: yes(f.notified_outsourcer),
        regime: f.regime.code().into(),
    }
}

/// The breach-report duty of `case` as of `now`, from its record, its facility's operator (the
/// regime until the wizard says otherwise) and its timeline (the reports filed).
pub(crate) fn appi_view(case: &Case, operator: Operator, entries: &[CaseEntry], now: Timestamp) -> AppiView {
    let facts = case.appi.as_ref().and_then(|v| facts_from_json(&v["facts"]));
    // Once answered, the wizard's regime (which may override the facility's) is the one.
    let regime = facts.map_or(Regime::from(operator), |f| f.regime);
    let obligation = facts.as_ref().map(decide);
    let categories = obligation.as_ref().map(|o| o.categories.clone()).unwrap_or_default();
    let deadlines = report_deadlines(case.aware_at, &categories);
    let filed = |which: &str| {
        entries.iter().find(|e| e.kind == EntryKind::Report && e.reference.as_deref() == Some(which)).map(|e| e.at)
    };
    let (preliminary_filed, final_filed) = (filed("filed:preliminary"), filed("filed:final"));
    let owed = obligation.as_ref().is_some_and(|o| o.reportable && o.must_report) && case.status.is_open();
    let reminders = match owed {
        true => status_at(&deadlines, now)
            .into_iter()
            .filter(|r| match r.kind {
                mamoru_domain::appi::DeadlineKind::Final => final_filed.is_none(),
                _ => preliminary_filed.is_none() && final_filed.is_none(),
            })
            .collect(),
        false => Vec::new(),
    };
    let decided = case
        .appi
        .as_ref()
        .and_then(|v| Some((v["decided_by"].as_str()?.to_owned(), v["decided_at"].as_str()?.to_owned())));
    AppiView { regime, facts, obligation, deadlines, reminders, preliminary_filed, final_filed, decided }
}
