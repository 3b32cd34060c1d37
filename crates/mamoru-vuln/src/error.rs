//! What can go wrong reading a feed. Every message starts with the file name, and names the
//! record when one record is at fault, so a person can find it.

/// A feed file that cannot be read. Reading is all or nothing per file: a file with one bad
/// record is refused whole, so what was imported before stays as it was.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Not a format the engine reads (or not a feed at all: a schema, a licence, a picture).
    #[error("{file}: not a vulnerability feed Mamoru reads ({reason})")]
    UnknownFormat { file: String, reason: String },
    /// A recognised response that carries no advisories (a MyJVN vendor list, statistics...).
    #[error("{file}: {what} is not an advisory feed; {hint}")]
    NotAdvisories { file: String, what: String, hint: String },
    /// The file as a whole cannot be parsed (truncated, not JSON/XML/CSV, bad encoding).
    #[error("{file}: {reason}")]
    Malformed { file: String, reason: String },
    /// One record is wrong; `record` names it (`vulnerabilities[3] CVE-2023-1234`, `line 7`).
    #[error("{file}: {record}: {reason}")]
    BadRecord { file: String, record: String, reason: String },
    /// The file is larger than the engine will hold in memory.
    #[error("{file}: {size} bytes is more than the {max}-byte limit for one feed file")]
    TooLarge { file: String, size: u64, max: u64 },
}

impl Error {
    /// The file the error is about.
    pub fn file(&self) -> &str {
        match self {
            Self::UnknownFormat { file, .. }
            | Self::NotAdvisories { file, .. }
            | Self::Malformed { file, .. }
            | Self::BadRecord { file, .. }
            | Self::TooLarge { file, .. } => file,
        }
    }
}
