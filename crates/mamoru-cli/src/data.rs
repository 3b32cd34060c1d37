//! Where the data is: `--data-dir DIR` (SQLite) or `--database-url URL`, the same for every
//! command that touches stored data.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use mamoru_app::{App, Config};
use mamoru_store::{Location, Store};

/// The storage flags.
#[derive(Debug, Clone, Args)]
pub(crate) struct DataArgs {
    /// Data directory holding the SQLite database (created if missing).
    #[arg(long, value_name = "DIR", env = "MAMORU_DATA_DIR", conflicts_with = "database_url", global = true)]
    pub(crate) data_dir: Option<PathBuf>,
    /// Database URL instead of a data directory: sqlite:PATH or postgres://USER@HOST/DB.
    #[arg(long, value_name = "URL", env = "MAMORU_DATABASE_URL", global = true)]
    pub(crate) database_url: Option<String>,
}

impl DataArgs {
    /// The location, with `default_dir` when neither flag is given.
    pub(crate) fn location(&self, default_dir: &str) -> anyhow::Result<Location> {
        Ok(match (&self.data_dir, &self.database_url) {
            (_, Some(url)) => Location::from_url(url).context("--database-url")?,
            (Some(dir), None) => Location::Dir(dir.clone()),
            (None, None) => Location::Dir(PathBuf::from(default_dir)),
        })
    }

    /// Opens the store (applying migrations) and wraps it in the application.
    pub(crate) async fn open(&self, default_dir: &str) -> anyhow::Result<App> {
        let location = self.location(default_dir)?;
        let store = Store::open(&location).await.with_context(|| format!("cannot open the data at {location}"))?;
        Ok(App::new(store, Config::default()))
    }
}

/// The default data directory of the server and the command-line jobs.
pub(crate) const DEFAULT_DIR: &str = "mamoru-data";
