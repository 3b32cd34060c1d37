//! Schema migrations: numbered SQL files per backend, embedded in the binary, applied on open.
//!
//! A migration that has been released is never edited; a change adds a new file with the
//! same number to `migrations/sqlite/` and `migrations/postgres/`. The checksum of every
//! applied migration is kept, so an edited one is caught, and a database that has a
//! migration this binary does not know is refused rather than half-understood.

use sha2::{Digest, Sha256};

use crate::db::{Backend, Exec, Pool, Tx, args};
use crate::error::{Error, Result};

/// One migration: number, name, and its SQL for each backend.
struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

macro_rules! migration {
    ($version:literal, $file:literal) => {
        Migration {
            version: $version,
            name: $file,
            sqlite: include_str!(concat!("../migrations/sqlite/", $file, ".sql")),
            postgres: include_str!(concat!("../migrations/postgres/", $file, ".sql")),
        }
    };
}

const MIGRATIONS: &[Migration] = &[
    migration!(1, "0001_foundation"),
    migration!(2, "0002_vuln"),
    migration!(3, "0003_alerts"),
    migration!(4, "0004_incidents"),
    migration!(5, "0005_backups"),
    migration!(6, "0006_readiness"),
    migration!(7, "0007_vendor_sheets"),
    migration!(8, "0008_training"),
    migration!(9, "0009_bcp"),
    migration!(10, "0010_plans"),
    migration!(11, "0011_bcp_diagrams"),
    migration!(12, "0012_notification_claims"),
];

/// The newest schema version this binary knows.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

impl Migration {
    fn sql(&self, backend: Backend) -> &'static str {
        match backend {
            Backend::Sqlite => self.sqlite,
            Backend::Postgres => self.postgres,
        }
    }

    fn checksum(&self, backend: Backend) -> String {
        let digest = Sha256::digest(self.sql(backend).as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Brings the schema up to date, or refuses a database that is newer than this binary.
pub(crate) async fn run(pool: &Pool, now: &str) -> Result<()> {
    let backend = pool.backend();
    let mut tx = pool.write().await?;
    lock(&mut tx).await?;
    tx.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY,
            name TEXT NOT NULL,
            checksum TEXT NOT NULL,
            applied_at TEXT NOT NULL
        )"
        .into(),
        vec![],
    )
    .await?;
    let applied =
        tx.fetch_all("SELECT version, name, checksum FROM schema_migrations ORDER BY version".into(), vec![]).await?;
    let current = match applied.last() {
        Some(row) => row.int("version")?,
        None => 0,
    };
    if current > latest_version() {
        return Err(Error::SchemaTooNew { found: current, known: latest_version() });
    }
    for row in &applied {
        let version = row.int("version")?;
        let known = MIGRATIONS.iter().find(|m| m.version == version);
        match known {
            Some(m) if m.checksum(backend) == row.text("checksum")? => {}
            _ => return Err(Error::MigrationChanged { version, name: row.text("name")? }),
        }
    }
    // Every known migration not yet applied, not only those above the newest applied one: two
    // migrations written at the same time may land in either order (0006 before 0005), and a
    // database that took the later number first must still get the earlier one.
    let done: Vec<i64> = applied.iter().map(|r| r.int("version")).collect::<Result<_>>()?;
    for m in MIGRATIONS.iter().filter(|m| !done.contains(&m.version)) {
        tracing::info!(version = m.version, name = m.name, "applying migration");
        raw(&mut tx, m.sql(backend)).await.map_err(|source| Error::Migrate {
            version: m.version,
            name: m.name.into(),
            source,
        })?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)".into(),
            args![m.version, m.name, m.checksum(backend), now],
        )
        .await?;
    }
    tx.commit().await
}

/// The schema version a database is at.
pub(crate) async fn current_version(pool: &Pool) -> Result<i64> {
    let mut conn = pool.conn().await?;
    let row = conn.fetch_one("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations".into(), vec![]).await?;
    row.int("v")
}

/// Serialises concurrent migrators: PostgreSQL takes an advisory lock for the transaction;
/// SQLite already holds the write lock (`BEGIN IMMEDIATE`).
async fn lock(tx: &mut Tx) -> Result<()> {
    if let Tx::Postgres(_) = tx {
        // 0x6d616d6f7275 is "mamoru" in ASCII: an arbitrary, stable key.
        tx.execute("SELECT pg_advisory_xact_lock(120399164551797)".into(), vec![]).await?;
    }
    Ok(())
}

/// Runs a script of several statements.
async fn raw(tx: &mut Tx, sql: &'static str) -> std::result::Result<(), sqlx::Error> {
    match tx {
        Tx::Sqlite(t) => sqlx::raw_sql(sql).execute(&mut **t).await.map(drop),
        Tx::Postgres(t) => sqlx::raw_sql(sql).execute(&mut **t).await.map(drop),
    }
}
