use super::*;

#[test]
fn every_embedded_edition_loads() {
    let years: Vec<i16> = editions().iter().map(|e| e.fiscal_year.year()).collect();
    assert_eq!(years, [2023, 2024, 2025]);
    for e in editions() {
        assert!(e.items_on(Sheet::Facility).count() >= 10, "{}", e.file);
        assert_eq!(e.id(), format!("fy{}", e.fiscal_year.year()));
        for item in &e.items {
            assert!(item.required_from.year() >= 2023, "{}: {}", e.file, item.id);
            // Device-class rows belong to group 2; groups 1 and 3 name no class.
            if item.target.is_some() {
                assert_eq!(item.group, Group::Operations, "{}: {}", e.file, item.id);
            }
        }
    }
}

#[test]
fn fy2025_is_current_and_has_the_r7_additions() {
    let e = current_edition();
    assert_eq!((e.fiscal_year.year(), e.published), (2025, Some(Date::constant(2025, 5, 16))));
    let two_factor = e.item("ops.two_factor").unwrap();
    assert_eq!((two_factor.required_from.year(), two_factor.rule), (2027, Some(RuleId::TwoFactor)));
    assert!(!two_factor.required_in(e.fiscal_year));
    for id in ["ops.password_rule", "ops.password_reuse", "ops.external_media", "governance.rules"] {
        assert_eq!(e.item(id).unwrap().required_from.year(), 2025, "{id}");
    }
    assert_eq!(e.item("incident.contact_chart").unwrap().rule, Some(RuleId::ContactChart));
    assert_eq!(e.item("ops.access_log.server").unwrap().target, Some(Target::Server));
    // R5's 参考項目 became required in FY2024.
    let r5 = edition(FiscalYear::new(2023).unwrap()).unwrap();
    assert_eq!(r5.item("incident.bcp").unwrap().required_from.year(), 2024);
    assert!(r5.item("ops.password_rule").is_none());
}

#[test]
fn a_year_without_its_own_edition_uses_the_last_one() {
    assert_eq!(edition(FiscalYear::new(2026).unwrap()).unwrap().fiscal_year.year(), 2025);
    assert_eq!(edition(FiscalYear::new(2024).unwrap()).unwrap().fiscal_year.year(), 2024);
    assert!(edition(FiscalYear::new(2022).unwrap()).is_none());
}

const GOOD: &str = "edition: 2026\ntitle: t\nsource: s\nitems:\n  - id: a.b\n    sheets: [facility]\n    group: 体制構築\n    text: x\n    required_from: 2026\n    rule: none\n";

#[test]
fn a_new_edition_is_data_only() {
    let e = load("fy2026.yml", GOOD).unwrap();
    assert_eq!((e.id(), e.items.len(), e.items[0].rule), ("fy2026".to_owned(), 1, None));
}

#[test]
fn bad_files_name_the_file_line_and_item() {
    let bad = |from: &str, to: &str| load("fy2026.yml", &GOOD.replace(from, to)).unwrap_err();
    let e = bad("rule: none", "rule: magic");
    assert_eq!((e.line, e.item.as_deref()), (10, Some("a.b")));
    assert_eq!(e.to_string(), "fy2026.yml:10: item a.b: unknown rule id \"magic\"");
    let e = bad("    text: x\n", "");
    assert_eq!(e.to_string(), "fy2026.yml:5: item a.b: missing field `text`");
    let e = bad(
        "rule: none\n",
        "rule: none\n  - id: a.b\n    sheets: [vendor]\n    group: 体制構築\n    text: y\n    required_from: 2026\n    rule: none\n",
    );
    assert_eq!(e.to_string(), "fy2026.yml:11: item a.b: duplicate item id");
    assert!(bad("group: 体制構築", "group: 経営").to_string().contains("item a.b: unknown value"));
    assert!(bad("[facility]", "[patient]").to_string().contains("unknown sheet"));
    assert!(bad("required_from: 2026", "required_from: soon").to_string().contains("not a fiscal year"));
    assert!(
        bad("    rule: none\n", "    rule: none\n    colour: red\n").to_string().contains("unknown field `colour`")
    );
    assert_eq!(bad("title: t\n", "").to_string(), "fy2026.yml:1: missing field `title`");
    assert!(bad("text: x", "text: a: b").to_string().starts_with("fy2026.yml:8: "));
}
