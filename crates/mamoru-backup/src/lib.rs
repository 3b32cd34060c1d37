//! Mamoru's backup engine: encrypted, deduplicated backups in the restic repository format
//! through `rustic_core`, so that restic itself can always read them (the user's exit door).
//!
//! [`BackupRepo`] is a repository on a local path with its [`Password`]; its methods
//! [`init`](BackupRepo::init), [`backup`](BackupRepo::backup),
//! [`snapshots`](BackupRepo::snapshots), [`restore`](BackupRepo::restore),
//! [`verify`](BackupRepo::verify) and [`restore_test`](BackupRepo::restore_test) are the
//! `mamoru backup` commands. Writes take Mamoru's own lock ([`lock`]) because rustic takes
//! none.
//!
//! `guard` notices mass encryption before a backup runs: it compares the source folder with
//! what it looked like at the last backup (sizes, times, and the entropy of each file's first
//! bytes) and says when an unusual share of files changed or turned into random-looking data,
//! so that retention does not forget the older, good generations: the backup still runs, but
//! its snapshot carries [`ALARM_TAG`], which holds retention until a person confirms it
//! ([`BackupRepo::confirm`]).

mod backend;
mod copy;
mod error;
pub mod guard;
mod hold;
mod key;
mod location;
pub mod lock;
mod repo;
mod restore;
mod restore_test;
mod retention;
mod run;
mod snapshots;
mod verify;

pub use backend::Immutability;
pub use copy::{COPIES_RECORD, COPY_RECORD, CopyOutcome, CopyRecord, OfflineKind};
pub use error::{Error, Result};
pub use hold::{ALARM_TAG, CONFIRMED_TAG, ConfirmOutcome};
pub use location::{Location, S3Location};
pub use repo::{BackupRepo, PASSWORD_ENV, Password};
pub use restore::RestoreOutcome;
pub use restore_test::{FailedFile, RestoreTestReport};
pub use retention::{ForgetReport, Generation, PruneSummary, RetentionPolicy};
pub use run::{BackupOutcome, BackupRequest};
pub use snapshots::SnapshotInfo;
pub use verify::{AffectedFile, DamagedPack, VerifyReport};
