//! Backup jobs: one per protected system, with its repositories, schedule and policies.
//!
//! A job holds the path of its password file, never the password (see the migration). Every
//! change is audited with the job before and after.

use jiff::Timestamp;
use mamoru_domain::backup::{JobSpec, OfflineKind, RestorePolicy, Retention, Schedule, SystemKind};
use mamoru_domain::{AssetId, BackupJobId, FacilityId, OrgId};
use serde_json::{Value, json};

use crate::Store;
use crate::audit::{Actor, Change, append};
use crate::db::{Arg, Exec, Row, and_in, args, bind};
use crate::error::{Error, Result};
use crate::time::{format_ts, parse_ts};

/// A stored backup job.
#[derive(Debug, Clone, PartialEq)]
pub struct BackupJob {
    /// Its id.
    pub id: BackupJobId,
    /// Its facility's name.
    pub facility_name: String,
    /// The definition.
    pub spec: JobSpec,
    /// The restore state an overdue alert was last raised for (see [`Store::mark_backup_overdue_alerted`]).
    pub overdue_alerted_for: Option<String>,
    /// Who created it.
    pub created_by: String,
    /// When.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// Which jobs to list, by facility and name.
#[derive(Debug, Clone, Default)]
pub struct BackupJobQuery {
    /// Only these facilities (the ones the user may see); `None` for all.
    pub visible: Option<Vec<FacilityId>>,
    /// Only this facility.
    pub facility: Option<FacilityId>,
}

const COLUMNS: &str = "j.id, j.facility_id, f.name AS facility_name, j.name, j.kind, j.needed_for_care, j.asset_id, \
     j.sources_json, j.repository, j.password_file, j.offline_repository, j.offline_kind, j.schedule, j.retention, \
     j.restore_max_age_days, j.enabled, j.overdue_alerted_for, j.created_by, j.created_at, j.updated_at";

impl Store {
    /// Creates a job in one of the organisation's facilities.
    pub async fn create_backup_job(&self, org: OrgId, spec: &JobSpec, actor: &Actor) -> Result<BackupJobId> {
        self.facility(org, spec.facility).await?;
        let at = format_ts(Timestamp::now());
        let mut tx = self.pool.write().await?;
        let row = tx
            .fetch_one(
                "INSERT INTO backup_jobs (org_id, facility_id, name, kind, needed_for_care, asset_id, sources_json, \
                 repository, password_file, offline_repository, offline_kind, schedule, retention, \
                 restore_max_age_days, enabled, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id"
                    .into(),
                [args![org.get(), spec.facility.get()], values(spec), args![actor.name.as_str(), at.as_str()]].concat(),
            )
            .await
            .map_err(|e| e.conflict_as(|| format!("backup job {:?}", spec.name)))?;
        let id = BackupJobId::new(row.int("id")?);
        let change = Change {
            action: "backup.job.create",
            entity: "backup_job",
            entity_id: Some(id.get()),
            facility_id: Some(spec.facility),
            summary: format!("create backup job {}", spec.name),
            before: None,
            after: Some(snapshot(spec)),
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Replaces a job's definition; the facility may change within the organisation.
    pub async fn update_backup_job(&self, org: OrgId, id: BackupJobId, spec: &JobSpec, actor: &Actor) -> Result<()> {
        let before = self.backup_job(org, id).await?;
        self.facility(org, spec.facility).await?;
        let at = format_ts(Timestamp::now());
        let mut tx = self.pool.write().await?;
        tx.execute(
            "UPDATE backup_jobs SET facility_id = $1, name = $2, kind = $3, needed_for_care = $4, asset_id = $5, \
             sources_json = $6, repository = $7, password_file = $8, offline_repository = $9, offline_kind = $10, \
             schedule = $11, retention = $12, restore_max_age_days = $13, enabled = $14, updated_at = $15 \
             WHERE org_id = $16 AND id = $17"
                .into(),
            [args![spec.facility.get()], values(spec), args![at.as_str(), org.get(), id.get()]].concat(),
        )
        .await
        .map_err(|e| e.conflict_as(|| format!("backup job {:?}", spec.name)))?;
        let change = Change {
            action: "backup.job.update",
            entity: "backup_job",
            entity_id: Some(id.get()),
            facility_id: Some(spec.facility),
            summary: format!("update backup job {}", spec.name),
            before: Some(snapshot(&before.spec)),
            after: Some(snapshot(spec)),
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await
    }

    /// One job of the organisation.
    pub async fn backup_job(&self, org: OrgId, id: BackupJobId) -> Result<BackupJob> {
        let sql = format!(
            "SELECT {COLUMNS} FROM backup_jobs j JOIN facilities f ON f.id = j.facility_id \
             WHERE j.org_id = $1 AND j.id = $2"
        );
        let row = self.pool.conn().await?.fetch_optional(sql.into(), args![org.get(), id.get()]).await?;
        job_from_row(&row.ok_or(Error::NotFound { what: "backup job" })?)
    }

    /// Jobs by facility and name.
    pub async fn backup_jobs(&self, org: OrgId, query: &BackupJobQuery) -> Result<Vec<BackupJob>> {
        let mut params = vec![Arg::from(org.get())];
        let mut filter = String::from("j.org_id = $1");
        if let Some(visible) = &query.visible {
            filter.push_str(&and_in(&mut params, "j.facility_id", visible.iter().map(|f| f.get())));
        }
        if let Some(f) = query.facility {
            filter.push_str(&format!(" AND j.facility_id = {}", bind(&mut params, f.get())));
        }
        let sql = format!(
            "SELECT {COLUMNS} FROM backup_jobs j JOIN facilities f ON f.id = j.facility_id WHERE {filter} \
             ORDER BY f.name, j.name, j.id"
        );
        self.pool.conn().await?.fetch_all(sql.into(), params).await?.iter().map(job_from_row).collect()
    }

    /// Every enabled job of every organisation, for the scheduler.
    pub async fn enabled_backup_jobs_everywhere(&self) -> Result<Vec<(OrgId, BackupJob)>> {
        let sql = format!(
            "SELECT j.org_id, {COLUMNS} FROM backup_jobs j JOIN facilities f ON f.id = j.facility_id \
             WHERE j.enabled = $1 ORDER BY j.org_id, j.id"
        );
        let rows = self.pool.conn().await?.fetch_all(sql.into(), args![true]).await?;
        rows.iter().map(|r| Ok((OrgId::new(r.int("org_id")?), job_from_row(r)?))).collect()
    }

    /// Records that an overdue alert was raised for `state` (the last passed restore test's
    /// time, or `never`), so the scheduler raises it once; `None` clears it.
    pub async fn mark_backup_overdue_alerted(
        &self,
        org: OrgId,
        id: BackupJobId,
        state: Option<&str>,
        actor: &Actor,
    ) -> Result<()> {
        let job = self.backup_job(org, id).await?;
        let mut tx = self.pool.write().await?;
        tx.execute(
            "UPDATE backup_jobs SET overdue_alerted_for = $1 WHERE org_id = $2 AND id = $3".into(),
            args![state, org.get(), id.get()],
        )
        .await?;
        let change = Change {
            action: "backup.job.overdue_alerted",
            entity: "backup_job",
            entity_id: Some(id.get()),
            facility_id: Some(job.spec.facility),
            summary: format!("restore test overdue alert state of {}", job.spec.name),
            before: Some(json!({ "overdue_alerted_for": job.overdue_alerted_for })),
            after: Some(json!({ "overdue_alerted_for": state })),
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await
    }
}

/// The bound values of a definition, `$n` to `$n+12` after the facility.
fn values(spec: &JobSpec) -> Vec<Arg> {
    args![
        spec.name.as_str(),
        spec.kind.code(),
        spec.needed_for_care,
        spec.asset.map(AssetId::get),
        serde_json::to_string(&spec.sources).unwrap_or_else(|_| "[]".into()),
        spec.repository.as_str(),
        spec.password_file.as_str(),
        spec.offline.as_ref().map(|o| o.0.clone()),
        spec.offline.as_ref().map(|o| o.1.code()),
        spec.schedule.code(),
        spec.retention.code(),
        i64::from(spec.restore.max_age_days),
        spec.enabled
    ]
}

/// The definition as the audit log keeps it.
fn snapshot(spec: &JobSpec) -> Value {
    json!({
        "facility_id": spec.facility.get(),
        "name": spec.name,
        "kind": spec.kind.code(),
        "needed_for_care": spec.needed_for_care,
        "asset_id": spec.asset.map(AssetId::get),
        "sources": spec.sources,
        "repository": spec.repository,
        "password_file": spec.password_file,
        "offline_repository": spec.offline.as_ref().map(|o| o.0.clone()),
        "offline_kind": spec.offline.as_ref().map(|o| o.1.code()),
        "schedule": spec.schedule.code(),
        "retention": spec.retention.code(),
        "restore_max_age_days": spec.restore.max_age_days,
        "enabled": spec.enabled,
    })
}

fn job_from_row(r: &Row) -> Result<BackupJob> {
    let corrupt = |what: &str, v: &str| Error::Corrupt(format!("backup job {what} {v:?}"));
    let kind = r.text("kind")?;
    let schedule = r.text("schedule")?;
    let retention = r.text("retention")?;
    let sources = r.text("sources_json")?;
    let offline = match (r.opt_text("offline_repository")?, r.opt_text("offline_kind")?) {
        (Some(repo), Some(k)) => Some((repo, OfflineKind::from_code(&k).ok_or_else(|| corrupt("offline kind", &k))?)),
        _ => None,
    };
    let max_age = r.int("restore_max_age_days")?;
    Ok(BackupJob {
        id: BackupJobId::new(r.int("id")?),
        facility_name: r.text("facility_name")?,
        spec: JobSpec {
            facility: FacilityId::new(r.int("facility_id")?),
            name: r.text("name")?,
            kind: SystemKind::from_code(&kind).ok_or_else(|| corrupt("kind", &kind))?,
            needed_for_care: r.bool("needed_for_care")?,
            asset: r.opt_int("asset_id")?.map(AssetId::new),
            sources: serde_json::from_str(&sources).map_err(|_| corrupt("sources", &sources))?,
            repository: r.text("repository")?,
            password_file: r.text("password_file")?,
            offline,
            schedule: Schedule::parse(&schedule).map_err(|_| corrupt("schedule", &schedule))?,
            retention: Retention::parse(&retention).map_err(|_| corrupt("retention", &retention))?,
            restore: RestorePolicy {
                max_age_days: u32::try_from(max_age).map_err(|_| corrupt("restore age", &max_age.to_string()))?,
            },
            enabled: r.bool("enabled")?,
        },
        overdue_alerted_for: r.opt_text("overdue_alerted_for")?,
        created_by: r.text("created_by")?,
        created_at: parse_ts(&r.text("created_at")?)?,
        updated_at: parse_ts(&r.text("updated_at")?)?,
    })
}
