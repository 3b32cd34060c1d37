//! The rules of vulnerability findings: how urgent a finding is, when it is due, and the
//! states it passes through. Feeds and matching live in the `mamoru-vuln` engine; what the
//! organisation decides to do about a match is a rule of the field, so it lives here.

use jiff::civil::Date;

use crate::asset::AssetCategory;
use crate::choice::choice_enum;
use crate::invalid::{Checker, Invalid, Problem};

choice_enum! {
    /// Where a finding stands.
    pub enum FindingStatus {
        /// Matched and not dealt with.
        Open => ("open", "未対応", "Open"),
        /// The asset's version changed and no longer matches.
        Fixed => ("fixed", "修正済み", "Fixed", ["解消"]),
        /// Worked around (e.g. the SSL-VPN turned off) while the fix waits.
        Mitigated => ("mitigated", "緩和策実施", "Mitigated", ["緩和"]),
        /// Accepted for a time, with a reason, by a named person.
        Accepted => ("accepted", "リスク受容", "Risk accepted", ["受容"]),
        /// A person judged the match wrong (a name match on another product).
        Rejected => ("rejected", "誤検知", "Not applicable", ["対象外", "false positive"]),
    }
}

impl FindingStatus {
    /// Whether the finding still needs work (shown, counted, alerted on).
    pub fn is_active(self) -> bool {
        matches!(self, Self::Open)
    }

    /// Whether a person chose this state, so a re-match must not overwrite it.
    pub fn is_decision(self) -> bool {
        matches!(self, Self::Mitigated | Self::Accepted | Self::Rejected)
    }

    /// The state a finding moves to when its asset is matched again on `today`, or `None`
    /// if it stays. `matched` says whether the vulnerability still applies.
    ///
    /// A fixed finding that matches again (the version went back, a record was re-analysed)
    /// re-opens; an acceptance re-opens once it expires; a person's rejection of a match
    /// sticks for as long as the match does; anything that no longer matches is fixed.
    pub fn after_rematch(self, matched: bool, expires: Option<Date>, today: Date) -> Option<Self> {
        match (self, matched) {
            (Self::Fixed, true) => Some(Self::Open),
            (Self::Accepted, true) if expires.is_some_and(|e| e < today) => Some(Self::Open),
            (Self::Open | Self::Mitigated | Self::Accepted, false) => Some(Self::Fixed),
            _ => None,
        }
    }
}

/// What makes an asset urgent to patch: how reachable it is from outside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Exposure {
    /// Marked as reachable from the internet.
    pub internet_facing: bool,
    /// A VPN, UTM/firewall or router: the devices intruders came in through.
    pub perimeter_device: bool,
    /// Has a remote-maintenance line.
    pub remote_maintenance: bool,
}

impl Exposure {
    /// The exposure of an asset from its register fields.
    pub fn of(category: AssetCategory, internet_facing: bool, remote_maintenance: bool) -> Self {
        Self { internet_facing, perimeter_device: category.is_perimeter(), remote_maintenance }
    }

    /// On the edge of the network: where a known-exploited flaw is an open door.
    pub fn is_perimeter(self) -> bool {
        self.internet_facing || self.perimeter_device || self.remote_maintenance
    }

    /// The device, as the reason for a priority names it.
    fn describe(self) -> &'static str {
        match (self.internet_facing, self.perimeter_device, self.remote_maintenance) {
            (true, _, _) => "an internet-facing device",
            (false, true, _) => "a perimeter device",
            (false, false, true) => "a device on a remote-maintenance line",
            _ => "an internal device",
        }
    }
}

/// What is known about one vulnerability when ranking it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Signals {
    /// Listed in CISA's Known Exploited Vulnerabilities catalogue.
    pub kev: bool,
    /// CISA knows it to be used by ransomware.
    pub ransomware: bool,
    /// EPSS probability of exploitation within 30 days (0–1).
    pub epss: Option<f32>,
    /// The highest CVSS base score (0–10).
    pub cvss: Option<f32>,
}

/// An organisation's rules for ranking findings. Priority 1 is the most urgent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Policy {
    /// Days allowed to deal with a finding of priority 1..=5, counted from when it was found.
    pub due_days: [u16; 5],
    /// EPSS probability from which exploitation is considered likely.
    pub epss_likely: f32,
    /// CVSS base score from which a flaw is considered severe.
    pub cvss_severe: f32,
}

impl Default for Policy {
    /// KEV on the perimeter in days, not weeks: these are the flaws ransomware crews used to
    /// enter Japanese hospitals. The rest follow the common 14/30/90/180-day practice.
    fn default() -> Self {
        Self { due_days: [3, 14, 30, 90, 180], epss_likely: 0.1, cvss_severe: 9.0 }
    }
}

/// The longest due period a policy may set, about ten years.
pub const MAX_DUE_DAYS: u16 = 3650;

impl Policy {
    /// Checks a policy as typed; every problem at once.
    pub fn validate(self) -> Result<Self, Vec<Invalid>> {
        let mut check = Checker::default();
        for (field, days) in DUE_FIELDS.into_iter().zip(self.due_days) {
            if days == 0 || days > MAX_DUE_DAYS {
                check.push(Invalid::new(field, Problem::OutOfRange { min: 1, max: i64::from(MAX_DUE_DAYS) }));
            }
        }
        if !(0.0..=1.0).contains(&self.epss_likely) {
            check.push(Invalid::new("epss_likely", Problem::OutOfRange { min: 0, max: 1 }));
        }
        if !(0.0..=10.0).contains(&self.cvss_severe) {
            check.push(Invalid::new("cvss_severe", Problem::OutOfRange { min: 0, max: 10 }));
        }
        check.finish(|| Some(self))
    }

    /// Ranks one vulnerability on one asset and says why in one line.
    pub fn assess(&self, signals: Signals, exposure: Exposure) -> Assessment {
        let perimeter = exposure.is_perimeter();
        let likely = signals.epss.is_some_and(|e| e >= self.epss_likely);
        let severe = signals.cvss.is_some_and(|c| c >= self.cvss_severe);
        let (priority, reason) = if signals.kev && perimeter {
            (1, format!("known exploited (CISA KEV) on {}", exposure.describe()))
        } else if signals.kev {
            (2, "known exploited (CISA KEV)".to_owned())
        } else if likely && perimeter {
            (2, format!("exploitation likely (EPSS) on {}", exposure.describe()))
        } else if likely {
            (3, "exploitation likely (EPSS)".to_owned())
        } else if severe && perimeter {
            (3, format!("severe (CVSS) on {}", exposure.describe()))
        } else if severe || signals.cvss.is_some_and(|c| c >= 7.0) {
            (4, "high CVSS score".to_owned())
        } else {
            (5, "no sign of exploitation and not severe".to_owned())
        };
        let reason = if signals.ransomware { format!("{reason}; used by ransomware") } else { reason };
        Assessment { priority, due_days: self.due_days[usize::from(priority - 1)], reason }
    }
}

/// The form fields of the due periods, in priority order.
pub const DUE_FIELDS: [&str; 5] = ["p1_days", "p2_days", "p3_days", "p4_days", "p5_days"];

/// How urgent one finding is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// 1 (most urgent) to 5.
    pub priority: u8,
    /// Days allowed from when it was found.
    pub due_days: u16,
    /// Why, in one line.
    pub reason: String,
}

impl Assessment {
    /// The due date of a finding first seen on `found`.
    pub fn due(&self, found: Date) -> Date {
        due_date(found, self.due_days)
    }
}

/// The day a finding found on `found` is due, `days` later (`found` itself should that fall
/// beyond the calendar).
pub fn due_date(found: Date, days: u16) -> Date {
    found.checked_add(jiff::Span::new().days(i64::from(days))).unwrap_or(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vpn() -> Exposure {
        Exposure::of(AssetCategory::Vpn, true, false)
    }

    #[test]
    fn kev_on_the_perimeter_comes_first_and_is_due_in_days() {
        let p = Policy::default();
        let a = p.assess(Signals { kev: true, cvss: Some(9.8), ..Default::default() }, vpn());
        assert_eq!((a.priority, a.due_days), (1, 3));
        assert_eq!(a.reason, "known exploited (CISA KEV) on an internet-facing device");
        let found = Date::constant(2026, 11, 25);
        assert_eq!(a.due(found), Date::constant(2026, 11, 28));
    }

    #[test]
    fn the_ladder_below_kev() {
        let p = Policy::default();
        let pc = Exposure::of(AssetCategory::Pc, false, false);
        let kev = Signals { kev: true, ..Default::default() };
        assert_eq!(p.assess(kev, pc).priority, 2);
        let likely = Signals { epss: Some(0.5), ..Default::default() };
        assert_eq!(p.assess(likely, vpn()).priority, 2);
        assert_eq!(p.assess(likely, pc).priority, 3);
        let severe = Signals { cvss: Some(9.8), ..Default::default() };
        assert_eq!(p.assess(severe, vpn()).priority, 3);
        assert_eq!(p.assess(severe, pc).priority, 4);
        assert_eq!(p.assess(Signals { cvss: Some(5.0), ..Default::default() }, pc).priority, 5);
        let remote = Exposure::of(AssetCategory::MedicalDevice, false, true);
        assert!(remote.is_perimeter());
        assert_eq!(p.assess(kev, remote).priority, 1);
    }

    #[test]
    fn ransomware_use_is_said() {
        let s = Signals { kev: true, ransomware: true, ..Default::default() };
        assert!(Policy::default().assess(s, vpn()).reason.ends_with("; used by ransomware"));
    }

    #[test]
    fn a_policy_is_checked_whole() {
        let bad = Policy { due_days: [0, 14, 30, 90, 9999], epss_likely: 1.5, cvss_severe: 9.0 };
        let e = bad.validate().unwrap_err();
        let fields: Vec<_> = e.iter().map(|i| i.field).collect();
        assert_eq!(fields, ["p1_days", "p5_days", "epss_likely"]);
        assert!(Policy::default().validate().is_ok());
    }

    #[test]
    fn the_lifecycle_on_rematch() {
        use FindingStatus::*;
        let today = Date::constant(2026, 11, 25);
        assert_eq!(Open.after_rematch(true, None, today), None);
        assert_eq!(Open.after_rematch(false, None, today), Some(Fixed));
        assert_eq!(Fixed.after_rematch(true, None, today), Some(Open));
        assert_eq!(Rejected.after_rematch(true, None, today), None);
        assert_eq!(Mitigated.after_rematch(true, None, today), None);
        assert_eq!(Accepted.after_rematch(true, Some(Date::constant(2026, 11, 25)), today), None);
        assert_eq!(Accepted.after_rematch(true, Some(Date::constant(2026, 11, 24)), today), Some(Open));
        assert_eq!(Accepted.after_rematch(false, None, today), Some(Fixed));
    }

    #[test]
    fn decisions_stick_and_only_open_is_active() {
        assert!(FindingStatus::Open.is_active());
        assert!(!FindingStatus::Fixed.is_decision());
        assert!(FindingStatus::Rejected.is_decision());
        assert_eq!(FindingStatus::parse("誤検知").unwrap(), FindingStatus::Rejected);
    }
}
