//! What accumulates on a case: the timeline, tasks, scope (facilities, assets, systems),
//! indicators of compromise, and the reminders already sent for its report deadlines.

use jiff::Timestamp;
use jiff::civil::Date;
use mamoru_domain::incident::{EntryKind, IocKind};
use mamoru_domain::{CaseId, OrgId, TaskId};
use serde_json::json;

use crate::Store;
use crate::audit::{Actor, append};
use crate::cases::{case_change, touch};
use crate::db::{Exec, Row, Tx, args};
use crate::error::{Error, Result};
use crate::time::{format_ts, parse_opt_date, parse_opt_ts, parse_ts};

/// A timeline entry to write.
#[derive(Debug, Clone, Copy)]
pub struct NewEntry<'a> {
    /// When it happened (may be in the past: people write the timeline up afterwards).
    pub at: Timestamp,
    /// What it records.
    pub kind: EntryKind,
    /// The text.
    pub text: &'a str,
    /// What it refers to (see [`CaseEntry::reference`]).
    pub reference: Option<&'a str>,
}

/// One timeline entry.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseEntry {
    /// Its id.
    pub id: i64,
    /// When it happened (may be earlier than it was written).
    pub at: Timestamp,
    /// When it was written.
    pub written_at: Timestamp,
    /// Who wrote it.
    pub author: String,
    /// What it records.
    pub kind: EntryKind,
    /// The text.
    pub text: String,
    /// What it refers to: a checklist item key, `contact:ID`, `evidence:ID`, `task:ID`.
    pub reference: Option<String>,
}

/// A task on a case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseTask {
    /// Its id.
    pub id: TaskId,
    /// What to do.
    pub title: String,
    /// Who does it.
    pub owner: Option<String>,
    /// By when.
    pub due_on: Option<Date>,
    /// Who added it.
    pub created_by: String,
    /// When.
    pub created_at: Timestamp,
    /// Who marked it done.
    pub done_by: Option<String>,
    /// When.
    pub done_at: Option<Timestamp>,
}

/// Something a case touches besides its facility.
#[derive(Debug, Clone, PartialEq)]
pub struct ScopeItem {
    /// Its id.
    pub id: i64,
    /// `facility`, `asset` or `system`.
    pub kind: String,
    /// The facility's or asset's id.
    pub ref_id: Option<i64>,
    /// What to show: the facility's or asset's name, or the system as typed.
    pub label: String,
}

/// An indicator of compromise noted on a case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseIoc {
    /// Its id.
    pub id: i64,
    /// The case.
    pub case: CaseId,
    /// What it is.
    pub kind: IocKind,
    /// The indicator.
    pub value: String,
    /// Where it was seen.
    pub note: Option<String>,
    /// Who noted it.
    pub added_by: String,
    /// When.
    pub added_at: Timestamp,
}

/// Writes a timeline entry inside the caller's transaction and marks the case changed.
#[allow(clippy::too_many_arguments)] // one column each; a struct would only be unpacked again
pub(crate) async fn insert_entry(
    tx: &mut Tx,
    org: OrgId,
    case: CaseId,
    at: Timestamp,
    kind: EntryKind,
    text: &str,
    reference: Option<&str>,
    actor: &Actor,
) -> Result<i64> {
    let now = Timestamp::now();
    touch(tx, org, case, now).await?;
    let row = tx
        .fetch_one(
            "INSERT INTO case_entries (org_id, case_id, at, written_at, author, kind, text, ref) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"
                .into(),
            args![
                org.get(),
                case.get(),
                format_ts(at),
                format_ts(now),
                actor.name.as_str(),
                kind.code(),
                text,
                reference
            ],
        )
        .await?;
    row.int("id")
}

impl Store {
    /// Adds a timeline entry (back-dated if `at` is in the past) and returns its id.
    pub async fn add_case_entry(&self, org: OrgId, case: CaseId, entry: NewEntry<'_>, actor: &Actor) -> Result<i64> {
        let NewEntry { at, kind, text, reference } = entry;
        let c = self.case(org, case).await?;
        let mut tx = self.pool.write().await?;
        let id = insert_entry(&mut tx, org, case, at, kind, text, reference, actor).await?;
        let change = case_change(&c, "case.entry", format!("case {}: {} entry", c.title, kind.code()))
            .with(json!(null), json!({ "entry_id": id, "at": format_ts(at), "kind": kind.code(), "text": text }));
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The timeline, in the order things happened (then the order they were written).
    pub async fn case_entries(&self, org: OrgId, case: CaseId) -> Result<Vec<CaseEntry>> {
        let rows = self
            .pool
            .conn()
            .await?
            .fetch_all(
                "SELECT id, at, written_at, author, kind, text, ref FROM case_entries \
                 WHERE org_id = $1 AND case_id = $2 ORDER BY at, id"
                    .into(),
                args![org.get(), case.get()],
            )
            .await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// Adds a task and returns its id.
    pub async fn add_case_task(
        &self,
        org: OrgId,
        case: CaseId,
        title: &str,
        owner: Option<&str>,
        due_on: Option<Date>,
        actor: &Actor,
    ) -> Result<TaskId> {
        let c = self.case(org, case).await?;
        let now = Timestamp::now();
        let mut tx = self.pool.write().await?;
        let row = tx
            .fetch_one(
                "INSERT INTO case_tasks (org_id, case_id, title, owner, due_on, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
                    .into(),
                args![
                    org.get(),
                    case.get(),
                    title,
                    owner,
                    due_on.map(|d| d.to_string()),
                    actor.name.as_str(),
                    format_ts(now)
                ],
            )
            .await?;
        let id = TaskId::new(row.int("id")?);
        let text = match (owner, due_on) {
            (Some(o), Some(d)) => format!("タスク追加: {title}（担当 {o}、期限 {d}）"),
            (Some(o), None) => format!("タスク追加: {title}（担当 {o}）"),
            (None, Some(d)) => format!("タスク追加: {title}（期限 {d}）"),
            (None, None) => format!("タスク追加: {title}"),
        };
        let reference = format!("task:{id}");
        insert_entry(&mut tx, org, case, now, EntryKind::Task, &text, Some(&reference), actor).await?;
        let change = case_change(&c, "case.task", format!("case {}: task {title}", c.title))
            .with(json!(null), json!({ "task_id": id.get(), "title": title, "owner": owner }));
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Marks a task done.
    pub async fn complete_case_task(&self, org: OrgId, case: CaseId, task: TaskId, actor: &Actor) -> Result<()> {
        let c = self.case(org, case).await?;
        let t = self
            .case_tasks(org, case)
            .await?
            .into_iter()
            .find(|t| t.id == task)
            .ok_or(Error::NotFound { what: "task" })?;
        if t.done_at.is_some() {
            return Ok(());
        }
        let now = Timestamp::now();
        let mut tx = self.pool.write().await?;
        tx.execute(
            "UPDATE case_tasks SET done_by = $1, done_at = $2 WHERE org_id = $3 AND case_id = $4 AND id = $5".into(),
            args![actor.name.as_str(), format_ts(now), org.get(), case.get(), task.get()],
        )
        .await?;
        let reference = format!("task:{task}");
        let text = format!("タスク完了: {}", t.title);
        insert_entry(&mut tx, org, case, now, EntryKind::Task, &text, Some(&reference), actor).await?;
        let change = case_change(&c, "case.task_done", format!("case {}: done {}", c.title, t.title))
            .with(json!({ "task_id": task.get(), "done": false }), json!({ "task_id": task.get(), "done": true }));
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await
    }

    /// The case's tasks: open ones first by due date, then done ones.
    pub async fn case_tasks(&self, org: OrgId, case: CaseId) -> Result<Vec<CaseTask>> {
        let rows = self
            .pool
            .conn()
            .await?
            .fetch_all(
                "SELECT id, title, owner, due_on, created_by, created_at, done_by, done_at FROM case_tasks \
                 WHERE org_id = $1 AND case_id = $2 \
                 ORDER BY CASE WHEN done_at IS NULL THEN 0 ELSE 1 END, COALESCE(due_on, '9999-12-31'), id"
                    .into(),
                args![org.get(), case.get()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(CaseTask {
                    id: TaskId::new(r.int("id")?),
                    title: r.text("title")?,
                    owner: r.opt_text("owner")?,
                    due_on: parse_opt_date(r.opt_text("due_on")?)?,
                    created_by: r.text("created_by")?,
                    created_at: parse_ts(&r.text("created_at")?)?,
                    done_by: r.opt_text("done_by")?,
                    done_at: parse_opt_ts(r.opt_text("done_at")?)?,
                })
            })
            .collect()
    }

    /// Adds a facility, an asset or a named system to the case's scope.
    pub async fn add_case_scope(
        &self,
        org: OrgId,
        case: CaseId,
        kind: &str,
        ref_id: Option<i64>,
        label: &str,
        actor: &Actor,
    ) -> Result<i64> {
        let c = self.case(org, case).await?;
        let now = Timestamp::now();
        let mut tx = self.pool.write().await?;
        let row = tx
            .fetch_one(
                "INSERT INTO case_scope (org_id, case_id, kind, ref_id, label) VALUES ($1, $2, $3, $4, $5) RETURNING id"
                    .into(),
                args![org.get(), case.get(), kind, ref_id, label],
            )
            .await?;
        let id = row.int("id")?;
        let what = match kind {
            "facility" => "施設",
            "asset" => "機器",
            _ => "システム",
        };
        insert_entry(
            &mut tx,
            org,
            case,
            now,
            EntryKind::Record,
            &format!("影響範囲に追加（{what}）: {label}"),
            None,
            actor,
        )
        .await?;
        let change = case_change(&c, "case.scope", format!("case {}: scope {label}", c.title))
            .with(json!(null), json!({ "kind": kind, "ref_id": ref_id, "label": label }));
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The case's scope, in the order it was added.
    pub async fn case_scope(&self, org: OrgId, case: CaseId) -> Result<Vec<ScopeItem>> {
        let rows = self
            .pool
            .conn()
            .await?
            .fetch_all(
                "SELECT id, kind, ref_id, label FROM case_scope WHERE org_id = $1 AND case_id = $2 ORDER BY id".into(),
                args![org.get(), case.get()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ScopeItem {
                    id: r.int("id")?,
                    kind: r.text("kind")?,
                    ref_id: r.opt_int("ref_id")?,
                    label: r.text("label")?,
                })
            })
            .collect()
    }

    /// Notes an indicator of compromise on a case.
    pub async fn add_case_ioc(
        &self,
        org: OrgId,
        case: CaseId,
        kind: IocKind,
        value: &str,
        note: Option<&str>,
        actor: &Actor,
    ) -> Result<i64> {
        let c = self.case(org, case).await?;
        let now = Timestamp::now();
        let mut tx = self.pool.write().await?;
        let row = tx
            .fetch_one(
                "INSERT INTO case_iocs (org_id, case_id, kind, value, note, added_by, added_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
                    .into(),
                args![org.get(), case.get(), kind.code(), value, note, actor.name.as_str(), format_ts(now)],
            )
            .await?;
        let id = row.int("id")?;
        insert_entry(
            &mut tx,
            org,
            case,
            now,
            EntryKind::Record,
            &format!("IOC（{}）: {value}", kind.ja()),
            None,
            actor,
        )
        .await?;
        let change = case_change(&c, "case.ioc", format!("case {}: ioc {value}", c.title))
            .with(json!(null), json!({ "kind": kind.code(), "value": value }));
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Indicators of one case (`Some`) or of every case of the organisation (`None`), which
    /// detection searches logs for.
    pub async fn case_iocs(&self, org: OrgId, case: Option<CaseId>) -> Result<Vec<CaseIoc>> {
        let (sql, params) = match case {
            Some(c) => (
                "SELECT id, case_id, kind, value, note, added_by, added_at FROM case_iocs \
                 WHERE org_id = $1 AND case_id = $2 ORDER BY id",
                args![org.get(), c.get()],
            ),
            None => (
                "SELECT id, case_id, kind, value, note, added_by, added_at FROM case_iocs WHERE org_id = $1 ORDER BY id",
                args![org.get()],
            ),
        };
        let rows = self.pool.conn().await?.fetch_all(sql.into(), params).await?;
        rows.iter()
            .map(|r| {
                let kind = r.text("kind")?;
                Ok(CaseIoc {
                    id: r.int("id")?,
                    case: CaseId::new(r.int("case_id")?),
                    kind: IocKind::from_code(&kind).ok_or_else(|| Error::Corrupt(format!("ioc kind {kind:?}")))?,
                    value: r.text("value")?,
                    note: r.opt_text("note")?,
                    added_by: r.text("added_by")?,
                    added_at: parse_ts(&r.text("added_at")?)?,
                })
            })
            .collect()
    }

    /// Records that the reminder for `deadline` due on `due_on` was sent; `false` when it
    /// already had been (so a reminder goes out once).
    pub async fn claim_case_reminder(&self, case: CaseId, deadline: &str, due_on: Date) -> Result<bool> {
        let mut tx = self.pool.write().await?;
        let n = tx
            .execute(
                "INSERT INTO case_reminders (case_id, deadline, due_on, sent_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT DO NOTHING"
                    .into(),
                args![case.get(), deadline, due_on.to_string(), format_ts(Timestamp::now())],
            )
            .await?;
        tx.commit().await?;
        Ok(n == 1)
    }
}

fn entry_from_row(r: &Row) -> Result<CaseEntry> {
    let kind = r.text("kind")?;
    Ok(CaseEntry {
        id: r.int("id")?,
        at: parse_ts(&r.text("at")?)?,
        written_at: parse_ts(&r.text("written_at")?)?,
        author: r.text("author")?,
        kind: EntryKind::from_code(&kind).ok_or_else(|| Error::Corrupt(format!("entry kind {kind:?}")))?,
        text: r.text("text")?,
        reference: r.opt_text("ref")?,
    })
}
