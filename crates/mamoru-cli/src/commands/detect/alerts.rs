//! `mamoru alerts`: the stored detection alerts, for people or scripts.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use mamoru_app::Principal;
use mamoru_domain::{AlertLevel, AlertStatus};
use mamoru_store::{Alert, AlertQuery};
use serde_json::json;

use crate::commands::org::pick;
use crate::data::{DEFAULT_DIR, DataArgs};

/// List detection alerts, most recently active first.
///
/// JSON form: a list of objects with id, facility, rule_id, rule_title, rule_file, level,
/// computer, channel, event_id, first_seen, last_seen (RFC 3339, UTC), count, status,
/// status_reason.
#[derive(Debug, Args)]
pub(crate) struct Alerts {
    /// The organisation (needed when there are several).
    #[arg(long, value_name = "NAME")]
    org: Option<String>,
    /// Only these states, comma-separated: new, acknowledged, false_positive, escalated;
    /// `open` (all but false positives) or `all`.
    #[arg(long, value_name = "LIST", default_value = "open")]
    status: String,
    /// Only this level and above: informational, low, medium, high, critical.
    #[arg(long, value_name = "LEVEL")]
    min_level: Option<String>,
    /// At most this many.
    #[arg(long, value_name = "N", default_value_t = 100)]
    limit: u32,
    /// `table` for people, `json` for scripts.
    #[arg(long, value_enum, default_value_t = AlertsFormat::Table)]
    format: AlertsFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum AlertsFormat {
    Table,
    Json,
}

impl Alerts {
    pub(crate) async fn run(self, data: &DataArgs) -> anyhow::Result<ExitCode> {
        let app = data.open(DEFAULT_DIR).await?;
        let p = Principal::cli(pick(&app, self.org.as_deref()).await?);
        let statuses = match self.status.trim() {
            "all" => Vec::new(),
            "open" => AlertStatus::ALL.iter().copied().filter(|s| s.is_open()).collect(),
            list => list
                .split(',')
                .map(|s| AlertStatus::parse(s).map_err(|e| anyhow::anyhow!("--status {s:?}: {e}")))
                .collect::<anyhow::Result<_>>()?,
        };
        let min_level = self
            .min_level
            .as_deref()
            .map(|l| AlertLevel::parse(l).map_err(|e| anyhow::anyhow!("--min-level {l:?}: {e}")))
            .transpose()?;
        let query = AlertQuery { statuses, min_level, limit: Some(self.limit), ..Default::default() };
        let alerts = app.alerts(&p, query).await?;
        let mut out = std::io::stdout().lock();
        match self.format {
            AlertsFormat::Json => {
                writeln!(out, "{}", serde_json::to_string_pretty(&alerts.iter().map(view).collect::<Vec<_>>())?)?
            }
            AlertsFormat::Table => {
                writeln!(out, "{:>6} {:<13} {:<14} {:>6}  {:<32} rule", "id", "level", "status", "count", "where")?;
                for a in &alerts {
                    writeln!(
                        out,
                        "{:>6} {:<13} {:<14} {:>6}  {:<32} {}",
                        a.id,
                        a.level.code(),
                        a.status.code(),
                        a.count,
                        format!("{}/{}", a.facility_name, a.computer),
                        a.rule_title
                    )?;
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

fn view(a: &Alert) -> serde_json::Value {
    json!({
        "id": a.id.get(),
        "facility": a.facility_name,
        "rule_id": a.rule_id,
        "rule_title": a.rule_title,
        "rule_file": a.rule_file,
        "level": a.level.code(),
        "computer": a.computer,
        "channel": a.channel,
        "event_id": a.event_id,
        "first_seen": a.first_seen.to_string(),
        "last_seen": a.last_seen.to_string(),
        "count": a.count,
        "status": a.status.code(),
        "status_reason": a.status_reason,
    })
}
