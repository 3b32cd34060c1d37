//! Precision and recall of matching, measured on the NVD configurations of a sample.
//!
//! For every vulnerable criterion with a version range or a concrete version, assets are
//! made at versions just inside and just outside it (the start, the excluded end itself, one
//! past an included end...). The CVEs each should match come from a deliberately plain
//! reference that reads the configurations directly (CPE attribute equality, version
//! comparison, nodes and negation, platform nodes taken as satisfied) with no index, no
//! alias table and no shared matching code. The index is then asked twice per asset: given
//! the asset's CPE, and given only vendor and product names spelt out from the CPE
//! (`fortinet`/`fortios` → `Fortinet`/`Fortios`), which exercises the alias table and the
//! generic name matching. Only CVEs with NVD configurations count; matches from vendor
//! statements of other CVEs are reported apart.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;

use mamoru_domain::cpe::Cpe23;

use super::ranges::unescape;
use super::{Asset, Confidence, Index};
use crate::advisory::{Advisory, CpeMatch, Operator, Source};
use crate::version::compare;

/// Counts for one way of describing the assets.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scores {
    /// Assets asked about.
    pub assets: usize,
    /// (asset, CVE) pairs the reference expects.
    pub expected: usize,
    /// Pairs the index reported (CVEs with NVD configurations only).
    pub reported: usize,
    /// Pairs both agree on.
    pub agreed: usize,
    /// Agreed pairs by confidence: exact, name, fuzzy.
    pub by_confidence: [usize; 3],
    /// Matches of CVEs without NVD configurations (vendor statements), not scored.
    pub fallback: usize,
}

impl Scores {
    /// Agreed / reported (1 when nothing was reported).
    pub fn precision(&self) -> f64 {
        if self.reported == 0 { 1.0 } else { self.agreed as f64 / self.reported as f64 }
    }

    /// Agreed / expected (1 when nothing was expected).
    pub fn recall(&self) -> f64 {
        if self.expected == 0 { 1.0 } else { self.agreed as f64 / self.expected as f64 }
    }
}

/// The result of [`evaluate`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// Advisories indexed.
    pub advisories: usize,
    /// CVEs with NVD configurations (the scored universe).
    pub nvd_cves: usize,
    /// Assets given their CPE name.
    pub cpe: Scores,
    /// Assets given only vendor and product names.
    pub names: Scores,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} advisories indexed; {} CVEs with NVD configurations scored", self.advisories, self.nvd_cves)?;
        for (label, s) in [("by CPE  ", &self.cpe), ("by names", &self.names)] {
            writeln!(
                f,
                "{label}: precision {:.4}  recall {:.4}  ({} assets, {} expected, {} reported, {} agreed: \
                 {} exact / {} name / {} fuzzy; {} vendor-statement matches of other CVEs)",
                s.precision(),
                s.recall(),
                s.assets,
                s.expected,
                s.reported,
                s.agreed,
                s.by_confidence[0],
                s.by_confidence[1],
                s.by_confidence[2],
                s.fallback
            )?;
        }
        Ok(())
    }
}

/// A test asset: the CPE it is, and its version written out.
struct Case {
    cpe: Cpe23,
    version: String,
}

/// Indexes `advisories` and scores matching against the reference (see the module docs).
pub fn evaluate(advisories: &[Advisory]) -> Report {
    let mut index = Index::new();
    for a in advisories {
        index.add(a.clone());
    }
    let nvd: Vec<&Advisory> =
        advisories.iter().filter(|a| a.source == Source::Nvd && !a.configurations.is_empty()).collect();
    let universe: HashSet<&str> = nvd.iter().map(|a| a.id.as_str()).collect();
    let mut seen = HashSet::new();
    let mut cases = Vec::new();
    for m in nvd.iter().flat_map(|a| &a.configurations).flat_map(|c| &c.nodes).flat_map(|n| &n.cpe_match) {
        if !m.vulnerable {
            continue;
        }
        for case in cases_of(m) {
            if seen.insert((case.cpe.to_string(), case.version.clone())) {
                cases.push(case);
            }
        }
    }
    // Only records with a vulnerable criterion for the same product can apply.
    let mut by_product: HashMap<(String, String), Vec<&Advisory>> = HashMap::new();
    for a in &nvd {
        let mut keys: Vec<(String, String)> = a
            .configurations
            .iter()
            .flat_map(|c| &c.nodes)
            .flat_map(|n| &n.cpe_match)
            .filter(|m| m.vulnerable)
            .filter_map(|m| Cpe23::parse(&m.criteria).ok())
            .map(|c| (plain(c.vendor()), plain(c.product())))
            .collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            by_product.entry(k).or_default().push(a);
        }
    }
    let mut report = Report { advisories: index.len(), nvd_cves: universe.len(), ..Report::default() };
    for case in &cases {
        let candidates = by_product.get(&(plain(case.cpe.vendor()), plain(case.cpe.product())));
        let expected: BTreeSet<&str> = candidates
            .into_iter()
            .flatten()
            .filter(|a| reference(a, &case.cpe, &case.version))
            .map(|a| a.id.as_str())
            .collect();
        let by_cpe = Asset { vendor: "", product: "", version: &case.version, cpe: Some(&case.cpe) };
        score(&mut report.cpe, &index.match_asset(&by_cpe), &expected, &universe);
        let (vendor, product) = (spelt(case.cpe.vendor()), spelt(case.cpe.product()));
        let by_name = Asset { vendor: &vendor, product: &product, version: &case.version, cpe: None };
        score(&mut report.names, &index.match_asset(&by_name), &expected, &universe);
    }
    report
}

fn score(s: &mut Scores, found: &[super::Match], expected: &BTreeSet<&str>, universe: &HashSet<&str>) {
    s.assets += 1;
    s.expected += expected.len();
    for m in found {
        if !universe.contains(m.id.as_str()) {
            s.fallback += 1;
            continue;
        }
        s.reported += 1;
        if expected.contains(m.id.as_str()) {
            s.agreed += 1;
            s.by_confidence[match m.confidence {
                Confidence::Exact => 0,
                Confidence::Name => 1,
                Confidence::Fuzzy => 2,
            }] += 1;
        }
    }
}

/// `adaptive_security_appliance_software` → `Adaptive Security Appliance Software`.
fn spelt(attr: &str) -> String {
    unescape(attr)
        .split(['_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_uppercase().chain(c).collect::<String>()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Assets just inside and just outside one criterion.
fn cases_of(m: &CpeMatch) -> Vec<Case> {
    let Ok(base) = Cpe23::parse(&m.criteria) else {
        return Vec::new();
    };
    let a = base.attributes();
    let mut versions: Vec<(String, String)> = Vec::new(); // (version, update)
    let any = |v: &str| (v.to_owned(), "*".to_owned());
    let (si, se, ei, ee) =
        (&m.version_start_including, &m.version_start_excluding, &m.version_end_including, &m.version_end_excluding);
    if si.is_some() || se.is_some() || ei.is_some() || ee.is_some() {
        let inside = si
            .clone()
            .or_else(|| se.as_deref().and_then(bump))
            .or_else(|| ei.clone())
            .or_else(|| ee.as_deref().and_then(drop_one));
        versions.extend(inside.as_deref().map(any));
        versions.extend(ee.as_deref().map(any));
        versions.extend(ei.as_deref().and_then(bump).as_deref().map(any));
        versions.extend(se.as_deref().map(any));
        versions.extend(si.as_deref().and_then(drop_one).as_deref().map(any));
    } else if !matches!(a[3].as_str(), "*" | "-") && !a[3].contains(['*', '?']) {
        let v = unescape(&a[3]);
        versions.push((v.clone(), a[4].clone()));
        versions.extend(bump(&v).map(|b| (b, a[4].clone())));
    }
    versions
        .into_iter()
        .filter_map(|(v, u)| {
            let name = format!("cpe:2.3:{}:{}:{}:{}:{}:{}", a[0], a[1], a[2], escape(&v), u, a[5..].join(":"));
            let cpe = Cpe23::parse(&name).ok()?;
            let version = if matches!(u.as_str(), "*" | "-") { v } else { format!("{v} {}", unescape(&u)) };
            Some(Case { cpe, version })
        })
        .collect()
}

fn escape(v: &str) -> String {
    v.chars()
        .flat_map(|c| if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') { vec![c] } else { vec!['\\', c] })
        .collect()
}

/// The last number of a version plus one (`6.0.4` → `6.0.5`), or minus one.
fn bump(v: &str) -> Option<String> {
    step(v, true)
}

fn drop_one(v: &str) -> Option<String> {
    step(v, false)
}

fn step(v: &str, up: bool) -> Option<String> {
    let end = v.rfind(|c: char| c.is_ascii_digit())? + 1;
    let start = v[..end].rfind(|c: char| !c.is_ascii_digit()).map_or(0, |i| i + 1);
    let n: u64 = v[start..end].parse().ok()?;
    let n = if up { n.checked_add(1)? } else { n.checked_sub(1)? };
    Some(format!("{}{n}{}", &v[..start], &v[end..]))
}

/// A CPE vendor or product with only its letters and digits: NVD spells some products two
/// ways (`usg40_firmware`, `usg_40_firmware`).
fn plain(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).collect()
}

/// Whether an NVD record applies to an asset that is `cpe` at `version`, read plainly from
/// its configurations.
fn reference(a: &Advisory, cpe: &Cpe23, version: &str) -> bool {
    a.configurations.iter().any(|c| {
        let mut vulnerable_hit = false;
        let values: Vec<bool> = c
            .nodes
            .iter()
            .map(|n| {
                let platform = n.cpe_match.iter().all(|m| !m.vulnerable);
                let hits: Vec<bool> = n.cpe_match.iter().map(|m| applies(m, cpe, version)).collect();
                let value = if platform {
                    true
                } else if n.operator == Operator::And {
                    hits.iter().all(|h| *h)
                } else {
                    hits.iter().any(|h| *h)
                };
                if value && !n.negate && !platform && n.cpe_match.iter().zip(&hits).any(|(m, h)| m.vulnerable && *h) {
                    vulnerable_hit = true;
                }
                value != n.negate
            })
            .collect();
        let value = if c.operator == Operator::And { values.iter().all(|v| *v) } else { values.iter().any(|v| *v) };
        value != c.negate && vulnerable_hit
    })
}

/// One criterion against the asset, by CPE attributes.
fn applies(m: &CpeMatch, cpe: &Cpe23, version: &str) -> bool {
    let Ok(c) = Cpe23::parse(&m.criteria) else {
        return false;
    };
    let (ca, aa) = (c.attributes(), cpe.attributes());
    if plain(&ca[1]) != plain(&aa[1]) || plain(&ca[2]) != plain(&aa[2]) {
        return false;
    }
    if !(5..11).all(|i| ca[i] == "*" || aa[i] == "*" || ca[i] == aa[i]) {
        return false;
    }
    let (si, se, ei, ee) =
        (&m.version_start_including, &m.version_start_excluding, &m.version_end_including, &m.version_end_excluding);
    if si.is_some() || se.is_some() || ei.is_some() || ee.is_some() {
        let v = version;
        return si.as_deref().is_none_or(|s| compare(v, s).is_ge())
            && se.as_deref().is_none_or(|s| compare(v, s).is_gt())
            && ei.as_deref().is_none_or(|e| compare(v, e).is_le())
            && ee.as_deref().is_none_or(|e| compare(v, e).is_lt());
    }
    if matches!(ca[3].as_str(), "*" | "-") {
        return true;
    }
    let same_version = compare(&unescape(&ca[3]), &unescape(&aa[3])).is_eq();
    same_version
        && match ca[4].as_str() {
            "*" => true,
            "-" => matches!(aa[4].as_str(), "-" | "*"),
            u => compare(&unescape(u), &unescape(&aa[4])).is_eq(),
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(bump("6.0.4").as_deref(), Some("6.0.5"));
        assert_eq!(drop_one("6.0.10").as_deref(), Some("6.0.9"));
        assert_eq!(drop_one("6.0.0"), None);
        assert_eq!(spelt("adaptive_security_appliance_software"), "Adaptive Security Appliance Software");
        assert_eq!(escape("9.8(4)"), r"9.8\(4\)");
    }
}
