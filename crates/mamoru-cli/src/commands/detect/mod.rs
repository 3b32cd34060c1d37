//! Detection commands: `rules check` and `hunt` (no database), `ingest` (stores alerts).

pub(crate) mod alerts;
pub(crate) mod hunt;
pub(crate) mod ingest;
pub(crate) mod rules;
mod timeline;

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use jiff::tz::TimeZone;
use mamoru_detect::hunt::HuntOptions;
use mamoru_detect::ioc::IocSet;
use mamoru_detect::{Level, LoadOptions, LoadReport, Mapping, RuleSet};

/// How to choose and route rules; shared by `hunt`, `rules check` and `ingest`.
#[derive(Debug, Args)]
pub(crate) struct RuleArgs {
    /// Sigma rule files or folders (read recursively). Repeat for several.
    #[arg(long = "rules", short = 'r', value_name = "DIR", required = true)]
    pub(crate) rules: Vec<PathBuf>,
    /// Leave out rules below this level: informational, low, medium, high, critical.
    #[arg(long, value_name = "LEVEL", default_value = "informational")]
    pub(crate) min_level: Level,
    /// Rule statuses to leave out (comma-separated).
    #[arg(long, value_name = "STATUS", value_delimiter = ',', default_value = "deprecated,unsupported")]
    pub(crate) skip_status: Vec<String>,
    /// Only rules with one of these tags (comma-separated, e.g. attack.t1059).
    #[arg(long, value_name = "TAG", value_delimiter = ',')]
    pub(crate) tags: Vec<String>,
    /// Leave out rules with one of these tags (comma-separated).
    #[arg(long, value_name = "TAG", value_delimiter = ',')]
    pub(crate) exclude_tags: Vec<String>,
    /// A log-source mapping file that extends or overrides the built-in one
    /// (format: crates/mamoru-detect/data/logsources.yml).
    #[arg(long, value_name = "FILE")]
    pub(crate) mapping: Option<PathBuf>,
    /// An indicator list (hashes, IP addresses or ranges, domains, URLs; plain text or CSV
    /// with the indicator first) matched on the same events. Repeat for several.
    #[arg(long = "ioc", value_name = "FILE")]
    pub(crate) iocs: Vec<PathBuf>,
    /// The level of IOC matches.
    #[arg(long, value_name = "LEVEL", default_value = "high")]
    pub(crate) ioc_level: Level,
}

impl RuleArgs {
    pub(crate) fn load(&self) -> anyhow::Result<(RuleSet, LoadReport)> {
        let mut mapping = Mapping::builtin();
        if let Some(path) = &self.mapping {
            let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            mapping.extend(&text, &path.display().to_string())?;
        }
        let options = LoadOptions {
            min_level: self.min_level,
            skip_status: self.skip_status.clone(),
            include_tags: self.tags.clone(),
            exclude_tags: self.exclude_tags.clone(),
        };
        let (mut set, report) = RuleSet::load(&self.rules, &options, mapping);
        // IOC matches obey --min-level like the rules do.
        let iocs = if self.ioc_level >= self.min_level { self.iocs.as_slice() } else { &[] };
        for path in iocs {
            let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            let (indicators, skipped) = IocSet::parse(&text);
            // A list often carries notes between indicators; name them and go on.
            for s in &skipped {
                eprintln!("warning: {}:{}: not an indicator: {}", path.display(), s.line, s.text);
            }
            if indicators.is_empty() {
                anyhow::bail!("{}: no indicator found", path.display());
            }
            set.add_iocs(&path.display().to_string(), self.ioc_level, IocSet::new(indicators));
        }
        Ok((set, report))
    }
}

/// How to date syslog lines; shared by `hunt` and `ingest`.
#[derive(Debug, Args)]
pub(crate) struct SyslogArgs {
    /// The year of BSD syslog lines, which do not carry one (default: this year).
    #[arg(long, value_name = "YEAR")]
    syslog_year: Option<i16>,
    /// The time zone of syslog clocks that give no offset.
    #[arg(long, value_name = "TZ", default_value = "Asia/Tokyo")]
    syslog_tz: String,
}

impl SyslogArgs {
    /// Lines without a year are of this year in the given zone, and December's lines read in
    /// January of the year before; an explicit `--syslog-year` is taken as given.
    pub(crate) fn options(&self) -> anyhow::Result<HuntOptions> {
        let time_zone =
            TimeZone::get(&self.syslog_tz).with_context(|| format!("unknown time zone {}", self.syslog_tz))?;
        Ok(mamoru_app::detect::hunt_options_in(time_zone, self.syslog_year))
    }
}
