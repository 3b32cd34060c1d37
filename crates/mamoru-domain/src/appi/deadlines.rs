//! When the reports to the PPC are due, counted from the day the organisation became aware.
//!
//! Every number and text of the counting is in [`RULES`], so a change of the law or of the
//! PPC's reading is one edit there. Sources:
//! - APPI Art. 26(1) (private) and Art. 68(1) (public bodies): report "as the rules provide".
//! - Enforcement Rules Art. 8(1) (public: Art. 44(1)): a preliminary report (速報) "速やかに"
//!   after knowing; PPC 通則編ガイドライン 3-5-3-3 reads that as about 3–5 days (概ね3～5日以内),
//!   a guide, not a statutory limit.
//! - Rules Art. 8(2) (public: Art. 44(2)) and 通則編 3-5-3-4: the final report (確報) within
//!   30 days of the day of knowing, 60 days for improper purpose (category 3).
//! - The day of knowing is day 1 (初日算入, unlike 民法140条), and a deadline on a day
//!   government offices are closed (行政機関の休日に関する法律 Art. 1) moves to the next open day;
//!   as the PPC guideline is commonly cited. The 速報 targets are moved the same way.

use jiff::civil::Date;
use jiff::tz::Offset;
use jiff::{Timestamp, ToSpan};

use super::Category;
use super::holidays::{closed_on, next_open_day};
use crate::choice::choice_enum;

/// One rule of the counting: a stable code, the day it names (1 = the day of knowing) and
/// its text. The texts name their source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Stable code for storage, JSON and tests.
    pub code: &'static str,
    /// The day counted, the day of knowing being day 1 (0 where no day is counted).
    pub day: u32,
    /// Japanese text.
    pub ja: &'static str,
    /// English text.
    pub en: &'static str,
}

/// The whole rule table of the deadlines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadlineRules {
    /// The day of knowing is day 1.
    pub day_1: Rule,
    /// The preliminary report's target (the early end of "about 3–5 days").
    pub preliminary_target: Rule,
    /// The preliminary report's latest day (the late end).
    pub preliminary_limit: Rule,
    /// The final report, usually.
    pub final_report: Rule,
    /// The final report for category 3 (improper purpose).
    pub final_improper_purpose: Rule,
    /// A deadline on a closed day moves to the next open day.
    pub moved: Rule,
}

/// The rules in force (Enforcement Rules as of 2024-04-01; PPC 通則編 3-5-3-3/3-5-3-4).
pub const RULES: DeadlineRules = DeadlineRules {
    day_1: Rule {
        code: "day_of_awareness_is_day_1",
        day: 1,
        ja: "知った日を1日目として数える（初日算入: 通則編3-5-3-3/3-5-3-4）",
        en: "the day of becoming aware is day 1 (PPC guidelines 3-5-3-3/3-5-3-4)",
    },
    preliminary_target: Rule {
        code: "preliminary_target_day_3",
        day: 3,
        ja: "速報の目安: 3日目（規則8条1項「速やかに」、通則編3-5-3-3「概ね3～5日以内」）",
        en: "preliminary report target: day 3 (Rules Art. 8(1) \"promptly\"; guidelines 3-5-3-3: about 3-5 days)",
    },
    preliminary_limit: Rule {
        code: "preliminary_limit_day_5",
        day: 5,
        ja: "速報の目安の上限: 5日目（通則編3-5-3-3「概ね3～5日以内」）",
        en: "preliminary report at the latest: day 5 (guidelines 3-5-3-3: about 3-5 days)",
    },
    final_report: Rule {
        code: "final_30_days",
        day: 30,
        ja: "確報: 30日目まで（規則8条2項、通則編3-5-3-4）",
        en: "final report: by day 30 (Rules Art. 8(2); guidelines 3-5-3-4)",
    },
    final_improper_purpose: Rule {
        code: "final_60_days_improper_purpose",
        day: 60,
        ja: "確報: 不正の目的（規則7条3号）のため60日目まで（規則8条2項かっこ書）",
        en: "final report: by day 60, improper purpose (Rules Art. 7(3), 8(2))",
    },
    moved: Rule {
        code: "moved_past_closed_days",
        day: 0,
        ja: "行政機関の休日（土日・祝日・12/29～1/3）の期限は翌開庁日へ",
        en: "a deadline on a day government offices are closed (weekend, holiday, 12/29-1/3) moves to the next open day",
    },
};

/// A rule as applied to one case, with the dates it produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedRule {
    /// The rule's stable code (see [`RULES`]); `moved_past_closed_days` may appear once per
    /// deadline moved.
    pub code: &'static str,
    /// Japanese text, naming the dates.
    pub ja: String,
    /// English text, naming the dates.
    pub en: String,
}

/// The deadlines of one case, all dates in Japan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadlines {
    /// The day of becoming aware (day 1).
    pub aware_on: Date,
    /// The preliminary report's target (day 3, moved past closed days).
    pub preliminary_target: Date,
    /// The preliminary report's latest day (day 5, moved past closed days).
    pub preliminary_limit: Date,
    /// The final report's deadline (day 30 or 60, moved past closed days).
    pub final_due: Date,
    /// 30 or 60.
    pub final_days: u32,
    /// The rules applied, in order, each naming its dates.
    pub rules: Vec<AppliedRule>,
}

choice_enum! {
    /// One of the deadlines of [`Deadlines`].
    pub enum DeadlineKind {
        /// [`Deadlines::preliminary_target`].
        PreliminaryTarget => ("preliminary_target", "速報（目安）", "Preliminary report (target)"),
        /// [`Deadlines::preliminary_limit`].
        PreliminaryLimit => ("preliminary_limit", "速報（目安の上限）", "Preliminary report (at the latest)"),
        /// [`Deadlines::final_due`].
        Final => ("final", "確報", "Final report"),
    }
}

impl Deadlines {
    /// The date of one deadline.
    pub fn due(&self, kind: DeadlineKind) -> Date {
        match kind {
            DeadlineKind::PreliminaryTarget => self.preliminary_target,
            DeadlineKind::PreliminaryLimit => self.preliminary_limit,
            DeadlineKind::Final => self.final_due,
        }
    }
}

/// The date in Japan (a fixed +09:00: no daylight saving since 1951) of an instant.
pub fn tokyo_date(t: Timestamp) -> Date {
    Offset::constant(9).to_datetime(t).date()
}

/// Which day `date` is when `aware_on` is day 1 (0 the day before, negative earlier).
pub fn day_number(aware_on: Date, date: Date) -> i64 {
    aware_on.until(date).map_or(0, |span| i64::from(span.get_days())) + 1
}

/// The report deadlines for an event the organisation became aware of at `aware_at`, with
/// the reportable `categories` found (only category 3, improper purpose, changes a date).
pub fn report_deadlines(aware_at: Timestamp, categories: &[Category]) -> Deadlines {
    let aware_on = tokyo_date(aware_at);
    let r = &RULES;
    let mut rules = vec![AppliedRule {
        code: r.day_1.code,
        ja: format!("{}: {aware_on}", r.day_1.ja),
        en: format!("{}: {aware_on}", r.day_1.en),
    }];
    let final_rule = match categories.contains(&Category::ImproperPurpose) {
        true => &r.final_improper_purpose,
        false => &r.final_report,
    };
    let mut due = |rule: &Rule, kind: DeadlineKind| {
        let counted = aware_on.saturating_add(i64::from(rule.day.saturating_sub(1)).days());
        rules.push(AppliedRule {
            code: rule.code,
            ja: format!("{}: {counted}", rule.ja),
            en: format!("{}: {counted}", rule.en),
        });
        let open = next_open_day(counted);
        if open != counted {
            rules.push(moved(kind, counted, open));
        }
        open
    };
    let preliminary_target = due(&r.preliminary_target, DeadlineKind::PreliminaryTarget);
    let preliminary_limit = due(&r.preliminary_limit, DeadlineKind::PreliminaryLimit);
    let final_due = due(final_rule, DeadlineKind::Final);
    Deadlines { aware_on, preliminary_target, preliminary_limit, final_due, final_days: final_rule.day, rules }
}

/// The rule that moved `kind` from `from` to `to`, naming the closed days skipped.
fn moved(kind: DeadlineKind, from: Date, to: Date) -> AppliedRule {
    let mut skipped = Vec::new();
    let mut d = from;
    while d < to {
        if let Some(c) = closed_on(d) {
            skipped.push((d, c));
        }
        let Ok(next) = d.tomorrow() else { break };
        d = next;
    }
    let reason = |f: fn(super::holidays::Closed) -> &'static str| skipped.first().map_or("", |(_, c)| f(*c));
    let (mut ja, mut en) = (
        format!("{}: {from}（{}）→ {to}", kind.ja(), reason(|c| c.ja())),
        format!("{}: {from} ({}) → {to}", kind.en(), reason(|c| c.en())),
    );
    if skipped.len() > 1 {
        let list = |f: fn(super::holidays::Closed) -> &'static str, sep: &str| {
            skipped.iter().map(|(d, c)| format!("{d} {}", f(*c))).collect::<Vec<_>>().join(sep)
        };
        ja += &format!("（閉庁日: {}）", list(|c| c.ja(), "、"));
        en += &format!(" (closed: {})", list(|c| c.en(), ", "));
    }
    AppliedRule {
        code: RULES.moved.code,
        ja: format!("{}。{ja}", RULES.moved.ja),
        en: format!("{}; {en}", RULES.moved.en),
    }
}

choice_enum! {
    /// How near a deadline is, for reminders.
    pub enum DueState {
        /// More than [`SOON_DAYS`] days away.
        Later => ("later", "期限前", "Later"),
        /// Within [`SOON_DAYS`] days.
        Soon => ("soon", "期限間近", "Soon"),
        /// Today (Japan time) is the last day.
        Today => ("today", "本日期限", "Due today"),
        /// Past.
        Overdue => ("overdue", "期限超過", "Overdue"),
    }
}

/// A deadline is [`DueState::Soon`] this many days before it (a reminder policy, not law).
pub const SOON_DAYS: i64 = 2;

/// Where one deadline stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reminder {
    /// Which deadline.
    pub kind: DeadlineKind,
    /// Its date.
    pub due: Date,
    /// Days from today (Japan) to the deadline: 0 today, negative when overdue.
    pub days_left: i64,
    /// How near it is.
    pub state: DueState,
}

/// Where each deadline stands at `now`, in order. Whether a report was already filed is the
/// caller's to know: drop the deadlines it met.
pub fn status_at(d: &Deadlines, now: Timestamp) -> Vec<Reminder> {
    let today = tokyo_date(now);
    DeadlineKind::ALL
        .iter()
        .map(|&kind| {
            let due = d.due(kind);
            let days_left = day_number(today, due) - 1;
            let state = match days_left {
                ..0 => DueState::Overdue,
                0 => DueState::Today,
                n if n <= SOON_DAYS => DueState::Soon,
                _ => DueState::Later,
            };
            Reminder { kind, due, days_left, state }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const C1: &[Category] = &[Category::Sensitive];
    const C13: &[Category] = &[Category::Sensitive, Category::ImproperPurpose];

    /// (awareness, categories, aware_on, target, limit, final, final_days, moved deadlines),
    /// every date worked out by hand against the calendar.
    #[allow(clippy::type_complexity)]
    const CASES: &[(&str, &[Category], (i16, i8, i8), (i16, i8, i8), (i16, i8, i8), (i16, i8, i8), u32, usize)] = &[
        // A plain week: Monday; Wed, Fri, Tue 6/30; nothing moves.
        ("2026-06-01T09:00+09:00", C1, (2026, 6, 1), (2026, 6, 3), (2026, 6, 5), (2026, 6, 30), 30, 0),
        // Friday: day 3 is Sunday, then 勤労感謝の日 (Mon 11/23) → Tue; day 30 Sat 12/19 → Mon.
        ("2026-11-20T10:00+09:00", C1, (2026, 11, 20), (2026, 11, 24), (2026, 11, 24), (2026, 12, 21), 30, 2),
        // Same, improper purpose: day 60 is Mon 2027-01-18, open (成人の日 was the 11th).
        ("2026-11-20T10:00+09:00", C13, (2026, 11, 20), (2026, 11, 24), (2026, 11, 24), (2027, 1, 18), 60, 1),
        // 23:59 in Tokyo is still the 20th...
        ("2026-11-20T14:59Z", C1, (2026, 11, 20), (2026, 11, 24), (2026, 11, 24), (2026, 12, 21), 30, 2),
        // ...but 16:30 UTC is 01:30 on Saturday the 21st in Tokyo: day 3 = 勤労感謝の日 → Tue,
        // day 5 Wed 11/25, day 30 Sun 12/20 → Mon 12/21.
        ("2026-11-20T16:30Z", C1, (2026, 11, 21), (2026, 11, 24), (2026, 11, 25), (2026, 12, 21), 30, 2),
        // Golden Week: aware on 昭和の日; day 3 Fri 5/1; day 5 = 憲法記念日 (Sun) → 5/4, 5/5,
        // 5/6 振替休日 → Thu 5/7; day 30 Thu 5/28.
        ("2026-04-29T09:00+09:00", C1, (2026, 4, 29), (2026, 5, 1), (2026, 5, 7), (2026, 5, 28), 30, 1),
        // Same, improper purpose: day 60 Sat 6/27 → Mon 6/29.
        ("2026-04-29T09:00+09:00", C13, (2026, 4, 29), (2026, 5, 1), (2026, 5, 7), (2026, 6, 29), 60, 2),
        // Year end: aware Sunday 12/27; days 3 and 5 fall in 12/29–1/3 → Mon 2027-01-04;
        // day 30 Mon 2027-01-25.
        ("2026-12-27T10:00+09:00", C1, (2026, 12, 27), (2027, 1, 4), (2027, 1, 4), (2027, 1, 25), 30, 2),
        // Same, improper purpose: day 60 Wed 2027-02-24 (the day after 天皇誕生日).
        ("2026-12-27T10:00+09:00", C13, (2026, 12, 27), (2027, 1, 4), (2027, 1, 4), (2027, 2, 24), 60, 2),
        // Day 30 Wed 12/30 in the closure → 2027-01-04; day 5 Sat 12/5 → Mon 12/7.
        ("2026-12-01T10:00+09:00", C1, (2026, 12, 1), (2026, 12, 3), (2026, 12, 7), (2027, 1, 4), 30, 2),
        // Substitute holiday: day 3 Sat 3/20, 春分の日 Sun 3/21, 振替休日 Mon 3/22 → Tue 3/23;
        // day 5 is the 振替休日 itself → Tue; day 30 Fri 4/16.
        ("2027-03-18T10:00+09:00", C1, (2027, 3, 18), (2027, 3, 23), (2027, 3, 23), (2027, 4, 16), 30, 2),
        // 国民の休日: day 3 敬老の日 9/21, 9/22 国民の休日, 9/23 秋分の日 → Thu 9/24; day 30
        // Sun 10/18 → Mon 10/19.
        ("2026-09-19T10:00+09:00", C1, (2026, 9, 19), (2026, 9, 24), (2026, 9, 24), (2026, 10, 19), 30, 3),
        // Day 60 on 憲法記念日 2027 (Mon), then 5/4, 5/5 → Thu 5/6; day 3 Sun 3/7 → Mon 3/8.
        ("2027-03-05T10:00+09:00", C13, (2027, 3, 5), (2027, 3, 8), (2027, 3, 9), (2027, 5, 6), 60, 2),
    ];

    #[test]
    fn deadlines_by_hand() {
        let d = |(y, m, day): (i16, i8, i8)| date(y, m, day);
        for &(aware, cats, on, target, limit, fin, days, moves) in CASES {
            let got = report_deadlines(aware.parse().unwrap(), cats);
            let want = (d(on), d(target), d(limit), d(fin), days);
            let have = (got.aware_on, got.preliminary_target, got.preliminary_limit, got.final_due, got.final_days);
            assert_eq!(have, want, "{aware} {cats:?}");
            let moved = got.rules.iter().filter(|r| r.code == "moved_past_closed_days").count();
            assert_eq!(moved, moves, "{aware} {cats:?}: {:#?}", got.rules);
        }
    }

    #[test]
    fn rules_name_their_dates() {
        let got = report_deadlines("2026-04-29T09:00+09:00".parse().unwrap(), C13);
        let codes: Vec<&str> = got.rules.iter().map(|r| r.code).collect();
        assert_eq!(
            codes,
            [
                "day_of_awareness_is_day_1",
                "preliminary_target_day_3",
                "preliminary_limit_day_5",
                "moved_past_closed_days",
                "final_60_days_improper_purpose",
                "moved_past_closed_days",
            ]
        );
        let moved = &got.rules[3];
        assert!(moved.ja.contains("2026-05-03（憲法記念日）→ 2026-05-07"), "{}", moved.ja);
        assert!(moved.ja.contains("2026-05-06 振替休日"), "{}", moved.ja);
        assert!(moved.en.contains("2026-05-03 (Constitution Memorial Day) → 2026-05-07"), "{}", moved.en);
        assert!(got.rules[5].ja.contains("2026-06-27（土曜日）→ 2026-06-29"), "{}", got.rules[5].ja);
        assert!(got.rules[4].ja.contains("60日目"));
    }

    #[test]
    fn day_numbers_and_reminders() {
        assert_eq!(day_number(date(2026, 11, 20), date(2026, 11, 20)), 1);
        assert_eq!(day_number(date(2026, 11, 20), date(2026, 12, 19)), 30);
        assert_eq!(day_number(date(2026, 11, 20), date(2026, 11, 19)), 0);
        let d = report_deadlines("2026-11-20T10:00+09:00".parse().unwrap(), C1);
        // 2026-11-22 23:00 in Tokyo: two days before the preliminary dates.
        let states: Vec<(DueState, i64)> =
            status_at(&d, "2026-11-22T14:00Z".parse().unwrap()).iter().map(|r| (r.state, r.days_left)).collect();
        assert_eq!(states, [(DueState::Soon, 2), (DueState::Soon, 2), (DueState::Later, 29)]);
        // 00:30 on the 25th in Tokyo (still the 24th in UTC): both preliminary dates passed.
        let states: Vec<DueState> =
            status_at(&d, "2026-11-24T15:30Z".parse().unwrap()).iter().map(|r| r.state).collect();
        assert_eq!(states, [DueState::Overdue, DueState::Overdue, DueState::Later]);
        let today = status_at(&d, "2026-12-21T08:00+09:00".parse().unwrap());
        assert_eq!(today[2].state, DueState::Today);
    }
}
