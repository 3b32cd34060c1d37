//! NVD CVE API 2.0: response pages (`vulnerabilities[]` of `{ "cve": ... }`) and single records.
//!
//! Records are deserialised into typed structs straight from the bytes and turned into
//! [`Advisory`] one at a time, so a 2,000-record page is never held twice.

use serde::Deserialize;
use serde::de::{
    DeserializeOwned, DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

use super::{
    Feed, Format, LangText, UrlRef, bad_record, cve5, cwe_of, english, is_cpe23, is_cve_id, is_date, json_error,
    malformed, push_unique, urls,
};
use crate::Error;
use crate::advisory::{Advisory, Configuration, Cvss, Kev, Source};

/// An NVD API page: every record, in order.
pub(super) fn read_page(bytes: &[u8], file: &str) -> Result<Feed, Error> {
    let mut feed = Feed::new(Format::NvdApi);
    each_item(bytes, file, "vulnerabilities", |i, item: Item| {
        let cve = item.cve.ok_or_else(|| bad_record(file, format!("vulnerabilities[{i}]"), "no `cve` object"))?;
        feed.advisories.push(advisory(cve, file, Some(i))?);
        Ok(())
    })?;
    Ok(feed)
}

/// One record, `{ "cve": {...} }` when `wrapped`, else the bare `cve` object.
pub(super) fn read_record(bytes: &[u8], file: &str, wrapped: bool) -> Result<Feed, Error> {
    let cve = if wrapped {
        let item: Item = serde_json::from_slice(bytes).map_err(|e| json_error(file, e))?;
        item.cve.ok_or_else(|| malformed(file, "`cve` is not an NVD record"))?
    } else {
        serde_json::from_slice(bytes).map_err(|e| json_error(file, e))?
    };
    let mut feed = Feed::new(Format::NvdRecord);
    feed.advisories.push(advisory(cve, file, None)?);
    Ok(feed)
}

#[derive(Deserialize)]
struct Item {
    cve: Option<Cve>,
}

/// The fields of an NVD `cve` object the engine keeps; the rest is skipped unread.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Cve {
    id: Option<String>,
    published: Option<String>,
    last_modified: Option<String>,
    vuln_status: Option<String>,
    #[serde(default)]
    descriptions: Vec<LangText>,
    #[serde(default)]
    metrics: Metrics,
    #[serde(default)]
    weaknesses: Vec<Weakness>,
    #[serde(default)]
    configurations: Vec<Configuration>,
    #[serde(default)]
    references: Vec<UrlRef>,
    /// The CNA's own statements, which NVD has started to carry in CVE 5's shape.
    #[serde(default)]
    affected: Vec<NvdAffected>,
    cisa_exploit_add: Option<String>,
    cisa_action_due: Option<String>,
    cisa_required_action: Option<String>,
    cisa_vulnerability_name: Option<String>,
}

#[derive(Deserialize, Default)]
struct Metrics {
    #[serde(default, rename = "cvssMetricV40")]
    v40: Vec<Metric>,
    #[serde(default, rename = "cvssMetricV31")]
    v31: Vec<Metric>,
    #[serde(default, rename = "cvssMetricV30")]
    v30: Vec<Metric>,
    #[serde(default, rename = "cvssMetricV2")]
    v2: Vec<Metric>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Metric {
    #[serde(default)]
    source: String,
    cvss_data: CvssData,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CvssData {
    base_score: f32,
    #[serde(default)]
    vector_string: String,
}

#[derive(Deserialize)]
struct Weakness {
    #[serde(default)]
    description: Vec<LangText>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NvdAffected {
    #[serde(default)]
    affected_data: Vec<cve5::RawAffected>,
}

/// Checks and converts one record; `at` is its index in a page.
fn advisory(cve: Cve, file: &str, at: Option<usize>) -> Result<Advisory, Error> {
    let place = at.map(|i| format!("vulnerabilities[{i}]"));
    let id = match cve.id {
        Some(id) if is_cve_id(&id) => id,
        other => {
            let record = match (place, &other) {
                (Some(p), Some(id)) => format!("{p} {id}"),
                (Some(p), None) => p,
                (None, Some(id)) => id.clone(),
                (None, None) => "cve".to_owned(),
            };
            let reason =
                other.map_or_else(|| "the record has no `id`".to_owned(), |id| format!("`{id}` is not a CVE id"));
            return Err(bad_record(file, record, reason));
        }
    };
    let record = || place.as_ref().map_or_else(|| id.clone(), |p| format!("{p} {id}"));
    for (c, conf) in cve.configurations.iter().enumerate() {
        for (n, node) in conf.nodes.iter().enumerate() {
            if let Some((m, bad)) = node.cpe_match.iter().enumerate().find(|(_, m)| !is_cpe23(&m.criteria)) {
                let at = format!("configurations[{c}].nodes[{n}].cpeMatch[{m}]");
                return Err(bad_record(file, record(), format!("{at}: `{}` is not a CPE 2.3 name", bad.criteria)));
            }
            for (m, cpe_match) in node.cpe_match.iter().enumerate() {
                let bounds = [
                    ("versionStartIncluding", &cpe_match.version_start_including),
                    ("versionStartExcluding", &cpe_match.version_start_excluding),
                    ("versionEndIncluding", &cpe_match.version_end_including),
                    ("versionEndExcluding", &cpe_match.version_end_excluding),
                ];
                for (name, bound) in bounds {
                    if let Some(reason) = bound.as_deref().and_then(absurd_version) {
                        let at = format!("configurations[{c}].nodes[{n}].cpeMatch[{m}].{name}");
                        return Err(bad_record(file, record(), format!("{at}: {reason}")));
                    }
                }
            }
        }
    }
    let mut cvss = Vec::new();
    let m = cve.metrics;
    for (version, metrics) in [("4.0", m.v40), ("3.1", m.v31), ("3.0", m.v30), ("2.0", m.v2)] {
        for metric in metrics {
            let score = metric.cvss_data.base_score;
            if !(0.0..=10.0).contains(&score) {
                return Err(bad_record(file, record(), format!("CVSS {version} base score {score} is not 0-10")));
            }
            let vector = metric.cvss_data.vector_string;
            cvss.push(Cvss { version: version.to_owned(), score, vector, source: metric.source });
        }
    }
    let mut cwes = Vec::new();
    for text in cve.weaknesses.iter().flat_map(|w| &w.description) {
        if let Some(cwe) = cwe_of(&text.value) {
            push_unique(&mut cwes, cwe);
        }
    }
    let kev = match cve.cisa_exploit_add {
        Some(date) if !is_date(&date) => {
            return Err(bad_record(file, record(), format!("cisaExploitAdd `{date}` is not a YYYY-MM-DD date")));
        }
        Some(date_added) => Some(Kev {
            cve: id.clone(),
            date_added,
            due_date: cve.cisa_action_due,
            name: cve.cisa_vulnerability_name.clone().unwrap_or_default(),
            required_action: cve.cisa_required_action.unwrap_or_default(),
            ..Kev::default()
        }),
        None => None,
    };
    let mut references = Vec::new();
    urls(&cve.references, &mut references);
    Ok(Advisory {
        id,
        source: Source::Nvd,
        // NVD has no titles; CISA's name for a KEV entry is the nearest thing.
        title: cve.cisa_vulnerability_name,
        description: english(&cve.descriptions),
        published: cve.published,
        modified: cve.last_modified,
        status: cve.vuln_status,
        cvss,
        cwes,
        configurations: cve.configurations,
        affected: cve
            .affected
            .into_iter()
            .flat_map(|a| a.affected_data)
            .map(cve5::RawAffected::into_affected)
            .collect(),
        aliases: Vec::new(),
        kev,
        references,
    })
}

/// Streams the array under top-level `key` of a JSON object, handing each element to `each`
/// as soon as it is parsed, so a page never exists twice in memory. A type error inside
/// element `i` becomes a [`Error::BadRecord`] naming `key[i]`.
pub(super) fn each_item<T, F>(bytes: &[u8], file: &str, key: &'static str, each: F) -> Result<(), Error>
where
    T: DeserializeOwned,
    F: FnMut(usize, T) -> Result<(), Error>,
{
    let mut state = Each { key, each, current: None, failure: None, seen: false, item: std::marker::PhantomData };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let result = (&mut state).deserialize(&mut de).and_then(|()| de.end());
    if let Some(failure) = state.failure {
        return Err(failure);
    }
    match result {
        Ok(()) if state.seen => Ok(()),
        Ok(()) => Err(malformed(file, format!("no `{key}` array"))),
        Err(e) => match (e.classify(), state.current) {
            (serde_json::error::Category::Data, Some(i)) => Err(bad_record(file, format!("{key}[{i}]"), e.to_string())),
            _ => Err(json_error(file, e)),
        },
    }
}

struct Each<T, F> {
    key: &'static str,
    each: F,
    /// The element being parsed, for naming it when it is wrong.
    current: Option<usize>,
    /// The callback's own error, which wins over serde's stand-in for it.
    failure: Option<Error>,
    seen: bool,
    item: std::marker::PhantomData<fn() -> T>,
}

impl<'de, T, F> DeserializeSeed<'de> for &mut Each<T, F>
where
    T: DeserializeOwned,
    F: FnMut(usize, T) -> Result<(), Error>,
{
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(EachMap(self))
    }
}

struct EachMap<'a, T, F>(&'a mut Each<T, F>);

impl<'de, T, F> Visitor<'de> for EachMap<'_, T, F>
where
    T: DeserializeOwned,
    F: FnMut(usize, T) -> Result<(), Error>,
{
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == self.0.key {
                self.0.seen = true;
                map.next_value_seed(EachSeq(&mut *self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct EachSeq<'a, T, F>(&'a mut Each<T, F>);

impl<'de, T, F> DeserializeSeed<'de> for EachSeq<'_, T, F>
where
    T: DeserializeOwned,
    F: FnMut(usize, T) -> Result<(), Error>,
{
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T, F> Visitor<'de> for EachSeq<'_, T, F>
where
    T: DeserializeOwned,
    F: FnMut(usize, T) -> Result<(), Error>,
{
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "an array of records under `{}`", self.0.key)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        for i in 0.. {
            self.0.current = Some(i);
            let Some(item) = seq.next_element::<T>()? else { break };
            self.0.current = None;
            if let Err(e) = (self.0.each)(i, item) {
                self.0.failure = Some(e);
                return Err(A::Error::custom("record refused"));
            }
        }
        self.0.current = None;
        Ok(())
    }
}

/// Why a range bound cannot be a version: too long or with control characters. Other odd
/// spellings are kept; the matcher never matches what it cannot order.
fn absurd_version(v: &str) -> Option<String> {
    use crate::version::{Version, VersionError};
    match Version::parse(v) {
        Err(e @ (VersionError::TooLong { .. } | VersionError::Control)) => Some(e.to_string()),
        _ => None,
    }
}
