//! Vendor and product names as registers write them, resolved to CPE vendor/product keys.
//!
//! An asset register says `フォーティネット` / `FortiGate 60E`; NVD says `fortinet` / `fortios`.
//! Names are first normalised — full-width folded to half-width, lowercased, corporate
//! suffixes (`株式会社`, `Inc.`, `Co., Ltd.`) dropped, split into tokens at punctuation,
//! spaces and letter/digit boundaries — and then looked up in an alias table
//! (`data/aliases.tsv`, which documents its own format; [`Aliases::extend`] adds lines to it).
//!
//! Keys are normalised the same way on both sides, so `pan-os`, `PAN OS` and `pan_os` are one
//! product and `buffalo_inc` is the vendor `buffalo`: see [`vendor_key`] and [`product_key`].

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use crate::version::fold_width;

const BUILTIN: &str = include_str!("../data/aliases.tsv");

/// Japanese corporate forms, removed wherever they appear in a vendor name.
const JP_CORPORATE: [&str; 10] =
    ["株式会社", "有限会社", "合同会社", "合資会社", "(株)", "（株）", "㈱", "(有)", "（有）", "㈲"];

/// Trailing vendor-name tokens that say what kind of company, not which.
const CORPORATE: [&str; 16] = [
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "co",
    "company",
    "ltd",
    "limited",
    "llc",
    "gmbh",
    "ag",
    "plc",
    "kk",
    "sa",
    "japan",
    "ジャパン",
];

/// Model placeholders take at most this many tokens (`100`, `100 w`, `22 h 2`).
const MODEL_TOKENS: usize = 3;
/// Generic matching looks at this many product tokens and runs of at most `MAX_RUN` of them.
const MAX_TOKENS: usize = 8;
const MAX_RUN: usize = 5;
/// Product names are cut at this many tokens (spans are kept in `u8`).
const MAX_NAME_TOKENS: usize = 64;

/// A line of an alias table that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("alias table line {line}: {reason}")]
pub struct AliasError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong with it.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Pat {
    Lit(String),
    Model,
}

#[derive(Debug, Clone)]
struct ProductRow {
    pattern: Vec<Pat>,
    /// (vendor key, product template with `{m}`).
    targets: Vec<(String, String)>,
}

/// The alias table: vendor names, product names per vendor, and Windows builds.
#[derive(Debug, Clone, Default)]
pub struct Aliases {
    vendors: HashMap<String, Vec<String>>,
    products: HashMap<String, Vec<ProductRow>>,
    ignore: HashMap<String, Vec<String>>,
    /// (family tokens, build number, (vendor key, product key)).
    builds: Vec<(Vec<String>, String, (String, String))>,
}

/// How a candidate key was found; later variants are stronger evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum How {
    /// Product tokens equal or contain the CPE product's tokens.
    Generic,
    /// An alias matched, but not at the start of the product name or not under its vendor.
    Partial,
    /// An alias matched the product name under its vendor.
    Alias,
}

/// One (vendor, product) key an asset's names may stand for.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    pub(crate) vendor: String,
    pub(crate) product: String,
    pub(crate) how: How,
    /// Product tokens the match covered, to prefer the longest alias.
    pub(crate) strength: u8,
    /// Token range of a generic match, to prefer `ios_xe` over `ios` inside `IOS XE`.
    pub(crate) span: (u8, u8),
}

/// What an asset's vendor and product names resolve to.
#[derive(Debug, Clone, Default)]
pub(crate) struct Names {
    /// The vendor keys the asset's vendor stands for.
    pub(crate) vendors: Vec<String>,
    /// The product's tokens.
    pub(crate) tokens: Vec<String>,
    /// How many of them are the vendor's name (`Fortinet FortiGate`).
    pub(crate) skip: u8,
    pub(crate) candidates: Vec<Candidate>,
    /// The version field held a Windows feature update (`22H2`), not a version.
    pub(crate) version_consumed: bool,
}

/// Splits a name into lowercase tokens at punctuation, spaces, and changes between ASCII
/// letters, digits and other scripts: `FortiGate-60E` is `fortigate 60 e`, `ヤマハRTX1210` is
/// `ヤマハ rtx 1210`.
pub(crate) fn tokens(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut class = 0u8;
    for c in s.chars() {
        let c = fold_width(c);
        let k = if c.is_ascii_alphabetic() {
            1
        } else if c.is_ascii_digit() {
            2
        } else if c.is_alphanumeric() {
            3
        } else {
            0
        };
        if (k == 0 || k != class) && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        class = k;
        if k != 0 {
            cur.extend(c.to_lowercase());
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    // Japanese product names say "firmware" in katakana (`Aterm GB1200PE ファームウェア`).
    for t in &mut out {
        match t.as_str() {
            "ファームウェア" | "ファームウエア" => *t = "firmware".to_owned(),
            "ソフトウェア" | "ソフトウエア" => *t = "software".to_owned(),
            _ => {}
        }
    }
    out
}

/// The normalised key of a vendor name or CPE vendor: tokens without corporate suffixes,
/// joined without separators (`Palo Alto Networks, Inc.` and `paloaltonetworks` are
/// `paloaltonetworks`; `株式会社バッファロー` is `バッファロー`).
pub fn vendor_key(name: &str) -> String {
    let mut s = name.to_owned();
    for form in JP_CORPORATE {
        s = s.replace(form, " ");
    }
    let mut toks = tokens(&s);
    while toks.len() > 1 && toks.last().is_some_and(|t| CORPORATE.contains(&t.as_str())) {
        toks.pop();
    }
    if let Some(last) = toks.last_mut()
        && let Some(stem) = last.strip_suffix("ジャパン")
        && !stem.is_empty()
    {
        *last = stem.to_owned();
    }
    toks.concat()
}

/// The normalised key of a product name or CPE product: tokens joined with `_`
/// (`pan-os`, `PAN OS` → `pan_os`; `usg_flex_100w_firmware` → `usg_flex_100_w_firmware`).
pub fn product_key(name: &str) -> String {
    tokens(name).join("_")
}

impl Aliases {
    /// The table shipped with Mamoru (`data/aliases.tsv`).
    pub fn builtin() -> Arc<Self> {
        static BUILT: OnceLock<Arc<Aliases>> = OnceLock::new();
        // The shipped table is tested to parse; a broken build must not match silently.
        BUILT.get_or_init(|| Arc::new(Self::parse(BUILTIN).expect("data/aliases.tsv parses"))).clone()
    }

    /// Reads a table in the `data/aliases.tsv` format.
    pub fn parse(text: &str) -> Result<Self, AliasError> {
        let mut table = Self::default();
        table.extend(text)?;
        Ok(table)
    }

    /// Adds the lines of another table (a site's own names) to this one.
    pub fn extend(&mut self, text: &str) -> Result<(), AliasError> {
        for (i, line) in text.lines().enumerate() {
            let line = line.trim_end();
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            self.line(line).map_err(|reason| AliasError { line: i + 1, reason })?;
        }
        Ok(())
    }

    fn line(&mut self, line: &str) -> Result<(), String> {
        let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
        let names = |col: usize| -> Result<Vec<&str>, String> {
            let list: Vec<&str> = cols.get(col).ok_or("missing names")?.split('|').map(str::trim).collect();
            if list.iter().any(|n| n.is_empty()) { Err("empty name".into()) } else { Ok(list) }
        };
        let want = |n: usize| if cols.len() == n { Ok(()) } else { Err(format!("expected {n} tab-separated columns")) };
        let vendor = vendor_key(cols.get(1).copied().unwrap_or(""));
        match cols[0] {
            "vendor" => {
                want(3)?;
                for name in names(2)? {
                    let list = self.vendors.entry(vendor_key(name)).or_default();
                    if !list.contains(&vendor) {
                        list.push(vendor.clone());
                    }
                }
            }
            "product" => {
                want(4)?;
                let targets = cols[3].split_whitespace().map(target).collect::<Result<Vec<_>, _>>()?;
                for name in names(2)? {
                    let pattern = pattern(name)?;
                    self.products
                        .entry(vendor.clone())
                        .or_default()
                        .push(ProductRow { pattern, targets: targets.clone() });
                }
            }
            "ignore" => {
                want(3)?;
                self.ignore.entry(vendor).or_default().extend(names(2)?.iter().flat_map(|w| tokens(w)));
            }
            "winbuild" => {
                want(4)?;
                let (v, p) = target(cols[3])?;
                if !cols[2].chars().all(|c| c.is_ascii_digit()) {
                    return Err(format!("build {:?} is not a number", cols[2]));
                }
                self.builds.push((tokens(cols[1]), cols[2].to_owned(), (v, product_key(&p))));
            }
            other => return Err(format!("unknown kind {other:?} (vendor, product, ignore or winbuild)")),
        }
        Ok(())
    }

    /// The vendor keys a vendor name stands for: the table's, and the name's own key.
    pub fn vendors(&self, name: &str) -> Vec<String> {
        let key = vendor_key(name);
        if key.is_empty() {
            return Vec::new();
        }
        let mut out = self.vendors.get(&key).cloned().unwrap_or_default();
        if !out.contains(&key) {
            out.push(key);
        }
        out
    }

    /// Resolves an asset's (or a vendor statement's) names to candidate keys.
    pub(crate) fn resolve(&self, vendor: &str, product: &str, version: &str) -> Names {
        let mut toks = tokens(product);
        toks.truncate(MAX_NAME_TOKENS);
        let mut names = Names { vendors: self.vendors(vendor), tokens: toks, ..Names::default() };
        // A product written with its vendor in front (`Fortinet FortiGate`) keeps its tokens,
        // but aliases may also start after the vendor; with no vendor field it names one.
        let skip = self.vendor_prefix(&names.tokens);
        if names.vendors.is_empty() && skip > 0 {
            names.vendors = self.vendors.get(&names.tokens[..skip].concat()).cloned().unwrap_or_default();
        }
        names.skip = skip as u8;
        let known_vendor = names.vendors.iter().any(|v| self.products.contains_key(v) || self.is_table_vendor(v));
        for v in &names.vendors {
            let toks = self.filtered(v, &names.tokens);
            let skip = self.vendor_prefix(&toks);
            for row in self.products.get(v).into_iter().flatten() {
                row.candidates(&toks, Some(skip), &mut names.candidates);
            }
            names.version_consumed |= self.windows(v, &toks[skip..], version, &mut names.candidates);
        }
        if !names.candidates.iter().any(|c| c.how == How::Alias) && !known_vendor {
            // An unknown vendor (a reseller, a typo): distinctive product aliases of any vendor.
            for (v, rows) in &self.products {
                let toks = self.filtered(v, &names.tokens);
                for row in rows.iter().filter(|r| r.distinctive()) {
                    row.candidates(&toks, None, &mut names.candidates);
                }
            }
        }
        let n = names.tokens.len();
        let limit = n.min(MAX_TOKENS);
        let mut spans: Vec<(usize, usize)> =
            (0..limit).flat_map(|s| (s + 1..=limit.min(s + MAX_RUN)).map(move |e| (s, e))).collect();
        // The whole name (with or without its vendor) however long: `P660HN-T1A v2`.
        for whole in [(0, n), (skip, n)] {
            if whole.0 < whole.1 && !spans.contains(&whole) {
                spans.push(whole);
            }
        }
        for v in &names.vendors {
            for &(start, end) in &spans {
                let product = names.tokens[start..end].join("_");
                let span = (start as u8, end as u8);
                let c =
                    |product: String| Candidate { vendor: v.clone(), product, how: How::Generic, strength: 0, span };
                if !product.ends_with("firmware") {
                    names.candidates.push(c(format!("{product}_firmware")));
                }
                names.candidates.push(c(product));
            }
        }
        names
    }

    /// How many leading tokens are a vendor's name (`fortinet` in `Fortinet FortiGate`).
    fn vendor_prefix(&self, toks: &[String]) -> usize {
        (1..=3).rev().find(|&n| toks.len() > n && self.vendors.contains_key(&toks[..n].concat())).unwrap_or(0)
    }

    fn is_table_vendor(&self, key: &str) -> bool {
        self.vendors.values().any(|list| list.iter().any(|v| v == key))
    }

    fn filtered(&self, vendor: &str, toks: &[String]) -> Vec<String> {
        match self.ignore.get(vendor) {
            Some(words) => toks.iter().filter(|t| !words.contains(t)).cloned().collect(),
            None => toks.to_vec(),
        }
    }

    /// Windows named by family (`Windows 10 Pro`) with the build in the version
    /// (`10.0.19045.3803`) or the feature update in the version (`22H2`).
    fn windows(&self, vendor: &str, toks: &[String], version: &str, out: &mut Vec<Candidate>) -> bool {
        let families: Vec<&Vec<String>> = self.builds.iter().map(|b| &b.0).filter(|f| f.as_slice() == toks).collect();
        if families.is_empty() || self.builds.iter().all(|b| b.2.0 != vendor) {
            return false;
        }
        let parts: Vec<&str> = version.trim().split('.').collect();
        if parts.len() >= 3 && parts[0] == "10" && parts[1] == "0" {
            for (family, build, (v, p)) in &self.builds {
                if family.as_slice() == toks && build == parts[2] {
                    let strength = toks.len() as u8 + 1;
                    out.push(Candidate {
                        vendor: v.clone(),
                        product: p.clone(),
                        how: How::Alias,
                        strength,
                        span: (0, 0),
                    });
                }
            }
            return false;
        }
        let mut with_version = toks.to_vec();
        with_version.extend(tokens(version));
        let before = out.len();
        for row in self.products.get(vendor).into_iter().flatten() {
            row.candidates(&with_version, Some(0), out);
        }
        // Only a feature-update pattern (`Windows 10 {m}`) consumes the version.
        out.len() > before && out[before..].iter().any(|c| c.strength as usize > toks.len())
    }
}

impl ProductRow {
    /// Whether the pattern is specific enough to trust without its vendor.
    fn distinctive(&self) -> bool {
        self.pattern.iter().map(|p| if let Pat::Lit(s) = p { s.chars().count() } else { 0 }).sum::<usize>() >= 6
    }

    /// Matches anywhere in `toks`; at the start (or right after the vendor's name, `skip`)
    /// under the row's own vendor it is an alias hit, elsewhere a partial one.
    fn candidates(&self, toks: &[String], skip: Option<usize>, out: &mut Vec<Candidate>) {
        for start in 0..toks.len() {
            for (end, model) in match_at(&self.pattern, toks, start) {
                let how = if skip.is_some_and(|s| start == 0 || start == s) { How::Alias } else { How::Partial };
                for (v, template) in &self.targets {
                    let product = product_key(&template.replace("{m}", model.as_deref().unwrap_or("")));
                    let strength = (end - start) as u8;
                    out.push(Candidate { vendor: v.clone(), product, how, strength, span: (start as u8, end as u8) });
                }
            }
        }
    }
}

/// Where `pat` matches `toks` from `start`: the end of each match and the model it read.
fn match_at(pat: &[Pat], toks: &[String], start: usize) -> Vec<(usize, Option<String>)> {
    let Some((first, rest)) = pat.split_first() else {
        return vec![(start, None)];
    };
    match first {
        Pat::Lit(l) => {
            if toks.get(start) == Some(l) {
                match_at(rest, toks, start + 1)
            } else {
                Vec::new()
            }
        }
        Pat::Model => {
            // Model numbers start with digits: `100`, `60 e`, `22 h 2`, `2019`.
            if !toks.get(start).is_some_and(|t| t.starts_with(|c: char| c.is_ascii_digit())) {
                return Vec::new();
            }
            let mut out = Vec::new();
            for k in 1..=MODEL_TOKENS.min(toks.len() - start) {
                // A model goes on with digits or a short suffix (`100 w`, `6300 f dc`), not words.
                let last = &toks[start + k - 1];
                if k > 1 && !(last.chars().all(|c| c.is_ascii_digit()) || last.chars().count() <= 2) {
                    break;
                }
                let model = toks[start..start + k].join("_");
                for (end, inner) in match_at(rest, toks, start + k) {
                    out.push((end, Some(inner.unwrap_or_else(|| model.clone()))));
                }
            }
            out
        }
    }
}

fn pattern(name: &str) -> Result<Vec<Pat>, String> {
    let mut out = Vec::new();
    for (i, part) in name.split("{m}").enumerate() {
        if i > 0 {
            out.push(Pat::Model);
        }
        out.extend(tokens(part).into_iter().map(Pat::Lit));
    }
    if !out.iter().any(|p| matches!(p, Pat::Lit(_))) {
        return Err(format!("product name {name:?} has no letters or digits"));
    }
    Ok(out)
}

fn target(s: &str) -> Result<(String, String), String> {
    match s.split_once(':') {
        Some((v, p)) if !v.is_empty() && !p.is_empty() => Ok((vendor_key(v), p.to_owned())),
        _ => Err(format!("CPE name {s:?} must be vendor:product")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_normalised() {
        assert_eq!(vendor_key("Palo Alto Networks, Inc."), "paloaltonetworks");
        assert_eq!(vendor_key("株式会社バッファロー"), "バッファロー");
        assert_eq!(vendor_key("buffalo_inc"), "buffalo");
        assert_eq!(vendor_key("ＦＯＲＴＩＮＥＴ　Ｊａｐａｎ"), "fortinet");
        assert_eq!(vendor_key("フォーティネットジャパン合同会社"), "フォーティネット");
        assert_eq!(product_key("PAN-OS"), "pan_os");
        assert_eq!(product_key("usg_flex_100w_firmware"), "usg_flex_100_w_firmware");
        assert_eq!(tokens("ヤマハRTX1210"), ["ヤマハ", "rtx", "1210"]);
    }

    #[test]
    fn builtin_table_parses_and_resolves() {
        let t = Aliases::builtin();
        let best = |v: &str, p: &str, ver: &str| {
            let names = t.resolve(v, p, ver);
            let mut hits: Vec<String> = names
                .candidates
                .iter()
                .filter(|c| c.how == How::Alias)
                .map(|c| format!("{}:{}", c.vendor, c.product))
                .collect();
            hits.sort();
            hits.dedup();
            hits
        };
        assert!(best("フォーティネット", "FortiGate 60E", "6.0.4").contains(&"fortinet:fortios".to_owned()));
        assert!(best("Zyxel", "USG FLEX 100W", "5.35").contains(&"zyxel:usg_flex_100_w_firmware".to_owned()));
        assert!(
            best("Microsoft", "Windows 10 Pro", "10.0.19045.3803").contains(&"microsoft:windows_10_22_h_2".to_owned())
        );
        assert!(
            best("マイクロソフト", "Windows Server 2019 Standard", "")
                .contains(&"microsoft:windows_server_2019".to_owned())
        );
        assert!(t.resolve("Microsoft", "Windows 10 Pro", "22H2").version_consumed);
        assert!(best("", "Fortinet FortiGate", "").contains(&"fortinet:fortios".to_owned()));
        assert!(Aliases::parse("vendor\tx").is_err());
        assert_eq!(Aliases::parse("\n#c\nbogus\ta\tb").map(|_| ()).unwrap_err().line, 3);
    }
}
