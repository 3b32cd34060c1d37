//! Opening and creating repositories on a local path, and the password.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustic_core::{
    ConfigOptions, Credentials, IndexedFullStatus, KeyOptions, OpenStatus, Repository, RepositoryBackends,
    RepositoryOptions, WriteBackend,
};

use crate::backend::AtomicLocal;
use crate::error::{Error, Result};

/// The environment variable holding the repository password.
pub const PASSWORD_ENV: &str = "MAMORU_BACKUP_PASSWORD";

/// A repository password. Never printed: its `Debug` is redacted.
#[derive(Clone)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(…)")
    }
}

impl Password {
    /// A password given directly (by a service that keeps it elsewhere, or a test).
    pub fn new(p: impl Into<String>) -> Self {
        Password(p.into())
    }

    /// `MAMORU_BACKUP_PASSWORD` when set, else the first line of `file`. Passwords are never
    /// taken from the command line, where `ps` and shell history would show them.
    pub fn from_env_or_file(file: Option<&Path>) -> Result<Self> {
        if let Some(p) = std::env::var(PASSWORD_ENV).ok().filter(|p| !p.is_empty()) {
            return Ok(Password(p));
        }
        let Some(path) = file else { return Err(Error::NoPassword) };
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::PasswordFile { path: path.to_owned(), reason: e.to_string() })?;
        // The first line, as restic reads `--password-file`.
        let line = text.lines().next().unwrap_or("").trim_end_matches('\r');
        if line.is_empty() {
            return Err(Error::PasswordFile { path: path.to_owned(), reason: "the first line is empty".into() });
        }
        Ok(Password(line.to_owned()))
    }
}

/// A repository on a local path (a NAS mount or a removable disk) and its password.
#[derive(Debug, Clone)]
pub struct BackupRepo {
    pub(crate) path: PathBuf,
    password: Password,
}

impl BackupRepo {
    /// The repository at `path`, opened with `password`.
    pub fn new(path: impl Into<PathBuf>, password: Password) -> Self {
        BackupRepo { path: path.into(), password }
    }

    /// Where the repository is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn unopened(&self) -> Result<Repository<()>> {
        self.path.to_str().ok_or_else(|| Error::NotUtf8 { path: self.path.clone() })?;
        let local = AtomicLocal::new(&self.path).map_err(Error::rustic(&self.path, "open"))?;
        let backends = RepositoryBackends::new(Arc::new(local) as Arc<dyn WriteBackend>, None);
        // No cache: the repository is on a local path already, and a cache under ~/.cache would
        // go stale when restic changes the repository (rustic#1671).
        Repository::new(&RepositoryOptions::default().no_cache(true), &backends)
            .map_err(Error::rustic(&self.path, "open"))
    }

    fn credentials(&self) -> Credentials {
        Credentials::password(&self.password.0)
    }

    /// Creates a new repository (format version 2, zstd compression, restic's default chunker so
    /// that restic's own backups deduplicate against Mamoru's). Returns the repository id.
    pub fn init(&self) -> Result<String> {
        std::fs::create_dir_all(&self.path).map_err(Error::io(&self.path))?;
        let _lock = crate::lock::RepoLock::acquire(&self.path)?;
        let config = ConfigOptions::default().set_version(2u32);
        let key = KeyOptions::default().username("mamoru".to_owned());
        let repo =
            self.unopened()?.init(&self.credentials(), &key, &config).map_err(Error::rustic(&self.path, "init"))?;
        Ok(repo.config().id.to_hex().as_str().to_owned())
    }

    /// Opens the repository; a wrong password is [`Error::WrongPassword`].
    pub(crate) fn open(&self) -> Result<Repository<OpenStatus>> {
        if !self.path.join("config").exists() {
            return Err(Error::Repository {
                repo: self.path.clone(),
                action: "open",
                message: "no repository here (no config file); create one with `mamoru backup init`".into(),
            });
        }
        self.unopened()?.open(&self.credentials()).map_err(Error::rustic(&self.path, "open"))
    }

    /// Opens the repository and reads its whole index (needed to read files back).
    pub(crate) fn open_indexed(&self) -> Result<Repository<IndexedFullStatus>> {
        self.open()?.to_indexed().map_err(Error::rustic(&self.path, "read the index"))
    }

    /// Checks that the password opens the repository.
    pub fn check_password(&self) -> Result<()> {
        self.open().map(|_| ())
    }
}
