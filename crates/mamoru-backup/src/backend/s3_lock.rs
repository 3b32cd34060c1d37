//! Mamoru's write lock on an S3 repository: the object `mamoru.lock` beside `config`.
//!
//! A bucket has no `create_new`; the lock is written with a conditional PUT (`If-None-Match: *`,
//! which AWS S3 and moto honour), so of two writers exactly one gets it. Some S3-compatible
//! servers ignore that header and overwrite; the lock is therefore read back after the PUT, and
//! a writer that finds another's text there gives up. Two writers that both PUT and read back
//! within the same instant could still both proceed on such a server; Mamoru's jobs on one
//! repository are scheduled apart, and the local lock covers jobs of one machine.
//!
//! The lock is taken at the backend's first write or delete (so every writer, whichever
//! command, holds it; reading needs none) and removed when the repository is closed. In an
//! Object Lock bucket the removal is a delete marker: the retained old versions are harmless,
//! and a conditional PUT over a delete marker succeeds.
//!
//! A lock left by a crashed process of this host is taken over, as for local repositories; a
//! lock of another host is reported with its holder and the command that removes it.

use opendal::options::WriteOptions;
use rustic_core::{ErrorKind, RusticError, RusticResult};

use super::s3::{S3Backend, describe};
use crate::lock::{LOCK_FILE, holder_text, is_stale};

/// Whether this backend holds the lock.
#[derive(Debug)]
pub(crate) enum LockState {
    /// Nothing written yet.
    NotTaken,
    /// Held; the text identifies this process.
    Held(String),
}

impl S3Backend {
    /// Takes the lock before the first write; later writes find it held.
    pub(super) fn ensure_locked(&self) -> RusticResult<()> {
        let mut state = self.lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if matches!(*state, LockState::Held(_)) {
            return Ok(());
        }
        // The nanoseconds tell apart two backends of this process within one second.
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        let me = format!("{} #{}", holder_text(), nanos.as_nanos());
        for _ in 0..2 {
            match self.try_put(&me)? {
                None => {
                    *state = LockState::Held(me);
                    return Ok(());
                }
                Some(holder) if is_stale(&holder) => {
                    // A crashed process of this host: its lock protects nothing.
                    let _ = self.op.delete(LOCK_FILE);
                }
                Some(holder) => return Err(self.locked(&holder)),
            }
        }
        let holder = self.read_holder().unwrap_or_default();
        Err(self.locked(&holder))
    }

    /// Writes the lock if nobody holds it: `None` when it is ours, else the holder's text.
    fn try_put(&self, me: &str) -> RusticResult<Option<String>> {
        let opts = WriteOptions { if_not_exists: true, ..Default::default() };
        match self.op.write_options(LOCK_FILE, me.as_bytes().to_vec(), opts) {
            Ok(_) => {}
            Err(e) if e.kind() == opendal::ErrorKind::ConditionNotMatch => {
                return Ok(Some(self.read_holder().unwrap_or_default()));
            }
            Err(e) => return Err(self.error("write the lock", LOCK_FILE, &e)),
        }
        // A server that ignored If-None-Match overwrote whatever was there; whoever's text
        // stands now holds the lock.
        match self.read_holder() {
            Some(text) if text == me => Ok(None),
            Some(other) => Ok(Some(other)),
            None => Err(RusticError::new(
                ErrorKind::Backend,
                format!("the lock {} vanished right after it was written", self.location.object_url(LOCK_FILE)),
            )),
        }
    }

    fn read_holder(&self) -> Option<String> {
        let bytes = self.op.read(LOCK_FILE).ok()?.to_vec();
        Some(String::from_utf8_lossy(&bytes).into_owned())
    }

    fn locked(&self, holder: &str) -> Box<RusticError> {
        let holder = if holder.trim().is_empty() { "an unknown process" } else { holder.trim() };
        let url = self.location.object_url(LOCK_FILE);
        let message = format!(
            "the backup repository {} is locked by {holder}; if that process is gone, delete the object {url} \
             (e.g. `aws s3 rm {url} --endpoint-url {}`)",
            self.location, self.location.endpoint
        );
        RusticError::new(ErrorKind::Backend, message.replace('{', "(").replace('}', ")"))
    }

    /// Removes the lock if this backend holds it (called on drop).
    pub(super) fn release_lock(&self) {
        let mut state = self.lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let LockState::Held(me) = &*state {
            // Only our own: never delete a lock another process took over meanwhile.
            if self.read_holder().as_deref() == Some(me.as_str())
                && let Err(e) = self.op.delete(LOCK_FILE)
            {
                eprintln!("{}", describe(&self.location, "delete", LOCK_FILE, &e));
            }
            *state = LockState::NotTaken;
        }
    }
}
