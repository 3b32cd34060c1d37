//! Japan's national holidays and the days government offices are closed, computed by the
//! rules of the law rather than read from a list, so no yearly update is needed.
//!
//! Sources: 国民の祝日に関する法律 (Art. 2 the holidays, Art. 3(2) 振替休日, Art. 3(3)
//! 国民の休日); 行政機関の休日に関する法律 Art. 1 (Saturdays, Sundays, holidays, 12/29–1/3).
//! Exact for 2020–2099 (the equinox formula's range, with the Olympic moves of 2020 and 2021);
//! other years are computed by today's rules and may be wrong.

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};

/// The first and last years for which the holidays are exact.
pub const EXACT_YEARS: std::ops::RangeInclusive<i16> = 2020..=2099;

/// One national holiday.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holiday {
    /// The day.
    pub date: Date,
    /// Its Japanese name, as the Cabinet Office lists it (`振替休日` and `国民の休日` included).
    pub name: &'static str,
    /// Its English name.
    pub name_en: &'static str,
}

/// How a holiday's date is found each year.
#[derive(Clone, Copy)]
enum When {
    /// Month and day.
    Fixed(i8, i8),
    /// The nth Monday of a month (the "Happy Monday" holidays).
    Monday(i8, i8),
    /// The vernal equinox day, in March.
    Spring,
    /// The autumnal equinox day, in September.
    Autumn,
}

/// The holidays of Art. 2 as they stand since 2020 (天皇誕生日 on 2/23, スポーツの日).
const RULES: &[(When, &str, &str)] = &[
    (When::Fixed(1, 1), "元日", "New Year's Day"),
    (When::Monday(1, 2), "成人の日", "Coming of Age Day"),
    (When::Fixed(2, 11), "建国記念の日", "National Foundation Day"),
    (When::Fixed(2, 23), "天皇誕生日", "The Emperor's Birthday"),
    (When::Spring, "春分の日", "Vernal Equinox Day"),
    (When::Fixed(4, 29), "昭和の日", "Showa Day"),
    (When::Fixed(5, 3), "憲法記念日", "Constitution Memorial Day"),
    (When::Fixed(5, 4), "みどりの日", "Greenery Day"),
    (When::Fixed(5, 5), "こどもの日", "Children's Day"),
    (When::Monday(7, 3), "海の日", "Marine Day"),
    (When::Fixed(8, 11), "山の日", "Mountain Day"),
    (When::Monday(9, 3), "敬老の日", "Respect for the Aged Day"),
    (When::Autumn, "秋分の日", "Autumnal Equinox Day"),
    (When::Monday(10, 2), "スポーツの日", "Sports Day"),
    (When::Fixed(11, 3), "文化の日", "Culture Day"),
    (When::Fixed(11, 23), "勤労感謝の日", "Labour Thanksgiving Day"),
];

/// The Tokyo Olympics moved three holidays in 2020 and 2021 (special-measures laws):
/// (year, holiday, moved to month and day).
const MOVED: &[(i16, &str, i8, i8)] = &[
    (2020, "海の日", 7, 23),
    (2020, "スポーツの日", 7, 24),
    (2020, "山の日", 8, 10),
    (2021, "海の日", 7, 22),
    (2021, "スポーツの日", 7, 23),
    (2021, "山の日", 8, 8),
];

const SUBSTITUTE: (&str, &str) = ("振替休日", "Substitute holiday");
const CITIZENS: (&str, &str) = ("国民の休日", "Citizens' holiday");

/// Every national holiday of `year`, in date order.
pub fn holidays(year: i16) -> Vec<Holiday> {
    let mut days: Vec<Holiday> = RULES
        .iter()
        .filter_map(|&(when, name, name_en)| {
            let moved = MOVED.iter().find(|m| m.0 == year && m.1 == name);
            let date = match (moved, when) {
                (Some(&(_, _, m, d)), _) | (None, When::Fixed(m, d)) => Date::new(year, m, d).ok()?,
                (None, When::Monday(m, nth)) => {
                    Date::new(year, m, 1).ok()?.nth_weekday_of_month(nth, Weekday::Monday).ok()?
                }
                (None, When::Spring) => Date::new(year, 3, equinox_day(year, 20.8431)).ok()?,
                (None, When::Autumn) => Date::new(year, 9, equinox_day(year, 23.2488)).ok()?,
            };
            Some(Holiday { date, name, name_en })
        })
        .collect();
    days.sort_by_key(|h| h.date);
    let is_holiday = |days: &[Holiday], d: Date| days.iter().any(|h| h.date == d);

    // Art. 3(2): a holiday on a Sunday makes the next day that is not a holiday a holiday.
    let mut extra = Vec::new();
    for h in days.iter().filter(|h| h.date.weekday() == Weekday::Sunday) {
        let mut d = h.date.tomorrow().ok();
        while let Some(day) = d.filter(|&day| is_holiday(&days, day)) {
            d = day.tomorrow().ok();
        }
        if let Some(date) = d.filter(|d| d.year() == year) {
            extra.push(Holiday { date, name: SUBSTITUTE.0, name_en: SUBSTITUTE.1 });
        }
    }
    // Art. 3(3): a day between two holidays of Art. 2 is a holiday too. Only a weekday can
    // qualify in practice (the September gap between 敬老の日 and 秋分の日).
    for pair in days.windows(2) {
        let gap = pair[0].date.checked_add(2.days()).ok();
        if gap == Some(pair[1].date) {
            let date = pair[0].date.tomorrow().expect("between two dates of one year");
            if date.weekday() != Weekday::Sunday && !extra.iter().any(|h: &Holiday| h.date == date) {
                extra.push(Holiday { date, name: CITIZENS.0, name_en: CITIZENS.1 });
            }
        }
    }
    days.extend(extra);
    days.sort_by_key(|h| h.date);
    days
}

/// The day of March (`base` 20.8431) or September (23.2488) of the equinox: the formula
/// commonly used for 1980–2099 (the law names the day the National Astronomical Observatory
/// announces each February; the formula matches it over that range).
fn equinox_day(year: i16, base: f64) -> i8 {
    let n = i32::from(year) - 1980;
    (base + 0.242194 * f64::from(n) - f64::from(n.div_euclid(4))).floor() as i8
}

/// The national holiday on `date`, if any.
pub fn holiday(date: Date) -> Option<Holiday> {
    holidays(date.year()).into_iter().find(|h| h.date == date)
}

/// The Japanese name of the national holiday on `date` (`振替休日` and `国民の休日` included).
pub fn holiday_name(date: Date) -> Option<&'static str> {
    holiday(date).map(|h| h.name)
}

/// Why government offices are closed on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closed {
    /// A national holiday (named first when it is also a weekend or year-end day).
    Holiday(Holiday),
    /// 12/29–1/3.
    YearEnd,
    /// Saturday.
    Saturday,
    /// Sunday.
    Sunday,
}

impl Closed {
    /// The Japanese label: the holiday's name, `年末年始`, `土曜日` or `日曜日`.
    pub fn ja(self) -> &'static str {
        match self {
            Closed::Holiday(h) => h.name,
            Closed::YearEnd => "年末年始",
            Closed::Saturday => "土曜日",
            Closed::Sunday => "日曜日",
        }
    }

    /// The English label.
    pub fn en(self) -> &'static str {
        match self {
            Closed::Holiday(h) => h.name_en,
            Closed::YearEnd => "year-end closure",
            Closed::Saturday => "Saturday",
            Closed::Sunday => "Sunday",
        }
    }
}

/// Why government offices are closed on `date` (行政機関の休日に関する法律 Art. 1), or `None`
/// when they are open.
pub fn closed_on(date: Date) -> Option<Closed> {
    if let Some(h) = holiday(date) {
        return Some(Closed::Holiday(h));
    }
    match (date.month(), date.day(), date.weekday()) {
        (12, 29..=31, _) | (1, 1..=3, _) => Some(Closed::YearEnd),
        (_, _, Weekday::Saturday) => Some(Closed::Saturday),
        (_, _, Weekday::Sunday) => Some(Closed::Sunday),
        _ => None,
    }
}

/// Whether government offices are closed on `date`: Saturday, Sunday, a national holiday or
/// 12/29–1/3.
pub fn is_government_closed(date: Date) -> bool {
    closed_on(date).is_some()
}

/// `date` itself if offices are open then, else the next day they are.
pub fn next_open_day(date: Date) -> Date {
    let mut d = date;
    while is_government_closed(d) {
        // Dates near jiff's end (year 9999) have no tomorrow; stop there rather than fail.
        match d.tomorrow() {
            Ok(next) => d = next,
            Err(_) => break,
        }
    }
    d
}

/// The Japanese one-letter weekday (`月`…`日`), as dates are written in Japan: `11/24（火）`.
pub fn weekday_ja(date: Date) -> &'static str {
    match date.weekday() {
        Weekday::Monday => "月",
        Weekday::Tuesday => "火",
        Weekday::Wednesday => "水",
        Weekday::Thursday => "木",
        Weekday::Friday => "金",
        Weekday::Saturday => "土",
        Weekday::Sunday => "日",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn check_year(year: i16, expected: &[(i8, i8, &str)]) {
        let got: Vec<(i8, i8, &str)> = holidays(year).iter().map(|h| (h.date.month(), h.date.day(), h.name)).collect();
        assert_eq!(got, expected, "{year}");
        for &(m, d, name) in expected {
            assert_eq!(holiday_name(date(year, m, d)), Some(name), "{year}-{m}-{d}");
            assert!(is_government_closed(date(year, m, d)));
        }
    }

    #[test]
    fn every_holiday_of_2025_to_2027_and_no_other() {
        check_year(
            2025,
            &[
                (1, 1, "元日"),
                (1, 13, "成人の日"),
                (2, 11, "建国記念の日"),
                (2, 23, "天皇誕生日"),
                (2, 24, "振替休日"),
                (3, 20, "春分の日"),
                (4, 29, "昭和の日"),
                (5, 3, "憲法記念日"),
                (5, 4, "みどりの日"),
                (5, 5, "こどもの日"),
                (5, 6, "振替休日"),
                (7, 21, "海の日"),
                (8, 11, "山の日"),
                (9, 15, "敬老の日"),
                (9, 23, "秋分の日"),
                (10, 13, "スポーツの日"),
                (11, 3, "文化の日"),
                (11, 23, "勤労感謝の日"),
                (11, 24, "振替休日"),
            ],
        );
        check_year(
            2026,
            &[
                (1, 1, "元日"),
                (1, 12, "成人の日"),
                (2, 11, "建国記念の日"),
                (2, 23, "天皇誕生日"),
                (3, 20, "春分の日"),
                (4, 29, "昭和の日"),
                (5, 3, "憲法記念日"),
                (5, 4, "みどりの日"),
                (5, 5, "こどもの日"),
                (5, 6, "振替休日"),
                (7, 20, "海の日"),
                (8, 11, "山の日"),
                (9, 21, "敬老の日"),
                (9, 22, "国民の休日"),
                (9, 23, "秋分の日"),
                (10, 12, "スポーツの日"),
                (11, 3, "文化の日"),
                (11, 23, "勤労感謝の日"),
            ],
        );
        check_year(
            2027,
            &[
                (1, 1, "元日"),
                (1, 11, "成人の日"),
                (2, 11, "建国記念の日"),
                (2, 23, "天皇誕生日"),
                (3, 21, "春分の日"),
                (3, 22, "振替休日"),
                (4, 29, "昭和の日"),
                (5, 3, "憲法記念日"),
                (5, 4, "みどりの日"),
                (5, 5, "こどもの日"),
                (7, 19, "海の日"),
                (8, 11, "山の日"),
                (9, 20, "敬老の日"),
                (9, 23, "秋分の日"),
                (10, 11, "スポーツの日"),
                (11, 3, "文化の日"),
                (11, 23, "勤労感謝の日"),
            ],
        );
    }

    #[test]
    fn olympic_moves_and_other_years() {
        // 2021: 山の日 moved to Sunday 8/8, so Monday 8/9 was a substitute holiday.
        assert_eq!(holiday_name(date(2021, 8, 9)), Some("振替休日"));
        assert_eq!(holiday_name(date(2021, 8, 11)), None);
        assert_eq!(holiday_name(date(2020, 7, 24)), Some("スポーツの日"));
        assert_eq!(holiday_name(date(2020, 10, 12)), None);
        // 2024-02-23 Friday; 2024-02-12 substitute for 建国記念の日 on Sunday.
        assert_eq!(holiday_name(date(2024, 2, 12)), Some("振替休日"));
        // 2032: 敬老の日 9/20, 秋分の日 9/22, so 9/21 is a citizens' holiday.
        assert_eq!(holiday_name(date(2032, 9, 21)), Some("国民の休日"));
        // Equinoxes, from the Cabinet Office's announcements and the formula's known values.
        assert_eq!(holiday_name(date(2028, 3, 20)), Some("春分の日"));
        assert_eq!(holiday_name(date(2030, 9, 23)), Some("秋分の日"));
        assert_eq!(holiday_name(date(2024, 9, 22)), Some("秋分の日"));
        assert_eq!(holiday_name(date(2024, 9, 23)), Some("振替休日"));
        for y in EXACT_YEARS {
            let n = holidays(y).len();
            assert!((16..=21).contains(&n), "{y}: {n} holidays");
        }
    }

    #[test]
    fn government_closed_days() {
        assert_eq!(closed_on(date(2026, 11, 21)), Some(Closed::Saturday));
        assert_eq!(closed_on(date(2026, 11, 22)), Some(Closed::Sunday));
        assert_eq!(closed_on(date(2026, 11, 24)), None);
        assert_eq!(closed_on(date(2026, 12, 29)), Some(Closed::YearEnd));
        assert_eq!(closed_on(date(2027, 1, 1)).map(Closed::ja), Some("元日"));
        assert_eq!(closed_on(date(2027, 1, 4)), None);
        assert_eq!(next_open_day(date(2026, 12, 28)), date(2026, 12, 28));
        assert_eq!(next_open_day(date(2026, 12, 29)), date(2027, 1, 4));
        assert_eq!(next_open_day(date(2026, 5, 2)), date(2026, 5, 7));
        assert_eq!(weekday_ja(date(2026, 11, 24)), "火");
    }
}
