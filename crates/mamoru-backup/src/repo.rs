//! Opening and creating repositories (a local path or S3), and the password.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustic_core::{
    ConfigOptions, Credentials, FileType, IndexedFullStatus, KeyOptions, OpenStatus, ReadBackend, Repository,
    RepositoryBackends, RepositoryOptions, WriteBackend,
};

use crate::backend::{AtomicLocal, Immutability, S3Backend};
use crate::error::{Error, Result};
use crate::location::Location;

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

/// A repository (a local folder, or a bucket on S3-compatible storage) and its password.
#[derive(Debug, Clone)]
pub struct BackupRepo {
    /// The local folder; for S3 the location string (`s3:https://…`), which names the
    /// repository in messages.
    pub(crate) path: PathBuf,
    location: Location,
    password: Password,
}

impl BackupRepo {
    /// The repository in the local folder `path`, opened with `password`.
    pub fn new(path: impl Into<PathBuf>, password: Password) -> Self {
        let path = path.into();
        BackupRepo { location: Location::Local(path.clone()), path, password }
    }

    /// The repository at `location`, a `--repo` string as restic reads it (a local path or
    /// `s3:https://host/bucket/prefix`; S3 credentials from `AWS_ACCESS_KEY_ID` /
    /// `AWS_SECRET_ACCESS_KEY`). A malformed location is an error naming it.
    pub fn open_location(location: &str, password: Password) -> Result<Self> {
        Ok(BackupRepo::with_location(Location::parse(location)?, password))
    }

    /// The repository at a parsed `location`.
    pub fn with_location(location: Location, password: Password) -> Self {
        let path = match &location {
            Location::Local(p) => p.clone(),
            Location::S3(s) => PathBuf::from(s.to_string()),
        };
        BackupRepo { path, location, password }
    }

    /// The local folder; for a repository on S3, its location string as a path (use
    /// [`location`](Self::location) to tell them apart).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where the repository is.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// Whether the repository's objects are protected from deletion (S3 Object Lock with a
    /// default retention), for the record of offline copies.
    pub fn immutability(&self) -> Result<Immutability> {
        match &self.location {
            Location::Local(_) => Ok(Immutability::local()),
            Location::S3(s3) => S3Backend::new(s3)
                .and_then(|b| b.immutability())
                .map_err(|message| Error::Repository { repo: self.path.clone(), action: "read Object Lock", message }),
        }
    }

    /// The storage under the repository; for a folder, also whether it holds a repository.
    pub(crate) fn backend(&self) -> Result<(Arc<dyn WriteBackend>, bool)> {
        match &self.location {
            Location::Local(path) => {
                path.to_str().ok_or_else(|| Error::NotUtf8 { path: path.clone() })?;
                let local = AtomicLocal::new(path).map_err(Error::rustic(path, "open"))?;
                Ok((Arc::new(local), path.join("config").exists()))
            }
            Location::S3(s3) => {
                let backend = S3Backend::new(s3).map_err(|message| Error::Repository {
                    repo: self.path.clone(),
                    action: "open",
                    message,
                })?;
                let exists =
                    !backend.list_with_size(FileType::Config).map_err(Error::rustic(&self.path, "open"))?.is_empty();
                Ok((Arc::new(backend), exists))
            }
        }
    }

    /// The repository before its key is opened.
    pub(crate) fn unopened(&self) -> Result<Repository<()>> {
        self.unopened_on(self.backend()?.0)
    }

    pub(crate) fn unopened_on(&self, backend: Arc<dyn WriteBackend>) -> Result<Repository<()>> {
        let backends = RepositoryBackends::new(backend, None);
        // No cache: a local repository needs none, and a cache under ~/.cache would go stale
        // when restic changes the repository (rustic#1671).
        Repository::new(&RepositoryOptions::default().no_cache(true), &backends)
            .map_err(Error::rustic(&self.path, "open"))
    }

    pub(crate) fn credentials(&self) -> Credentials {
        Credentials::password(&self.password.0)
    }

    /// Creates a new repository (format version 2, zstd compression, restic's default chunker so
    /// that restic's own backups deduplicate against Mamoru's). Returns the repository id.
    pub fn init(&self) -> Result<String> {
        // An S3 backend takes its lock object at its first write.
        let _lock = match &self.location {
            Location::Local(path) => {
                std::fs::create_dir_all(path).map_err(Error::io(path))?;
                Some(crate::lock::RepoLock::acquire(path)?)
            }
            Location::S3(_) => None,
        };
        // Data packs of 16 MiB, restic's size: rustic's 32 MiB are held in memory twice while
        // backing up and read whole by each thread of a check, which put both above restic's
        // peak memory. (A rustic-only field of the config; restic ignores it.)
        let config = ConfigOptions::default().set_version(2u32).set_datapack_size(bytesize::ByteSize::mib(16));
        let key = KeyOptions::default().username("mamoru".to_owned());
        let (backend, _) = self.backend()?;
        let repo = self
            .unopened_on(backend.clone())?
            .init(&self.credentials(), &key, &config)
            .map_err(Error::rustic(&self.path, "init"))?;
        // rustic's key costs 128 MiB at every open; restic's cost instead (see key.rs).
        crate::key::use_restic_cost(backend.as_ref(), &repo, &self.credentials())
            .map_err(|message| Error::Repository { repo: self.path.clone(), action: "init", message })?;
        Ok(repo.config().id.to_hex().as_str().to_owned())
    }

    /// Opens the repository; a wrong password is [`Error::WrongPassword`].
    pub(crate) fn open(&self) -> Result<Repository<OpenStatus>> {
        let (backend, exists) = self.backend()?;
        if !exists {
            return Err(Error::Repository {
                repo: self.path.clone(),
                action: "open",
                message: "no repository here (no config file); create one with `mamoru backup init`".into(),
            });
        }
        self.unopened_on(backend)?.open(&self.credentials()).map_err(Error::rustic(&self.path, "open"))
    }

    /// Opens the repository and reads its whole index (needed to read files back).
    pub(crate) fn open_indexed(&self) -> Result<Repository<IndexedFullStatus>> {
        self.open()?.to_indexed().map_err(Error::rustic(&self.path, "read the index"))
    }

    /// Checks that the password opens the repository.
    pub fn check_password(&self) -> Result<()> {
        self.open().map(|_| ())
    }

    /// A small file of Mamoru's own in the repository's root, beside `config` (restic ignores
    /// it), on a local path or S3 alike; `None` when it does not exist. Not encrypted.
    pub fn read_root_file(&self, name: &str) -> Result<Option<Vec<u8>>> {
        match &self.location {
            Location::Local(path) => match std::fs::read(path.join(name)) {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(Error::Io { path: path.join(name), source: e }),
            },
            Location::S3(s3) => S3Backend::new(s3)
                .and_then(|b| b.read_root_file(name))
                .map_err(|message| Error::Repository { repo: self.path.clone(), action: "read", message }),
        }
    }

    /// Writes a file of [`read_root_file`](Self::read_root_file) whole (a temporary name and a
    /// rename on a local path; one PUT on S3). It takes no lock: these are Mamoru's notes about
    /// the repository, not its data.
    pub fn write_root_file(&self, name: &str, bytes: &[u8]) -> Result<()> {
        match &self.location {
            Location::Local(path) => {
                let tmp = tempfile::NamedTempFile::new_in(path).map_err(Error::io(path))?;
                std::fs::write(tmp.path(), bytes).map_err(Error::io(tmp.path()))?;
                tmp.persist(path.join(name)).map_err(|e| Error::Io { path: path.join(name), source: e.error })?;
                Ok(())
            }
            Location::S3(s3) => S3Backend::new(s3)
                .and_then(|b| b.write_root_file(name, bytes))
                .map_err(|message| Error::Repository { repo: self.path.clone(), action: "write", message }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_files_of_a_local_repository_are_read_back_whole() {
        let dir = tempfile::tempdir().unwrap();
        let repo = BackupRepo::new(dir.path(), Password::new("x"));
        assert_eq!(repo.read_root_file("mamoru-copies.json").unwrap(), None);
        repo.write_root_file("mamoru-copies.json", b"{}").unwrap();
        repo.write_root_file("mamoru-copies.json", b"{\"a\":1}").unwrap();
        assert_eq!(repo.read_root_file("mamoru-copies.json").unwrap().unwrap(), b"{\"a\":1}");
        assert_eq!(repo.immutability().unwrap().kind, "local");
        let s3 = BackupRepo::open_location("s3:https://s3.example.jp/bucket/pc01", Password::new("x")).unwrap();
        assert_eq!((s3.path(), s3.location().local_path()), (Path::new("s3:https://s3.example.jp/bucket/pc01"), None));
        assert!(BackupRepo::open_location("s3:https://s3.example.jp", Password::new("x")).is_err());
    }
}
