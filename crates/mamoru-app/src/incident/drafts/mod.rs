//! The documents drafted from one case record: the PPC breach report, the report to MHLW and
//! the prefecture, the notice to patients, the public announcement, and the case summary for
//! management and the insurer.
//!
//! Drafting is pure: the record goes in, a [`Document`] comes out, so the same record always
//! gives the same text (and a snapshot test can hold it). Every fact a person types is a
//! report field of the case (`mamoru_domain::incident::REPORT_FIELDS`), used under the same key
//! in every document that needs it; the rest (who reports, the categories, the contacts made)
//! is derived from the record.
//!
//! Item lists follow the APPI Enforcement Rules Art. 8(1) (the PPC report's nine items),
//! Art. 10 (the notice to individuals: items 1, 2, 4, 5 and 9) and MHLW's 2018-10-29 notice
//! (医政総発1029第1号 etc.: systems affected, impact on care, response, contacts).

use jiff::Timestamp;
use jiff::civil::Date;
use mamoru_domain::incident::{EntryKind, FIRST_HOUR, report_field};
use mamoru_domain::{ChainRole, Facility, PartyKind};
use mamoru_report::{Document, Field, Section};
use mamoru_store::{Case, CaseEntry, CaseTask, ChainEntry, Evidence, ScopeItem};

use super::appi::AppiView;

mod authorities;
mod notices;
mod summary;

use authorities::{mhlw_report, ppc_report};
use notices::{patient_notice, public_notice};
use summary::case_summary;

/// A kind of document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentKind {
    /// Stable code, used in URLs and on the command line.
    pub code: &'static str,
    /// Japanese name.
    pub ja: &'static str,
    /// English name.
    pub en: &'static str,
}

/// Every document a case drafts, in the order they are usually needed.
pub const DOCUMENTS: &[DocumentKind] = &[
    DocumentKind {
        code: "ppc_report", ja: "個人情報保護委員会への漏えい等報告", en: "Breach report to the PPC"
    },
    DocumentKind {
        code: "mhlw_report", ja: "厚生労働省・都道府県への報告", en: "Report to MHLW and the prefecture"
    },
    DocumentKind {
        code: "patient_notice", ja: "患者さまへのお知らせ（本人通知）", en: "Notice to patients"
    },
    DocumentKind {
        code: "public_notice", ja: "公表文（本人通知が困難な場合）", en: "Public announcement"
    },
    DocumentKind {
        code: "case_summary",
        ja: "事案報告（経営層・保険会社向け）",
        en: "Case summary for management and the insurer",
    },
];

/// Which PPC report: 速報, 確報, or one report serving as both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// 速報: what is known at the time, within about 3–5 days.
    Preliminary,
    /// 確報: every item, within 30 (60) days.
    Final,
    /// 速報兼確報: everything is already known at the first report.
    Both,
}

impl Stage {
    /// Parses `preliminary`, `final` or `both` (and the Japanese names).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "preliminary" | "速報" => Some(Self::Preliminary),
            "final" | "確報" => Some(Self::Final),
            "both" | "速報兼確報" => Some(Self::Both),
            _ => None,
        }
    }
}

/// Everything a document is drafted from.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    /// The organisation's name (the reporter, as the PPC form asks: not a person's name).
    pub org_name: &'a str,
    /// The facility mainly affected.
    pub facility: &'a Facility,
    /// The case.
    pub case: &'a Case,
    /// Its breach-report duty and deadlines.
    pub appi: &'a AppiView,
    /// Its timeline.
    pub entries: &'a [CaseEntry],
    /// Its scope.
    pub scope: &'a [ScopeItem],
    /// Its evidence.
    pub evidence: &'a [Evidence],
    /// Its tasks.
    pub tasks: &'a [CaseTask],
    /// The facility's contact chain.
    pub chain: &'a [ChainEntry],
    /// The date printed on the document.
    pub date: Date,
}

/// Drafts the document `code` (see [`DOCUMENTS`]); `None` for an unknown code.
pub fn draft(code: &str, r: &Record<'_>, stage: Stage) -> Option<Document> {
    Some(match code {
        "ppc_report" => ppc_report(r, stage),
        "mhlw_report" => mhlw_report(r),
        "patient_notice" => patient_notice(r),
        "public_notice" => public_notice(r),
        "case_summary" => case_summary(r),
        _ => return None,
    })
}

/// The report field `key` of the case, labelled as the field list words it.
pub(super) fn fact(r: &Record<'_>, key: &'static str) -> Field {
    let label = report_field(key).map_or(key, |f| f.ja);
    fact_as(r, key, label)
}

/// The report field `key` under another label (the notice to patients words things gently).
pub(super) fn fact_as(r: &Record<'_>, key: &'static str, label: &str) -> Field {
    field(key, label, r.case.fields.get(key).cloned().unwrap_or_default())
}

pub(super) fn field(key: &str, label: &str, value: impl Into<String>) -> Field {
    Field { key: key.into(), label: label.into(), value: value.into() }
}

pub(super) fn section(heading: &str, fields: Vec<Field>) -> Section {
    Section { heading: heading.into(), fields }
}

pub(super) fn ja_date(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

pub(super) fn ja_time(t: Timestamp) -> String {
    let z = t.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(9)));
    format!("{}年{}月{}日 {:02}時{:02}分", z.year(), z.month(), z.day(), z.hour(), z.minute())
}

pub(super) fn ja_opt_time(t: Option<Timestamp>) -> String {
    t.map(ja_time).unwrap_or_default()
}

/// The facility's own person to contact about the report: the security manager, else the
/// first-contact desk, else the director; the facility's phone when the chain names no one.
pub(super) fn reporter_contact(r: &Record<'_>) -> String {
    let own = |role: ChainRole| r.chain.iter().find(|e| e.party.is_none() && e.contact.draft.role == role);
    let chosen =
        own(ChainRole::SecurityManager).or_else(|| own(ChainRole::FirstContact)).or_else(|| own(ChainRole::Executive));
    match chosen {
        Some(e) => {
            let d = &e.contact.draft;
            let mut parts = vec![match &d.title {
                Some(t) => format!("{t} {}", d.name),
                None => d.name.clone(),
            }];
            parts.extend(d.phone.iter().map(|p| format!("TEL {p}")));
            parts.extend(d.email.iter().cloned());
            parts.join(" / ")
        }
        None => r
            .facility
            .draft
            .phone
            .as_deref()
            .map(|p| format!("{}（TEL {p}）", r.facility.draft.name))
            .unwrap_or_default(),
    }
}

/// The contacts made from the case to outside bodies (MHLW, police, prefecture, PPC,
/// vendors), one line each, from the timeline.
pub(super) fn contacts_made(r: &Record<'_>) -> String {
    let kind_of = |entry: &CaseEntry| -> Option<PartyKind> {
        let id: i64 = entry.reference.as_deref()?.strip_prefix("contact:")?.split(':').next()?.parse().ok()?;
        r.chain.iter().find(|c| c.contact.id.get() == id)?.party.as_ref().map(|p| p.draft.kind)
    };
    r.entries
        .iter()
        .filter(|e| e.kind == EntryKind::Contact && kind_of(e).is_some())
        .map(|e| format!("{} {}", ja_time(e.at), e.text))
        .collect::<Vec<_>>()
        .join("\n")
}

pub(super) fn first_hour_done(r: &Record<'_>) -> String {
    FIRST_HOUR
        .iter()
        .map(|item| {
            let done =
                r.entries.iter().find(|e| e.kind == EntryKind::Checklist && e.reference.as_deref() == Some(item.key));
            match done {
                Some(e) => format!("済 {} {}", ja_time(e.at), item.ja),
                None => format!("未 {}", item.ja),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub(super) fn systems(r: &Record<'_>) -> String {
    let mut lines: Vec<String> = r.case.fields.get("systems").into_iter().cloned().collect();
    lines.extend(r.scope.iter().filter(|s| s.kind != "facility").map(|s| s.label.clone()));
    lines.join("\n")
}

pub(super) fn decision_text(r: &Record<'_>) -> String {
    match &r.appi.obligation {
        None => "未判定（Mamoruの報告義務判定を実施してください）".into(),
        Some(o) if !o.reportable => "報告対象外".into(),
        Some(o) => {
            let cats: Vec<String> = o.categories.iter().map(|c| format!("第{}号 {}", c.number(), c.ja())).collect();
            format!("報告対象（{}）", cats.join("、"))
        }
    }
}
