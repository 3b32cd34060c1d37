//! Vulnerability management: feeds into the store, assets matched against them, findings
//! ranked by the organisation's policy, people's decisions, and the one-off match that needs
//! no database. The feeds and the matching themselves are the `mamoru-vuln` engine's.

mod feeds;
mod fetch;
mod findings;
mod panel;
mod rank;
mod rematch;
mod standalone;

pub(crate) use feeds::batch_of;
pub use feeds::{FeedFile, FeedOutcome};
pub use fetch::FetchOptions;
pub use findings::{CSV_COLUMNS, DecisionInput, FindingReport, findings_csv};
pub use panel::{DeviceRow, VulnPanel};
pub use standalone::{FeedLoad, Feeds, read_assets};
