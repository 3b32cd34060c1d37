//! The cyber-attack BCP per facility: its sections' text, the last review and who approved it,
//! and per-system targets (RTO), risks and manual fallbacks. Every save is audited.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use mamoru_domain::{FacilityId, OrgId};
use serde_json::json;

use crate::Store;
use crate::audit::{Actor, Change, append};
use crate::db::{Exec, Row, args};
use crate::error::{Error, Result};
use crate::time::{now, parse_ts};

/// What a save of the BCP carries.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BcpInput {
    /// Section code → text (codes of `mamoru_domain::readiness::bcp::Section`).
    pub sections: BTreeMap<String, String>,
    /// The last review (approval) with who approved it; `None` while a draft.
    pub approved: Option<(Date, String)>,
}

/// A facility's stored BCP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BcpPlan {
    /// The facility.
    pub facility: FacilityId,
    /// What was saved.
    pub input: BcpInput,
    /// Saves so far (1 for the first).
    pub version: i64,
    /// Who saved last.
    pub updated_by: String,
    /// When.
    pub updated_at: Timestamp,
}

/// One system's row of the BCP.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BcpSystem {
    /// The system's name, as the backup jobs or the register name it.
    pub system: String,
    /// Target recovery time (RTO) in minutes.
    pub rto_minutes: Option<u32>,
    /// The risk when it stops.
    pub risk: String,
    /// The manual fallback (紙運用 etc.).
    pub fallback: String,
}

impl Store {
    /// Saves the facility's BCP (a new version), with its audit entry.
    pub async fn save_bcp(&self, org: OrgId, facility: FacilityId, input: &BcpInput, actor: &Actor) -> Result<i64> {
        let mut tx = self.pool.write().await?;
        crate::facilities::ensure_in_org(&mut tx, org, facility).await?;
        let before = plan(&mut tx, org, facility).await?;
        let version = before.as_ref().map_or(1, |p| p.version + 1);
        let sections = serde_json::to_string(&input.sections).map_err(|e| Error::Corrupt(e.to_string()))?;
        let (reviewed, approver) = match &input.approved {
            Some((d, who)) => (Some(d.to_string()), Some(who.clone())),
            None => (None, None),
        };
        tx.execute(
            "DELETE FROM bcp_plans WHERE org_id = $1 AND facility_id = $2".into(),
            args![org.get(), facility.get()],
        )
        .await?;
        tx.execute(
            "INSERT INTO bcp_plans (org_id, facility_id, sections, reviewed_on, approved_by, version, updated_by, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                .into(),
            args![org.get(), facility.get(), sections, reviewed, approver, version, actor.name.as_str(), now()],
        )
        .await?;
        let summary = match &input.approved {
            Some((d, who)) => format!("BCP 第{version}版（{d} 承認 {who}）"),
            None => format!("BCP 第{version}版（下書き）"),
        };
        let change = Change {
            action: "bcp.save",
            entity: "bcp_plan",
            entity_id: Some(facility.get()),
            facility_id: Some(facility),
            summary,
            before: before.as_ref().map(|p| plan_json(&p.input, p.version)),
            after: Some(plan_json(input, version)),
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await?;
        Ok(version)
    }

    /// The facility's BCP, if one was saved.
    pub async fn bcp(&self, org: OrgId, facility: FacilityId) -> Result<Option<BcpPlan>> {
        plan(&mut self.pool.conn().await?, org, facility).await
    }

    /// Saves one system's row of the BCP, with its audit entry.
    pub async fn save_bcp_system(
        &self,
        org: OrgId,
        facility: FacilityId,
        row: &BcpSystem,
        actor: &Actor,
    ) -> Result<()> {
        let mut tx = self.pool.write().await?;
        crate::facilities::ensure_in_org(&mut tx, org, facility).await?;
        tx.execute(
            "DELETE FROM bcp_systems WHERE org_id = $1 AND facility_id = $2 AND system = $3".into(),
            args![org.get(), facility.get(), row.system.as_str()],
        )
        .await?;
        tx.execute(
            "INSERT INTO bcp_systems (org_id, facility_id, system, rto_minutes, risk, fallback, updated_by, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                .into(),
            args![
                org.get(),
                facility.get(),
                row.system.as_str(),
                row.rto_minutes.map(i64::from),
                row.risk.as_str(),
                row.fallback.as_str(),
                actor.name.as_str(),
                now()
            ],
        )
        .await?;
        let rto = row.rto_minutes.map_or("未設定".to_owned(), |m| format!("{m}分"));
        let change = Change {
            action: "bcp.system",
            entity: "bcp_system",
            entity_id: None,
            facility_id: Some(facility),
            summary: format!("BCP {}: 目標復旧時間 {rto}", row.system),
            before: None,
            after: Some(
                json!({"system": row.system, "rto_minutes": row.rto_minutes, "risk": row.risk, "fallback": row.fallback}),
            ),
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await
    }

    /// The facility's per-system rows, by name.
    pub async fn bcp_systems(&self, org: OrgId, facility: FacilityId) -> Result<Vec<BcpSystem>> {
        let rows = self
            .pool
            .conn()
            .await?
            .fetch_all(
                "SELECT system, rto_minutes, risk, fallback FROM bcp_systems WHERE org_id = $1 AND facility_id = $2 \
                 ORDER BY system"
                    .into(),
                args![org.get(), facility.get()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(BcpSystem {
                    system: r.text("system")?,
                    rto_minutes: r.opt_int("rto_minutes")?.map(|m| u32::try_from(m).unwrap_or(u32::MAX)),
                    risk: r.text("risk")?,
                    fallback: r.text("fallback")?,
                })
            })
            .collect()
    }
}

async fn plan(ex: &mut impl Exec, org: OrgId, facility: FacilityId) -> Result<Option<BcpPlan>> {
    let row = ex
        .fetch_optional(
            "SELECT facility_id, sections, reviewed_on, approved_by, version, updated_by, updated_at FROM bcp_plans \
             WHERE org_id = $1 AND facility_id = $2"
                .into(),
            args![org.get(), facility.get()],
        )
        .await?;
    row.as_ref().map(plan_from_row).transpose()
}

fn plan_from_row(r: &Row) -> Result<BcpPlan> {
    let text = r.text("sections")?;
    let sections = serde_json::from_str(&text).map_err(|_| Error::Corrupt(format!("bcp sections: {text:?}")))?;
    let approved = match (date(r, "reviewed_on")?, r.opt_text("approved_by")?) {
        (Some(d), Some(who)) => Some((d, who)),
        _ => None,
    };
    Ok(BcpPlan {
        facility: FacilityId::new(r.int("facility_id")?),
        input: BcpInput { sections, approved },
        version: r.int("version")?,
        updated_by: r.text("updated_by")?,
        updated_at: parse_ts(&r.text("updated_at")?)?,
    })
}

fn plan_json(p: &BcpInput, version: i64) -> serde_json::Value {
    json!({
        "version": version,
        "sections": p.sections,
        "reviewed_on": p.approved.as_ref().map(|(d, _)| d.to_string()),
        "approved_by": p.approved.as_ref().map(|(_, w)| w),
    })
}

pub(crate) fn date(r: &Row, name: &str) -> Result<Option<Date>> {
    r.opt_text(name)?
        .map(|s| s.parse().map_err(|_| Error::Corrupt(format!("column {name}: {s:?} is not a date"))))
        .transpose()
}
