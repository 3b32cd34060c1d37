//! The engine's own shape of an advisory, whatever feed it came from.
//!
//! Every feed parser turns its format into these types; matching, priorities and the store
//! only ever see them. They serialise to JSON so the store can keep a record whole.

use serde::{Deserialize, Serialize};

/// Where an advisory record came from. One CVE may be known from several sources; each is
/// kept as its own record and matching says which one a finding rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// NVD CVE API 2.0 (analysed configurations).
    Nvd,
    /// A CVE JSON 5.x record (the CNA's `affected` entries and CISA's ADP enrichment).
    Cve5,
    /// JVN iPedia through MyJVN (Japanese titles, Japanese vendors).
    Jvn,
}

impl Source {
    /// The name used in explanations, JSON and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Nvd => "nvd",
            Self::Cve5 => "cve5",
            Self::Jvn => "jvn",
        }
    }

    /// Parses [`Source::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "nvd" => Some(Self::Nvd),
            "cve5" => Some(Self::Cve5),
            "jvn" => Some(Self::Jvn),
            _ => None,
        }
    }
}

/// One advisory: a CVE as NVD or the CNA describes it, or a JVNDB entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Advisory {
    /// `CVE-2018-13379` or `JVNDB-2018-000022`.
    pub id: String,
    pub source: Source,
    /// A short title when the feed has one (JVN's Japanese title, CVE 5's `title`, KEV's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The first description, English for NVD/CVE 5, Japanese for JVN.
    #[serde(default)]
    pub description: String,
    /// `YYYY-MM-DD` or an RFC 3339 time, as the feed wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    /// NVD's `vulnStatus` (Analyzed, Awaiting Analysis, Rejected...) or the CVE 5 state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cvss: Vec<Cvss>,
    /// `CWE-22`, ...
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cwes: Vec<String>,
    /// NVD applicability statements; empty for records not analysed yet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub configurations: Vec<Configuration>,
    /// The vendor's own statements (CVE 5 `affected`, JVN `Affected`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affected: Vec<Affected>,
    /// Other identifiers of the same vulnerability (the CVEs a JVNDB entry covers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// The record's own note that CISA lists it as known exploited (NVD `cisaExploitAdd`,
    /// CVE 5 ADP `kev`); the KEV catalogue itself is authoritative when imported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kev: Option<Kev>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
}

impl Advisory {
    /// An advisory with only its id and source; readers fill in the rest.
    pub fn new(id: impl Into<String>, source: Source) -> Self {
        Self {
            id: id.into(),
            source,
            title: None,
            description: String::new(),
            published: None,
            modified: None,
            status: None,
            cvss: Vec::new(),
            cwes: Vec::new(),
            configurations: Vec::new(),
            affected: Vec::new(),
            aliases: Vec::new(),
            kev: None,
            references: Vec::new(),
        }
    }

    /// The highest CVSS base score of the newest CVSS version the record carries.
    pub fn best_cvss(&self) -> Option<&Cvss> {
        self.cvss.iter().max_by(|a, b| {
            a.version_rank()
                .cmp(&b.version_rank())
                .then(a.score.partial_cmp(&b.score).unwrap_or(std::cmp::Ordering::Equal))
        })
    }

    /// The CVE identifiers this advisory speaks for: its own id if it is a CVE, and its aliases.
    pub fn cves(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.id.as_str())
            .chain(self.aliases.iter().map(String::as_str))
            .filter(|id| id.starts_with("CVE-"))
    }
}

/// One CVSS metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cvss {
    /// `2.0`, `3.0`, `3.1`, `4.0`.
    pub version: String,
    pub score: f32,
    #[serde(default)]
    pub vector: String,
    /// Who scored it (`nvd@nist.gov`, the CNA, `IPA`...).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
}

impl Cvss {
    fn version_rank(&self) -> u8 {
        match self.version.as_str() {
            "4.0" => 4,
            "3.1" => 3,
            "3.0" => 2,
            _ => 1,
        }
    }
}

/// An NVD configuration: its nodes combined by `operator` (AND when a product is only
/// vulnerable running on some platform).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Configuration {
    #[serde(default)]
    pub operator: Operator,
    #[serde(default)]
    pub negate: bool,
    pub nodes: Vec<Node>,
}

/// A node: CPE match criteria combined by `operator`, possibly negated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    #[serde(default)]
    pub operator: Operator,
    #[serde(default)]
    pub negate: bool,
    #[serde(rename = "cpeMatch", default)]
    pub cpe_match: Vec<CpeMatch>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Operator {
    #[default]
    #[serde(rename = "OR")]
    Or,
    #[serde(rename = "AND")]
    And,
}

/// One NVD match criterion: a CPE name, maybe with a version range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CpeMatch {
    pub vulnerable: bool,
    /// A CPE 2.3 formatted string, possibly with wildcards.
    pub criteria: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_start_including: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_start_excluding: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_end_including: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_end_excluding: Option<String>,
}

/// A vendor's statement of what a vulnerability affects (CVE 5 `affected`, JVN).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Affected {
    pub vendor: String,
    pub product: String,
    /// CPE names the statement gives (CVE 5 `cpes`, JVN `Cpe`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cpes: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<AffectedVersion>,
    /// CVE 5 `defaultStatus`: whether versions not listed are affected.
    #[serde(default)]
    pub default_affected: bool,
}

/// One entry of an `affected` version list.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AffectedVersion {
    /// The version, or free text such as `FortiOS 6.0.0 to 6.0.4, 5.6.3 to 5.6.7`.
    pub version: String,
    /// `lessThan` (exclusive end) and `lessThanOrEqual` (inclusive end) of CVE 5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub less_than: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub less_than_or_equal: Option<String>,
    /// `affected`, `unaffected` or `unknown`.
    pub status: String,
}

/// CISA's known-exploited listing of one CVE.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Kev {
    pub cve: String,
    /// `YYYY-MM-DD`.
    pub date_added: String,
    /// The federal remediation date (`YYYY-MM-DD`), if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<String>,
    /// `Known` or `Unknown`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ransomware: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub vendor: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub product: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub required_action: String,
}

impl Kev {
    /// Whether CISA knows the CVE to be used in ransomware campaigns.
    pub fn ransomware_known(&self) -> bool {
        self.ransomware.as_deref().is_some_and(|r| r.eq_ignore_ascii_case("known"))
    }
}

/// One EPSS score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Epss {
    pub cve: String,
    /// Probability of exploitation in the next 30 days, 0–1.
    pub score: f32,
    pub percentile: f32,
    /// The `score_date` of the file (`YYYY-MM-DD`).
    pub date: String,
}
