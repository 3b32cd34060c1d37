//! The bodies of the detection engine's fuzz targets. The cargo-fuzz targets in
//! `fuzz_targets/` call them, and the normal test suite runs them over mutated samples
//! (`crates/mamoru-detect/tests/it/fuzzing.rs` includes this file as a module), since
//! cargo-fuzz needs nightly. No input may make them panic.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use evtx::{EvtxParser, ParserSettings, RenderedChunkItem};
use mamoru_detect::event::{
    ChunkReader, SyslogOptions, from_evtx_json, from_evtx_json_bytes, from_json_line, from_syslog_line, live_size,
};
use mamoru_detect::hunt::{HuntOptions, hunt};
use mamoru_detect::{LoadOptions, LogEvent, Mapping, RuleSet};

/// Bytes as a rule file: loaded as a folder of rules is, then run on a few events.
pub fn rules(data: &[u8]) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = dir.path().join("fuzz.yml");
    std::fs::write(&file, data).expect("the rule file is written");
    load_and_run(&file);
}

/// Text as the condition of a rule whose selections are named as SigmaHQ names them.
pub fn condition(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = rsigma_parser::parse_condition(&text);
    // A JSON string is a YAML double-quoted scalar, so the text reaches the condition as is.
    let quoted = serde_json::to_string(&text).expect("a string is JSON");
    let rule = CONDITION_RULE.replace("CONDITION", &quoted);
    rules(rule.as_bytes());
}

/// Bytes as JSON lines, syslog lines and an EVTX file, decoded (EVTX both ways) and run on a
/// few rules; then `hunt` over the bytes as an `.evtx` and as a `.log` file.
pub fn events(data: &[u8]) {
    let set = sample_rules();
    let text = String::from_utf8_lossy(data);
    for line in std::iter::once(text.as_ref()).chain(text.lines().take(16)) {
        if let Ok(event) = from_json_line(line) {
            run(set, &event);
        }
        run(set, &from_syslog_line(line, &syslog_options()));
    }
    evtx_records(data, set);
    binxml_chunks(data);
    for name in ["fuzz.evtx", "fuzz.log"] {
        hunt_file(data, name, set);
    }
}

/// The records of an EVTX file, rendered a chunk at a time as `hunt` renders them. Both
/// decoders must make the same event of each record: the streaming one `hunt` uses and the
/// tree one.
fn evtx_records(data: &[u8], set: &RuleSet) {
    let Ok(parser) = EvtxParser::from_buffer(data.to_vec()) else { return };
    let mut parser = parser.with_configuration(ParserSettings::default().num_threads(1));
    for chunk in parser.chunks_json_bytes(false).take(64) {
        for (_, json) in chunk.records() {
            let streamed = from_evtx_json_bytes(json);
            let tree = serde_json::from_slice(json).map(from_evtx_json);
            match (streamed, tree) {
                (Ok(a), Ok(Ok(b))) => {
                    assert_eq!(a.fields, b.fields, "the decoders differ");
                    assert_eq!(a.timestamp, b.timestamp);
                    run(set, &a);
                }
                (Err(_), Ok(Err(_)) | Err(_)) => {}
                (a, b) => panic!("one decoder read the record and the other did not: {a:?} / {b:?}"),
            }
        }
    }
}

/// The chunks of an EVTX file read straight from their BinXML, as `hunt` reads them first:
/// a chunk read so must give the events its JSON rendering gives.
fn binxml_chunks(data: &[u8]) {
    const HEADER: usize = 4096;
    if data.len() <= HEADER || EvtxParser::from_buffer(data.to_vec()).is_err() {
        return;
    }
    let mut reader = ChunkReader::default();
    for chunk in data[HEADER..].chunks_exact(65_536).take(16) {
        let mut read = Vec::new();
        // As `hunt` reads it: up to its free space.
        let given = live_size(chunk).map_or(chunk, |n| &chunk[..n.min(chunk.len())]);
        if reader.read(given, &mut |event| read.push(event.clone())).is_err() {
            continue;
        }
        let mut one = data[..HEADER].to_vec();
        one.extend_from_slice(chunk);
        let Ok(parser) = EvtxParser::from_buffer(one) else { panic!("a chunk read from BinXML, refused as JSON") };
        let mut parser = parser.with_configuration(ParserSettings::default().num_threads(1));
        let mut rendered = Vec::new();
        for chunk in parser.chunks_json_bytes(false) {
            for item in &chunk.items {
                assert!(
                    matches!(item, RenderedChunkItem::Record { .. }),
                    "a record read from BinXML failed as JSON: {item:?}"
                );
            }
            rendered.extend(
                chunk
                    .records()
                    .map(|(_, json)| from_evtx_json_bytes(json).expect("the JSON of a record read from BinXML")),
            );
        }
        assert_eq!(read.len(), rendered.len(), "the two paths read different records");
        for (a, b) in read.iter().zip(&rendered) {
            assert_eq!(a.fields, b.fields, "the two paths read a record differently");
            assert_eq!(a.timestamp, b.timestamp);
        }
    }
}

fn hunt_file(data: &[u8], name: &str, set: &RuleSet) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = dir.path().join(name);
    std::fs::write(&file, data).expect("the log file is written");
    let options = HuntOptions { syslog: syslog_options() };
    let result = hunt(std::slice::from_ref(&file), set, &options, &|_| {});
    let shown = file.display().to_string();
    assert!(result.warnings.iter().all(|w| w.file == shown), "{:?}", result.warnings);
    assert!(result.detections.iter().all(|d| d.rule < set.rules().len()));
}

fn load_and_run(file: &Path) {
    let options = LoadOptions { skip_status: Vec::new(), ..LoadOptions::default() };
    let (set, report) = RuleSet::load(&[file.to_path_buf()], &options, mapping().clone());
    let shown = file.display().to_string();
    for failure in &report.failed {
        assert_eq!(failure.file, shown, "{failure:?}");
        assert!(!failure.reason.is_empty(), "{failure:?}");
    }
    for event in sample_events() {
        run(&set, event);
    }
}

fn run(set: &RuleSet, event: &LogEvent) {
    let (detections, pending) = set.detect(event);
    let correlated = pending.map(|p| set.correlate(p)).unwrap_or_default();
    for d in detections.iter().chain(&correlated) {
        assert!(d.rule < set.rules().len(), "a detection names a rule that is not loaded");
    }
}

fn syslog_options() -> SyslogOptions {
    SyslogOptions { year: 2025, time_zone: jiff::tz::TimeZone::UTC, not_after: None }
}

fn mapping() -> &'static Mapping {
    static MAPPING: OnceLock<Mapping> = OnceLock::new();
    MAPPING.get_or_init(Mapping::builtin)
}

/// Events of each input kind, with the fields the sample rules look at.
fn sample_events() -> &'static [LogEvent] {
    static EVENTS: OnceLock<Vec<LogEvent>> = OnceLock::new();
    EVENTS.get_or_init(|| {
        let lines = [
            r##"{"Event":{"System":{"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Computer":"PC01","TimeCreated":{"#attributes":{"SystemTime":"2024-05-01T10:00:00Z"}}},"EventData":{"Image":"C:\\Windows\\System32\\cmd.exe","CommandLine":"cmd /c whoami /all","ParentImage":"C:\\Windows\\explorer.exe","User":"CORP\\bob","DestinationIp":"10.1.2.3"}}}"##,
            r##"{"Event":{"System":{"EventID":4625,"Channel":"Security","Computer":"DC1","TimeCreated":{"#attributes":{"SystemTime":"2024-05-01T10:00:01Z"}}},"EventData":{"TargetUserName":"admin","IpAddress":"203.0.113.9","LogonType":3}}}"##,
            r#"{"@timestamp":"2024-05-01T10:00:02Z","User":"bob","CommandLine":"powershell -enc SQBFAFgA","n":12,"nested":{"a":[1,"two",null]},"empty":"","none":null}"#,
        ];
        let mut events: Vec<LogEvent> = lines.iter().filter_map(|l| from_json_line(l).ok()).collect();
        events.push(from_syslog_line(
            "<38>May  1 10:00:03 host sshd[42]: Failed password for root from 203.0.113.9 port 22 ssh2",
            &syslog_options(),
        ));
        events
    })
}

/// A few rules of each kind (Windows, plain JSON, keywords, a correlation) for the events target.
fn sample_rules() -> &'static RuleSet {
    static SET: OnceLock<RuleSet> = OnceLock::new();
    SET.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let file: PathBuf = dir.path().join("sample.yml");
        std::fs::write(&file, SAMPLE_RULES).expect("the sample rules are written");
        let (set, report) = RuleSet::load(&[file], &LoadOptions::default(), mapping().clone());
        assert!(report.failed.is_empty(), "{:?}", report.failed);
        set
    })
}

const CONDITION_RULE: &str = r"title: fuzz condition
logsource:
    category: fuzz
detection:
    selection:
        CommandLine|contains: 'whoami'
    selection_img:
        Image|endswith: '\cmd.exe'
    filter_main:
        User: 'SYSTEM'
    keywords:
        - 'mimikatz'
    _hidden:
        n|gt: 3
    condition: CONDITION
level: high
";

const SAMPLE_RULES: &str = r"title: cmd
id: 00000000-0000-4000-8000-000000000001
name: cmd
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        Image|endswith: '\cmd.exe'
        CommandLine|contains|all:
            - 'whoami'
            - '/all'
    filter:
        User|startswith: 'NT AUTHORITY'
    condition: selection and not filter
level: high
---
title: failed logon
id: 00000000-0000-4000-8000-000000000002
name: failed_logon
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID: 4625
        IpAddress|cidr: '203.0.113.0/24'
    condition: selection
level: low
---
title: encoded
logsource:
    category: fuzz
detection:
    selection:
        CommandLine|windash|contains: ' -enc '
    numbers:
        n|gte: 10
    regex:
        CommandLine|re|i: 'POWERSHELL.*SQB'
    condition: 1 of them
level: medium
---
title: keywords
logsource:
    product: linux
detection:
    keywords:
        - 'Failed password'
    condition: keywords
level: low
---
title: repeated failures
correlation:
    type: event_count
    rules:
        - failed_logon
    group-by:
        - IpAddress
    timespan: 10m
    condition:
        gte: 2
level: high
";
