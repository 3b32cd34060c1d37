//! Validation failures, as data: which field, and what is wrong with it.
//!
//! Rules return every problem they find rather than stopping at the first, so that a form or
//! an import preview can show them all at once. The English `Display` text is for logs and the
//! command line; the web UI renders its own Japanese text from the [`Problem`] variant.

use std::fmt;

/// One field that failed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// The canonical field key, e.g. `ip` or `support_end`.
    pub field: &'static str,
    /// What is wrong with it.
    pub problem: Problem,
}

impl Invalid {
    /// Builds a failure for `field`.
    pub fn new(field: &'static str, problem: Problem) -> Self {
        Self { field, problem }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.problem)
    }
}

/// What is wrong with a value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The field must not be empty.
    Required,
    /// The value is longer than allowed (counted in characters).
    TooLong {
        /// The maximum number of characters.
        max: usize,
    },
    /// The value is not one of the accepted choices.
    UnknownChoice {
        /// The value as given.
        given: String,
        /// The accepted values, for the message.
        expected: String,
    },
    /// Not a whole number.
    NotANumber(String),
    /// A number outside the accepted range.
    OutOfRange {
        /// The smallest accepted value.
        min: i64,
        /// The largest accepted value.
        max: i64,
    },
    /// Not a date in a recognised form.
    BadDate(String),
    /// Not a yes/no value.
    BadFlag(String),
    /// Not an IPv4 or IPv6 address.
    BadIp(String),
    /// Not a CPE name; the text says which part is wrong.
    BadCpe(String),
    /// Not an e-mail address.
    BadEmail(String),
    /// A password that does not meet the policy; the text says why.
    WeakPassword(&'static str),
    /// The bed count does not fit the facility kind (a hospital has 20 beds or more).
    BedsForKind {
        /// The facility kind's Japanese name.
        kind: &'static str,
        /// The inclusive bed range the kind allows.
        range: (u32, u32),
    },
    /// A value that refers to something that does not exist, e.g. an unknown facility id.
    Unknown(String),
    /// The value is already used by another record.
    Duplicate(String),
    /// The user may not do this here; the text says what.
    NotAllowed(String),
    /// A date that must come after another one (an acceptance that must end after today).
    NotAfter(jiff::civil::Date),
    /// A time in the future where only the past makes sense (when something happened).
    InFuture,
    /// A time earlier than the one in the named field (awareness before occurrence).
    Before(&'static str),
    /// A date outside the period it must fall in (a checklist target date within the fiscal year).
    OutsidePeriod {
        /// The first day accepted.
        from: jiff::civil::Date,
        /// The last day accepted.
        to: jiff::civil::Date,
    },
    /// A file larger than allowed.
    TooLarge {
        /// The largest size accepted, in bytes.
        max_bytes: u64,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Required => write!(f, "required"),
            Problem::TooLong { max } => write!(f, "longer than {max} characters"),
            Problem::UnknownChoice { given, expected } => {
                write!(f, "unknown value {given:?}; expected one of {expected}")
            }
            Problem::NotANumber(v) => write!(f, "{v:?} is not a whole number"),
            Problem::OutOfRange { min, max } => write!(f, "must be between {min} and {max}"),
            Problem::BadDate(v) => {
                write!(f, "{v:?} is not a date (use YYYY-MM-DD, YYYY/M/D or 令和N年M月D日)")
            }
            Problem::BadFlag(v) => write!(f, "{v:?} is not yes/no (use はい/いいえ, yes/no, 1/0)"),
            Problem::BadIp(v) => write!(f, "{v:?} is not an IPv4 or IPv6 address"),
            Problem::BadCpe(why) => write!(f, "invalid CPE: {why}"),
            Problem::BadEmail(v) => write!(f, "{v:?} is not an e-mail address"),
            Problem::WeakPassword(why) => write!(f, "password too weak: {why}"),
            Problem::BedsForKind { kind, range } => {
                write!(f, "a {kind} has between {} and {} beds", range.0, range.1)
            }
            Problem::Unknown(what) => write!(f, "unknown {what}"),
            Problem::Duplicate(what) => write!(f, "{what} already exists"),
            Problem::NotAllowed(what) => write!(f, "not allowed: {what}"),
            Problem::NotAfter(day) => write!(f, "must be a date after {day}"),
            Problem::InFuture => write!(f, "must not be in the future"),
            Problem::Before(other) => write!(f, "must not be earlier than {other}"),
            Problem::OutsidePeriod { from, to } => write!(f, "must be between {from} and {to}"),
            Problem::TooLarge { max_bytes } => write!(f, "larger than {} MiB", max_bytes / (1024 * 1024)),
        }
    }
}

/// Collects the problems of a form while its fields are parsed one by one.
#[derive(Debug, Default)]
pub struct Checker {
    errors: Vec<Invalid>,
}

impl Checker {
    /// Keeps the value of a field that parsed, or records why it did not.
    pub fn check<T>(&mut self, field: &'static str, r: Result<T, Problem>) -> Option<T> {
        r.map_err(|p| self.errors.push(Invalid::new(field, p))).ok()
    }

    /// Like [`Checker::check`] for optional fields: a failure and an empty value are both `None`.
    pub fn check_opt<T>(&mut self, field: &'static str, r: Result<Option<T>, Problem>) -> Option<T> {
        self.check(field, r).flatten()
    }

    /// Records a problem found by a rule across fields.
    pub fn push(&mut self, invalid: Invalid) {
        self.errors.push(invalid);
    }

    /// Whether a problem was recorded for `field`.
    pub fn has(&self, field: &str) -> bool {
        self.errors.iter().any(|e| e.field == field)
    }

    /// The result: `value` if nothing failed, otherwise every problem.
    pub fn finish<T>(self, value: impl FnOnce() -> Option<T>) -> Result<T, Vec<Invalid>> {
        match self.errors.is_empty() {
            true => value().ok_or(self.errors),
            false => Err(self.errors),
        }
    }
}
