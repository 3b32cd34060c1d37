//! Where the time of a scan goes, phase by phase, on one thread, both ways `hunt` reads EVTX:
//! rendering the records as JSON a chunk at a time and decoding that JSON into events (the
//! way of the chunks the BinXML reader refuses), then reading each chunk straight from its
//! BinXML (the first way); and evaluating the rules.
//!
//!   cargo run --release -p mamoru-detect --example scan_phases -- FILE.evtx RULES_DIR [MAX_RECORDS]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use evtx::{EvtxParser, ParserSettings};
use mamoru_detect::event::{ChunkReader, from_evtx_json_bytes};
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

    // As `hunt` reads them: each chunk straight from its BinXML, where it can be.
    let bytes = std::fs::read(file).expect("an EVTX file");
    let mut reader = ChunkReader::default();
    let (mut read, mut detect, mut left) = (Duration::ZERO, Duration::ZERO, 0usize);
    let (mut records, mut hits) = (0usize, 0usize);
    let mut why = std::collections::BTreeMap::new();
    for chunk in bytes[4096..].chunks_exact(65_536) {
        // Reading and detecting take turns record by record, as in `hunt`: the time of one is
        // told from the other's by reading the chunk again without detecting.
        let t = Instant::now();
        let mut n = 0;
        if let Err(e) = reader.read(chunk, &mut |_| n += 1) {
            left += 1;
            *why.entry(e.0).or_insert(0usize) += 1;
            continue;
        }
        let t1 = Instant::now();
        let _ = reader.read(chunk, &mut |event| hits += set.detect(event).0.len());
        read += t1 - t;
        detect += t1.elapsed().saturating_sub(t1 - t);
        records += n;
        if records >= max {
            break;
        }
    }
    let per = |d: Duration| d.as_secs_f64() * 1e6 / records as f64;
    println!("{records} records read from BinXML ({left} chunks left to JSON), {hits} detections; µs per record:");
    println!("  BinXML -> event      {:6.2}", per(read));
    println!("  detect               {:6.2}", per(detect));
    println!("  total                {:6.2}", per(read + detect));
    for (reason, chunks) in why {
        println!("  {chunks} chunks left to JSON for {reason}");
    }
}
