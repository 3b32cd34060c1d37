//! Vendor statements (CVE 5 `affected`, JVN): the fallback when NVD has not analysed a CVE.
//!
//! One [`Affected`] entry may name several products (`Fortinet FortiOS, FortiProxy`) and give
//! their versions as CVE 5 ranges (`version` + `lessThan`), single versions, or prose
//! (`FortiOS 6.0.0 to 6.0.4, ..., FortiProxy 2.0.0`); it becomes one [`Stmt`] per product.

use mamoru_domain::cpe::Cpe23;

use super::freetext::{self, TextRange};
use super::ranges::{Bound, Test, Versions};
use crate::advisory::{Affected, AffectedVersion};
use crate::aliases::{Aliases, How, product_key, tokens, vendor_key};
use crate::version::Version;

/// Version fields that say nothing about versions.
const UNVERSIONED: [&str; 9] = ["", "n/a", "na", "-", "*", "all", "unspecified", "unknown", "all versions"];

/// One product of a vendor statement, ready to test versions against.
#[derive(Debug)]
pub(crate) struct Stmt {
    pub(crate) adv: u32,
    /// The product as the statement names it, for explanations.
    pub(crate) label: Box<str>,
    /// The statement's text, for [`crate::Match::criteria`].
    pub(crate) text: Box<str>,
    pub(crate) affected: Vec<Test>,
    pub(crate) unaffected: Vec<Test>,
    /// CVE 5 `defaultStatus: affected`: versions not listed are affected.
    pub(crate) default_affected: bool,
    /// Says "affected" without any version.
    pub(crate) unversioned: bool,
    /// How the statement's product name resolved to its keys.
    pub(crate) how: How,
    /// Keys that came from the statement's own CPE names.
    pub(crate) cpe_keys: Vec<(String, String)>,
}

/// What a statement says about one version.
#[derive(Debug)]
pub(crate) enum Verdict {
    /// Inside a listed range (described).
    Listed(String),
    /// Not listed, but the record's default status is affected.
    Default,
    /// The statement gives no versions.
    Unversioned,
    /// The asset's version is not recorded.
    NotRecorded,
}

struct Part {
    name: String,
    keys: Vec<(String, String)>,
    how: How,
    affected: Vec<Test>,
    unaffected: Vec<Test>,
    unversioned: bool,
}

/// Compiles one `affected` entry into statements and the keys each is found under.
pub(crate) fn compile(
    a: &Affected,
    adv: u32,
    aliases: &Aliases,
    versions: &mut Versions,
) -> Vec<(Stmt, Vec<(String, String)>)> {
    let mut parts: Vec<Part> = split_products(&a.product).into_iter().map(|n| part(aliases, &a.vendor, n)).collect();
    let names: Vec<String> = parts.iter().map(|p| p.name.clone()).collect();
    for v in &a.versions {
        let affected = match v.status.trim().to_ascii_lowercase().as_str() {
            "affected" => true,
            "unaffected" => false,
            _ => continue,
        };
        let (tests, unversioned) = entry(v, &names, versions);
        for (product, test) in tests {
            let idx = product.and_then(|name| find_part(&mut parts, aliases, &a.vendor, &name));
            for (i, p) in parts.iter_mut().enumerate() {
                if idx.is_none_or(|k| k == i) {
                    if affected { p.affected.push(test) } else { p.unaffected.push(test) }
                }
            }
        }
        if unversioned && affected {
            parts.iter_mut().for_each(|p| p.unversioned = true);
        }
    }
    let cpe_keys: Vec<(String, String)> = a
        .cpes
        .iter()
        .filter_map(|c| Cpe23::parse(c).ok())
        .map(|c| (c.vendor().to_owned(), c.product().to_owned()))
        .collect();
    if parts.is_empty() && !cpe_keys.is_empty() {
        parts.push(Part {
            name: a.product.trim().to_owned(),
            keys: Vec::new(),
            how: How::Alias,
            affected: Vec::new(),
            unaffected: Vec::new(),
            unversioned: false,
        });
    }
    let text = statement_text(a);
    let single = parts.len() == 1;
    parts
        .into_iter()
        .map(|mut p| {
            // The statement's CPE names belong to its product when it names only one.
            let own: Vec<(String, String)> = cpe_keys
                .iter()
                .filter(|(v, pr)| single || p.keys.contains(&(vendor_key(v), product_key(pr))))
                .cloned()
                .collect();
            p.keys.extend(own.iter().map(|(v, pr)| (vendor_key(v), product_key(pr))));
            p.keys.sort();
            p.keys.dedup();
            let label =
                if p.name.is_empty() { a.vendor.trim().to_owned() } else { format!("{} {}", a.vendor.trim(), p.name) };
            let no_versions = a.versions.is_empty() && a.default_affected;
            let stmt = Stmt {
                adv,
                label: label.into(),
                text: text.clone().into(),
                affected: p.affected,
                unaffected: p.unaffected,
                default_affected: a.default_affected,
                unversioned: p.unversioned || no_versions,
                how: p.how,
                cpe_keys: own,
            };
            (stmt, p.keys)
        })
        .collect()
}

impl Stmt {
    /// What the statement says about `version` (`None`: recorded but not a version).
    pub(crate) fn verdict(&self, version: Option<Option<&Version>>, vs: &Versions) -> Option<Verdict> {
        match version {
            Some(Some(v)) => {
                if self.unaffected.iter().any(|t| t.contains(v, vs)) {
                    None
                } else if let Some(t) = self.affected.iter().find(|t| t.contains(v, vs)) {
                    Some(Verdict::Listed(t.describe(vs)))
                } else if self.default_affected {
                    Some(Verdict::Default)
                } else if self.unversioned {
                    Some(Verdict::Unversioned)
                } else {
                    None
                }
            }
            Some(None) => {
                (!self.affected.is_empty() || self.default_affected || self.unversioned).then_some(Verdict::NotRecorded)
            }
            None => None,
        }
    }
}

/// `Fortinet FortiOS, FortiProxy` → `Fortinet FortiOS`, `FortiProxy`.
fn split_products(product: &str) -> Vec<String> {
    let mut s = product.to_owned();
    for sep in [" and ", " & ", "、", "，", "および", "及び", ";"] {
        s = s.replace(sep, ",");
    }
    s.split(',').map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect()
}

fn part(aliases: &Aliases, vendor: &str, name: String) -> Part {
    let names = aliases.resolve(vendor, &name, "");
    let best = |how: How| {
        let max = names.candidates.iter().filter(|c| c.how == how).map(|c| c.strength).max()?;
        let keys: Vec<(String, String)> = names
            .candidates
            .iter()
            .filter(|c| c.how == how && c.strength == max)
            .map(|c| (c.vendor.clone(), c.product.clone()))
            .collect();
        Some((keys, how))
    };
    let end = names.tokens.len().min(u8::MAX as usize) as u8;
    let (keys, how) = best(How::Alias).or_else(|| best(How::Partial)).unwrap_or_else(|| {
        let keys = names
            .candidates
            .iter()
            .filter(|c| c.how == How::Generic && c.span == (names.skip, end))
            .map(|c| (c.vendor.clone(), c.product.clone()))
            .collect();
        (keys, How::Generic)
    });
    Part { name, keys, how, affected: Vec::new(), unaffected: Vec::new(), unversioned: false }
}

/// The part a clause's product name refers to: one the statement names, or another product
/// the alias table knows (`FortiProxy` in a list under `Fortinet FortiOS`). Words that are
/// neither (`for EMC Celerra`) qualify the versions of every part.
fn find_part(parts: &mut Vec<Part>, aliases: &Aliases, vendor: &str, name: &str) -> Option<usize> {
    let key = tokens(name);
    let found = parts.iter().position(|p| {
        let pk = tokens(&p.name);
        !key.is_empty() && (pk == key || pk.ends_with(&key) || key.ends_with(&pk))
    });
    if found.is_some() {
        return found;
    }
    let new = part(aliases, vendor, name.to_owned());
    (new.how == How::Alias && !new.keys.is_empty()).then(|| {
        parts.push(new);
        parts.len() - 1
    })
}

/// The tests one version entry gives, each for a named product or (`None`) for all, and
/// whether it says "affected" with no version at all.
fn entry(v: &AffectedVersion, products: &[String], vs: &mut Versions) -> (Vec<(Option<String>, Test)>, bool) {
    let ver = v.version.trim();
    let end =
        v.less_than.as_deref().map(|e| (e.trim(), false)).or(v.less_than_or_equal.as_deref().map(|e| (e.trim(), true)));
    if let Some((end, inclusive)) = end {
        if freetext::is_plain_version(end) {
            return (range(ver, end, inclusive, vs).map(|t| (None, t)).into_iter().collect(), false);
        }
        let mut tests = prose(end, products, vs);
        if ver != end {
            tests.extend(prose(ver, products, vs));
        }
        return (tests, false);
    }
    if UNVERSIONED.contains(&ver.to_ascii_lowercase().as_str()) {
        return (Vec::new(), true);
    }
    if freetext::is_plain_version(ver) {
        return (vs.intern(ver).map(|id| (None, Test::Build(id))).into_iter().collect(), false);
    }
    (prose(ver, products, vs), false)
}

/// A CVE 5 range `version` .. `lessThan(OrEqual)`.
fn range(start: &str, end: &str, inclusive: bool, vs: &mut Versions) -> Option<Test> {
    let open = UNVERSIONED.contains(&start.to_ascii_lowercase().as_str())
        || start.chars().all(|c| matches!(c, '0' | '.'))
        || !freetext::is_plain_version(start);
    if open {
        let e = vs.intern(end)?;
        return Some(Test::Between(Bound::Open, if inclusive { Bound::Incl(e) } else { Bound::Excl(e) }));
    }
    let (s, e) = (Version::parse(start).ok()?, Version::parse(end).ok()?);
    let base = numeric_prefix(start);
    let major =
        |x: &str| x.split(|c: char| !c.is_ascii_digit()).next().and_then(|n| n.parse::<u64>().ok()).unwrap_or(0);
    let (ms, me) = (major(start), major(end));
    // NetScaler writes builds as `version: 13.1, lessThan: 51.15` (13.1 builds before 51.15,
    // `versionType: patch`, which the model does not keep): an end below the start, a tagged
    // start (`13.1-FIPS`) with another major, or an end many majors ahead.
    let patch = e < s || (ms != me && (base != start || me > ms.saturating_add(10)));
    if patch {
        let lo = vs.intern(&base)?;
        let hi = vs.intern(&format!("{base}-{end}"))?;
        return Some(Test::Between(Bound::Incl(lo), if inclusive { Bound::Incl(hi) } else { Bound::Excl(hi) }));
    }
    let (lo, hi) = (vs.intern(start)?, vs.intern(end)?);
    Some(Test::Between(Bound::Incl(lo), if inclusive { Bound::Incl(hi) } else { Bound::Excl(hi) }))
}

/// `13.1-FIPS` → `13.1`.
fn numeric_prefix(v: &str) -> String {
    v.trim()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect::<String>()
        .trim_end_matches('.')
        .to_owned()
}

fn prose(text: &str, products: &[String], vs: &mut Versions) -> Vec<(Option<String>, Test)> {
    let mut out = Vec::new();
    for clause in freetext::parse(text, products) {
        let bound = |vs: &mut Versions, b: Option<(String, bool)>| match b {
            None => Some(Bound::Open),
            Some((v, true)) => vs.intern(&v).map(Bound::Incl),
            Some((v, false)) => vs.intern(&v).map(Bound::Excl),
        };
        let test = match clause.range {
            TextRange::All => Some(Test::Any),
            TextRange::Single(v) => vs.intern(&v).map(Test::Build),
            TextRange::Between(lo, hi) => match (bound(vs, lo), bound(vs, hi)) {
                (Some(lo), Some(hi)) => Some(Test::Between(lo, hi)),
                _ => None,
            },
        };
        out.extend(test.map(|t| (clause.product, t)));
    }
    out
}

/// The statement as one line: `Fortinet Fortinet FortiOS, FortiProxy: FortiOS 6.0.0 to 6.0.4, ...`.
fn statement_text(a: &Affected) -> String {
    let versions: Vec<String> = a
        .versions
        .iter()
        .map(|v| {
            let mut s = v.version.trim().to_owned();
            if let Some(lt) = &v.less_than {
                s = format!("{s} < {lt}");
            } else if let Some(le) = &v.less_than_or_equal {
                s = format!("{s} ≤ {le}");
            }
            if v.status.trim() != "affected" {
                s = format!("{s} ({})", v.status.trim());
            }
            s
        })
        .collect();
    let mut text = format!("{} {}: {}", a.vendor.trim(), a.product.trim(), versions.join("; "));
    if a.default_affected {
        text.push_str(" (others affected)");
    }
    const MAX: usize = 400;
    if text.chars().count() > MAX {
        text = text.chars().take(MAX).collect::<String>() + "…";
    }
    text
}
