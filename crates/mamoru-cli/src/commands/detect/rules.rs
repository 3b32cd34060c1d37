//! `mamoru rules check`: load a rule folder and report what cannot be loaded.

use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};

use super::RuleArgs;

/// Sigma rules.
#[derive(Debug, Subcommand)]
pub(crate) enum RulesCommand {
    Check(Check),
}

impl RulesCommand {
    pub(crate) fn run(self) -> anyhow::Result<ExitCode> {
        match self {
            RulesCommand::Check(c) => c.run(),
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum CheckFormat {
    Text,
    Json,
}

/// Load every Sigma rule under DIR and list each one that cannot be loaded, with file, line
/// and reason; the rest still load. Exit 0 when every rule loads, 1 when some do not.
///
/// JSON form: {"files", "loaded", "correlations", "filters", "skipped", "unmapped":
/// [{"logsource", "rules"}], "failed": [{"file", "line", "reason"}]}.
#[derive(Debug, Args)]
pub(crate) struct Check {
    /// Rule files or folders.
    #[arg(value_name = "DIR", required = true)]
    dirs: Vec<std::path::PathBuf>,
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    format: CheckFormat,
    /// A log-source mapping file that extends the built-in one.
    #[arg(long, value_name = "FILE")]
    mapping: Option<std::path::PathBuf>,
}

impl Check {
    fn run(self) -> anyhow::Result<ExitCode> {
        let args = RuleArgs {
            rules: self.dirs,
            min_level: mamoru_detect::Level::Informational,
            // A check looks at every rule, whatever its status.
            skip_status: Vec::new(),
            tags: Vec::new(),
            exclude_tags: Vec::new(),
            mapping: self.mapping,
            iocs: Vec::new(),
            ioc_level: mamoru_detect::Level::High,
        };
        let (_, report) = args.load()?;
        use std::fmt::Write as _;
        let mut out = String::new();
        match self.format {
            CheckFormat::Json => out = serde_json::to_string_pretty(&report)? + "\n",
            CheckFormat::Text => {
                for f in &report.failed {
                    let _ = writeln!(out, "{}:{}: {}", f.file, f.line, f.reason);
                }
                let total = report.loaded + report.failed.len();
                let share = if total == 0 { 100.0 } else { report.loaded as f64 * 100.0 / total as f64 };
                let _ = writeln!(
                    out,
                    "{} rules loaded ({} correlations, {} filters) from {} files, {} failed ({share:.1}% loaded)",
                    report.loaded,
                    report.correlations,
                    report.filters,
                    report.files,
                    report.failed.len()
                );
                if !report.unmapped.is_empty() {
                    let n: usize = report.unmapped.iter().map(|u| u.rules).sum();
                    let _ = writeln!(
                        out,
                        "{n} rules name a log source the mapping lacks; they run on every event of their product:"
                    );
                    for u in &report.unmapped {
                        let _ = writeln!(out, "  {:>4}  {}", u.rules, u.logsource);
                    }
                }
            }
        }
        // `rules check DIR | head` closes the pipe early; that is not an error.
        match std::io::Write::write_all(&mut std::io::stdout().lock(), out.as_bytes()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(e.into()),
            _ => {}
        }
        Ok(if report.failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
    }
}
