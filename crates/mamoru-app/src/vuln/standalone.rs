//! A one-off check with no database, like grype or Vuls: a folder of feeds against a register
//! file, ranked by the default policy. Nothing is stored.

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use mamoru_domain::{Exposure, Policy};
use mamoru_inventory::{Line, ReadOptions};
use mamoru_vuln::Index;
use mamoru_vuln::feed;

use super::findings::FindingReport;
use super::rank::{Intel, score};
use super::rematch::engine_asset;
use crate::Error;

/// Feeds loaded from a folder, ready to match.
pub struct Feeds {
    index: Index,
    intel: Intel,
    /// Every file looked at, with what became of it.
    pub files: Vec<(PathBuf, FeedLoad)>,
}

/// What became of one file under the feeds folder.
#[derive(Debug, Clone, PartialEq)]
pub enum FeedLoad {
    /// Read: its format and number of records.
    Read(&'static str, usize),
    /// Not a feed; why.
    Skipped(String),
    /// A feed that could not be read; the error.
    Failed(String),
}

impl std::fmt::Debug for Feeds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Feeds").field("advisories", &self.index.len()).field("files", &self.files.len()).finish()
    }
}

impl Feeds {
    /// Loads every feed file under `dir`, recursively, one file in memory at a time.
    pub fn load(dir: &Path) -> Result<Self, Error> {
        let paths = feed::walk_files(dir).map_err(|e| Error::Feed(format!("{}: {e}", dir.display())))?;
        let mut feeds = Feeds { index: Index::new(), intel: Intel::default(), files: Vec::new() };
        for path in paths {
            let load = match feed::read_path(&path) {
                Ok(f) => {
                    let loaded = FeedLoad::Read(f.format.label(), f.records());
                    feeds.add(f);
                    loaded
                }
                Err(e @ mamoru_vuln::Error::UnknownFormat { .. }) => FeedLoad::Skipped(e.to_string()),
                Err(e) => FeedLoad::Failed(e.to_string()),
            };
            feeds.files.push((path, load));
        }
        Ok(feeds)
    }

    fn add(&mut self, f: mamoru_vuln::Feed) {
        for a in f.advisories {
            self.intel.note(&a);
            self.index.add(a);
        }
        for k in f.kev {
            self.intel.kev.insert(k.cve.clone(), k);
        }
        for e in f.epss {
            self.intel.epss.insert(e.cve, e.score);
        }
    }

    /// Advisories loaded.
    pub fn advisories(&self) -> usize {
        self.index.len()
    }

    /// Matches a register's lines, ranked by `policy`, due dates counted from `today`.
    pub fn match_register(&self, lines: &[Line], policy: &Policy, today: Date) -> Vec<FindingReport> {
        let mut out = Vec::new();
        for line in lines {
            let e = &line.entry;
            let d = &e.asset;
            let asset = engine_asset(d);
            let exposure = Exposure::of(d.category, d.internet_facing, d.remote_maintenance);
            for m in self.index.match_asset(&asset) {
                let signals = self.intel.signals(&m.id, &m.advisory, m.source.as_str());
                let a = policy.assess(signals, exposure);
                out.push(FindingReport {
                    id: None,
                    asset: d.name.clone(),
                    facility: e.facility.clone(),
                    cve: m.id.clone(),
                    kev: signals.kev,
                    ransomware: signals.ransomware,
                    epss: signals.epss.map(score),
                    cvss: signals.cvss.map(score),
                    priority: a.priority,
                    due: a.due(today).to_string(),
                    priority_reason: a.reason,
                    why: m.why,
                    why_ja: m.why_ja,
                    confidence: m.confidence.as_str().to_owned(),
                    source: m.source.as_str().to_owned(),
                    advisory: m.advisory,
                    version: d.version.clone(),
                    status: "open".to_owned(),
                });
            }
        }
        out.sort_by(|a, b| {
            (a.priority, &a.due, &a.facility, &a.asset, &a.cve).cmp(&(
                b.priority,
                &b.due,
                &b.facility,
                &b.asset,
                &b.cve,
            ))
        });
        out
    }
}

/// Reads a register file for a one-off match; rows without a facility are put in `-`.
pub fn read_assets(bytes: &[u8], name: &str) -> Result<mamoru_inventory::Parsed, Error> {
    Ok(mamoru_inventory::read_register(bytes, name, &ReadOptions { default_facility: Some("-") })?)
}
