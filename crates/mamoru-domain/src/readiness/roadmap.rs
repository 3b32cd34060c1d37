//! The roadmap: the controls a facility still lacks, ordered into fiscal years with the
//! regulatory dates, as a plan management can approve.
//!
//! Where each gap goes (shared/reference/japan-regulation.md §1):
//! - いいえ with a 目標日: the fiscal year of that day (the manual asks for a target within the
//!   year); a 目標日 already past is overdue and goes first in the current year;
//! - an item required only from a later year goes to that year (two-factor authentication:
//!   by 令和9年度 = FY2027, guideline 6.0 システム運用編 14);
//! - everything else required now (unanswered, an evidence rule finding a gap, an inspection
//!   point with gaps) goes to the current year; what is required now and unanswered is
//!   overdue, since an inspector expects every item answered and dated.

use jiff::civil::Date;

use super::fiscal::FiscalYear;

/// Where a gap was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A checklist item nobody answered.
    Unanswered,
    /// A checklist item answered いいえ.
    AnsweredNo,
    /// A checklist item whose evidence rule finds a gap (proposes いいえ).
    Evidence,
    /// One of the four points an inspection looks at, with gaps.
    InspectionPoint,
}

impl Origin {
    /// Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            Origin::Unanswered => "未回答",
            Origin::AnsweredNo => "いいえ",
            Origin::Evidence => "根拠に不足",
            Origin::InspectionPoint => "立入検査の観点",
        }
    }

    /// Code for JSON.
    pub fn code(self) -> &'static str {
        match self {
            Origin::Unanswered => "unanswered",
            Origin::AnsweredNo => "no",
            Origin::Evidence => "evidence",
            Origin::InspectionPoint => "inspection_point",
        }
    }
}

/// One control the facility lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// A stable key (the item id, or `point.<code>`), for approvals to compare.
    pub key: String,
    /// The checklist's number, e.g. `2-⑩`, where there is one.
    pub no: Option<String>,
    /// What is lacking.
    pub title: String,
    /// Where it was found.
    pub origin: Origin,
    /// The fiscal year from which it must be in place.
    pub required_from: FiscalYear,
    /// The 目標日 a いいえ carries.
    pub target: Option<Date>,
    /// Why, e.g. the evidence rule's reason.
    pub detail: Option<String>,
}

/// One step of the plan: a gap placed in a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The gap.
    pub gap: Gap,
    /// Past its 目標日, or required now and unanswered.
    pub overdue: bool,
    /// Why it sits in this year, in Japanese.
    pub why: String,
}

/// One fiscal year of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Year {
    /// The year.
    pub fiscal_year: FiscalYear,
    /// Its steps: overdue first, then by 目標日, then in the order given.
    pub steps: Vec<Step>,
}

/// Orders the gaps into fiscal years, as of `today`; years in order, none empty.
pub fn plan(gaps: Vec<Gap>, today: Date) -> Vec<Year> {
    let now = FiscalYear::of(today);
    let mut placed: Vec<(FiscalYear, usize, Step)> = gaps
        .into_iter()
        .enumerate()
        .map(|(order, gap)| {
            let (fy, overdue, why) = place(&gap, now, today);
            (fy, order, Step { gap, overdue, why })
        })
        .collect();
    placed.sort_by_key(|(fy, order, s)| (*fy, !s.overdue, s.gap.target.is_none(), s.gap.target, *order));
    let mut years: Vec<Year> = Vec::new();
    for (fy, _, step) in placed {
        match years.last_mut() {
            Some(y) if y.fiscal_year == fy => y.steps.push(step),
            _ => years.push(Year { fiscal_year: fy, steps: vec![step] }),
        }
    }
    years
}

fn place(gap: &Gap, now: FiscalYear, today: Date) -> (FiscalYear, bool, String) {
    if let Some(t) = gap.target {
        if t < today {
            return (now, true, format!("目標日 {t} を過ぎています"));
        }
        return (FiscalYear::of(t).max(now), false, format!("目標日 {t}（{}）", FiscalYear::of(t).label_ja()));
    }
    if gap.required_from > now {
        let fy = gap.required_from;
        return (fy, false, format!("{}（{fy}）から必須", fy.label_ja()));
    }
    let overdue = gap.origin == Origin::Unanswered;
    let why = match gap.origin {
        Origin::Unanswered => "必須の項目が未回答（立入検査では全項目の回答と確認日が必要）".to_owned(),
        Origin::AnsweredNo => "いいえで目標日なし: 今年度中に".to_owned(),
        Origin::Evidence => "根拠の記録に不足: 今年度中に".to_owned(),
        Origin::InspectionPoint => "立入検査の観点に不足: 今年度中に".to_owned(),
    };
    (now, overdue, why)
}

/// The gaps' keys, sorted: what an approval covered, to tell whether the plan changed since.
pub fn keys(years: &[Year]) -> Vec<String> {
    let mut k: Vec<String> = years.iter().flat_map(|y| y.steps.iter().map(|s| s.gap.key.clone())).collect();
    k.sort();
    k
}

#[cfg(test)]
#[path = "roadmap_tests.rs"]
mod tests;
