//! Finding input files, for rule folders and log folders alike: files as the user named
//! them, folders walked recursively for the files a caller keeps.

use std::path::{Path, PathBuf};

/// A path that could not be read, with why.
pub(crate) struct Unreadable {
    pub(crate) path: PathBuf,
    pub(crate) reason: String,
}

/// The files under `paths`, sorted; `keep` chooses the files found in folders (a file named
/// directly is always taken).
pub(crate) fn collect(paths: &[PathBuf], keep: fn(&Path) -> bool) -> (Vec<PathBuf>, Vec<Unreadable>) {
    let mut files = Vec::new();
    let mut unreadable = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, keep, &mut files, &mut unreadable);
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            unreadable.push(Unreadable { path: path.clone(), reason: "no such file or folder".into() });
        }
    }
    files.sort();
    (files, unreadable)
}

fn walk(dir: &Path, keep: fn(&Path) -> bool, files: &mut Vec<PathBuf>, unreadable: &mut Vec<Unreadable>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            unreadable.push(Unreadable { path: dir.to_path_buf(), reason: e.to_string() });
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, keep, files, unreadable);
        } else if keep(&path) {
            files.push(path);
        }
    }
}
