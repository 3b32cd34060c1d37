//! The steps of a run, on a blocking thread: each calls the engine and turns what it did, or
//! why it failed, into a result to record. A failure is a result, never an error: the caller
//! records it and raises the alert.

use std::path::{Path, PathBuf};
use std::time::Instant;

use jiff::Timestamp;
use mamoru_backup::{BackupRepo, BackupRequest, Location, Password, RetentionPolicy};
use mamoru_domain::backup::{ResultKind, RunCause};
use mamoru_store::{BackupJob, NewBackupResult};
use serde_json::{Value, json};

use super::run::BackupSettings;

/// The repository password: the first line of the job's password file, as restic reads
/// `--password-file`. The environment's `MAMORU_BACKUP_PASSWORD` is not consulted: one
/// scheduler runs many jobs, each with its own password.
fn password(job: &BackupJob) -> std::result::Result<Password, String> {
    let path = Path::new(&job.spec.password_file);
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!("パスワードファイル {} を読めません (cannot read the password file): {e}", path.display())
    })?;
    let line = text.lines().next().unwrap_or("").trim_end_matches('\r');
    if line.is_empty() {
        return Err(format!("パスワードファイル {} の1行目が空です (the first line is empty)", path.display()));
    }
    Ok(Password::new(line))
}

fn open(location: &str, job: &BackupJob) -> std::result::Result<BackupRepo, String> {
    let pw = password(job)?;
    BackupRepo::open_location(location, pw).map_err(|e| e.to_string())
}

/// A new local repository is created at the first run, so that a job defined on a page works
/// without a shell; an S3 location must exist already (its bucket and credentials are an
/// administrator's setup).
fn open_or_init(location: &str, job: &BackupJob) -> std::result::Result<(BackupRepo, bool), String> {
    let repo = open(location, job)?;
    let fresh = matches!(repo.location(), Location::Local(p) if !p.join("config").exists());
    if fresh {
        repo.init().map_err(|e| e.to_string())?;
    }
    Ok((repo, fresh))
}

fn millis(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

fn failed_step(kind: ResultKind, cause: RunCause, at: Timestamp, started: Instant, message: String) -> NewBackupResult {
    NewBackupResult {
        kind,
        cause,
        started_at: at,
        finished_at: Timestamp::now(),
        duration_ms: millis(started),
        ok: false,
        snapshot_id: None,
        files: None,
        bytes: None,
        message,
        details: json!({}),
    }
}

pub(super) fn backup_step(job: &BackupJob, cause: RunCause, settings: &BackupSettings) -> NewBackupResult {
    let (at, started) = (Timestamp::now(), Instant::now());
    let run = || -> std::result::Result<NewBackupResult, String> {
        let (repo, initialised) = open_or_init(&job.spec.repository, job)?;
        let guard_state = match &settings.state_dir {
            Some(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
                Some(dir.join(format!("guard-job-{}.json", job.id)))
            }
            None => None,
        };
        let request = BackupRequest {
            paths: job.spec.sources.iter().map(PathBuf::from).collect(),
            tags: vec![format!("mamoru-job-{}", job.id)],
            guard_state,
            ..Default::default()
        };
        let out = repo.backup(&request).map_err(|e| e.to_string())?;
        let message = if out.guard_alarm.is_empty() {
            format!("バックアップ完了: {} ファイル (backup done)", out.files)
        } else {
            format!(
                "バックアップ完了、ただしランサムウェアの兆候: {} (backup done; ransomware guard alarm)",
                out.guard_alarm.join("; ")
            )
        };
        Ok(NewBackupResult {
            kind: ResultKind::Backup,
            cause,
            started_at: at,
            finished_at: Timestamp::now(),
            duration_ms: millis(started),
            ok: true,
            snapshot_id: Some(out.snapshot.clone()),
            files: Some(out.files),
            bytes: Some(out.bytes),
            message,
            details: json!({
                "initialised": initialised, "bytes_added": out.bytes_added, "guard_alarm": out.guard_alarm,
                "forced_past": out.forced_past,
            }),
        })
    };
    run().unwrap_or_else(|e| {
        failed_step(ResultKind::Backup, cause, at, started, format!("バックアップ失敗 (backup failed): {e}"))
    })
}

pub(super) fn copy_step(job: &BackupJob, offline: &str, kind: &str, cause: RunCause) -> NewBackupResult {
    let (at, started) = (Timestamp::now(), Instant::now());
    let run = || -> std::result::Result<NewBackupResult, String> {
        let source = open(&job.spec.repository, job)?;
        let dest = open(offline, job)?;
        let kind: mamoru_backup::OfflineKind = kind.parse()?;
        let out = source.copy_to(&dest, kind).map_err(|e| e.to_string())?;
        Ok(NewBackupResult {
            kind: ResultKind::Copy,
            cause,
            started_at: at,
            finished_at: Timestamp::now(),
            duration_ms: millis(started),
            ok: true,
            snapshot_id: out.record.newest_snapshot.clone(),
            files: None,
            bytes: None,
            message: format!(
                "オフラインコピー更新: {} 件コピー、計 {} 世代 (offline copy refreshed)",
                out.copied.len(),
                out.record.snapshots_total
            ),
            details: json!({
                "offline_kind": kind.as_str(), "destination": out.record.destination, "copied": out.copied,
                "snapshots_total": out.record.snapshots_total, "initialised": out.initialised,
            }),
        })
    };
    run().unwrap_or_else(|e| {
        failed_step(ResultKind::Copy, cause, at, started, format!("オフラインコピー失敗 (offline copy failed): {e}"))
    })
}

pub(super) fn forget_step(job: &BackupJob, cause: RunCause) -> NewBackupResult {
    let (at, started) = (Timestamp::now(), Instant::now());
    let run = || -> std::result::Result<NewBackupResult, String> {
        let policy: RetentionPolicy =
            job.spec.retention.code().parse().map_err(|e: mamoru_backup::Error| e.to_string())?;
        let repo = open(&job.spec.repository, job)?;
        let out = match repo.forget(&policy, false) {
            Ok(out) => out,
            // The guard's alarm holds retention until a person confirms: expected, and already
            // alerted when the alarmed backup ran.
            Err(e @ mamoru_backup::Error::RetentionHeld { .. }) => {
                let mut held = failed_step(
                    ResultKind::Forget,
                    cause,
                    at,
                    started,
                    format!("世代整理を保留: ランサムウェアの兆候の確認待ち (retention held): {e}"),
                );
                held.details = json!({ "held": true });
                return Ok(held);
            }
            Err(e) => return Err(e.to_string()),
        };
        Ok(NewBackupResult {
            kind: ResultKind::Forget,
            cause,
            started_at: at,
            finished_at: Timestamp::now(),
            duration_ms: millis(started),
            ok: true,
            snapshot_id: None,
            files: None,
            bytes: None,
            message: format!(
                "世代整理: {} 世代保持、{} 世代削除 (retention applied)",
                out.kept.len(),
                out.removed.len()
            ),
            details: serde_json::to_value(&out).unwrap_or(Value::Null),
        })
    };
    run().unwrap_or_else(|e| {
        failed_step(ResultKind::Forget, cause, at, started, format!("世代整理を中止 (retention not applied): {e}"))
    })
}

pub(super) fn restore_test_step(job: &BackupJob, cause: RunCause, scratch: Option<&Path>) -> NewBackupResult {
    let (at, started) = (Timestamp::now(), Instant::now());
    let run = || -> std::result::Result<NewBackupResult, String> {
        let repo = open(&job.spec.repository, job)?;
        if let Some(dir) = scratch {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let report = repo.restore_test(scratch).map_err(|e| e.to_string())?;
        let message = if report.ok {
            format!("復元テスト成功: {} ファイルを照合 (restore test passed)", report.files_ok)
        } else {
            let first: Vec<String> =
                report.failed.iter().take(3).map(|f| format!("{}: {}", f.path, f.reason)).collect();
            let why = report.restore_error.clone().unwrap_or_else(|| first.join("; "));
            format!(
                "復元テスト失敗: {}/{} ファイルが不一致 (restore test failed): {why}",
                report.files - report.files_ok,
                report.files
            )
        };
        Ok(NewBackupResult {
            kind: ResultKind::RestoreTest,
            cause,
            started_at: at,
            finished_at: Timestamp::now(),
            duration_ms: millis(started),
            ok: report.ok,
            snapshot_id: Some(report.snapshot.clone()),
            files: Some(report.files),
            bytes: Some(report.bytes),
            message,
            details: json!({
                "files_ok": report.files_ok, "engine_seconds": report.seconds, "restore_error": report.restore_error,
                "failed": report.failed.iter().take(100).map(|f| json!({ "path": f.path, "reason": f.reason })).collect::<Vec<_>>(),
            }),
        })
    };
    run().unwrap_or_else(|e| {
        failed_step(ResultKind::RestoreTest, cause, at, started, format!("復元テスト失敗 (restore test failed): {e}"))
    })
}

pub(super) fn verify_step(job: &BackupJob, cause: RunCause, percent: Option<f64>) -> NewBackupResult {
    let (at, started) = (Timestamp::now(), Instant::now());
    let run = || -> std::result::Result<NewBackupResult, String> {
        let repo = open(&job.spec.repository, job)?;
        let report = repo.verify(percent).map_err(|e| e.to_string())?;
        let message = if report.ok {
            "検証成功 (verify passed)".to_owned()
        } else {
            let packs: Vec<&str> = report.damaged.iter().map(|d| d.pack.as_str()).collect();
            format!("検証で損傷を検出: pack {} (verify found damage): {}", packs.join(", "), report.errors.join("; "))
        };
        Ok(NewBackupResult {
            kind: ResultKind::Verify,
            cause,
            started_at: at,
            finished_at: Timestamp::now(),
            duration_ms: millis(started),
            ok: report.ok,
            snapshot_id: None,
            files: None,
            bytes: None,
            message,
            details: json!({
                "read_data": report.read_data, "errors": report.errors, "warnings": report.warnings,
                "damaged": report.damaged.iter().map(|d| json!({
                    "pack": d.pack, "files": d.files.iter().map(|f| json!({ "snapshot": f.snapshot, "path": f.path })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            }),
        })
    };
    run().unwrap_or_else(|e| {
        failed_step(ResultKind::Verify, cause, at, started, format!("検証失敗 (verify failed): {e}"))
    })
}

#[cfg(test)]
mod tests {
    use mamoru_domain::backup::OfflineKind;

    #[test]
    fn the_offline_kinds_are_the_engines_in_code_and_words() {
        for kind in OfflineKind::ALL {
            let engine: mamoru_backup::OfflineKind = kind.code().parse().unwrap();
            assert_eq!((engine.as_str(), engine.label_ja()), (kind.code(), kind.ja()));
        }
        assert_eq!(OfflineKind::ALL.len(), mamoru_backup::OfflineKind::ALL.len());
    }
}
