//! The results of backup jobs: every backup, offline copy, verify, restore test and retention
//! run, kept as a history (the annual report and an inspection read it back).

use jiff::Timestamp;
use mamoru_domain::backup::{ResultKind, RunCause};
use mamoru_domain::{BackupJobId, BackupResultId, OrgId};
use serde_json::{Value, json};

use crate::Store;
use crate::audit::{Actor, Change, append};
use crate::db::{Arg, Exec, Row, and_in, args, bind};
use crate::error::{Error, Result};
use crate::time::{format_ts, parse_ts};

/// A result to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewBackupResult {
    /// What ran.
    pub kind: ResultKind,
    /// What started it.
    pub cause: RunCause,
    /// When it started.
    pub started_at: Timestamp,
    /// When it ended.
    pub finished_at: Timestamp,
    /// How long it took, in milliseconds (for a restore test, the measured recovery time).
    pub duration_ms: u64,
    /// Whether it succeeded.
    pub ok: bool,
    /// The snapshot written, copied or restored.
    pub snapshot_id: Option<String>,
    /// Files backed up, copied or restored.
    pub files: Option<u64>,
    /// Bytes backed up (added), copied or restored.
    pub bytes: Option<u64>,
    /// One line for a person; the error on failure.
    pub message: String,
    /// The engine's report.
    pub details: Value,
}

/// A recorded result.
#[derive(Debug, Clone, PartialEq)]
pub struct BackupResult {
    /// Its id.
    pub id: BackupResultId,
    /// Its job.
    pub job: BackupJobId,
    /// What was recorded.
    pub result: NewBackupResult,
    /// Who recorded it (`system` for the scheduler).
    pub recorded_by: String,
}

/// Which results to list, newest first.
#[derive(Debug, Clone, Default)]
pub struct BackupResultQuery {
    /// Only these jobs; `None` for all of the organisation's.
    pub jobs: Option<Vec<BackupJobId>>,
    /// Only this kind.
    pub kind: Option<ResultKind>,
    /// Only results that succeeded.
    pub ok_only: bool,
    /// Started at or after.
    pub since: Option<Timestamp>,
    /// Started before.
    pub until: Option<Timestamp>,
    /// At most this many (default 100).
    pub limit: Option<u32>,
}

const COLUMNS: &str = "id, job_id, kind, cause, started_at, finished_at, duration_ms, ok, snapshot_id, files, bytes, \
     message, details_json, recorded_by";

impl Store {
    /// Records a result of one of the organisation's jobs.
    pub async fn record_backup_result(
        &self,
        org: OrgId,
        job: BackupJobId,
        result: &NewBackupResult,
        actor: &Actor,
    ) -> Result<BackupResultId> {
        let j = self.backup_job(org, job).await?;
        let n = |v: Option<u64>| v.map(|v| i64::try_from(v).unwrap_or(i64::MAX));
        let mut tx = self.pool.write().await?;
        let row = tx
            .fetch_one(
                "INSERT INTO backup_results (org_id, job_id, kind, cause, started_at, finished_at, duration_ms, ok, \
                 snapshot_id, files, bytes, message, details_json, recorded_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id"
                    .into(),
                args![
                    org.get(),
                    job.get(),
                    result.kind.code(),
                    result.cause.code(),
                    format_ts(result.started_at),
                    format_ts(result.finished_at),
                    i64::try_from(result.duration_ms).unwrap_or(i64::MAX),
                    result.ok,
                    result.snapshot_id.clone(),
                    n(result.files),
                    n(result.bytes),
                    result.message.as_str(),
                    result.details.to_string(),
                    actor.name.as_str()
                ],
            )
            .await?;
        let id = BackupResultId::new(row.int("id")?);
        let change = Change {
            action: "backup.result",
            entity: "backup_result",
            entity_id: Some(id.get()),
            facility_id: Some(j.spec.facility),
            summary: format!("{} of {}: {}", result.kind.code(), j.spec.name, if result.ok { "ok" } else { "failed" }),
            before: None,
            after: Some(json!({
                "job_id": job.get(), "kind": result.kind.code(), "cause": result.cause.code(), "ok": result.ok,
                "duration_ms": result.duration_ms, "snapshot_id": result.snapshot_id, "message": result.message,
            })),
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Results, newest first.
    pub async fn backup_results(&self, org: OrgId, query: &BackupResultQuery) -> Result<Vec<BackupResult>> {
        let mut params = vec![Arg::from(org.get())];
        let mut filter = String::from("org_id = $1");
        if let Some(jobs) = &query.jobs {
            filter.push_str(&and_in(&mut params, "job_id", jobs.iter().map(|j| j.get())));
        }
        if let Some(k) = query.kind {
            filter.push_str(&format!(" AND kind = {}", bind(&mut params, k.code())));
        }
        if query.ok_only {
            filter.push_str(&format!(" AND ok = {}", bind(&mut params, true)));
        }
        if let Some(t) = query.since {
            filter.push_str(&format!(" AND started_at >= {}", bind(&mut params, format_ts(t))));
        }
        if let Some(t) = query.until {
            filter.push_str(&format!(" AND started_at < {}", bind(&mut params, format_ts(t))));
        }
        let limit = query.limit.unwrap_or(100).clamp(1, 10_000);
        let sql = format!("SELECT {COLUMNS} FROM backup_results WHERE {filter} ORDER BY id DESC LIMIT {limit}");
        self.pool.conn().await?.fetch_all(sql.into(), params).await?.iter().map(result_from_row).collect()
    }

    /// For each job and kind, its latest result and its latest successful one (the same row
    /// when the latest succeeded): what a job page and the dashboard card show.
    pub async fn latest_backup_results(&self, org: OrgId, jobs: &[BackupJobId]) -> Result<Vec<BackupResult>> {
        if jobs.is_empty() {
            return Ok(Vec::new());
        }
        let mut params = vec![Arg::from(org.get())];
        let in_jobs = and_in(&mut params, "job_id", jobs.iter().map(|j| j.get()));
        let ok = bind(&mut params, true);
        let sql = format!(
            "SELECT {COLUMNS} FROM backup_results WHERE id IN ( \
             SELECT MAX(id) FROM backup_results WHERE org_id = $1{in_jobs} GROUP BY job_id, kind \
             UNION SELECT MAX(id) FROM backup_results WHERE org_id = $1{in_jobs} AND ok = {ok} GROUP BY job_id, kind) \
             ORDER BY job_id, kind, id DESC"
        );
        self.pool.conn().await?.fetch_all(sql.into(), params).await?.iter().map(result_from_row).collect()
    }
}

fn result_from_row(r: &Row) -> Result<BackupResult> {
    let corrupt = |what: &str, v: &str| Error::Corrupt(format!("backup result {what} {v:?}"));
    let kind = r.text("kind")?;
    let cause = r.text("cause")?;
    let details = r.text("details_json")?;
    let n = |v: Option<i64>| v.map(|v| u64::try_from(v).unwrap_or(0));
    Ok(BackupResult {
        id: BackupResultId::new(r.int("id")?),
        job: BackupJobId::new(r.int("job_id")?),
        result: NewBackupResult {
            kind: ResultKind::from_code(&kind).ok_or_else(|| corrupt("kind", &kind))?,
            cause: RunCause::from_code(&cause).ok_or_else(|| corrupt("cause", &cause))?,
            started_at: parse_ts(&r.text("started_at")?)?,
            finished_at: parse_ts(&r.text("finished_at")?)?,
            duration_ms: u64::try_from(r.int("duration_ms")?).unwrap_or(0),
            ok: r.bool("ok")?,
            snapshot_id: r.opt_text("snapshot_id")?,
            files: n(r.opt_int("files")?),
            bytes: n(r.opt_int("bytes")?),
            message: r.text("message")?,
            details: serde_json::from_str(&details).map_err(|_| corrupt("details", &details))?,
        },
        recorded_by: r.text("recorded_by")?,
    })
}
