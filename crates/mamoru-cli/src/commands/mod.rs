//! The subcommands, one file each; their doc comments are the `--help` text.

mod appi;
mod backup;
mod cases;
mod demo;
mod detect;
mod inventory;
mod live;
mod org;
mod readiness;
mod serve;
mod user;
mod vuln;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::data::DataArgs;

/// Mamoru (守る): security operations for Japanese hospitals, clinics and visiting-nurse
/// stations — the asset register and contact chain, vulnerabilities matched to it, Sigma
/// detection over event logs and syslog with alerts per facility, accounts and audit log, in
/// one binary.
///
/// Exit codes: 0 success, 1 refused input (e.g. a register file with bad rows), 2 error.
#[derive(Debug, Parser)]
#[command(name = "mamoru", version, propagate_version = true)]
pub(crate) struct Cli {
    #[command(flatten)]
    data: DataArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Demo(demo::Demo),
    Serve(serve::Serve),
    #[command(subcommand)]
    User(user::UserCommand),
    #[command(subcommand)]
    Org(org::OrgCommand),
    #[command(subcommand)]
    Inventory(inventory::InventoryCommand),
    #[command(subcommand)]
    Vuln(vuln::VulnCommand),
    Hunt(detect::hunt::Hunt),
    #[command(subcommand)]
    Rules(detect::rules::RulesCommand),
    Ingest(detect::ingest::Ingest),
    Alerts(detect::alerts::Alerts),
    #[command(subcommand)]
    Appi(appi::AppiCommand),
    Cases(cases::Cases),
    #[command(subcommand, alias = "checklist")]
    Readiness(readiness::ReadinessCommand),
    #[command(subcommand)]
    Backup(backup::BackupCommand),
}

/// Runs the chosen subcommand.
pub(crate) async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    init_logging();
    match cli.command {
        Command::Demo(c) => c.run(&cli.data).await,
        Command::Serve(c) => c.run(&cli.data).await,
        Command::User(c) => c.run(&cli.data).await,
        Command::Org(c) => c.run(&cli.data).await,
        Command::Inventory(c) => c.run(&cli.data).await,
        Command::Vuln(c) => c.run(&cli.data).await,
        Command::Hunt(c) => c.run(),
        Command::Rules(c) => c.run(),
        Command::Ingest(c) => c.run(&cli.data).await,
        Command::Alerts(c) => c.run(&cli.data).await,
        Command::Appi(c) => c.run(),
        Command::Cases(c) => c.run(&cli.data).await,
        Command::Readiness(c) => c.run(&cli.data).await,
        Command::Backup(c) => c.run(&cli.data).await,
    }
}

/// Logs go to stderr (stdout is for results); `RUST_LOG` overrides the level. rustic_core's
/// own error log is off: the backup commands report each of its errors once, in one line.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new("warn,mamoru_server=info,mamoru_cli=info,evtx=error,rustic_core=off")
    });
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}
