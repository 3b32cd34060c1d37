//! The register's performance targets (issue 3): importing a 10,000-row CSV in under 2 s,
//! and the asset list over 10,000 assets rendering with p95 under 100 ms.
//!
//! Run: `cargo bench -p mamoru-server --bench register` (add `-- --postgres URL` to measure
//! PostgreSQL too). Everything is real: a SQLite file (or PostgreSQL database), the import
//! path the UI and CLI use, and the HTTP server on a free port with a logged-in session.

use std::time::{Duration, Instant};

use mamoru_app::{App, Config, Principal};
use mamoru_domain::access::{Grant, Role, Scope};
use mamoru_server::{AppState, ServerConfig};
use mamoru_store::{Location, Store};

const ASSETS: usize = 10_000;
const REQUESTS: usize = 200;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let postgres = args.iter().position(|a| a == "--postgres").and_then(|i| args.get(i + 1)).cloned();
    let dir = tempfile::tempdir().unwrap();
    let mut targets = vec![("SQLite", Location::Dir(dir.path().to_owned()))];
    if let Some(url) = postgres {
        targets.push(("PostgreSQL", Location::Url(url)));
    }
    println!("register benchmark: {ASSETS} assets, {REQUESTS} requests per list query");
    for (name, location) in targets {
        println!("\n## {name}");
        run(Store::open(&location).await.expect("open the store")).await;
    }
}

async fn run(store: Store) {
    let app = App::new(store, Config::default());
    let org = app.create_org(&format!("bench-{}", std::process::id())).await.unwrap();
    let cli = Principal::cli(org);
    let csv = register_csv(ASSETS);
    let modified = csv.replacen("Windows 11 23H2", "Windows 11 24H2", ASSETS / 100);

    let (t, s) = timed(app.import_register(&cli, "bench.csv", csv.as_bytes(), None)).await;
    println!("import {ASSETS} new rows:            {:>8.0} ms  ({} created)", ms(t), s.unwrap().created);
    let (t, s) = timed(app.import_register(&cli, "bench.csv", csv.as_bytes(), None)).await;
    println!("re-import unchanged:              {:>8.0} ms  ({} unchanged)", ms(t), s.unwrap().unchanged);
    let (t, s) = timed(app.import_register(&cli, "bench.csv", modified.as_bytes(), None)).await;
    println!("re-import with 1% changed:        {:>8.0} ms  ({} updated)", ms(t), s.unwrap().updated);
    let parse = {
        let start = Instant::now();
        mamoru_inventory::read_register(csv.as_bytes(), "bench.csv", &Default::default()).unwrap();
        start.elapsed()
    };
    println!("  of which reading and validating: {:>7.0} ms", ms(parse));

    let email = format!("bench-{}@example.jp", org.get());
    app.create_user(
        &cli,
        &email,
        "bench",
        "Bench#Pass-2026",
        &[Grant { role: Role::Admin, scope: Scope::Organization }],
    )
    .await
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let config = ServerConfig { secure_cookies: false, ..Default::default() };
    tokio::spawn(mamoru_server::serve(listener, AppState::new(app, config), std::future::pending()));
    let http = login(&base, &email).await;

    println!("\nGET /assets (HTML page, real HTTP, logged in)   p50 ms   p95 ms   max ms");
    for (what, path) in [
        ("first page, 50 rows", "/assets"),
        ("sorted by name, descending", "/assets?sort=name&dir=desc"),
        ("page 100", "/assets?page=100"),
        ("200 rows per page", "/assets?per=200"),
        ("search \"PC-05\"", "/assets?q=PC-05"),
        ("category and internet-facing", "/assets?category=vpn&inet=yes"),
        ("sorted by support end", "/assets?sort=support_end&page=20"),
    ] {
        let mut times = Vec::with_capacity(REQUESTS);
        for _ in 0..REQUESTS {
            let start = Instant::now();
            let res = http.get(format!("{base}{path}")).send().await.unwrap();
            assert_eq!(res.status(), 200, "{path}");
            res.bytes().await.unwrap();
            times.push(start.elapsed());
        }
        times.sort();
        let p = |q: f64| ms(times[((times.len() as f64 * q) as usize).min(times.len() - 1)]);
        println!("  {what:<44} {:>7.1} {:>8.1} {:>8.1}", p(0.50), p(0.95), ms(*times.last().unwrap()));
    }
}

async fn timed<T>(f: impl Future<Output = T>) -> (Duration, T) {
    let start = Instant::now();
    let out = f.await;
    (start.elapsed(), out)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn login(base: &str, email: &str) -> reqwest::Client {
    mamoru_app::notify::install_tls();
    let http = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let page = http.get(format!("{base}/login")).send().await.unwrap().text().await.unwrap();
    let csrf = page.split("name=\"_csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let res = http
        .post(format!("{base}/login"))
        .form(&[("_csrf", csrf.as_str()), ("email", email), ("password", "Bench#Pass-2026"), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.url().path(), "/", "login failed");
    http
}

/// A register of `n` assets over three facilities, in the mix a hospital group has.
fn register_csv(n: usize) -> String {
    let mut out = String::from(
        "施設,名称,種別,メーカー,製品,バージョン,IPアドレス,インターネット公開,設置場所,ネットワーク区分,保守業者,サポート終了日,最終更新日,備考\n",
    );
    let facilities = ["みなと総合病院", "みなと内科クリニック", "みなと訪問看護ステーション"];
    let kinds = [
        ("端末PC", "NEC", "Mate MKL43", "Windows 11 23H2", "2025-11-11"),
        ("端末PC", "富士通", "ESPRIMO D7012", "Windows 10 22H2", "2025-10-14"),
        ("サーバ", "Microsoft", "Windows Server 2019", "1809", "2029-01-09"),
        ("医療機器", "キヤノンメディカルシステムズ", "Aquilion", "10.0", "2031-03-31"),
        ("スイッチ/無線AP", "Cisco", "Catalyst 9200", "17.9.4", ""),
        ("VPN装置", "Fortinet", "FortiGate 60F", "7.2.8", "2027-12-31"),
    ];
    for i in 0..n {
        let (category, vendor, product, version, end) = kinds[i % kinds.len()];
        let facility = facilities[i % 7 % 3];
        let inet = if category == "VPN装置" { "はい" } else { "いいえ" };
        let name = format!("{}-{i:05}", if category == "端末PC" { "PC" } else { "DEV" });
        let ip = format!("10.{}.{}.{}", i / 65_536 % 256, i / 256 % 256, i % 256);
        let vendor_co = ["関西ネットワークサービス株式会社", "株式会社なにわメディカルシステムズ"][i % 2];
        out.push_str(&format!(
            "{facility},{name},{category},{vendor},{product},{version},{ip},{inet},本館{}階,電子カルテ系,{vendor_co},{end},2025-04-01,ベンチマーク用\n",
            i % 9 + 1
        ));
    }
    out
}
