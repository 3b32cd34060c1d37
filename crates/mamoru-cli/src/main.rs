//! `mamoru`: one binary for the demo, the server and the command-line jobs.
//!
//! `main` parses, runs, prints the error chain once and returns the exit code: 0 success,
//! 1 a refused input (e.g. a register file with bad rows), 2 any other error.

mod commands;
mod data;
mod output;

use std::process::ExitCode;

use clap::Parser;

/// jemalloc rather than glibc's malloc: rule loading and scans allocate a great deal, on every
/// core (the figures are in the workspace's Cargo.toml, beside the dependency).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let cli = commands::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
