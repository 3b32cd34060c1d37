//! The ransomware guard: has an unusual share of the source changed, or become random-looking
//! data, since the last backup?
//!
//! A [`Manifest`] records each file's size, modification time and the Shannon entropy of a
//! sample of its bytes. Ransomware leaves a clear trace in it: many files rewritten at once,
//! and their content turned from structured data (text, databases, DICOM headers, office
//! files' XML) into bytes that look random (entropy near 8 bits per byte), often under a new
//! extension. Files that were already random-looking (JPEG, ZIP, encrypted archives) do not
//! count when they stay that way, so a PACS export or a folder of photos is not an alarm.
//!
//! Only files whose size or time changed are read again, so a scan of an unchanged tree costs
//! one `stat` per file.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// How many bytes of a file are sampled: the start, where every format keeps its header and
/// where partial ("intermittent") encryption always writes.
pub const SAMPLE_BYTES: usize = 64 * 1024;

/// What one file looked like.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FileState {
    /// Size in bytes.
    pub size: u64,
    /// Modification time, seconds since the Unix epoch (0 when the system does not say).
    pub modified: i64,
    /// Shannon entropy of the sample, in bits per byte (0–8).
    pub entropy: f32,
}

/// What a folder looked like: each file by its path relative to the folder, with `/`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The files.
    pub files: BTreeMap<String, FileState>,
}

/// A file or folder that could not be read during a scan (it is left out of the manifest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// Where.
    pub path: PathBuf,
    /// Why.
    pub reason: String,
}

/// When to raise the alarm.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GuardPolicy {
    /// Entropy (bits per byte) at and above which a sample looks random.
    pub random_bits: f32,
    /// Alarm when at least this share of the files known last time changed or vanished.
    pub changed_share: f64,
    /// Alarm when at least this share of the files known last time turned random-looking.
    pub turned_random_share: f64,
    /// Folders with fewer files than this never alarm on shares alone (one changed file of
    /// two is 50 %).
    pub min_files: usize,
}

impl Default for GuardPolicy {
    fn default() -> Self {
        // A day's work changes a few percent of a file server; ransomware changes most of it.
        GuardPolicy { random_bits: 7.5, changed_share: 0.3, turned_random_share: 0.1, min_files: 20 }
    }
}

/// What the guard found.
#[derive(Debug, Clone, PartialEq)]
pub struct GuardReport {
    /// Files known at the last backup.
    pub known: usize,
    /// Files now.
    pub now: usize,
    /// Known files whose size or time changed.
    pub changed: usize,
    /// Known files that are gone (ransomware often renames: `report.docx` → `report.docx.lockbit`).
    pub vanished: usize,
    /// New files.
    pub added: usize,
    /// Known files that were structured data and now look random, plus new random-looking
    /// files that replaced a vanished one of the same stem.
    pub turned_random: usize,
    /// A few of those, for the message.
    pub examples: Vec<String>,
    /// Whether to stop and ask a person.
    pub alarm: bool,
    /// Why, in Japanese, one line each.
    pub reasons: Vec<String>,
}

/// Scans `root`, reusing `previous` for files whose size and time did not change.
pub fn scan(root: &Path, previous: Option<&Manifest>) -> (Manifest, Vec<Unreadable>) {
    let mut found = Vec::new();
    let mut unreadable = Vec::new();
    walk(root, root, &mut found, &mut unreadable);
    let states: Vec<_> = found
        .into_par_iter()
        .map(|(rel, path, size, modified)| {
            let known = previous.and_then(|m| m.files.get(&rel)).filter(|s| s.size == size && s.modified == modified);
            let state = match known {
                Some(s) => Ok(*s),
                None => sample_entropy(&path).map(|entropy| FileState { size, modified, entropy }),
            };
            (rel, path, state)
        })
        .collect();
    let mut manifest = Manifest::default();
    for (rel, path, state) in states {
        match state {
            Ok(s) => {
                manifest.files.insert(rel, s);
            }
            Err(e) => unreadable.push(Unreadable { path, reason: e.to_string() }),
        }
    }
    (manifest, unreadable)
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf, u64, i64)>, bad: &mut Vec<Unreadable>) {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => return bad.push(Unreadable { path: dir.to_owned(), reason: e.to_string() }),
    };
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                bad.push(Unreadable { path: dir.to_owned(), reason: e.to_string() });
                continue;
            }
        };
        let path = entry.path();
        // Symbolic links are not followed: a link to `/` must not make the scan endless.
        let Ok(meta) = entry.path().symlink_metadata() else { continue };
        if meta.is_dir() {
            walk(root, &path, out, bad);
        } else if meta.is_file() {
            let rel = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            let modified = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
            out.push((rel, path, meta.len(), modified));
        }
    }
}

/// The entropy of a file's first [`SAMPLE_BYTES`].
fn sample_entropy(path: &Path) -> std::io::Result<f32> {
    let mut buf = Vec::with_capacity(SAMPLE_BYTES);
    fs::File::open(path)?.take(SAMPLE_BYTES as u64).read_to_end(&mut buf)?;
    Ok(entropy(&buf))
}

/// Shannon entropy of `bytes` in bits per byte. Small samples are discounted: 200 random
/// bytes cannot show more than log2(200) ≈ 7.6 bits, so a tiny file is never "random".
pub fn entropy(bytes: &[u8]) -> f32 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for b in bytes {
        counts[usize::from(*b)] += 1;
    }
    let n = bytes.len() as f64;
    let h: f64 = counts.iter().filter(|c| **c > 0).map(|c| f64::from(*c) / n).map(|p| -p * p.log2()).sum();
    h as f32
}

/// Compares the folder now with the last backup's manifest.
pub fn assess(previous: &Manifest, current: &Manifest, policy: &GuardPolicy) -> GuardReport {
    let random = |s: &FileState| s.entropy >= policy.random_bits;
    let mut r = GuardReport {
        known: previous.files.len(),
        now: current.files.len(),
        changed: 0,
        vanished: 0,
        added: 0,
        turned_random: 0,
        examples: Vec::new(),
        alarm: false,
        reasons: Vec::new(),
    };
    let note = |r: &mut GuardReport, path: &str| {
        r.turned_random += 1;
        if r.examples.len() < 5 {
            r.examples.push(path.to_owned());
        }
    };
    let mut vanished_stems: BTreeMap<String, FileState> = BTreeMap::new();
    for (path, before) in &previous.files {
        match current.files.get(path) {
            None => {
                r.vanished += 1;
                vanished_stems.insert(path.clone(), *before);
            }
            Some(now) if now.size != before.size || now.modified != before.modified => {
                r.changed += 1;
                if random(now) && !random(before) {
                    note(&mut r, path);
                }
            }
            Some(_) => {}
        }
    }
    for (path, now) in &current.files {
        if previous.files.contains_key(path) {
            continue;
        }
        r.added += 1;
        // `report.docx.lockbit` replacing `report.docx`: a renamed, encrypted file.
        let replaced = path.rsplit_once('.').and_then(|(stem, _)| vanished_stems.get(stem));
        if random(now) && replaced.is_some_and(|before| !random(before)) {
            note(&mut r, path);
        }
    }
    if r.known >= policy.min_files {
        let share = |n: usize| n as f64 / r.known as f64;
        let touched = share(r.changed + r.vanished);
        if touched >= policy.changed_share {
            r.reasons.push(format!(
                "前回のバックアップ以降に {:.0}% のファイル（{} 件中 {} 件）が変更・削除されています",
                touched * 100.0,
                r.known,
                r.changed + r.vanished
            ));
        }
        let turned = share(r.turned_random);
        if turned >= policy.turned_random_share {
            r.reasons.push(format!(
                "{} 件（{:.0}%）のファイルの中身が暗号化されたようなランダムなデータに変わっています",
                r.turned_random,
                turned * 100.0
            ));
        }
    }
    r.alarm = !r.reasons.is_empty();
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic stream of random-looking bytes (xorshift), standing in for ciphertext.
    fn noise(seed: u64, n: usize) -> Vec<u8> {
        let mut x = seed | 1;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect()
    }

    fn text(i: usize) -> Vec<u8> {
        format!("患者ID,氏名,診療日\n{i},山田 太郎,2026-11-{:02}\n", i % 28 + 1).repeat(200).into_bytes()
    }

    fn folder(n: usize) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("カルテ")).unwrap();
        for i in 0..n {
            std::fs::write(dir.path().join(format!("カルテ/{i:03}.csv")), text(i)).unwrap();
        }
        // Photos are random-looking from the start and stay so: never an alarm.
        for i in 0..5 {
            std::fs::write(dir.path().join(format!("photo{i}.jpg")), noise(i + 1, 100_000)).unwrap();
        }
        dir
    }

    #[test]
    fn entropy_separates_text_from_ciphertext() {
        assert!(entropy(&text(1)) < 5.0);
        assert!(entropy(&noise(7, SAMPLE_BYTES)) > 7.9);
        assert_eq!(entropy(&[]), 0.0);
        assert!(entropy(&noise(7, 100)) < 7.5, "a tiny sample cannot look random");
    }

    #[test]
    fn files_overwritten_with_random_bytes_raise_the_alarm() {
        let dir = folder(40);
        let (before, bad) = scan(dir.path(), None);
        assert!(bad.is_empty());
        assert_eq!(before.files.len(), 45);
        for i in 0..40 {
            let p = dir.path().join(format!("カルテ/{i:03}.csv"));
            std::fs::write(&p, noise(i as u64 + 100, 20_000)).unwrap();
        }
        let (after, _) = scan(dir.path(), Some(&before));
        let r = assess(&before, &after, &GuardPolicy::default());
        assert!(r.alarm, "{r:?}");
        assert_eq!((r.changed, r.turned_random), (40, 40));
        assert_eq!(r.reasons.len(), 2, "{:?}", r.reasons);
        assert!(r.examples[0].starts_with("カルテ/"));
    }

    #[test]
    fn renamed_and_encrypted_files_count_too() {
        let dir = folder(30);
        let (before, _) = scan(dir.path(), None);
        for i in 0..30 {
            let p = dir.path().join(format!("カルテ/{i:03}.csv"));
            std::fs::remove_file(&p).unwrap();
            std::fs::write(dir.path().join(format!("カルテ/{i:03}.csv.lockbit")), noise(i as u64 + 9, 20_000)).unwrap();
        }
        let (after, _) = scan(dir.path(), Some(&before));
        let r = assess(&before, &after, &GuardPolicy::default());
        assert!(r.alarm);
        assert_eq!((r.vanished, r.added, r.turned_random), (30, 30, 30));
    }

    #[test]
    fn a_days_work_is_not_an_alarm() {
        let dir = folder(100);
        let (before, _) = scan(dir.path(), None);
        // Two records edited, one added, the photos replaced by new photos.
        for i in [3, 50] {
            std::fs::write(dir.path().join(format!("カルテ/{i:03}.csv")), text(i + 1000)).unwrap();
        }
        std::fs::write(dir.path().join("カルテ/new.csv"), text(7)).unwrap();
        for i in 0..5 {
            std::fs::write(dir.path().join(format!("photo{i}.jpg")), noise(i + 50, 120_000)).unwrap();
        }
        let (after, _) = scan(dir.path(), Some(&before));
        let r = assess(&before, &after, &GuardPolicy::default());
        assert!(!r.alarm, "{r:?}");
        assert_eq!((r.changed, r.added, r.turned_random), (7, 1, 0));
    }

    #[test]
    fn an_unchanged_tree_is_not_read_again() {
        let dir = folder(20);
        let (before, _) = scan(dir.path(), None);
        // A manifest entry with a made-up entropy survives a scan: the file was not reread.
        let mut seeded = before.clone();
        seeded.files.get_mut("カルテ/000.csv").unwrap().entropy = 1.25;
        let (again, _) = scan(dir.path(), Some(&seeded));
        assert_eq!(again.files["カルテ/000.csv"].entropy, 1.25);
        assert_eq!(again.files.len(), before.files.len());
    }
}
