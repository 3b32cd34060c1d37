//! `mamoru backup forget` (generations) and `mamoru backup confirm` (a person lifts the
//! ransomware guard's hold on them).

use std::fmt::Write as _;
use std::process::ExitCode;

use clap::Args;
use mamoru_backup::{Error, ForgetReport, RetentionPolicy};

use super::{Format, RepoArgs, show, spinner};
use crate::output::say;

/// Keeps the generations a retention policy asks for and removes the other snapshots, then
/// prunes the data only they used (two-phase, as rustic does: unneeded packs are marked now
/// and removed by a prune at least 23 hours later, so a restic backup writing at the same
/// moment loses nothing).
///
/// Snapshots are grouped by host and source paths; in each group --keep-daily 7 keeps the
/// newest snapshot of each of the 7 most recent days that have one, as `restic forget` does.
/// While any snapshot carries the ransomware guard's alarm (tag mamoru-guard-alarm), nothing is
/// removed and the command exits with 1 naming those snapshots: confirm them with
/// `mamoru backup confirm` first.
///
/// JSON form: {"policy", "dry_run", "kept": [snapshot + "reasons"], "removed": [..],
/// "prune": {"packs_marked", "packs_removed", "packs_waiting", "bytes_removed", "packs_repacked"}
/// | null}.
#[derive(Debug, Args)]
pub(crate) struct Forget {
    #[command(flatten)]
    repo: RepoArgs,
    /// Keep the newest N snapshots.
    #[arg(long, value_name = "N")]
    keep_last: Option<u32>,
    /// Keep the newest snapshot of each of the last N days that have one.
    #[arg(long, value_name = "N")]
    keep_daily: Option<u32>,
    /// … of each of the last N weeks.
    #[arg(long, value_name = "N")]
    keep_weekly: Option<u32>,
    /// … of each of the last N months.
    #[arg(long, value_name = "N")]
    keep_monthly: Option<u32>,
    /// … of each of the last N years.
    #[arg(long, value_name = "N")]
    keep_yearly: Option<u32>,
    /// Keep every snapshot made within N days of the newest one (e.g. 30 or 30d).
    #[arg(long, value_name = "DAYS", value_parser = parse_days)]
    keep_within: Option<u32>,
    /// The whole policy in its short form, as the app stores it:
    /// daily=7,weekly=4,monthly=12,yearly=5 (also last=N, within=Nd).
    #[arg(long, value_name = "POLICY", conflicts_with_all = ["keep_last", "keep_daily", "keep_weekly", "keep_monthly", "keep_yearly", "keep_within"])]
    policy: Option<RetentionPolicy>,
    /// Only show what would be kept and removed.
    #[arg(long)]
    dry_run: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

fn parse_days(s: &str) -> Result<u32, String> {
    s.trim().trim_end_matches('d').parse().map_err(|_| format!("{s:?} is not a number of days, e.g. 30d"))
}

impl Forget {
    pub(super) fn run(self) -> anyhow::Result<ExitCode> {
        let policy = self.policy.unwrap_or(RetentionPolicy {
            keep_last: self.keep_last,
            keep_daily: self.keep_daily,
            keep_weekly: self.keep_weekly,
            keep_monthly: self.keep_monthly,
            keep_yearly: self.keep_yearly,
            keep_within_days: self.keep_within,
        });
        let repo = self.repo.open()?;
        let spinner = spinner(say("世代を整理中…", "applying retention…"));
        let result = repo.forget(&policy, self.dry_run);
        spinner.finish_and_clear();
        let report = match result {
            Err(Error::RetentionHeld { snapshots, .. }) => {
                eprintln!(
                    "ランサムウェア・ガード: 警告の出たスナップショットがあるため、世代の整理を保留しました（何も削除していません）。"
                );
                for s in &snapshots {
                    eprintln!("  - {}", &s[..8]);
                }
                eprintln!(
                    "ファイルを確認してから: mamoru backup confirm --repo {} ID --note \"理由\"",
                    self.repo.repo.display()
                );
                return Ok(ExitCode::from(1));
            }
            other => other?,
        };
        match self.format {
            Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
            Format::Table => print!("{}", table(&report)),
        }
        Ok(ExitCode::SUCCESS)
    }
}

fn table(r: &ForgetReport) -> String {
    let mut out = String::new();
    for (word, list) in [("keep  ", &r.kept), ("remove", &r.removed)] {
        for g in list {
            let s = &g.snapshot;
            let _ = writeln!(
                out,
                "{word}  {}  {}  {}  [{}]  {}  {}",
                &s.id[..8],
                s.time,
                s.host,
                s.tags.join(","),
                s.paths.join(" "),
                g.reasons.join(",")
            );
        }
    }
    let what = if r.dry_run { "would remove" } else { "removed" };
    let _ = writeln!(out, "policy {}: {} kept, {what} {}", r.policy, r.kept.len(), r.removed.len());
    if let Some(p) = &r.prune {
        let _ = writeln!(
            out,
            "prune: {} packs marked for removal by a prune 23 h or more later, {} marked earlier removed ({}), {} still waiting, {} repacked",
            p.packs_marked,
            p.packs_removed,
            show::bytes(p.bytes_removed),
            p.packs_waiting,
            p.packs_repacked
        );
    }
    out
}

/// A person confirms the ransomware guard's alarm on a snapshot: after looking at the files,
/// the change was real (or the encrypted generation has been dealt with). The tag
/// mamoru-guard-alarm becomes mamoru-guard-confirmed, and who, when and the note are appended to
/// the snapshot's description (shown by rustic; restic 0.14 ignores that field). The snapshot
/// gets a new id, as with `restic tag`. When no alarm is left, `forget` works again.
///
/// JSON form: {"snapshot", "confirmed", "description", "still_held": [ids]}.
#[derive(Debug, Args)]
pub(crate) struct Confirm {
    #[command(flatten)]
    repo: RepoArgs,
    /// The alarmed snapshot: an id, a unique prefix of one, or `latest`.
    snapshot: String,
    /// Why the change is all right, kept in the snapshot's description (e.g. "電子カルテの移行で全ファイルを書き換えた").
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

impl Confirm {
    pub(super) fn run(self) -> anyhow::Result<ExitCode> {
        let done = self.repo.open()?.confirm(&self.snapshot, self.note.as_deref())?;
        match self.format {
            Format::Json => println!("{}", serde_json::to_string_pretty(&done)?),
            Format::Table => {
                println!(
                    "{} {} → {} ({})",
                    say("確認しました:", "confirmed:"),
                    &done.snapshot[..8],
                    &done.confirmed[..8],
                    mamoru_backup::CONFIRMED_TAG
                );
                if done.still_held.is_empty() {
                    println!("{}", say("世代の整理（forget）を再開できます。", "forget may run again."));
                } else {
                    let ids: Vec<_> = done.still_held.iter().map(|s| &s[..8]).collect();
                    println!(
                        "{} {}",
                        say("まだ確認されていない警告があります:", "alarms still to confirm:"),
                        ids.join(", ")
                    );
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}
