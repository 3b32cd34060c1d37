//! Matching assets to advisories.
//!
//! An [`Index`] is built once from many advisories and answers, per asset, which CVEs apply
//! and why. The rules:
//!
//! * **NVD configurations** follow NVD's applicability statements: a configuration's nodes
//!   combine by its operator (AND for "product X running on platform Y"), each node's
//!   criteria by the node's operator, and `negate` inverts a node or a configuration. A
//!   criterion matches on vendor and product (normalised, see [`crate::aliases`]), the other
//!   CPE attributes (ANY `*` and NA `-`), and the version: a range (start/end,
//!   including/excluding), or the version and update attributes. Only `vulnerable`
//!   criteria make a finding. A platform node (criteria that are not vulnerable) is checked
//!   against what the asset says about itself — a `*_firmware` implies its device, and a
//!   product name such as `FortiGate 6300F` names its hardware; when the asset says nothing
//!   about its platform the node is taken as satisfied, the match is [`Confidence::Fuzzy`]
//!   and `why` says "platform not checked". An asset whose own CPE is the platform is not
//!   the vulnerable product and does not match.
//! * **Per CVE**, if any NVD record in the index has configurations, NVD alone decides: an
//!   asset on a fixed version does not match through a CVE 5 or JVN statement. Otherwise
//!   the vendor's statement decides (CVE 5 `affected`, then JVN), including prose version
//!   lists. One [`Match`] per CVE, preferring NVD over CVE 5 over JVN.
//! * **Assets** are matched by their CPE when it names a product the index knows (the
//!   version comes from the CPE, or from the asset's version when the CPE has none);
//!   otherwise by vendor and product names through the alias table ([`Confidence::Name`];
//!   a product spelt exactly as NVD spells a CPE product, `Directory Server` for
//!   `directory_server`, counts as an alias), or, failing that, by the product's tokens
//!   containing a CPE product's tokens ([`Confidence::Fuzzy`]). An asset without a version matches ranged criteria only as
//!   Fuzzy ("version not recorded"); a version that cannot be read matches none.

mod cpe;
pub mod eval;
mod freetext;
mod how;
mod index;
mod ranges;
mod statements;

use mamoru_domain::cpe::Cpe23;

pub use index::Index;

use crate::advisory::{Advisory, Source};
use crate::aliases::{Aliases, product_key, vendor_key};

/// What the engine needs to know about an asset.
#[derive(Debug, Clone, Copy, Default)]
pub struct Asset<'a> {
    /// The maker as the register writes it (`Fortinet`, `フォーティネット`).
    pub vendor: &'a str,
    /// The product or model (`FortiGate 60E`).
    pub product: &'a str,
    /// The version as written (`6.0.4`, `6.0.4 build0231`); empty if not recorded.
    pub version: &'a str,
    /// The asset's CPE name, if the register has one.
    pub cpe: Option<&'a Cpe23>,
}

/// How sure a match is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Confidence {
    /// A partial product name, a version not recorded, a platform not checked, or a
    /// vendor statement that lists no versions.
    Fuzzy,
    /// Vendor and product resolved through the alias table, version in range.
    Name,
    /// The asset's own CPE matched, version in range.
    Exact,
}

impl Confidence {
    /// `exact`, `name` or `fuzzy`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Exact => "exact",
            Self::Name => "name",
            Self::Fuzzy => "fuzzy",
        }
    }

    /// Parses [`Confidence::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "exact" => Some(Self::Exact),
            "name" => Some(Self::Name),
            "fuzzy" => Some(Self::Fuzzy),
            _ => None,
        }
    }

    /// A score between 0 and 1 for ranking (1 for exact).
    pub fn score(self) -> f32 {
        match self {
            Self::Exact => 1.0,
            Self::Name => 0.8,
            Self::Fuzzy => 0.4,
        }
    }
}

/// One vulnerability that applies to an asset.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// The CVE (a JVN advisory's first CVE), or the advisory id if it has none.
    pub id: String,
    /// The advisory the match rests on (`CVE-2018-13379`, `JVNDB-2019-000123`).
    pub advisory: String,
    /// Which feed that advisory came from.
    pub source: Source,
    /// How sure the match is.
    pub confidence: Confidence,
    /// One line of English saying why, e.g. `FortiOS 6.0.4 is within 6.0.0 ≤ v < 6.0.5 (NVD
    /// configuration cpe:2.3:o:fortinet:fortios)`.
    pub why: String,
    /// The same in Japanese, for the people the UI is for.
    pub why_ja: String,
    /// The CPE criterion or vendor statement that matched.
    pub criteria: String,
}

/// The normalised (vendor, product) keys an advisory can match, for a store to index it
/// under: the vulnerable criteria of its NVD configurations, and the products (and CPE names)
/// of its vendor statements resolved through the built-in alias table.
pub fn advisory_products(advisory: &Advisory) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for m in advisory.configurations.iter().flat_map(|c| &c.nodes).flat_map(|n| &n.cpe_match) {
        if let Ok(cpe) = Cpe23::parse(&m.criteria)
            && m.vulnerable
        {
            out.push((vendor_key(cpe.vendor()), product_key(cpe.product())));
        }
    }
    if advisory.configurations.is_empty() {
        let aliases = Aliases::builtin();
        let mut versions = ranges::Versions::default();
        for a in &advisory.affected {
            out.extend(statements::compile(a, 0, &aliases, &mut versions).into_iter().flat_map(|(_, keys)| keys));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The normalised (vendor, product) keys to look up for an asset: its CPE's, and every key
/// its names may resolve to (alias hits and the generic runs of its product's tokens), so
/// that an index built from the advisories stored under them matches as a full one would.
pub fn asset_products(asset: &Asset<'_>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(cpe) = asset.cpe {
        out.push((vendor_key(cpe.vendor()), product_key(cpe.product())));
    }
    if !asset.vendor.trim().is_empty() || !asset.product.trim().is_empty() {
        let names = Aliases::builtin().resolve(asset.vendor, asset.product, asset.version);
        out.extend(names.candidates.into_iter().map(|c| (c.vendor, c.product)));
    }
    out.sort();
    out.dedup();
    out
}
