//! Matching an organisation's assets against the stored advisories and applying the result.
//!
//! Only the advisories that can concern the assets are loaded (through the store's product
//! index), so re-matching one changed asset reads a handful of records, not the whole NVD.

use std::collections::BTreeSet;

use mamoru_domain::{Asset, AssetId, Exposure, OrgId, Policy};
use mamoru_store::{Actor, Matched, Rematched};
use mamoru_vuln::{Advisory, Index};

use super::rank::Intel;
use crate::App;
use crate::error::Result;

impl App {
    /// Matches every organisation's assets again (after a feed import).
    pub async fn rematch_all(&self, actor: &Actor) -> Result<Vec<(OrgId, Rematched)>> {
        let mut out = Vec::new();
        for org in self.store.orgs().await? {
            out.push((org.id, self.rematch(org.id, None, actor).await?));
        }
        Ok(out)
    }

    /// Re-matches after the register changed. The change itself is already stored, so a
    /// failure here is logged rather than reported as a failed edit; the next feed import or
    /// edit matches again.
    pub(crate) async fn rematch_after_change(&self, p: &crate::Principal, only: Option<&[AssetId]>) {
        if let Err(e) = self.rematch(p.org, only, &p.actor()).await {
            tracing::warn!(error = %e, org = %p.org, "vulnerability re-match failed");
        }
    }

    /// Matches the organisation's assets (all, or `only` these) and updates their findings.
    pub async fn rematch(&self, org: OrgId, only: Option<&[AssetId]>, actor: &Actor) -> Result<Rematched> {
        let assets = self.store.assets_to_match(org, only).await?;
        let scope: Vec<AssetId> = match only {
            Some(ids) => ids.to_vec(),
            None => assets.iter().map(|a| a.id).collect(),
        };
        let products: BTreeSet<(String, String)> =
            assets.iter().flat_map(|a| mamoru_vuln::asset_products(&engine_asset(a))).collect();
        let products: Vec<_> = products.into_iter().collect();
        let bodies = self.store.advisories_for_products(&products).await?;
        let policy = self.store.vuln_policy(org).await?;
        let (index, mut intel) = tokio::task::spawn_blocking(move || index_of(&bodies)).await?;
        let found: Vec<(usize, mamoru_vuln::Match)> = assets
            .iter()
            .enumerate()
            .flat_map(|(i, a)| index.match_asset(&engine_asset(a)).into_iter().map(move |m| (i, m)))
            .collect();
        let ids: Vec<String> = found.iter().map(|(_, m)| m.id.clone()).collect::<BTreeSet<_>>().into_iter().collect();
        intel.kev = self
            .store
            .kev_for(&ids)
            .await?
            .into_iter()
            .map(|(cve, k)| {
                let kev = mamoru_vuln::Kev {
                    cve: k.cve,
                    date_added: k.date_added,
                    due_date: k.due_date,
                    ransomware: k.ransomware,
                    vendor: k.vendor,
                    product: k.product,
                    name: k.name,
                    required_action: k.required_action,
                };
                (cve, kev)
            })
            .collect();
        #[allow(clippy::cast_possible_truncation)] // probabilities
        let epss = self.store.epss_for(&ids).await?.into_iter().map(|(cve, e)| (cve, e.score as f32)).collect();
        intel.epss = epss;
        let matched: Vec<Matched> = found.iter().map(|(i, m)| matched(&assets[*i], m, &intel, &policy)).collect();
        let result = self.store.apply_matches(org, &scope, &matched, crate::today(), actor).await?;
        self.alert_on_kev(org, &result).await?;
        Ok(result)
    }
}

/// The engine's view of a stored asset.
pub(crate) fn engine_asset(a: &Asset) -> mamoru_vuln::Asset<'_> {
    let d = &a.draft;
    mamoru_vuln::Asset {
        vendor: d.vendor.as_deref().unwrap_or(""),
        product: d.product.as_deref().unwrap_or(""),
        version: d.version.as_deref().unwrap_or(""),
        cpe: d.cpe.as_ref(),
    }
}

/// Builds the index from stored JSON; a body this binary cannot read is skipped with a
/// warning rather than stopping every organisation's matching.
fn index_of(bodies: &[String]) -> (Index, Intel) {
    let mut index = Index::new();
    let mut intel = Intel::default();
    for body in bodies {
        match serde_json::from_str::<Advisory>(body) {
            Ok(a) => {
                intel.note(&a);
                index.add(a);
            }
            Err(e) => tracing::warn!(error = %e, "stored advisory unreadable; skipped"),
        }
    }
    (index, intel)
}

/// A match ranked by the organisation's policy.
fn matched(asset: &Asset, m: &mamoru_vuln::Match, intel: &Intel, policy: &Policy) -> Matched {
    let (signals, _) = intel.signals(&m.id, &m.advisory, m.source.as_str());
    let d = &asset.draft;
    let exposure = Exposure::of(d.category, d.internet_facing, d.remote_maintenance);
    let assessment = policy.assess(signals, exposure);
    Matched {
        asset: asset.id,
        facility: asset.facility_id,
        vuln_id: m.id.clone(),
        advisory_id: m.advisory.clone(),
        source: m.source.as_str().to_owned(),
        confidence: m.confidence.as_str().to_owned(),
        why: m.why.clone(),
        criteria: m.criteria.clone(),
        version: d.version.clone(),
        kev: signals.kev,
        ransomware: signals.ransomware,
        epss: signals.epss.map(f64::from),
        cvss: signals.cvss.map(f64::from),
        priority: assessment.priority,
        priority_reason: assessment.reason,
        due_days: assessment.due_days,
    }
}
