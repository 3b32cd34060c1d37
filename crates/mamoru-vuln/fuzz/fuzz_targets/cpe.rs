//! Feeds arbitrary text to matching: a CPE criterion with version bounds, an asset with a
//! CPE, names and a version, and a vendor statement in prose. Nothing may panic, and the
//! matches must be sorted with one per CVE.
//!
//! Run with `cargo +nightly fuzz run cpe` from `crates/mamoru-vuln/`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mamoru_domain::cpe::Cpe23;
use mamoru_vuln::advisory::{Affected, AffectedVersion, Configuration, CpeMatch, Node, Operator};
use mamoru_vuln::{Advisory, Asset, Index, Source, advisory_products, asset_products};

fn advisory(id: &str, source: Source) -> Advisory {
    Advisory::new(id, source)
}

fuzz_target!(|data: &[u8]| {
    // Fields separated by NUL: criteria, start, end, asset CPE, vendor, product, version, prose.
    let text = String::from_utf8_lossy(data);
    let f: Vec<&str> = text.split('\0').chain(std::iter::repeat("")).take(8).collect();
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    let flags = data.first().copied().unwrap_or(0);

    let mut nvd = advisory("CVE-2099-0001", Source::Nvd);
    let criterion = CpeMatch {
        vulnerable: flags & 1 == 0,
        criteria: f[0].to_owned(),
        version_start_including: opt(f[1]),
        version_start_excluding: None,
        version_end_including: None,
        version_end_excluding: opt(f[2]),
    };
    let platform = CpeMatch { vulnerable: false, criteria: f[3].to_owned(), ..criterion.clone() };
    let and = if flags & 2 == 0 { Operator::Or } else { Operator::And };
    nvd.configurations.push(Configuration {
        operator: and,
        negate: flags & 4 != 0,
        nodes: vec![
            Node { operator: Operator::Or, negate: false, cpe_match: vec![criterion] },
            Node { operator: Operator::Or, negate: flags & 8 != 0, cpe_match: vec![platform] },
        ],
    });
    let mut cve5 = advisory("CVE-2099-0002", Source::Cve5);
    cve5.affected.push(Affected {
        vendor: f[4].to_owned(),
        product: f[5].to_owned(),
        cpes: vec![f[3].to_owned()],
        versions: vec![AffectedVersion {
            version: f[7].to_owned(),
            less_than: opt(f[2]),
            less_than_or_equal: None,
            status: if flags & 16 == 0 { "affected".into() } else { "unaffected".into() },
        }],
        default_affected: flags & 32 != 0,
    });
    let _ = advisory_products(&nvd);
    let _ = advisory_products(&cve5);
    let mut index = Index::new();
    index.add(nvd);
    index.add(cve5);
    let cpe = Cpe23::parse(f[3]).ok();
    let asset = Asset { vendor: f[4], product: f[5], version: f[6], cpe: cpe.as_ref() };
    let _ = asset_products(&asset);
    let found = index.match_asset(&asset);
    assert!(found.windows(2).all(|w| w[0].id < w[1].id));
    for m in &found {
        assert!(!m.why.is_empty() && (0.0..=1.0).contains(&m.confidence.score()));
    }
});
