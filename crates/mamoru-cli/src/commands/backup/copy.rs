//! `mamoru backup copy` (the offline copy) and `mamoru backup copies` (its record).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;
use mamoru_backup::{BackupRepo, CopyRecord, OfflineKind, Password};

use super::{Format, RepoArgs, spinner};
use crate::output::say;

/// The destination's password, when it differs from the source's.
const TO_PASSWORD_ENV: &str = "MAMORU_BACKUP_TO_PASSWORD";

/// Copies the snapshots the second repository does not have yet (a second run copies none),
/// and records there and in the source which kind of offline copy it is and when it was last
/// refreshed: the evidence MHLW's checklist and inspections ask for. The destination is
/// created when it holds no repository yet, with the source's chunker parameters.
///
/// Kinds (MHLW's guidance):
/// removable (取り外し可能な媒体),
/// network (分離されたバックアップ用ネットワーク),
/// worm (追記不能な媒体 WORM),
/// object-lock (S3 Object Lock).
/// --kind may be left out only for an S3 destination with Object Lock, which is object-lock.
///
/// The destination's password: MAMORU_BACKUP_TO_PASSWORD, else --to-password-file (first line),
/// else the source's own password. Never on the command line.
///
/// A snapshot copied while it carried the ransomware guard's alarm holds the copy's retention
/// too; once a person confirmed it in the source, the next copy confirms it in the copy.
///
/// JSON form: {"initialised", "copied": [ids], "confirmations_carried": [ids], "seconds",
/// "record": {"kind", "source_id",
/// "source", "destination_id", "destination", "refreshed_at", "snapshots_copied",
/// "snapshots_total", "newest_snapshot"}}.
#[derive(Debug, Args)]
pub(crate) struct Copy {
    #[command(flatten)]
    repo: RepoArgs,
    /// The offline copy's repository: a folder (e.g. /media/rdx/mamoru) or
    /// s3:https://host/bucket/prefix.
    #[arg(long, value_name = "REPO")]
    to: String,
    /// What makes the copy offline: removable, network, worm or object-lock.
    #[arg(long, value_name = "KIND")]
    kind: Option<OfflineKind>,
    /// A file whose first line is the destination's password (when MAMORU_BACKUP_TO_PASSWORD is
    /// not set; without either, the source's password is used).
    #[arg(long, value_name = "FILE", env = "MAMORU_BACKUP_TO_PASSWORD_FILE")]
    to_password_file: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// The first line of a password file, as restic reads `--password-file`.
fn first_line(file: &Path) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let line = text.lines().next().unwrap_or("").trim_end_matches('\r');
    anyhow::ensure!(!line.is_empty(), "{}: the first line is empty", file.display());
    Ok(line.to_owned())
}

impl Copy {
    fn to_password(&self) -> anyhow::Result<Option<Password>> {
        if let Some(p) = std::env::var(TO_PASSWORD_ENV).ok().filter(|p| !p.is_empty()) {
            return Ok(Some(Password::new(p)));
        }
        self.to_password_file.as_deref().map(|f| first_line(f).map(Password::new)).transpose()
    }

    pub(super) fn run(self) -> anyhow::Result<ExitCode> {
        let source = self.repo.open()?;
        let password = Password::from_env_or_file(self.repo.password_file.as_deref())?;
        let dest = BackupRepo::open_location(&self.to, self.to_password()?.unwrap_or(password))?;
        let kind = match self.kind {
            Some(k) => k,
            None => dest.default_offline_kind()?.with_context(|| {
                format!(
                    "--kind is required for {}: removable, network, worm or object-lock (only an S3 bucket with Object Lock is known without it)",
                    self.to
                )
            })?,
        };
        let spinner = spinner(say("オフラインコピー中…", "copying…"));
        let result = source.copy_to(&dest, kind);
        spinner.finish_and_clear();
        let done = result?;
        match self.format {
            Format::Json => println!("{}", serde_json::to_string_pretty(&done)?),
            Format::Table => {
                let r = &done.record;
                println!(
                    "{} {} snapshots → {} ({} / {}), {} in the copy, newest {}, {:.1} s",
                    say("コピーしました:", "copied:"),
                    done.copied.len(),
                    self.to,
                    kind.label_ja(),
                    kind.as_str(),
                    r.snapshots_total,
                    r.newest_snapshot.as_deref().unwrap_or("-"),
                    done.seconds
                );
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// Shows the offline-copy records of a repository: whether it is an offline copy (its kind,
/// its source, when it was last refreshed), and the copies made from it. Reads two plain files
/// in the repository's folder (mamoru-copy.json, mamoru-copies.json): no password is needed,
/// so an inspector with only the disk can read them.
///
/// JSON form: {"copy_of": record | null, "copies": [record]}.
#[derive(Debug, Args)]
pub(crate) struct Copies {
    /// The repository (e.g. /media/rdx/mamoru, or the source it was copied from).
    #[arg(long, value_name = "REPO", env = "MAMORU_BACKUP_REPO")]
    repo: String,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

impl Copies {
    pub(super) fn run(self) -> anyhow::Result<ExitCode> {
        // The records are plain files beside the encrypted repository; no key is opened.
        let repo = BackupRepo::open_location(&self.repo, Password::new(""))?;
        let copy_of = repo.copy_record()?;
        let copies: Vec<CopyRecord> = repo.copies()?.into_values().collect();
        match self.format {
            Format::Json => {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({"copy_of": copy_of, "copies": copies}))?
                )
            }
            Format::Table => print!("{}", table(copy_of.as_ref(), &copies)),
        }
        Ok(ExitCode::SUCCESS)
    }
}

fn line(r: &CopyRecord) -> String {
    format!(
        "{} ({}), {} {}: {} snapshots copied, {} in the copy, newest {}",
        r.kind.label_ja(),
        r.kind.as_str(),
        say("最終更新", "last refreshed"),
        r.refreshed_at,
        r.snapshots_copied,
        r.snapshots_total,
        r.newest_snapshot.as_deref().unwrap_or("-")
    )
}

fn table(copy_of: Option<&CopyRecord>, copies: &[CopyRecord]) -> String {
    let mut out = String::new();
    match copy_of {
        Some(r) => {
            let _ = writeln!(
                out,
                "{} {} (id {})",
                say("このリポジトリはオフラインコピーです。コピー元:", "this repository is an offline copy of"),
                r.source,
                &r.source_id[..8.min(r.source_id.len())]
            );
            let _ = writeln!(out, "  {}", line(r));
        }
        None => {
            let _ =
                writeln!(out, "{}", say("オフラインコピーの記録はありません。", "no record of being an offline copy."));
        }
    }
    if !copies.is_empty() {
        let _ = writeln!(out, "{}", say("このリポジトリから作ったコピー:", "copies made from this repository:"));
        for r in copies {
            let _ = writeln!(
                out,
                "  {} (id {}): {}",
                r.destination,
                &r.destination_id[..8.min(r.destination_id.len())],
                line(r)
            );
        }
    }
    out
}
