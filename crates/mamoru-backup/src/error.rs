//! The engine's errors: each names the repository or path it concerns, because an operator
//! reading a nightly job's log has to know which disk or share to look at.

use std::path::PathBuf;

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Neither `MAMORU_BACKUP_PASSWORD` nor a password file was given.
    #[error(
        "no repository password: set MAMORU_BACKUP_PASSWORD or give a password file (never a command-line argument)"
    )]
    NoPassword,
    /// The password file could not be read, or is empty.
    #[error("cannot read the password file {path}: {reason}")]
    PasswordFile {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// No key of the repository opens with the password.
    #[error("wrong password for the backup repository {repo}: no key of the repository opens with it")]
    WrongPassword {
        /// The repository.
        repo: PathBuf,
    },
    /// Another Mamoru process holds the repository's write lock.
    #[error("the backup repository {repo} is locked by {holder}; if that process is gone, remove {lock_file}")]
    Locked {
        /// The repository.
        repo: PathBuf,
        /// Who holds it (pid, host, since when).
        holder: String,
        /// The lock file.
        lock_file: PathBuf,
    },
    /// Retention refused: snapshots carry the ransomware guard's alarm and no person confirmed them.
    #[error(
        "the ransomware guard holds retention in {repo}: snapshot(s) {} carry its alarm; look at the files, then run `mamoru backup confirm --repo {repo} ID`",
        snapshots.iter().map(|s| &s[..8.min(s.len())]).collect::<Vec<_>>().join(", ")
    )]
    RetentionHeld {
        /// The repository.
        repo: PathBuf,
        /// The alarmed snapshots' ids.
        snapshots: Vec<String>,
    },
    /// `confirm` was given a snapshot that carries no alarm.
    #[error("snapshot {snapshot} in {repo} carries no ransomware guard alarm; nothing to confirm")]
    NotHeld {
        /// The repository.
        repo: PathBuf,
        /// The snapshot's id.
        snapshot: String,
    },
    /// A retention policy that cannot be read, or that would keep nothing.
    #[error("retention policy {text:?}: {reason}")]
    Policy {
        /// The policy as given.
        text: String,
        /// What is wrong.
        reason: String,
    },
    /// A source path is not valid UTF-8 (the restic format stores source paths as strings).
    #[error("the source path {path} is not valid UTF-8; back up its parent folder instead")]
    NotUtf8 {
        /// The path.
        path: PathBuf,
    },
    /// Reading or writing a local file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// rustic_core reported an error.
    #[error("backup repository {repo}: {action} failed: {message}")]
    Repository {
        /// The repository.
        repo: PathBuf,
        /// What was being done (open, backup, restore…).
        action: &'static str,
        /// rustic's one-line message.
        message: String,
    },
    /// The restore stopped with a panic inside rustic (it unwraps read errors of damaged packs).
    #[error("backup repository {repo}: the restore stopped: {message}")]
    RestoreAborted {
        /// The repository.
        repo: PathBuf,
        /// The panic's message.
        message: String,
    },
}

/// The engine's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An I/O error on `path`.
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { path, source }
    }

    /// A rustic error while doing `action` on `repo`, as one line (plain `Display` spans several
    /// lines and adds a backtrace when `RUST_BACKTRACE` is set).
    pub(crate) fn rustic(
        repo: impl Into<PathBuf>,
        action: &'static str,
    ) -> impl FnOnce(Box<rustic_core::RusticError>) -> Error {
        let repo = repo.into();
        move |e| {
            if e.is_incorrect_password() {
                Error::WrongPassword { repo }
            } else {
                Error::Repository { repo, action, message: one_line(&e) }
            }
        }
    }
}

/// rustic's message as one line: `display_log` still appends context and, with
/// `RUST_BACKTRACE` set, a backtrace over many lines.
pub(crate) fn one_line(e: &rustic_core::RusticError) -> String {
    let log = e.display_log();
    let mut lines = log.lines().map(str::trim);
    let first = lines.next().unwrap_or_default().to_owned();
    // For errors with a cause, the cause's words come after a `Message:` line.
    match lines.skip_while(|l| *l != "Message:").nth(1).filter(|l| !l.is_empty()) {
        Some(message) => format!("{first} {message}"),
        None => first,
    }
}

/// The text of a caught panic, short: rustic's unwrapped errors are Debug dumps with a
/// backtrace, of which the `guidance` ("Data decryption failed, MAC check failed.") says it.
pub(crate) fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    let text = p
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_owned());
    if let Some((_, rest)) = text.split_once("guidance: \"")
        && let Some((guidance, _)) = rest.split_once('"')
    {
        return format!("a pack could not be read: {guidance}");
    }
    text.chars().take(200).collect()
}
