//! Mamoru's store: every record of the register, the accounts and the audit log, on SQLite
//! (one file in a data directory, the default) or PostgreSQL (for a provider).
//!
//! One interface, [`Store`], serves both; the SQL is written once and the few differences
//! live in the migrations and in [`db`]. Two rules hold for every method:
//!
//! - **Tenancy**: every read and write of organisation data names the [`OrgId`], and the SQL
//!   filters on it, so one organisation's records cannot be reached through another's id.
//! - **Audit**: every change is written together with its audit entry (who, when, what,
//!   before and after) in the same transaction; there is no way to change data unaudited.
//!
//! [`OrgId`]: mamoru_domain::OrgId
#![deny(missing_docs)]

mod advisories;
mod alert_ingest;
mod alert_notices;
mod alerts;
mod assets;
mod audit;
mod backup_jobs;
mod backup_results;
mod bcp;
mod bcp_diagrams;
mod case_evidence;
mod case_log;
mod cases;
mod db;
mod drills;
mod error;
mod facilities;
mod findings;
mod import;
mod imports;
mod migrate;
mod notifications;
mod notify_settings;
mod orgs;
mod parties;
mod plans;
mod readiness;
mod rematch;
mod sessions;
mod time;
mod tokens;
mod training;
mod users;
mod vendor_sheets;

use std::path::{Path, PathBuf};

pub use advisories::{AdvisoryRow, EpssRow, FeedBatch, FeedStatus, FeedWritten, KevRow};
pub use alert_ingest::{Ingested, NewDetection};
pub use alert_notices::{AlertMessage, Owed};
pub use alerts::{Alert, AlertCounts, AlertQuery, NewSuppression, Suppression};
pub use assets::{AssetListItem, AssetQuery, AssetSort, CategoryCount, NewAsset};
pub use audit::{Actor, AuditEntry, AuditQuery};
pub use backup_jobs::{BackupJob, BackupJobQuery};
pub use backup_results::{BackupResult, BackupResultQuery, NewBackupResult};
pub use bcp::{BcpInput, BcpPlan, BcpSystem};
pub use bcp_diagrams::{BcpDiagram, NewBcpDiagram};
pub use case_evidence::{Custody, Evidence, NewEvidence, sha256_hex};
pub use case_log::{CaseEntry, CaseIoc, CaseTask, NewEntry, ScopeItem};
pub use cases::{Case, CaseDetails, CaseQuery};
pub use db::Backend;
pub use drills::{Drill, DrillEntry, DrillTask};
pub use error::{Error, Result};
pub use findings::{Decision, Finding, FindingQuery, Matched, OpenCounts, Rematched};
pub use import::ImportSummary;
pub use migrate::latest_version;
pub use notifications::{CLAIM, Channel, MAX_ATTEMPTS, Notification};
pub use notify_settings::NotificationSettings;
pub use orgs::Organization;
pub use parties::ChainEntry;
pub use plans::{InspectionDates, RoadmapApproval, SavedCost};
pub use readiness::{ChecklistKey, ProposedSnapshot, SavedAnswer};
pub use sessions::Session;
pub use tokens::{ApiToken, NewApiToken};
pub use training::{ManagerPerson, SecurityManager, TrainingSession};
pub use users::{NewUser, User};
pub use vendor_sheets::{NewVendorAttachment, NewVendorSheetRequest, VendorAttachment, VendorSheetRequest};

/// Where the data lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A data directory holding `mamoru.db` (SQLite).
    Dir(PathBuf),
    /// A database URL: `sqlite:PATH` or `postgres://...`.
    Url(String),
}

/// The file name of the SQLite database inside a data directory.
pub const SQLITE_FILE: &str = "mamoru.db";

impl Location {
    /// Reads the URL form: `sqlite:` or `postgres:`/`postgresql:` URLs.
    pub fn from_url(url: &str) -> Result<Self> {
        if url.starts_with("sqlite:") || url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Location::Url(url.to_owned()))
        } else {
            Err(Error::Open {
                target: db::redact(url),
                source: sqlx::Error::Configuration("the URL must start with sqlite: or postgres://".into()),
            })
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Dir(d) => write!(f, "{}", d.join(SQLITE_FILE).display()),
            Location::Url(u) => f.write_str(&db::redact(u)),
        }
    }
}

/// The store. Cheap to clone: clones share one connection pool.
#[derive(Debug, Clone)]
pub struct Store {
    pool: db::Pool,
}

impl Store {
    /// Opens the store, creating the data directory and database if needed, and brings its
    /// schema up to date. Refuses a database whose schema is newer than this binary knows.
    pub async fn open(location: &Location) -> Result<Self> {
        let pool = match location {
            Location::Dir(dir) => {
                std::fs::create_dir_all(dir)
                    .map_err(|e| Error::Open { target: dir.display().to_string(), source: sqlx::Error::Io(e) })?;
                db::Pool::sqlite(&dir.join(SQLITE_FILE)).await?
            }
            Location::Url(url) => match sqlite_path(url) {
                Some(path) => db::Pool::sqlite(Path::new(path)).await?,
                None => db::Pool::postgres(url).await?,
            },
        };
        migrate::run(&pool, &time::now()).await?;
        Ok(Store { pool })
    }

    /// Which database this store runs on.
    pub fn backend(&self) -> Backend {
        self.pool.backend()
    }

    /// The schema version of the database.
    pub async fn schema_version(&self) -> Result<i64> {
        migrate::current_version(&self.pool).await
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<()> {
        use db::Exec;
        self.pool.conn().await?.execute("SELECT 1".into(), vec![]).await.map(drop)
    }

    /// Closes every connection; pending work finishes first.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The file path of a `sqlite:` URL (`sqlite:/abs/path`, `sqlite:///abs/path`, `sqlite:rel`).
fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    Some(rest.split('?').next().unwrap_or(rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls() {
        assert_eq!(sqlite_path("sqlite:///var/lib/mamoru/m.db"), Some("/var/lib/mamoru/m.db"));
        assert_eq!(sqlite_path("sqlite:data/m.db?mode=rwc"), Some("data/m.db"));
        assert_eq!(sqlite_path("postgres://x"), None);
        assert!(Location::from_url("mysql://x").is_err());
    }
}
