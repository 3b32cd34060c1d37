//! Incident cases: opening one, reading and listing them, and the changes to the record
//! itself (stage, details, report facts, the breach-report decision).
//!
//! Every change also writes a timeline entry (`case_log`) and an audit entry, in the same
//! transaction, so the timeline shows who moved the case and the audit log can prove it.

use std::collections::BTreeMap;

use jiff::Timestamp;
use mamoru_domain::incident::{CaseSeverity, CaseSource, CaseStatus, EntryKind, NewCase};
use mamoru_domain::{CaseId, FacilityId, OrgId};
use serde_json::{Value, json};

use crate::Store;
use crate::audit::{Actor, Change, append};
use crate::case_log::insert_entry;
use crate::db::{Arg, Exec, Row, Tx, and_in, args, bind};
use crate::error::{Error, Result};
use crate::time::{format_ts, parse_opt_ts, parse_ts};

/// A stored case.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// Its id.
    pub id: CaseId,
    /// The facility mainly affected.
    pub facility: FacilityId,
    /// That facility's name.
    pub facility_name: String,
    /// Title.
    pub title: String,
    /// What is known, in a few lines.
    pub summary: Option<String>,
    /// Severity.
    pub severity: CaseSeverity,
    /// Stage.
    pub status: CaseStatus,
    /// What it was opened from.
    pub source: CaseSource,
    /// When it happened, if known.
    pub occurred_at: Option<Timestamp>,
    /// When the organisation became aware (the APPI deadlines count from here).
    pub aware_at: Timestamp,
    /// The breach-report wizard's answers and decision, as the app wrote them.
    pub appi: Option<Value>,
    /// The report facts, by field key.
    pub fields: BTreeMap<String, String>,
    /// Who opened it.
    pub opened_by: String,
    /// When.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// When it was closed.
    pub closed_at: Option<Timestamp>,
}

/// Which cases to list, most recently changed first.
#[derive(Debug, Clone, Default)]
pub struct CaseQuery {
    /// Only these facilities (the ones the user may see); `None` for all.
    pub visible: Option<Vec<FacilityId>>,
    /// Only this facility.
    pub facility: Option<FacilityId>,
    /// Only open cases (not closed).
    pub open_only: bool,
    /// At most this many (default all).
    pub limit: Option<u32>,
}

/// The details of a case a person may correct after opening it.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseDetails {
    /// Title.
    pub title: String,
    /// Severity.
    pub severity: CaseSeverity,
    /// Summary.
    pub summary: Option<String>,
    /// When it happened.
    pub occurred_at: Option<Timestamp>,
    /// When the organisation became aware.
    pub aware_at: Timestamp,
}

const CASE_COLUMNS: &str = "c.id, c.facility_id, f.name AS facility_name, c.title, c.summary, c.severity, c.status, \
     c.source_kind, c.source_id, c.occurred_at, c.aware_at, c.appi_json, c.fields_json, c.opened_by, c.created_at, \
     c.updated_at, c.closed_at";

impl Store {
    /// Opens a case, with its first timeline entry, and returns its id.
    pub async fn open_case(&self, org: OrgId, case: &NewCase, source: CaseSource, actor: &Actor) -> Result<CaseId> {
        // The facility must be the organisation's own.
        self.facility(org, case.facility).await?;
        let at = format_ts(Timestamp::now());
        let mut tx = self.pool.write().await?;
        let row = tx
            .fetch_one(
                "INSERT INTO cases (org_id, facility_id, title, summary, severity, status, source_kind, source_id, \
                 occurred_at, aware_at, fields_json, opened_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '{}', $11, $12, $12) RETURNING id"
                    .into(),
                args![
                    org.get(),
                    case.facility.get(),
                    case.title.as_str(),
                    case.summary.clone(),
                    case.severity.code(),
                    CaseStatus::InitialResponse.code(),
                    source.code(),
                    source.id(),
                    case.occurred_at.map(format_ts),
                    format_ts(case.aware_at),
                    actor.name.as_str(),
                    at.as_str()
                ],
            )
            .await?;
        let id = CaseId::new(row.int("id")?);
        let opened = match source {
            CaseSource::Manual => format!("事案を登録: {}", case.title),
            CaseSource::Alert(a) => format!("アラート #{a} から事案を登録: {}", case.title),
            CaseSource::Finding(f) => format!("脆弱性 #{f} から事案を登録: {}", case.title),
        };
        insert_entry(&mut tx, org, id, case.aware_at, EntryKind::Status, &opened, None, actor).await?;
        let change = Change {
            action: "case.open",
            entity: "case",
            entity_id: Some(id.get()),
            facility_id: Some(case.facility),
            summary: format!("open case {}", case.title),
            before: None,
            after: Some(json!({
                "title": case.title, "severity": case.severity.code(), "source": source.code(),
                "source_id": source.id(), "aware_at": format_ts(case.aware_at),
            })),
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// One case of the organisation.
    pub async fn case(&self, org: OrgId, id: CaseId) -> Result<Case> {
        let sql = format!(
            "SELECT {CASE_COLUMNS} FROM cases c JOIN facilities f ON f.id = c.facility_id \
             WHERE c.org_id = $1 AND c.id = $2"
        );
        let row = self.pool.conn().await?.fetch_optional(sql.into(), args![org.get(), id.get()]).await?;
        case_from_row(&row.ok_or(Error::NotFound { what: "case" })?)
    }

    /// Cases, most recently changed first.
    pub async fn cases(&self, org: OrgId, query: &CaseQuery) -> Result<Vec<Case>> {
        let mut params = vec![Arg::from(org.get())];
        let mut filter = String::from("c.org_id = $1");
        if let Some(visible) = &query.visible {
            filter.push_str(&and_in(&mut params, "c.facility_id", visible.iter().map(|f| f.get())));
        }
        if let Some(f) = query.facility {
            filter.push_str(&format!(" AND c.facility_id = {}", bind(&mut params, f.get())));
        }
        if query.open_only {
            filter.push_str(&format!(" AND c.status <> {}", bind(&mut params, CaseStatus::Closed.code())));
        }
        let limit = query.limit.map(|l| format!(" LIMIT {l}")).unwrap_or_default();
        let sql = format!(
            "SELECT {CASE_COLUMNS} FROM cases c JOIN facilities f ON f.id = c.facility_id WHERE {filter} \
             ORDER BY c.updated_at DESC, c.id DESC{limit}"
        );
        self.pool.conn().await?.fetch_all(sql.into(), params).await?.iter().map(case_from_row).collect()
    }

    /// Every open case of every organisation, for the reminders of report deadlines.
    pub async fn open_cases_everywhere(&self) -> Result<Vec<(OrgId, Case)>> {
        let sql = format!(
            "SELECT c.org_id, {CASE_COLUMNS} FROM cases c JOIN facilities f ON f.id = c.facility_id \
             WHERE c.status <> $1 ORDER BY c.org_id, c.id"
        );
        let rows = self.pool.conn().await?.fetch_all(sql.into(), args![CaseStatus::Closed.code()]).await?;
        rows.iter().map(|r| Ok((OrgId::new(r.int("org_id")?), case_from_row(r)?))).collect()
    }

    /// The open case already opened from this alert or finding, if any.
    pub async fn case_from_source(&self, org: OrgId, source: CaseSource) -> Result<Option<CaseId>> {
        let Some(id) = source.id() else { return Ok(None) };
        let row = self
            .pool
            .conn()
            .await?
            .fetch_optional(
                "SELECT id FROM cases WHERE org_id = $1 AND source_kind = $2 AND source_id = $3 AND status <> $4 \
                 ORDER BY id DESC LIMIT 1"
                    .into(),
                args![org.get(), source.code(), id, CaseStatus::Closed.code()],
            )
            .await?;
        row.map(|r| r.int("id").map(CaseId::new)).transpose()
    }

    /// Moves a case to another stage, with a note on the timeline.
    pub async fn set_case_status(
        &self,
        org: OrgId,
        id: CaseId,
        status: CaseStatus,
        note: Option<&str>,
        actor: &Actor,
    ) -> Result<()> {
        let before = self.case(org, id).await?;
        let now = Timestamp::now();
        let closed_at = (status == CaseStatus::Closed).then(|| format_ts(now));
        let mut tx = self.pool.write().await?;
        tx.execute(
            "UPDATE cases SET status = $1, closed_at = $2, updated_at = $3 WHERE org_id = $4 AND id = $5".into(),
            args![status.code(), closed_at, format_ts(now), org.get(), id.get()],
        )
        .await?;
        let text = match note {
            Some(n) => format!("状況: {} → {}（{n}）", before.status.ja(), status.ja()),
            None => format!("状況: {} → {}", before.status.ja(), status.ja()),
        };
        insert_entry(&mut tx, org, id, now, EntryKind::Status, &text, None, actor).await?;
        let change = case_change(&before, "case.status", format!("case {}: {}", before.title, status.code()))
            .with(json!({ "status": before.status.code() }), json!({ "status": status.code(), "note": note }));
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await
    }

    /// Corrects a case's title, severity, summary and times.
    pub async fn update_case(&self, org: OrgId, id: CaseId, details: &CaseDetails, actor: &Actor) -> Result<()> {
        let before = self.case(org, id).await?;
        let now = Timestamp::now();
        let mut tx = self.pool.write().await?;
        tx.execute(
            "UPDATE cases SET title = $1, severity = $2, summary = $3, occurred_at = $4, aware_at = $5, \
             updated_at = $6 WHERE org_id = $7 AND id = $8"
                .into(),
            args![
                details.title.as_str(),
                details.severity.code(),
                details.summary.clone(),
                details.occurred_at.map(format_ts),
                format_ts(details.aware_at),
                format_ts(now),
                org.get(),
                id.get()
            ],
        )
        .await?;
        if before.aware_at != details.aware_at {
            // The deadlines move with it; the timeline must say why.
            let text = format!("覚知日時を訂正: {} → {}", tokyo(before.aware_at), tokyo(details.aware_at));
            insert_entry(&mut tx, org, id, now, EntryKind::Record, &text, None, actor).await?;
        }
        let change = case_change(&before, "case.update", format!("edit case {}", details.title)).with(
            json!({ "title": before.title, "severity": before.severity.code(), "aware_at": format_ts(before.aware_at) }),
            json!({ "title": details.title, "severity": details.severity.code(), "aware_at": format_ts(details.aware_at) }),
        );
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await
    }

    /// Writes report facts (merged into the record; an empty value removes the fact).
    pub async fn set_case_fields(
        &self,
        org: OrgId,
        id: CaseId,
        values: &BTreeMap<String, String>,
        actor: &Actor,
    ) -> Result<()> {
        let before = self.case(org, id).await?;
        let mut fields = before.fields.clone();
        let mut changed = Vec::new();
        for (k, v) in values {
            let v = v.trim();
            let old = fields.get(k).map(String::as_str).unwrap_or("");
            if old == v {
                continue;
            }
            changed.push(k.clone());
            if v.is_empty() {
                fields.remove(k);
            } else {
                fields.insert(k.clone(), v.to_owned());
            }
        }
        if changed.is_empty() {
            return Ok(());
        }
        let now = Timestamp::now();
        let json_text = serde_json::to_string(&fields).map_err(|e| Error::Corrupt(e.to_string()))?;
        let mut tx = self.pool.write().await?;
        tx.execute(
            "UPDATE cases SET fields_json = $1, updated_at = $2 WHERE org_id = $3 AND id = $4".into(),
            args![json_text, format_ts(now), org.get(), id.get()],
        )
        .await?;
        let text = format!("報告事項を更新: {}", changed.join(", "));
        insert_entry(&mut tx, org, id, now, EntryKind::Record, &text, None, actor).await?;
        let before_vals: BTreeMap<&String, Option<&String>> =
            changed.iter().map(|k| (k, before.fields.get(k))).collect();
        let after_vals: BTreeMap<&String, Option<&String>> = changed.iter().map(|k| (k, fields.get(k))).collect();
        let change = case_change(&before, "case.fields", format!("case {}: {}", before.title, changed.join(", ")))
            .with(json!(before_vals), json!(after_vals));
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await
    }

    /// Stores the breach-report wizard's answers and decision, with a timeline entry that
    /// says what was decided.
    pub async fn set_case_appi(
        &self,
        org: OrgId,
        id: CaseId,
        appi: &Value,
        decided: &str,
        actor: &Actor,
    ) -> Result<()> {
        let before = self.case(org, id).await?;
        let now = Timestamp::now();
        let mut tx = self.pool.write().await?;
        tx.execute(
            "UPDATE cases SET appi_json = $1, updated_at = $2 WHERE org_id = $3 AND id = $4".into(),
            args![appi.to_string(), format_ts(now), org.get(), id.get()],
        )
        .await?;
        insert_entry(&mut tx, org, id, now, EntryKind::Report, decided, None, actor).await?;
        let change = case_change(&before, "case.appi", format!("case {}: {decided}", before.title))
            .with(before.appi.clone().unwrap_or(Value::Null), appi.clone());
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await
    }
}

/// Marks a case changed (its list order follows its last change).
pub(crate) async fn touch(tx: &mut Tx, org: OrgId, id: CaseId, at: Timestamp) -> Result<()> {
    let n = tx
        .execute(
            "UPDATE cases SET updated_at = $1 WHERE org_id = $2 AND id = $3".into(),
            args![format_ts(at), org.get(), id.get()],
        )
        .await?;
    if n == 0 {
        return Err(Error::NotFound { what: "case" });
    }
    Ok(())
}

/// An audit change about a case, filled in by the caller.
pub(crate) fn case_change(case: &Case, action: &'static str, summary: String) -> Change {
    Change {
        action,
        entity: "case",
        entity_id: Some(case.id.get()),
        facility_id: Some(case.facility),
        summary,
        before: None,
        after: None,
    }
}

impl Change {
    /// The record before and after.
    pub(crate) fn with(mut self, before: Value, after: Value) -> Self {
        self.before = Some(before);
        self.after = Some(after);
        self
    }
}

/// `2026-11-20 10:00` in Japan time, for timeline texts.
pub(crate) fn tokyo(t: Timestamp) -> String {
    t.to_zoned(jiff::tz::Offset::constant(9).to_time_zone()).strftime("%Y-%m-%d %H:%M").to_string()
}

fn case_from_row(r: &Row) -> Result<Case> {
    let severity = r.text("severity")?;
    let status = r.text("status")?;
    let appi = r.opt_text("appi_json")?.map(|t| serde_json::from_str(&t)).transpose();
    let fields = serde_json::from_str(&r.text("fields_json")?);
    Ok(Case {
        id: CaseId::new(r.int("id")?),
        facility: FacilityId::new(r.int("facility_id")?),
        facility_name: r.text("facility_name")?,
        title: r.text("title")?,
        summary: r.opt_text("summary")?,
        severity: CaseSeverity::from_code(&severity)
            .ok_or_else(|| Error::Corrupt(format!("case severity {severity:?}")))?,
        status: CaseStatus::from_code(&status).ok_or_else(|| Error::Corrupt(format!("case status {status:?}")))?,
        source: CaseSource::from_parts(&r.text("source_kind")?, r.opt_int("source_id")?),
        occurred_at: parse_opt_ts(r.opt_text("occurred_at")?)?,
        aware_at: parse_ts(&r.text("aware_at")?)?,
        appi: appi.map_err(|e| Error::Corrupt(format!("case appi: {e}")))?,
        fields: fields.map_err(|e| Error::Corrupt(format!("case fields: {e}")))?,
        opened_by: r.text("opened_by")?,
        created_at: parse_ts(&r.text("created_at")?)?,
        updated_at: parse_ts(&r.text("updated_at")?)?,
        closed_at: parse_opt_ts(r.opt_text("closed_at")?)?,
    })
}
