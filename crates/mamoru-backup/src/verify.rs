//! Checking a repository's structure and, optionally, its data; naming the damaged packs and
//! the files they hold.

use std::collections::{BTreeMap, BTreeSet};

use rustic_core::repofile::{BlobType, IndexFile, NodeType};
use rustic_core::{CheckOptions, LsOptions, ReadSubsetOption};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::repo::BackupRepo;

/// A file whose content lies (partly) in a damaged pack.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct AffectedFile {
    /// The snapshot (8 hex digits, as restic shows them).
    pub snapshot: String,
    /// The path inside the snapshot.
    pub path: String,
}

/// A pack file the check found damaged.
#[derive(Debug, Clone, Serialize)]
pub struct DamagedPack {
    /// The pack's id (64 hex digits); the file is `data/<first two>/<id>`.
    pub pack: String,
    /// The files whose content cannot be read back because of it.
    pub files: Vec<AffectedFile>,
}

/// The check's findings.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// No error-level finding.
    pub ok: bool,
    /// Whether pack contents were read (`--read-data-subset`).
    pub read_data: bool,
    /// Error-level findings, one line each.
    pub errors: Vec<String>,
    /// Warnings (e.g. packs left unreferenced by an interrupted backup; harmless).
    pub warnings: Vec<String>,
    /// The damaged packs and the files they affect.
    pub damaged: Vec<DamagedPack>,
}

impl BackupRepo {
    /// Checks the repository; with `read_data_percent`, also reads and decrypts about that share
    /// of the pack files (100 reads all). Damage is a report with `ok == false`, not an error.
    pub fn verify(&self, read_data_percent: Option<f64>) -> Result<VerifyReport> {
        let repo = self.open()?;
        let mut opts = CheckOptions::default();
        if let Some(p) = read_data_percent {
            let subset = if p >= 100.0 { ReadSubsetOption::All } else { ReadSubsetOption::Percentage(p) };
            opts = opts.read_data(true).read_data_subset(subset);
        }
        let results = repo.check(opts).map_err(Error::rustic(&self.path, "check"))?;
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        let mut mentioned = BTreeSet::new();
        let mut trees_damaged = false;
        for (level, finding) in &results.0 {
            // `CheckError` is not re-exported, so its variants cannot be matched; its Debug form
            // carries the full ids, its Display form the short message.
            let line = finding.to_string().lines().next().unwrap_or_default().to_owned();
            // Neither is `CheckErrorLevel`.
            if format!("{level:?}") == "Warn" {
                warnings.push(line);
                continue;
            }
            let debug = format!("{finding:?}");
            mentioned.extend(hex_ids(&debug));
            if debug.contains("ErrorCheckingTrees") {
                trees_damaged = true;
                errors.push(format!("{line} (trees are damaged)"));
            } else {
                errors.push(line);
            }
        }
        if trees_damaged {
            // A damaged tree stops rustic's tree check, and with it the list of packs to read:
            // it read no data at all, and names the tree pack only by a short id. Read the tree
            // blobs (small) and, when data was asked for, every data blob here instead.
            for pack in self.unreadable_packs(read_data_percent.is_some())? {
                errors.push(format!("pack {}: contents that cannot be read back", &pack[..8]));
                mentioned.insert(pack);
            }
        }
        let damaged = if errors.is_empty() { Vec::new() } else { self.damaged_packs(&mentioned) };
        Ok(VerifyReport { ok: errors.is_empty(), read_data: read_data_percent.is_some(), errors, warnings, damaged })
    }

    /// Every pack holding a tree blob, or with `data` a data blob, that fails to read
    /// (decryption with its MAC check, decompression).
    fn unreadable_packs(&self, data: bool) -> Result<BTreeSet<String>> {
        let repo = self.open_indexed()?;
        let mut bad = BTreeSet::new();
        for (_, index) in
            repo.stream_files::<IndexFile>().map_err(Error::rustic(&self.path, "read the index"))?.flatten()
        {
            for pack in index.packs {
                let mut blobs = pack.blobs.iter().filter(|b| data || b.tpe == BlobType::Tree);
                if blobs.any(|b| repo.cat_blob(b.tpe, b.id.to_hex().as_str()).is_err()) {
                    bad.insert(pack.id.to_hex().as_str().to_owned());
                }
            }
        }
        Ok(bad)
    }

    /// The packs among `mentioned` ids, each with the files it affects. Best effort: with the
    /// index or the trees damaged too, the file list may be empty.
    fn damaged_packs(&self, mentioned: &BTreeSet<String>) -> Vec<DamagedPack> {
        let Ok(repo) = self.open() else { return Vec::new() };
        // pack id → its data blobs.
        let mut packs: BTreeMap<String, Vec<String>> = BTreeMap::new();
        if let Ok(indexes) = repo.stream_files::<IndexFile>() {
            for (_, index) in indexes.flatten() {
                for pack in index.packs {
                    let id = pack.id.to_hex().as_str().to_owned();
                    if mentioned.contains(&id) {
                        let blobs = pack.blobs.iter().filter(|b| b.tpe == BlobType::Data);
                        packs.entry(id).or_default().extend(blobs.map(|b| b.id.to_hex().as_str().to_owned()));
                    }
                }
            }
        }
        let Ok(repo) = repo.to_indexed() else {
            return packs.into_keys().map(|pack| DamagedPack { pack, files: Vec::new() }).collect();
        };
        // Only the blobs that really fail to read: one flipped byte spoils one blob, not the
        // other files stored in the same pack.
        let bad: BTreeMap<String, String> = packs
            .iter()
            .flat_map(|(pack, blobs)| blobs.iter().map(move |b| (b.clone(), pack.clone())))
            .filter(|(blob, _)| repo.cat_blob(BlobType::Data, blob).is_err())
            .collect();
        let mut files: BTreeMap<String, BTreeSet<AffectedFile>> = BTreeMap::new();
        for snap in repo.get_all_snapshots().unwrap_or_default() {
            let Ok(root) = repo.node_from_snapshot_and_path(&snap, "") else { continue };
            let Ok(nodes) = repo.ls(&root, &LsOptions::default()) else { continue };
            for (path, node) in nodes.flatten() {
                if node.node_type != NodeType::File {
                    continue;
                }
                for id in node.content.iter().flatten() {
                    if let Some(pack) = bad.get(id.to_hex().as_str()) {
                        let snapshot = snap.id.to_hex().as_str()[..8].to_owned();
                        let path = path.to_string_lossy().into_owned();
                        files.entry(pack.clone()).or_default().insert(AffectedFile { snapshot, path });
                    }
                }
            }
        }
        packs
            .into_keys()
            .map(|pack| {
                let files = files.remove(&pack).unwrap_or_default().into_iter().collect();
                DamagedPack { pack, files }
            })
            .collect()
    }
}

/// Every run of exactly 64 hex digits in `text`.
fn hex_ids(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_hexdigit()).filter(|w| w.len() == 64).map(str::to_ascii_lowercase).collect()
}
