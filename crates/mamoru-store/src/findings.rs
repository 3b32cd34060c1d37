//! Vulnerability findings of an organisation, their lifecycle, and the ranking policy.
//!
//! Matching happens in the app (with the `mamoru-vuln` engine); the store applies a match's
//! result to the stored findings in one transaction, following
//! [`FindingStatus::after_rematch`], so a person's decision is never overwritten by a re-run.

use jiff::Timestamp;
use jiff::civil::Date;
use mamoru_domain::{Asset, AssetId, FacilityId, FindingId, FindingStatus, OrgId, Policy};
use serde_json::json;

use crate::Store;
use crate::assets::{COLUMNS, asset_from_row};
use crate::audit::{Actor, Change, append};
use crate::db::{Arg, Exec, Row, and_in, args, bind, in_list};
use crate::error::{Error, Result};
use crate::time::{format_ts, parse_opt_date, parse_opt_ts, parse_ts};

/// What matching found for one vulnerability on one asset now.
#[derive(Debug, Clone, PartialEq)]
pub struct Matched {
    /// The asset.
    pub asset: AssetId,
    /// Its facility.
    pub facility: FacilityId,
    /// The CVE (or JVNDB id when there is no CVE).
    pub vuln_id: String,
    /// The advisory the match rests on.
    pub advisory_id: String,
    /// Its source (`nvd`, `cve5`, `jvn`).
    pub source: String,
    /// `exact`, `name` or `fuzzy`.
    pub confidence: String,
    /// Why it matched, in one line.
    pub why: String,
    /// The same in Japanese.
    pub why_ja: String,
    /// The CPE or statement matched.
    pub criteria: String,
    /// The asset's version when matched.
    pub version: Option<String>,
    /// In CISA KEV.
    pub kev: bool,
    /// Used by ransomware.
    pub ransomware: bool,
    /// EPSS score.
    pub epss: Option<f64>,
    /// Highest CVSS base score.
    pub cvss: Option<f64>,
    /// 1 (most urgent) to 5.
    pub priority: u8,
    /// Why that priority.
    pub priority_reason: String,
    /// Days allowed from when it was found.
    pub due_days: u16,
}

/// A stored finding with the names a list shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Its id.
    pub id: FindingId,
    /// The state of the match and the ranking when last matched.
    pub matched: Matched,
    /// The asset's name.
    pub asset_name: String,
    /// The asset's category code.
    pub asset_category: String,
    /// Whether the asset is internet-facing.
    pub internet_facing: bool,
    /// The facility's name.
    pub facility_name: String,
    /// Where it stands.
    pub status: FindingStatus,
    /// When first found (or re-opened).
    pub first_seen: Timestamp,
    /// When a match last changed it (found, re-ranked, re-opened).
    pub last_seen: Timestamp,
    /// The Asia/Tokyo day it was found; `due` counts from it.
    pub found_on: Date,
    /// When it must be dealt with.
    pub due: Date,
    /// When it was fixed.
    pub resolved_at: Option<Timestamp>,
    /// Why a person mitigated, accepted or rejected it.
    pub decision_reason: Option<String>,
    /// Until when an acceptance holds.
    pub decision_expires: Option<Date>,
    /// Who decided.
    pub decided_by: Option<String>,
    /// When.
    pub decided_at: Option<Timestamp>,
}

/// Which findings to list.
#[derive(Debug, Clone, Default)]
pub struct FindingQuery {
    /// Only these facilities (the ones the user may see); `None` for all.
    pub visible: Option<Vec<FacilityId>>,
    /// Only this facility.
    pub facility: Option<FacilityId>,
    /// Only this asset.
    pub asset: Option<AssetId>,
    /// Only these findings (when not empty).
    pub ids: Vec<FindingId>,
    /// Only these states; empty for all.
    pub statuses: Vec<FindingStatus>,
    /// Only known-exploited ones.
    pub kev_only: bool,
    /// Only on perimeter devices: VPN, UTM/firewall, router, remote-maintenance line, or
    /// internet-facing.
    pub perimeter_only: bool,
    /// Only this priority (1..=5).
    pub priority: Option<u8>,
    /// Only those due before this day (overdue, when it is today).
    pub due_before: Option<Date>,
    /// At most this many (default all).
    pub limit: Option<u32>,
    /// Skip this many first (paging with `limit`).
    pub offset: u64,
}

/// Open findings counted for the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OpenCounts {
    /// Per priority 1..=5.
    pub by_priority: [u64; 5],
    /// Known exploited.
    pub kev: u64,
    /// Past their due date.
    pub overdue: u64,
}

/// A person's decision on a finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// The new state: open again, mitigated, accepted or rejected.
    pub status: FindingStatus,
    /// Why.
    pub reason: Option<String>,
    /// Until when an acceptance holds.
    pub expires: Option<Date>,
}

/// What a re-match changed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rematched {
    /// Findings new to the store.
    pub new: Vec<FindingId>,
    /// Fixed or expired findings that apply again.
    pub reopened: Vec<FindingId>,
    /// Findings that no longer apply.
    pub fixed: usize,
    /// Findings that were already there and still apply.
    pub unchanged: usize,
    /// Findings already there that CISA now lists as known exploited.
    pub newly_kev: Vec<FindingId>,
}

const FINDING_COLUMNS: &str = "fi.id, fi.asset_id, fi.facility_id, fi.vuln_id, fi.advisory_id, fi.source, fi.confidence, \
    fi.why, fi.why_ja, fi.criteria, fi.matched_version, fi.kev, fi.ransomware, fi.epss, fi.cvss, fi.priority, fi.priority_reason, \
    fi.status, fi.first_seen, fi.last_seen, fi.found_on, fi.due, fi.resolved_at, fi.decision_reason, \
    fi.decision_expires, fi.decided_by, fi.decided_at, a.name AS asset_name, a.category AS asset_category, \
    a.internet_facing AS asset_internet_facing, f.name AS facility_name";
/// Perimeter devices, as `Exposure::is_perimeter` decides from the register's fields.
const PERIMETER: &str =
    "(a.category IN ('vpn', 'firewall', 'router') OR a.remote_maintenance = TRUE OR a.internet_facing = TRUE)";
const FINDING_FROM: &str =
    "FROM findings fi JOIN assets a ON a.id = fi.asset_id JOIN facilities f ON f.id = fi.facility_id";

impl Store {
    /// The organisation's assets to match: all of them, or only `only`.
    pub async fn assets_to_match(&self, org: OrgId, only: Option<&[AssetId]>) -> Result<Vec<Asset>> {
        let mut params = vec![Arg::from(org.get())];
        let filter = only.map(|ids| and_in(&mut params, "a.id", ids.iter().map(|i| i.get()))).unwrap_or_default();
        let sql = format!("SELECT {COLUMNS} FROM assets a WHERE a.org_id = $1{filter} ORDER BY a.id");
        self.pool.conn().await?.fetch_all(sql.into(), params).await?.iter().map(asset_from_row).collect()
    }

    /// The organisation's perimeter devices among the visible facilities, by facility and name.
    pub async fn perimeter_assets(&self, org: OrgId, visible: Option<&[FacilityId]>) -> Result<Vec<Asset>> {
        let mut params = vec![Arg::from(org.get())];
        let filter =
            visible.map(|v| and_in(&mut params, "a.facility_id", v.iter().map(|f| f.get()))).unwrap_or_default();
        let sql = format!(
            "SELECT {COLUMNS} FROM assets a WHERE a.org_id = $1{filter} AND {PERIMETER} ORDER BY a.facility_id, a.name LIMIT 500"
        );
        self.pool.conn().await?.fetch_all(sql.into(), params).await?.iter().map(asset_from_row).collect()
    }

    /// Findings of the organisation, most urgent first.
    pub async fn findings(&self, org: OrgId, query: &FindingQuery) -> Result<Vec<Finding>> {
        let mut params = vec![Arg::from(org.get())];
        let mut filter = String::from("fi.org_id = $1");
        if let Some(visible) = &query.visible {
            filter.push_str(&and_in(&mut params, "fi.facility_id", visible.iter().map(|f| f.get())));
        }
        if let Some(f) = query.facility {
            filter.push_str(&format!(" AND fi.facility_id = {}", bind(&mut params, f.get())));
        }
        if !query.ids.is_empty() {
            filter.push_str(&and_in(&mut params, "fi.id", query.ids.iter().map(|i| i.get())));
        }
        if let Some(a) = query.asset {
            filter.push_str(&format!(" AND fi.asset_id = {}", bind(&mut params, a.get())));
        }
        if !query.statuses.is_empty() {
            let list = in_list(&mut params, query.statuses.iter().map(|s| s.code()));
            filter.push_str(&format!(" AND fi.status IN ({list})"));
        }
        if query.kev_only {
            filter.push_str(" AND fi.kev = TRUE");
        }
        if query.perimeter_only {
            filter.push_str(&format!(" AND {PERIMETER}"));
        }
        if let Some(p) = query.priority {
            filter.push_str(&format!(" AND fi.priority = {}", bind(&mut params, i64::from(p))));
        }
        if let Some(d) = query.due_before {
            filter.push_str(&format!(" AND fi.due < {}", bind(&mut params, d.to_string())));
        }
        // Both are numbers, not text: formatting them into the SQL injects nothing.
        // OFFSET needs a LIMIT on SQLite; the largest BIGINT means none on both backends.
        let limit = match (query.limit, query.offset) {
            (None, 0) => String::new(),
            (l, offset) => format!(" LIMIT {} OFFSET {offset}", l.map_or(i64::MAX, i64::from)),
        };
        let sql = format!(
            "SELECT {FINDING_COLUMNS} {FINDING_FROM} WHERE {filter} \
             ORDER BY fi.priority, fi.due, fi.cvss DESC, f.name, a.name, fi.vuln_id, fi.id{limit}"
        );
        self.pool.conn().await?.fetch_all(sql.into(), params).await?.iter().map(finding_from_row).collect()
    }

    /// Open findings among the visible facilities: per priority 1..=5, known exploited, and
    /// due before `today` (overdue), counted in SQL for the dashboard.
    pub async fn open_finding_counts(
        &self,
        org: OrgId,
        visible: Option<&[FacilityId]>,
        today: Date,
    ) -> Result<OpenCounts> {
        let mut params = vec![Arg::from(org.get()), Arg::from(today.to_string())];
        let filter = visible.map(|v| and_in(&mut params, "facility_id", v.iter().map(|f| f.get()))).unwrap_or_default();
        let sql = format!(
            "SELECT priority, COUNT(*) AS n, SUM(CASE WHEN kev THEN 1 ELSE 0 END) AS kev, \
             SUM(CASE WHEN due < $2 THEN 1 ELSE 0 END) AS overdue FROM findings \
             WHERE org_id = $1 AND status = 'open'{filter} GROUP BY priority"
        );
        let mut counts = OpenCounts::default();
        for r in self.pool.conn().await?.fetch_all(sql.into(), params).await? {
            let n = |col: &str| -> Result<u64> { Ok(u64::try_from(r.opt_int(col)?.unwrap_or(0)).unwrap_or(0)) };
            let slot = usize::try_from(r.int("priority")?.clamp(1, 5) - 1).unwrap_or(4);
            counts.by_priority[slot] += n("n")?;
            counts.kev += n("kev")?;
            counts.overdue += n("overdue")?;
        }
        Ok(counts)
    }

    /// How many findings the organisation has, in any state.
    pub async fn count_findings(&self, org: OrgId) -> Result<u64> {
        let row = self
            .pool
            .conn()
            .await?
            .fetch_one("SELECT COUNT(*) AS n FROM findings WHERE org_id = $1".into(), args![org.get()])
            .await?;
        Ok(u64::try_from(row.int("n")?).unwrap_or(0))
    }

    /// One finding.
    pub async fn finding(&self, org: OrgId, id: FindingId) -> Result<Finding> {
        let sql = format!("SELECT {FINDING_COLUMNS} {FINDING_FROM} WHERE fi.org_id = $1 AND fi.id = $2");
        let row = self.pool.conn().await?.fetch_optional(sql.into(), args![org.get(), id.get()]).await?;
        finding_from_row(&row.ok_or(Error::NotFound { what: "finding" })?)
    }

    /// Records a person's decision on a finding.
    pub async fn decide_finding(&self, org: OrgId, id: FindingId, decision: &Decision, actor: &Actor) -> Result<()> {
        let before = self.finding(org, id).await?;
        let mut tx = self.pool.write().await?;
        let at = format_ts(Timestamp::now());
        tx.execute(
            "UPDATE findings SET status = $1, decision_reason = $2, decision_expires = $3, decided_by = $4, \
             decided_at = $5 WHERE org_id = $6 AND id = $7"
                .into(),
            args![
                decision.status.code(),
                decision.reason.clone(),
                decision.expires.map(|d| d.to_string()),
                actor.name.as_str(),
                at,
                org.get(),
                id.get()
            ],
        )
        .await?;
        let change = Change {
            action: "finding.decide",
            entity: "finding",
            entity_id: Some(id.get()),
            facility_id: Some(before.matched.facility),
            summary: format!(
                "{} on {}: {} → {}",
                before.matched.vuln_id,
                before.asset_name,
                before.status.code(),
                decision.status.code()
            ),
            before: Some(json!({ "status": before.status.code(), "reason": before.decision_reason })),
            after: Some(json!({
                "status": decision.status.code(),
                "reason": decision.reason,
                "expires": decision.expires.map(|d| d.to_string()),
            })),
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await
    }

    /// The organisation's ranking policy (the defaults until someone changes it).
    pub async fn vuln_policy(&self, org: OrgId) -> Result<Policy> {
        let row = self
            .pool
            .conn()
            .await?
            .fetch_optional(
                "SELECT p1_days, p2_days, p3_days, p4_days, p5_days, epss_likely, cvss_severe FROM vuln_policies \
                 WHERE org_id = $1"
                    .into(),
                args![org.get()],
            )
            .await?;
        let Some(r) = row else { return Ok(Policy::default()) };
        let mut due_days = [0u16; 5];
        for (slot, col) in due_days.iter_mut().zip(["p1_days", "p2_days", "p3_days", "p4_days", "p5_days"]) {
            *slot = u16::try_from(r.int(col)?).map_err(|_| Error::Corrupt(format!("policy {col}")))?;
        }
        #[allow(clippy::cast_possible_truncation)] // stored from f32 values
        Ok(Policy {
            due_days,
            epss_likely: r.opt_float("epss_likely")?.unwrap_or(0.1) as f32,
            cvss_severe: r.opt_float("cvss_severe")?.unwrap_or(9.0) as f32,
        })
    }

    /// Replaces the organisation's ranking policy (already validated).
    pub async fn set_vuln_policy(&self, org: OrgId, policy: &Policy, actor: &Actor) -> Result<()> {
        let before = self.vuln_policy(org).await?;
        let mut tx = self.pool.write().await?;
        let d = policy.due_days.map(i64::from);
        tx.execute(
            "INSERT INTO vuln_policies (org_id, p1_days, p2_days, p3_days, p4_days, p5_days, epss_likely, cvss_severe, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (org_id) DO UPDATE SET \
             p1_days = excluded.p1_days, p2_days = excluded.p2_days, p3_days = excluded.p3_days, \
             p4_days = excluded.p4_days, p5_days = excluded.p5_days, epss_likely = excluded.epss_likely, \
             cvss_severe = excluded.cvss_severe, updated_at = excluded.updated_at"
                .into(),
            args![
                org.get(),
                d[0],
                d[1],
                d[2],
                d[3],
                d[4],
                f64::from(policy.epss_likely),
                f64::from(policy.cvss_severe),
                format_ts(Timestamp::now())
            ],
        )
        .await?;
        let view =
            |p: &Policy| json!({ "due_days": p.due_days, "epss_likely": p.epss_likely, "cvss_severe": p.cvss_severe });
        let change = Change {
            action: "vuln_policy.update",
            entity: "vuln_policy",
            entity_id: None,
            facility_id: None,
            summary: "vulnerability ranking policy changed".into(),
            before: Some(view(&before)),
            after: Some(view(policy)),
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await
    }
}

pub(crate) fn status_of(r: &Row) -> Result<FindingStatus> {
    let code = r.text("status")?;
    FindingStatus::from_code(&code).ok_or_else(|| Error::Corrupt(format!("finding status {code:?}")))
}

fn finding_from_row(r: &Row) -> Result<Finding> {
    let date = |col: &str| parse_opt_date(r.opt_text(col)?)?.ok_or_else(|| Error::Corrupt(format!("finding {col}")));
    Ok(Finding {
        id: FindingId::new(r.int("id")?),
        matched: Matched {
            asset: AssetId::new(r.int("asset_id")?),
            facility: FacilityId::new(r.int("facility_id")?),
            vuln_id: r.text("vuln_id")?,
            advisory_id: r.text("advisory_id")?,
            source: r.text("source")?,
            confidence: r.text("confidence")?,
            why: r.text("why")?,
            why_ja: r.text("why_ja")?,
            criteria: r.text("criteria")?,
            version: r.opt_text("matched_version")?,
            kev: r.bool("kev")?,
            ransomware: r.bool("ransomware")?,
            epss: r.opt_float("epss")?,
            cvss: r.opt_float("cvss")?,
            priority: u8::try_from(r.int("priority")?).map_err(|_| Error::Corrupt("finding priority".into()))?,
            priority_reason: r.text("priority_reason")?,
            due_days: 0,
        },
        asset_name: r.text("asset_name")?,
        asset_category: r.text("asset_category")?,
        internet_facing: r.bool("asset_internet_facing")?,
        facility_name: r.text("facility_name")?,
        status: status_of(r)?,
        first_seen: parse_ts(&r.text("first_seen")?)?,
        last_seen: parse_ts(&r.text("last_seen")?)?,
        found_on: date("found_on")?,
        due: date("due")?,
        resolved_at: parse_opt_ts(r.opt_text("resolved_at")?)?,
        decision_reason: r.opt_text("decision_reason")?,
        decision_expires: parse_opt_date(r.opt_text("decision_expires")?)?,
        decided_by: r.opt_text("decided_by")?,
        decided_at: parse_opt_ts(r.opt_text("decided_at")?)?,
    })
}
