//! `mamoru vuln`: advisory feeds, findings, decisions, the ranking policy, and a one-off match.

mod fetch;
mod findings;
mod import;
mod one_off;
mod table;

use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};

use crate::data::{DEFAULT_DIR, DataArgs};

/// Vulnerabilities: which devices are vulnerable, and which first.
///
/// Advisories (NVD, CVE 5, JVN), CISA's known-exploited list and EPSS scores are imported
/// from files (`import`) or downloaded (`fetch`); every organisation's assets are matched
/// against them at once and again whenever an asset or a feed changes. Findings are ranked:
/// priority 1 is a known-exploited flaw on an internet-facing VPN, firewall or
/// remote-maintenance device.
#[derive(Debug, Subcommand)]
pub(crate) enum VulnCommand {
    /// Import feed files: NVD CVE API 2.0 pages or records, CVE JSON 5 records, the CISA KEV
    /// catalogue (JSON or CSV), EPSS scores (CSV, optionally gzip), MyJVN
    /// getVulnDetailInfo / getVulnOverviewList XML. The format is detected from the content.
    ///
    /// A folder is walked recursively: files that are not feeds are skipped and listed. Each
    /// file is stored whole or not at all; a broken file is reported with the record at
    /// fault and what was stored before stays. Exit code 1 if any file failed.
    Import(import::Import),
    /// List findings, most urgent first (`--format table|json|csv`).
    Findings(findings::Findings),
    /// Record a decision on a finding: mitigated, accepted (with --expires), rejected (not
    /// applicable), or open again.
    Decide(findings::Decide),
    /// Show or change the ranking policy (due days per priority, EPSS and CVSS thresholds).
    Policy(findings::PolicyArgs),
    /// How much feed data is loaded.
    Status(findings::Status),
    /// Match a register file against a folder of feeds with no database, like grype or
    /// Vuls: nothing is stored. `--data-dir` and `--database-url` are not used.
    Match(one_off::Match),
    /// Download the official feeds (NVD API 2.0 incrementally, CISA KEV, EPSS, MyJVN) into a
    /// folder and import them. Needs internet access; files are kept in the folder.
    Fetch(fetch::Fetch),
}

/// Output for people or for scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Table,
    Json,
    Csv,
}

impl VulnCommand {
    pub(crate) async fn run(self, data: &DataArgs) -> anyhow::Result<ExitCode> {
        // The one-off match opens no database at all.
        let open = async || data.open(DEFAULT_DIR).await;
        match self {
            VulnCommand::Match(c) => c.run(),
            VulnCommand::Import(c) => c.run(&open().await?).await,
            VulnCommand::Findings(c) => c.run(&open().await?).await,
            VulnCommand::Decide(c) => c.run(&open().await?).await,
            VulnCommand::Policy(c) => c.run(&open().await?).await,
            VulnCommand::Status(c) => c.run(&open().await?).await,
            VulnCommand::Fetch(c) => c.run(&open().await?).await,
        }
    }
}
