//! Where the time of a scan goes, phase by phase, on one thread: reading EVTX chunks and
//! rendering their records as JSON (a chunk at a time, as `hunt` does), decoding the records
//! into events, and evaluating the rules.
//!
//!   cargo run --release -p mamoru-detect --example scan_phases -- FILE.evtx RULES_DIR [MAX_RECORDS]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use evtx::{EvtxParser, ParserSettings};
use mamoru_detect::event::from_evtx_json_bytes;
use mamoru_detect::{LoadOptions, Mapping, RuleSet};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [file, rules, rest @ ..] = args.as_slice() else {
        eprintln!("usage: scan_phases FILE.evtx RULES_DIR [MAX_RECORDS]");
        std::process::exit(2);
    };
    let max: usize = rest.first().and_then(|s| s.parse().ok()).unwrap_or(usize::MAX);
    let t = Instant::now();
    let (set, report) = RuleSet::load(&[PathBuf::from(rules)], &LoadOptions::default(), Mapping::builtin());
    eprintln!("{} rules loaded in {:.2} s", report.loaded, t.elapsed().as_secs_f64());

    // As `hunt` renders them: a chunk at a time, by the `evtx` crate's chunk renderer.
    let mut parser =
        EvtxParser::from_path(file).expect("an EVTX file").with_configuration(ParserSettings::default().num_threads(1));
    let (mut render, mut decode, mut detect) = [Duration::ZERO; 3].into();
    let (mut records, mut hits) = (0usize, 0usize);
    let mut chunks = parser.chunks_json_bytes(false);
    'chunks: loop {
        let t = Instant::now();
        let Some(chunk) = chunks.next() else { break };
        render += t.elapsed();
        for (_, json) in chunk.records() {
            let t = Instant::now();
            let event = from_evtx_json_bytes(json).expect("an event");
            let t1 = Instant::now();
            let (d, _) = set.detect(&event);
            let t2 = Instant::now();
            hits += d.len();
            decode += t1 - t;
            detect += t2 - t1;
            records += 1;
            if records >= max {
                break 'chunks;
            }
        }
    }
    let per = |d: Duration| d.as_secs_f64() * 1e6 / records as f64;
    println!("{records} records, {hits} detections; µs per record:");
    println!("  read and render JSON {:6.2}", per(render));
    println!("  JSON -> event        {:6.2}", per(decode));
    println!("  detect               {:6.2}", per(detect));
    println!("  total                {:6.2}", per(render + decode + detect));
}
