//! Mamoru's vulnerability engine.
//!
//! Reads advisories (NVD CVE API 2.0, CVE JSON 5, CISA KEV, MyJVN, EPSS) from bytes into one
//! [`Advisory`] shape, orders vendor version strings, matches assets to advisories by CPE or
//! by vendor and product names, and ranks findings by a policy. It does no I/O of its own
//! beyond what the caller hands it, so the CLI, the server and the benchmark share it.

pub mod advisory;
pub mod aliases;
mod error;
pub mod feed;
pub mod matching;
pub mod version;

pub use advisory::{Advisory, Cvss, Epss, Kev, Source};
pub use error::Error;
pub use feed::{Feed, Format};
pub use matching::{Asset, Confidence, Index, Match, advisory_products, asset_products};
pub use version::{Version, VersionError};
