use jiff::civil::date;

use super::*;
use crate::readiness::checklist::edition;

const TODAY: Date = date(2025, 11, 26);

fn fy(y: i16) -> FiscalYear {
    FiscalYear::new(y).unwrap()
}

fn gap(key: &str, origin: Origin, required_from: FiscalYear, target: Option<Date>) -> Gap {
    Gap { key: key.into(), no: None, title: key.into(), origin, required_from, target, detail: None }
}

#[test]
fn two_factor_goes_to_fy2027_from_the_edition_data() {
    // The rule comes from the checklist's own data: 2-⑩ is required from FY2027.
    let two_factor = edition(fy(2025)).unwrap().item("ops.two_factor").unwrap();
    assert_eq!(two_factor.required_from, fy(2027));
    let years = plan(vec![gap("ops.two_factor", Origin::Unanswered, two_factor.required_from, None)], TODAY);
    assert_eq!(years.len(), 1);
    assert_eq!(years[0].fiscal_year, fy(2027));
    assert!(!years[0].steps[0].overdue);
    assert!(years[0].steps[0].why.contains("令和9年度"), "{}", years[0].steps[0].why);
}

#[test]
fn gaps_are_ordered_into_years_overdue_first() {
    let gaps = vec![
        gap("ledger", Origin::Evidence, fy(2023), None),
        gap("mds", Origin::AnsweredNo, fy(2023), Some(date(2026, 2, 1))),
        gap("bcp", Origin::Unanswered, fy(2024), None),
        gap("usb", Origin::AnsweredNo, fy(2025), Some(date(2025, 10, 1))),
        gap("two_factor", Origin::AnsweredNo, fy(2027), Some(date(2027, 6, 30))),
        gap("point.backup", Origin::InspectionPoint, fy(2023), None),
    ];
    let years = plan(gaps, TODAY);
    let shape: Vec<(i16, Vec<(&str, bool)>)> = years
        .iter()
        .map(|y| (y.fiscal_year.year(), y.steps.iter().map(|s| (s.gap.key.as_str(), s.overdue)).collect()))
        .collect();
    assert_eq!(
        shape,
        [
            // FY2025: the target already past first, then the unanswered required item (both
            // overdue), then the dated いいえ, then the rest in the order given.
            (2025, vec![("usb", true), ("bcp", true), ("mds", false), ("ledger", false), ("point.backup", false)]),
            // A いいえ with its 目標日 in FY2027 goes to that year.
            (2027, vec![("two_factor", false)]),
        ]
    );
    assert!(years[0].steps[0].why.contains("過ぎて"));
    assert_eq!(keys(&years), ["bcp", "ledger", "mds", "point.backup", "two_factor", "usb"]);
}

#[test]
fn a_target_in_next_year_goes_there() {
    let years = plan(vec![gap("mds", Origin::AnsweredNo, fy(2023), Some(date(2026, 5, 1)))], TODAY);
    assert_eq!(years[0].fiscal_year, fy(2026));
    assert!(plan(vec![], TODAY).is_empty());
}
