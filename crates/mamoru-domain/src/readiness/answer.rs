//! What a person answers for one item: はい or いいえ, the day it was confirmed (確認日), and
//! for いいえ the target day (目標日) within the fiscal year.
//!
//! The manual: "For each item circle 「はい」 or 「いいえ」 and write the date confirmed; if
//! 「いいえ」, write a target date within the current fiscal year" (R7 manual draft p.3,
//! wic-net.com/material/document/19102/3; shared/reference/japan-regulation.md §1).

use jiff::civil::Date;

use super::Reply;
use super::checklist::Item;
use super::fiscal::FiscalYear;
use crate::invalid::{Checker, Invalid, Problem};
use crate::values::{optional_text, parse_date};

const NOTE_MAX: usize = 2_000;

/// An answer form as typed.
#[derive(Debug, Clone, Default)]
pub struct AnswerInput {
    /// `はい`/`いいえ` (or `yes`/`no`, `○`/`×`).
    pub answer: String,
    /// 確認日: the day the answer was checked.
    pub confirmed_on: String,
    /// 目標日: for いいえ, the day the measure will be in place.
    pub target_on: String,
    /// What the answer rests on (a document, where it is kept).
    pub note: String,
}

/// A valid answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// はい or いいえ.
    pub reply: Reply,
    /// 確認日.
    pub confirmed_on: Date,
    /// 目標日, for いいえ only.
    pub target_on: Option<Date>,
    /// The evidence note.
    pub note: Option<String>,
}

impl Answer {
    /// Checks an answer to `item` in fiscal year `fy` on `today` (Japan); every problem at
    /// once.
    ///
    /// The target day must fall within the fiscal year; for an item required only from a
    /// later year (two-factor authentication: by 令和9年度), up to the end of that year.
    pub fn parse(input: &AnswerInput, item: &Item, fy: FiscalYear, today: Date) -> Result<Self, Vec<Invalid>> {
        let mut c = Checker::default();
        let reply = match input.answer.trim() {
            "" => c.check("answer", Err(Problem::Required)),
            a => c.check("answer", Reply::parse(a)),
        };
        let confirmed_on =
            c.check("confirmed_on", parse_date(&input.confirmed_on).and_then(|d| d.ok_or(Problem::Required)));
        if confirmed_on.is_some_and(|d| d > today) {
            c.push(Invalid::new("confirmed_on", Problem::InFuture));
        }
        let target = c.check("target_on", parse_date(&input.target_on));
        let (from, to) = target_window(item, fy);
        let target_on = match (reply, target) {
            (Some(Reply::No), Some(None)) => {
                c.push(Invalid::new("target_on", Problem::Required));
                None
            }
            (Some(Reply::No), Some(Some(d))) if d < from || d > to => {
                c.push(Invalid::new("target_on", Problem::OutsidePeriod { from, to }));
                None
            }
            // A target day means nothing for はい; a form that kept the field is not an error.
            (Some(Reply::No), Some(d)) => d,
            _ => None,
        };
        let note = c.check("note", optional_text(&input.note, NOTE_MAX));
        c.finish(|| Some(Answer { reply: reply?, confirmed_on: confirmed_on?, target_on, note: note? }))
    }
}

/// The days a いいえ's target may fall on: the fiscal year, or up to the end of the year the
/// item is first required in, if later.
pub fn target_window(item: &Item, fy: FiscalYear) -> (Date, Date) {
    (fy.start(), fy.end().max(item.required_from.end()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::readiness::checklist::edition;

    fn fy() -> FiscalYear {
        FiscalYear::new(2025).unwrap()
    }

    fn item(id: &str) -> &'static Item {
        edition(fy()).unwrap().item(id).unwrap()
    }

    fn input(answer: &str, confirmed: &str, target: &str) -> AnswerInput {
        AnswerInput {
            answer: answer.into(),
            confirmed_on: confirmed.into(),
            target_on: target.into(),
            note: String::new(),
        }
    }

    const TODAY: Date = Date::constant(2025, 11, 20);

    #[test]
    fn a_no_needs_a_target_within_the_fiscal_year() {
        let a =
            Answer::parse(&input("いいえ", "令和7年10月1日", "2026/3/31"), item("ops.mds_sds"), fy(), TODAY).unwrap();
        assert_eq!((a.reply, a.target_on), (Reply::No, Some(Date::constant(2026, 3, 31))));
        let e =
            Answer::parse(&input("いいえ", "2025-10-01", "2026-04-01"), item("ops.mds_sds"), fy(), TODAY).unwrap_err();
        assert_eq!(e, [Invalid::new("target_on", Problem::OutsidePeriod { from: fy().start(), to: fy().end() })]);
        let e = Answer::parse(&input("×", "2025-10-01", ""), item("ops.mds_sds"), fy(), TODAY).unwrap_err();
        assert_eq!(e, [Invalid::new("target_on", Problem::Required)]);
    }

    #[test]
    fn two_factor_may_target_fy2027() {
        let a = Answer::parse(&input("no", "2025-10-01", "2028-03-31"), item("ops.two_factor"), fy(), TODAY).unwrap();
        assert_eq!(a.target_on, Some(Date::constant(2028, 3, 31)));
        let e = Answer::parse(&input("no", "2025-10-01", "2028-04-01"), item("ops.two_factor"), fy(), TODAY);
        assert!(e.is_err());
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let e = Answer::parse(&input("たぶん", "2025-12-01", "x"), item("ops.mds_sds"), fy(), TODAY).unwrap_err();
        let fields: Vec<_> = e.iter().map(|i| i.field).collect();
        assert_eq!(fields, ["answer", "confirmed_on", "target_on"], "{e:?}");
        assert_eq!(e[1].problem, Problem::InFuture);
        let e = Answer::parse(&input("", "", ""), item("ops.mds_sds"), fy(), TODAY).unwrap_err();
        assert_eq!(
            e.iter().map(|i| (i.field, i.problem.clone())).collect::<Vec<_>>(),
            [("answer", Problem::Required), ("confirmed_on", Problem::Required)]
        );
    }

    #[test]
    fn a_yes_drops_a_leftover_target() {
        let a = Answer::parse(&input("はい", "2025-11-20", "2030-01-01"), item("ops.mds_sds"), fy(), TODAY).unwrap();
        assert_eq!((a.reply, a.target_on, a.confirmed_on), (Reply::Yes, None, TODAY));
    }
}
