//! The inspection pack (立入検査): one facility's checklist sheet with its answers, the
//! vendors' sheets, and the four points inspections look at, each judged from Mamoru's
//! records by [`mamoru_domain::readiness::inspection`] with the evidence listed.

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use mamoru_domain::access::Action;
use mamoru_domain::readiness::fiscal::tokyo_day;
use mamoru_domain::readiness::inspection::{
    self, BackupLine, DecidedFinding, DetectionFacts, InspectionFacts, OpenFinding, PointView, VulnFacts,
};
use mamoru_domain::readiness::rules::PERIOD_DAYS;
use mamoru_domain::readiness::{FiscalYear, Item};
use mamoru_domain::{AlertLevel, AlertStatus, AssetCategory, Facility, FacilityId, FindingStatus, PartyId, PartyKind};
use mamoru_store::{AlertQuery, FindingQuery};

use super::ChecklistView;
use super::vendor::VendorStatus;
use crate::error::Result;
use crate::{App, Principal};

/// Alerts read at most for the period's figures (the newest first).
const ALERT_LIMIT: u32 = 10_000;

/// Everything an inspector reads for one facility and fiscal year.
#[derive(Debug, Clone)]
pub struct InspectionPack {
    /// The facility's sheet (医療機関確認用) with answers, dates and proposals.
    pub checklist: ChecklistView,
    /// The items of the vendors' sheet (事業者確認用) in this edition.
    pub vendor_items: Vec<&'static Item>,
    /// Each vendor of the facility (named in its register or chain, or that answered for it)
    /// with its answers, links and MDS/SDS disclosure sheets.
    pub vendor_sheets: Vec<VendorStatus>,
    /// The four points, in order.
    pub points: Vec<PointView>,
    /// When the records were read.
    pub generated_at: Timestamp,
}

impl InspectionPack {
    /// The facility.
    pub fn facility(&self) -> &Facility {
        &self.checklist.facility
    }
}

impl App {
    /// The inspection pack of `facility` for `fiscal_year`, read at `now`.
    pub async fn inspection_pack(
        &self,
        p: &Principal,
        facility: FacilityId,
        fiscal_year: FiscalYear,
        now: Timestamp,
    ) -> Result<InspectionPack> {
        let checklist = self.checklist_view(p, facility, fiscal_year).await?;
        let as_of = tokyo_day(now).min(fiscal_year.end());
        let facts = self.inspection_facts(p, facility, as_of, now).await?;
        let vendors = self.vendor_overview(p, facility, fiscal_year).await?;
        let ours = self.facility_vendors(p, facility, &facts.register_vendors).await?;
        let vendor_sheets =
            vendors.vendors.into_iter().filter(|v| !v.answers.is_empty() || ours.contains(&v.vendor.id)).collect();
        Ok(InspectionPack {
            points: inspection::evaluate(&facts, as_of),
            checklist,
            vendor_items: vendors.items,
            vendor_sheets,
            generated_at: now,
        })
    }

    /// The four points' facts for one facility.
    pub async fn inspection_facts(
        &self,
        p: &Principal,
        facility: FacilityId,
        as_of: Date,
        now: Timestamp,
    ) -> Result<InspectionFacts> {
        p.require(Action::ViewInventory, Some(facility))?;
        let rf = self.readiness_facts(p, facility, as_of).await?;
        let generations = self.backup_facts(p.org, facility).await?;
        let backups = self
            .backup_board_of(p, facility, now)
            .await?
            .systems
            .into_iter()
            .map(|s| BackupLine {
                generations: generations.iter().find(|g| g.system == s.name).map_or(0, |g| g.generations),
                needed_for_care: s.needed_for_care,
                offline: s.offline_kind.map(|k| k.ja()),
                offline_refreshed: s.offline_refreshed_at.map(tokyo_day),
                restore: s.status,
                last_verified: s.last_verified_at.map(|t| (tokyo_day(t), s.last_verified_ms.unwrap_or(0))),
                system: s.name,
            })
            .collect();
        Ok(InspectionFacts {
            vuln: self.vuln_facts(p, facility, rf.register.pcs, as_of).await?,
            backups,
            detection: self.detection_facts(p, facility, now).await?,
            bcp: rf.bcp,
            chain: rf.chain,
            register_vendors: rf.vendors,
        })
    }

    async fn vuln_facts(&self, p: &Principal, facility: FacilityId, pcs: u32, as_of: Date) -> Result<VulnFacts> {
        let feeds = self.store.feed_status().await?;
        let mut sources = feeds.advisories.clone();
        sources.push(("kev".into(), feeds.kev));
        let last_import = feeds.last_import.as_deref().and_then(|s| s.parse::<Timestamp>().ok()).map(tokyo_day);
        let perimeter_devices =
            self.store.perimeter_assets(p.org, Some(&[facility])).await?.len().try_into().unwrap_or(u32::MAX);
        let query =
            |statuses: Vec<FindingStatus>| FindingQuery { facility: Some(facility), statuses, ..Default::default() };
        let perimeter_open = self
            .store
            .findings(p.org, &FindingQuery { perimeter_only: true, ..query(vec![FindingStatus::Open]) })
            .await?
            .into_iter()
            .map(|f| OpenFinding { asset: f.asset_name, vuln_id: f.matched.vuln_id, due: f.due, kev: f.matched.kev })
            .collect();
        let overdue = FindingQuery { due_before: Some(as_of), ..query(vec![FindingStatus::Open]) };
        let pc_overdue = self
            .store
            .findings(p.org, &overdue)
            .await?
            .iter()
            .filter(|f| AssetCategory::from_code(&f.asset_category) == Some(AssetCategory::Pc))
            .count();
        let decided_statuses = vec![FindingStatus::Mitigated, FindingStatus::Accepted, FindingStatus::Rejected];
        let decided = self
            .store
            .findings(p.org, &query(decided_statuses))
            .await?
            .into_iter()
            .map(|f| DecidedFinding {
                decided: f.decided_by.zip(f.decided_at.map(tokyo_day)),
                asset: f.asset_name,
                vuln_id: f.matched.vuln_id,
                status: f.status,
                reason: f.decision_reason,
            })
            .collect();
        Ok(VulnFacts {
            feeds: sources,
            last_import,
            perimeter_devices,
            pcs,
            perimeter_open,
            pc_overdue: pc_overdue.try_into().unwrap_or(u32::MAX),
            decided,
        })
    }

    async fn detection_facts(&self, p: &Principal, facility: FacilityId, now: Timestamp) -> Result<DetectionFacts> {
        let query = AlertQuery { facility: Some(facility), limit: Some(ALERT_LIMIT), ..Default::default() };
        let alerts = self.store.alerts(p.org, &query).await?;
        let since = now - SignedDuration::from_hours(24 * i64::from(PERIOD_DAYS));
        let recent: Vec<_> = alerts.iter().filter(|a| a.last_seen > since && a.last_seen <= now).collect();
        let mut rules: Vec<&str> = recent.iter().map(|a| a.rule_id.as_str()).collect();
        rules.sort_unstable();
        rules.dedup();
        Ok(DetectionFacts {
            alerts_in_period: recent.len() as u64,
            rules_in_period: rules.len().try_into().unwrap_or(u32::MAX),
            untriaged_high: alerts
                .iter()
                .filter(|a| a.status == AlertStatus::New && a.level >= AlertLevel::High)
                .count() as u64,
            last_alert: recent.iter().map(|a| tokyo_day(a.last_seen)).max(),
        })
    }

    /// The vendors whose sheets belong in the facility's pack: vendor parties named in its
    /// register or with a contact in its chain.
    async fn facility_vendors(&self, p: &Principal, facility: FacilityId, named: &[String]) -> Result<Vec<PartyId>> {
        let chain = self.store.contact_chain(p.org, Some(facility)).await?;
        let in_chain: Vec<_> = chain.iter().filter_map(|e| e.party.as_ref().map(|x| x.id)).collect();
        Ok(self
            .store
            .parties(p.org)
            .await?
            .into_iter()
            .filter(|x| x.draft.kind == PartyKind::Vendor)
            .filter(|x| in_chain.contains(&x.id) || named.contains(&x.draft.name))
            .map(|x| x.id)
            .collect())
    }
}
