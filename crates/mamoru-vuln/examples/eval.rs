//! How well and how fast assets are matched.
//!
//! ```text
//! cargo run --release -p mamoru-vuln --example eval -- /work/shared/data/vuln
//! cargo run --release -p mamoru-vuln --example eval -- /work/shared/data/vuln --bench 300000 10000 [--nvd]
//! ```
//!
//! Reads every feed file under the directory, prints precision and recall of matching
//! against the NVD configurations (see `mamoru_vuln::matching::eval`), and with `--bench`
//! times `Index::match_asset` over a synthetic index: the sample's advisories cloned until
//! there are ADVISORIES of them, each clone under its own vendor names so that keys spread
//! as in the real NVD, and ASSETS assets drawn from the clones' criteria (half given a CPE,
//! half only names).

use std::process::ExitCode;
use std::time::Instant;

use mamoru_domain::cpe::Cpe23;
use mamoru_vuln::feed::{self, Outcome};
use mamoru_vuln::matching::eval;
use mamoru_vuln::{Advisory, Asset, Index};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: eval <feed directory> [--bench [ADVISORIES [ASSETS]] [--nvd]]");
        return ExitCode::from(2);
    };
    let started = Instant::now();
    let mut advisories: Vec<Advisory> = Vec::new();
    let (mut files, mut failed) = (0, 0);
    for loaded in feed::load_dir(dir.as_ref()) {
        match loaded.outcome {
            Outcome::Read(f) => {
                files += 1;
                advisories.extend(f.advisories);
            }
            Outcome::Skipped(_) => {}
            Outcome::Failed(e) => {
                failed += 1;
                eprintln!("skipped: {e}");
            }
        }
    }
    println!(
        "{} advisories from {files} feed files ({failed} unreadable) in {:.2?}",
        advisories.len(),
        started.elapsed()
    );
    let started = Instant::now();
    let report = eval::evaluate(&advisories);
    print!("{report}");
    println!("evaluation took {:.2?}", started.elapsed());
    if let Some(at) = args.iter().position(|a| a == "--bench") {
        let n: usize = args.get(at + 1).and_then(|s| s.parse().ok()).unwrap_or(300_000);
        let m: usize = args.get(at + 2).and_then(|s| s.parse().ok()).unwrap_or(10_000);
        // `--nvd`: clone only NVD records with configurations, the costliest kind to match.
        let sample: Vec<Advisory> = if args.iter().any(|a| a == "--nvd") {
            advisories.iter().filter(|a| !a.configurations.is_empty()).cloned().collect()
        } else {
            advisories
        };
        bench(&sample, n, m);
    }
    ExitCode::SUCCESS
}

/// A small deterministic generator; the benchmark needs spread, not quality.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

/// The advisory as clone `k`: its vendors renamed (`fortinet` → `fortinetk7`), its id suffixed.
fn renamed(a: &Advisory, k: usize) -> Advisory {
    let mut a = a.clone();
    if k == 0 {
        return a;
    }
    a.id = format!("{}-{k}", a.id);
    a.aliases = a.aliases.iter().map(|x| format!("{x}-{k}")).collect();
    for m in a.configurations.iter_mut().flat_map(|c| &mut c.nodes).flat_map(|n| &mut n.cpe_match) {
        let mut parts: Vec<String> = m.criteria.split(':').map(str::to_owned).collect();
        if let Some(vendor) = parts.get_mut(3) {
            vendor.push_str(&format!("k{k}"));
        }
        m.criteria = parts.join(":");
    }
    for x in &mut a.affected {
        x.vendor = format!("{}k{k}", x.vendor.replace(' ', ""));
    }
    a
}

fn bench(sample: &[Advisory], n: usize, m: usize) {
    if sample.is_empty() {
        return;
    }
    let started = Instant::now();
    let mut index = Index::new();
    // Criteria to draw assets from: (clone, criteria, a version inside).
    let mut targets: Vec<(usize, String, String)> = Vec::new();
    for i in 0..n {
        let (k, a) = (i / sample.len(), &sample[i % sample.len()]);
        let a = renamed(a, k);
        for c in a.configurations.iter().flat_map(|c| &c.nodes).flat_map(|n| &n.cpe_match).filter(|c| c.vulnerable) {
            let version = c.version_start_including.clone().or_else(|| c.version_end_including.clone());
            if let Some(v) = version {
                targets.push((k, c.criteria.clone(), v));
            }
        }
        index.add(a);
    }
    println!("synthetic index: {} advisories built in {:.2?}", index.len(), started.elapsed());
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut assets: Vec<(Option<Cpe23>, String, String, String)> = Vec::with_capacity(m);
    while assets.len() < m && !targets.is_empty() {
        let (_, criteria, version) = &targets[rng.below(targets.len())];
        let Ok(cpe) = Cpe23::parse(criteria) else { continue };
        let (vendor, product) = (cpe.vendor().to_owned(), cpe.product().replace('_', " "));
        if assets.len().is_multiple_of(2) {
            assets.push((Some(cpe), String::new(), String::new(), version.clone()));
        } else {
            assets.push((None, vendor, product, version.clone()));
        }
    }
    let started = Instant::now();
    let mut matches = 0;
    for (cpe, vendor, product, version) in &assets {
        let asset = Asset { vendor, product, version, cpe: cpe.as_ref() };
        matches += index.match_asset(&asset).len();
    }
    let took = started.elapsed();
    println!(
        "match_asset: {} assets in {took:.2?} ({:.1} µs each), {matches} matches",
        assets.len(),
        took.as_secs_f64() * 1e6 / assets.len().max(1) as f64
    );
}
