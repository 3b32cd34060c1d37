//! Incident response: cases opened by hand, from an alert or from a vulnerability finding,
//! and everything people record on them.
//!
//! `record` holds the case itself (open, list, stage, details, report facts) and what
//! accumulates on it (timeline, first-hour checklist, contacts reached, tasks, scope,
//! indicators); `evidence` the files and their chain of custody.

mod appi;
mod documents;
mod drafts;
mod evidence;
mod export;
mod record;

pub use appi::{AppiForm, AppiView, KIND_DEADLINE, form_from_facts};
pub use documents::is_editable;
pub use drafts::{DOCUMENTS, DocumentKind, Record, Stage, draft};
pub use record::{CaseView, ContactLog, OpenFrom};
