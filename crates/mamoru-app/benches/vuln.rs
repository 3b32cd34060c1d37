//! The vulnerability engine's performance targets (issue 4): importing the whole NVD (about
//! 300,000 CVEs) in under 2 minutes with bounded memory, matching 10,000 assets against it in
//! under 2 s, and re-matching one changed asset in milliseconds.
//!
//! Run: `cargo bench -p mamoru-app --bench vuln` (options: `-- --records N`, `--assets N`,
//! `--postgres URL`). The NVD cannot be downloaded here, so the records are synthesised from
//! the real samples in ../shared/data/vuln/nvd-api-2.0: each copy gets a new CVE id and, but
//! for one copy in a hundred, its products renamed (`fortios` → `fortios_x17`), so the product
//! index is spread out like the real NVD's and the register's devices have dozens of
//! advisories each. Pages of 2,000 records,
//! as the NVD API serves them, are written to a temporary folder and imported through the
//! same path as `mamoru vuln import`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use mamoru_app::{App, Config, Principal};
use mamoru_store::{Actor, Location, Store};
use serde_json::Value;

const PAGE: usize = 2_000;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let records: usize = arg("--records").map_or(300_000, |n| n.parse().expect("--records N"));
    let assets: usize = arg("--assets").map_or(10_000, |n| n.parse().expect("--assets N"));
    let feeds = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let pages = synthesise(feeds.path(), records);
    println!(
        "vulnerability benchmark: {records} synthetic NVD records in {pages} pages ({:.0} MB), {assets} assets; written in {:.1} s",
        dir_size(feeds.path()) as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    let data = tempfile::tempdir().unwrap();
    let mut targets = vec![("SQLite", Location::Dir(data.path().to_owned()))];
    if let Some(url) = arg("--postgres") {
        targets.push(("PostgreSQL", Location::Url(url)));
    }
    parse_only(feeds.path());
    for (name, location) in targets {
        println!("\n## {name}");
        run(Store::open(&location).await.expect("open the store"), feeds.path(), assets).await;
    }
    println!("\npeak RSS of the whole run (the engine-alone step holds every relevant advisory): {} MB", peak_rss_mb());
}

/// Reading and parsing alone, for the share of the import the database takes.
fn parse_only(dir: &Path) {
    let files = mamoru_vuln::feed::walk_files(dir).unwrap();
    let start = Instant::now();
    let mut n = 0;
    for f in &files {
        n += mamoru_vuln::feed::read_path(f).unwrap().advisories.len();
    }
    let t = start.elapsed();
    println!("parse only: {n} records in {:.1} s ({:.0} records/s)", t.as_secs_f64(), n as f64 / t.as_secs_f64());
}

async fn run(store: Store, feeds: &Path, assets: usize) {
    let app = App::new(store, Config::default());
    // Feeds first, into a store with no organisation yet: the import alone.
    let rss_before = peak_rss_mb();
    let (t, files) = timed(app.import_feeds(&[feeds.to_owned()], &Actor::system(), |_| {})).await;
    let files = files.unwrap();
    let failed = files.iter().filter(|f| matches!(f.outcome, mamoru_app::vuln::FeedOutcome::Failed(_))).count();
    println!(
        "import of {} pages: {:.1} s ({failed} failed; peak RSS {rss_before} → {} MB)",
        files.len(),
        t.as_secs_f64(),
        peak_rss_mb()
    );

    // Then a provider's register: imported, and every asset matched for the first time.
    let org = app.create_org(&format!("bench-{}", std::process::id())).await.unwrap();
    let cli = Principal::cli(org);
    let csv = register_csv(assets);
    let (t, s) = timed(app.import_register(&cli, "bench.csv", csv.as_bytes(), None)).await;
    let created = s.unwrap().created;
    let stored = app.store().count_findings(org).await.unwrap();
    println!(
        "register of {assets} assets imported and matched: {:.1} s ({created} created, {stored} findings stored)",
        t.as_secs_f64()
    );

    let (t, r) = timed(app.rematch(org, None, &Actor::system())).await;
    let r = r.unwrap();
    println!(
        "full re-match of {assets} assets:  {:>8.0} ms ({} findings unchanged, {} new; peak RSS so far {} MB)",
        ms(t),
        r.unchanged,
        r.new.len(),
        peak_rss_mb()
    );

    let list = app.store().assets_to_match(org, None).await.unwrap();
    let vpn = list.iter().find(|a| a.draft.name == "VPN-0000").expect("the first VPN");
    let mut times = Vec::new();
    for _ in 0..20 {
        let (t, r) = timed(app.rematch(org, Some(&[vpn.id]), &Actor::system())).await;
        r.unwrap();
        times.push(t);
    }
    times.sort();
    println!("re-match of one asset:            {:>8.1} ms median, {:.1} ms max", ms(times[10]), ms(times[19]));

    // The engine alone: every advisory in memory, every asset matched.
    let bodies = app.store().advisories_for_products(&all_products(&app, org).await).await.unwrap();
    let start = Instant::now();
    let mut index = mamoru_vuln::Index::new();
    for b in &bodies {
        index.add(serde_json::from_str(b).unwrap());
    }
    let built = start.elapsed();
    let start = Instant::now();
    let mut matches = 0;
    for a in &list {
        let d = &a.draft;
        let asset = mamoru_vuln::Asset {
            vendor: d.vendor.as_deref().unwrap_or(""),
            product: d.product.as_deref().unwrap_or(""),
            version: d.version.as_deref().unwrap_or(""),
            cpe: d.cpe.as_ref(),
        };
        matches += index.match_asset(&asset).len();
    }
    println!(
        "engine alone: index of {} relevant advisories built in {:.0} ms; {} assets matched in {:.0} ms ({matches} matches)",
        bodies.len(),
        ms(built),
        list.len(),
        ms(start.elapsed())
    );
}

async fn all_products(app: &App, org: mamoru_domain::OrgId) -> Vec<(String, String)> {
    let mut keys: Vec<_> = app
        .store()
        .assets_to_match(org, None)
        .await
        .unwrap()
        .iter()
        .flat_map(|a| {
            let d = &a.draft;
            mamoru_vuln::asset_products(&mamoru_vuln::Asset {
                vendor: d.vendor.as_deref().unwrap_or(""),
                product: d.product.as_deref().unwrap_or(""),
                version: d.version.as_deref().unwrap_or(""),
                cpe: d.cpe.as_ref(),
            })
        })
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// Writes `records` NVD records as API pages; returns the number of pages.
fn synthesise(dir: &Path, records: usize) -> usize {
    let samples = samples();
    let mut page = Vec::with_capacity(PAGE);
    let mut pages = 0;
    for i in 0..records {
        let mut cve = samples[i % samples.len()].clone();
        let copy = i / samples.len();
        cve["id"] = Value::from(format!("CVE-{}-{:07}", 2000 + copy % 26, i));
        // One copy in a hundred keeps the real product names, so the assets' products have
        // about as many advisories as a FortiOS or a Windows build has in the real NVD.
        if !copy.is_multiple_of(100) {
            rename_products(&mut cve, copy % 300);
        }
        page.push(serde_json::json!({ "cve": cve }));
        if page.len() == PAGE || i + 1 == records {
            let body = serde_json::json!({
                "resultsPerPage": page.len(), "startIndex": pages * PAGE, "totalResults": records,
                "format": "NVD_CVE", "version": "2.0", "timestamp": "2026-11-25T00:00:00.000",
                "vulnerabilities": std::mem::take(&mut page),
            });
            std::fs::write(dir.join(format!("nvd-{pages:04}.json")), serde_json::to_vec(&body).unwrap()).unwrap();
            pages += 1;
        }
    }
    pages
}

fn samples() -> Vec<Value> {
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/vuln/nvd-api-2.0");
    let mut out = Vec::new();
    for sub in ["records", "kev-vpn", "windows-and-and-configs"] {
        let mut files: Vec<_> = std::fs::read_dir(base.join(sub)).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for f in files {
            let v: Value = serde_json::from_slice(&std::fs::read(&f).unwrap()).unwrap();
            // `records/` holds `{ "cve": … }` items, the others the bare object.
            out.push(v.get("cve").cloned().unwrap_or(v));
        }
    }
    out
}

fn rename_products(cve: &mut Value, k: usize) {
    let Some(configs) = cve.get_mut("configurations").and_then(Value::as_array_mut) else { return };
    for node in configs.iter_mut().flat_map(|c| c["nodes"].as_array_mut().into_iter().flatten()) {
        for m in node["cpeMatch"].as_array_mut().into_iter().flatten() {
            if let Some(c) = m["criteria"].as_str() {
                let mut parts: Vec<String> = c.split(':').map(str::to_owned).collect();
                if parts.len() > 4 {
                    parts[4] = format!("{}_x{k}", parts[4]);
                }
                m["criteria"] = Value::from(parts.join(":"));
            }
        }
    }
}

/// A register like a regional provider's: FortiGates on several versions, Cisco ASAs, Ivanti
/// gateways, Windows PCs and servers, and medical devices no feed knows.
fn register_csv(n: usize) -> String {
    let mut csv = String::from("施設,名称,種別,メーカー,製品,バージョン,外部公開\n");
    for i in 0..n {
        let facility = format!("病院{:03}", i % 200);
        let row = match i % 10 {
            0 => format!("{facility},VPN-{:04},VPN装置,Fortinet,FortiGate 60E,6.0.{},はい", i / 10, i % 13),
            1 => format!("{facility},ASA-{i:05},UTM/ファイアウォール,Cisco,ASA 5506-X,9.8(4)17,はい"),
            2 => format!("{facility},ICS-{i:05},VPN装置,Ivanti,Connect Secure,22.7R2.3,はい"),
            3..=6 => format!("{facility},PC-{i:05},端末PC,Microsoft,Windows 10,10.0.19045,いいえ"),
            7 => format!("{facility},SV-{i:05},サーバ,Microsoft,Windows Server 2019,10.0.17763,いいえ"),
            _ => format!("{facility},ME-{i:05},医療機器,キヤノンメディカル,CT Aquilion {i},V10,いいえ"),
        };
        csv.push_str(&row);
        csv.push('\n');
    }
    csv
}

async fn timed<T>(f: impl Future<Output = T>) -> (Duration, T) {
    let start = Instant::now();
    let out = f.await;
    (start.elapsed(), out)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum()
}

/// The process's peak resident memory (Linux), in MB.
fn peak_rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<u64>().ok()))
        .map_or(0, |kb| kb / 1024)
}
