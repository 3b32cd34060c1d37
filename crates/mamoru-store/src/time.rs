//! Timestamps as the store keeps them: RFC 3339 UTC text with microseconds, which sorts
//! correctly as text on both backends.

use jiff::Timestamp;
use jiff::civil::Date;

use crate::error::{Error, Result};

/// The current time in storage form.
pub(crate) fn now() -> String {
    format_ts(Timestamp::now())
}

/// A timestamp in storage form, e.g. `2026-11-25T06:30:00.000000Z`.
pub(crate) fn format_ts(ts: Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Reads a stored timestamp.
pub(crate) fn parse_ts(s: &str) -> Result<Timestamp> {
    s.parse().map_err(|_| Error::Corrupt(format!("bad timestamp {s:?}")))
}

/// Reads an optional stored timestamp.
pub(crate) fn parse_opt_ts(s: Option<String>) -> Result<Option<Timestamp>> {
    s.as_deref().map(parse_ts).transpose()
}

/// Reads an optional stored date.
pub(crate) fn parse_opt_date(s: Option<String>) -> Result<Option<Date>> {
    s.as_deref().map(|d| d.parse().map_err(|_| Error::Corrupt(format!("bad date {d:?}")))).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_width_and_round_trip() {
        let t: Timestamp = "2026-11-25T06:30:00Z".parse().unwrap();
        assert_eq!(format_ts(t), "2026-11-25T06:30:00.000000Z");
        let t2: Timestamp = "2026-11-25T06:30:00.5Z".parse().unwrap();
        assert_eq!(format_ts(t2), "2026-11-25T06:30:00.500000Z");
        assert!(format_ts(t) < format_ts(t2));
        assert_eq!(parse_ts(&format_ts(t2)).unwrap(), t2);
    }
}
