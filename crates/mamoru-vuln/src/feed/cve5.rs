//! CVE JSON 5.x records (CVE Record Format): the CNA container, and the ADP containers
//! (CISA's "vulnrichment" adds CVSS, CWEs, CPEs and the KEV date to records whose CNA gave none).

use serde::Deserialize;

use super::{
    Feed, Format, LangText, UrlRef, bad_record, cwe_of, english, is_cve_id, is_date, json_error, push_unique, urls,
};
use crate::Error;
use crate::advisory::{Advisory, Affected, AffectedVersion, Cvss, Kev, Source};

/// One CVE 5 record.
pub(super) fn read(bytes: &[u8], file: &str) -> Result<Feed, Error> {
    let record: Record = serde_json::from_slice(bytes).map_err(|e| json_error(file, e))?;
    let mut feed = Feed::new(Format::Cve5);
    feed.advisories.push(advisory(record, file)?);
    Ok(feed)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Record {
    cve_metadata: Metadata,
    #[serde(default)]
    containers: Containers,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Metadata {
    cve_id: Option<String>,
    state: Option<String>,
    date_published: Option<String>,
    date_updated: Option<String>,
}

#[derive(Deserialize, Default)]
struct Containers {
    #[serde(default)]
    cna: Container,
    #[serde(default)]
    adp: Vec<Container>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Container {
    title: Option<String>,
    #[serde(default)]
    descriptions: Vec<LangText>,
    #[serde(default)]
    rejected_reasons: Vec<LangText>,
    #[serde(default)]
    affected: Vec<RawAffected>,
    #[serde(default)]
    metrics: Vec<Metric>,
    #[serde(default)]
    problem_types: Vec<ProblemType>,
    #[serde(default)]
    references: Vec<UrlRef>,
    provider_metadata: Option<Provider>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Provider {
    short_name: Option<String>,
}

/// A CVE 5 `affected` entry; NVD's `affected[].affectedData[]` has the same shape.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawAffected {
    vendor: Option<String>,
    product: Option<String>,
    /// Stands in for `product` in package-style entries (`collectionURL` + `packageName`).
    package_name: Option<String>,
    #[serde(default)]
    cpes: Vec<String>,
    #[serde(default)]
    versions: Vec<RawVersion>,
    default_status: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawVersion {
    #[serde(default)]
    version: String,
    status: Option<String>,
    less_than: Option<String>,
    less_than_or_equal: Option<String>,
}

impl RawAffected {
    pub(super) fn into_affected(self) -> Affected {
        let versions = self
            .versions
            .into_iter()
            .map(|v| AffectedVersion {
                version: v.version,
                less_than: v.less_than,
                less_than_or_equal: v.less_than_or_equal,
                status: v.status.unwrap_or_else(|| "unknown".to_owned()),
            })
            .collect();
        Affected {
            vendor: self.vendor.unwrap_or_default(),
            product: self.product.or(self.package_name).unwrap_or_default(),
            cpes: self.cpes,
            versions,
            default_affected: self.default_status.as_deref() == Some("affected"),
        }
    }
}

#[derive(Deserialize)]
struct Metric {
    #[serde(rename = "cvssV4_0")]
    v40: Option<RawCvss>,
    #[serde(rename = "cvssV3_1")]
    v31: Option<RawCvss>,
    #[serde(rename = "cvssV3_0")]
    v30: Option<RawCvss>,
    #[serde(rename = "cvssV2_0")]
    v20: Option<RawCvss>,
    other: Option<Other>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCvss {
    base_score: f32,
    #[serde(default)]
    vector_string: String,
}

/// `metrics[].other`: SSVC, vendor ratings, and CISA's `kev`. Its content differs per type, so
/// it stays loose (it is small).
#[derive(Deserialize)]
struct Other {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    content: serde_json::Value,
}

#[derive(Deserialize)]
struct ProblemType {
    #[serde(default)]
    descriptions: Vec<ProblemText>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProblemText {
    cwe_id: Option<String>,
    #[serde(default)]
    description: String,
}

fn advisory(record: Record, file: &str) -> Result<Advisory, Error> {
    let meta = record.cve_metadata;
    let id = match meta.cve_id {
        Some(id) if is_cve_id(&id) => id,
        Some(id) => return Err(bad_record(file, id.clone(), format!("cveMetadata.cveId `{id}` is not a CVE id"))),
        None => return Err(bad_record(file, "cveMetadata", "the record has no `cveId`")),
    };
    let Containers { cna, adp } = record.containers;
    let rejected = meta.state.as_deref() == Some("REJECTED");
    let description =
        if cna.descriptions.is_empty() { english(&cna.rejected_reasons) } else { english(&cna.descriptions) };
    let mut advisory = Advisory {
        title: cna.title.clone(),
        description,
        published: meta.date_published,
        modified: meta.date_updated,
        status: meta.state,
        ..Advisory::new(id, Source::Cve5)
    };
    // The CNA first, then each ADP; every score keeps its scorer, lists are merged.
    for container in std::iter::once(cna).chain(adp) {
        add_container(&mut advisory, container, file)?;
    }
    if rejected {
        // A rejected id affects nothing, whatever an older container still says.
        advisory.affected.clear();
    }
    Ok(advisory)
}

fn add_container(advisory: &mut Advisory, container: Container, file: &str) -> Result<(), Error> {
    let source = container.provider_metadata.and_then(|p| p.short_name).unwrap_or_default();
    for metric in container.metrics {
        for (version, raw) in [("4.0", metric.v40), ("3.1", metric.v31), ("3.0", metric.v30), ("2.0", metric.v20)] {
            let Some(raw) = raw else { continue };
            if !(0.0..=10.0).contains(&raw.base_score) {
                let reason = format!("CVSS {version} base score {} from {source} is not 0-10", raw.base_score);
                return Err(bad_record(file, advisory.id.clone(), reason));
            }
            let cvss = Cvss {
                version: version.to_owned(),
                score: raw.base_score,
                vector: raw.vector_string,
                source: source.clone(),
            };
            advisory.cvss.push(cvss);
        }
        if let Some(other) = metric.other.filter(|o| o.kind == "kev") {
            let date = other.content.get("dateAdded").and_then(|d| d.as_str()).unwrap_or_default();
            if !is_date(date) {
                let reason = format!("{source} kev dateAdded `{date}` is not a YYYY-MM-DD date");
                return Err(bad_record(file, advisory.id.clone(), reason));
            }
            if advisory.kev.is_none() {
                advisory.kev = Some(Kev { cve: advisory.id.clone(), date_added: date.to_owned(), ..Kev::default() });
            }
        }
    }
    for text in container.problem_types.iter().flat_map(|p| &p.descriptions) {
        // Older CNAs put the CWE only in the prose ("CWE-22 Path Traversal").
        if let Some(cwe) = text.cwe_id.as_deref().and_then(cwe_of).or_else(|| cwe_of(&text.description)) {
            push_unique(&mut advisory.cwes, cwe);
        }
    }
    advisory.affected.extend(container.affected.into_iter().map(RawAffected::into_affected));
    urls(&container.references, &mut advisory.references);
    Ok(())
}
