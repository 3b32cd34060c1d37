//! `/cases/{id}`: one case — its stage, the report deadlines, the first-hour checklist, the
//! contact chain to call, the timeline, tasks, scope, indicators, evidence, the report facts
//! and the documents drafted from them — with the forms the viewer may use. A form that fails
//! shows the page again with its values and problems next to its fields.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use jiff::SignedDuration;
use mamoru_app::incident::{AppiView, CaseView, DOCUMENTS, DocumentKind};
use mamoru_domain::access::Action;
use mamoru_domain::appi::Category;
use mamoru_domain::appi::holidays::weekday_ja;
use mamoru_domain::incident::{
    CaseSeverity, CaseSource, CaseStatus, EntryKind, FIRST_HOUR, FirstHourItem, IocKind, REPORT_FIELDS, ReportField,
};
use mamoru_domain::{CaseId, Facility};
use mamoru_store::{CaseEntry, Custody, Evidence};

use super::{Deadline, severity_class, status_class};
use crate::error::WebError;
use crate::i18n::{Lang, Tr};
use crate::state::AppState;
use crate::web::context::Viewer;
use crate::web::forms::Done;
use crate::web::render::{FormErrors, Layout, page};

/// The kinds of entry a person writes on the timeline (the rest are written by the forms).
const WRITTEN_KINDS: [EntryKind; 4] = [EntryKind::Action, EntryKind::Event, EntryKind::Contact, EntryKind::Report];

/// A form of the page that failed: which one, what was typed, and what is wrong.
#[derive(Debug, Clone, Default)]
pub(crate) struct Failed {
    /// The form's name (`entry`, `task`, `fields`…).
    pub(crate) form: String,
    pub(crate) values: BTreeMap<String, String>,
    pub(crate) errors: FormErrors,
}

/// What the viewer may do with the case.
pub(crate) struct Can {
    /// Write the timeline, tasks, evidence, contacts.
    pub(crate) respond: bool,
    /// Decide the report duty, mark reports filed, close, share anonymized.
    pub(crate) report: bool,
}

/// An evidence file with its chain of custody.
pub(crate) struct EvidenceRow {
    pub(crate) e: Evidence,
    pub(crate) custody: Vec<Custody>,
}

#[derive(Template)]
#[template(path = "cases/show.html")]
struct ShowPage {
    tr: Tr,
    layout: Layout,
    v: CaseView,
    appi: AppiView,
    deadlines: Vec<Deadline>,
    evidence: Vec<EvidenceRow>,
    can: Can,
    failed: Failed,
    facilities: Vec<Facility>,
    /// The case facility's assets, to add one to the scope.
    assets: Vec<mamoru_store::AssetListItem>,
    first_hour: &'static [FirstHourItem],
    statuses: &'static [CaseStatus],
    kinds: [EntryKind; 4],
    ioc_kinds: &'static [IocKind],
    report_fields: &'static [ReportField],
    documents: &'static [DocumentKind],
    max_mb: u64,
}

impl ShowPage {
    fn status_class(&self, s: &CaseStatus) -> &'static str {
        status_class(*s)
    }

    fn severity_class(&self, s: &CaseSeverity) -> &'static str {
        severity_class(*s)
    }

    /// What was typed in `field` of `form`, if that form failed.
    fn val(&self, form: &str, field: &str) -> String {
        if self.failed.form == form {
            self.failed.values.get(field).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    }

    /// The problems of `form`, if it is the one that failed.
    fn errors_of(&self, form: &str) -> FormErrors {
        if self.failed.form == form { self.failed.errors.clone() } else { FormErrors::default() }
    }

    /// A report fact as the form shows it: what was typed, or what is on the record.
    fn fact(&self, key: &str) -> String {
        if self.failed.form == "fields" {
            return self.failed.values.get(key).cloned().unwrap_or_default();
        }
        self.v.case.fields.get(key).cloned().unwrap_or_default()
    }

    /// Whether an entry was written later than the time it is dated (back-dated).
    fn backdated(&self, e: &CaseEntry) -> bool {
        e.written_at.duration_since(e.at).abs() > SignedDuration::from_mins(1)
    }

    /// The timeline entry that ticked a first-hour item.
    fn ticked(&self, key: &str) -> Option<&CaseEntry> {
        self.v.checked.get(key)
    }

    fn closed(&self) -> bool {
        !self.v.case.status.is_open()
    }

    fn open_tasks(&self) -> usize {
        self.v.tasks.iter().filter(|t| t.done_at.is_none()).count()
    }

    /// What the case was opened from: the words' key and the link (empty when by hand).
    fn source(&self) -> (&'static str, String) {
        match self.v.case.source {
            CaseSource::Alert(a) => ("cases.source_alert", format!("/alerts/{a}")),
            CaseSource::Finding(f) => ("cases.source_finding", format!("/vulns/{f}")),
            CaseSource::Manual => ("cases.source_manual", String::new()),
        }
    }

    /// What kind of thing a scope item is, in words.
    fn scope_kind(&self, kind: &str) -> &'static str {
        self.tr.t(match kind {
            "facility" => "field.facility",
            "asset" => "cases.scope_asset",
            _ => "cases.scope_system",
        })
    }

    /// A link of the chain of custody, in words.
    fn custody_label(&self, action: &str) -> String {
        let key = match action {
            "collected" => "cases.custody_collected",
            "exported" => "cases.custody_exported",
            "handed_over" => "cases.custody_handed_over",
            "received" => "cases.custody_received",
            "verified" => "cases.custody_verified",
            other => return other.to_owned(),
        };
        self.tr.t(key).to_owned()
    }

    /// A reportable category as the rules number it: `1号 要配慮個人情報`.
    fn category(&self, c: &Category) -> String {
        match self.tr.lang {
            Lang::Ja => format!("{}号 {}", c.number(), c.ja()),
            Lang::En => format!("item {}: {}", c.number(), c.en()),
        }
    }

    /// The weekday of the day of awareness.
    fn aware_weekday(&self) -> &'static str {
        weekday_ja(self.appi.deadlines.aware_on)
    }
}

/// Renders the case page, with the problems of a failed form.
pub(crate) async fn render(
    v: &Viewer,
    state: &AppState,
    id: CaseId,
    failed: Failed,
    done: Option<&str>,
) -> Result<Response, WebError> {
    let view = state.app.case_view(&v.p, id).await?;
    let appi = state.app.case_appi(&v.p, id).await?;
    let mut evidence = Vec::new();
    for e in &view.evidence {
        let custody = state.app.custody(&v.p, id, e.id).await?;
        evidence.push(EvidenceRow { e: e.clone(), custody });
    }
    let f = Some(view.case.facility);
    let can = Can { respond: v.p.can(Action::RespondIncidents, f), report: v.p.can(Action::ReportIncidents, f) };
    let facilities = if can.respond { state.app.facilities(&v.p).await? } else { Vec::new() };
    let assets = match can.respond {
        true => {
            let query = mamoru_store::AssetQuery { facility: f, limit: Some(500), ..Default::default() };
            state.app.list_assets(&v.p, query).await?.0
        }
        false => Vec::new(),
    };
    let title = format!("#{} {}", view.case.id, view.case.title);
    let layout = Layout { title, ..Layout::new(v, "cases.title", "cases") }.with_notice(v.tr, done);
    let mut res = page(&ShowPage {
        tr: v.tr,
        layout,
        deadlines: Deadline::all(&appi),
        v: view,
        appi,
        evidence,
        can,
        failed: failed.clone(),
        facilities,
        assets,
        first_hour: FIRST_HOUR,
        statuses: CaseStatus::ALL,
        kinds: WRITTEN_KINDS,
        ioc_kinds: IocKind::ALL,
        report_fields: REPORT_FIELDS,
        documents: DOCUMENTS,
        max_mb: mamoru_domain::incident::EVIDENCE_MAX_BYTES / (1024 * 1024),
    })?;
    // A form with problems is a client error, so scripts driving the UI can tell.
    if !failed.errors.is_empty() {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// `GET /cases/{id}`.
pub(crate) async fn show(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<Done>,
) -> Result<Response, WebError> {
    render(&v, &state, CaseId::new(id), Failed::default(), q.done.as_deref()).await
}
