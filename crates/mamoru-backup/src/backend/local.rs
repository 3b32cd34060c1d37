//! rustic's local backend, with writes made atomic.
//!
//! `LocalBackend` writes each file in place (`set_len`, write, `fsync`). A kill or power cut
//! during an index or snapshot write leaves a truncated, zero-filled file that breaks every
//! later open of the repository. Here every file is written under a temporary name in its own
//! folder, synced, and renamed into place, so a file either exists whole or not at all. The
//! temporary names are not ids, so rustic and restic ignore leftovers.

use std::io::Write;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use rustic_backend::LocalBackend;
use rustic_core::{BytesList, ErrorKind, FileType, Id, ReadBackend, RusticError, RusticResult, WriteBackend};

/// A local repository folder with atomic writes; reads, lists and removals are rustic's.
#[derive(Debug)]
pub(crate) struct AtomicLocal {
    inner: LocalBackend,
    root: PathBuf,
}

impl AtomicLocal {
    pub(crate) fn new(root: &Path) -> RusticResult<Self> {
        let location = root.to_string_lossy();
        Ok(AtomicLocal { inner: LocalBackend::new(&location, Vec::new())?, root: root.to_owned() })
    }

    /// Where restic's layout keeps a file.
    fn path(&self, tpe: FileType, id: &Id) -> PathBuf {
        let hex = id.to_hex();
        match tpe {
            FileType::Config => self.root.join("config"),
            FileType::Pack => self.root.join("data").join(&hex[..2]).join(hex.as_str()),
            _ => self.root.join(tpe.dirname()).join(hex.as_str()),
        }
    }
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> Box<RusticError> {
    let path = path.to_string_lossy().into_owned();
    move |err| {
        RusticError::with_source(ErrorKind::InputOutput, "Failed to write the file `{path}`.", err)
            .attach_context("path", path)
    }
}

impl ReadBackend for AtomicLocal {
    fn location(&self) -> String {
        self.inner.location()
    }

    fn list(&self, tpe: FileType) -> RusticResult<Vec<Id>> {
        self.inner.list(tpe)
    }

    fn list_with_size(&self, tpe: FileType) -> RusticResult<Vec<(Id, u32)>> {
        self.inner.list_with_size(tpe)
    }

    fn read_full(&self, tpe: FileType, id: &Id) -> RusticResult<Bytes> {
        self.inner.read_full(tpe, id)
    }

    fn read_partial(&self, tpe: FileType, id: &Id, cacheable: bool, offset: u32, length: u32) -> RusticResult<Bytes> {
        self.inner.read_partial(tpe, id, cacheable, offset, length)
    }

    fn warmup_path(&self, tpe: FileType, id: &Id) -> String {
        self.inner.warmup_path(tpe, id)
    }
}

impl WriteBackend for AtomicLocal {
    fn create(&self) -> RusticResult<()> {
        self.inner.create()
    }

    fn write_bytes(&self, tpe: FileType, id: &Id, _cacheable: bool, content: BytesList) -> RusticResult<()> {
        let path = self.path(tpe, id);
        let dir = path.parent().unwrap_or(&self.root);
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let tmp = dir.join(format!(".tmp-{}-{name}", std::process::id()));
        let written = (|| {
            let mut f = std::fs::File::create(&tmp)?;
            for part in content.slice() {
                f.write_all(part)?;
            }
            f.sync_all()?;
            std::fs::rename(&tmp, &path)?;
            // The rename itself reaches the disk only with the folder's metadata.
            std::fs::File::open(dir).and_then(|d| d.sync_all())
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written.map_err(io_error(&path))
    }

    fn remove(&self, tpe: FileType, id: &Id, cacheable: bool) -> RusticResult<()> {
        self.inner.remove(tpe, id, cacheable)
    }
}
