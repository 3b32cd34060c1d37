//! `mamoru vuln import`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use mamoru_app::App;
use mamoru_app::vuln::{FeedFile, FeedOutcome};
use mamoru_store::Actor;
use serde_json::json;

use crate::output::say;

#[derive(Debug, Args)]
pub(crate) struct Import {
    /// Feed files or folders.
    #[arg(required = true, value_name = "FILE_OR_DIR")]
    paths: Vec<PathBuf>,
    /// `text` for people (progress on stderr), `json` for scripts (one object on stdout).
    #[arg(long, value_enum, default_value_t = ImportOutput::Text)]
    format: ImportOutput,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ImportOutput {
    Text,
    Json,
}

impl Import {
    pub(crate) async fn run(self, app: &App) -> anyhow::Result<ExitCode> {
        let text = matches!(self.format, ImportOutput::Text);
        let started = std::time::Instant::now();
        let files = app
            .import_feeds(&self.paths, &Actor::cli(), |f| {
                if text {
                    eprintln!("{}", line(f));
                }
            })
            .await?;
        let delivered = app.deliver_notifications().await?;
        if text && delivered.sent + delivered.failed > 0 {
            eprintln!("alerts: {} posted, {} failed (retried by `mamoru serve`)", delivered.sent, delivered.failed);
        }
        let failed = files.iter().filter(|f| matches!(f.outcome, FeedOutcome::Failed(_))).count();
        let imported: Vec<&FeedFile> =
            files.iter().filter(|f| matches!(f.outcome, FeedOutcome::Imported { .. })).collect();
        let records: usize = imported
            .iter()
            .map(|f| match &f.outcome {
                FeedOutcome::Imported { records, .. } => *records,
                _ => 0,
            })
            .sum();
        let skipped = files.len() - failed - imported.len();
        if text {
            eprintln!(
                "{}: {} files, {records} records, {skipped} skipped, {failed} failed ({:.1} s)",
                say("取り込み完了", "done"),
                imported.len(),
                started.elapsed().as_secs_f64()
            );
        } else {
            let list: Vec<_> = files.iter().map(file_json).collect();
            let out = json!({ "files": list, "imported": imported.len(), "records": records, "skipped": skipped, "failed": failed });
            println!("{}", serde_json::to_string_pretty(&out)?);
        }
        Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
    }
}

fn line(f: &FeedFile) -> String {
    let path = f.path.display();
    match &f.outcome {
        FeedOutcome::Imported { format, records, added, updated, new_kev } => {
            let kev =
                if new_kev.is_empty() { String::new() } else { format!(", {} newly known-exploited", new_kev.len()) };
            format!("ok      {path}: {format}, {records} records ({added} new, {updated} updated{kev})")
        }
        FeedOutcome::Skipped(why) => format!("skipped {path}: {why}"),
        FeedOutcome::Failed(e) => format!("FAILED  {e}"),
    }
}

fn file_json(f: &FeedFile) -> serde_json::Value {
    let path = f.path.display().to_string();
    match &f.outcome {
        FeedOutcome::Imported { format, records, added, updated, new_kev } => json!({
            "file": path, "status": "imported", "format": format, "records": records,
            "added": added, "updated": updated, "new_kev": new_kev,
        }),
        FeedOutcome::Skipped(why) => json!({ "file": path, "status": "skipped", "reason": why }),
        FeedOutcome::Failed(e) => json!({ "file": path, "status": "failed", "error": e }),
    }
}
