//! `mamoru hunt`: Sigma rules over log files, a timeline out; no database.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use mamoru_detect::hunt::{hunt, input_files};

use super::timeline::{self, TimelineFormat};
use super::{RuleArgs, SyslogArgs};

/// Hunt with Sigma rules over EVTX files, JSON lines (evtx_dump, Winlogbeat) and syslog text
/// (RFC 3164/5424, FortiGate key=value), like Hayabusa: a timeline in Japan's time on
/// stdout or in a file, a summary by level and rule on stderr. All cores are used; damaged
/// files and records are reported by name and the scan goes on.
#[derive(Debug, Args)]
pub(crate) struct Hunt {
    /// Log files or folders (folders are read recursively for .evtx, .json, .jsonl, .ndjson,
    /// .log and .txt; a file named directly is read whatever its name).
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    rules: RuleArgs,
    /// `table` for people, `csv` or `jsonl` for tools.
    #[arg(long, value_enum, default_value_t = TimelineFormat::Table)]
    format: TimelineFormat,
    /// Write the timeline here instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    syslog: SyslogArgs,
    /// No progress bar and no summary.
    #[arg(long, short)]
    quiet: bool,
}

impl Hunt {
    pub(crate) fn run(self) -> anyhow::Result<ExitCode> {
        let started = Instant::now();
        let (rules, report) = self.rules.load()?;
        if !self.quiet {
            eprintln!(
                "{} rules loaded ({} could not be, see `mamoru rules check`; {} left out by level, status or tag) in {:.2} s",
                report.loaded,
                report.failed.len(),
                report.skipped,
                started.elapsed().as_secs_f64()
            );
        }
        if rules.is_empty() {
            anyhow::bail!(
                "no rule could be loaded from {}",
                self.rules.rules.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
            );
        }
        let options = self.syslog.options()?;

        let (files, missing) = input_files(&self.paths);
        for w in &missing {
            eprintln!("warning: {w}");
        }
        if files.is_empty() {
            anyhow::bail!("no log file found in the given paths");
        }
        let total: u64 = files.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();
        let bar = (!self.quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new(total);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        let scan_started = Instant::now();
        let result = hunt(&files, &rules, &options, &|n| {
            if let Some(bar) = &bar {
                bar.inc(n);
            }
        });
        if let Some(bar) = &bar {
            bar.finish_and_clear();
        }
        for w in &result.warnings {
            eprintln!("warning: {w}");
        }

        let mut out: Box<dyn Write> = match &self.output {
            Some(path) => Box::new(std::io::BufWriter::new(
                std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?,
            )),
            None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
        };
        // `mamoru hunt ... | head` closes the pipe early; that is not an error.
        let written =
            timeline::write(&mut out, self.format, rules.rules(), &result.detections).and_then(|()| out.flush());
        match written {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(e.into()),
            _ => {}
        }
        if !self.quiet {
            let secs = scan_started.elapsed().as_secs_f64();
            eprint!("{}", timeline::summary(rules.rules(), &result.detections));
            eprintln!(
                "{} files, {} events, {} detections, {} warnings; scanned in {secs:.2} s ({:.0} events/s), {:.2} s in all",
                result.files,
                result.events,
                result.detections.len(),
                result.warnings.len(),
                result.events as f64 / secs.max(1e-9),
                started.elapsed().as_secs_f64()
            );
        }
        Ok(ExitCode::SUCCESS)
    }
}
