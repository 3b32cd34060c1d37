//! The fuzz targets of `fuzz/` (rule files, conditions, event decoding) run over mutated
//! samples, standing in for cargo-fuzz, which needs nightly. A deterministic generator
//! (xorshift) mutates Sigma rules (the specification's examples and a slice of SigmaHQ),
//! conditions, JSON and syslog lines, and EVTX files (damaged ones included).
//!
//! Each test runs a few hundred inputs; `MAMORU_FUZZ_ITERATIONS=300000 cargo test --release
//! -p mamoru-detect --test it fuzzing` is the long run, and `MAMORU_FUZZ_SEED` (hex) changes
//! or replays the sequence. A failure prints the seed and the iteration, and keeps the input
//! in a file it names.

use std::path::{Path, PathBuf};

use crate::support::shared;

#[allow(unreachable_pub, dead_code)]
#[path = "../../fuzz/src/lib.rs"]
mod targets;

/// xorshift64*: deterministic, so a failure can be replayed from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Tokens that steer mutations into the parsers' interesting paths.
const TOKENS: &[&str] = &[
    "\n",
    "\r\n",
    "---\n",
    ": ",
    "- ",
    "    ",
    "'",
    "\"",
    "\\",
    "*",
    "?",
    "%",
    "|",
    "{",
    "}",
    "[",
    "]",
    ",",
    "#",
    "&a",
    "*a",
    "!!binary",
    "\t",
    "\0",
    "|contains",
    "|startswith",
    "|endswith",
    "|all",
    "|base64",
    "|base64offset",
    "|utf16le",
    "|utf16be",
    "|wide",
    "|windash",
    "|re",
    "|i",
    "|m",
    "|s",
    "|cidr",
    "|exists",
    "|expand",
    "|fieldref",
    "|gt",
    "|lte",
    "|cased",
    "|neq",
    "|hour",
    "condition: ",
    "detection:",
    "selection",
    "filter",
    "correlation:",
    "type: temporal_ordered",
    "type: value_count",
    "rules:",
    "group-by:",
    "timespan: 0s",
    "timespan: 99999999999d",
    "generate: true",
    "aliases:",
    "field: ",
    "gte: ",
    "action: global",
    "null",
    "true",
    "1 of ",
    "all of ",
    "them",
    " and ",
    " or ",
    "not ",
    "(",
    ")",
    "selection*",
    "_x",
    "10.0.0.0/33",
    "::/0",
    "(?P<",
    "\\u{",
    "%a%",
    "\u{2013}",
    "é",
    "\u{fffd}",
    "9999999999999999999999",
    "-1",
    "0x41",
    "{\"",
    "\":",
    "null,",
    "[]",
    "{}",
    "\"Event\":{\"System\":{",
    "\"EventID\":",
    "\"@timestamp\":\"",
    "2024-02-30T25:61:61Z",
    "<13>",
    "<999>",
    "1 2024-05-01T10:00:00Z ",
    "Dec 31 23:59:59 ",
    "key=value ",
    "devname=\"fw\" ",
    "date=",
    "ElfFile\0",
    "ElfChnk\0",
    "\u{1}\u{1}",
    "\u{f}\u{1}\u{1}\0",
];

fn iterations() -> usize {
    std::env::var("MAMORU_FUZZ_ITERATIONS").ok().and_then(|n| n.parse().ok()).unwrap_or(300)
}

fn mutate(rng: &mut Rng, seed: &[u8], other: &[u8]) -> Vec<u8> {
    let mut out = seed.to_vec();
    for _ in 0..=rng.below(6) {
        let at = rng.below(out.len() + 1);
        match rng.below(8) {
            0 if !out.is_empty() => {
                let last = out.len() - 1;
                out[at.min(last)] = rng.next() as u8;
            }
            1 | 2 => {
                let token = TOKENS[rng.below(TOKENS.len())].as_bytes();
                out.splice(at..at, token.iter().copied());
            }
            3 => {
                let end = (at + rng.below(32)).min(out.len());
                out.drain(at..end);
            }
            4 => {
                let end = (at + rng.below(64)).min(out.len());
                let copy = out[at..end].to_vec();
                let to = rng.below(out.len() + 1);
                out.splice(to..to, copy);
            }
            5 => out.truncate(at),
            6 if !other.is_empty() => {
                let from = rng.below(other.len());
                let end = (from + rng.below(128)).min(other.len());
                out.splice(at..at, other[from..end].iter().copied());
            }
            _ => {
                let bits = 1u8 << rng.below(8);
                if let Some(b) = out.get_mut(at) {
                    *b ^= bits;
                }
            }
        }
    }
    out
}

/// Runs `target` on every seed as is, then on `iterations()` mutations of them.
fn fuzz(name: &str, seeds: &[Vec<u8>], rounds: usize, target: fn(&[u8])) {
    assert!(!seeds.is_empty());
    let seed = std::env::var("MAMORU_FUZZ_SEED")
        .ok()
        .and_then(|s| u64::from_str_radix(s.trim_start_matches("0x"), 16).ok())
        .unwrap_or(0x9E37_79B9_7F4A_7C15 ^ name.len() as u64);
    let mut rng = Rng(seed);
    for s in seeds {
        guarded(name, seed, usize::MAX, s, target);
    }
    for i in 0..rounds {
        let base = &seeds[rng.below(seeds.len())];
        let other = &seeds[rng.below(seeds.len())];
        let input = mutate(&mut rng, base, other);
        guarded(name, seed, i, &input, target);
    }
}

fn guarded(name: &str, seed: u64, iteration: usize, input: &[u8], target: fn(&[u8])) {
    if std::panic::catch_unwind(|| target(input)).is_err() {
        let keep = std::env::temp_dir().join(format!("mamoru-fuzz-{name}-{seed:x}-{iteration}"));
        std::fs::write(&keep, input).unwrap();
        panic!("{name}: seed {seed:#x}, iteration {iteration}: the input that panicked is in {}", keep.display());
    }
}

fn read_all(dir: &Path, ext: &str, every: usize, out: &mut Vec<Vec<u8>>) {
    let mut files = Vec::new();
    walk(dir, ext, &mut files);
    files.sort();
    out.extend(files.iter().step_by(every.max(1)).filter_map(|f| std::fs::read(f).ok()));
}

pub(crate) fn walk(dir: &Path, ext: &str, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, ext, files);
        } else if path.extension().is_some_and(|e| e == ext) {
            files.push(path);
        }
    }
}

const OWN_RULES: &[&str] = &[
    "title: t\nlogsource:\n    category: x\ndetection:\n    sel:\n        A|base64offset|contains: 'http://'\n        B|windash|contains: ' -enc '\n        C|re|i: 'a.*b'\n        D|cidr: '10.0.0.0/8'\n    condition: sel\n",
    "title: t\nlogsource:\n    category: x\ndetection:\n    keywords:\n        '|all':\n            - 'a'\n            - 'b'\n    sel:\n        A|expand: '%x%'\n        B|fieldref: C\n    condition: keywords or sel\n",
    "title: a\nname: a\nlogsource:\n    category: x\ndetection:\n    sel:\n        EventID: 1\n    condition: sel\n---\ntitle: c\nname: c\ncorrelation:\n    type: event_count\n    rules:\n        - a\n    group-by:\n        - User\n    timespan: 1m\n    condition:\n        gte: 2\n---\ntitle: d\ncorrelation:\n    type: temporal\n    rules:\n        - c\n        - a\n    group-by:\n        - User\n    timespan: 1h\n",
    "title: f\nlogsource:\n    category: x\nfilter:\n    rules:\n        - a\n    selection:\n        User|startswith: 'adm_'\n    condition: not selection\n",
];

#[test]
fn rule_files() {
    let mut seeds: Vec<Vec<u8>> = OWN_RULES.iter().map(|r| r.as_bytes().to_vec()).collect();
    if let Some(spec) = shared("sigma/spec/tests/schema") {
        read_all(&spec, "yml", 1, &mut seeds);
    }
    if let Some(sigmahq) = shared("sigma/rules") {
        read_all(&sigmahq, "yml", 40, &mut seeds);
    }
    fuzz("rules", &seeds, iterations(), targets::rules);
}

#[test]
fn conditions() {
    let seeds: Vec<Vec<u8>> = [
        "selection",
        "selection and not filter_main",
        "1 of selection* and not 1 of filter*",
        "all of them",
        "1 of them",
        "keywords or (selection_img and not _hidden)",
        "not (selection or selection_img) and all of sel*",
        "selection | count() by User > 5",
        "selection | near filter_main",
        "((((((((((selection))))))))))",
        "not not not selection",
        "all of _*",
    ]
    .iter()
    .map(|c| c.as_bytes().to_vec())
    .collect();
    fuzz("condition", &seeds, iterations(), targets::condition);
}

#[test]
fn events() {
    let mut seeds: Vec<Vec<u8>> = [
        r##"{"Event":{"System":{"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","TimeCreated":{"#attributes":{"SystemTime":"2024-05-01T10:00:00Z"}}},"EventData":{"Image":"C:\\cmd.exe","CommandLine":"whoami /all"}}}"##,
        r#"{"@timestamp":"2024-01-02T03:04:05.000Z","winlog":{"channel":"Security","event_id":"4625","computer_name":"DC1","event_data":{"TargetUserName":"admin","IpAddress":"203.0.113.9"}}}"#,
        r##"{"Event":{"System":{"EventID":1102,"Channel":"Security"},"UserData":{"LogFileCleared":{"#attributes":{"xmlns":"y"},"SubjectUserName":"bob"}}}}"##,
        "{\"time\":\"2024-01-02T03:04:05\",\"user\":{\"name\":\"x\"},\"n\":1e400}\n{\"a\":[{\"b\":null}]}",
        "<34>1 2024-05-01T10:00:00.123+09:00 host app 123 ID47 [exampleSDID@32473 iut=\"3\"] message",
        "<13>Dec 31 23:59:59 host sshd[1]: Failed password for root from 203.0.113.9 port 22 ssh2",
        "date=2024-05-01 time=10:00:00 devname=\"FGT60F\" type=\"traffic\" srcip=10.0.0.1 dstip=203.0.113.9 action=\"deny\"",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    if let Some(malformed) = shared("evtx/derived-malformed") {
        read_all(&malformed, "evtx", 1, &mut seeds);
    }
    if let Some(samples) = shared("evtx/omerbenamram-evtx/samples") {
        let small =
            ["Security_short_selected.evtx", "issue_201.evtx", "Application_no_crc32.evtx", "new-user-security.evtx"];
        seeds.extend(small.iter().filter_map(|f| std::fs::read(samples.join(f)).ok()));
    }
    // EVTX inputs cost a hundred records each: a third of the rounds.
    fuzz("events", &seeds, iterations() / 3, targets::events);
}
