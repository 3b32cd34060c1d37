//! Incident cases: the list, opening a case (by hand, from an alert or a finding), one case with
//! its timeline, first-hour checklist, contacts, tasks, scope, indicators and evidence, the
//! APPI breach-report wizard and deadlines, and the documents drafted from the record.
//!
//! Shared here: how a stage and a severity are shown, the deadlines as the page shows them,
//! field names that would read wrongly in the error summary, and downloads with Japanese
//! file names.

pub(crate) mod appi;
pub(crate) mod detail;
pub(crate) mod documents;
pub(crate) mod evidence;
pub(crate) mod forms;
pub(crate) mod list;
pub(crate) mod new;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use jiff::civil::Date;
use mamoru_app::incident::AppiView;
use mamoru_domain::Invalid;
use mamoru_domain::appi::holidays::weekday_ja;
use mamoru_domain::appi::{DeadlineKind, DueState, day_number};
use mamoru_domain::incident::{CaseSeverity, CaseStatus};

use crate::i18n::{Lang, Tr};
use crate::web::render::FormErrors;

/// The badge class of a stage: the first response asks for attention, a closed case is done.
pub(crate) fn status_class(s: CaseStatus) -> &'static str {
    match s {
        CaseStatus::InitialResponse => "bad",
        CaseStatus::Containment | CaseStatus::Eradication => "warn",
        CaseStatus::Recovery => "",
        CaseStatus::Closed => "ok",
    }
}

/// The badge class of a severity, as alert levels are shown.
pub(crate) fn severity_class(s: CaseSeverity) -> &'static str {
    match s {
        CaseSeverity::Critical => "critical",
        CaseSeverity::High => "high",
        CaseSeverity::Medium => "medium",
        CaseSeverity::Low => "low",
    }
}

/// One report deadline as the case page and the dashboard show it.
#[derive(Debug, Clone)]
pub(crate) struct Deadline {
    pub(crate) kind: DeadlineKind,
    pub(crate) date: Date,
    /// `月`…`日`.
    pub(crate) weekday: &'static str,
    /// Day N, the day of awareness being day 1.
    pub(crate) day: i64,
    /// Where it stands today; `None` when nothing is owed (not decided, not reportable, filed).
    pub(crate) state: Option<DueState>,
    /// Days from today: 0 today, negative when overdue.
    pub(crate) days_left: Option<i64>,
    /// When the report this deadline is for was filed.
    pub(crate) filed: Option<Timestamp>,
}

impl Deadline {
    /// The three deadlines of a case, with where each stands.
    pub(crate) fn all(a: &AppiView) -> Vec<Deadline> {
        let d = &a.deadlines;
        DeadlineKind::ALL
            .iter()
            .map(|&kind| {
                let date = d.due(kind);
                let reminder = a.reminders.iter().find(|r| r.kind == kind);
                let filed = match kind {
                    DeadlineKind::Final => a.final_filed,
                    _ => a.preliminary_filed.or(a.final_filed),
                };
                Deadline {
                    kind,
                    date,
                    weekday: weekday_ja(date),
                    day: day_number(d.aware_on, date),
                    state: reminder.map(|r| r.state),
                    days_left: reminder.map(|r| r.days_left),
                    filed,
                }
            })
            .collect()
    }

    /// The class that colours it: overdue red, today and soon amber.
    pub(crate) fn class(&self) -> &'static str {
        match self.state {
            Some(DueState::Overdue) => "bad",
            Some(DueState::Today | DueState::Soon) => "warn",
            _ if self.filed.is_some() => "ok",
            _ => "",
        }
    }

    /// Where it stands, in words: `あと3日`, `本日期限`, `2日超過`, `提出済み`.
    pub(crate) fn when(&self, tr: &Tr) -> String {
        if self.filed.is_some() {
            return tr.t("cases.deadline_filed").to_owned();
        }
        let ja = tr.lang == Lang::Ja;
        match (self.state, self.days_left) {
            (Some(DueState::Overdue), Some(n)) if ja => format!("{}日超過", -n),
            (Some(DueState::Overdue), Some(n)) => format!("{} days overdue", -n),
            (Some(DueState::Today), _) => tr.t("cases.due_today").to_owned(),
            (Some(_), Some(n)) if ja => format!("あと{n}日"),
            (Some(_), Some(n)) => format!("in {n} days"),
            _ => String::new(),
        }
    }

    /// `5日目` / `day 5`, the day of awareness being day 1.
    pub(crate) fn day_text(&self, tr: &Tr) -> String {
        match tr.lang {
            Lang::Ja => format!("{}日目", self.day),
            Lang::En => format!("day {}", self.day),
        }
    }
}

/// Form problems translated, with the few field names that mean something else elsewhere
/// (`title` is a contact's department) renamed for the error summary.
pub(crate) fn form_errors(tr: Tr, form: &str, list: &[Invalid]) -> FormErrors {
    let renamed: Vec<Invalid> = list
        .iter()
        .map(|i| {
            let field = match (form, i.field) {
                ("case", "title") => "case_title",
                ("tasks", "title") => "task_title",
                ("tasks", "owner") => "task_owner",
                ("appi", "role") => "appi_role",
                (_, f) => f,
            };
            Invalid::new(field, i.problem.clone())
        })
        .collect();
    FormErrors::from_invalid(tr, &renamed)
}

/// A download saved under `name`, which may be Japanese (RFC 6266 with an ASCII fallback and
/// the RFC 5987 UTF-8 form).
pub(crate) fn attachment(bytes: Vec<u8>, content_type: &str, name: &str) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&content_disposition(name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// `attachment; filename="…"; filename*=UTF-8''…`.
fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| if c.is_ascii_graphic() && !matches!(c, '"' | '\\' | '%' | ';') || c == ' ' { c } else { '_' })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_file_names_are_encoded_for_the_download() {
        assert_eq!(
            content_disposition("脅迫文.png"),
            "attachment; filename=\"___.png\"; filename*=UTF-8''%E8%84%85%E8%BF%AB%E6%96%87.png"
        );
        assert_eq!(
            content_disposition("a\"b;c.txt"),
            "attachment; filename=\"a_b_c.txt\"; filename*=UTF-8''a%22b%3Bc.txt"
        );
    }

    #[test]
    fn renamed_fields_read_as_what_they_are() {
        let tr = Tr::new(crate::i18n::Lang::Ja);
        let list = [Invalid::new("title", mamoru_domain::Problem::Required)];
        assert!(form_errors(tr, "case", &list).has("case_title"));
        assert!(form_errors(tr, "tasks", &list).has("task_title"));
        assert!(form_errors(tr, "entry", &list).has("title"));
    }
}
