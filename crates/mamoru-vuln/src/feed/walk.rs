//! Feed files on disk: one file, or every file under a directory.
//!
//! The engine itself does no I/O; this is the thin layer the CLI and the benchmark share so
//! they walk and report a feed directory the same way.

use std::collections::HashSet;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::{Feed, MAX_FILE_BYTES, check_size, malformed, read};
use crate::Error;

/// One file found under a directory and what became of it.
#[derive(Debug)]
pub struct Loaded {
    /// The file's path (the root joined with the path below it).
    pub path: PathBuf,
    /// What reading it gave.
    pub outcome: Outcome,
}

/// What reading one file gave.
#[derive(Debug)]
pub enum Outcome {
    /// A feed, with its records.
    Read(Feed),
    /// Not a feed (a licence, a README, a schema, a plain list): the reason.
    Skipped(String),
    /// A feed that cannot be read, or a file that cannot be opened.
    Failed(Error),
}

impl From<Result<Feed, Error>> for Outcome {
    fn from(result: Result<Feed, Error>) -> Self {
        match result {
            Ok(feed) => Self::Read(feed),
            Err(Error::UnknownFormat { reason, .. }) => Self::Skipped(reason),
            Err(e) => Self::Failed(e),
        }
    }
}

/// Reads one feed file; errors name it as `path.display()` shows it. Files over
/// [`MAX_FILE_BYTES`] are refused before any is read.
pub fn read_path(path: &Path) -> Result<Feed, Error> {
    let file = path.display().to_string();
    let cannot = |e: io::Error| malformed(&file, format!("cannot be read: {e}"));
    let file_handle = std::fs::File::open(path).map_err(cannot)?;
    check_size(file_handle.metadata().map_err(cannot)?.len(), MAX_FILE_BYTES, &file)?;
    let mut bytes = Vec::new();
    // Bounded even if the file grows meanwhile or is a device that never ends.
    file_handle.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(cannot)?;
    read(&bytes, &file)
}

/// Every regular file under `root` (or `root` itself if it is a file), sorted by path.
///
/// Symbolic links are followed, but a directory reached twice (a link loop) is read once;
/// dangling links and hidden entries (`.git`, `.DS_Store`) are passed over.
pub fn walk_files(root: &Path) -> io::Result<Vec<PathBuf>> {
    let with_path = |path: &Path, e: io::Error| io::Error::new(e.kind(), format!("{}: {e}", path.display()));
    if !std::fs::metadata(root).map_err(|e| with_path(root, e))?.is_dir() {
        return Ok(vec![root.to_path_buf()]);
    }
    let mut files = Vec::new();
    let mut seen = HashSet::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        if !seen.insert(std::fs::canonicalize(&dir).map_err(|e| with_path(&dir, e))?) {
            continue;
        }
        for entry in std::fs::read_dir(&dir).map_err(|e| with_path(&dir, e))? {
            let entry = entry.map_err(|e| with_path(&dir, e))?;
            if entry.file_name().as_encoded_bytes().starts_with(b".") {
                continue;
            }
            let path = entry.path();
            let meta = match std::fs::metadata(&path) {
                Ok(meta) => meta,
                Err(_) if entry.file_type().is_ok_and(|t| t.is_symlink()) => continue,
                Err(e) => return Err(with_path(&path, e)),
            };
            if meta.is_dir() {
                dirs.push(path);
            } else if meta.is_file() {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Reads every file under `root` (see [`walk_files`]): files that are no feed are
/// [`Outcome::Skipped`], broken feeds [`Outcome::Failed`].
///
/// Every feed stays in memory; to import a large tree one file at a time, iterate
/// [`walk_files`] and call [`read_path`] instead.
pub fn load_dir(root: &Path) -> Vec<Loaded> {
    match walk_files(root) {
        Ok(files) => files.into_iter().map(|path| Loaded { outcome: read_path(&path).into(), path }).collect(),
        Err(e) => {
            let error = malformed(&root.display().to_string(), format!("cannot be walked: {e}"));
            vec![Loaded { path: root.to_path_buf(), outcome: Outcome::Failed(error) }]
        }
    }
}
