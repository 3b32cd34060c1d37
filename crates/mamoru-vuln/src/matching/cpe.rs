//! NVD match criteria: a CPE name, perhaps with a version range, compiled once at `add`.

use mamoru_domain::cpe::Cpe23;

use super::ranges::{Bound, Strings, Test, Versions, unescape};
use crate::advisory::CpeMatch;
use crate::aliases::{product_key, vendor_key};

/// One compiled `cpeMatch`. Attributes are interned; the normalised (vendor, product) key is
/// what the index files it under.
#[derive(Debug, Clone)]
pub(crate) struct Crit {
    pub(crate) adv: u32,
    pub(crate) node: u32,
    pub(crate) vulnerable: bool,
    pub(crate) part: u8,
    pub(crate) vendor: u32,
    pub(crate) product: u32,
    pub(crate) version: u32,
    pub(crate) update: u32,
    /// `edition:language:sw_edition:target_sw:target_hw:other` as one string.
    pub(crate) rest: u32,
    pub(crate) key: (u32, u32),
    pub(crate) test: Test,
}

impl Crit {
    /// Compiles a criterion; `None` if its CPE name is not valid.
    pub(crate) fn compile(m: &CpeMatch, adv: u32, node: u32, strings: &mut Strings, vs: &mut Versions) -> Option<Self> {
        let cpe = Cpe23::parse(&m.criteria).ok()?;
        let a = cpe.attributes();
        let bound = |vs: &mut Versions, incl: &Option<String>, excl: &Option<String>| -> Option<Bound> {
            match (incl, excl) {
                (Some(v), _) => vs.intern(v).map(Bound::Incl),
                (None, Some(v)) => vs.intern(v).map(Bound::Excl),
                (None, None) => Some(Bound::Open),
            }
        };
        let ranged = m.version_start_including.is_some()
            || m.version_start_excluding.is_some()
            || m.version_end_including.is_some()
            || m.version_end_excluding.is_some();
        let test = if ranged {
            let lo = bound(vs, &m.version_start_including, &m.version_start_excluding);
            let hi = bound(vs, &m.version_end_including, &m.version_end_excluding);
            match (lo, hi) {
                (Some(lo), Some(hi)) => Test::Between(lo, hi),
                _ => Test::Never,
            }
        } else {
            concrete(&a[3], &a[4], vs)
        };
        let part = a[0].bytes().next().unwrap_or(b'*');
        let key = (strings.intern(&vendor_key(&a[1])), strings.intern(&product_key(&a[2])));
        Some(Self {
            adv,
            node,
            vulnerable: m.vulnerable,
            part,
            vendor: strings.intern(&a[1]),
            product: strings.intern(&a[2]),
            version: strings.intern(&a[3]),
            update: strings.intern(&a[4]),
            rest: strings.intern(&a[5..].join(":")),
            key,
            test,
        })
    }

    /// The criterion as NVD wrote it.
    pub(crate) fn criteria(&self, s: &Strings) -> String {
        format!(
            "cpe:2.3:{}:{}:{}:{}:{}:{}",
            self.part as char,
            s.str(self.vendor),
            s.str(self.product),
            s.str(self.version),
            s.str(self.update),
            s.str(self.rest)
        )
    }

    /// `cpe:2.3:o:fortinet:fortios`, for explanations.
    pub(crate) fn short(&self, s: &Strings) -> String {
        format!("cpe:2.3:{}:{}:{}", self.part as char, s.str(self.vendor), s.str(self.product))
    }

    /// Whether the asset's own CPE agrees with the attributes after version and update.
    pub(crate) fn rest_matches(&self, s: &Strings, asset: &Cpe23) -> bool {
        let mine = split_unescaped(s.str(self.rest));
        mine.iter().zip(asset.attributes()[5..].iter()).all(|(c, a)| attribute_matches(c, a))
    }

    /// Whether the asset's CPE names exactly this vendor and product.
    pub(crate) fn same_product(&self, s: &Strings, asset: &Cpe23) -> bool {
        s.str(self.vendor) == asset.vendor() && s.str(self.product) == asset.product()
    }
}

/// The test of a criterion without a range: its version (and update) attribute.
fn concrete(version: &str, update: &str, vs: &mut Versions) -> Test {
    if version == "*" || version == "-" {
        // NA: the product has no versions of its own (`windows_7:-:sp1`); the name says it all.
        return Test::Any;
    }
    if version.contains(['*', '?']) {
        let line = version.trim_end_matches(['*', '?', '.']);
        return vs.intern(line).map_or(Test::Never, Test::Line);
    }
    match update {
        "*" => vs.intern(version).map_or(Test::Never, Test::Line),
        "-" => vs.intern(version).map_or(Test::Never, Test::Build),
        u => vs.intern(&format!("{} {}", unescape(version), unescape(u))).map_or(Test::Never, Test::Build),
    }
}

/// CPE attribute comparison for a criterion value `c` and an asset value `a`: ANY on either
/// side matches (an asset that does not say its edition is not excluded), NA only NA, and a
/// value with `*` at an end matches as a prefix or suffix.
fn attribute_matches(c: &str, a: &str) -> bool {
    if c == "*" || a == "*" || c == a {
        return true;
    }
    if c == "-" || a == "-" {
        return false;
    }
    match (c.strip_prefix('*'), c.strip_suffix('*')) {
        (Some(rest), _) if rest.ends_with('*') => a.contains(rest.trim_end_matches('*')),
        (Some(rest), _) => a.ends_with(rest),
        (None, Some(rest)) => a.starts_with(rest),
        (None, None) => false,
    }
}

/// Splits a formatted-string tail on colons not escaped by a backslash.
fn split_unescaped(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            ':' => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes() {
        assert!(attribute_matches("*", "x64"));
        assert!(attribute_matches("x64", "*"));
        assert!(attribute_matches("x64", "x64"));
        assert!(!attribute_matches("x64", "x86"));
        assert!(!attribute_matches("-", "x86"));
        assert!(attribute_matches("-", "-"));
        assert!(attribute_matches("wordpress*", "wordpress_multisite"));
        assert_eq!(split_unescaped(r"a:b\:c:d"), ["a", r"b\:c", "d"]);
    }
}
