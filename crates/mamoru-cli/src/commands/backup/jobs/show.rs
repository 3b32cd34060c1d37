//! Jobs and their results as text for people (times in Japan) and as JSON for scripts (times
//! RFC 3339, UTC).

use std::io::Write;

use jiff::Timestamp;
use jiff::tz::Offset;
use mamoru_app::backup::{BackupBoard, JobRun, JobView, SystemStatus};
use mamoru_store::{BackupJob, NewBackupResult};
use serde_json::{Value, json};

use crate::output::say;

fn jst(t: Timestamp) -> String {
    Offset::constant(9).to_datetime(t).strftime("%Y-%m-%d %H:%M").to_string()
}

fn opt(t: Option<Timestamp>) -> Value {
    t.map_or(Value::Null, |t| Value::String(t.to_string()))
}

/// A duration for people: `850 ms`, `42.0 s`, `12 min 5 s`.
fn took(ms: u64) -> String {
    match ms {
        0..1_000 => format!("{ms} ms"),
        1_000..120_000 => format!("{:.1} s", ms as f64 / 1_000.0),
        _ => format!("{} min {} s", ms / 60_000, (ms % 60_000) / 1_000),
    }
}

/// One system of the card.
pub(super) fn system_json(s: &SystemStatus) -> Value {
    json!({
        "id": s.job.get(),
        "facility": s.facility_name,
        "facility_id": s.facility.get(),
        "name": s.name,
        "kind": s.kind.code(),
        "needed_for_care": s.needed_for_care,
        "enabled": s.enabled,
        "status": s.status.code(),
        "max_age_days": s.max_age_days,
        "last_verified_at": opt(s.last_verified_at),
        "last_verified_ms": s.last_verified_ms,
        "restore_due_at": opt(s.restore_due_at),
        "last_backup_at": opt(s.last_backup_at),
        "last_backup_ok": s.last_backup_ok,
        "offline_kind": s.offline_kind.map(|k| k.code()),
        "offline_refreshed_at": opt(s.offline_refreshed_at),
    })
}

pub(super) fn board_table(out: &mut impl Write, board: &BackupBoard) -> std::io::Result<()> {
    writeln!(
        out,
        "{:>4} {:<10} {:<17} {:>10} {:<17} {:<20} system",
        "id", "status", "verified (JST)", "took", "backup (JST)", "facility"
    )?;
    for s in &board.systems {
        let backup = match (s.last_backup_at, s.last_backup_ok) {
            (Some(t), Some(false)) => format!("{} NG", jst(t)),
            (Some(t), _) => jst(t),
            _ => "-".into(),
        };
        writeln!(
            out,
            "{:>4} {:<10} {:<17} {:>10} {:<17} {:<20} {}{}",
            s.job,
            s.status.code(),
            s.last_verified_at.map_or("-".into(), jst),
            s.last_verified_ms.map_or("-".into(), took),
            backup,
            s.facility_name,
            s.name,
            if s.needed_for_care { " ★" } else { "" }
        )?;
    }
    writeln!(
        out,
        "{}: {} / {}",
        say("要対応（期限切れ・未実施・失敗）", "needing action (overdue, never, failed)"),
        board.needing_action(),
        board.systems.len()
    )
}

fn job_json(j: &BackupJob) -> Value {
    let s = &j.spec;
    json!({
        "id": j.id.get(),
        "facility": j.facility_name,
        "facility_id": s.facility.get(),
        "name": s.name,
        "kind": s.kind.code(),
        "needed_for_care": s.needed_for_care,
        "asset_id": s.asset.map(|a| a.get()),
        "sources": s.sources,
        "repository": s.repository,
        "password_file": s.password_file,
        "offline_repository": s.offline.as_ref().map(|o| o.0.clone()),
        "offline_kind": s.offline.as_ref().map(|o| o.1.code()),
        "schedule": s.schedule.code(),
        "retention": s.retention.code(),
        "restore_max_age_days": s.restore.max_age_days,
        "enabled": s.enabled,
        "created_at": j.created_at.to_string(),
        "updated_at": j.updated_at.to_string(),
    })
}

fn result_json(r: &NewBackupResult) -> Value {
    json!({
        "kind": r.kind.code(),
        "cause": r.cause.code(),
        "started_at": r.started_at.to_string(),
        "finished_at": r.finished_at.to_string(),
        "duration_ms": r.duration_ms,
        "ok": r.ok,
        "snapshot_id": r.snapshot_id,
        "files": r.files,
        "bytes": r.bytes,
        "message": r.message,
        "details": r.details,
    })
}

pub(super) fn view_json(v: &JobView) -> Value {
    let mut out = job_json(&v.job);
    if let Value::Object(o) = &mut out {
        o.insert("status".into(), json!(v.status.code()));
        o.insert("restore_due_at".into(), opt(v.restore_due_at));
        o.insert("next_run".into(), opt(v.next_run));
        let history: Vec<Value> = v
            .history
            .iter()
            .map(|r| {
                let mut j = result_json(&r.result);
                j["id"] = json!(r.id.get());
                j["recorded_by"] = json!(r.recorded_by);
                j
            })
            .collect();
        o.insert("history".into(), Value::Array(history));
    }
    out
}

pub(super) fn view_text(out: &mut impl Write, v: &JobView) -> std::io::Result<()> {
    let s = &v.job.spec;
    writeln!(out, "#{} {} — {} ({})", v.job.id, s.name, v.job.facility_name, s.kind.ja())?;
    writeln!(out, "  {}: {}", say("対象", "sources"), s.sources.join(", "))?;
    writeln!(out, "  {}: {}", say("保存先", "repository"), s.repository)?;
    if let Some((repo, kind)) = &s.offline {
        writeln!(out, "  {}: {repo} ({})", say("オフラインコピー", "offline copy"), kind.ja())?;
    }
    writeln!(out, "  {}: {} / {}", say("実行", "schedule"), s.schedule.ja(), s.retention.ja())?;
    writeln!(
        out,
        "  {}: {} ({} {}, {})",
        say("復元確認", "restore verification"),
        v.status.ja(),
        say("期限", "due"),
        v.restore_due_at.map_or("-".into(), jst),
        if crate::output::japanese() {
            format!("{}日ごと", s.restore.max_age_days)
        } else {
            format!("every {} days", s.restore.max_age_days)
        },
    )?;
    if let Some(next) = v.next_run {
        writeln!(out, "  {}: {}", say("次回実行", "next run"), jst(next))?;
    }
    for r in &v.history {
        let r = &r.result;
        writeln!(
            out,
            "  {} {:<12} {:<3} {:>10}  {}",
            jst(r.started_at),
            r.kind.code(),
            if r.ok { "OK" } else { "NG" },
            took(r.duration_ms),
            r.message
        )?;
    }
    Ok(())
}

/// Each step of a run on a line, then the alerts it raised.
pub(super) fn run_text(run: &JobRun) {
    for (id, r) in &run.results {
        let line = format!(
            "  {:<12} {:<3} {:>10}  {} (#{id})",
            r.kind.code(),
            if r.ok { "OK" } else { "NG" },
            took(r.duration_ms),
            r.message
        );
        if r.ok {
            println!("{line}");
        } else {
            eprintln!("{line}");
        }
    }
    if !run.alerts.is_empty() {
        let ids: Vec<String> = run.alerts.iter().map(ToString::to_string).collect();
        eprintln!("  {}: {}", say("警告を登録しました", "alerts raised"), ids.join(", "));
    }
}
