//! Mamoru's detection engine.
//!
//! Sigma rules are parsed and compiled by `rsigma-eval` (pinned), which implements the
//! whole specification: every modifier, the condition grammar, filters and correlations.
//! This crate adds what a hunting tool and a live receiver need around it:
//! - [`rules`]: loading folders of rules with per-document errors (file, line, reason),
//!   level/status/tag filters, one engine per log source;
//! - [`mapping`]: the log-source table (Sigma logsource -> EVTX channel/event id or syslog
//!   program, plus field renames), a data file users extend;
//! - [`event`]: one event shape decoded from EVTX, JSON lines and syslog;
//! - [`detector`]: evaluation and the ordered correlation phase;
//! - [`ioc`]: indicator lists (hashes, addresses, domains, URLs) matched on the same events;
//! - [`hunt`]: scanning files and folders on every core.
//!
//! Bytes and files in, detections out: no database, no clock, no network.

pub mod detector;
pub mod event;
mod files;
pub mod hunt;
pub mod ioc;
mod level;
pub mod mapping;
pub mod rules;

pub use detector::{Detection, Pending};
pub use event::{Format, LogEvent};
pub use level::{Level, UnknownLevel};
pub use mapping::Mapping;
pub use rules::{LoadOptions, LoadReport, RuleFailure, RuleInfo, RuleSet};
