//! Live ingest rate on one core: syslog lines over TCP into the receiver, every event
//! evaluated against a rule set, all on a single-threaded runtime (the sender runs on
//! another thread). Prints events per second.
//!
//! cargo run --release -p mamoru-receive --example ingest_rate -- LOG_FILE RULE_DIR... [--lines N]

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use mamoru_detect::event::SyslogOptions;
use mamoru_detect::{LoadOptions, Mapping, RuleSet};
use mamoru_receive::syslog::Receiver;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let lines_wanted: usize = match args.iter().position(|a| a == "--lines") {
        Some(i) => {
            let n = args[i + 1].parse().expect("--lines N");
            args.drain(i..=i + 1);
            n
        }
        None => 500_000,
    };
    let (log, rule_dirs) = args.split_first().expect("usage: ingest_rate LOG_FILE RULE_DIR...");
    let sample: Vec<String> = std::fs::read_to_string(log)
        .expect("log file")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    let dirs: Vec<PathBuf> = rule_dirs.iter().map(PathBuf::from).collect();
    // Rule loading may use every core; the measured part below is one thread.
    let (rules, report) = RuleSet::load(&dirs, &LoadOptions::default(), Mapping::builtin());
    eprintln!("{} rules loaded", report.loaded);

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async move {
        let receiver = Receiver::bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
        let addr = receiver.local_addr().unwrap();
        let (tx, mut rx) = tokio::sync::mpsc::channel(64);
        let options =
            SyslogOptions { year: 2025, time_zone: jiff::tz::TimeZone::get("Asia/Tokyo").unwrap(), not_after: None };
        tokio::spawn(receiver.run(options, tx));
        let sender = std::thread::spawn(move || {
            let mut stream = std::io::BufWriter::new(std::net::TcpStream::connect(addr).unwrap());
            for i in 0..lines_wanted {
                stream.write_all(sample[i % sample.len()].as_bytes()).unwrap();
                stream.write_all(b"\n").unwrap();
            }
        });
        let started = Instant::now();
        let (mut events, mut detections) = (0usize, 0usize);
        while events < lines_wanted {
            let Some(batch) = rx.recv().await else { break };
            for event in &batch.events {
                detections += rules.detect(event).0.len();
            }
            events += batch.events.len();
        }
        let secs = started.elapsed().as_secs_f64();
        sender.join().unwrap();
        println!(
            "{events} events, {detections} detections in {secs:.2} s: {:.0} events/s on one core",
            events as f64 / secs
        );
    });
}
