//! Plans for management: a facility's cost-estimate assumptions, the roadmap's approvals and
//! the facility's on-site inspection dates (立入検査). Every change is audited.

use jiff::Timestamp;
use jiff::civil::Date;
use mamoru_domain::readiness::FiscalYear;
use mamoru_domain::{FacilityId, OrgId};
use serde_json::json;

use crate::Store;
use crate::audit::{Actor, Change, append};
use crate::db::{Exec, Row, args};
use crate::error::{Error, Result};
use crate::time::{now, parse_ts};

/// A facility's saved cost assumptions: `(key, value)`; keys left out use the defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedCost {
    /// The figures the facility gave.
    pub values: Vec<(String, i64)>,
    /// Who saved them.
    pub updated_by: String,
    /// When.
    pub updated_at: Timestamp,
}

/// A recorded approval of a facility's roadmap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoadmapApproval {
    /// Its row id.
    pub id: i64,
    /// The fiscal year the plan was made in.
    pub fiscal_year: FiscalYear,
    /// Who approved it (an executive, by name).
    pub approved_by: String,
    /// The day.
    pub approved_on: Date,
    /// A remark.
    pub note: Option<String>,
    /// The gaps the approved plan held, sorted.
    pub gap_keys: Vec<String>,
    /// Who recorded the approval in Mamoru.
    pub recorded_by: String,
    /// When.
    pub recorded_at: Timestamp,
}

/// A facility's on-site inspection dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectionDates {
    /// The facility.
    pub facility: FacilityId,
    /// The last inspection.
    pub last_on: Option<Date>,
    /// The next one expected (次回立入検査予定日).
    pub next_on: Option<Date>,
    /// A remark (the notice received, the office).
    pub note: Option<String>,
    /// Who recorded them.
    pub updated_by: String,
    /// When.
    pub updated_at: Timestamp,
}

impl Store {
    /// Replaces the facility's cost assumptions, with its audit entry.
    pub async fn save_cost_assumptions(
        &self,
        org: OrgId,
        facility: FacilityId,
        values: &[(String, i64)],
        actor: &Actor,
    ) -> Result<()> {
        let mut tx = self.pool.write().await?;
        crate::facilities::ensure_in_org(&mut tx, org, facility).await?;
        let before = cost(&mut tx, org, facility).await?;
        tx.execute(
            "DELETE FROM cost_assumptions WHERE org_id = $1 AND facility_id = $2".into(),
            args![org.get(), facility.get()],
        )
        .await?;
        let map: serde_json::Map<String, serde_json::Value> =
            values.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
        let after = serde_json::Value::Object(map);
        let row = tx
            .fetch_one(
                "INSERT INTO cost_assumptions (org_id, facility_id, assumptions, updated_by, updated_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id"
                    .into(),
                args![org.get(), facility.get(), after.to_string(), actor.name.as_str(), now()],
            )
            .await?;
        let change = Change {
            action: "plans.cost",
            entity: "cost_assumptions",
            entity_id: Some(row.int("id")?),
            facility_id: Some(facility),
            summary: format!("被害額試算の前提（{}項目）", values.len()),
            before: before.map(|b| json!(b.values.into_iter().collect::<std::collections::BTreeMap<_, _>>())),
            after: Some(after),
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await
    }

    /// The facility's saved cost assumptions, if any.
    pub async fn cost_assumptions(&self, org: OrgId, facility: FacilityId) -> Result<Option<SavedCost>> {
        cost(&mut self.pool.conn().await?, org, facility).await
    }

    /// Records an approval of the facility's roadmap, with its audit entry; returns its id.
    #[allow(clippy::too_many_arguments)] // one row's columns, each named at the call
    pub async fn approve_roadmap(
        &self,
        org: OrgId,
        facility: FacilityId,
        fiscal_year: FiscalYear,
        approved_by: &str,
        approved_on: Date,
        note: Option<&str>,
        gap_keys: &[String],
        actor: &Actor,
    ) -> Result<i64> {
        let mut tx = self.pool.write().await?;
        crate::facilities::ensure_in_org(&mut tx, org, facility).await?;
        let keys = json!(gap_keys).to_string();
        let row = tx
            .fetch_one(
                "INSERT INTO roadmap_approvals (org_id, facility_id, fiscal_year, approved_by, approved_on, note, \
                 gap_keys, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"
                    .into(),
                args![
                    org.get(),
                    facility.get(),
                    i64::from(fiscal_year.year()),
                    approved_by,
                    approved_on.to_string(),
                    note,
                    keys,
                    actor.name.as_str(),
                    now()
                ],
            )
            .await?;
        let id = row.int("id")?;
        let change = Change {
            action: "plans.roadmap_approve",
            entity: "roadmap_approval",
            entity_id: Some(id),
            facility_id: Some(facility),
            summary: format!("ロードマップ承認: {approved_by}（{approved_on}、{}件）", gap_keys.len()),
            before: None,
            after: Some(json!({"fiscal_year": fiscal_year.year(), "approved_by": approved_by,
                "approved_on": approved_on.to_string(), "note": note, "gaps": gap_keys})),
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The facility's roadmap approvals, newest first.
    pub async fn roadmap_approvals(&self, org: OrgId, facility: FacilityId) -> Result<Vec<RoadmapApproval>> {
        let rows = self
            .pool
            .conn()
            .await?
            .fetch_all(
                "SELECT id, fiscal_year, approved_by, approved_on, note, gap_keys, recorded_by, recorded_at \
                 FROM roadmap_approvals WHERE org_id = $1 AND facility_id = $2 ORDER BY id DESC"
                    .into(),
                args![org.get(), facility.get()],
            )
            .await?;
        rows.iter().map(approval_from_row).collect()
    }

    /// Records the facility's inspection dates (replacing what was there), with its audit entry.
    pub async fn set_inspection_dates(
        &self,
        org: OrgId,
        facility: FacilityId,
        last_on: Option<Date>,
        next_on: Option<Date>,
        note: Option<&str>,
        actor: &Actor,
    ) -> Result<()> {
        let mut tx = self.pool.write().await?;
        crate::facilities::ensure_in_org(&mut tx, org, facility).await?;
        let before = dates(&mut tx, org, facility).await?;
        tx.execute(
            "DELETE FROM inspection_dates WHERE org_id = $1 AND facility_id = $2".into(),
            args![org.get(), facility.get()],
        )
        .await?;
        let row = tx
            .fetch_one(
                "INSERT INTO inspection_dates (org_id, facility_id, last_on, next_on, note, updated_by, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
                    .into(),
                args![
                    org.get(),
                    facility.get(),
                    last_on.map(|d| d.to_string()),
                    next_on.map(|d| d.to_string()),
                    note,
                    actor.name.as_str(),
                    now()
                ],
            )
            .await?;
        let shown = |d: Option<Date>| d.map_or_else(|| "未定".to_owned(), |d| d.to_string());
        let change = Change {
            action: "plans.inspection_dates",
            entity: "inspection_dates",
            entity_id: Some(row.int("id")?),
            facility_id: Some(facility),
            summary: format!("立入検査: 前回 {}、次回予定 {}", shown(last_on), shown(next_on)),
            before: before.map(|b| dates_json(b.last_on, b.next_on, b.note.as_deref())),
            after: Some(dates_json(last_on, next_on, note)),
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await
    }

    /// The facility's inspection dates, if recorded.
    pub async fn inspection_dates(&self, org: OrgId, facility: FacilityId) -> Result<Option<InspectionDates>> {
        dates(&mut self.pool.conn().await?, org, facility).await
    }
}

fn dates_json(last: Option<Date>, next: Option<Date>, note: Option<&str>) -> serde_json::Value {
    json!({"last_on": last.map(|d| d.to_string()), "next_on": next.map(|d| d.to_string()), "note": note})
}

async fn cost(ex: &mut impl Exec, org: OrgId, facility: FacilityId) -> Result<Option<SavedCost>> {
    let row = ex
        .fetch_optional(
            "SELECT assumptions, updated_by, updated_at FROM cost_assumptions WHERE org_id = $1 AND facility_id = $2"
                .into(),
            args![org.get(), facility.get()],
        )
        .await?;
    let Some(r) = row else { return Ok(None) };
    let text = r.text("assumptions")?;
    let bad = || Error::Corrupt(format!("cost assumptions: {text:?}"));
    let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text).map_err(|_| bad())?;
    let values = map.iter().map(|(k, v)| v.as_i64().map(|n| (k.clone(), n)).ok_or_else(bad)).collect::<Result<_>>()?;
    Ok(Some(SavedCost { values, updated_by: r.text("updated_by")?, updated_at: parse_ts(&r.text("updated_at")?)? }))
}

async fn dates(ex: &mut impl Exec, org: OrgId, facility: FacilityId) -> Result<Option<InspectionDates>> {
    let row = ex
        .fetch_optional(
            "SELECT facility_id, last_on, next_on, note, updated_by, updated_at FROM inspection_dates \
             WHERE org_id = $1 AND facility_id = $2"
                .into(),
            args![org.get(), facility.get()],
        )
        .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(InspectionDates {
        facility: FacilityId::new(r.int("facility_id")?),
        last_on: date(&r, "last_on")?,
        next_on: date(&r, "next_on")?,
        note: r.opt_text("note")?,
        updated_by: r.text("updated_by")?,
        updated_at: parse_ts(&r.text("updated_at")?)?,
    }))
}

fn approval_from_row(r: &Row) -> Result<RoadmapApproval> {
    let fy = r.int("fiscal_year")?;
    let text = r.text("gap_keys")?;
    let gap_keys: Vec<String> =
        serde_json::from_str(&text).map_err(|_| Error::Corrupt(format!("roadmap gap keys: {text:?}")))?;
    Ok(RoadmapApproval {
        id: r.int("id")?,
        fiscal_year: i16::try_from(fy)
            .ok()
            .and_then(FiscalYear::new)
            .ok_or_else(|| Error::Corrupt(format!("roadmap fiscal year {fy}")))?,
        approved_by: r.text("approved_by")?,
        approved_on: date(r, "approved_on")?.ok_or_else(|| Error::Corrupt("roadmap approval without a day".into()))?,
        note: r.opt_text("note")?,
        gap_keys,
        recorded_by: r.text("recorded_by")?,
        recorded_at: parse_ts(&r.text("recorded_at")?)?,
    })
}

fn date(r: &Row, name: &str) -> Result<Option<Date>> {
    r.opt_text(name)?
        .map(|s| s.parse().map_err(|_| Error::Corrupt(format!("column {name}: {s:?} is not a date"))))
        .transpose()
}
