//! A detection carries the event's who-and-where beside the matched fields, so a person
//! triaging it (and a suppression rule) can name the source address or the user.

use mamoru_detect::{LoadOptions, Mapping, RuleSet};

use crate::support::scan;

const RULE: &str = "title: FortiGate admin login failed
logsource:
    product: fortigate
    service: event
detection:
    selection:
        action: login
        status: failed
    condition: selection
level: high
";

#[test]
fn a_fortigate_detection_names_the_source_address_and_user() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("fw.log");
    std::fs::write(
        &log,
        "<185>date=2025-07-25 time=10:46:31 devname=FG-HQ devid=FGT60D logid=0100032002 type=event subtype=system user=\"admin\" srcip=203.0.113.9 action=login status=failed\n",
    )
    .unwrap();
    let (rules, report) = RuleSet::load_texts(&[("fortigate.yml", RULE)], &LoadOptions::default(), Mapping::builtin());
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let found = scan(&[log], &rules).detections;
    assert_eq!(found.len(), 1);
    let d = &found[0];
    let names: Vec<&str> = d.details.iter().map(|(k, _)| k.as_str()).collect();
    assert!(names.contains(&"action") && names.contains(&"status"), "{names:?}");
    assert!(d.context.contains(&("srcip".to_string(), "203.0.113.9".to_string())), "{:?}", d.context);
    assert!(d.context.contains(&("user".to_string(), "admin".to_string())), "{:?}", d.context);
    assert!(!d.context.iter().any(|(k, _)| k == "action"), "matched fields are not repeated: {:?}", d.context);
    assert_eq!(rules.rules()[d.rule].file, "fortigate.yml");
}

/// The matched fields come in the order the log wrote them, whatever order rsigma's
/// randomly seeded maps visit the rule's selections in.
#[test]
fn matched_fields_are_listed_in_the_logs_order_on_every_run() {
    let rule = "title: Two selections
logsource:
    product: windows
    category: process_creation
detection:
    sel_cli:
        CommandLine|contains: whoami
    sel_parent:
        ParentImage|endswith: '\\cmd.exe'
    sel_image:
        Image|endswith: '\\whoami.exe'
    condition: all of sel_*
";
    let event = mamoru_detect::event::from_json_line(
        r#"{"Event":{"System":{"Channel":"Microsoft-Windows-Sysmon/Operational","EventID":1},"EventData":{"Image":"C:\\Windows\\System32\\whoami.exe","CommandLine":"whoami /all","ParentImage":"C:\\Windows\\System32\\cmd.exe"}}}"#,
    )
    .unwrap();
    for _ in 0..16 {
        // Each load builds new maps with new seeds.
        let (rules, report) = RuleSet::load_texts(&[("two.yml", rule)], &LoadOptions::default(), Mapping::builtin());
        assert!(report.failed.is_empty(), "{:?}", report.failed);
        let (found, _) = rules.detect(&event);
        assert_eq!(found.len(), 1);
        let names: Vec<&str> = found[0].details.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["Image", "CommandLine", "ParentImage"]);
    }
}
