//! Application errors: what a user did wrong, or what went wrong underneath.

use mamoru_domain::Invalid;

/// Why an application request failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The user may not do this.
    #[error("not allowed")]
    Forbidden,
    /// No such record, or not one the user may see.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A form had bad fields; each is named.
    #[error("invalid input: {}", list(.0))]
    Invalid(Vec<Invalid>),
    /// The e-mail or password is wrong (deliberately not saying which).
    #[error("wrong e-mail address or password")]
    BadCredentials,
    /// The TOTP code is wrong, expired or already used.
    #[error("wrong or already used two-factor code")]
    BadTotp,
    /// Too many failed logins; try again later.
    #[error("too many failed logins; try again after {until}")]
    LockedOut {
        /// When the next attempt is accepted.
        until: jiff::Timestamp,
    },
    /// The login session ended or never existed.
    #[error("the session has ended; log in again")]
    SessionEnded,
    /// A register file could not be read at all.
    #[error(transparent)]
    File(#[from] mamoru_inventory::Error),
    /// A register file has bad rows; nothing was imported.
    #[error("{} has {} bad row(s); nothing was imported", .file, .errors.len())]
    Rejected {
        /// The file's name.
        file: String,
        /// Every bad row and field.
        errors: Vec<mamoru_inventory::RowError>,
    },
    /// The record is still used by others (e.g. a facility that has assets).
    #[error("{0} is still in use")]
    InUse(String),
    /// The change would leave the organisation without an administrator.
    #[error("the organisation must keep at least one active administrator")]
    LastAdmin,
    /// Feeds could not be read (a folder that cannot be listed).
    #[error("{0}")]
    Feed(String),
    /// Files could not be read or written (the demo's rules in a temporary folder).
    #[error("{0}")]
    Files(String),
    /// The store failed.
    #[error(transparent)]
    Store(mamoru_store::Error),
    /// A background task failed.
    #[error("internal task failed")]
    Task(#[from] tokio::task::JoinError),
}

/// Application results.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<mamoru_store::Error> for Error {
    fn from(e: mamoru_store::Error) -> Self {
        match e {
            mamoru_store::Error::NotFound { what } => Error::NotFound(what),
            mamoru_store::Error::InUse { what } => Error::InUse(what),
            other => Error::Store(other),
        }
    }
}

impl Error {
    /// Turns a store conflict (a duplicate name) into a validation error on `field`.
    pub(crate) fn conflict_on(field: &'static str) -> impl FnOnce(mamoru_store::Error) -> Error {
        move |e| match e {
            mamoru_store::Error::Conflict { what } => Error::invalid(field, mamoru_domain::Problem::Duplicate(what)),
            other => other.into(),
        }
    }

    /// One bad field.
    pub fn invalid(field: &'static str, problem: mamoru_domain::Problem) -> Self {
        Error::Invalid(vec![Invalid::new(field, problem)])
    }
}

fn list(errors: &[Invalid]) -> String {
    errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}
