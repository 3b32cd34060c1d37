//! `mamoru backup …`: encrypted backups in the restic repository format on a local path (a NAS
//! mount or a removable disk) or S3-compatible storage, through `mamoru_backup`; no database,
//! no `--data-dir`.

mod copy;
mod generations;
mod jobs;
mod show;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Args, Subcommand, ValueEnum};
use mamoru_backup::{BackupRepo, BackupRequest, Password};

use crate::output::say;

/// Backups that prove they restore: restic-format repositories (restic reads them, and Mamoru
/// reads restic's), the ransomware guard before each run, generations, verification and restore
/// tests.
///
/// The password comes from MAMORU_BACKUP_PASSWORD or --password-file, never from the command
/// line. Exit codes: 0 success, 1 the guard alarmed or holds retention, or damage found, 2 error.
#[derive(Debug, Subcommand)]
pub(crate) enum BackupCommand {
    Init(Init),
    Run(Run),
    Snapshots(Snapshots),
    Restore(Restore),
    Verify(Verify),
    RestoreTest(RestoreTest),
    Forget(generations::Forget),
    Confirm(generations::Confirm),
    Copy(copy::Copy),
    Copies(copy::Copies),
    Job(jobs::Jobs),
}

impl BackupCommand {
    pub(crate) async fn run(self, data: &crate::data::DataArgs) -> anyhow::Result<ExitCode> {
        quiet_panics();
        match self {
            BackupCommand::Job(c) => c.run(data).await,
            BackupCommand::Init(c) => c.run(),
            BackupCommand::Run(c) => c.run(),
            BackupCommand::Snapshots(c) => c.run(),
            BackupCommand::Restore(c) => c.run(),
            BackupCommand::Verify(c) => c.run(),
            BackupCommand::RestoreTest(c) => c.run(),
            BackupCommand::Forget(c) => c.run(),
            BackupCommand::Confirm(c) => c.run(),
            BackupCommand::Copy(c) => c.run(),
            BackupCommand::Copies(c) => c.run(),
        }
    }
}

/// rustic's restore panics on a damaged pack; the engine catches that and reports it as an
/// error, so the default hook's multi-screen dump (with RUST_BACKTRACE) is only noise. One line
/// remains, for a panic nobody catches.
fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("(panic{at}; handled below if it came from reading the repository)");
    }));
}

/// The repository and how to unlock it.
#[derive(Debug, Args)]
pub(crate) struct RepoArgs {
    /// The repository, written as for restic: a folder (e.g. /mnt/nas/mamoru-backup) or S3-compatible
    /// storage, s3:https://host[:port]/bucket/prefix (s3:http://… without TLS), with the keys in
    /// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY and the region in AWS_DEFAULT_REGION
    /// (default us-east-1). In a bucket with S3 Object Lock and a default retention, what is
    /// written cannot be deleted before the retention ends.
    #[arg(long, value_name = "REPO", env = "MAMORU_BACKUP_REPO")]
    repo: PathBuf,
    /// A file whose first line is the password; used when MAMORU_BACKUP_PASSWORD is not set.
    #[arg(long, value_name = "FILE", env = "MAMORU_BACKUP_PASSWORD_FILE")]
    password_file: Option<PathBuf>,
}

impl RepoArgs {
    fn open(&self) -> anyhow::Result<BackupRepo> {
        let password = Password::from_env_or_file(self.password_file.as_deref())?;
        match self.repo.to_str() {
            // `s3:…` is a bucket, anything else a folder, as restic reads `-r`.
            Some(location) => Ok(BackupRepo::open_location(location, password)?),
            None => Ok(BackupRepo::new(&self.repo, password)),
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    Table,
    Json,
}

/// Creates a new, empty repository (restic format version 2, zstd compression).
#[derive(Debug, Args)]
pub(crate) struct Init {
    #[command(flatten)]
    repo: RepoArgs,
}

impl Init {
    fn run(self) -> anyhow::Result<ExitCode> {
        let id = self.repo.open()?.init()?;
        println!(
            "{} {} (id {})",
            say("リポジトリを作成しました:", "created repository"),
            self.repo.repo.display(),
            &id[..8]
        );
        Ok(ExitCode::SUCCESS)
    }
}

/// Backs up files and folders into a new snapshot.
///
/// First the ransomware guard compares each folder with what it was at the last backup; when an
/// unusual share of files changed or turned into random-looking data (mass encryption), it
/// prints why in Japanese and exits with 1 after the backup: the new snapshot is tagged
/// mamoru-guard-alarm, and `forget` removes nothing until a person looks at the files and runs
/// `mamoru backup confirm`. --force means a person has already looked (the snapshot is tagged
/// mamoru-guard-confirmed instead).
///
/// JSON form: {"snapshot", "files", "bytes", "bytes_added", "seconds", "forced_past": [reasons],
/// "guard_alarm": [reasons]}.
#[derive(Debug, Args)]
pub(crate) struct Run {
    #[command(flatten)]
    repo: RepoArgs,
    /// Files and folders to back up.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// A tag for the snapshot; repeatable.
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    /// A person has already looked at the change: an alarm does not hold retention.
    #[arg(long)]
    force: bool,
    /// Where the guard keeps what the folders looked like at the last backup. Default: one file
    /// per repository under $XDG_STATE_HOME/mamoru/backup-guard (~/.local/state/…), on this
    /// machine rather than in the repository, so that a wiped or replaced repository cannot
    /// reset the guard.
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Skip the guard entirely.
    #[arg(long, conflicts_with = "force")]
    no_guard: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

impl Run {
    fn run(self) -> anyhow::Result<ExitCode> {
        let repo = self.repo.open()?;
        let guard_state = if self.no_guard {
            None
        } else {
            Some(self.state.clone().map_or_else(|| default_state(&self.repo.repo), Ok)?)
        };
        let req = BackupRequest {
            paths: self.paths,
            tags: self.tags,
            host: None,
            guard_state,
            force: self.force,
            time: None,
        };
        let spinner = spinner(say("バックアップ中…", "backing up…"));
        let result = repo.backup(&req);
        spinner.finish_and_clear();
        let done = result?;
        match self.format {
            Format::Json => println!("{}", serde_json::to_string_pretty(&done)?),
            Format::Table => {
                for r in &done.forced_past {
                    eprintln!("ランサムウェア・ガード（--force で続行）: {r}");
                }
                println!(
                    "snapshot {}  {} files  {}  added {}  {:.1} s",
                    &done.snapshot[..8],
                    done.files,
                    show::bytes(done.bytes),
                    show::bytes(done.bytes_added),
                    done.seconds
                );
            }
        }
        if done.guard_alarm.is_empty() {
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!(
            "ランサムウェア・ガード: 警告 — バックアップは保存しましたが（スナップショット {}、タグ {}）、",
            &done.snapshot[..8],
            mamoru_backup::ALARM_TAG
        );
        eprintln!("確認されるまで世代の整理（forget）は古い正常な世代を削除しません。");
        for r in &done.guard_alarm {
            eprintln!("  - {r}");
        }
        eprintln!(
            "ファイルを確認し、正当な変更であれば: mamoru backup confirm --repo {} {} --note \"理由\"",
            self.repo.repo.display(),
            &done.snapshot[..8]
        );
        Ok(ExitCode::from(1))
    }
}

/// The guard's state file for `repo` when `--state` is not given.
fn default_state(repo: &Path) -> anyhow::Result<PathBuf> {
    let base = match std::env::var_os("XDG_STATE_HOME").filter(|v| !v.is_empty()) {
        Some(d) => PathBuf::from(d),
        None => {
            PathBuf::from(std::env::var_os("HOME").context("neither XDG_STATE_HOME nor HOME is set; give --state")?)
                .join(".local/state")
        }
    };
    // An S3 location names the same bucket from any folder; a path is made absolute.
    let abs = match repo.to_str().filter(|r| r.starts_with("s3:")) {
        Some(s3) => PathBuf::from(s3.replace("://", "_")),
        None => std::path::absolute(repo).with_context(|| format!("{}", repo.display()))?,
    };
    let name: String =
        abs.to_string_lossy().trim_matches('/').chars().map(|c| if c == '/' { '_' } else { c }).collect();
    Ok(base.join("mamoru/backup-guard").join(format!("{name}.json")))
}

/// A spinner on a terminal (stderr), nothing otherwise.
fn spinner(message: &'static str) -> indicatif::ProgressBar {
    if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner().with_message(message);
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// Lists the snapshots, oldest first.
///
/// JSON form: [{"id", "time", "host", "tags", "paths", "files", "bytes"}].
#[derive(Debug, Args)]
pub(crate) struct Snapshots {
    #[command(flatten)]
    repo: RepoArgs,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

impl Snapshots {
    fn run(self) -> anyhow::Result<ExitCode> {
        let snaps = self.repo.open()?.snapshots()?;
        match self.format {
            Format::Json => println!("{}", serde_json::to_string_pretty(&snaps)?),
            Format::Table => print!("{}", show::snapshots(&snaps)),
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// Restores a snapshot (its id, a unique prefix, or `latest`) into a folder. Source paths are
/// kept below it, as restic does: /srv/share/a.txt comes back as DIR/srv/share/a.txt.
#[derive(Debug, Args)]
pub(crate) struct Restore {
    #[command(flatten)]
    repo: RepoArgs,
    /// The snapshot: an id, a unique prefix of one, or `latest`.
    snapshot: String,
    /// The folder to restore into; created when missing.
    #[arg(long, value_name = "DIR")]
    target: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

impl Restore {
    fn run(self) -> anyhow::Result<ExitCode> {
        let repo = self.repo.open()?;
        let spinner = spinner(say("復元中…", "restoring…"));
        let result = repo.restore(&self.snapshot, &self.target);
        spinner.finish_and_clear();
        let done = result?;
        match self.format {
            Format::Json => println!("{}", serde_json::to_string_pretty(&done)?),
            Format::Table => println!(
                "restored snapshot {} into {}: {} files, {}, {:.1} s",
                &done.snapshot[..8],
                self.target.display(),
                done.files,
                show::bytes(done.bytes),
                done.seconds
            ),
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// Checks the repository's structure and, with --read-data-subset, reads and decrypts that
/// share of the pack files (100% reads everything). On damage, names each damaged pack and the
/// files it affects, and exits with 1.
///
/// JSON form: {"ok", "read_data", "errors": [..], "warnings": [..],
/// "damaged": [{"pack", "files": [{"snapshot", "path"}]}]}.
#[derive(Debug, Args)]
pub(crate) struct Verify {
    #[command(flatten)]
    repo: RepoArgs,
    /// The share of pack data to read, e.g. 10% or 100%.
    #[arg(long, value_name = "N%", value_parser = parse_percent)]
    read_data_subset: Option<f64>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

fn parse_percent(s: &str) -> Result<f64, String> {
    let n = s.trim().trim_end_matches('%').trim();
    match n.parse::<f64>() {
        Ok(p) if p > 0.0 && p <= 100.0 => Ok(p),
        _ => Err(format!("{s:?} is not a share between 0% and 100%, e.g. 10%")),
    }
}

impl Verify {
    fn run(self) -> anyhow::Result<ExitCode> {
        let repo = self.repo.open()?;
        let spinner = spinner(say("検証中…", "verifying…"));
        let result = repo.verify(self.read_data_subset);
        spinner.finish_and_clear();
        let report = result?;
        match self.format {
            Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
            Format::Table => print!("{}", show::verify(&report)),
        }
        Ok(if report.ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
    }
}

/// Restores the latest snapshot into a scratch folder, checks every restored file chunk by
/// chunk against the snapshot, and reports files, bytes and the time it took (the measured
/// recovery time). Exits with 1 naming the files that did not come back intact.
///
/// JSON form: {"snapshot", "files", "files_ok", "bytes", "seconds", "ok", "restore_error",
/// "failed": [{"path", "reason"}]}.
#[derive(Debug, Args)]
pub(crate) struct RestoreTest {
    #[command(flatten)]
    repo: RepoArgs,
    /// Where to make the scratch folder (it needs room for the whole snapshot); the system's
    /// temporary folder by default. The scratch folder is deleted afterwards.
    #[arg(long, value_name = "DIR")]
    scratch: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

impl RestoreTest {
    fn run(self) -> anyhow::Result<ExitCode> {
        let repo = self.repo.open()?;
        let spinner = spinner(say("復元テスト中…", "restore test…"));
        let result = repo.restore_test(self.scratch.as_deref());
        spinner.finish_and_clear();
        let report = result?;
        match self.format {
            Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
            Format::Table => print!("{}", show::restore_test(&report)),
        }
        Ok(if report.ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
    }
}
