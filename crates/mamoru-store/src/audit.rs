//! The append-only audit log: who changed what, when, with the record before and after.
//!
//! Entries are written only by the store's own change methods, inside the change's
//! transaction, and by [`Store::record`] for events that change nothing (a login, an
//! export). The tables refuse UPDATE and DELETE by trigger, so not even the store can rewrite
//! history.

use jiff::Timestamp;
use mamoru_domain::{FacilityId, OrgId, UserId};
use serde_json::Value;

use crate::Store;
use crate::db::{Exec, Row, Sql, Tx, and_in, args, bind};
use crate::error::Result;
use crate::time::{now, parse_ts};

/// Who makes a change, and from where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The user, when a user acts; `None` for the command line or the system.
    pub user_id: Option<UserId>,
    /// A readable name: the user's e-mail, or `cli`, `system`.
    pub name: String,
    /// Where the change came from: `web 192.0.2.1`, `api 192.0.2.1`, `cli`.
    pub origin: String,
}

impl Actor {
    /// The command line, run by someone with access to the data directory.
    pub fn cli() -> Self {
        let user = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
        Actor { user_id: None, name: format!("cli ({user})"), origin: "cli".into() }
    }

    /// Mamoru itself (demo data, scheduled jobs).
    pub fn system() -> Self {
        Actor { user_id: None, name: "system".into(), origin: "system".into() }
    }
}

/// One change to record.
#[derive(Debug, Clone)]
pub(crate) struct Change {
    pub(crate) action: &'static str,
    pub(crate) entity: &'static str,
    pub(crate) entity_id: Option<i64>,
    pub(crate) facility_id: Option<FacilityId>,
    pub(crate) summary: String,
    pub(crate) before: Option<Value>,
    pub(crate) after: Option<Value>,
}

/// Appends an entry inside the caller's transaction.
pub(crate) async fn append(tx: &mut Tx, org: Option<OrgId>, actor: &Actor, change: Change) -> Result<()> {
    append_all(tx, org, actor, vec![change]).await
}

/// Appends many entries inside the caller's transaction, several per statement.
pub(crate) async fn append_all(tx: &mut Tx, org: Option<OrgId>, actor: &Actor, changes: Vec<Change>) -> Result<()> {
    /// Rows per statement: 12 parameters each stays far below both backends' limits.
    const CHUNK: usize = 100;
    let at = now();
    let mut changes = changes.into_iter().peekable();
    while changes.peek().is_some() {
        let chunk: Vec<Change> = changes.by_ref().take(CHUNK).collect();
        let mut params = Vec::with_capacity(chunk.len() * 12);
        let mut rows = Vec::with_capacity(chunk.len());
        for (i, c) in chunk.into_iter().enumerate() {
            // Fixed SQL: placeholders only.
            let p: Vec<String> = (1..=12).map(|k| format!("${}", i * 12 + k)).collect();
            rows.push(format!("({})", p.join(", ")));
            params.extend(args![
                org.map(OrgId::get),
                at.as_str(),
                actor.user_id.map(UserId::get),
                actor.name.as_str(),
                actor.origin.as_str(),
                c.action,
                c.entity,
                c.entity_id,
                c.facility_id.map(FacilityId::get),
                c.summary,
                c.before.map(|v| v.to_string()),
                c.after.map(|v| v.to_string()),
            ]);
        }
        let sql = format!(
            "INSERT INTO audit_log (org_id, at, actor_user_id, actor, origin, action, entity, entity_id, facility_id, summary, before_json, after_json) VALUES {}",
            rows.join(", ")
        );
        tx.execute(sql.into(), params).await?;
    }
    Ok(())
}

/// A recorded entry.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    /// Its sequence number.
    pub id: i64,
    /// When.
    pub at: Timestamp,
    /// The acting user, if a user acted.
    pub actor_user_id: Option<UserId>,
    /// The actor's name.
    pub actor: String,
    /// Where it came from.
    pub origin: String,
    /// What was done, e.g. `asset.update`, `auth.login_failed`.
    pub action: String,
    /// The kind of record, e.g. `asset`.
    pub entity: String,
    /// The record's id.
    pub entity_id: Option<i64>,
    /// The facility concerned, if any.
    pub facility_id: Option<FacilityId>,
    /// A readable one-line summary, e.g. the asset's name.
    pub summary: String,
    /// The record before the change.
    pub before: Option<Value>,
    /// The record after the change.
    pub after: Option<Value>,
}

/// Which entries to read, newest first.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Only entries about these facilities (plus organisation-wide ones when `None`).
    pub facilities: Option<Vec<FacilityId>>,
    /// Only this kind of record.
    pub entity: Option<String>,
    /// Only entries whose action starts with this (e.g. `auth.`).
    pub action_prefix: Option<String>,
    /// Only this record.
    pub entity_id: Option<i64>,
    /// Only entries older than this id (for paging back).
    pub before_id: Option<i64>,
    /// At most this many (default 100).
    pub limit: Option<u32>,
}

impl Store {
    /// Records an event that changes no record, such as a login or an export.
    pub async fn record(
        &self,
        org: Option<OrgId>,
        actor: &Actor,
        action: &'static str,
        entity: &'static str,
        entity_id: Option<i64>,
        summary: String,
    ) -> Result<()> {
        let mut tx = self.pool.write().await?;
        let change = Change { action, entity, entity_id, facility_id: None, summary, before: None, after: None };
        append(&mut tx, org, actor, change).await?;
        tx.commit().await
    }

    /// Reads the organisation's audit log, newest first.
    pub async fn audit_entries(&self, org: OrgId, query: &AuditQuery) -> Result<Vec<AuditEntry>> {
        let mut sql = String::from(
            "SELECT id, at, actor_user_id, actor, origin, action, entity, entity_id, facility_id, summary, before_json, after_json
             FROM audit_log WHERE org_id = $1",
        );
        let mut params = args![org.get()];
        if let Some(facilities) = &query.facilities {
            sql.push_str(&and_in(&mut params, "facility_id", facilities.iter().map(|f| f.get())));
        }
        if let Some(entity) = &query.entity {
            sql.push_str(&format!(" AND entity = {}", bind(&mut params, entity.as_str())));
        }
        if let Some(prefix) = &query.action_prefix {
            let pattern = format!("{}%", crate::assets::escape_like(prefix));
            sql.push_str(&format!(" AND action LIKE {} ESCAPE '\\'", bind(&mut params, pattern)));
        }
        if let Some(id) = query.entity_id {
            sql.push_str(&format!(" AND entity_id = {}", bind(&mut params, id)));
        }
        if let Some(before) = query.before_id {
            sql.push_str(&format!(" AND id < {}", bind(&mut params, before)));
        }
        let limit = bind(&mut params, i64::from(query.limit.unwrap_or(100).min(10_000)));
        sql.push_str(&format!(" ORDER BY id DESC LIMIT {limit}"));
        let rows = self.pool.conn().await?.fetch_all(Sql::Owned(sql), params).await?;
        rows.iter().map(entry_from_row).collect()
    }
}

fn entry_from_row(r: &Row) -> Result<AuditEntry> {
    let json =
        |col: &str| -> Result<Option<Value>> { Ok(r.opt_text(col)?.and_then(|s| serde_json::from_str(&s).ok())) };
    Ok(AuditEntry {
        id: r.int("id")?,
        at: parse_ts(&r.text("at")?)?,
        actor_user_id: r.opt_int("actor_user_id")?.map(UserId::new),
        actor: r.text("actor")?,
        origin: r.text("origin")?,
        action: r.text("action")?,
        entity: r.text("entity")?,
        entity_id: r.opt_int("entity_id")?,
        facility_id: r.opt_int("facility_id")?.map(FacilityId::new),
        summary: r.text("summary")?,
        before: json("before_json")?,
        after: json("after_json")?,
    })
}
