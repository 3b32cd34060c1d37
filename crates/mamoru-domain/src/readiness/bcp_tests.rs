use jiff::civil::Date;

use super::*;
use crate::readiness::drills::{SCENARIOS, scenario};
use crate::readiness::rules::{Facts, RuleId, Verdict};

const TODAY: Date = Date::constant(2025, 11, 20);

#[test]
fn rto_red_when_exceeded_or_untested() {
    assert_eq!(rto_check(Some(240), Some(3 * 3_600_000)), RtoCheck::Met);
    assert_eq!(rto_check(Some(240), Some(240 * 60_000)), RtoCheck::Met, "exactly the target is within it");
    assert_eq!(rto_check(Some(240), Some(240 * 60_000 + 1)), RtoCheck::Exceeded);
    assert_eq!(rto_check(Some(240), None), RtoCheck::Untested);
    assert_eq!(rto_check(None, None), RtoCheck::Untested);
    assert_eq!(rto_check(None, Some(1_000)), RtoCheck::NoTarget);
    assert!(RtoCheck::Exceeded.is_red() && RtoCheck::Untested.is_red());
    assert!(!RtoCheck::Met.is_red() && !RtoCheck::NoTarget.is_red());
}

#[test]
fn drilled_within_the_year() {
    assert!(within_year(Some(Date::constant(2024, 11, 21)), TODAY));
    assert!(!within_year(Some(Date::constant(2024, 11, 20)), TODAY), "365 days ago is outside");
    assert!(!within_year(Some(Date::constant(2025, 11, 21)), TODAY), "a future day is no drill");
    assert!(!within_year(None, TODAY));
}

fn rule(bcp: Option<super::Bcp>) -> Verdict {
    let mut f = Facts {
        as_of: TODAY,
        register: Default::default(),
        remote_devices: vec![],
        vendors: vec![],
        vuln_feeds_loaded: false,
        overdue_network: vec![],
        accounts: vec![],
        two_factor_required: false,
        chain: vec![],
        backups: None,
        bcp: None,
        security_manager: None,
    };
    f.bcp = bcp;
    RuleId::BcpDrill.evaluate(&f).verdict
}

#[test]
fn the_fact_turns_the_rule_from_asking_to_yes_or_no() {
    let approved = Some(Date::constant(2025, 4, 1));
    assert_eq!(fact(false, None, &[], TODAY), None);
    assert_eq!(rule(fact(false, None, &[], TODAY)), Verdict::Unknown);
    assert_eq!(rule(fact(true, None, &[], TODAY)), Verdict::No, "a draft is not an adopted BCP");
    assert_eq!(rule(fact(true, approved, &[], TODAY)), Verdict::No, "never drilled");
    let old = Date::constant(2024, 10, 1);
    assert_eq!(rule(fact(true, approved, &[old], TODAY)), Verdict::No, "drilled more than a year ago");
    let recent = Date::constant(2025, 9, 12);
    let f = fact(true, approved, &[old, recent, Date::constant(2026, 1, 1)], TODAY).unwrap();
    assert_eq!(f.drilled_on, Some(recent), "the latest drill held by then; a planned one does not count");
    assert_eq!(rule(Some(f)), Verdict::Yes);
    let stale = Some(Date::constant(2024, 9, 1));
    assert_eq!(rule(fact(true, stale, &[recent], TODAY)), Verdict::No, "reviewed more than a year ago");
}

#[test]
fn scenarios_have_injects_with_questions_and_unique_codes() {
    assert_eq!(SCENARIOS.len(), 3);
    for s in SCENARIOS {
        assert_eq!(scenario(s.code), Some(s));
        assert!(!s.injects.is_empty() && s.injects.iter().all(|i| !i.questions.is_empty()), "{}", s.code);
    }
    assert!(scenario("vpn-ransomware").unwrap().title.contains("VPN"));
    assert_eq!(scenario("nope"), None);
}

#[test]
fn every_section_has_a_template_and_labels() {
    assert_eq!(Section::ALL.len(), 7);
    for s in Section::ALL {
        assert!(!s.template().is_empty() && !s.ja().is_empty(), "{s:?}");
    }
    assert_eq!(minutes_label(45), "45分");
    assert_eq!(minutes_label(125), "2時間05分");
}
