//! Mamoru's own write lock on a repository.
//!
//! rustic_core takes no locks at all, so two Mamoru jobs writing the same repository at once
//! (a nightly run and an operator's manual one) would race. The lock is a file `mamoru.lock`
//! in the repository folder, created with `create_new` so that exactly one process wins; it
//! records the pid, host and time. restic ignores unknown files in the repository root.
//!
//! Repositories on S3 cannot hold a lock file: their backend writes a lock object instead, at
//! its first write (`backend::s3_lock`), so [`RepoLock::acquire`] takes nothing for an `s3:`
//! location.
//!
//! After a crash or `kill -9` the file stays. A lock left by a process of this host that no
//! longer runs is stale and is taken over; a lock of another host is reported with its holder,
//! because only a person can tell whether that machine still writes.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The lock file's name in the repository folder.
pub const LOCK_FILE: &str = "mamoru.lock";

/// Held while a write runs; the file is removed on drop.
#[derive(Debug)]
pub struct RepoLock {
    /// `None` for an S3 repository, whose backend locks by itself.
    file: Option<PathBuf>,
}

impl RepoLock {
    /// Takes the lock of the repository at `repo`, taking over a stale one.
    pub fn acquire(repo: &Path) -> Result<RepoLock> {
        if repo.to_str().is_some_and(|s| s.starts_with("s3:")) {
            return Ok(RepoLock { file: None });
        }
        let file = repo.join(LOCK_FILE);
        let me = holder_text();
        for _ in 0..2 {
            match std::fs::File::create_new(&file) {
                Ok(mut f) => {
                    f.write_all(me.as_bytes()).and_then(|()| f.sync_all()).map_err(Error::io(&file))?;
                    return Ok(RepoLock { file: Some(file) });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let holder = std::fs::read_to_string(&file).unwrap_or_default();
                    if is_stale(&holder) {
                        // The holder crashed on this host; its lock protects nothing.
                        let _ = std::fs::remove_file(&file);
                        continue;
                    }
                    return Err(Error::Locked { repo: repo.to_owned(), holder, lock_file: file });
                }
                Err(e) => return Err(Error::Io { path: file, source: e }),
            }
        }
        let holder = std::fs::read_to_string(&file).unwrap_or_default();
        Err(Error::Locked { repo: repo.to_owned(), holder, lock_file: file })
    }
}

impl Drop for RepoLock {
    fn drop(&mut self) {
        if let Some(file) = &self.file {
            let _ = std::fs::remove_file(file);
        }
    }
}

/// What a lock says of its holder: `pid N on HOST since T`.
pub(crate) fn holder_text() -> String {
    format!(
        "pid {} on {} since {}",
        std::process::id(),
        host_name(),
        jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ")
    )
}

/// Whether a lock text `pid N on HOST since T` names a process of this host that is gone.
pub(crate) fn is_stale(holder: &str) -> bool {
    let mut words = holder.split_whitespace();
    let (Some("pid"), Some(pid), Some("on"), Some(host)) = (words.next(), words.next(), words.next(), words.next())
    else {
        // An empty or torn file: the writer died between create and write.
        return holder.trim().is_empty();
    };
    let Ok(pid) = pid.parse::<u32>() else { return false };
    host == host_name() && pid != std::process::id() && !process_alive(pid)
}

fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        // Without /proc we cannot tell; be safe and treat the holder as alive.
        true
    }
}

/// This machine's name, as rustic puts it into snapshots.
pub(crate) fn host_name() -> String {
    rustic_core::SnapshotOptions::default().to_snapshot().map(|s| s.hostname).unwrap_or_else(|_| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time_and_a_dead_holder_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let held = RepoLock::acquire(dir.path()).unwrap();
        let e = RepoLock::acquire(dir.path()).unwrap_err();
        // Our own pid is alive, so it is not stale even though it is this host.
        assert!(matches!(e, Error::Locked { .. }), "{e}");
        drop(held);
        // A crashed process of this host (pid far above pid_max).
        std::fs::write(dir.path().join(LOCK_FILE), format!("pid 999999999 on {} since x", host_name())).unwrap();
        let _again = RepoLock::acquire(dir.path()).unwrap();
        // Another host's lock is never taken over.
        drop(_again);
        std::fs::write(dir.path().join(LOCK_FILE), "pid 1 on other-host since x").unwrap();
        assert!(matches!(RepoLock::acquire(dir.path()), Err(Error::Locked { .. })));
    }
}
