//! `mamoru hunt` and `mamoru rules check` over ../shared/data (skipped, with a message, where
//! it is missing): the timeline's keys and Japan's time, damaged files named while the scan goes
//! on, CSV, the level filter, broken rules with file and line, exit codes, and a golden
//! timeline of the DeepBlueCLI samples in tests/data (`MAMORU_UPDATE_GOLDEN=1` rewrites it).

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

use super::support::{mamoru, stderr, stdout};

fn shared(rel: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipped: {} is missing", p.display());
        None
    }
}

fn hunt(args: &[&str]) -> Output {
    mamoru().arg("hunt").args(args).output().unwrap()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn jsonl(out: &Output) -> Vec<Value> {
    stdout(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}\n{}", stderr(out))))
        .collect()
}

/// The damaged or odd samples of ../shared/data/README.md that the reader must name.
const DAMAGED: &[&str] = &[
    "derived-malformed/bad_file_magic.evtx",
    "derived-malformed/bad_first_chunk_magic.evtx",
    "derived-malformed/empty.evtx",
    "derived-malformed/header_only.evtx",
    "derived-malformed/random_byte_flips.evtx",
    "derived-malformed/random_noise.evtx",
    "derived-malformed/text_renamed.evtx",
    "derived-malformed/truncated_header.evtx",
    "derived-malformed/truncated_mid_chunk.evtx",
    "samples/sample_with_a_bad_chunk_magic.evtx",
    "samples/sample-with-zero-data-size-event.evtx",
];

#[test]
fn hunt_over_the_shared_evtx_with_every_sigma_rule() {
    let (Some(evtx), Some(rules)) = (shared("evtx"), shared("sigma/rules")) else { return };
    let out = hunt(&[path(&evtx), "--rules", path(&rules), "--format", "jsonl"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let lines = jsonl(&out);
    assert!(lines.len() > 1000, "{} detections\n{err}", lines.len());
    for d in &lines {
        for key in ["timestamp", "computer", "channel", "event_id", "level", "rule_title", "rule_file", "details"] {
            assert!(d.get(key).is_some(), "no {key} in {d}");
        }
        // "2013-10-24 01:22:39.973 +09:00": Japan's time, the offset written out.
        let ts = d["timestamp"].as_str().unwrap();
        assert!(ts.len() == 30 && ts.ends_with(" +09:00"), "{ts}");
        assert!(d["details"].is_object(), "{d}");
        assert!(d["rule_file"].as_str().unwrap().ends_with(".yml"), "{d}");
    }
    // 2013-10-23T16:22:39.9735Z in the record.
    let added = lines
        .iter()
        .find(|d| d["file"].as_str().unwrap().ends_with("new-user-security.evtx") && d["record_id"] == 111)
        .expect("a detection on new-user-security.evtx record 111");
    assert_eq!(added["timestamp"], "2013-10-24 01:22:39.973 +09:00");
    let levels: Vec<&str> = lines.iter().map(|d| d["level"].as_str().unwrap()).collect();
    assert!(levels.contains(&"critical") && levels.contains(&"high"), "{levels:?}");

    // Every damaged file is named on stderr, and the files after it are still read.
    for name in DAMAGED {
        assert!(err.lines().any(|l| l.starts_with("warning: ") && l.contains(name)), "{name} not named:\n{err}");
    }
    assert!(err.contains("header_only.evtx: the file is cut short"), "{err}");
    for later in ["Security_with_size_t.evtx", "system.evtx", "sysmon.evtx"] {
        assert!(lines.iter().any(|d| d["file"].as_str().unwrap().ends_with(later)), "nothing from {later}");
    }
    let summary = err.lines().find(|l| l.contains(" files, ")).unwrap_or_else(|| panic!("no summary:\n{err}"));
    assert!(summary.starts_with("133 files, "), "{summary}");
}

#[test]
fn csv_has_a_header_and_min_level_keeps_the_serious_ones() {
    let (Some(evtx), Some(rules)) = (shared("evtx/DeepBlueCLI"), shared("sigma/rules/windows")) else { return };
    let out = hunt(&[path(&evtx), "--rules", path(&rules), "--format", "csv", "-q"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let csv = stdout(&out);
    assert!(
        csv.starts_with("timestamp,computer,channel,event_id,record_id,level,rule_title,details,rule_file,file\n"),
        "{}",
        &csv[..csv.len().min(200)]
    );
    assert!(csv.lines().count() > 100, "{csv}");

    let all = jsonl(&hunt(&[path(&evtx), "--rules", path(&rules), "--format", "jsonl", "-q"]));
    let out = hunt(&[path(&evtx), "--rules", path(&rules), "--format", "jsonl", "-q", "--min-level", "high"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let serious = jsonl(&out);
    assert!(serious.iter().all(|d| d["level"] == "high" || d["level"] == "critical"), "{serious:?}");
    let expected = all.iter().filter(|d| d["level"] == "high" || d["level"] == "critical").count();
    assert_eq!(serious.len(), expected);
    assert!(!serious.is_empty() && serious.len() < all.len(), "{} of {}", serious.len(), all.len());
}

/// Three rules that cannot load, each defect on a known line, beside two good ones.
fn broken_rule_folder(dir: &Path) {
    let head = |title: &str, n: u8| {
        format!(
            "title: {title}\nid: 5a9c1f3e-0000-4000-8000-00000000000{n}\nlogsource:\n    product: windows\n    service: security\ndetection:\n"
        )
    };
    // The mapping inside a mapping and the unknown modifier are on line 8, the open
    // parenthesis on line 9.
    let files = [
        (
            "bad_yaml.yml",
            head("Bad YAML", 1) + "    selection:\n        EventID: 4624: 4625\n    condition: selection\n",
        ),
        (
            "bad_modifier.yml",
            head("Unknown modifier", 2)
                + "    selection:\n        TargetUserName|sounds_like: admin\n    condition: selection\n",
        ),
        (
            "bad_condition.yml",
            head("Bad condition", 3) + "    selection:\n        EventID: 4624\n    condition: selection and (\n",
        ),
        ("good_logon.yml", head("Good logon", 4) + "    selection:\n        EventID: 4624\n    condition: selection\n"),
        ("good_clear.yml", head("Good clear", 5) + "    selection:\n        EventID: 1102\n    condition: selection\n"),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text + "level: high\n").unwrap();
    }
}

#[test]
fn rules_check_names_each_broken_rule_with_file_and_line_and_loads_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    broken_rule_folder(dir.path());
    let out = mamoru().args(["rules", "check", path(dir.path()), "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "some rules failed: {}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out)));
    assert_eq!(report["loaded"], 2, "{report}");
    let failed = report["failed"].as_array().unwrap();
    let line_of = |name: &str| {
        let f = failed
            .iter()
            .find(|f| f["file"].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("{name} not in {report}"));
        assert!(!f["reason"].as_str().unwrap().is_empty(), "{f}");
        (f["line"].as_u64().unwrap(), f["reason"].as_str().unwrap().to_lowercase())
    };
    let (line, reason) = line_of("bad_yaml.yml");
    assert!(line == 8 && reason.contains("yaml"), "{line} {reason}");
    let (line, reason) = line_of("bad_modifier.yml");
    assert!(line == 8 && reason.contains("sounds_like"), "{line} {reason}");
    let (line, reason) = line_of("bad_condition.yml");
    assert!(line == 9 && reason.contains("condition"), "{line} {reason}");
    assert_eq!(failed.len(), 3, "{report}");

    // A hunt with the same folder runs the two good rules and says three could not load.
    if let Some(evtx) = shared("evtx/DeepBlueCLI/evtx/eventlog-dac.evtx") {
        let out = hunt(&[path(&evtx), "--rules", path(dir.path()), "--format", "jsonl"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(stderr(&out).contains("2 rules loaded (3 could not be"), "{}", stderr(&out));
        assert!(jsonl(&out).iter().any(|d| d["rule_title"] == "Good clear"), "{}", stdout(&out));
    }
}

#[test]
fn exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    broken_rule_folder(dir.path());
    let good = dir.path().join("good_logon.yml");
    let check = |p: &Path| mamoru().args(["rules", "check", path(p)]).output().unwrap();
    // 0 when every rule loads, 1 when one does not.
    assert_eq!(check(&good).status.code(), Some(0), "{}", stderr(&check(&good)));
    assert_eq!(check(dir.path()).status.code(), Some(1));
    // 2 when there is nothing to hunt in or nothing to hunt with.
    let missing = dir.path().join("no-such-folder");
    let out = hunt(&[path(&missing), "--rules", path(&good)]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("no log file found"), "{}", stderr(&out));
    let log = dir.path().join("empty.jsonl");
    std::fs::write(&log, "{\"EventID\": 4624}\n").unwrap();
    let out = hunt(&[path(&log), "--rules", path(&missing)]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("no rule could be loaded"), "{}", stderr(&out));
}

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/hunt-deepbluecli.tsv");

/// DeepBlueCLI's attack samples with every SigmaHQ rule, one line per detection: file, record,
/// level, rule title, sorted. A change in the engine, the mapping or the rules shows here;
/// if it is meant, `MAMORU_UPDATE_GOLDEN=1 cargo test -p mamoru-cli --test it hunt` rewrites it.
#[test]
fn golden_timeline_of_deepbluecli() {
    let (Some(evtx), Some(rules)) = (shared("evtx/DeepBlueCLI"), shared("sigma/rules")) else { return };
    let out = hunt(&[path(&evtx), "--rules", path(&rules), "--format", "jsonl", "-q"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut rows: Vec<(String, u64, String, String)> = jsonl(&out)
        .iter()
        .map(|d| {
            let file = d["file"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
            let level = d["level"].as_str().unwrap().to_string();
            (file, d["record_id"].as_u64().unwrap(), level, d["rule_title"].as_str().unwrap().to_string())
        })
        .collect();
    rows.sort();
    let text: String = rows.iter().map(|(f, r, l, t)| format!("{f}\t{r}\t{l}\t{t}\n")).collect();
    if std::env::var_os("MAMORU_UPDATE_GOLDEN").is_some() {
        std::fs::write(GOLDEN, &text).unwrap();
        eprintln!("rewrote {GOLDEN}");
        return;
    }
    let golden = std::fs::read_to_string(GOLDEN).unwrap_or_default();
    if golden != text {
        let old: std::collections::BTreeSet<&str> = golden.lines().collect();
        let new: std::collections::BTreeSet<&str> = text.lines().collect();
        let gone: Vec<_> = old.difference(&new).collect();
        let added: Vec<_> = new.difference(&old).collect();
        panic!(
            "the DeepBlueCLI timeline changed ({} lines, was {}).\nno longer found:\n{gone:#?}\nnew:\n{added:#?}\n\
             If this is meant, run MAMORU_UPDATE_GOLDEN=1 cargo test -p mamoru-cli --test it hunt",
            new.len(),
            old.len()
        );
    }
}
