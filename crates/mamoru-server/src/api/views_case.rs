//! The JSON shapes of incident cases, converted by hand like every view in `views`: the case,
//! what accumulates on it, its APPI duty with the deadlines, and the documents drawn from it.
//! Times are RFC 3339 in UTC, dates `YYYY-MM-DD` in Japan; keys are only ever added.

use std::collections::BTreeMap;

use mamoru_app::incident::{AppiForm, AppiView, CaseView};
use mamoru_domain::appi::Obligation;
use mamoru_domain::incident::CaseInput;
use mamoru_domain::{AlertId, FacilityId, FindingId};
use mamoru_store::{Case, CaseEntry, CaseIoc, CaseTask, Evidence, ScopeItem};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A case as listed.
#[derive(Serialize, ToSchema)]
pub(crate) struct CaseSummaryView {
    pub(crate) id: i64,
    pub(crate) title: String,
    /// The facility mainly affected: its name.
    pub(crate) facility: String,
    pub(crate) facility_id: i64,
    /// `low`, `medium`, `high` or `critical`.
    pub(crate) severity: &'static str,
    /// `initial_response`, `containment`, `eradication`, `recovery` or `closed`.
    pub(crate) status: &'static str,
    /// `manual`, `alert` or `finding`.
    pub(crate) source: &'static str,
    /// The alert's or finding's id.
    pub(crate) source_id: Option<i64>,
    /// When it happened, if known.
    pub(crate) occurred_at: Option<String>,
    /// When the organisation became aware: the APPI deadlines count from here.
    pub(crate) aware_at: String,
    pub(crate) opened_by: String,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    pub(crate) closed_at: Option<String>,
}

impl From<&Case> for CaseSummaryView {
    fn from(c: &Case) -> Self {
        CaseSummaryView {
            id: c.id.get(),
            title: c.title.clone(),
            facility: c.facility_name.clone(),
            facility_id: c.facility.get(),
            severity: c.severity.code(),
            status: c.status.code(),
            source: c.source.code(),
            source_id: c.source.id(),
            occurred_at: c.occurred_at.map(|t| t.to_string()),
            aware_at: c.aware_at.to_string(),
            opened_by: c.opened_by.clone(),
            created_at: c.created_at.to_string(),
            updated_at: c.updated_at.to_string(),
            closed_at: c.closed_at.map(|t| t.to_string()),
        }
    }
}

/// A case with everything on it.
#[derive(Serialize, ToSchema)]
pub(crate) struct CaseDetailView {
    #[serde(flatten)]
    pub(crate) case: CaseSummaryView,
    /// What is known, in a few lines.
    pub(crate) summary: Option<String>,
    /// The report facts (overview, cause, prevention, …) by key.
    pub(crate) fields: BTreeMap<String, String>,
    /// The timeline, oldest first.
    pub(crate) timeline: Vec<EntryView>,
    /// Tasks, open ones first.
    pub(crate) tasks: Vec<TaskView>,
    /// Facilities, assets and systems affected beyond the case's facility.
    pub(crate) scope: Vec<ScopeView>,
    /// Indicators of compromise.
    pub(crate) iocs: Vec<IocView>,
    /// Evidence files (metadata; the bytes are read in the web UI, which records the read).
    pub(crate) evidence: Vec<EvidenceView>,
    /// The APPI breach-report duty.
    pub(crate) appi: AppiJson,
}

impl CaseDetailView {
    pub(crate) fn new(v: CaseView, appi: AppiView) -> Self {
        CaseDetailView {
            case: (&v.case).into(),
            summary: v.case.summary,
            fields: v.case.fields,
            timeline: v.entries.into_iter().map(Into::into).collect(),
            tasks: v.tasks.into_iter().map(Into::into).collect(),
            scope: v.scope.into_iter().map(Into::into).collect(),
            iocs: v.iocs.into_iter().map(Into::into).collect(),
            evidence: v.evidence.into_iter().map(Into::into).collect(),
            appi: appi.into(),
        }
    }
}

/// One entry of a case's timeline.
#[derive(Serialize, ToSchema)]
pub(crate) struct EntryView {
    pub(crate) id: i64,
    /// When it happened (entries may be back-dated).
    pub(crate) at: String,
    /// When it was written.
    pub(crate) written_at: String,
    pub(crate) author: String,
    /// `event`, `action`, `status`, `checklist`, `contact`, `evidence`, `task`, `report`
    /// or `record`.
    pub(crate) kind: &'static str,
    pub(crate) text: String,
    /// What it refers to: a checklist item's key, `filed:final`, …
    pub(crate) reference: Option<String>,
}

impl From<CaseEntry> for EntryView {
    fn from(e: CaseEntry) -> Self {
        EntryView {
            id: e.id,
            at: e.at.to_string(),
            written_at: e.written_at.to_string(),
            author: e.author,
            kind: e.kind.code(),
            text: e.text,
            reference: e.reference,
        }
    }
}

/// A task of a case.
#[derive(Serialize, ToSchema)]
pub(crate) struct TaskView {
    pub(crate) id: i64,
    pub(crate) title: String,
    pub(crate) owner: Option<String>,
    /// `YYYY-MM-DD`.
    pub(crate) due_on: Option<String>,
    pub(crate) created_by: String,
    pub(crate) created_at: String,
    pub(crate) done_by: Option<String>,
    pub(crate) done_at: Option<String>,
}

impl From<CaseTask> for TaskView {
    fn from(t: CaseTask) -> Self {
        TaskView {
            id: t.id.get(),
            title: t.title,
            owner: t.owner,
            due_on: t.due_on.map(|d| d.to_string()),
            created_by: t.created_by,
            created_at: t.created_at.to_string(),
            done_by: t.done_by,
            done_at: t.done_at.map(|t| t.to_string()),
        }
    }
}

/// Something affected beyond the case's facility.
#[derive(Serialize, ToSchema)]
pub(crate) struct ScopeView {
    pub(crate) id: i64,
    /// `facility`, `asset` or `system`.
    pub(crate) kind: String,
    /// The facility's or asset's id.
    pub(crate) ref_id: Option<i64>,
    pub(crate) label: String,
}

impl From<ScopeItem> for ScopeView {
    fn from(s: ScopeItem) -> Self {
        ScopeView { id: s.id, kind: s.kind, ref_id: s.ref_id, label: s.label }
    }
}

/// An indicator of compromise noted on a case.
#[derive(Serialize, ToSchema)]
pub(crate) struct IocView {
    pub(crate) id: i64,
    pub(crate) case_id: i64,
    /// `ip`, `domain`, `url`, `hash`, `file`, `email` or `other`.
    pub(crate) kind: &'static str,
    pub(crate) value: String,
    pub(crate) note: Option<String>,
    pub(crate) added_by: String,
    pub(crate) added_at: String,
}

impl From<CaseIoc> for IocView {
    fn from(i: CaseIoc) -> Self {
        IocView {
            id: i.id,
            case_id: i.case.get(),
            kind: i.kind.code(),
            value: i.value,
            note: i.note,
            added_by: i.added_by,
            added_at: i.added_at.to_string(),
        }
    }
}

/// An evidence file's record.
#[derive(Serialize, ToSchema)]
pub(crate) struct EvidenceView {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) media_type: String,
    /// Bytes.
    pub(crate) size: u64,
    /// Lower-case hex SHA-256 of the content, checked on every read.
    pub(crate) sha256: String,
    pub(crate) note: Option<String>,
    pub(crate) added_by: String,
    pub(crate) added_at: String,
}

impl From<Evidence> for EvidenceView {
    fn from(e: Evidence) -> Self {
        EvidenceView {
            id: e.id.get(),
            name: e.name,
            media_type: e.media_type,
            size: e.size,
            sha256: e.sha256,
            note: e.note,
            added_by: e.added_by,
            added_at: e.added_at.to_string(),
        }
    }
}

/// A code with its text (Japanese) and the English beside it.
#[derive(Serialize, ToSchema)]
pub(crate) struct CodeText {
    pub(crate) code: &'static str,
    pub(crate) text: String,
    pub(crate) text_en: String,
}

/// The APPI breach-report duty of a case.
#[derive(Serialize, ToSchema)]
pub(crate) struct AppiJson {
    /// `private` (APPI Art. 26) or `public` (Art. 68): the wizard's, else the facility
    /// operator's.
    pub(crate) regime: &'static str,
    /// What the wizard's answers decide; null until it has run.
    pub(crate) decision: Option<DecisionView>,
    /// The deadlines, counted from `aware_at` with the decided categories.
    pub(crate) deadlines: DeadlinesView,
    /// Where each deadline still owed stands today; empty when nothing is owed.
    pub(crate) reminders: Vec<ReminderView>,
    /// When the preliminary (速報) and final (確報) reports were filed.
    pub(crate) preliminary_filed: Option<String>,
    pub(crate) final_filed: Option<String>,
    /// Who ran the wizard, and when.
    pub(crate) decided_by: Option<String>,
    pub(crate) decided_at: Option<String>,
}

impl From<AppiView> for AppiJson {
    fn from(v: AppiView) -> Self {
        let (decided_by, decided_at) = v.decided.unzip();
        let d = v.deadlines;
        AppiJson {
            regime: v.regime.code(),
            decision: v.obligation.as_ref().map(DecisionView::from),
            deadlines: DeadlinesView {
                aware_on: d.aware_on.to_string(),
                preliminary_target: d.preliminary_target.to_string(),
                preliminary_limit: d.preliminary_limit.to_string(),
                final_due: d.final_due.to_string(),
                final_days: d.final_days,
                rules: d.rules.into_iter().map(|r| CodeText { code: r.code, text: r.ja, text_en: r.en }).collect(),
            },
            reminders: v
                .reminders
                .iter()
                .map(|r| ReminderView {
                    deadline: r.kind.code(),
                    due: r.due.to_string(),
                    days_left: r.days_left,
                    state: r.state.code(),
                })
                .collect(),
            preliminary_filed: v.preliminary_filed.map(|t| t.to_string()),
            final_filed: v.final_filed.map(|t| t.to_string()),
            decided_by,
            decided_at,
        }
    }
}

/// What the breach-report wizard decided.
#[derive(Serialize, ToSchema)]
pub(crate) struct DecisionView {
    /// An event of the kinds the law lists.
    pub(crate) reportable: bool,
    /// This organisation must report it itself (a contractor who told its outsourcer need not).
    pub(crate) must_report: bool,
    /// The items of Enforcement Rules Art. 7 (or 43) met, 1–5.
    pub(crate) categories: Vec<u8>,
    /// Why, one reason per rule applied.
    pub(crate) reasons: Vec<CodeText>,
    /// The people affected must be told.
    pub(crate) notify_individuals: bool,
    /// Who reports, in Japanese.
    pub(crate) reporter: String,
}

impl From<&Obligation> for DecisionView {
    fn from(o: &Obligation) -> Self {
        DecisionView {
            reportable: o.reportable,
            must_report: o.must_report,
            categories: o.categories.iter().map(|c| c.number()).collect(),
            reasons: o
                .reasons
                .iter()
                .map(|r| CodeText { code: r.code, text: r.ja.clone(), text_en: r.en.clone() })
                .collect(),
            notify_individuals: o.notify_individuals,
            reporter: o.reporter.clone(),
        }
    }
}

/// The report deadlines, dates in Japan.
#[derive(Serialize, ToSchema)]
pub(crate) struct DeadlinesView {
    /// The day of awareness (day 1).
    pub(crate) aware_on: String,
    /// The preliminary report's target (day 3) and latest day (day 5).
    pub(crate) preliminary_target: String,
    pub(crate) preliminary_limit: String,
    /// The final report's deadline (day 30, or 60 with category 3).
    pub(crate) final_due: String,
    pub(crate) final_days: u32,
    /// The rules applied, in order, each naming its dates.
    pub(crate) rules: Vec<CodeText>,
}

/// Where one deadline stands today.
#[derive(Serialize, ToSchema)]
pub(crate) struct ReminderView {
    /// `preliminary_target`, `preliminary_limit` or `final`.
    pub(crate) deadline: &'static str,
    pub(crate) due: String,
    /// 0 on the day, negative when overdue.
    pub(crate) days_left: i64,
    /// `later`, `soon`, `today` or `overdue`.
    pub(crate) state: &'static str,
}

/// A case to open. Times are Japan time as typed (`2026-11-20T10:00`, `2026/11/20 10:00`) or
/// RFC 3339 with an offset.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CaseBody {
    pub(crate) title: String,
    pub(crate) facility_id: Option<i64>,
    /// `low`, `medium`, `high` or `critical` (or the Japanese labels).
    pub(crate) severity: String,
    pub(crate) summary: Option<String>,
    pub(crate) occurred_at: Option<String>,
    /// When any part of the organisation became aware; not before `occurred_at`.
    pub(crate) aware_at: String,
    /// Opened from this detection alert.
    pub(crate) alert_id: Option<i64>,
    /// Opened from this vulnerability finding (not with `alert_id`).
    pub(crate) finding_id: Option<i64>,
}

impl CaseBody {
    pub(crate) fn input(&self) -> CaseInput {
        CaseInput {
            title: self.title.clone(),
            facility: self.facility_id.map(FacilityId::new),
            severity: self.severity.clone(),
            summary: self.summary.clone().unwrap_or_default(),
            occurred_at: self.occurred_at.clone().unwrap_or_default(),
            aware_at: self.aware_at.clone(),
        }
    }

    /// The source, or `None` when both an alert and a finding are named.
    pub(crate) fn source(&self) -> Option<mamoru_domain::incident::CaseSource> {
        use mamoru_domain::incident::CaseSource;
        match (self.alert_id, self.finding_id) {
            (None, None) => Some(CaseSource::Manual),
            (Some(a), None) => Some(CaseSource::Alert(AlertId::new(a))),
            (None, Some(f)) => Some(CaseSource::Finding(FindingId::new(f))),
            (Some(_), Some(_)) => None,
        }
    }
}

/// A case moved to another stage.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StatusBody {
    /// `initial_response`, `containment`, `eradication`, `recovery` or `closed` (closing is a
    /// manager's call).
    pub(crate) status: String,
    pub(crate) note: Option<String>,
}

/// A timeline entry.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct EntryBody {
    pub(crate) text: String,
    /// When it happened (Japan time); now when absent. Never in the future.
    pub(crate) at: Option<String>,
    /// `event`, `action` (the default), `contact`, `evidence`, …
    pub(crate) kind: Option<String>,
}

/// A task.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TaskBody {
    pub(crate) title: String,
    pub(crate) owner: Option<String>,
    /// A date.
    pub(crate) due: Option<String>,
}

/// An indicator of compromise.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct IocBody {
    pub(crate) value: String,
    /// `ip`, `domain`, `url`, `hash`, `file`, `email` or `other`; guessed from the value when
    /// absent.
    pub(crate) kind: Option<String>,
    pub(crate) note: Option<String>,
}

/// The breach-report wizard's answers.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AppiBody {
    /// `occurred`, `may_have_occurred` or `not_occurred`.
    pub(crate) occurrence: String,
    /// Sensitive data (要配慮個人情報, medical records) involved.
    #[serde(default)]
    pub(crate) sensitive: bool,
    /// Data whose misuse may cause financial damage.
    #[serde(default)]
    pub(crate) financial: bool,
    /// An act with improper purpose (unauthorised access, ransomware).
    #[serde(default)]
    pub(crate) improper_purpose: bool,
    /// Including data being obtained (web-form skimming).
    #[serde(default)]
    pub(crate) obtaining: bool,
    /// How many people, if known.
    pub(crate) people: Option<u64>,
    /// Not known, but may exceed the threshold.
    #[serde(default)]
    pub(crate) people_may_exceed: bool,
    /// Public bodies: ordinance-defined sensitive data.
    #[serde(default)]
    pub(crate) ordinance_sensitive: bool,
    /// All the data strongly encrypted, key not taken.
    #[serde(default)]
    pub(crate) encrypted: bool,
    /// `business` (the default), `outsourcer` or `contractor`.
    pub(crate) role: Option<String>,
    /// A contractor has told its outsourcer.
    #[serde(default)]
    pub(crate) notified_outsourcer: bool,
    /// `private` or `public`, to override the facility's operator (hospitals of local
    /// governments report under the private rules); the facility's when absent.
    pub(crate) regime: Option<String>,
}

impl AppiBody {
    pub(crate) fn form(&self) -> AppiForm {
        let yes = |b: bool| if b { "yes" } else { "no" }.to_owned();
        AppiForm {
            occurrence: self.occurrence.clone(),
            sensitive: yes(self.sensitive),
            financial: yes(self.financial),
            improper_purpose: yes(self.improper_purpose),
            obtaining: yes(self.obtaining),
            people: self.people.map(|n| n.to_string()).unwrap_or_default(),
            people_may_exceed: yes(self.people_may_exceed),
            ordinance_sensitive: yes(self.ordinance_sensitive),
            encrypted: yes(self.encrypted),
            role: self.role.clone().unwrap_or_default(),
            notified_outsourcer: yes(self.notified_outsourcer),
            regime: self.regime.clone().unwrap_or_default(),
        }
    }
}

/// A report filed with the PPC.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct FiledBody {
    /// `preliminary` (速報) or `final` (確報).
    pub(crate) report: String,
    /// When (Japan time); now when absent.
    pub(crate) at: Option<String>,
    /// How: the PPC form's receipt number.
    pub(crate) note: Option<String>,
}

/// A document drafted from a case: a title, who it is to, and sections of labelled fields.
#[derive(Serialize, ToSchema)]
pub(crate) struct DocumentView {
    /// `ppc_report`, `mhlw_report`, `patient_notice`, `public_notice` or `case_summary`.
    pub(crate) kind: String,
    pub(crate) title: String,
    pub(crate) subtitle: Option<String>,
    pub(crate) addressee: Option<String>,
    /// The date as printed, e.g. `2026年11月25日`.
    pub(crate) date: String,
    /// Check boxes printed under the title (速報 ☑ 確報 ☐).
    pub(crate) marks: Vec<MarkView>,
    pub(crate) sections: Vec<SectionView>,
    pub(crate) footer: Option<String>,
    /// Keys of the fields still empty.
    pub(crate) missing: Vec<String>,
}

/// A labelled check box.
#[derive(Serialize, ToSchema)]
pub(crate) struct MarkView {
    pub(crate) label: String,
    pub(crate) checked: bool,
}

/// A headed group of fields.
#[derive(Serialize, ToSchema)]
pub(crate) struct SectionView {
    pub(crate) heading: String,
    pub(crate) fields: Vec<FieldView>,
}

/// One labelled value of a document.
#[derive(Serialize, ToSchema)]
pub(crate) struct FieldView {
    /// Stable key; the keys of the case's report facts (`overview`, `cause`, …) are edited
    /// with `PUT /cases/{id}/fields`.
    pub(crate) key: String,
    pub(crate) label: String,
    pub(crate) value: String,
    /// Whether the value is a report fact of the case (else derived from the record).
    pub(crate) editable: bool,
}
