//! Incident cases: what a facility does when an attack is suspected, from the first hour to
//! the closing report.
//!
//! A case carries its severity and stage, a timeline of what happened and what people did,
//! tasks, the evidence kept, the indicators seen, and the facts the breach reports need
//! ([`ReportField`]), written once and drawn on by every document. The APPI duty to report is
//! decided in [`crate::appi`].

mod case;
mod first_hour;
mod report;

pub use case::{CaseInput, CaseSource, EVIDENCE_MAX_BYTES, EntryInput, IocInput, NewCase, TaskInput, parse_local_time};
pub use first_hour::{FIRST_HOUR, FirstHourItem, item as first_hour_item};
pub use report::{REPORT_FIELD_MAX, REPORT_FIELDS, ReportField, report_field};

use crate::choice::choice_enum;

choice_enum! {
    /// How bad a case is, as the person in charge judges it.
    pub enum CaseSeverity {
        /// Little or no effect on care or data.
        Low => ("low", "低", "Low"),
        /// Some systems or data affected; care continues normally.
        Medium => ("medium", "中", "Medium", ["med"]),
        /// Care or patient data affected.
        High => ("high", "高", "High"),
        /// Care stopped or patient data taken: ransomware, mass leak.
        Critical => ("critical", "重大", "Critical", ["緊急", "crit"]),
    }
}

choice_enum! {
    /// Where a case stands, in the order of incident response (NIST SP 800-61's phases as
    /// MHLW's BCP template names them).
    pub enum CaseStatus {
        /// The first hours: isolate, keep evidence, call people.
        InitialResponse => ("initial_response", "初動対応", "Initial response", ["初動", "open", "new"]),
        /// Stopping the spread.
        Containment => ("containment", "封じ込め", "Containment"),
        /// Removing the cause.
        Eradication => ("eradication", "根絶", "Eradication", ["駆除"]),
        /// Bringing systems and care back.
        Recovery => ("recovery", "復旧", "Recovery"),
        /// Done, with the final report filed.
        Closed => ("closed", "終結", "Closed", ["完了", "クローズ"]),
    }
}

impl CaseStatus {
    /// Whether the case still needs work (shown on the dashboard, reminded about).
    pub fn is_open(self) -> bool {
        self != Self::Closed
    }
}

choice_enum! {
    /// What a timeline entry records.
    pub enum EntryKind {
        /// Something observed or learnt.
        Event => ("event", "事象", "Event", ["observation"]),
        /// Something someone did.
        Action => ("action", "対応", "Action"),
        /// The case moved to another stage.
        Status => ("status", "状況変更", "Status change"),
        /// A first-hour checklist item was done.
        Checklist => ("checklist", "初動チェック", "First-hour checklist"),
        /// Someone was called, mailed or reached.
        Contact => ("contact", "連絡", "Contact"),
        /// Evidence was stored or handed over.
        Evidence => ("evidence", "証拠保全", "Evidence"),
        /// A task was added or done.
        Task => ("task", "タスク", "Task"),
        /// The breach-report duty was decided, or a report filed.
        Report => ("report", "報告", "Report"),
        /// The case record changed (fields, scope, indicators).
        Record => ("record", "記録更新", "Record"),
    }
}

choice_enum! {
    /// How a contact of the chain was reached from a case.
    pub enum ContactOutcome {
        /// Phoned and spoke to them.
        Called => ("called", "電話した", "Called", ["電話"]),
        /// Sent mail (or fax, or a form).
        Mailed => ("mailed", "メールした", "Mailed", ["メール"]),
        /// They answered and took it on.
        Reached => ("reached", "連絡がついた", "Reached", ["到達", "応答"]),
        /// Tried; no answer yet.
        NoAnswer => ("no_answer", "不通", "No answer", ["不在"]),
    }
}

choice_enum! {
    /// What an indicator of compromise is.
    pub enum IocKind {
        /// An IPv4 or IPv6 address (or range).
        Ip => ("ip", "IPアドレス", "IP address"),
        /// A domain name.
        Domain => ("domain", "ドメイン", "Domain"),
        /// A URL.
        Url => ("url", "URL", "URL"),
        /// A file hash (MD5, SHA-1, SHA-256).
        Hash => ("hash", "ハッシュ値", "File hash"),
        /// A file name or path.
        File => ("file", "ファイル名", "File name"),
        /// An e-mail address.
        Email => ("email", "メールアドレス", "E-mail address"),
        /// Anything else (an account name, a mutex, a ransom note's id).
        Other => ("other", "その他", "Other"),
    }
}

impl IocKind {
    /// Guesses the kind of an indicator from its text, defanged forms (`hxxp`, `[.]`) included.
    pub fn guess(value: &str) -> Self {
        let v = value.trim().replace("[.]", ".").replace("(.)", ".").replace("[:]", ":");
        let lower = v.to_ascii_lowercase();
        let is_hex = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_hexdigit());
        if lower.starts_with("http://")
            || lower.starts_with("https://")
            || lower.starts_with("hxxp://")
            || lower.starts_with("hxxps://")
        {
            Self::Url
        } else if matches!(v.len(), 32 | 40 | 64) && is_hex(&v) {
            Self::Hash
        } else if v.split('/').next().is_some_and(|ip| ip.parse::<std::net::IpAddr>().is_ok()) {
            Self::Ip
        } else if v.contains('@') && !v.contains(' ') {
            Self::Email
        } else if v.contains('\\') || v.contains('/') || lower.ends_with(".exe") || lower.ends_with(".dll") {
            Self::File
        } else if v.contains('.')
            && !v.contains(' ')
            && v.rsplit('.').next().is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
        {
            Self::Domain
        } else {
            Self::Other
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indicator_kinds_are_guessed_from_their_text() {
        assert_eq!(IocKind::guess("203.0.113.9"), IocKind::Ip);
        assert_eq!(IocKind::guess("2001:db8::1"), IocKind::Ip);
        assert_eq!(IocKind::guess("198.51.100.0/24"), IocKind::Ip);
        assert_eq!(IocKind::guess("evil[.]example.com"), IocKind::Domain);
        assert_eq!(IocKind::guess("hxxps://evil.example.com/a"), IocKind::Url);
        assert_eq!(IocKind::guess("44d88612fea8a8f36de82e1278abb02f"), IocKind::Hash);
        assert_eq!(IocKind::guess("C:\\Users\\Public\\lock.exe"), IocKind::File);
        assert_eq!(IocKind::guess("attacker@example.net"), IocKind::Email);
        assert_eq!(IocKind::guess("LockBit ransom id 1234"), IocKind::Other);
    }

    #[test]
    fn only_closed_cases_are_done() {
        assert!(CaseStatus::InitialResponse.is_open());
        assert!(CaseStatus::Recovery.is_open());
        assert!(!CaseStatus::Closed.is_open());
        assert_eq!(CaseStatus::parse("初動").unwrap(), CaseStatus::InitialResponse);
    }
}
