//! `mamoru vuln match`: feeds and a register file in, findings out, nothing stored.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use mamoru_app::vuln::{FeedLoad, Feeds, read_assets};
use mamoru_domain::Policy;

use super::{Format, table};

#[derive(Debug, Args)]
pub(crate) struct Match {
    /// Folder of feed files, read recursively; files that are not feeds are listed as skipped.
    #[arg(long, value_name = "DIR")]
    feeds: PathBuf,
    /// The asset register (CSV, Shift_JIS or UTF-8, or xlsx), as `inventory import` reads it.
    #[arg(long, value_name = "FILE")]
    assets: PathBuf,
    /// `table` for people, `json` or `csv` for scripts.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Say nothing about the feed files on stderr.
    #[arg(long, short)]
    quiet: bool,
}

impl Match {
    pub(crate) fn run(self) -> anyhow::Result<ExitCode> {
        let bytes = std::fs::read(&self.assets).with_context(|| format!("cannot read {}", self.assets.display()))?;
        let parsed = read_assets(&bytes, &self.assets.display().to_string())?;
        if !parsed.errors.is_empty() {
            for e in &parsed.errors {
                eprintln!("{}: {e}", self.assets.display());
            }
            eprintln!("{} bad row(s); nothing matched", parsed.errors.len());
            return Ok(ExitCode::from(1));
        }
        let started = std::time::Instant::now();
        let feeds = Feeds::load(&self.feeds)?;
        // A folder of feeds often holds other things; a file that cannot be used is listed with
        // the reason and the match goes on with the rest.
        for (_, load) in &feeds.files {
            match load {
                FeedLoad::Read(..) => {}
                FeedLoad::Skipped(why) | FeedLoad::Failed(why) if !self.quiet => eprintln!("skipped {why}"),
                FeedLoad::Skipped(_) | FeedLoad::Failed(_) => {}
            }
        }
        let reports = feeds.match_register(&parsed.entries, &Policy::default(), mamoru_app::today());
        if !self.quiet {
            eprintln!(
                "{} advisories from {} files; {} assets; {} findings ({:.1} s)",
                feeds.advisories(),
                feeds.files.iter().filter(|(_, l)| matches!(l, FeedLoad::Read(..))).count(),
                parsed.entries.len(),
                reports.len(),
                started.elapsed().as_secs_f64()
            );
        }
        table::print(&reports, self.format)?;
        Ok(ExitCode::SUCCESS)
    }
}
