//! What people type to open a case and to add to it, and the rules those inputs must meet.
//!
//! Times are typed in Japan time (a browser's `datetime-local` field, or `2026/11/20 10:00`)
//! and stored as instants. Entries may be back-dated (people write the timeline up after the
//! fact), but nothing may be dated in the future, and nobody can have become aware of an
//! incident before it happened.

use jiff::civil::{Date, DateTime};
use jiff::tz::Offset;
use jiff::{SignedDuration, Timestamp};

use super::{CaseSeverity, EntryKind, IocKind};
use crate::ids::{AlertId, FacilityId, FindingId};
use crate::invalid::{Checker, Invalid, Problem};
use crate::values::{narrow, optional_text, parse_date, required_text};

/// The largest evidence file a case accepts. Disk images belong with the forensic firm; a
/// case keeps logs, screenshots, ransom notes and exports.
pub const EVIDENCE_MAX_BYTES: u64 = 25 * 1024 * 1024;

/// Clocks of the browser and the server differ a little; a time this far ahead is still "now".
const CLOCK_SKEW: SignedDuration = SignedDuration::from_mins(5);

const TITLE_MAX: usize = 200;
const TEXT_MAX: usize = 8_000;

/// What a case was opened from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseSource {
    /// Opened by hand (a phone call, a ransom note on a screen).
    Manual,
    /// Opened from a detection alert.
    Alert(AlertId),
    /// Opened from a vulnerability finding.
    Finding(FindingId),
}

impl CaseSource {
    /// Storage code of the kind of source.
    pub fn code(self) -> &'static str {
        match self {
            Self::Manual => "manual",
            Self::Alert(_) => "alert",
            Self::Finding(_) => "finding",
        }
    }

    /// The source's id, if it has one.
    pub fn id(self) -> Option<i64> {
        match self {
            Self::Manual => None,
            Self::Alert(a) => Some(a.get()),
            Self::Finding(f) => Some(f.get()),
        }
    }

    /// The source from its stored code and id (`manual` for anything unknown).
    pub fn from_parts(code: &str, id: Option<i64>) -> Self {
        match (code, id) {
            ("alert", Some(id)) => Self::Alert(AlertId::new(id)),
            ("finding", Some(id)) => Self::Finding(FindingId::new(id)),
            _ => Self::Manual,
        }
    }
}

/// The form that opens a case, as typed.
#[derive(Debug, Clone, Default)]
pub struct CaseInput {
    /// Short title, e.g. `電子カルテサーバのランサムウェア感染`.
    pub title: String,
    /// The facility mainly affected.
    pub facility: Option<FacilityId>,
    /// A [`CaseSeverity`] code or label.
    pub severity: String,
    /// What is known so far.
    pub summary: String,
    /// When it happened, if known (Japan time).
    pub occurred_at: String,
    /// When any part of the organisation became aware of it (Japan time); the APPI deadlines
    /// count from this.
    pub aware_at: String,
}

/// A valid new case.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCase {
    /// Title.
    pub title: String,
    /// Facility mainly affected.
    pub facility: FacilityId,
    /// Severity.
    pub severity: CaseSeverity,
    /// What is known so far.
    pub summary: Option<String>,
    /// When it happened.
    pub occurred_at: Option<Timestamp>,
    /// When the organisation became aware.
    pub aware_at: Timestamp,
}

impl NewCase {
    /// Checks a case form against the clock `now`; every problem is returned at once.
    pub fn parse(input: &CaseInput, now: Timestamp) -> Result<Self, Vec<Invalid>> {
        let mut c = Checker::default();
        let title = c.check("title", required_text(&input.title, TITLE_MAX));
        let facility = c.check("facility", input.facility.ok_or(Problem::Required));
        let severity = c.check("severity", CaseSeverity::parse(&input.severity));
        let summary = c.check("summary", optional_text(&input.summary, TEXT_MAX));
        let occurred_at = c.check("occurred_at", past_time(&input.occurred_at, now));
        let aware_at = c.check("aware_at", past_time(&input.aware_at, now).and_then(|t| t.ok_or(Problem::Required)));
        if let (Some(Some(occurred)), Some(aware)) = (occurred_at, aware_at)
            && aware < occurred
        {
            c.push(Invalid::new("aware_at", Problem::Before("occurred_at")));
        }
        c.finish(|| {
            Some(NewCase {
                title: title?,
                facility: facility?,
                severity: severity?,
                summary: summary?,
                occurred_at: occurred_at?,
                aware_at: aware_at?,
            })
        })
    }
}

/// A timeline entry as typed.
#[derive(Debug, Clone, Default)]
pub struct EntryInput {
    /// When it happened (Japan time); empty for now.
    pub at: String,
    /// An [`EntryKind`] code or label; empty for an action.
    pub kind: String,
    /// What happened or was done.
    pub text: String,
}

impl EntryInput {
    /// The entry's time, kind and text, checked against `now`.
    pub fn parse(&self, now: Timestamp) -> Result<(Timestamp, EntryKind, String), Vec<Invalid>> {
        let mut c = Checker::default();
        let at = c.check("at", past_time(&self.at, now));
        let kind = match self.kind.trim() {
            "" => Some(EntryKind::Action),
            k => c.check("kind", EntryKind::parse(k)),
        };
        let text = c.check("text", required_text(&self.text, TEXT_MAX));
        c.finish(|| Some((at?.unwrap_or(now), kind?, text?)))
    }
}

/// A task as typed.
#[derive(Debug, Clone, Default)]
pub struct TaskInput {
    /// What to do.
    pub title: String,
    /// Who does it (a name or an e-mail address).
    pub owner: String,
    /// By when (a date).
    pub due: String,
}

impl TaskInput {
    /// The task's title, owner and due date.
    pub fn parse(&self) -> Result<(String, Option<String>, Option<Date>), Vec<Invalid>> {
        let mut c = Checker::default();
        let title = c.check("title", required_text(&self.title, TITLE_MAX));
        let owner = c.check("owner", optional_text(&self.owner, TITLE_MAX));
        let due = c.check("due", parse_date(&self.due));
        c.finish(|| Some((title?, owner?, due?)))
    }
}

/// An indicator of compromise as typed.
#[derive(Debug, Clone, Default)]
pub struct IocInput {
    /// The indicator.
    pub value: String,
    /// An [`IocKind`] code or label; empty to guess from the value.
    pub kind: String,
    /// Where it was seen.
    pub note: String,
}

impl IocInput {
    /// The indicator's kind, value and note.
    pub fn parse(&self) -> Result<(IocKind, String, Option<String>), Vec<Invalid>> {
        let mut c = Checker::default();
        let value = c.check("value", required_text(&self.value, 2_000));
        let kind = match self.kind.trim() {
            "" => value.as_deref().map(IocKind::guess),
            k => c.check("kind", IocKind::parse(k)),
        };
        let note = c.check("note", optional_text(&self.note, TITLE_MAX * 2));
        c.finish(|| Some((kind?, value?, note?)))
    }
}

/// A time that is not in the future (allowing for clock skew); empty is `None`.
fn past_time(s: &str, now: Timestamp) -> Result<Option<Timestamp>, Problem> {
    let Some(t) = parse_local_time(s)? else { return Ok(None) };
    if t > now.saturating_add(CLOCK_SKEW).unwrap_or(now) {
        return Err(Problem::InFuture);
    }
    Ok(Some(t))
}

/// Parses a time typed in Japan time: `2026-11-20T10:00` (a browser's `datetime-local`),
/// `2026/11/20 10:00`, with or without seconds, a date alone (its midnight), or RFC 3339 with
/// an offset (`2026-11-20T10:00+09:00`, `…Z`). Empty is `None`.
pub fn parse_local_time(s: &str) -> Result<Option<Timestamp>, Problem> {
    let raw = s.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let bad = || Problem::BadDate(raw.to_owned());
    let t = narrow(raw).replace('/', "-");
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Ok(Some(ts));
    }
    let tokyo = Offset::constant(9).to_time_zone();
    let local = match t.parse::<DateTime>() {
        Ok(dt) => dt,
        // `2026-11-20 9:05`, `2026-1-5`: pad what the strict parser refuses.
        Err(_) => padded(&t).and_then(|p| p.parse::<DateTime>().ok()).ok_or_else(bad)?,
    };
    tokyo.to_timestamp(local).map(Some).map_err(|_| bad())
}

/// `2026-1-5 9:05` → `2026-01-05T09:05`.
fn padded(t: &str) -> Option<String> {
    let (date, time) = match t.split_once(['T', ' ']) {
        Some((d, tm)) => (d, Some(tm.trim())),
        None => (t, None),
    };
    let d: Vec<&str> = date.split('-').collect();
    let [y, m, day] = d.as_slice() else { return None };
    let mut out = format!("{y}-{m:0>2}-{day:0>2}");
    if let Some(tm) = time {
        let parts: Vec<String> = tm.split(':').map(|p| format!("{p:0>2}")).collect();
        out.push('T');
        out.push_str(&parts.join(":"));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-11-25T03:00:00Z".parse().unwrap()
    }

    fn form(occurred: &str, aware: &str) -> CaseInput {
        CaseInput {
            title: "電子カルテのランサムウェア感染".into(),
            facility: Some(FacilityId::new(1)),
            severity: "重大".into(),
            summary: String::new(),
            occurred_at: occurred.into(),
            aware_at: aware.into(),
        }
    }

    #[test]
    fn japan_time_in_every_typed_form() {
        let want: Timestamp = "2026-11-20T01:00:00Z".parse().unwrap();
        for s in [
            "2026-11-20T10:00",
            "2026-11-20 10:00",
            "2026/11/20 10:00:00",
            "2026/11/20 10:0",
            "２０２６/１１/２０ １０:００",
            "2026-11-20T10:00+09:00",
            "2026-11-20T01:00:00Z",
        ] {
            assert_eq!(parse_local_time(s), Ok(Some(want)), "{s}");
        }
        assert_eq!(parse_local_time("2026-11-20"), Ok(Some("2026-11-19T15:00:00Z".parse().unwrap())));
        assert_eq!(parse_local_time(" "), Ok(None));
        assert!(matches!(parse_local_time("2026-02-30 10:00"), Err(Problem::BadDate(_))));
        assert!(matches!(parse_local_time("yesterday"), Err(Problem::BadDate(_))));
    }

    #[test]
    fn a_case_needs_a_title_a_facility_and_the_moment_of_awareness() {
        let case = NewCase::parse(&form("2026-11-20 03:00", "2026-11-20 10:00"), now()).unwrap();
        assert_eq!(case.severity, CaseSeverity::Critical);
        assert_eq!(case.aware_at, "2026-11-20T01:00:00Z".parse::<Timestamp>().unwrap());
        let errors = NewCase::parse(&CaseInput::default(), now()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["title", "facility", "severity", "aware_at"]);
        assert!(errors.iter().all(|e| e.problem == Problem::Required || e.field == "severity"));
    }

    #[test]
    fn impossible_dates_are_refused() {
        let errors = NewCase::parse(&form("2026-11-21 10:00", "2026-11-20 10:00"), now()).unwrap_err();
        assert_eq!(errors, [Invalid::new("aware_at", Problem::Before("occurred_at"))]);
        let errors = NewCase::parse(&form("", "2026-12-01 10:00"), now()).unwrap_err();
        assert_eq!(errors, [Invalid::new("aware_at", Problem::InFuture)]);
        let errors = NewCase::parse(&form("2027-01-01", "2026-11-20 10:00"), now()).unwrap_err();
        assert_eq!(errors, [Invalid::new("occurred_at", Problem::InFuture)]);
        // A browser clock a minute ahead is still now.
        assert!(NewCase::parse(&form("", "2026-11-25T12:01"), now()).is_ok());
    }

    #[test]
    fn entries_may_be_back_dated_but_not_future_dated() {
        let e =
            EntryInput { at: "2026-11-20 10:30".into(), kind: "連絡".into(), text: "保守会社に電話".into() };
        let (at, kind, _) = e.parse(now()).unwrap();
        assert_eq!((at, kind), ("2026-11-20T01:30:00Z".parse().unwrap(), EntryKind::Contact));
        let e = EntryInput { at: String::new(), kind: String::new(), text: "LANケーブルを抜いた".into() };
        assert_eq!(e.parse(now()).unwrap().0, now());
        let e = EntryInput { at: "2030-01-01 00:00".into(), kind: "x".into(), text: " ".into() };
        let fields: Vec<&str> = e.parse(now()).unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["at", "kind", "text"]);
    }

    #[test]
    fn tasks_and_indicators() {
        let t =
            TaskInput { title: "VPN装置のログ保全".into(), owner: "山田".into(), due: "2026/11/26".into() };
        assert_eq!(t.parse().unwrap().2, Some(Date::constant(2026, 11, 26)));
        assert_eq!(TaskInput::default().parse().unwrap_err()[0].field, "title");
        let i = IocInput { value: "203.0.113.9".into(), ..Default::default() };
        assert_eq!(i.parse().unwrap().0, IocKind::Ip);
        let i = IocInput { value: "x".into(), kind: "hash".into(), note: String::new() };
        assert_eq!(i.parse().unwrap().0, IocKind::Hash);
    }

    #[test]
    fn sources_round_trip_through_storage() {
        for s in [CaseSource::Manual, CaseSource::Alert(AlertId::new(4)), CaseSource::Finding(FindingId::new(9))] {
            assert_eq!(CaseSource::from_parts(s.code(), s.id()), s);
        }
    }
}
