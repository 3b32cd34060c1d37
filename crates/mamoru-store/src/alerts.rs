//! Detection alerts of an organisation and the suppression rules people leave behind.
//!
//! Detections come in through [`Store::ingest_detections`] (in `alert_ingest`), which groups
//! them; here they are listed, counted and triaged. A false positive writes its suppression
//! rule and the alert's new state in one transaction.

use jiff::Timestamp;
use mamoru_domain::{AlertId, AlertLevel, AlertStatus, FacilityId, OrgId, SuppressionId};
use serde_json::json;

use crate::Store;
use crate::audit::{Actor, Change, append};
use crate::db::{Arg, Exec, Row, and_in, args, bind, in_list};
use crate::error::{Error, Result};
use crate::time::{format_ts, parse_opt_ts, parse_ts};

/// A stored alert: the detections of one rule on one computer of a facility, grouped.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    /// Its id.
    pub id: AlertId,
    /// The facility whose logs raised it.
    pub facility: FacilityId,
    /// The facility's name.
    pub facility_name: String,
    /// The Sigma rule's id (its title when it has none).
    pub rule_id: String,
    /// The rule's title.
    pub rule_title: String,
    /// The rule's level.
    pub level: AlertLevel,
    /// The rule's file.
    pub rule_file: String,
    /// The rule's tags (ATT&CK techniques and tactics).
    pub tags: Vec<String>,
    /// The computer (or device) the events came from.
    pub computer: String,
    /// The event log channel, or the syslog program.
    pub channel: String,
    /// The Windows event id of the first detection.
    pub event_id: Option<u32>,
    /// Event time of the first detection grouped here.
    pub first_seen: Timestamp,
    /// Event time of the last one.
    pub last_seen: Timestamp,
    /// How many detections it groups.
    pub count: u64,
    /// When it was stored.
    pub created_at: Timestamp,
    /// When a detection last joined it.
    pub updated_at: Timestamp,
    /// Where it stands.
    pub status: AlertStatus,
    /// Why a person moved it there.
    pub status_reason: Option<String>,
    /// Who did.
    pub decided_by: Option<String>,
    /// When.
    pub decided_at: Option<Timestamp>,
    /// The suppression rule written when it was marked a false positive.
    pub suppression: Option<SuppressionId>,
    /// The first detection's matched fields and values.
    pub details: Vec<(String, String)>,
    /// The file or receiver it came from.
    pub origin: Option<String>,
}

/// Which alerts to list, most recently active first.
#[derive(Debug, Clone, Default)]
pub struct AlertQuery {
    /// Only these facilities (the ones the user may see); `None` for all.
    pub visible: Option<Vec<FacilityId>>,
    /// Only this facility.
    pub facility: Option<FacilityId>,
    /// Only these states; empty for all.
    pub statuses: Vec<AlertStatus>,
    /// Only this level and above.
    pub min_level: Option<AlertLevel>,
    /// Only these levels; empty for all.
    pub levels: Vec<AlertLevel>,
    /// Only alerts whose rule title or computer contains this (ignoring ASCII case).
    pub text: Option<String>,
    /// Only this rule.
    pub rule_id: Option<String>,
    /// At most this many (default all).
    pub limit: Option<u32>,
    /// Skip this many first (paging with `limit`).
    pub offset: u64,
}

/// Open alerts (new, acknowledged, escalated) counted for the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AlertCounts {
    /// Per level, indexed by [`AlertLevel::rank`] (0 informational .. 4 critical).
    pub open_by_level: [u64; 5],
    /// Nobody has looked at these yet.
    pub new: u64,
    /// Handed up and not settled.
    pub escalated: u64,
}

/// A suppression rule: detections of its rule (on its computer, with its field value) are
/// counted here instead of raising alerts.
#[derive(Debug, Clone, PartialEq)]
pub struct Suppression {
    /// Its id.
    pub id: SuppressionId,
    /// Only this facility's detections; `None` for every facility.
    pub facility: Option<FacilityId>,
    /// The rule it silences.
    pub rule_id: String,
    /// The rule's title, for lists.
    pub rule_title: String,
    /// Only on this computer (compared ignoring ASCII case).
    pub computer: Option<String>,
    /// Only when this matched field has `value` (field and value compared ignoring ASCII case).
    pub field: Option<(String, String)>,
    /// Why it is not an attack.
    pub reason: String,
    /// Who decided.
    pub created_by: String,
    /// When.
    pub created_at: Timestamp,
    /// Detections it has silenced.
    pub hits: u64,
    /// When it last silenced one.
    pub last_hit_at: Option<Timestamp>,
}

/// The scope of a new suppression rule (its rule is the alert's).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewSuppression {
    /// Only this facility; `None` for every facility.
    pub facility: Option<FacilityId>,
    /// Only this computer.
    pub computer: Option<String>,
    /// Only when this matched field has this value.
    pub field: Option<(String, String)>,
}

pub(crate) const ALERT_COLUMNS: &str = "al.id, al.facility_id, al.rule_id, al.rule_title, al.level, al.rule_file, \
    al.tags_json, al.computer, al.channel, al.event_id, al.first_seen, al.last_seen, al.count, al.created_at, \
    al.updated_at, al.status, al.status_reason, al.decided_by, al.decided_at, al.suppression_id, al.details_json, \
    al.origin, f.name AS facility_name";
pub(crate) const ALERT_FROM: &str = "FROM alerts al JOIN facilities f ON f.id = al.facility_id";
const SUPPRESSION_COLUMNS: &str = "id, facility_id, rule_id, rule_title, computer, field, value, reason, created_by, \
    created_at, hits, last_hit_at";

impl Store {
    /// Alerts of the organisation, most recently active first.
    pub async fn alerts(&self, org: OrgId, query: &AlertQuery) -> Result<Vec<Alert>> {
        let (filter, params) = alert_filter(org, query);
        // Both are numbers, not text: formatting them into the SQL injects nothing.
        let limit = match (query.limit, query.offset) {
            (None, 0) => String::new(),
            (l, offset) => format!(" LIMIT {} OFFSET {offset}", l.map_or(i64::MAX, i64::from)),
        };
        let sql = format!(
            "SELECT {ALERT_COLUMNS} {ALERT_FROM} WHERE {filter} ORDER BY al.updated_at DESC, al.severity DESC, al.id DESC{limit}"
        );
        self.pool.conn().await?.fetch_all(sql.into(), params).await?.iter().map(alert_from_row).collect()
    }

    /// How many alerts `query` finds, ignoring its limit and offset (for paging).
    pub async fn count_alerts(&self, org: OrgId, query: &AlertQuery) -> Result<u64> {
        let (filter, params) = alert_filter(org, query);
        let sql = format!("SELECT COUNT(*) AS n {ALERT_FROM} WHERE {filter}");
        let row = self.pool.conn().await?.fetch_one(sql.into(), params).await?;
        Ok(u64::try_from(row.int("n")?).unwrap_or(0))
    }

    /// One alert.
    pub async fn alert(&self, org: OrgId, id: AlertId) -> Result<Alert> {
        let sql = format!("SELECT {ALERT_COLUMNS} {ALERT_FROM} WHERE al.org_id = $1 AND al.id = $2");
        let row = self.pool.conn().await?.fetch_optional(sql.into(), args![org.get(), id.get()]).await?;
        alert_from_row(&row.ok_or(Error::NotFound { what: "alert" })?)
    }

    /// Open alerts among the visible facilities, counted in SQL for the dashboard.
    pub async fn alert_counts(&self, org: OrgId, visible: Option<&[FacilityId]>) -> Result<AlertCounts> {
        let mut params = vec![Arg::from(org.get())];
        let filter = visible.map(|v| and_in(&mut params, "facility_id", v.iter().map(|f| f.get()))).unwrap_or_default();
        let sql = format!(
            "SELECT severity, status, COUNT(*) AS n FROM alerts WHERE org_id = $1 AND status <> 'false_positive'{filter} \
             GROUP BY severity, status"
        );
        let mut counts = AlertCounts::default();
        for r in self.pool.conn().await?.fetch_all(sql.into(), params).await? {
            let n = u64::try_from(r.int("n")?).unwrap_or(0);
            counts.open_by_level[usize::from(AlertLevel::from_rank(r.int("severity")?).rank())] += n;
            match r.text("status")?.as_str() {
                "new" => counts.new += n,
                "escalated" => counts.escalated += n,
                _ => {}
            }
        }
        Ok(counts)
    }

    /// Moves an alert to `status` (acknowledged, escalated, or back to new) with a reason.
    pub async fn set_alert_status(
        &self,
        org: OrgId,
        id: AlertId,
        status: AlertStatus,
        reason: Option<&str>,
        actor: &Actor,
    ) -> Result<()> {
        let before = self.alert(org, id).await?;
        let mut tx = self.pool.write().await?;
        tx.execute(
            "UPDATE alerts SET status = $1, status_reason = $2, decided_by = $3, decided_at = $4 \
             WHERE org_id = $5 AND id = $6"
                .into(),
            args![status.code(), reason, actor.name.as_str(), format_ts(Timestamp::now()), org.get(), id.get()],
        )
        .await?;
        append(&mut tx, Some(org), actor, decided(&before, status, reason, None)).await?;
        tx.commit().await
    }

    /// Marks an alert a false positive and writes the suppression rule that keeps its like
    /// from raising alerts again, in one transaction.
    pub async fn mark_false_positive(
        &self,
        org: OrgId,
        id: AlertId,
        reason: &str,
        scope: &NewSuppression,
        actor: &Actor,
    ) -> Result<SuppressionId> {
        let before = self.alert(org, id).await?;
        let at = format_ts(Timestamp::now());
        let (field, value) = scope.field.clone().unzip();
        let mut tx = self.pool.write().await?;
        let row = tx
            .fetch_one(
                "INSERT INTO alert_suppressions (org_id, facility_id, rule_id, rule_title, computer, field, value, reason, \
                 created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id"
                    .into(),
                args![
                    org.get(),
                    scope.facility.map(FacilityId::get),
                    before.rule_id.as_str(),
                    before.rule_title.as_str(),
                    scope.computer.clone(),
                    field.clone(),
                    value.clone(),
                    reason,
                    actor.name.as_str(),
                    at.as_str()
                ],
            )
            .await?;
        let sid = SuppressionId::new(row.int("id")?);
        tx.execute(
            "UPDATE alerts SET status = $1, status_reason = $2, decided_by = $3, decided_at = $4, suppression_id = $5 \
             WHERE org_id = $6 AND id = $7"
                .into(),
            args![AlertStatus::FalsePositive.code(), reason, actor.name.as_str(), at, sid.get(), org.get(), id.get()],
        )
        .await?;
        let created = Change {
            action: "alert_suppression.create",
            entity: "alert_suppression",
            entity_id: Some(sid.get()),
            facility_id: scope.facility,
            summary: format!(
                "suppress {} ({})",
                before.rule_title,
                scope.computer.as_deref().unwrap_or("any computer")
            ),
            before: None,
            after: Some(json!({
                "rule_id": before.rule_id, "facility_id": scope.facility.map(FacilityId::get),
                "computer": scope.computer, "field": field, "value": value, "reason": reason,
            })),
        };
        let decision = decided(&before, AlertStatus::FalsePositive, Some(reason), Some(sid));
        crate::audit::append_all(&mut tx, Some(org), actor, vec![created, decision]).await?;
        tx.commit().await?;
        Ok(sid)
    }

    /// The organisation's suppression rules (those of the visible facilities and the
    /// organisation-wide ones), newest first.
    pub async fn suppressions(&self, org: OrgId, visible: Option<&[FacilityId]>) -> Result<Vec<Suppression>> {
        let mut params = vec![Arg::from(org.get())];
        let filter = match visible {
            Some(v) => {
                let list = in_list(&mut params, v.iter().map(|f| f.get()));
                if list.is_empty() {
                    " AND facility_id IS NULL".to_owned()
                } else {
                    format!(" AND (facility_id IS NULL OR facility_id IN ({list}))")
                }
            }
            None => String::new(),
        };
        let sql =
            format!("SELECT {SUPPRESSION_COLUMNS} FROM alert_suppressions WHERE org_id = $1{filter} ORDER BY id DESC");
        self.pool.conn().await?.fetch_all(sql.into(), params).await?.iter().map(suppression_from_row).collect()
    }

    /// One suppression rule.
    pub async fn suppression(&self, org: OrgId, id: SuppressionId) -> Result<Suppression> {
        let sql = format!("SELECT {SUPPRESSION_COLUMNS} FROM alert_suppressions WHERE org_id = $1 AND id = $2");
        let row = self.pool.conn().await?.fetch_optional(sql.into(), args![org.get(), id.get()]).await?;
        suppression_from_row(&row.ok_or(Error::NotFound { what: "suppression rule" })?)
    }

    /// Removes a suppression rule: its rule raises alerts again. Alerts it came from keep
    /// their state.
    pub async fn delete_suppression(&self, org: OrgId, id: SuppressionId, actor: &Actor) -> Result<()> {
        let before = self.suppression(org, id).await?;
        let mut tx = self.pool.write().await?;
        tx.execute("DELETE FROM alert_suppressions WHERE org_id = $1 AND id = $2".into(), args![org.get(), id.get()])
            .await?;
        let change = Change {
            action: "alert_suppression.delete",
            entity: "alert_suppression",
            entity_id: Some(id.get()),
            facility_id: before.facility,
            summary: format!("stop suppressing {}", before.rule_title),
            before: Some(json!({
                "rule_id": before.rule_id, "computer": before.computer, "reason": before.reason, "hits": before.hits,
            })),
            after: None,
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await
    }
}

/// The audit entry of a person's decision on an alert.
fn decided(before: &Alert, status: AlertStatus, reason: Option<&str>, suppression: Option<SuppressionId>) -> Change {
    Change {
        action: "alert.decide",
        entity: "alert",
        entity_id: Some(before.id.get()),
        facility_id: Some(before.facility),
        summary: format!("{} on {}: {} → {}", before.rule_title, before.computer, before.status.code(), status.code()),
        before: Some(json!({ "status": before.status.code(), "reason": before.status_reason })),
        after: Some(json!({
            "status": status.code(), "reason": reason, "suppression_id": suppression.map(SuppressionId::get),
        })),
    }
}

fn alert_filter(org: OrgId, query: &AlertQuery) -> (String, Vec<Arg>) {
    let mut params = vec![Arg::from(org.get())];
    let mut filter = String::from("al.org_id = $1");
    if let Some(visible) = &query.visible {
        filter.push_str(&and_in(&mut params, "al.facility_id", visible.iter().map(|f| f.get())));
    }
    if let Some(f) = query.facility {
        filter.push_str(&format!(" AND al.facility_id = {}", bind(&mut params, f.get())));
    }
    if !query.statuses.is_empty() {
        let list = in_list(&mut params, query.statuses.iter().map(|s| s.code()));
        filter.push_str(&format!(" AND al.status IN ({list})"));
    }
    if let Some(l) = query.min_level {
        filter.push_str(&format!(" AND al.severity >= {}", bind(&mut params, i64::from(l.rank()))));
    }
    if !query.levels.is_empty() {
        let list = in_list(&mut params, query.levels.iter().map(|l| l.code()));
        filter.push_str(&format!(" AND al.level IN ({list})"));
    }
    if let Some(r) = &query.rule_id {
        filter.push_str(&format!(" AND al.rule_id = {}", bind(&mut params, r.as_str())));
    }
    if let Some(text) = query.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let p = bind(&mut params, format!("%{}%", crate::assets::escape_like(&text.to_lowercase())));
        filter.push_str(&format!(
            " AND (LOWER(al.rule_title) LIKE {p} ESCAPE '\\' OR LOWER(al.computer) LIKE {p} ESCAPE '\\')"
        ));
    }
    (filter, params)
}

pub(crate) fn alert_from_row(r: &Row) -> Result<Alert> {
    let level = r.text("level")?;
    let status = r.text("status")?;
    let tags: Vec<String> = serde_json::from_str(&r.text("tags_json")?).unwrap_or_default();
    let details: Vec<(String, String)> = serde_json::from_str(&r.text("details_json")?).unwrap_or_default();
    Ok(Alert {
        id: AlertId::new(r.int("id")?),
        facility: FacilityId::new(r.int("facility_id")?),
        facility_name: r.text("facility_name")?,
        rule_id: r.text("rule_id")?,
        rule_title: r.text("rule_title")?,
        level: AlertLevel::from_code(&level).ok_or_else(|| Error::Corrupt(format!("alert level {level:?}")))?,
        rule_file: r.text("rule_file")?,
        tags,
        computer: r.text("computer")?,
        channel: r.text("channel")?,
        event_id: r.opt_int("event_id")?.and_then(|e| u32::try_from(e).ok()),
        first_seen: parse_ts(&r.text("first_seen")?)?,
        last_seen: parse_ts(&r.text("last_seen")?)?,
        count: u64::try_from(r.int("count")?).unwrap_or(0),
        created_at: parse_ts(&r.text("created_at")?)?,
        updated_at: parse_ts(&r.text("updated_at")?)?,
        status: AlertStatus::from_code(&status).ok_or_else(|| Error::Corrupt(format!("alert status {status:?}")))?,
        status_reason: r.opt_text("status_reason")?,
        decided_by: r.opt_text("decided_by")?,
        decided_at: parse_opt_ts(r.opt_text("decided_at")?)?,
        suppression: r.opt_int("suppression_id")?.map(SuppressionId::new),
        details,
        origin: r.opt_text("origin")?,
    })
}

pub(crate) fn suppression_from_row(r: &Row) -> Result<Suppression> {
    let field = match (r.opt_text("field")?, r.opt_text("value")?) {
        (Some(f), Some(v)) => Some((f, v)),
        _ => None,
    };
    Ok(Suppression {
        id: SuppressionId::new(r.int("id")?),
        facility: r.opt_int("facility_id")?.map(FacilityId::new),
        rule_id: r.text("rule_id")?,
        rule_title: r.text("rule_title")?,
        computer: r.opt_text("computer")?,
        field,
        reason: r.text("reason")?,
        created_by: r.text("created_by")?,
        created_at: parse_ts(&r.text("created_at")?)?,
        hits: u64::try_from(r.int("hits")?).unwrap_or(0),
        last_hit_at: parse_opt_ts(r.opt_text("last_hit_at")?)?,
    })
}
