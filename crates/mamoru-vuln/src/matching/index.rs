//! The index: advisories compiled once, filed under normalised (vendor, product) keys.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::cpe::Crit;
use super::how::KeyHow;
use super::ranges::{Strings, Test, Versions, unescape};
use super::statements::{Stmt, Verdict};
use super::{Asset, Confidence, Match};
use crate::advisory::{Advisory, Operator, Source};
use crate::aliases::{Aliases, Candidate, How, product_key, tokens, vendor_key};
use crate::version::Version;

/// Version fields that mean "not recorded".
const UNKNOWN_VERSION: [&str; 9] = ["", "-", "?", "不明", "不詳", "なし", "unknown", "n/a", "na"];

/// Advisories ready to match assets against.
///
/// Built once (`add` each advisory) and queried per asset; matching costs a few hash
/// lookups plus the criteria filed under the asset's own keys, so thousands of assets
/// against the whole NVD take well under a second. `Index` is `Send + Sync`.
pub struct Index {
    aliases: Arc<Aliases>,
    strings: Strings,
    versions: Versions,
    advisories: Vec<Adv>,
    configs: Vec<Conf>,
    nodes: Vec<NodeC>,
    crits: Vec<Crit>,
    stmts: Vec<Stmt>,
    by_key: HashMap<(u32, u32), Vec<Entry>>,
    /// CVEs some NVD record in the index has configurations for: NVD alone decides them.
    nvd_configured: HashSet<Box<str>>,
}

struct Adv {
    id: Box<str>,
    vuln: Box<str>,
    source: Source,
}

struct Conf {
    and: bool,
    negate: bool,
    nodes: (u32, u32),
}

struct NodeC {
    config: u32,
    and: bool,
    negate: bool,
    crits: (u32, u32),
    /// Only criteria that are not vulnerable: the platform of an AND configuration.
    platform: bool,
}

#[derive(Clone, Copy)]
enum Entry {
    Crit(u32),
    Stmt(u32),
}

enum AssetVersion {
    Known(Version),
    NotRecorded,
    Unreadable,
}

/// The asset as matching sees it.
struct View<'a> {
    asset: &'a Asset<'a>,
    version: AssetVersion,
    /// The version attribute of the asset's own CPE alone, without its update.
    cpe_version: Option<Version>,
    version_text: String,
    label: String,
    keys: Vec<((u32, u32), KeyHow)>,
    cpe_key: Option<(u32, u32)>,
    /// Vendor keys and product tokens, to check platform nodes.
    vendors: Vec<u32>,
    tokens: Vec<String>,
}

#[derive(Clone, Copy)]
struct Hit {
    crit: u32,
    node: u32,
    confidence: Confidence,
    how: KeyHow,
    recorded: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tri {
    T,
    F,
    U,
}

impl Tri {
    fn not(self) -> Self {
        match self {
            Self::T => Self::F,
            Self::F => Self::T,
            Self::U => Self::U,
        }
    }
}

fn span(start: usize, len: usize) -> std::ops::Range<usize> {
    start..start + len
}

fn len_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Default for Index {
    fn default() -> Self {
        Self::new()
    }
}

impl Index {
    /// An empty index using the built-in alias table.
    pub fn new() -> Self {
        Self::with_aliases(Aliases::builtin())
    }

    /// An empty index resolving names through `aliases` (the built-in table extended with a
    /// site's own names, say).
    pub fn with_aliases(aliases: Arc<Aliases>) -> Self {
        Self {
            aliases,
            strings: Strings::default(),
            versions: Versions::default(),
            advisories: Vec::new(),
            configs: Vec::new(),
            nodes: Vec::new(),
            crits: Vec::new(),
            stmts: Vec::new(),
            by_key: HashMap::new(),
            nvd_configured: HashSet::new(),
        }
    }

    /// How many advisories were added.
    pub fn len(&self) -> usize {
        self.advisories.len()
    }

    /// Whether no advisory was added.
    pub fn is_empty(&self) -> bool {
        self.advisories.is_empty()
    }

    /// Adds an advisory: its NVD configurations, or, when it has none, its vendor statements.
    pub fn add(&mut self, advisory: Advisory) {
        let adv = len_u32(self.advisories.len());
        let vuln: Box<str> = advisory.cves().next().unwrap_or(&advisory.id).into();
        if advisory.source == Source::Nvd && !advisory.configurations.is_empty() {
            self.nvd_configured.insert(vuln.clone());
        }
        for c in &advisory.configurations {
            let conf = len_u32(self.configs.len());
            let first_node = len_u32(self.nodes.len());
            for n in &c.nodes {
                let node = len_u32(self.nodes.len());
                let first_crit = len_u32(self.crits.len());
                for m in &n.cpe_match {
                    if let Some(crit) = Crit::compile(m, adv, node, &mut self.strings, &mut self.versions) {
                        let i = len_u32(self.crits.len());
                        if crit.vulnerable {
                            self.by_key.entry(crit.key).or_default().push(Entry::Crit(i));
                        }
                        self.crits.push(crit);
                    }
                }
                let count = len_u32(self.crits.len()) - first_crit;
                let platform = self.crits[span(first_crit as usize, count as usize)].iter().all(|c| !c.vulnerable);
                self.nodes.push(NodeC {
                    config: conf,
                    and: n.operator == Operator::And,
                    negate: n.negate,
                    crits: (first_crit, count),
                    platform,
                });
            }
            let nodes = (first_node, len_u32(self.nodes.len()) - first_node);
            self.configs.push(Conf { and: c.operator == Operator::And, negate: c.negate, nodes });
        }
        if advisory.configurations.is_empty() {
            for a in &advisory.affected {
                for (stmt, keys) in super::statements::compile(a, adv, &self.aliases, &mut self.versions) {
                    let i = len_u32(self.stmts.len());
                    for (v, p) in keys {
                        let key = (self.strings.intern(&v), self.strings.intern(&p));
                        self.by_key.entry(key).or_default().push(Entry::Stmt(i));
                    }
                    self.stmts.push(stmt);
                }
            }
        }
        self.advisories.push(Adv { id: advisory.id.into(), vuln, source: advisory.source });
    }

    /// The vulnerabilities that apply to `asset`, one per CVE, sorted by id.
    pub fn match_asset(&self, asset: &Asset<'_>) -> Vec<Match> {
        let view = self.view(asset);
        let mut hits: Vec<Hit> = Vec::new();
        let mut found: Vec<Match> = Vec::new();
        for &(key, how) in &view.keys {
            for e in self.by_key.get(&key).into_iter().flatten() {
                match *e {
                    Entry::Crit(i) => hits.extend(self.crit_hit(i, &view, how)),
                    Entry::Stmt(i) => found.extend(self.stmt_match(i, &view, how)),
                }
            }
        }
        // The same criterion reached through two keys counts once, at its best.
        hits.sort_by(|a, b| a.crit.cmp(&b.crit).then(b.confidence.cmp(&a.confidence)));
        hits.dedup_by_key(|h| h.crit);
        hits.sort_by_key(|h| (self.crits[h.crit as usize].adv, self.nodes[h.node as usize].config, h.crit));
        for group in hits.chunk_by(|a, b| self.crits[a.crit as usize].adv == self.crits[b.crit as usize].adv) {
            found.extend(self.nvd_match(group, &view));
        }
        let rank = |s: Source| match s {
            Source::Nvd => 0,
            Source::Cve5 => 1,
            Source::Jvn => 2,
        };
        found.retain(|m| m.source == Source::Nvd || !self.nvd_configured.contains(m.id.as_str()));
        found.sort_by(|a, b| {
            a.id.cmp(&b.id)
                .then(rank(a.source).cmp(&rank(b.source)))
                .then(b.confidence.cmp(&a.confidence))
                .then(a.advisory.cmp(&b.advisory))
        });
        found.dedup_by(|later, first| later.id == first.id);
        found
    }

    fn view<'a>(&self, asset: &'a Asset<'a>) -> View<'a> {
        let mut keys = Vec::new();
        let mut vendors = Vec::new();
        let mut toks = Vec::new();
        let mut cpe_key = None;
        let mut consumed = false;
        if let Some(cpe) = asset.cpe {
            toks.extend(tokens(&unescape(cpe.product())));
            let v = self.strings.get(&vendor_key(cpe.vendor()));
            let p = self.strings.get(&product_key(cpe.product()));
            if let (Some(v), Some(p)) = (v, p) {
                cpe_key = Some((v, p));
                vendors.push(v);
                if self.by_key.contains_key(&(v, p)) {
                    keys.push(((v, p), KeyHow::Cpe));
                }
            }
        }
        if !asset.vendor.trim().is_empty() || !asset.product.trim().is_empty() {
            let names = self.aliases.resolve(asset.vendor, asset.product, asset.version);
            vendors.extend(names.vendors.iter().filter_map(|v| self.strings.get(v)));
            toks.extend(names.tokens.iter().cloned());
            // A CPE the index knows decides the product; the names then only describe it.
            if keys.is_empty() {
                consumed = names.version_consumed;
                keys = self.pick(&names.candidates, names.tokens.len(), names.skip);
            }
        }
        let version_text = match asset.cpe {
            Some(c) if !matches!(c.version(), "*" | "-") => {
                let update = &c.attributes()[4];
                if matches!(update.as_str(), "*" | "-") {
                    unescape(c.version())
                } else {
                    format!("{} {}", unescape(c.version()), unescape(update))
                }
            }
            _ => asset.version.trim().to_owned(),
        };
        let version = if consumed || UNKNOWN_VERSION.contains(&version_text.to_lowercase().as_str()) {
            AssetVersion::NotRecorded
        } else {
            Version::parse(&version_text).map_or(AssetVersion::Unreadable, AssetVersion::Known)
        };
        let label =
            [asset.product.trim(), &asset.cpe.map(|c| unescape(c.product())).unwrap_or_default(), asset.vendor.trim()]
                .into_iter()
                .find(|s| !s.is_empty())
                .unwrap_or("the asset")
                .to_owned();
        vendors.sort_unstable();
        vendors.dedup();
        let cpe_version = asset
            .cpe
            .filter(|c| !matches!(c.version(), "*" | "-"))
            .and_then(|c| Version::parse(&unescape(c.version())).ok());
        View { asset, version, cpe_version, version_text, label, keys, cpe_key, vendors, tokens: toks }
    }

    /// The keys to use from name candidates: the strongest alias hits the index knows (a
    /// product spelt exactly as a CPE product counts as one, so `ASA 1000V Cloud Firewall
    /// Software` is not taken for `ASA`), or else the generic runs, dropping a run inside a
    /// longer one (`ios` inside `ios xe`).
    fn pick(&self, candidates: &[Candidate], n_tokens: usize, skip: u8) -> Vec<((u32, u32), KeyHow)> {
        let end = u8::try_from(n_tokens).unwrap_or(u8::MAX);
        let known: Vec<(How, u8, &Candidate, (u32, u32))> = candidates
            .iter()
            .filter_map(|c| Some((c, (self.strings.get(&c.vendor)?, self.strings.get(&c.product)?))))
            .filter(|(_, k)| self.by_key.contains_key(k))
            .map(|(c, k)| match c.how {
                How::Generic if c.span == (0, end) || c.span == (skip, end) => (How::Alias, end - c.span.0, c, k),
                how => (how, c.strength, c, k),
            })
            .collect();
        for (how, key_how) in [(How::Alias, KeyHow::Alias), (How::Partial, KeyHow::Partial)] {
            let best = known.iter().filter(|k| k.0 == how).map(|k| k.1).max();
            if let Some(best) = best {
                let mut out: Vec<_> =
                    known.iter().filter(|k| k.0 == how && k.1 == best).map(|k| (k.3, key_how)).collect();
                out.sort_unstable_by_key(|(k, _)| *k);
                out.dedup_by_key(|(k, _)| *k);
                return out;
            }
        }
        let generic: Vec<(&Candidate, (u32, u32))> =
            known.iter().filter(|k| k.0 == How::Generic).map(|k| (k.2, k.3)).collect();
        let inside = |a: (u8, u8), b: (u8, u8)| a != b && b.0 <= a.0 && a.1 <= b.1;
        let mut out: Vec<_> = generic
            .iter()
            .filter(|(c, _)| !generic.iter().any(|(o, _)| inside(c.span, o.span)))
            .map(|(_, k)| (*k, KeyHow::Generic))
            .collect();
        out.sort_unstable_by_key(|(k, _)| *k);
        out.dedup_by_key(|(k, _)| *k);
        out
    }

    fn crit_hit(&self, i: u32, view: &View<'_>, how: KeyHow) -> Option<Hit> {
        let c = &self.crits[i as usize];
        let mut confidence = how.confidence();
        if how == KeyHow::Cpe {
            let cpe = view.asset.cpe?;
            if !c.rest_matches(&self.strings, cpe) {
                return None;
            }
            if c.same_product(&self.strings, cpe) {
                confidence = Confidence::Exact;
            }
        }
        let mut recorded = true;
        if c.test.needs_version() {
            match &view.version {
                AssetVersion::Known(v) if c.test.contains(v, &self.versions) => {}
                // A CPE with an update NVD's line does not know (`9.0:rx` against `9.0:*`).
                AssetVersion::Known(_) if matches!(c.test, Test::Line(x) if view.cpe_version.as_ref() == Some(self.versions.get(x))) =>
                    {}
                AssetVersion::NotRecorded => {
                    confidence = Confidence::Fuzzy;
                    recorded = false;
                }
                _ => return None,
            }
        }
        Some(Hit { crit: i, node: c.node, confidence, how, recorded })
    }

    /// The best configuration of one advisory that the asset satisfies.
    fn nvd_match(&self, hits: &[Hit], view: &View<'_>) -> Option<Match> {
        let mut best: Option<(Confidence, Hit, Option<u32>)> = None;
        for group in hits.chunk_by(|a, b| self.nodes[a.node as usize].config == self.nodes[b.node as usize].config) {
            let Some((hit, unchecked)) = self.eval_config(self.nodes[group[0].node as usize].config, group, view)
            else {
                continue;
            };
            let confidence = if unchecked.is_some() { Confidence::Fuzzy } else { hit.confidence };
            if best.as_ref().is_none_or(|(c, _, _)| confidence > *c) {
                best = Some((confidence, hit, unchecked));
            }
        }
        let (confidence, hit, unchecked) = best?;
        let c = &self.crits[hit.crit as usize];
        let adv = &self.advisories[c.adv as usize];
        let desc = c.test.describe(&self.versions);
        let (label, ver) = (&view.label, &view.version_text);
        let (mut why, mut why_ja) = match (c.test, hit.recorded) {
            (Test::Any, _) => {
                (format!("{label} is affected in any version"), format!("{label} はすべてのバージョンが該当"))
            }
            (_, false) => (
                format!("{label}: version not recorded; affected versions are {desc}"),
                format!("{label}: バージョンが台帳にない。該当するバージョンは {desc}"),
            ),
            (Test::Between(..), true) => {
                (format!("{label} {ver} is within {desc}"), format!("{label} {ver} は {desc} の範囲内"))
            }
            (_, true) => (format!("{label} {ver} is {desc}"), format!("{label} {ver} は {desc} に該当")),
        };
        let cpe = c.short(&self.strings);
        why.push_str(&format!(" (NVD configuration {cpe})"));
        why_ja.push_str(&format!("（NVDの構成情報 {cpe}）"));
        if let Some(n) = unchecked {
            let platforms = self.platform_summary(n);
            why.push_str(&format!("; platform not checked: it must run on {platforms}"));
            why_ja.push_str(&format!("。動作環境は未確認: {platforms} 上で動く場合に該当"));
        }
        why.push_str(hit.how.note());
        why_ja.push_str(hit.how.note_ja());
        Some(Match {
            id: adv.vuln.to_string(),
            advisory: adv.id.to_string(),
            source: adv.source,
            confidence,
            why,
            why_ja,
            criteria: c.criteria(&self.strings),
        })
    }

    /// Evaluates a configuration; returns the best vulnerable hit of a satisfied node and the
    /// platform node left unchecked, if the result rests on one.
    fn eval_config(&self, conf: u32, hits: &[Hit], view: &View<'_>) -> Option<(Hit, Option<u32>)> {
        let c = &self.configs[conf as usize];
        let mut acc = if c.and { Tri::T } else { Tri::F };
        let mut unchecked = None;
        let mut positive: Option<Hit> = None;
        for n in span(c.nodes.0 as usize, c.nodes.1 as usize) {
            let node = &self.nodes[n];
            let n = len_u32(n);
            let value = if node.platform {
                let v = self.platform(n, view, hits);
                if v == Tri::U {
                    unchecked = Some(n);
                }
                v
            } else {
                let mut in_node = hits.iter().filter(|h| h.node == n);
                let count = in_node.clone().count();
                let sat = if node.and { len_u32(count) == node.crits.1 } else { count > 0 };
                if sat && !node.negate {
                    let best = in_node.by_ref().max_by_key(|h| h.confidence);
                    if let Some(h) = best.filter(|h| positive.is_none_or(|p| h.confidence > p.confidence)) {
                        positive = Some(*h);
                    }
                }
                if sat { Tri::T } else { Tri::F }
            };
            let value = if node.negate { value.not() } else { value };
            acc = match (c.and, acc, value) {
                (true, Tri::F, _) | (true, _, Tri::F) => Tri::F,
                (true, Tri::T, Tri::T) => Tri::T,
                (true, _, _) => Tri::U,
                (false, Tri::T, _) | (false, _, Tri::T) => Tri::T,
                (false, Tri::F, Tri::F) => Tri::F,
                (false, _, _) => Tri::U,
            };
        }
        if c.negate {
            acc = acc.not();
        }
        match acc {
            Tri::F => None,
            Tri::T => positive.map(|h| (h, None)),
            Tri::U => positive.map(|h| (h, unchecked)),
        }
    }

    /// Whether the asset runs on a platform node's platform, as far as it says.
    fn platform(&self, n: u32, view: &View<'_>, hits: &[Hit]) -> Tri {
        let node = &self.nodes[n as usize];
        let mut other_hardware = false;
        for c in &self.crits[span(node.crits.0 as usize, node.crits.1 as usize)] {
            if view.cpe_key == Some(c.key) {
                return Tri::T;
            }
            let product = self.strings.str(c.key.1);
            if view.vendors.contains(&c.key.0) {
                let want: Vec<&str> = product.split('_').collect();
                if view.tokens.windows(want.len()).any(|w| w.iter().zip(&want).all(|(a, b)| a == b)) {
                    return Tri::T;
                }
                other_hardware |= c.part == b'h';
            }
            // A firmware implies its device: atp100_firmware runs on an atp100.
            let implied = hits.iter().any(|h| {
                let v = &self.crits[h.crit as usize];
                v.key.0 == c.key.0 && self.strings.str(v.key.1).strip_suffix("_firmware") == Some(product)
            });
            if implied {
                return Tri::T;
            }
        }
        // A product name with a model number names its hardware; another vendor's model list
        // without it means the asset is not on that platform.
        let names_model = view.tokens.iter().any(|t| t.starts_with(|c: char| c.is_ascii_digit()));
        if other_hardware && names_model { Tri::F } else { Tri::U }
    }

    fn platform_summary(&self, n: u32) -> String {
        let node = &self.nodes[n as usize];
        let first = self.crits.get(node.crits.0 as usize).map(|c| c.short(&self.strings)).unwrap_or_default();
        match node.crits.1 {
            0 | 1 => first,
            k => format!("{first} or {} others", k - 1),
        }
    }

    fn stmt_match(&self, i: u32, view: &View<'_>, how: KeyHow) -> Option<Match> {
        let s = &self.stmts[i as usize];
        let version = match &view.version {
            AssetVersion::Known(v) => Some(Some(v)),
            AssetVersion::NotRecorded => Some(None),
            AssetVersion::Unreadable => None,
        };
        let verdict = s.verdict(version, &self.versions)?;
        let adv = &self.advisories[s.adv as usize];
        let statement = if s.how == How::Partial { Confidence::Fuzzy } else { Confidence::Name };
        let own_cpe = view
            .asset
            .cpe
            .is_some_and(|c| how == KeyHow::Cpe && s.cpe_keys.iter().any(|(v, p)| v == c.vendor() && p == c.product()));
        let mut confidence = if own_cpe { Confidence::Exact } else { how.confidence().min(statement) };
        let (source, source_ja) = match adv.source {
            Source::Cve5 => (
                "the CVE 5 record's affected list (vendor statement; NVD has not analysed this CVE)",
                "CVE 5レコードの影響範囲（製造元の記載。NVDは未分析）",
            ),
            Source::Jvn => (
                "the JVN iPedia record's affected list (JVN statement; NVD has not analysed this CVE)",
                "JVN iPediaの影響範囲（JVNの記載。NVDは未分析）",
            ),
            Source::Nvd => ("the NVD record's affected list", "NVDレコードの影響範囲"),
        };
        let (label, ver) = (&view.label, &view.version_text);
        let (why, why_ja) = match verdict {
            Verdict::Listed(desc) => (
                format!("{label} {ver} is within {desc} from {source}"),
                format!("{label} {ver} は{source_ja}の {desc} に該当"),
            ),
            Verdict::Default => {
                confidence = Confidence::Fuzzy;
                (
                    format!("{label} {ver} is not listed and the default status is affected in {source}"),
                    format!("{label} {ver} は{source_ja}に記載がなく、記載のないバージョンは該当とされている"),
                )
            }
            Verdict::Unversioned => {
                confidence = Confidence::Fuzzy;
                (
                    format!("{} is affected without versions given in {source}", s.label),
                    format!("{} は{source_ja}でバージョンの指定なしに該当", s.label),
                )
            }
            Verdict::NotRecorded => {
                confidence = Confidence::Fuzzy;
                (
                    format!("{label}: version not recorded; {} has affected versions in {source}", s.label),
                    format!("{label}: バージョンが台帳にない。{}には{source_ja}で該当するバージョンがある", s.label),
                )
            }
        };
        Some(Match {
            id: adv.vuln.to_string(),
            advisory: adv.id.to_string(),
            source: adv.source,
            confidence,
            why: why + how.note(),
            why_ja: why_ja + how.note_ja(),
            criteria: s.text.to_string(),
        })
    }
}
