//! The Japanese fiscal year (年度): April 1 to March 31, counted in Asia/Tokyo.
//!
//! A checklist's いいえ must carry a target date "within the current fiscal year"
//! (令和7年度中の目標日; R7 manual draft p.3, shared/reference/japan-regulation.md §1).

use std::fmt;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::{self, TimeZone};

/// A fiscal year, named by the calendar year it starts in (FY2025 = 2025-04-01..2026-03-31).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FiscalYear(i16);

impl FiscalYear {
    /// The earliest and latest fiscal years accepted (the checklist began in FY2023).
    pub const RANGE: (i16, i16) = (2000, 2100);

    /// The fiscal year starting in April of `year`, if within [`FiscalYear::RANGE`].
    pub fn new(year: i16) -> Option<Self> {
        (Self::RANGE.0..=Self::RANGE.1).contains(&year).then_some(Self(year))
    }

    /// The fiscal year a day falls in: January to March belong to the year before.
    pub fn of(day: Date) -> Self {
        Self(if day.month() >= 4 { day.year() } else { day.year() - 1 })
    }

    /// The fiscal year of an instant, as the day it is in Japan.
    pub fn at(t: Timestamp) -> Self {
        Self::of(tokyo_day(t))
    }

    /// The calendar year it starts in.
    pub fn year(self) -> i16 {
        self.0
    }

    /// April 1.
    pub fn start(self) -> Date {
        Date::new(self.0, 4, 1).expect("April 1 exists")
    }

    /// March 31 of the next calendar year.
    pub fn end(self) -> Date {
        Date::new(self.0 + 1, 3, 31).expect("March 31 exists")
    }

    /// Whether `day` falls in this fiscal year.
    pub fn contains(self, day: Date) -> bool {
        self.start() <= day && day <= self.end()
    }

    /// The Japanese name: `令和7年度` (Reiwa began in 2019; FY2018 is `平成30年度`).
    pub fn label_ja(self) -> String {
        match self.0 {
            y if y >= 2019 => match y - 2018 {
                1 => "令和元年度".to_owned(),
                n => format!("令和{n}年度"),
            },
            y => format!("平成{}年度", y - 1988),
        }
    }
}

impl fmt::Display for FiscalYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FY{}", self.0)
    }
}

/// The day an instant falls on in Japan (fixed +09:00: no daylight saving since 1951).
pub fn tokyo_day(t: Timestamp) -> Date {
    t.to_zoned(TimeZone::fixed(tz::offset(9))).date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn april_starts_the_year() {
        assert_eq!(FiscalYear::of(Date::constant(2026, 3, 31)).year(), 2025);
        assert_eq!(FiscalYear::of(Date::constant(2026, 4, 1)).year(), 2026);
        let fy = FiscalYear::new(2025).unwrap();
        assert_eq!((fy.start(), fy.end()), (Date::constant(2025, 4, 1), Date::constant(2026, 3, 31)));
        assert!(fy.contains(Date::constant(2026, 1, 15)) && !fy.contains(Date::constant(2025, 3, 31)));
        assert_eq!(fy.label_ja(), "令和7年度");
        assert_eq!(FiscalYear::new(2019).unwrap().label_ja(), "令和元年度");
        assert_eq!(FiscalYear::new(2018).unwrap().label_ja(), "平成30年度");
        assert_eq!(fy.to_string(), "FY2025");
    }

    #[test]
    fn the_day_is_counted_in_tokyo() {
        // 2026-03-31T15:30Z is already April 1 in Japan: a new fiscal year.
        let t: Timestamp = "2026-03-31T15:30:00Z".parse().unwrap();
        assert_eq!(FiscalYear::at(t).year(), 2026);
        let t: Timestamp = "2026-03-31T14:59:59Z".parse().unwrap();
        assert_eq!(FiscalYear::at(t).year(), 2025);
    }
}
