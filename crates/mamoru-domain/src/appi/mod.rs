//! The APPI (個人情報の保護に関する法律) breach report: whether a leak must be reported to the
//! Personal Information Protection Commission (PPC) and the people told ([`obligation`]), and
//! by when ([`deadlines`]), counted on the days government offices are open ([`holidays`]).
//!
//! Sources: APPI Art. 26 (private businesses) and Art. 68 (public bodies); the Enforcement
//! Rules (施行規則) Art. 7 and 8 (private) and Art. 43 and 44 (public); the PPC's general
//! guidelines (通則編) 3-5. The rules as in force from 2024-04-01 (令和5年委員会規則第5号);
//! the 2026 amendment is not yet in force and is not modelled.

pub mod deadlines;
pub mod holidays;
pub mod obligation;

pub use deadlines::{
    AppliedRule, DeadlineKind, DeadlineRules, Deadlines, DueState, RULES, Reminder, day_number, report_deadlines,
    status_at, tokyo_date,
};
pub use holidays::{Closed, Holiday, holiday_name, is_government_closed, next_open_day};
pub use obligation::{BreachFacts, Obligation, Occurrence, People, Reason, Role, decide};

use crate::choice::choice_enum;
use crate::facility::Operator;
use crate::invalid::Problem;

choice_enum! {
    /// The kinds of reportable event (報告対象事態), numbered as the rules' items: private
    /// businesses have 1–4 (施行規則7条), public bodies 1–5 (施行規則43条).
    pub enum Category {
        /// Item 1: sensitive personal information (要配慮個人情報); medical records are. One
        /// person is enough.
        Sensitive => ("sensitive", "要配慮個人情報", "Sensitive personal information", ["1", "要配慮"]),
        /// Item 2: data whose misuse may cause financial damage (card numbers, bank logins).
        Financial => ("financial", "財産的被害のおそれ", "Possible financial damage", ["2", "財産的被害"]),
        /// Item 3: possibly caused by an act with improper purpose (不正アクセス, theft by staff);
        /// since 2024-04 including data the business was about to obtain. Final report in 60 days.
        ImproperPurpose => ("improper_purpose", "不正の目的", "Improper purpose", ["3", "不正目的"]),
        /// Item 4: more than 1,000 people (private) or more than 100 (public bodies).
        LargeScale => ("large_scale", "多数の本人", "Many individuals", ["4", "多数"]),
        /// Item 5, public bodies only: sensitive data defined by a local ordinance (条例要配慮個人情報).
        OrdinanceSensitive => ("ordinance_sensitive", "条例要配慮個人情報", "Ordinance-defined sensitive information", ["5"]),
    }
}

impl Category {
    /// The item number in the rules, 1–5.
    pub fn number(self) -> u8 {
        match self {
            Category::Sensitive => 1,
            Category::Financial => 2,
            Category::ImproperPurpose => 3,
            Category::LargeScale => 4,
            Category::OrdinanceSensitive => 5,
        }
    }

    /// The category numbered `n`.
    pub fn from_number(n: u8) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.number() == n)
    }

    /// Parses a list such as `1,3` or `要配慮、不正目的` (commas, `、` or `;` between items;
    /// each a number, code or label), sorted and without repeats. Empty is an empty list.
    pub fn parse_list(s: &str) -> Result<Vec<Self>, Problem> {
        let mut out = Vec::new();
        for item in s.split([',', '、', '，', ';']).map(str::trim).filter(|i| !i.is_empty()) {
            let c = Self::parse(item)
                .map_err(|_| Problem::UnknownChoice { given: item.to_owned(), expected: "1, 2, 3, 4, 5".to_owned() })?;
            out.push(c);
        }
        out.sort();
        out.dedup();
        Ok(out)
    }
}

choice_enum! {
    /// Which part of the law governs the report.
    pub enum Regime {
        /// A private business (個人情報取扱事業者): APPI Art. 26, Rules Art. 7–8; more than 1,000 people.
        Private => ("private", "民間事業者（法26条）", "Private business (Art. 26)", ["民間"]),
        /// A public body (行政機関等): APPI Art. 68, Rules Art. 43–44; more than 100 people, and
        /// ordinance-defined sensitive data.
        Public => ("public", "行政機関等（法68条）", "Public body (Art. 68)", ["公的", "行政機関等"]),
    }
}

impl Regime {
    /// Category 4 applies above this many people (百人/千人を超える).
    pub fn threshold(self) -> u64 {
        match self {
            Regime::Private => 1_000,
            Regime::Public => 100,
        }
    }

    /// The article of the Enforcement Rules that lists the reportable events, `7` or `43`.
    pub fn rules_article(self) -> u8 {
        match self {
            Regime::Private => 7,
            Regime::Public => 43,
        }
    }

    /// The article of the Act that imposes the duty, `26` or `68`.
    pub fn act_article(self) -> u8 {
        match self {
            Regime::Private => 26,
            Regime::Public => 68,
        }
    }
}

/// The plain reading of a facility's operator. Beware: as we read APPI Art. 2(11), 58 and 125,
/// the hospitals and clinics of local governments (Art. 58(2)), local independent
/// administrative agencies whose main business is a hospital, and 別表第二 bodies (e.g.
/// 国立病院機構) handle patient data under the private rules, so many "public" hospitals
/// report under Art. 26, not 68; the facility's legal counsel should confirm the regime.
impl From<Operator> for Regime {
    fn from(op: Operator) -> Self {
        match op {
            Operator::Private => Regime::Private,
            Operator::Public => Regime::Public,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_parse_from_numbers_and_labels() {
        assert_eq!(Category::parse_list("3,1"), Ok(vec![Category::Sensitive, Category::ImproperPurpose]));
        assert_eq!(Category::parse_list(" １、不正目的, 1 "), Ok(vec![Category::Sensitive, Category::ImproperPurpose]));
        assert_eq!(Category::parse_list(""), Ok(vec![]));
        assert!(matches!(Category::parse_list("1,9"), Err(Problem::UnknownChoice { given, .. }) if given == "9"));
        for c in Category::ALL {
            assert_eq!(Category::from_number(c.number()), Some(*c));
        }
        assert_eq!(Regime::from(Operator::Public).threshold(), 100);
    }

    /// From the facts to the dates, in both regimes and for every category alone: only an
    /// act with improper purpose (item 3) gives 60 days; the regime changes who is counted,
    /// never the calendar.
    #[test]
    fn every_category_in_both_regimes_reaches_its_deadline() {
        use super::deadlines::report_deadlines;
        use super::obligation::{BreachFacts, Occurrence, People, decide};
        let aware: jiff::Timestamp = "2026-11-20T10:00+09:00".parse().unwrap();
        for regime in [Regime::Private, Regime::Public] {
            let base = BreachFacts { occurrence: Occurrence::Occurred, regime, ..BreachFacts::default() };
            let cases = [
                (BreachFacts { sensitive: true, ..base }, Category::Sensitive),
                (BreachFacts { financial: true, ..base }, Category::Financial),
                (BreachFacts { improper_purpose: true, ..base }, Category::ImproperPurpose),
                (BreachFacts { people: People::Known(regime.threshold() + 1), ..base }, Category::LargeScale),
            ];
            for (facts, want) in cases {
                let o = decide(&facts);
                assert_eq!(o.categories, [want], "{regime:?}");
                let d = report_deadlines(aware, &o.categories);
                let days = if want == Category::ImproperPurpose { 60 } else { 30 };
                assert_eq!(d.final_days, days, "{regime:?} {want:?}");
                assert_eq!(d.preliminary_limit, jiff::civil::date(2026, 11, 24));
            }
            let at_threshold = decide(&BreachFacts { people: People::Known(regime.threshold()), ..base });
            assert!(!at_threshold.reportable, "{regime:?}: exactly the threshold is not more than it");
        }
        let ordinance = BreachFacts {
            occurrence: Occurrence::MayHaveOccurred,
            regime: Regime::Public,
            ordinance_sensitive: true,
            ..BreachFacts::default()
        };
        assert_eq!(decide(&ordinance).categories, [Category::OrdinanceSensitive]);
        assert_eq!(report_deadlines(aware, &decide(&ordinance).categories).final_days, 30);
    }
}
