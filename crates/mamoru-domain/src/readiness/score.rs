//! A checklist sheet's figures for the overview of every facility: はい over the items
//! required this year, proposals nobody confirmed, and what an inspector would call overdue
//! (an item unanswered, or いいえ past its 目標日: shared/reference/japan-regulation.md §1).

use jiff::civil::Date;

use super::Reply;
use super::rules::Verdict;

/// One item of a sheet as the overview counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemState {
    /// Whether it must be in place this fiscal year.
    pub required: bool,
    /// The saved answer.
    pub reply: Option<Reply>,
    /// The saved 目標日.
    pub target: Option<Date>,
    /// What its rule proposes now.
    pub proposed: Option<Verdict>,
}

/// A sheet's figures for the overview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Score {
    /// はい among the items required this year.
    pub yes: usize,
    /// Items required this year (two-factor authentication counts from FY2027).
    pub applicable: usize,
    /// Items a rule proposes an answer for that nobody has confirmed yet.
    pub pending: usize,
    /// Items nobody answered.
    pub unanswered: usize,
    /// いいえ past its 目標日.
    pub past_target: usize,
}

impl Score {
    /// Overdue items: unanswered, or いいえ past the target (an inspector wants neither).
    pub fn overdue(&self) -> usize {
        self.unanswered + self.past_target
    }
}

/// Counts a sheet as of `today`.
pub fn score(items: &[ItemState], today: Date) -> Score {
    let mut s = Score::default();
    for i in items {
        if i.required {
            s.applicable += 1;
            s.yes += usize::from(i.reply == Some(Reply::Yes));
        }
        match i.reply {
            None => {
                s.unanswered += 1;
                s.pending += usize::from(matches!(i.proposed, Some(Verdict::Yes | Verdict::No)));
            }
            Some(Reply::No) => s.past_target += usize::from(i.target.is_some_and(|t| t < today)),
            Some(Reply::Yes) => {}
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    const DAY: Date = date(2026, 11, 26);

    #[test]
    fn a_sheet_scores_yes_over_required_items_and_counts_what_is_overdue() {
        let item = |required, reply, target, proposed| ItemState { required, reply, target, proposed };
        let items = [
            item(true, Some(Reply::Yes), None, Some(Verdict::Yes)),
            item(true, Some(Reply::No), Some(date(2026, 10, 1)), None),
            item(true, Some(Reply::No), Some(date(2027, 3, 1)), None),
            item(true, None, None, Some(Verdict::No)),
            item(true, None, None, Some(Verdict::Unknown)),
            // Two-factor authentication before FY2027: not counted in the score.
            item(false, Some(Reply::Yes), None, None),
        ];
        let s = score(&items, DAY);
        assert_eq!(s, Score { yes: 1, applicable: 5, pending: 1, unanswered: 2, past_target: 1 });
        assert_eq!(s.overdue(), 3);
    }
}
