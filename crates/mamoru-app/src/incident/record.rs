//! Cases and their timelines, as people work on them.

use std::collections::BTreeMap;

use jiff::Timestamp;
use mamoru_domain::access::Action;
use mamoru_domain::incident::{
    CaseInput, CaseSource, CaseStatus, ContactOutcome, EntryInput, EntryKind, IocInput, NewCase, REPORT_FIELD_MAX,
    TaskInput, first_hour_item, report_field,
};
use mamoru_domain::{AlertLevel, AssetId, CaseId, ContactId, FacilityId, Invalid, Problem, TaskId};
use mamoru_store::{
    Case, CaseDetails, CaseEntry, CaseIoc, CaseQuery, CaseTask, ChainEntry, Evidence, NewEntry, ScopeItem,
};

use crate::error::{Error, Result};
use crate::{App, Principal};

/// Everything shown on a case's page.
#[derive(Debug, Clone)]
pub struct CaseView {
    /// The record.
    pub case: Case,
    /// The timeline, oldest first.
    pub entries: Vec<CaseEntry>,
    /// Tasks, open ones first.
    pub tasks: Vec<CaseTask>,
    /// Facilities, assets and systems affected beyond the case's facility.
    pub scope: Vec<ScopeItem>,
    /// Indicators of compromise.
    pub iocs: Vec<CaseIoc>,
    /// Evidence files.
    pub evidence: Vec<Evidence>,
    /// The facility's contact chain, to call from the case.
    pub chain: Vec<ChainEntry>,
    /// First-hour checklist items already ticked, with the entry that ticked them.
    pub checked: BTreeMap<String, CaseEntry>,
}

/// A contact of the chain reached (or tried) from a case.
#[derive(Debug, Clone, Default)]
pub struct ContactLog {
    /// The contact.
    pub contact: Option<ContactId>,
    /// A [`ContactOutcome`] code.
    pub outcome: String,
    /// When (Japan time; empty for now).
    pub at: String,
    /// What was said or agreed.
    pub note: String,
}

/// What a case is opened from, with the prefilled form.
#[derive(Debug, Clone)]
pub struct OpenFrom {
    /// The source.
    pub source: CaseSource,
    /// The form, filled from the source.
    pub form: CaseInput,
    /// An open case already opened from the same source.
    pub existing: Option<CaseId>,
}

impl App {
    /// Opens a case; `source` says whether it comes from an alert or a finding (which the
    /// principal must be able to see).
    pub async fn open_case(&self, p: &Principal, input: &CaseInput, source: CaseSource) -> Result<CaseId> {
        let new = NewCase::parse(input, Timestamp::now()).map_err(Error::Invalid)?;
        p.require(Action::RespondIncidents, Some(new.facility))
            .map_err(|_| Error::Invalid(vec![Invalid::new("facility", Problem::NotAllowed("事案の登録".into()))]))?;
        match source {
            CaseSource::Manual => {}
            CaseSource::Alert(a) => {
                self.alert(p, a).await?;
            }
            CaseSource::Finding(f) => {
                self.finding(p, f).await?;
            }
        }
        self.facility(p, new.facility).await?;
        Ok(self.store.open_case(p.org, &new, source, &p.actor()).await?)
    }

    /// The form to open a case from an alert or a finding, filled from it; awareness is now
    /// (the person opening the case is the one who knows), which they may correct.
    pub async fn case_form_from(&self, p: &Principal, source: CaseSource) -> Result<OpenFrom> {
        let now = crate::tokyo_minute(Timestamp::now());
        let form = match source {
            CaseSource::Manual => CaseInput { severity: "high".into(), aware_at: now, ..Default::default() },
            CaseSource::Alert(id) => {
                let a = self.alert(p, id).await?;
                let severity = match a.level {
                    AlertLevel::Critical => "critical",
                    AlertLevel::High => "high",
                    AlertLevel::Medium => "medium",
                    _ => "low",
                };
                let details: Vec<String> = a.details.iter().take(6).map(|(k, v)| format!("{k}: {v}")).collect();
                CaseInput {
                    title: format!("{}（{}）", a.rule_title, a.computer),
                    facility: Some(a.facility),
                    severity: severity.into(),
                    summary: format!(
                        "検知アラート #{}: {}\n端末: {} / {}\n件数: {}\n{}",
                        a.id,
                        a.rule_title,
                        a.computer,
                        a.channel,
                        a.count,
                        details.join("\n")
                    ),
                    occurred_at: crate::tokyo_minute(a.first_seen),
                    aware_at: now,
                }
            }
            CaseSource::Finding(id) => {
                let f = self.finding(p, id).await?;
                let m = &f.matched;
                CaseInput {
                    title: format!("{} の脆弱性 {}", f.asset_name, m.vuln_id),
                    facility: Some(m.facility),
                    severity: if m.kev || m.priority <= 1 { "high" } else { "medium" }.into(),
                    summary: format!("脆弱性 {}（優先度 P{}）: {}\n{}", m.vuln_id, m.priority, f.asset_name, m.why_ja),
                    occurred_at: String::new(),
                    aware_at: now,
                }
            }
        };
        let existing = self.store.case_from_source(p.org, source).await?;
        Ok(OpenFrom { source, form, existing })
    }

    /// Cases of the facilities the principal may see, most recently changed first.
    pub async fn cases(&self, p: &Principal, mut query: CaseQuery) -> Result<Vec<Case>> {
        if !p.can_anywhere(Action::ViewInventory) {
            return Err(Error::Forbidden);
        }
        query.visible = p.visible();
        Ok(self.store.cases(p.org, &query).await?)
    }

    /// One case.
    pub async fn case(&self, p: &Principal, id: CaseId) -> Result<Case> {
        let c = self.store.case(p.org, id).await?;
        p.require(Action::ViewInventory, Some(c.facility)).map_err(|_| Error::NotFound("case"))?;
        Ok(c)
    }

    /// A case with everything on it.
    pub async fn case_view(&self, p: &Principal, id: CaseId) -> Result<CaseView> {
        let case = self.case(p, id).await?;
        let entries = self.store.case_entries(p.org, id).await?;
        let checked = entries
            .iter()
            .filter(|e| e.kind == EntryKind::Checklist)
            .filter_map(|e| Some((e.reference.clone()?, e.clone())))
            .collect();
        Ok(CaseView {
            tasks: self.store.case_tasks(p.org, id).await?,
            scope: self.store.case_scope(p.org, id).await?,
            iocs: self.store.case_iocs(p.org, Some(id)).await?,
            evidence: self.store.case_evidence(p.org, id).await?,
            chain: self.contact_chain(p, Some(case.facility)).await?,
            entries,
            checked,
            case,
        })
    }

    /// A case the principal may work on.
    pub(crate) async fn case_to_work(&self, p: &Principal, id: CaseId, action: Action) -> Result<Case> {
        let c = self.case(p, id).await?;
        p.require(action, Some(c.facility))?;
        Ok(c)
    }

    /// Adds a timeline entry (back-dated when `at` is given).
    pub async fn add_case_entry(&self, p: &Principal, id: CaseId, input: &EntryInput) -> Result<i64> {
        self.case_to_work(p, id, Action::RespondIncidents).await?;
        let (at, kind, text) = input.parse(Timestamp::now()).map_err(Error::Invalid)?;
        let entry = NewEntry { at, kind, text: &text, reference: None };
        Ok(self.store.add_case_entry(p.org, id, entry, &p.actor()).await?)
    }

    /// Ticks a first-hour checklist item, as a timeline entry (once per item).
    pub async fn tick_first_hour(&self, p: &Principal, id: CaseId, key: &str, at: &str, note: &str) -> Result<()> {
        self.case_to_work(p, id, Action::RespondIncidents).await?;
        let item = first_hour_item(key).ok_or_else(|| invalid("item", Problem::Unknown(key.to_owned())))?;
        let already = self.store.case_entries(p.org, id).await?;
        if already.iter().any(|e| e.kind == EntryKind::Checklist && e.reference.as_deref() == Some(key)) {
            return Ok(());
        }
        let input = EntryInput { at: at.into(), kind: EntryKind::Checklist.code().into(), text: item.ja.into() };
        let (at, kind, mut text) = input.parse(Timestamp::now()).map_err(Error::Invalid)?;
        if let Some(note) = mamoru_domain::values::optional_text(note, 2_000).map_err(|p| invalid("note", p))? {
            text = format!("{text} — {note}");
        }
        let entry = NewEntry { at, kind, text: &text, reference: Some(key) };
        self.store.add_case_entry(p.org, id, entry, &p.actor()).await?;
        Ok(())
    }

    /// Logs a call, mail or answer of a contact of the chain on the timeline.
    pub async fn log_case_contact(&self, p: &Principal, id: CaseId, log: &ContactLog) -> Result<()> {
        let case = self.case_to_work(p, id, Action::RespondIncidents).await?;
        let contact_id = log.contact.ok_or_else(|| invalid("contact", Problem::Required))?;
        let chain = self.contact_chain(p, Some(case.facility)).await?;
        let entry = chain
            .iter()
            .find(|e| e.contact.id == contact_id)
            .ok_or_else(|| invalid("contact", Problem::Unknown(contact_id.to_string())))?;
        let outcome = ContactOutcome::parse(&log.outcome).map_err(|p| invalid("outcome", p))?;
        let who = match &entry.party {
            Some(party) => format!("{}（{}）", entry.contact.draft.name, party.draft.name),
            None => entry.contact.draft.name.clone(),
        };
        let phone = entry.contact.draft.phone.as_deref().map(|p| format!(" {p}")).unwrap_or_default();
        let mut text = format!("{}: {who}{phone}", outcome.ja());
        if let Some(note) = mamoru_domain::values::optional_text(&log.note, 2_000).map_err(|p| invalid("note", p))? {
            text.push_str(&format!(" — {note}"));
        }
        let input = EntryInput { at: log.at.clone(), kind: EntryKind::Contact.code().into(), text };
        let (at, kind, text) = input.parse(Timestamp::now()).map_err(Error::Invalid)?;
        let reference = format!("contact:{contact_id}:{}", outcome.code());
        let entry = NewEntry { at, kind, text: &text, reference: Some(&reference) };
        self.store.add_case_entry(p.org, id, entry, &p.actor()).await?;
        Ok(())
    }

    /// Adds a task.
    pub async fn add_case_task(&self, p: &Principal, id: CaseId, input: &TaskInput) -> Result<TaskId> {
        self.case_to_work(p, id, Action::RespondIncidents).await?;
        let (title, owner, due) = input.parse().map_err(Error::Invalid)?;
        Ok(self.store.add_case_task(p.org, id, &title, owner.as_deref(), due, &p.actor()).await?)
    }

    /// Marks a task done.
    pub async fn complete_case_task(&self, p: &Principal, id: CaseId, task: TaskId) -> Result<()> {
        self.case_to_work(p, id, Action::RespondIncidents).await?;
        Ok(self.store.complete_case_task(p.org, id, task, &p.actor()).await?)
    }

    /// Adds another facility, an asset of the register, or a system named in words to the
    /// case's scope.
    pub async fn add_case_scope(
        &self,
        p: &Principal,
        id: CaseId,
        facility: Option<FacilityId>,
        asset: Option<AssetId>,
        system: &str,
    ) -> Result<()> {
        self.case_to_work(p, id, Action::RespondIncidents).await?;
        let actor = p.actor();
        if let Some(f) = facility {
            let f = self.facility(p, f).await?;
            self.store.add_case_scope(p.org, id, "facility", Some(f.id.get()), &f.draft.name, &actor).await?;
        }
        if let Some(a) = asset {
            let a = self.asset(p, a).await?;
            let label = format!("{}（{}）", a.asset.draft.name, a.facility.draft.name);
            self.store.add_case_scope(p.org, id, "asset", Some(a.asset.id.get()), &label, &actor).await?;
        }
        if let Some(system) = mamoru_domain::values::optional_text(system, 200).map_err(|p| invalid("system", p))? {
            self.store.add_case_scope(p.org, id, "system", None, &system, &actor).await?;
        }
        Ok(())
    }

    /// Notes an indicator of compromise on a case.
    pub async fn add_case_ioc(&self, p: &Principal, id: CaseId, input: &IocInput) -> Result<()> {
        self.case_to_work(p, id, Action::RespondIncidents).await?;
        let (kind, value, note) = input.parse().map_err(Error::Invalid)?;
        self.store.add_case_ioc(p.org, id, kind, &value, note.as_deref(), &p.actor()).await?;
        Ok(())
    }

    /// Every indicator noted on the organisation's cases, one per line, for detection's IOC
    /// list (`mamoru hunt --ioc`, `serve --detect-ioc`).
    pub async fn case_ioc_list(&self, p: &Principal) -> Result<String> {
        if !p.can_anywhere(Action::ViewInventory) {
            return Err(Error::Forbidden);
        }
        let visible = p.facilities_for(Action::ViewInventory);
        let cases: BTreeMap<CaseId, FacilityId> =
            self.store.cases(p.org, &CaseQuery::default()).await?.into_iter().map(|c| (c.id, c.facility)).collect();
        let mut out = String::new();
        for ioc in self.store.case_iocs(p.org, None).await? {
            if cases.get(&ioc.case).is_some_and(|f| visible.contains(*f)) {
                out.push_str(&ioc.value);
                out.push('\n');
            }
        }
        Ok(out)
    }

    /// Moves a case to another stage. Closing is a manager's call (the reports must be done).
    pub async fn set_case_status(&self, p: &Principal, id: CaseId, status: &str, note: &str) -> Result<()> {
        let status = CaseStatus::parse(status).map_err(|p| invalid("status", p))?;
        let action = if status == CaseStatus::Closed { Action::ReportIncidents } else { Action::RespondIncidents };
        let case = self.case_to_work(p, id, action).await?;
        if case.status == status {
            return Ok(());
        }
        let note = mamoru_domain::values::optional_text(note, 2_000).map_err(|p| invalid("note", p))?;
        Ok(self.store.set_case_status(p.org, id, status, note.as_deref(), &p.actor()).await?)
    }

    /// Corrects a case's title, severity, summary and times (the form that opened it).
    pub async fn update_case(&self, p: &Principal, id: CaseId, input: &CaseInput) -> Result<()> {
        let case = self.case_to_work(p, id, Action::RespondIncidents).await?;
        let mut input = input.clone();
        input.facility = Some(case.facility);
        let new = NewCase::parse(&input, Timestamp::now()).map_err(Error::Invalid)?;
        let details = CaseDetails {
            title: new.title,
            severity: new.severity,
            summary: new.summary,
            occurred_at: new.occurred_at,
            aware_at: new.aware_at,
        };
        Ok(self.store.update_case(p.org, id, &details, &p.actor()).await?)
    }

    /// Writes report facts (overview, cause, …) by key; unknown keys and over-long values are
    /// refused by name, and an empty value clears the fact.
    pub async fn set_case_fields(&self, p: &Principal, id: CaseId, values: &BTreeMap<String, String>) -> Result<()> {
        self.case_to_work(p, id, Action::RespondIncidents).await?;
        let mut problems = Vec::new();
        for (k, v) in values {
            match report_field(k) {
                None => problems.push(Invalid::new("field", Problem::Unknown(k.clone()))),
                Some(f) if v.trim().chars().count() > REPORT_FIELD_MAX => {
                    problems.push(Invalid::new(f.key, Problem::TooLong { max: REPORT_FIELD_MAX }))
                }
                Some(_) => {}
            }
        }
        if !problems.is_empty() {
            return Err(Error::Invalid(problems));
        }
        Ok(self.store.set_case_fields(p.org, id, values, &p.actor()).await?)
    }
}

pub(crate) fn invalid(field: &'static str, problem: Problem) -> Error {
    Error::Invalid(vec![Invalid::new(field, problem)])
}
