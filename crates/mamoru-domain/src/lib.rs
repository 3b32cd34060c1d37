//! Mamoru's domain: the types and rules of a facility's security register, with no I/O.
//!
//! Everything here is pure: no database, no file system, no clock. The current time is
//! always a parameter, so rules such as the login back-off can be tested to the second.
//!
//! Parsing of user-typed values (categories in Japanese or English, `はい`/`いいえ` flags,
//! dates such as `令和7年3月31日`) lives here too, because the web forms and the CSV import
//! must agree on exactly what they accept.
#![deny(missing_docs)]

mod choice;

pub mod access;
pub mod alert;
pub mod appi;
pub mod asset;
pub mod backoff;
pub mod backup;
pub mod contact;
pub mod cpe;
pub mod facility;
pub mod ids;
pub mod incident;
pub mod invalid;
pub mod password;
pub mod prefecture;
pub mod readiness;
pub mod values;
pub mod vuln;

pub use access::{Action, Grant, Role, Scope, Visible};
pub use alert::{AlertLevel, AlertPolicy, AlertStatus, SmtpInput, SmtpSecurity, SmtpSettings};
pub use asset::{Asset, AssetCategory, AssetDraft, AssetInput, REGISTER_FIELDS, RegisterEntry};
pub use contact::{ChainRole, Contact, ContactDraft, ContactInput, Party, PartyDraft, PartyKind};
pub use cpe::Cpe23;
pub use facility::{Facility, FacilityDraft, FacilityInput, FacilityKind, Operator};
pub use ids::{
    AlertId, AssetId, BackupJobId, BackupResultId, CaseId, ContactId, EvidenceId, FacilityId, FindingId, OrgId,
    PartyId, SuppressionId, TaskId, TokenId, UserId,
};
pub use invalid::{Checker, Invalid, Problem};
pub use prefecture::Prefecture;
pub use vuln::{Assessment, Exposure, FindingStatus, Policy, Signals};
