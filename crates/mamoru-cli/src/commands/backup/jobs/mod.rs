//! `mamoru backup job …`: backup jobs kept in Mamoru's database, one per protected system
//! (電子カルテ, PACS, file server…), with their schedule, repositories and results.

mod show;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use jiff::Timestamp;
use mamoru_app::backup::{BackupSettings, JobRun};
use mamoru_app::{App, Principal};
use mamoru_domain::backup::{JobInput, RunCause};
use mamoru_domain::{AssetId, BackupJobId, Invalid};

use super::Format;
use crate::commands::detect::ingest::facility;
use crate::commands::org::pick;
use crate::data::{DEFAULT_DIR, DataArgs};
use crate::output::say;

/// Backup jobs per protected system, kept in Mamoru's database (--data-dir or --database-url):
/// define them, list them with where their restore verification stands, run them, test their
/// restore. `mamoru serve` runs due jobs by itself; without a server, run
/// `mamoru backup job run-due` from cron or a systemd timer every few minutes.
///
/// Each job reads its repository password from its own password file (the database keeps the
/// file's path, never the password). Exit codes: 0 success, 1 a step failed or input was
/// refused (each step's result is recorded and alerted), 2 error.
#[derive(Debug, Args)]
pub(crate) struct Jobs {
    /// The organisation (needed when there are several).
    #[arg(long, value_name = "NAME", global = true)]
    org: Option<String>,
    /// Where the ransomware guard keeps each job's manifest of its last backup.
    /// Default: backup-state in the data directory.
    #[arg(long, value_name = "DIR", global = true)]
    state_dir: Option<PathBuf>,
    /// Where restore tests restore to (default: backup-scratch in the data directory, on its
    /// disk rather than a small /tmp); it needs room for the largest system's data.
    #[arg(long, value_name = "DIR", global = true)]
    scratch_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: JobCommand,
}

#[derive(Debug, Subcommand)]
enum JobCommand {
    Add(Box<Add>),
    List(List),
    Show(Show),
    Run(RunJob),
    Test(Test),
    Verify(Verify),
    RunDue(RunDue),
}

impl Jobs {
    pub(crate) async fn run(self, data: &DataArgs) -> anyhow::Result<ExitCode> {
        let app = data.open(DEFAULT_DIR).await?;
        let p = Principal::cli(pick(&app, self.org.as_deref()).await?);
        // The same folders as `mamoru serve` uses, so its runs and these share the guard's manifests.
        let work = match (&data.data_dir, &data.database_url) {
            (Some(dir), None) => dir.clone(),
            _ => PathBuf::from(DEFAULT_DIR),
        };
        let settings = BackupSettings {
            state_dir: Some(self.state_dir.clone().unwrap_or_else(|| work.join("backup-state"))),
            scratch_dir: Some(self.scratch_dir.clone().unwrap_or_else(|| work.join("backup-scratch"))),
        };
        let result = match self.command {
            JobCommand::Add(c) => c.run(&app, &p).await,
            JobCommand::List(c) => c.run(&app, &p).await,
            JobCommand::Show(c) => c.run(&app, &p).await,
            JobCommand::Run(c) => report(&app, app.run_backup_job(&p, c.id(), RunCause::Manual, &settings).await).await,
            JobCommand::Test(c) => {
                report(&app, app.run_restore_test(&p, c.id(), RunCause::Manual, &settings).await).await
            }
            JobCommand::Verify(c) => {
                let percent = c.read_data_subset.as_deref().map(parse_percent).transpose()?;
                let run = app.run_backup_verify(&p, BackupJobId::new(c.id), RunCause::Manual, percent).await;
                report(&app, run).await
            }
            JobCommand::RunDue(_) => run_due(&app, &settings).await,
        };
        match result {
            Ok(code) => Ok(code),
            Err(e) => match e.downcast::<mamoru_app::Error>() {
                Ok(mamoru_app::Error::Invalid(problems)) => {
                    refused(&problems);
                    Ok(ExitCode::from(1))
                }
                Ok(other) => Err(other.into()),
                Err(e) => Err(e),
            },
        }
    }
}

/// Defines a job for one system.
///
/// Example: mamoru backup job add --facility みなと総合病院 --name 電子カルテ --kind 電子カルテ
/// --needed-for-care --source /srv/emr/data --repo /mnt/nas/emr --password-file /etc/mamoru/emr.pass
/// --offline-repo /media/rdx/emr --offline-kind removable --schedule "毎日 02:00"
/// --retention daily=7,weekly=4,monthly=12,yearly=5
#[derive(Debug, Args)]
struct Add {
    /// The facility (name or id).
    #[arg(long, value_name = "FACILITY")]
    facility: String,
    /// The system's name, unique in the facility.
    #[arg(long)]
    name: String,
    /// 電子カルテ (emr), PACS・画像 (pacs), 部門システム (departmental), ファイルサーバ (file_server),
    /// 会計・レセプト (accounting), その他 (other).
    #[arg(long)]
    kind: String,
    /// The system is needed to keep treating patients.
    #[arg(long)]
    needed_for_care: bool,
    /// Its asset in the register (id).
    #[arg(long, value_name = "ID")]
    asset: Option<i64>,
    /// A file or folder to back up, as an absolute path; repeatable.
    #[arg(long = "source", value_name = "PATH", required = true)]
    sources: Vec<String>,
    /// The repository: an absolute path, or s3:https://host/bucket/prefix. A local one is
    /// created at the first run.
    #[arg(long, value_name = "REPO")]
    repo: String,
    /// The file whose first line is the repository password (keep it mode 0600).
    #[arg(long, value_name = "FILE")]
    password_file: String,
    /// The offline copy's repository, refreshed after each backup.
    #[arg(long, value_name = "REPO", requires = "offline_kind")]
    offline_repo: Option<String>,
    /// What makes it offline: removable (取り外し可能な媒体), network (分離されたバックアップ用ネットワーク),
    /// worm (追記不能な媒体), object-lock (S3 Object Lock).
    #[arg(long, value_name = "KIND", requires = "offline_repo")]
    offline_kind: Option<String>,
    /// When it runs, in Japan time: "毎日 02:00", "毎週日曜 03:00", "daily 02:00", "weekly sun 03:00", 手動/manual.
    #[arg(long, default_value = "daily 02:00")]
    schedule: String,
    /// Generations kept, e.g. daily=7,weekly=4,monthly=12,yearly=5 (empty keeps all).
    #[arg(long, default_value = "")]
    retention: String,
    /// Days before a restore test is overdue (default 30).
    #[arg(long, value_name = "DAYS")]
    restore_max_age_days: Option<u32>,
    /// Define it without letting the scheduler run it.
    #[arg(long)]
    disabled: bool,
}

impl Add {
    async fn run(self, app: &App, p: &Principal) -> anyhow::Result<ExitCode> {
        let facility = facility(app, p, "--facility", &self.facility).await?;
        let input = JobInput {
            facility: Some(facility),
            name: self.name,
            kind: self.kind,
            needed_for_care: if self.needed_for_care { "はい" } else { "いいえ" }.into(),
            asset: self.asset.map(AssetId::new),
            sources: self.sources.join("\n"),
            repository: self.repo,
            password_file: self.password_file,
            offline_repository: self.offline_repo.unwrap_or_default(),
            offline_kind: self.offline_kind.unwrap_or_default(),
            schedule: self.schedule,
            retention: self.retention,
            restore_max_age_days: self.restore_max_age_days.map(|d| d.to_string()).unwrap_or_default(),
            enabled: if self.disabled { "いいえ" } else { "はい" }.into(),
        };
        let id = app.create_backup_job(p, &input).await?;
        println!("{} {id}", say("バックアップジョブを登録しました: id", "backup job created: id"));
        Ok(ExitCode::SUCCESS)
    }
}

/// Lists the jobs with where each one's restore verification stands, those needing action first.
///
/// JSON form: a list of objects with id, facility, facility_id, name, kind, needed_for_care,
/// enabled, status (fresh, due_soon, overdue, never, failed), max_age_days, last_verified_at,
/// last_verified_ms (the measured recovery time), restore_due_at, last_backup_at,
/// last_backup_ok, offline_kind, offline_refreshed_at (times RFC 3339, UTC).
#[derive(Debug, Args)]
struct List {
    /// `table` for people, `json` for scripts.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

impl List {
    async fn run(self, app: &App, p: &Principal) -> anyhow::Result<ExitCode> {
        let board = app.backup_board(p, Timestamp::now()).await?;
        let mut out = std::io::stdout().lock();
        match self.format {
            Format::Json => {
                let list: Vec<_> = board.systems.iter().map(show::system_json).collect();
                writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
            }
            Format::Table => show::board_table(&mut out, &board)?,
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// Shows a job: its definition, the latest result of each step, and its recent history.
///
/// JSON form: the job's definition (id, facility, name, kind, sources, repository,
/// password_file, offline_repository, offline_kind, schedule, retention, restore_max_age_days,
/// enabled), status, restore_due_at, next_run and history (kind, cause, started_at,
/// finished_at, duration_ms, ok, snapshot_id, files, bytes, message, details).
#[derive(Debug, Args)]
struct Show {
    /// The job's id.
    id: i64,
    /// `table` for people, `json` for scripts.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

impl Show {
    async fn run(self, app: &App, p: &Principal) -> anyhow::Result<ExitCode> {
        let view = app.backup_job_view(p, BackupJobId::new(self.id), Timestamp::now()).await?;
        let mut out = std::io::stdout().lock();
        match self.format {
            Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&show::view_json(&view))?)?,
            Format::Table => show::view_text(&mut out, &view)?,
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// Runs a job now: the backup, then its offline copy and retention policy. Each step's result
/// is recorded; a failure is alerted and exits with 1.
#[derive(Debug, Args)]
struct RunJob {
    /// The job's id.
    id: i64,
}

impl RunJob {
    fn id(&self) -> BackupJobId {
        BackupJobId::new(self.id)
    }
}

/// Tests a job's restore now: the latest snapshot restored into a scratch folder and every
/// file compared; the time it took is recorded as the measured recovery time. A failure is
/// alerted and exits with 1.
#[derive(Debug, Args)]
struct Test {
    /// The job's id.
    id: i64,
}

impl Test {
    fn id(&self) -> BackupJobId {
        BackupJobId::new(self.id)
    }
}

/// Checks a job's repository (structure, and with --read-data-subset a share of the data),
/// naming damaged packs and the files they hold; the result is recorded, damage alerted.
#[derive(Debug, Args)]
struct Verify {
    /// The job's id.
    id: i64,
    /// Read this share of the data too, e.g. 10% or 100%.
    #[arg(long, value_name = "N%")]
    read_data_subset: Option<String>,
}

/// Runs every enabled job whose time has come (every organisation), tests the restore of
/// those whose last verified restore is ageing out, and alerts on overdue restore tests
/// (once each). For cron or a systemd timer, e.g. every 5 minutes. Exits with 1 when a step failed.
#[derive(Debug, Args)]
struct RunDue {}

async fn run_due(app: &App, settings: &BackupSettings) -> anyhow::Result<ExitCode> {
    let due = app.run_due_backups(Timestamp::now(), settings).await?;
    let mut failed = !due.errors.is_empty();
    for (id, run) in due.backups.iter().chain(&due.restore_tests) {
        println!("{} {id}:", say("ジョブ", "job"));
        show::run_text(run);
        failed |= !run.ok();
    }
    for (id, e) in &due.errors {
        eprintln!("{} {id}: {e}", say("ジョブを実行できません", "cannot run job"));
    }
    if !due.overdue_alerts.is_empty() {
        println!("{}: {}", say("復元テスト期限切れの警告", "overdue restore test alerts"), due.overdue_alerts.len());
    }
    if due.backups.is_empty() && due.restore_tests.is_empty() {
        println!("{}", say("実行時刻になったジョブはありません", "no job is due"));
    }
    app.deliver_notifications().await?;
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Prints what a run did and delivers the messages of any alert it raised (a machine without
/// `mamoru serve` has nobody else to send them).
async fn report(app: &App, result: mamoru_app::Result<JobRun>) -> anyhow::Result<ExitCode> {
    let run = result?;
    show::run_text(&run);
    if !run.alerts.is_empty() {
        app.deliver_notifications().await?;
    }
    Ok(if run.ok() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn parse_percent(s: &str) -> anyhow::Result<f64> {
    let n: f64 =
        s.trim().trim_end_matches('%').parse().map_err(|_| anyhow::anyhow!("--read-data-subset: {s:?} is not N%"))?;
    anyhow::ensure!((0.0..=100.0).contains(&n) && n > 0.0, "--read-data-subset: {s:?} must be between 0% and 100%");
    Ok(n)
}

/// Prints each problem with the flag that carries the field.
fn refused(problems: &[Invalid]) {
    for i in problems {
        let flag = match i.field {
            "facility" => "--facility",
            "name" => "--name",
            "kind" => "--kind",
            "asset" => "--asset",
            "sources" => "--source",
            "repository" => "--repo",
            "password_file" => "--password-file",
            "offline_repository" => "--offline-repo",
            "offline_kind" => "--offline-kind",
            "schedule" => "--schedule",
            "retention" => "--retention",
            "restore_max_age_days" => "--restore-max-age-days",
            other => other,
        };
        eprintln!("{flag}: {}", i.problem);
    }
}
