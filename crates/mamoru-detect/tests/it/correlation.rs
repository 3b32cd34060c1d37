//! Correlation rules, written from sigma-correlation-rules-specification.md (`correlation`):
//! every test runs its events twice, through `detect` + `correlate` one event at a time and
//! through `hunt` over a JSON-lines file, and both must give the same detections.

use std::path::PathBuf;

use mamoru_detect::event::from_json_line;
use mamoru_detect::hunt::hunt;
use serde_json::{Value, json};

use crate::spec_support::{Loaded, load};

/// 2024-05-01T10:00:00Z.
const START: i64 = 1_714_557_600;

/// A plain JSON event `seconds` after [`START`].
fn at(seconds: i64, fields: Value) -> Value {
    let mut event = fields;
    let time = jiff::Timestamp::from_second(START + seconds).unwrap().to_string();
    event.as_object_mut().unwrap().insert("@timestamp".into(), time.into());
    event
}

/// A Security-channel record as `evtx_dump -o jsonl` writes it, `seconds` after [`START`].
fn security(seconds: i64, event_id: u32, user: &str) -> Value {
    let time = jiff::Timestamp::from_second(START + seconds).unwrap().to_string();
    json!({"Event": {
        "System": {
            "EventID": event_id, "Channel": "Security", "Computer": "DC1",
            "TimeCreated": {"#attributes": {"SystemTime": time}},
        },
        "EventData": {"User": user},
    }})
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Hit {
    title: String,
    details: Vec<(String, String)>,
}

impl Hit {
    fn detail(&self, key: &str) -> Option<&str> {
        self.details.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

/// The detections of `events` (given in time order) by the rules in `files`, the same
/// through both paths (each with its own rule set: correlation state lives in the set).
fn run(files: &[(&str, &str)], events: &[Value]) -> Vec<Hit> {
    let streamed = {
        let loaded = load(files);
        let mut hits = Vec::new();
        for event in events {
            let event = from_json_line(&event.to_string()).unwrap();
            let (detections, pending) = loaded.set.detect(&event);
            hits.extend(detections.iter().map(|d| hit(&loaded, d)));
            if let Some(pending) = pending {
                hits.extend(loaded.set.correlate(pending).iter().map(|d| hit(&loaded, d)));
            }
        }
        hits
    };
    let mut hunted = {
        let loaded = load(files);
        let file: PathBuf = loaded.dir.path().join("events.jsonl");
        let lines: Vec<String> = events.iter().map(Value::to_string).collect();
        std::fs::write(&file, lines.join("\n")).unwrap();
        let result = hunt(&[file], &loaded.set, &crate::support::options(), &|_| {});
        assert!(result.warnings.is_empty(), "{:?}", result.warnings);
        result.detections.iter().map(|d| hit(&loaded, d)).collect::<Vec<_>>()
    };
    let mut sorted = streamed.clone();
    sorted.sort();
    hunted.sort();
    assert_eq!(sorted, hunted, "detect + correlate and hunt disagree");
    streamed
}

fn hit(loaded: &Loaded, d: &mamoru_detect::Detection) -> Hit {
    Hit { title: loaded.set.rules()[d.rule].title.clone(), details: d.details.clone() }
}

fn titles(hits: &[Hit]) -> Vec<&str> {
    hits.iter().map(|h| h.title.as_str()).collect()
}

const FAILED_LOGIN: &str = "title: Failed login
id: 53ba33fd-3a50-4468-a5ef-c583635cfa92
name: failed_login
logsource:
    category: spec_test
detection:
    selection:
        EventID: 4625
    condition: selection
level: low
";

fn failed(seconds: i64, user: &str) -> Value {
    at(seconds, json!({"EventID": 4625, "User": user}))
}

// correlation, "Event Count (event_count)": "Counts events occurring in the given time frame
// ... must count events for each group specified by group-by separately"; "Time Selection":
// "defines a time period in which the correlation should be applied"; "Generate": by default
// "only the correlation query should be generated", so the counted rule shows nothing itself.
#[test]
fn event_count_counts_per_group_inside_the_timespan() {
    let correlation = "title: Many failed logins
id: 0e95725d-7320-415d-80f7-004da920fc11
correlation:
    type: event_count
    rules:
        - failed_login
    group-by:
        - User
    timespan: 10m
    condition:
        gte: 3
level: high
";
    let files = [("failed.yml", FAILED_LOGIN), ("mr_many.yml", correlation)];
    assert_eq!(load(&files).report.correlations, 1);
    let events = [
        failed(0, "bob"),
        failed(0, "alice"),
        failed(0, "carol"),
        failed(30, "alice"),
        failed(60, "bob"),
        failed(120, "bob"),
        // carol's three failures are 11 minutes apart: never three in one window.
        failed(660, "carol"),
        failed(1320, "carol"),
    ];
    let hits = run(&files, &events);
    assert_eq!(titles(&hits), ["Many failed logins"], "{hits:#?}");
    assert_eq!(hits[0].detail("User"), Some("bob"));
    assert_eq!(hits[0].detail("count"), Some("3"));
}

// correlation, "Condition": "To define a range, you can use the conjunction 'AND' in the
// mapping" (`gt: 100`, `lte: 200`).
#[test]
fn a_condition_range_is_and() {
    let correlation = "title: Two failures exactly
correlation:
    type: event_count
    rules:
        - 53ba33fd-3a50-4468-a5ef-c583635cfa92
    group-by:
        - User
    timespan: 1h
    condition:
        gt: 1
        lte: 2
";
    let files = [("failed.yml", FAILED_LOGIN), ("mr_two.yml", correlation)];
    let hits = run(&files, &[failed(0, "bob"), failed(10, "bob"), failed(20, "bob")]);
    assert_eq!(titles(&hits), ["Two failures exactly"], "{hits:#?}");
    assert_eq!(hits[0].detail("count"), Some("2"));
}

// correlation, "Value Count (value_count)": "Counts values in a field defined by `field`
// ... separately for each group specified by group-by".
#[test]
fn value_count_counts_distinct_values_per_group() {
    let correlation = "title: Many users from one address
correlation:
    type: value_count
    rules:
        - failed_login
    group-by:
        - SourceIp
    timespan: 1d
    condition:
        field: User
        gte: 3
level: high
";
    let files = [("failed.yml", FAILED_LOGIN), ("mr_users.yml", correlation)];
    let from = |s: i64, ip: &str, user: &str| at(s, json!({"EventID": 4625, "User": user, "SourceIp": ip}));
    let events = [
        from(0, "10.0.0.1", "a"),
        from(1, "10.0.0.2", "a"),
        from(2, "10.0.0.1", "b"),
        from(3, "10.0.0.2", "a"),
        from(4, "10.0.0.1", "a"),
        from(5, "10.0.0.2", "a"),
        from(6, "10.0.0.1", "c"),
        from(7, "10.0.0.2", "a"),
    ];
    let hits = run(&files, &events);
    assert_eq!(titles(&hits), ["Many users from one address"], "{hits:#?}");
    assert_eq!(hits[0].detail("SourceIp"), Some("10.0.0.1"));
    assert_eq!(hits[0].detail("count"), Some("3"));
}

/// Rule `recon_cmd_{letter}` matching one command line.
fn recon_rule(letter: char, command: &str) -> String {
    format!(
        "title: Recon {letter}\nname: recon_cmd_{letter}\nid: 00000000-0000-4000-8000-00000000000{letter}\nlogsource:\n    category: spec_test\n\
         detection:\n    selection:\n        CommandLine: '{command}'\n    condition: selection\nlevel: low\n"
    )
}

const RECON: &str = "title: Recon
correlation:
    type: temporal
    rules:
        - recon_cmd_a
        - recon_cmd_b
        - recon_cmd_c
    group-by:
        - ComputerName
        - User
    timespan: 5m
level: high
";

/// The three recon rules and `correlation`, run over `events`.
fn run_recon(correlation: &str, events: &[Value]) -> Vec<Hit> {
    let (a, b, c) = (recon_rule('a', "whoami"), recon_rule('b', "hostname"), recon_rule('c', "ipconfig"));
    run(&[("a.yml", &a), ("b.yml", &b), ("c.yml", &c), ("mr_recon.yml", correlation)], events)
}

fn run_cmd(seconds: i64, host: &str, user: &str, command: &str) -> Value {
    at(seconds, json!({"ComputerName": host, "User": user, "CommandLine": command}))
}

// correlation, "Temporal Proximity (temporal)": "All events defined by the rules referred by
// the rule field must occur in the time frame defined by timespan. The values of fields
// defined in group-by must all have the same value"; the example says "in arbitrary order".
#[test]
fn temporal_wants_every_rule_in_the_window_in_any_order_for_one_group() {
    let events = [
        run_cmd(0, "host1", "bob", "ipconfig"),
        run_cmd(0, "host2", "bob", "whoami"),
        run_cmd(0, "host3", "bob", "whoami"),
        run_cmd(10, "host3", "bob", "hostname"),
        run_cmd(20, "host3", "alice", "ipconfig"),
        run_cmd(60, "host1", "bob", "whoami"),
        run_cmd(60, "host2", "bob", "hostname"),
        run_cmd(120, "host1", "bob", "hostname"),
        // host2's third command comes after five minutes.
        run_cmd(400, "host2", "bob", "ipconfig"),
    ];
    let hits = run_recon(RECON, &events);
    assert_eq!(titles(&hits), ["Recon"], "{hits:#?}");
    assert_eq!(hits[0].detail("ComputerName"), Some("host1"));
    assert_eq!(hits[0].detail("User"), Some("bob"));
}

// correlation, "Ordered Temporal Proximity (temporal_ordered)": "behaves like *temporal* and
// requires in addition that the events appear in the order provided in the *rule* attribute".
#[test]
fn temporal_ordered_wants_the_rules_in_order() {
    let correlation =
        RECON.replace("type: temporal", "type: temporal_ordered").replace("title: Recon", "title: Recon in order");
    // host1 runs a, b, c: in order; host2 runs c, b, a: every rule, in the wrong order.
    let events = [
        run_cmd(0, "host1", "bob", "whoami"),
        run_cmd(0, "host2", "bob", "ipconfig"),
        run_cmd(10, "host1", "bob", "hostname"),
        run_cmd(10, "host2", "bob", "hostname"),
        run_cmd(20, "host1", "bob", "ipconfig"),
        run_cmd(20, "host2", "bob", "whoami"),
    ];
    let hits = run_recon(&correlation, &events);
    assert_eq!(titles(&hits), ["Recon in order"], "{hits:#?}");
    assert_eq!(hits[0].detail("ComputerName"), Some("host1"));
}

// correlation, "Generate": "defines if the rules referred from the correlation rule should
// be converted as stand-alone rules": with `generate: true` the counted rule's own hits are
// detections too.
#[test]
fn generate_true_keeps_the_counted_rule_hits() {
    let correlation = "title: Two failures
correlation:
    type: event_count
    rules:
        - failed_login
    group-by:
        - User
    timespan: 1h
    condition:
        gte: 2
    generate: true
";
    let files = [("failed.yml", FAILED_LOGIN), ("mr_two.yml", correlation)];
    let hits = run(&files, &[failed(0, "bob"), failed(10, "bob")]);
    assert_eq!(titles(&hits), ["Failed login", "Failed login", "Two failures"], "{hits:#?}");
}

// correlation, "Related rules": "A rule can be referred to by the `id` or `name` of a Sigma
// rule" (`id` is optional, rules spec "Identification"): a rule with a name and no id.
#[test]
fn a_rule_without_id_is_referred_to_by_name() {
    let rule = FAILED_LOGIN.replace("id: 53ba33fd-3a50-4468-a5ef-c583635cfa92\n", "");
    let correlation = "title: Two failures
correlation:
    type: event_count
    rules:
        - failed_login
    group-by:
        - User
    timespan: 1h
    condition:
        gte: 2
";
    let files = [("failed.yml", rule.as_str()), ("mr_two.yml", correlation)];
    let hits = run(&files, &[failed(0, "bob"), failed(10, "bob")]);
    assert_eq!(titles(&hits), ["Two failures"], "{hits:#?}");
}

/// The specification's closing example, "Failed Logins Followed by Successful Login", with
/// three failures instead of ten.
const CHAIN: &str = "title: Correlation - Multiple Failed Logins Followed by Successful Login
id: b180ead8-d58f-40b2-ae54-c8940995b9b6
status: experimental
correlation:
    type: temporal_ordered
    rules:
        - multiple_failed_login
        - successful_login
    group-by:
        - User
    timespan: 10m
level: high
---
title: Multiple failed logons
id: a8418a5a-5fc4-46b5-b23b-6c73beb19d41
name: multiple_failed_login
correlation:
    type: event_count
    rules:
        - failed_login
    group-by:
        - User
    timespan: 10m
    condition:
        gte: 3
---
title: Single failed login
id: 53ba33fd-3a50-4468-a5ef-c583635cfa92
name: failed_login
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID:
            - 529
            - 4625
    condition: selection
---
title: Successful login
id: 4d0a2c83-c62c-4ed4-b475-c7e23a9269b8
name: successful_login
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID:
            - 528
            - 4624
    condition: selection
";

// correlation, "Example" ("Correlations can be chained to express more complex use
// cases"), on Security events; "Correlation rules": "The rules in a multi-document YAML that
// build a correlation rule are not producing individual, independent queries", so only the
// outermost correlation is a detection.
#[test]
fn a_chained_correlation_fires_once_for_the_outer_rule() {
    let files = [("mr_failed_then_success.yml", CHAIN)];
    assert_eq!(load(&files).report.correlations, 2);
    let events = [
        security(0, 4625, "bob"),
        security(30, 4625, "bob"),
        security(60, 4625, "bob"),
        security(90, 4624, "bob"),
        // alice logs in without failures; carol fails three times and never succeeds.
        security(100, 4624, "alice"),
        security(110, 4625, "carol"),
        security(120, 4625, "carol"),
        security(130, 4625, "carol"),
    ];
    let hits = run(&files, &events);
    let outer = "Correlation - Multiple Failed Logins Followed by Successful Login";
    assert_eq!(titles(&hits), [outer], "{hits:#?}");
    assert_eq!(hits[0].detail("User"), Some("bob"));
}

// correlation, "Field Name Aliases": "The correlation rule then only matches if the events
// appear with the same address in the respective fields of the events matching the
// referenced Sigma rules" (the specification's example).
#[test]
fn aliases_group_different_fields_of_different_rules() {
    let rules = "title: Internal error
name: internal_error
logsource:
    category: spec_test
detection:
    selection:
        http.response.status_code: 500
    condition: selection
---
title: New connection
name: new_network_connection
logsource:
    category: spec_test
detection:
    selection:
        event.category: network
        event.type: connection
        event.outcome: success
    condition: selection
---
title: Error then connection
correlation:
    type: temporal
    rules:
        - internal_error
        - new_network_connection
    group-by:
        - internal_ip
        - remote_ip
    timespan: 10s
    aliases:
        internal_ip:
            internal_error: destination.ip
            new_network_connection: source.ip
        remote_ip:
            internal_error: source.ip
            new_network_connection: destination.ip
";
    let files = [("mr_alias.yml", rules)];
    let error = |s: i64, src: &str, dst: &str| {
        at(s, json!({"http": {"response": {"status_code": 500}}, "source": {"ip": src}, "destination": {"ip": dst}}))
    };
    let connection = |s: i64, src: &str, dst: &str| {
        at(
            s,
            json!({"event": {"category": "network", "type": "connection", "outcome": "success"},
            "source": {"ip": src}, "destination": {"ip": dst}}),
        )
    };
    let events = [
        error(0, "203.0.113.9", "10.0.0.5"),
        // The same addresses the other way round: the internal host calls back.
        connection(3, "10.0.0.5", "203.0.113.9"),
        // Same direction as the error: not the pattern.
        error(20, "203.0.113.7", "10.0.0.6"),
        connection(22, "203.0.113.7", "10.0.0.6"),
    ];
    let hits = run(&files, &events);
    assert_eq!(titles(&hits), ["Error then connection"], "{hits:#?}");
    assert_eq!(hits[0].detail("internal_ip"), Some("10.0.0.5"));
    assert_eq!(hits[0].detail("remote_ip"), Some("203.0.113.9"));
}
