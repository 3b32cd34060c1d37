//! What the specification tests share: rules written to their own temporary folder and
//! loaded as `mamoru hunt` loads them (built-in mapping), events given as JSON values, and
//! one `check` helper that says which events a detection section must and must not match.

use std::path::PathBuf;

use mamoru_detect::event::from_json_line;
use mamoru_detect::{LoadOptions, LoadReport, Mapping, RuleSet};
use serde_json::{Value, json};
use tempfile::TempDir;

/// A loaded rule set with the folder its files live in.
pub(crate) struct Loaded {
    pub(crate) set: RuleSet,
    pub(crate) report: LoadReport,
    pub(crate) dir: TempDir,
}

impl Loaded {
    /// Titles of the rules that fire on `event` at once (hits held for correlation rules
    /// are not detections yet).
    pub(crate) fn fired(&self, event: &Value) -> Vec<String> {
        let event = from_json_line(&event.to_string()).expect("test events are JSON objects");
        let (detections, _) = self.set.detect(&event);
        detections.iter().map(|d| self.set.rules()[d.rule].title.clone()).collect()
    }

    pub(crate) fn fires(&self, event: &Value) -> bool {
        !self.fired(event).is_empty()
    }

    /// The file names (without folder) of the rules that could not be loaded.
    pub(crate) fn failed_files(&self) -> Vec<String> {
        self.report
            .failed
            .iter()
            .map(|f| PathBuf::from(&f.file).file_name().unwrap().to_string_lossy().into_owned())
            .collect()
    }
}

/// Writes `files` (name, YAML) to a new folder and loads it with `options`.
pub(crate) fn load_with(files: &[(&str, &str)], options: &LoadOptions) -> Loaded {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let (set, report) = RuleSet::load(&[dir.path().to_path_buf()], options, Mapping::builtin());
    Loaded { set, report, dir }
}

/// Loads `files` with the default options; every document must load.
pub(crate) fn load(files: &[(&str, &str)]) -> Loaded {
    let loaded = load_with(files, &LoadOptions::default());
    assert!(loaded.report.failed.is_empty(), "rules failed to load: {:#?}", loaded.report.failed);
    loaded
}

/// A rule with no product, evaluated on every event (plain JSON lines included), around a
/// detection section written at any indentation.
pub(crate) fn rule(detection: &str) -> String {
    format!("title: spec test\nlogsource:\n    category: spec_test\ndetection:\n{}level: high\n", indent(detection))
}

/// A Windows rule of `category` (routed through the log-source mapping).
pub(crate) fn windows_rule(category: &str, detection: &str) -> String {
    format!(
        "title: spec test\nlogsource:\n    product: windows\n    category: {category}\ndetection:\n{}level: high\n",
        indent(detection)
    )
}

/// Loads the rule around `detection` and checks, event by event, whether it fires.
pub(crate) fn check(detection: &str, cases: &[(Value, bool)]) {
    check_rule(&rule(detection), cases);
}

pub(crate) fn check_rule(text: &str, cases: &[(Value, bool)]) {
    let loaded = load(&[("rule.yml", text)]);
    for (event, expected) in cases {
        assert_eq!(loaded.fires(event), *expected, "rule:\n{text}\nevent: {event}\nexpected to fire: {expected}");
    }
}

/// A Sysmon record as `evtx_dump -o jsonl` writes it.
pub(crate) fn sysmon(event_id: u32, data: Value) -> Value {
    evtx("Microsoft-Windows-Sysmon/Operational", event_id, data)
}

pub(crate) fn evtx(channel: &str, event_id: u32, data: Value) -> Value {
    json!({"Event": {
        "System": {"EventID": event_id, "Channel": channel, "Computer": "PC01"},
        "EventData": data,
    }})
}

/// Standard Base64 with padding, enough to build encoded command lines in tests.
pub(crate) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let byte = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (byte(0) << 16) | (byte(1) << 8) | byte(2);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

pub(crate) fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

pub(crate) fn utf16be(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_be_bytes).collect()
}

/// Strips the common indentation of `text` and indents every line by four spaces.
fn indent(text: &str) -> String {
    let lines: Vec<&str> = text.lines().skip_while(|l| l.trim().is_empty()).collect();
    let common = lines.iter().filter(|l| !l.trim().is_empty()).map(|l| l.len() - l.trim_start().len()).min();
    let common = common.unwrap_or(0);
    let mut out = String::new();
    for line in lines {
        if line.trim().is_empty() {
            continue;
        }
        out.push_str("    ");
        out.push_str(&line[common..]);
        out.push('\n');
    }
    out
}

#[test]
fn base64_helper_matches_the_rfc_examples() {
    assert_eq!(base64(b""), "");
    assert_eq!(base64(b"f"), "Zg==");
    assert_eq!(base64(b"fo"), "Zm8=");
    assert_eq!(base64(b"foobar"), "Zm9vYmFy");
}
