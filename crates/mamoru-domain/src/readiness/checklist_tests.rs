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
    assert_eq!(
        bad("required_from: 2026", "required_from: soon").to_string(),
        "fy2026.yml:9: item a.b: `required_from`: invalid type: string \"soon\", expected i64"
    );
    assert_eq!(
        bad("required_from: 2026", "required_from: 1999").to_string(),
        "fy2026.yml:9: item a.b: `required_from`: 1999 is not a fiscal year"
    );
    assert_eq!(bad("text: x", "text: \"\"").to_string(), "fy2026.yml:8: item a.b: `text` is empty");
    assert!(bad("[facility]", "facility").to_string().starts_with("fy2026.yml:6: item a.b: `sheets`: invalid type"));
    assert!(
        bad("title: t\n", "title: t\ncolour: red\n").to_string().starts_with("fy2026.yml:3: unknown field `colour`")
    );
    assert!(bad("    text: x\n", "    text: x\n    text: y\n").to_string().contains("duplicate field `text`"));
    assert!(
        bad("    rule: none\n", "    rule: none\n    colour: red\n")
            .to_string()
            .starts_with("fy2026.yml:11: item a.b: unknown field `colour`")
    );
    assert_eq!(bad("title: t\n", "").to_string(), "fy2026.yml:1: missing field `title`");
    assert!(bad("text: x", "text: a: b").to_string().starts_with("fy2026.yml:8: "));
}

/// The schema of one embedded file: it loads (serde refuses unknown and missing fields, the
/// loader unknown groups, sheets, classes and rules, duplicate ids), its year is in its name,
/// every item of the facility's sheet is also on the vendor's or says why not in `note`, and
/// the ids are in the checklist's group order.
fn check_schema(name: &str) {
    let (_, text) = FILES.iter().find(|(f, _)| *f == name).unwrap();
    let e = load(name, text).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(format!("{}.yml", e.id()), name);
    assert!(!e.title.is_empty() && !e.source.is_empty(), "{name}");
    let mut last_group = Group::Governance;
    for item in &e.items {
        let prefix = match item.group {
            Group::Governance => "governance.",
            Group::Operations => "ops.",
            Group::Incident => "incident.",
        };
        assert!(item.id.starts_with(prefix), "{name}: {} is not in {prefix}", item.id);
        assert!(item.group >= last_group, "{name}: {} is out of the groups' order", item.id);
        last_group = item.group;
        assert!(item.required_from.year() <= 2027, "{name}: {}", item.id);
    }
    // An edition drops no item of the one before (R6→R7 deleted nothing; zaitakuiryo-c.com),
    // though it may merge per-class rows into one (`ops.patches.server` → `ops.patches`), which
    // keeps the class-less id.
    if let Some(prev) = editions().iter().rev().find(|p| p.fiscal_year < e.fiscal_year) {
        for old in &prev.items {
            let merged = old.id.rsplit_once('.').is_some_and(|(parent, _)| e.item(parent).is_some());
            assert!(e.item(&old.id).is_some() || merged, "{name} lost {} of {}", old.id, prev.file);
        }
    }
}

#[test]
fn fy2023_matches_the_schema() {
    check_schema("fy2023.yml");
}

#[test]
fn fy2024_matches_the_schema() {
    check_schema("fy2024.yml");
}

#[test]
fn fy2025_matches_the_schema() {
    check_schema("fy2025.yml");
}
