//! Tabletop drills on the BCP: the scenario, date and participants, a timeline of entries and
//! findings, and follow-up tasks with owner, due date and done/undone. Every change is audited.

use jiff::Timestamp;
use jiff::civil::Date;
use mamoru_domain::{FacilityId, OrgId};
use serde_json::json;

use crate::Store;
use crate::audit::{Actor, Change, append};
use crate::bcp::date;
use crate::db::{Exec, Row, args};
use crate::error::{Error, Result};
use crate::time::{now, parse_ts};

/// A drill as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drill {
    /// Its row id.
    pub id: i64,
    /// The facility.
    pub facility: FacilityId,
    /// The scenario's code (`mamoru_domain::readiness::drills`).
    pub scenario: String,
    /// The day it was held.
    pub held_on: Date,
    /// Who took part, as written.
    pub participants: String,
    /// Who recorded it.
    pub recorded_by: String,
}

/// One entry of a drill's timeline, or a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrillEntry {
    /// Its row id.
    pub id: i64,
    /// A finding (課題) rather than a timeline entry.
    pub finding: bool,
    /// When in the drill, as written (10:05, T+1h).
    pub at: String,
    /// What happened or was found.
    pub body: String,
    /// Who wrote it.
    pub author: String,
    /// When it was written.
    pub created_at: Timestamp,
}

/// A follow-up task of a drill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrillTask {
    /// Its row id.
    pub id: i64,
    /// The drill.
    pub drill: i64,
    /// What to do.
    pub title: String,
    /// Who does it.
    pub owner: String,
    /// By when.
    pub due: Date,
    /// Whether it is done.
    pub done: bool,
}

impl Store {
    /// Records a drill, with its audit entry.
    pub async fn create_drill(
        &self,
        org: OrgId,
        facility: FacilityId,
        scenario: &str,
        held_on: Date,
        participants: &str,
        actor: &Actor,
    ) -> Result<i64> {
        let mut tx = self.pool.write().await?;
        crate::facilities::ensure_in_org(&mut tx, org, facility).await?;
        let id = tx
            .fetch_one(
                "INSERT INTO drills (org_id, facility_id, scenario, held_on, participants, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
                    .into(),
                args![
                    org.get(),
                    facility.get(),
                    scenario,
                    held_on.to_string(),
                    participants,
                    actor.name.as_str(),
                    now()
                ],
            )
            .await?
            .int("id")?;
        let change = Change {
            action: "drill.create",
            entity: "drill",
            entity_id: Some(id),
            facility_id: Some(facility),
            summary: format!("訓練 {held_on} {scenario}"),
            before: None,
            after: Some(json!({"scenario": scenario, "held_on": held_on.to_string(), "participants": participants})),
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The drills of the facility (or of every facility), newest first.
    pub async fn drills(&self, org: OrgId, facility: Option<FacilityId>) -> Result<Vec<Drill>> {
        let rows = self
            .pool
            .conn()
            .await?
            .fetch_all(
                "SELECT id, facility_id, scenario, held_on, participants, recorded_by FROM drills \
                 WHERE org_id = $1 AND ($2 IS NULL OR facility_id = $2) ORDER BY held_on DESC, id DESC"
                    .into(),
                args![org.get(), facility.map(|f| f.get())],
            )
            .await?;
        rows.iter().map(drill_from_row).collect()
    }

    /// One drill of the organisation with its entries (oldest first) and tasks.
    pub async fn drill(&self, org: OrgId, id: i64) -> Result<(Drill, Vec<DrillEntry>, Vec<DrillTask>)> {
        let mut conn = self.pool.conn().await?;
        let drill = find(&mut conn, org, id).await?;
        let entries = conn
            .fetch_all(
                "SELECT id, kind, at, body, author, created_at FROM drill_entries WHERE drill_id = $1 ORDER BY id"
                    .into(),
                args![id],
            )
            .await?
            .iter()
            .map(|r| {
                Ok(DrillEntry {
                    id: r.int("id")?,
                    finding: r.text("kind")? == "finding",
                    at: r.text("at")?,
                    body: r.text("body")?,
                    author: r.text("author")?,
                    created_at: parse_ts(&r.text("created_at")?)?,
                })
            })
            .collect::<Result<_>>()?;
        let tasks = conn
            .fetch_all(
                "SELECT id, drill_id, title, owner, due, done FROM drill_tasks WHERE drill_id = $1 ORDER BY due, id"
                    .into(),
                args![id],
            )
            .await?
            .iter()
            .map(task_from_row)
            .collect::<Result<_>>()?;
        Ok((drill, entries, tasks))
    }

    /// Adds a timeline entry or a finding to a drill, with its audit entry.
    pub async fn add_drill_entry(
        &self,
        org: OrgId,
        drill: i64,
        finding: bool,
        at: &str,
        body: &str,
        actor: &Actor,
    ) -> Result<i64> {
        let mut tx = self.pool.write().await?;
        let d = find(&mut tx, org, drill).await?;
        let kind = if finding { "finding" } else { "timeline" };
        let id = tx
            .fetch_one(
                "INSERT INTO drill_entries (drill_id, kind, at, body, author, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
                    .into(),
                args![drill, kind, at, body, actor.name.as_str(), now()],
            )
            .await?
            .int("id")?;
        let change = Change {
            action: if finding { "drill.finding" } else { "drill.entry" },
            entity: "drill",
            entity_id: Some(drill),
            facility_id: Some(d.facility),
            summary: format!("訓練 {} {at} {body}", d.held_on),
            before: None,
            after: Some(json!({"kind": kind, "at": at, "body": body})),
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Adds a follow-up task to a drill, with its audit entry.
    pub async fn add_drill_task(
        &self,
        org: OrgId,
        drill: i64,
        title: &str,
        owner: &str,
        due: Date,
        actor: &Actor,
    ) -> Result<i64> {
        let mut tx = self.pool.write().await?;
        let d = find(&mut tx, org, drill).await?;
        let id = tx
            .fetch_one(
                "INSERT INTO drill_tasks (drill_id, title, owner, due, done, updated_by, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
                    .into(),
                args![drill, title, owner, due.to_string(), false, actor.name.as_str(), now()],
            )
            .await?
            .int("id")?;
        let change = Change {
            action: "drill.task",
            entity: "drill_task",
            entity_id: Some(id),
            facility_id: Some(d.facility),
            summary: format!("訓練の課題: {title}（{owner}、{due}まで）"),
            before: None,
            after: Some(
                json!({"drill_id": drill, "title": title, "owner": owner, "due": due.to_string(), "done": false}),
            ),
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Marks a drill's task done or undone, with its audit entry.
    pub async fn set_drill_task_done(&self, org: OrgId, task: i64, done: bool, actor: &Actor) -> Result<DrillTask> {
        let mut tx = self.pool.write().await?;
        let row = tx
            .fetch_optional(
                "SELECT t.id, t.drill_id, t.title, t.owner, t.due, t.done FROM drill_tasks t \
                 JOIN drills d ON d.id = t.drill_id WHERE d.org_id = $1 AND t.id = $2"
                    .into(),
                args![org.get(), task],
            )
            .await?
            .ok_or(Error::NotFound { what: "drill task" })?;
        let before = task_from_row(&row)?;
        let d = find(&mut tx, org, before.drill).await?;
        tx.execute(
            "UPDATE drill_tasks SET done = $1, updated_by = $2, updated_at = $3 WHERE id = $4".into(),
            args![done, actor.name.as_str(), now(), task],
        )
        .await?;
        let change = Change {
            action: "drill.task_done",
            entity: "drill_task",
            entity_id: Some(task),
            facility_id: Some(d.facility),
            summary: format!("訓練の課題: {}（{}）", before.title, if done { "完了" } else { "未完了に戻す" }),
            before: Some(json!({"done": before.done})),
            after: Some(json!({"done": done})),
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await?;
        Ok(DrillTask { done, ..before })
    }
}

async fn find(ex: &mut impl Exec, org: OrgId, id: i64) -> Result<Drill> {
    let row = ex
        .fetch_optional(
            "SELECT id, facility_id, scenario, held_on, participants, recorded_by FROM drills \
             WHERE org_id = $1 AND id = $2"
                .into(),
            args![org.get(), id],
        )
        .await?
        .ok_or(Error::NotFound { what: "drill" })?;
    drill_from_row(&row)
}

fn drill_from_row(r: &Row) -> Result<Drill> {
    Ok(Drill {
        id: r.int("id")?,
        facility: FacilityId::new(r.int("facility_id")?),
        scenario: r.text("scenario")?,
        held_on: date(r, "held_on")?.ok_or_else(|| Error::Corrupt("drill held_on is NULL".into()))?,
        participants: r.text("participants")?,
        recorded_by: r.text("recorded_by")?,
    })
}

fn task_from_row(r: &Row) -> Result<DrillTask> {
    Ok(DrillTask {
        id: r.int("id")?,
        drill: r.int("drill_id")?,
        title: r.text("title")?,
        owner: r.text("owner")?,
        due: date(r, "due")?.ok_or_else(|| Error::Corrupt("drill task due is NULL".into()))?,
        done: r.bool("done")?,
    })
}
