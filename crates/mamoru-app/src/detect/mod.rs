//! Detection alerts: the `mamoru-detect` engine's detections stored per facility as alerts
//! (grouped, so a burst is one alert), triaged by people (acknowledged, escalated, false
//! positive with a suppression rule, re-opened), counted for the dashboard, and told to
//! people as messages under an hourly limit.

mod ingest;
mod notices;
mod panel;
mod triage;

use jiff::Timestamp;
use mamoru_detect::event::SyslogOptions;
use mamoru_detect::hunt::HuntOptions;
use mamoru_detect::{Detection, Level, RuleInfo};
use mamoru_domain::AlertLevel;
use mamoru_store::NewDetection;

pub use ingest::IngestSummary;
pub use notices::{KIND_ALERT, KIND_DIGEST};
pub use panel::AlertPanel;
pub use triage::FalsePositive;

/// At most this many matched fields are kept as an alert's sample, each value cut to
/// [`MAX_DETAIL_CHARS`]: a script block can be megabytes, and the sample is for a person.
const MAX_DETAILS: usize = 16;
const MAX_DETAIL_CHARS: usize = 1000;

/// Scan options for logs read now: BSD syslog lines without a year are of this year in
/// Japan's time (December's lines read in January of the year before).
pub fn hunt_options() -> HuntOptions {
    let tokyo =
        jiff::tz::TimeZone::get("Asia/Tokyo").unwrap_or_else(|_| jiff::tz::TimeZone::fixed(jiff::tz::offset(9)));
    hunt_options_in(tokyo, None)
}

/// Scan options for logs whose syslog clocks run in `time_zone`: lines without a year are
/// of `year` when given, else of this year there, December's lines read in January going
/// to the year before.
pub fn hunt_options_in(time_zone: jiff::tz::TimeZone, year: Option<i16>) -> HuntOptions {
    let now = Timestamp::now();
    let syslog = match year {
        Some(year) => SyslogOptions { year, time_zone, not_after: None },
        None => SyslogOptions { year: now.to_zoned(time_zone.clone()).year(), time_zone, not_after: Some(now) },
    };
    HuntOptions { syslog }
}

/// The alert level of a rule level.
pub fn alert_level(level: Level) -> AlertLevel {
    AlertLevel::from_code(level.as_str()).unwrap_or(AlertLevel::Informational)
}

/// A detection in the store's shape; `now` stands in for an event without a time. `None`
/// when the detection names a rule the set does not have.
pub(crate) fn to_new(rules: &[RuleInfo], d: &Detection, now: Timestamp) -> Option<NewDetection> {
    let rule = rules.get(d.rule)?;
    // The matched fields first, then the event's context (source address, user...), which
    // a suppression rule may also name.
    let details = d
        .details
        .iter()
        .chain(&d.context)
        .take(MAX_DETAILS)
        .map(|(k, v)| (k.clone(), v.chars().take(MAX_DETAIL_CHARS).collect()))
        .collect();
    Some(NewDetection {
        rule_id: rule.id.clone().unwrap_or_else(|| rule.title.clone()),
        rule_title: rule.title.clone(),
        level: alert_level(rule.level),
        rule_file: rule.file.clone(),
        tags: rule.tags.clone(),
        computer: d.computer.clone(),
        channel: d.channel.clone(),
        event_id: d.event_id,
        at: d.timestamp.filter(|t| plausible(*t, now)).unwrap_or(now),
        details,
        origin: d.origin.as_deref().map(str::to_owned),
    })
}

/// Whether an event time could have been written by a clock: from 1601 (where Windows
/// times start) to a day ahead of ours. Others (forged or damaged) are replaced by the time
/// the event was read, so they neither sort first forever nor break the stored format.
fn plausible(t: Timestamp, now: Timestamp) -> bool {
    let earliest = Timestamp::from_second(-11_644_473_600).unwrap_or(Timestamp::UNIX_EPOCH);
    t >= earliest && t <= now.checked_add(jiff::SignedDuration::from_hours(24)).unwrap_or(Timestamp::MAX)
}

/// A time as people in Japan read it, with the offset written out.
pub(crate) fn tokyo(t: Timestamp) -> String {
    t.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(9))).strftime("%Y-%m-%d %H:%M:%S %:z").to_string()
}

#[cfg(test)]
mod tests {
    use jiff::Timestamp;

    use super::plausible;

    #[test]
    fn impossible_event_times_are_not_kept() {
        let now: Timestamp = "2026-11-25T00:00:00Z".parse().unwrap();
        assert!(plausible("2016-09-20T01:02:03Z".parse().unwrap(), now));
        assert!(plausible("1601-01-01T00:00:00Z".parse().unwrap(), now));
        assert!(!plausible(Timestamp::MIN, now));
        assert!(!plausible("2026-11-27T00:00:00Z".parse().unwrap(), now));
    }
}
