//! Whether a system's backups have been shown to restore recently enough.

use jiff::{SignedDuration, Timestamp};

use crate::choice::choice_enum;

/// How old the last verified restore may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RestorePolicy {
    /// Days after a successful restore test before the next one is overdue.
    pub max_age_days: u32,
}

impl Default for RestorePolicy {
    fn default() -> Self {
        RestorePolicy { max_age_days: super::RESTORE_MAX_AGE_DEFAULT }
    }
}

impl RestorePolicy {
    /// When a restore verified at `verified` becomes overdue.
    pub fn due_at(&self, verified: Timestamp) -> Timestamp {
        verified.saturating_add(SignedDuration::from_hours(24 * i64::from(self.max_age_days))).unwrap_or(Timestamp::MAX)
    }

    /// How long before the due time the status turns "due soon": a week, or a quarter of a
    /// short policy (a 7-day policy warns 1 day ahead, not from the start).
    fn warning(&self) -> SignedDuration {
        SignedDuration::from_hours(24 * i64::from((self.max_age_days / 4).clamp(1, 7)))
    }
}

choice_enum! {
    /// The state of a system's restore verification.
    pub enum RestoreStatus {
        /// The last restore test passed within the policy.
        Fresh => ("fresh", "確認済み", "Verified"),
        /// The last pass ages out within a week (or a quarter of the policy).
        DueSoon => ("due_soon", "まもなく期限", "Due soon"),
        /// The last pass is older than the policy.
        Overdue => ("overdue", "期限切れ", "Overdue"),
        /// No restore test has ever passed.
        Never => ("never", "未実施", "Never tested"),
        /// The most recent restore test failed.
        Failed => ("failed", "復元失敗", "Failed"),
    }
}

impl RestoreStatus {
    /// Whether a person must act (shown red, alerted on).
    pub fn needs_action(self) -> bool {
        matches!(self, RestoreStatus::Overdue | RestoreStatus::Never | RestoreStatus::Failed)
    }
}

/// The status from the last passed restore test, the most recent attempt (its time and whether
/// it passed), the policy and `now`. A failure after the last pass outranks age: the copy that
/// was verified may be fine, but the newest one is not, and that is what a restore would use.
pub fn restore_status(
    last_passed: Option<Timestamp>,
    last_attempt: Option<(Timestamp, bool)>,
    policy: RestorePolicy,
    now: Timestamp,
) -> RestoreStatus {
    if let Some((at, false)) = last_attempt
        && last_passed.is_none_or(|p| at > p)
    {
        return RestoreStatus::Failed;
    }
    let Some(passed) = last_passed else { return RestoreStatus::Never };
    let due = policy.due_at(passed);
    if now >= due {
        RestoreStatus::Overdue
    } else if now >= due.saturating_sub(policy.warning()).unwrap_or(Timestamp::MIN) {
        RestoreStatus::DueSoon
    } else {
        RestoreStatus::Fresh
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(n: i64) -> Timestamp {
        Timestamp::from_second(1_780_000_000 + n * 86_400).unwrap()
    }

    #[test]
    fn age_against_the_policy() {
        let p = RestorePolicy::default();
        assert_eq!(p.max_age_days, 30);
        let s = |now| restore_status(Some(day(0)), Some((day(0), true)), p, now);
        assert_eq!(s(day(1)), RestoreStatus::Fresh);
        assert_eq!(s(day(22)), RestoreStatus::Fresh);
        assert_eq!(s(day(23)), RestoreStatus::DueSoon);
        assert_eq!(s(day(30)), RestoreStatus::Overdue);
        assert_eq!(restore_status(None, None, p, day(0)), RestoreStatus::Never);
        let week = RestorePolicy { max_age_days: 7 };
        assert_eq!(restore_status(Some(day(0)), None, week, day(5)), RestoreStatus::Fresh);
        assert_eq!(restore_status(Some(day(0)), None, week, day(6)), RestoreStatus::DueSoon);
    }

    #[test]
    fn a_failure_after_the_last_pass_is_failed_whatever_the_age() {
        let p = RestorePolicy::default();
        assert_eq!(restore_status(Some(day(0)), Some((day(1), false)), p, day(2)), RestoreStatus::Failed);
        assert_eq!(restore_status(None, Some((day(1), false)), p, day(2)), RestoreStatus::Failed);
        // A pass after the failure clears it.
        assert_eq!(restore_status(Some(day(3)), Some((day(3), true)), p, day(4)), RestoreStatus::Fresh);
        assert!(RestoreStatus::Failed.needs_action() && !RestoreStatus::DueSoon.needs_action());
    }
}
