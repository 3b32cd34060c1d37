//! Store errors.

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database could not be opened or reached.
    #[error("cannot open database {target}")]
    Open {
        /// The file or URL (password removed).
        target: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// The database was written by a newer Mamoru; this binary refuses to touch it.
    #[error(
        "the database schema is at version {found}, newer than this mamoru knows (up to {known}); run a newer mamoru"
    )]
    SchemaTooNew {
        /// The newest version applied to the database.
        found: i64,
        /// The newest version this binary has.
        known: i64,
    },
    /// A migration already applied differs from the one in this binary.
    #[error("migration {version} ({name}) differs from the one applied to this database")]
    MigrationChanged {
        /// Its number.
        version: i64,
        /// Its name.
        name: String,
    },
    /// Applying a migration failed; nothing of it was kept.
    #[error("migration {version} ({name}) failed")]
    Migrate {
        /// Its number.
        version: i64,
        /// Its name.
        name: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// A record with the same unique key exists, e.g. a second facility with the same name.
    #[error("{what} already exists")]
    Conflict {
        /// What, in a few words.
        what: String,
    },
    /// No such record in this organisation.
    #[error("{what} not found")]
    NotFound {
        /// What kind of record.
        what: &'static str,
    },
    /// A record still refers to the one being deleted.
    #[error("{what} is still in use")]
    InUse {
        /// What, in a few words.
        what: String,
    },
    /// Stored data does not have the shape this binary expects.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// Any other database error.
    #[error("database error")]
    Database(#[from] sqlx::Error),
}

/// Store results.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Turns a unique-constraint violation into [`Error::Conflict`] naming `what`.
    pub(crate) fn conflict_as(self, what: impl FnOnce() -> String) -> Self {
        match &self {
            Error::Database(sqlx::Error::Database(e)) if e.is_unique_violation() => Error::Conflict { what: what() },
            _ => self,
        }
    }

    /// Turns a foreign-key violation into [`Error::InUse`] naming `what`.
    pub(crate) fn in_use_as(self, what: impl FnOnce() -> String) -> Self {
        match &self {
            Error::Database(sqlx::Error::Database(e)) if e.is_foreign_key_violation() => Error::InUse { what: what() },
            _ => self,
        }
    }
}
