//! The condition grammar, filter rules and the load options, written from
//! sigma-rules-specification.md (`rules`, section "Condition") and
//! sigma-filters-specification.md (`filters`).

use mamoru_detect::{Level, LoadOptions, Mapping, RuleSet};
use serde_json::{Value, json};

use crate::spec_support::{check, check_rule, evtx, load, load_with, rule, sysmon, windows_rule};

/// Three search identifiers on three fields, so an event says which of them match.
const ABC: &str = "
    a:
        A: 1
    b:
        B: 1
    c:
        C: 1
";

fn abc(condition: &str, cases: &[(&str, bool)]) {
    let detection = format!("{ABC}\n    condition: {condition}\n");
    let events: Vec<(Value, bool)> = cases.iter().map(|(on, expected)| (event(on), *expected)).collect();
    check(&detection, &events);
}

/// `"ac"` is an event on which identifiers a and c match and b does not.
fn event(on: &str) -> Value {
    let mut map = serde_json::Map::new();
    for name in ["A", "B", "C"] {
        let value = if on.contains(&name.to_ascii_lowercase()) { 1 } else { 0 };
        map.insert(name.into(), value.into());
    }
    Value::Object(map)
}

// rules, "Condition": "Logical AND/OR" (`keywords1 or keywords2`) and "Negation with 'not'".
#[test]
fn and_or_not() {
    abc("a and b", &[("ab", true), ("abc", true), ("a", false), ("b", false), ("", false)]);
    abc("a or b", &[("a", true), ("b", true), ("ab", true), ("c", false)]);
    abc("a and not b", &[("a", true), ("ac", true), ("ab", false), ("b", false)]);
    abc("not a", &[("", true), ("bc", true), ("a", false)]);
}

// rules, "Condition", "Operator Precedence (least to most binding)": or, and, not.
#[test]
fn and_binds_tighter_than_or_and_not_tighter_than_and() {
    // a or (b and c)
    abc("a or b and c", &[("a", true), ("bc", true), ("b", false), ("c", false)]);
    // (b and c) or a
    abc("b and c or a", &[("a", true), ("bc", true), ("b", false)]);
    // (not a) and b
    abc("not a and b", &[("b", true), ("ab", false), ("", false)]);
    // (not a) or b
    abc("not a or b", &[("", true), ("ab", true), ("a", false)]);
}

// rules, "Condition", "Brackets": `selection1 and (keywords1 or keywords2)`; "( expression )"
// binds most.
#[test]
fn parentheses_override_precedence() {
    abc("(a or b) and c", &[("ac", true), ("bc", true), ("a", false), ("ab", false)]);
    abc("not (a or b)", &[("", true), ("c", true), ("a", false), ("b", false)]);
    abc("a and (not (b and c))", &[("a", true), ("ab", true), ("abc", false)]);
}

// rules, "Condition": "1/all of search-identifier-pattern ... Matching is done with *
// wildcards (any number of characters) at arbitrary positions in the pattern."
#[test]
fn one_of_and_all_of_a_pattern() {
    let detection = "
        selection_img:
            Image|endswith: '\\rar.exe'
        selection_cli:
            CommandLine|contains: ' a '
        other:
            User: 'bob'
        condition: 1 of selection_*
    ";
    let img = json!({"Image": r"C:\rar.exe", "CommandLine": "x", "User": "x"});
    let cli = json!({"Image": "x", "CommandLine": "rar a x.rar", "User": "x"});
    let both = json!({"Image": r"C:\rar.exe", "CommandLine": "rar a x.rar", "User": "x"});
    let other = json!({"Image": "x", "CommandLine": "x", "User": "bob"});
    check(detection, &[(img.clone(), true), (cli.clone(), true), (both.clone(), true), (other.clone(), false)]);
    let all = detection.replace("1 of selection_*", "all of selection_*");
    check(&all, &[(img.clone(), false), (cli.clone(), false), (both.clone(), true), (other.clone(), false)]);
    // The wildcard may stand anywhere in the pattern.
    let inner = detection.replace("1 of selection_*", "1 of sel*_cli");
    check(&inner, &[(img, false), (cli, true), (both, true), (other, false)]);
}

// rules, "Condition", examples: `1 of selection* and keywords`, `1 of selection* and not
// 1 of filter*`; "x of" binds tighter than not, and, or.
#[test]
fn of_expressions_combine_with_and_not() {
    check(
        "
        selection1:
            A: 1
        selection2:
            B: 1
        filter1:
            C: 1
        filter2:
            D: 1
        condition: 1 of selection* and not 1 of filter*
        ",
        &[
            (json!({"A": 1}), true),
            (json!({"B": 1}), true),
            (json!({"A": 1, "C": 1}), false),
            (json!({"B": 1, "D": 1}), false),
            (json!({"C": 1}), false),
        ],
    );
}

// rules, "Condition": "Logical OR (`1 of them`) or AND (`all of them`) across all defined
// search identifiers not starting with an underscore `_`".
#[test]
fn them_means_every_identifier_not_starting_with_underscore() {
    let detection = "
        a:
            A: 1
        b:
            B: 1
        _helper:
            H: 1
        condition: CONDITION
    ";
    check(
        &detection.replace("CONDITION", "1 of them"),
        &[(json!({"A": 1}), true), (json!({"B": 1}), true), (json!({"H": 1}), false), (json!({}), false)],
    );
    check(
        &detection.replace("CONDITION", "all of them"),
        &[(json!({"A": 1, "B": 1}), true), (json!({"A": 1, "B": 1, "H": 1}), true), (json!({"A": 1}), false)],
    );
}

// rules, "Condition": "The condition can be a list, in this case, each of them generates a
// query. They are logically linked with OR."
#[test]
fn a_list_of_conditions_is_or() {
    check(
        "
        a:
            A: 1
        b:
            B: 1
        condition:
            - a
            - b
        ",
        &[(json!({"A": 1}), true), (json!({"B": 1}), true), (json!({"C": 1}), false)],
    );
}

// rules, "Detection" example ("Whoami Execution") with the logsource `product: windows`,
// `category: process_creation`: Sysmon event 1 and, through the field mapping of rules
// "Field Usage" (`Image: NewProcessName`), Security event 4688.
#[test]
fn the_specification_example_rule_on_windows_events() {
    let text = windows_rule(
        "process_creation",
        r"
        selection:
            Image: 'C:\Windows\System32\whoami.exe'
        condition: selection
        ",
    );
    check_rule(
        &text,
        &[
            (sysmon(1, json!({"Image": r"C:\Windows\System32\whoami.exe"})), true),
            (evtx("Security", 4688, json!({"NewProcessName": r"C:\Windows\System32\whoami.exe"})), true),
            (evtx("Security", 4689, json!({"NewProcessName": r"C:\Windows\System32\whoami.exe"})), false),
            (sysmon(1, json!({"Image": r"C:\Windows\System32\hostname.exe"})), false),
            (json!({"Image": r"C:\Windows\System32\whoami.exe"}), false),
        ],
    );
}

const RAR_RULE: &str = r"title: Data Compressed - rar.exe
id: 6f3e2987-db24-4c78-a860-b4f4095a7095
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\rar.exe'
    condition: selection
level: medium
";

const OTHER_RULE: &str = r"title: Other rar rule
id: 11111111-2222-4333-8444-555555555555
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\rar.exe'
    condition: selection
level: low
";

// filters, "Examples": "Filter Administrator account" applies to the rules it names by id
// ("rules: refers to one or multiple Sigma rules where to add the filter"); the filter's
// condition is added to the rule's. The specification's introduction: "suppress matches of
// multiple rules", written `condition: not selection` as pySigma reads filters.
#[test]
fn a_filter_rule_tunes_only_the_rules_it_names() {
    let filter = r"title: Filter Administrator account
description: The valid administrator account start with adm_
logsource:
    category: process_creation
    product: windows
filter:
    rules:
        - 6f3e2987-db24-4c78-a860-b4f4095a7095 # Data Compressed - rar.exe
        - df0841c0-9846-4e9f-ad8a-7df91571771b # Login on jump host
    selection:
        User|startswith: 'adm_'
    condition: not selection
";
    let loaded = load(&[("rar.yml", RAR_RULE), ("other.yml", OTHER_RULE), ("mf_admins.yml", filter)]);
    assert_eq!(loaded.report.filters, 1);
    let by = |user: &str| sysmon(1, json!({"Image": r"C:\Program Files\WinRAR\rar.exe", "User": user}));
    let mut fired = loaded.fired(&by("CORP\\bob"));
    fired.sort();
    assert_eq!(fired, ["Data Compressed - rar.exe", "Other rar rule"]);
    assert_eq!(loaded.fired(&by("adm_bob")), ["Other rar rule"]);
}

// filters, "Log source": a filter applies to rules of its log source; a Windows filter
// does not tune a rule of another product.
#[test]
fn a_filter_for_another_log_source_does_not_apply() {
    let filter = r"title: Filter on Linux
logsource:
    product: linux
filter:
    rules:
        - 6f3e2987-db24-4c78-a860-b4f4095a7095
    selection:
        User|startswith: 'adm_'
    condition: not selection
";
    let loaded = load(&[("rar.yml", RAR_RULE), ("mf_linux.yml", filter)]);
    let event = sysmon(1, json!({"Image": r"C:\rar.exe", "User": "adm_bob"}));
    assert_eq!(loaded.fired(&event), ["Data Compressed - rar.exe"]);
}

fn tagged(title: &str, status: &str, level: &str, tag: &str) -> String {
    format!(
        "title: {title}\nstatus: {status}\ntags:\n    - {tag}\nlogsource:\n    category: spec_test\n\
         detection:\n    sel:\n        A: 1\n    condition: sel\nlevel: {level}\n"
    )
}

// rules, "Status" (`deprecated`: "the rule is replaced or covered by another one";
// `unsupported`: "cannot be use in its current state"), "Level" and "Tags": LoadOptions
// leave out rules by status, by minimum level and by tag.
#[test]
fn load_options_filter_by_status_level_and_tags() {
    let files = [
        ("stable_high.yml", tagged("stable high", "stable", "high", "attack.t1059")),
        ("test_low.yml", tagged("test low", "test", "low", "attack.t1003")),
        ("deprecated.yml", tagged("deprecated", "deprecated", "critical", "attack.t1059")),
        ("unsupported.yml", tagged("unsupported", "unsupported", "critical", "attack.t1059")),
        ("experimental_medium.yml", tagged("experimental medium", "experimental", "medium", "attack.t1059.001")),
    ];
    let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let titles = |options: &LoadOptions| {
        let loaded = load_with(&files, options);
        assert!(loaded.report.failed.is_empty(), "{:#?}", loaded.report.failed);
        let mut fired = loaded.fired(&json!({"A": 1}));
        fired.sort();
        (fired, loaded.report.skipped)
    };
    let all = ["experimental medium", "stable high", "test low"];
    assert_eq!(titles(&LoadOptions::default()), (all.map(String::from).to_vec(), 2));
    let every_status = LoadOptions { skip_status: Vec::new(), ..LoadOptions::default() };
    assert_eq!(titles(&every_status).0.len(), 5);
    let medium = LoadOptions { min_level: Level::Medium, ..LoadOptions::default() };
    assert_eq!(titles(&medium), (vec!["experimental medium".to_string(), "stable high".to_string()], 3));
    let t1059 = LoadOptions { include_tags: vec!["ATTACK.T1059".into()], ..LoadOptions::default() };
    assert_eq!(titles(&t1059), (vec!["stable high".to_string()], 4));
    let not_t1003 = LoadOptions { exclude_tags: vec!["attack.t1003".into()], ..LoadOptions::default() };
    assert_eq!(titles(&not_t1003).0, ["experimental medium", "stable high"]);
}

// rules, "Condition": a condition naming an identifier the detection does not define, or
// one that does not parse, cannot be evaluated: the rule is reported and the others load.
#[test]
fn broken_conditions_are_reported_and_the_rest_load() {
    let loaded = load_with(
        &[
            ("good.yml", &rule("sel:\n    A: 1\ncondition: sel\n")),
            ("undefined.yml", &rule("sel:\n    A: 1\ncondition: sel and missing\n")),
            ("syntax.yml", &rule("sel:\n    A: 1\ncondition: sel and (\n")),
            ("dangling.yml", &rule("sel:\n    A: 1\ncondition: sel or\n")),
        ],
        &LoadOptions::default(),
    );
    let mut failed = loaded.failed_files();
    failed.sort();
    assert_eq!(failed, ["dangling.yml", "syntax.yml", "undefined.yml"], "{:#?}", loaded.report.failed);
    assert!(loaded.report.failed.iter().all(|f| f.line >= 1));
    assert!(loaded.fires(&json!({"A": 1})));
}

// The specification's own example documents (tests/schema: rules, filters, correlations of
// every type) all load.
#[test]
fn the_specification_example_documents_load() {
    let Some(dir) = crate::support::shared("sigma/spec/tests/schema") else { return };
    let (set, report) = RuleSet::load(&[dir], &LoadOptions::default(), Mapping::builtin());
    assert!(report.failed.is_empty(), "{:#?}", report.failed);
    assert_eq!((report.files, report.filters, report.correlations), (12, 2, 8));
    assert_eq!(set.rules().len(), 2 + 8);
}

// rules, "Value types": `EventID: 4688` is a number. Mamoru compares event ids as text (so
// its candidate index can gate on them) and reads every spelling of a whole number in the
// log as that number, so the rule still fires on each of them, and on nothing else.
#[test]
fn an_event_id_matches_however_the_log_spells_the_number() {
    let detection = "
        selection:
            EventID: 4688
            CommandLine|contains: mimikatz
        condition: selection
    ";
    let with = |id: Value| json!({"EventID": id, "CommandLine": "x mimikatz"});
    check(
        detection,
        &[
            (with(json!(4688)), true),
            (with(json!("4688")), true),
            (with(json!("04688")), true),
            (with(json!("4688.0")), true),
            (with(json!(4688.0)), true),
            (with(json!([1, "4688"])), true),
            (with(json!(4689)), false),
            (with(json!("4688x")), false),
            (with(json!(" 4688 ")), false),
            (json!({"CommandLine": "x mimikatz"}), false),
        ],
    );
    // A rule of event ids alone, in a routed Windows log source.
    let text = "title: t\nlogsource: {product: windows, service: security}\ndetection:\n    selection:\n        EventID: [4800, 4801]\n    condition: selection\nlevel: low\n";
    let security = |id: u32| crate::spec_support::evtx("Security", id, json!({}));
    check_rule(text, &[(security(4800), true), (security(4801), true), (security(4802), false)]);
}
