//! `mamoru ingest`: a facility's logs scanned with Sigma rules and stored as alerts.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, ValueEnum};
use mamoru_app::detect::IngestSummary;
use mamoru_app::notify::Delivered;
use mamoru_app::{App, Principal};
use mamoru_domain::FacilityId;
use serde_json::json;

use super::{RuleArgs, SyslogArgs};
use crate::commands::org::pick;
use crate::data::{DEFAULT_DIR, DataArgs};
use crate::output::say;

/// Scan a facility's logs (EVTX, JSON lines, syslog) with Sigma rules and store the
/// detections as alerts of that facility.
///
/// Detections of the same rule on the same computer join the facility's open alert seen
/// within the organisation's window (24 hours unless `mamoru org alerts` says otherwise), so
/// a burst is one alert and reading the same files again grows the counts instead of opening
/// new alerts. New alerts at or above the organisation's level (high unless set) are posted
/// to its webhook and mailed at once, at most 10 an hour with one digest for the rest.
///
/// Exit codes: 0 stored (whatever was detected), 2 error.
#[derive(Debug, Args)]
pub(crate) struct Ingest {
    /// Log files or folders (folders are read recursively for .evtx, .json, .jsonl, .ndjson,
    /// .log and .txt).
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    rules: RuleArgs,
    /// The facility whose logs these are: its name or id.
    #[arg(long, value_name = "NAME_OR_ID")]
    facility: String,
    /// The organisation (needed when there are several).
    #[arg(long, value_name = "NAME")]
    org: Option<String>,
    /// `text` for people (summary on stderr), `json` for scripts (one object on stdout:
    /// files, events, detections, alerts_created, alerts_updated, suppressed, created,
    /// updated, warnings, notifications).
    #[arg(long, value_enum, default_value_t = IngestFormat::Text)]
    format: IngestFormat,
    #[command(flatten)]
    syslog: SyslogArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum IngestFormat {
    Text,
    Json,
}

impl Ingest {
    pub(crate) async fn run(self, data: &DataArgs) -> anyhow::Result<ExitCode> {
        let text = matches!(self.format, IngestFormat::Text);
        let options = self.syslog.options()?;
        // Where the alerts go is checked before the rules take seconds to load.
        let app = data.open(DEFAULT_DIR).await?;
        let p = Principal::cli(pick(&app, self.org.as_deref()).await?);
        let facility = facility(&app, &p, "--facility", &self.facility).await?;
        let (rules, report) = self.rules.load()?;
        if rules.is_empty() {
            anyhow::bail!(
                "no rule could be loaded from {}",
                self.rules.rules.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
            );
        }
        if text {
            eprintln!(
                "{} rules loaded ({} could not be, see `mamoru rules check`)",
                report.loaded,
                report.failed.len()
            );
        }
        let started = std::time::Instant::now();
        let summary = app
            .ingest_paths(&p, facility, Arc::new(rules), &self.paths, options)
            .await
            .context("cannot store the alerts")?;
        if summary.files == 0 {
            for w in &summary.warnings {
                eprintln!("warning: {w}");
            }
            anyhow::bail!("no log file found in the given paths");
        }
        let delivered = app.deliver_notifications().await?;
        if text {
            for w in &summary.warnings {
                eprintln!("warning: {w}");
            }
            print_text(&summary, &delivered, started.elapsed().as_secs_f64());
        } else {
            println!("{}", serde_json::to_string_pretty(&as_json(&summary, &delivered))?);
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// The facility named (or numbered) on the command line by `flag`.
pub(crate) async fn facility(app: &App, p: &Principal, flag: &str, given: &str) -> anyhow::Result<FacilityId> {
    let facilities = app.facilities(p).await?;
    facilities
        .iter()
        .find(|f| f.draft.name == given.trim() || f.id.to_string() == given.trim())
        .map(|f| f.id)
        .with_context(|| {
            let names: Vec<&str> = facilities.iter().map(|f| f.draft.name.as_str()).collect();
            format!("{flag}: no facility named {given:?} (there are: {})", names.join(", "))
        })
}

fn print_text(s: &IngestSummary, d: &Delivered, secs: f64) {
    eprintln!(
        "{}: {} files, {} events, {} detections: {} new alerts, {} updated, {} suppressed; {} warnings ({secs:.1} s)",
        say("取り込み完了", "done"),
        s.files,
        s.events,
        s.detections,
        s.created.len(),
        s.updated.len(),
        s.suppressed,
        s.warnings.len(),
    );
    if d.sent + d.failed + d.held > 0 {
        eprintln!(
            "{}: {} delivered, {} failed (retried by `mamoru serve`), {} waiting for a webhook or mail server",
            say("通知", "messages"),
            d.sent,
            d.failed,
            d.held
        );
    }
}

fn as_json(s: &IngestSummary, d: &Delivered) -> serde_json::Value {
    json!({
        "files": s.files,
        "events": s.events,
        "detections": s.detections,
        "alerts_created": s.created.len(),
        "alerts_updated": s.updated.len(),
        "suppressed": s.suppressed,
        "created": s.created.iter().map(|a| a.get()).collect::<Vec<_>>(),
        "updated": s.updated.iter().map(|a| a.get()).collect::<Vec<_>>(),
        "warnings": s.warnings,
        "notifications": { "sent": d.sent, "failed": d.failed, "held": d.held, "mailed": d.mailed },
    })
}
