//! Importing advisory feeds into the store. Feeds are public data shared by every
//! organisation, so importing them is an operator's job (the command line), not a tenant's.

use std::path::{Path, PathBuf};

use mamoru_store::{Actor, AdvisoryRow, EpssRow, FeedBatch, KevRow};
use mamoru_vuln::feed::{self, Feed};

use super::rank::score;
use crate::error::Result;
use crate::{App, Error};

/// What happened to one file.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedFile {
    /// The file as found.
    pub path: PathBuf,
    /// What became of it.
    pub outcome: FeedOutcome,
}

/// What became of one feed file.
#[derive(Debug, Clone, PartialEq)]
pub enum FeedOutcome {
    /// Imported.
    Imported {
        /// The detected format.
        format: &'static str,
        /// Records of any kind.
        records: usize,
        /// Advisories new to the store.
        added: usize,
        /// Advisories replaced.
        updated: usize,
        /// CVEs newly listed in KEV.
        new_kev: Vec<String>,
    },
    /// Not a feed, found while walking a directory (a licence, a schema, a list of names).
    Skipped(String),
    /// A feed that could not be read, or a file named on purpose that is not a feed; nothing
    /// of it was stored.
    Failed(String),
}

impl App {
    /// Imports feed files; a directory is walked for every file in it. Each file is read and
    /// stored whole or not at all; `progress` hears of each file as it is done. Then every
    /// organisation's assets are matched again.
    pub async fn import_feeds(
        &self,
        paths: &[PathBuf],
        actor: &Actor,
        mut progress: impl FnMut(&FeedFile),
    ) -> Result<Vec<FeedFile>> {
        let mut done = Vec::new();
        for path in paths {
            let (files, walked) = if path.is_dir() {
                let files = feed::walk_files(path).map_err(|e| Error::Feed(format!("{}: {e}", path.display())))?;
                (files, true)
            } else {
                (vec![path.clone()], false)
            };
            for file in files {
                let outcome = self.import_feed_file(&file, walked, actor).await?;
                let report = FeedFile { path: file, outcome };
                progress(&report);
                done.push(report);
            }
        }
        self.rematch_all(actor).await?;
        Ok(done)
    }

    async fn import_feed_file(&self, path: &Path, walked: bool, actor: &Actor) -> Result<FeedOutcome> {
        let owned = path.to_owned();
        // Parsing and serialising a 2,000-record NVD page is CPU work: keep it off the runtime.
        let parsed = tokio::task::spawn_blocking(move || feed::read_path(&owned).map(|f| batch_of(&owned, f))).await?;
        let (batch, format) = match parsed {
            Ok(b) => b,
            Err(e @ mamoru_vuln::Error::UnknownFormat { .. }) if walked => {
                return Ok(FeedOutcome::Skipped(skip_reason(&e)));
            }
            Err(e) => return Ok(FeedOutcome::Failed(e.to_string())),
        };
        let records = batch.advisories.len() + batch.kev.len() + batch.epss.len();
        let written = self.store.write_feed(&batch, actor).await?;
        Ok(FeedOutcome::Imported {
            format,
            records,
            added: written.added,
            updated: written.updated,
            new_kev: written.new_kev,
        })
    }
}

/// The reason without the file name, which the report shows beside it.
fn skip_reason(e: &mamoru_vuln::Error) -> String {
    match e {
        mamoru_vuln::Error::UnknownFormat { reason, .. } => reason.clone(),
        other => other.to_string(),
    }
}

/// A feed in the store's shape: each advisory as the engine's JSON with the products it can
/// match, so matching later loads only what concerns an asset.
pub(crate) fn batch_of(path: &Path, feed: Feed) -> (FeedBatch, &'static str) {
    let format = feed.format.label();
    let advisories = feed
        .advisories
        .iter()
        .map(|a| AdvisoryRow {
            id: a.id.clone(),
            source: a.source.as_str().to_owned(),
            modified: a.modified.clone(),
            title: a.title.clone(),
            cvss: a.best_cvss().map(|c| score(c.score)),
            body: serde_json::to_string(a).unwrap_or_default(),
            products: mamoru_vuln::advisory_products(a),
        })
        .collect();
    let kev = feed
        .kev
        .into_iter()
        .map(|k| KevRow {
            cve: k.cve,
            date_added: k.date_added,
            due_date: k.due_date,
            ransomware: k.ransomware,
            vendor: k.vendor,
            product: k.product,
            name: k.name,
            required_action: k.required_action,
        })
        .collect();
    let epss = feed
        .epss
        .into_iter()
        .map(|e| EpssRow { cve: e.cve, score: score(e.score), percentile: score(e.percentile), date: e.date })
        .collect();
    let batch = FeedBatch { file: path.display().to_string(), format: format.to_owned(), advisories, kev, epss };
    (batch, format)
}
