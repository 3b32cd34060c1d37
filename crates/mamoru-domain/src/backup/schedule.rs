//! When a job runs: every day or every week at a time of day, in Japan time, or only when a
//! person starts it.

use std::fmt;

use jiff::civil::{Time, Weekday};
use jiff::tz::{Offset, TimeZone};
use jiff::{Timestamp, ToSpan};

use crate::invalid::Problem;
use crate::values::narrow;

/// A job's schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// Every day at this time (Japan time).
    Daily {
        /// Time of day.
        at: Time,
    },
    /// Every week on this day at this time (Japan time).
    Weekly {
        /// Day of the week.
        on: Weekday,
        /// Time of day.
        at: Time,
    },
    /// Only when started by hand (or by a caller's own timer).
    Manual,
}

const DAYS: [(Weekday, &str, &str); 7] = [
    (Weekday::Monday, "mon", "月"),
    (Weekday::Tuesday, "tue", "火"),
    (Weekday::Wednesday, "wed", "水"),
    (Weekday::Thursday, "thu", "木"),
    (Weekday::Friday, "fri", "金"),
    (Weekday::Saturday, "sat", "土"),
    (Weekday::Sunday, "sun", "日"),
];

fn tokyo() -> TimeZone {
    TimeZone::fixed(Offset::constant(9))
}

impl Schedule {
    /// Reads `daily 02:00`, `weekly sun 03:30`, `manual`, or the Japanese forms
    /// `毎日 2:00`, `毎週日曜 3:30`, `毎週日曜日 03:30`, `手動`.
    pub fn parse(s: &str) -> Result<Self, Problem> {
        let bad = || Problem::UnknownChoice {
            given: s.trim().to_owned(),
            expected: "毎日 HH:MM, 毎週○曜 HH:MM, 手動 (daily HH:MM, weekly sun HH:MM, manual)".into(),
        };
        let t = narrow(s).trim().to_lowercase();
        let words: Vec<&str> = t.split_whitespace().collect();
        match words.as_slice() {
            [] => Err(Problem::Required),
            ["manual" | "手動"] => Ok(Schedule::Manual),
            ["daily" | "毎日", time] => Ok(Schedule::Daily { at: parse_time(time).ok_or_else(bad)? }),
            ["weekly", day, time] => {
                let on = DAYS.iter().find(|d| day.starts_with(d.1)).ok_or_else(bad)?.0;
                Ok(Schedule::Weekly { on, at: parse_time(time).ok_or_else(bad)? })
            }
            [day, time] if day.starts_with("毎週") => {
                let rest = day.trim_start_matches("毎週");
                let name = rest.trim_end_matches("曜日").trim_end_matches("曜");
                let on = DAYS.iter().find(|d| d.2 == name).ok_or_else(bad)?.0;
                Ok(Schedule::Weekly { on, at: parse_time(time).ok_or_else(bad)? })
            }
            _ => Err(bad()),
        }
    }

    /// The storage form: `daily 02:00`, `weekly sun 03:30`, `manual`.
    pub fn code(&self) -> String {
        match self {
            Schedule::Daily { at } => format!("daily {}", hhmm(*at)),
            Schedule::Weekly { on, at } => format!("weekly {} {}", day(*on).1, hhmm(*at)),
            Schedule::Manual => "manual".into(),
        }
    }

    /// The Japanese form: `毎日 02:00`, `毎週日曜日 03:30`, `手動`.
    pub fn ja(&self) -> String {
        match self {
            Schedule::Daily { at } => format!("毎日 {}", hhmm(*at)),
            Schedule::Weekly { on, at } => format!("毎週{}曜日 {}", day(*on).2, hhmm(*at)),
            Schedule::Manual => "手動".into(),
        }
    }

    /// The first time the schedule fires strictly after `after`; `None` for a manual job.
    pub fn next_after(&self, after: Timestamp) -> Option<Timestamp> {
        let local = after.to_zoned(tokyo());
        let (at, step) = match self {
            Schedule::Daily { at } => (*at, 1.day()),
            Schedule::Weekly { at, .. } => (*at, 1.day()),
            Schedule::Manual => return None,
        };
        let mut candidate = local.date().to_datetime(at).to_zoned(tokyo()).ok()?;
        // At most eight steps: a week, and today's slot already passed.
        for _ in 0..8 {
            let day_fits = match self {
                Schedule::Weekly { on, .. } => candidate.weekday() == *on,
                _ => true,
            };
            if day_fits && candidate.timestamp() > after {
                return Some(candidate.timestamp());
            }
            candidate = candidate.checked_add(step).ok()?;
        }
        None
    }

    /// Whether the job is due at `now`, given when it last ran (or, if never, when it was
    /// created: a new job waits for its first slot rather than running at once).
    pub fn is_due(&self, last_run_or_created: Timestamp, now: Timestamp) -> bool {
        self.next_after(last_run_or_created).is_some_and(|t| t <= now)
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

fn day(w: Weekday) -> (Weekday, &'static str, &'static str) {
    *DAYS.iter().find(|d| d.0 == w).unwrap_or(&DAYS[0])
}

fn hhmm(t: Time) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// `2:00`, `02:00`, `2時`, `2時30分`.
fn parse_time(s: &str) -> Option<Time> {
    let s = s.trim_end_matches('分');
    let (h, m) = match s.split_once([':', '時']) {
        Some((h, m)) => (h, if m.is_empty() { "0" } else { m }),
        None => (s, "0"),
    };
    let (h, m): (i8, i8) = (h.parse().ok()?, m.parse().ok()?);
    Time::new(h, m, 0, 0).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn parses_english_and_japanese_forms() {
        let two = Time::new(2, 0, 0, 0).unwrap();
        assert_eq!(Schedule::parse("daily 02:00"), Ok(Schedule::Daily { at: two }));
        assert_eq!(Schedule::parse("毎日　２:００"), Ok(Schedule::Daily { at: two }));
        assert_eq!(Schedule::parse("毎日 2時"), Ok(Schedule::Daily { at: two }));
        let sun = Schedule::Weekly { on: Weekday::Sunday, at: Time::new(3, 30, 0, 0).unwrap() };
        assert_eq!(Schedule::parse("weekly sun 03:30"), Ok(sun));
        assert_eq!(Schedule::parse("Weekly Sunday 3:30"), Ok(sun));
        assert_eq!(Schedule::parse("毎週日曜日 3:30"), Ok(sun));
        assert_eq!(Schedule::parse("毎週日曜 3時30分"), Ok(sun));
        assert_eq!(Schedule::parse("手動"), Ok(Schedule::Manual));
        assert_eq!(Schedule::parse(" "), Err(Problem::Required));
        assert!(Schedule::parse("daily 25:00").is_err());
        assert!(Schedule::parse("hourly").is_err());
        for s in [Schedule::Daily { at: two }, sun, Schedule::Manual] {
            assert_eq!(Schedule::parse(&s.code()), Ok(s));
            assert_eq!(Schedule::parse(&s.ja()), Ok(s));
        }
        assert_eq!(sun.ja(), "毎週日曜日 03:30");
    }

    #[test]
    fn next_run_is_counted_in_japan_time() {
        let daily = Schedule::parse("daily 02:00").unwrap();
        // 2026-11-26 01:00 JST is 2026-11-25 16:00 UTC: today's 02:00 JST is still ahead.
        assert_eq!(daily.next_after(ts("2026-11-25T16:00:00Z")), Some(ts("2026-11-25T17:00:00Z")));
        // Exactly at the slot, the next one is tomorrow's.
        assert_eq!(daily.next_after(ts("2026-11-25T17:00:00Z")), Some(ts("2026-11-26T17:00:00Z")));
        // 2026-11-26 is a Thursday; the next Sunday 03:30 JST is 11-29, 11-28 18:30 UTC.
        let weekly = Schedule::parse("毎週日曜 3:30").unwrap();
        assert_eq!(weekly.next_after(ts("2026-11-25T16:00:00Z")), Some(ts("2026-11-28T18:30:00Z")));
        assert_eq!(weekly.next_after(ts("2026-11-28T18:30:00Z")), Some(ts("2026-12-05T18:30:00Z")));
        assert_eq!(Schedule::Manual.next_after(ts("2026-11-25T16:00:00Z")), None);
    }

    #[test]
    fn due_once_the_slot_after_the_last_run_has_passed() {
        let daily = Schedule::parse("daily 02:00").unwrap();
        let last = ts("2026-11-24T17:00:30Z"); // ran 02:00:30 JST on the 25th
        assert!(!daily.is_due(last, ts("2026-11-25T16:59:59Z")));
        assert!(daily.is_due(last, ts("2026-11-25T17:00:00Z")));
        assert!(daily.is_due(last, ts("2026-11-28T00:00:00Z")), "missed days make it due, once");
        assert!(!Schedule::Manual.is_due(last, ts("2030-01-01T00:00:00Z")));
    }
}
