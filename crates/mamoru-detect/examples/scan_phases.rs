//! Where the time of a scan goes, phase by phase, on one thread: reading EVTX chunks,
//! rendering records as JSON, decoding them into events, and evaluating the rules.
//!
//!   cargo run --release -p mamoru-detect --example scan_phases -- FILE.evtx RULES_DIR [MAX_RECORDS]

use std::path::PathBuf;
use std::sync::Arc;
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

    let settings = Arc::new(ParserSettings::default().num_threads(1));
    let parser = EvtxParser::from_path(file).expect("an EVTX file");
    let (mut parse, mut render, mut value, mut decode, mut detect) = [Duration::ZERO; 5].into();
    let (mut records, mut hits) = (0usize, 0usize);
    'chunks: for chunk in parser.into_chunks() {
        let mut data = chunk.expect("a chunk");
        let t = Instant::now();
        let mut chunk = data.parse(settings.clone()).expect("a parsed chunk");
        parse += t.elapsed();
        for record in chunk.iter() {
            let t = Instant::now();
            let Ok(bytes) = record.and_then(|r| r.into_json_bytes()) else { continue };
            let t1 = Instant::now();
            let t2 = Instant::now();
            let event = from_evtx_json_bytes(&bytes.data).expect("an event");
            let t3 = Instant::now();
            let (d, _) = set.detect(&event);
            let t4 = Instant::now();
            hits += d.len();
            render += t1 - t;
            value += t2 - t1;
            decode += t3 - t2;
            detect += t4 - t3;
            records += 1;
            if records >= max {
                break 'chunks;
            }
        }
    }
    let per = |d: Duration| d.as_secs_f64() * 1e6 / records as f64;
    println!("{records} records, {hits} detections; µs per record:");
    println!("  chunk parse   {:6.2}", per(parse));
    println!("  render JSON   {:6.2}", per(render));
    println!("  JSON -> event {:6.2}", per(decode));
    println!("  detect        {:6.2}", per(detect));
    println!("  total         {:6.2}", per(parse + render + value + decode + detect));
}
