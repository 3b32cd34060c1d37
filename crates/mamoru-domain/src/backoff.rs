//! Login back-off: after repeated failures an account waits longer and longer.
//!
//! Waiting rather than locking keeps a guessing attacker slow without letting them lock a
//! nurse out of the register for good. The count resets on a successful login.

use jiff::{SignedDuration, Timestamp};

/// Failures allowed before the first wait.
pub const FREE_ATTEMPTS: u32 = 5;
/// The first wait.
pub const FIRST_WAIT: SignedDuration = SignedDuration::from_secs(30);
/// The longest wait.
pub const MAX_WAIT: SignedDuration = SignedDuration::from_mins(15);

/// How long an account must wait after `failures` consecutive failures (zero if none).
pub fn wait_after(failures: u32) -> SignedDuration {
    if failures < FREE_ATTEMPTS {
        return SignedDuration::ZERO;
    }
    let doublings = (failures - FREE_ATTEMPTS).min(10);
    let secs = FIRST_WAIT.as_secs().saturating_mul(1 << doublings);
    SignedDuration::from_secs(secs).min(MAX_WAIT)
}

/// When the account may try again after a failure at `now`, or `None` if it may at once.
pub fn locked_until(failures: u32, now: Timestamp) -> Option<Timestamp> {
    let wait = wait_after(failures);
    (!wait.is_zero()).then(|| now + wait)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_and_cap() {
        assert_eq!(wait_after(4), SignedDuration::ZERO);
        assert_eq!(wait_after(5).as_secs(), 30);
        assert_eq!(wait_after(6).as_secs(), 60);
        assert_eq!(wait_after(9).as_secs(), 480);
        assert_eq!(wait_after(10), MAX_WAIT);
        assert_eq!(wait_after(1_000), MAX_WAIT);
        let now: Timestamp = "2026-11-25T01:00:00Z".parse().unwrap();
        assert_eq!(locked_until(5, now).unwrap().to_string(), "2026-11-25T01:00:30Z");
        assert_eq!(locked_until(1, now), None);
    }
}
