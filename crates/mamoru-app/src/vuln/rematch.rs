//! Matching an organisation's assets against the stored advisories and applying the result.
//!
//! Only the advisories that can concern the assets are loaded (through the store's product
//! index), so re-matching one changed asset reads a handful of records, not the whole NVD.

use std::collections::{BTreeSet, HashSet};

use mamoru_domain::{Asset, AssetDraft, AssetId, Exposure, OrgId, Policy};
use mamoru_store::{Actor, Matched, Rematched};
use mamoru_vuln::{Advisory, Index, Source};

use super::rank::{Intel, score};
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
        let products: BTreeSet<(String, String)> =
            assets.iter().flat_map(|a| mamoru_vuln::asset_products(&engine_asset(&a.draft))).collect();
        let products: Vec<_> = products.into_iter().collect();
        let bodies = self.store.advisories_for_products(&products).await?;
        let policy = self.store.vuln_policy(org).await?;
        let (mut advisories, seen) = tokio::task::spawn_blocking(move || parse_all(&bodies)).await?;
        // Every record of a CVE must be in the index, not only those filed under the asset's
        // products: where NVD has analysed a CVE, its configurations alone decide, even if the
        // CVE 5 record names the product differently.
        let cves: Vec<String> = advisories
            .iter()
            .flat_map(Advisory::cves)
            .map(str::to_owned)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let siblings = self.store.advisories_by_ids(&cves).await?;
        let (index, mut intel) = tokio::task::spawn_blocking(move || {
            let (more, _) = parse_all(&siblings);
            advisories.extend(more.into_iter().filter(|a| !seen.contains(&(a.id.clone(), a.source))));
            index_of(advisories)
        })
        .await?;
        // A provider's register has hundreds of thousands of findings: match and store them a
        // slice of assets at a time, so memory stays bounded by the slice, not the register.
        let mut total = Rematched::default();
        let today = crate::today();
        let slices: Vec<&[Asset]> = if only.is_some() { vec![&assets[..]] } else { assets.chunks(SLICE).collect() };
        for slice in slices {
            let scope: Vec<AssetId> = match only {
                // Assets named but gone still have their findings cleared (by cascade) — and
                // an id with no asset has nothing to match.
                Some(ids) => ids.to_vec(),
                None => slice.iter().map(|a| a.id).collect(),
            };
            let found: Vec<(&Asset, mamoru_vuln::Match)> = slice
                .iter()
                .flat_map(|a| index.match_asset(&engine_asset(&a.draft)).into_iter().map(move |m| (a, m)))
                .collect();
            let ids: Vec<String> =
                found.iter().map(|(_, m)| m.id.clone()).collect::<BTreeSet<_>>().into_iter().collect();
            intel.kev = self.store.kev_for(&ids).await?.into_iter().map(|(cve, k)| (cve, kev_of(k))).collect();
            #[allow(clippy::cast_possible_truncation)] // probabilities
            let epss = self.store.epss_for(&ids).await?.into_iter().map(|(cve, e)| (cve, e.score as f32)).collect();
            intel.epss = epss;
            let matched: Vec<Matched> = found.iter().map(|(a, m)| matched(a, m, &intel, &policy)).collect();
            let r = self.store.apply_matches(org, &scope, &matched, today, actor).await?;
            self.alert_on_kev(org, &r).await?;
            total.new.extend(r.new);
            total.reopened.extend(r.reopened);
            total.newly_kev.extend(r.newly_kev);
            total.fixed += r.fixed;
            total.unchanged += r.unchanged;
        }
        Ok(total)
    }
}

/// Assets matched and stored per transaction in a full re-match.
const SLICE: usize = 1_000;

fn kev_of(k: mamoru_store::KevRow) -> mamoru_vuln::Kev {
    mamoru_vuln::Kev {
        cve: k.cve,
        date_added: k.date_added,
        due_date: k.due_date,
        ransomware: k.ransomware,
        vendor: k.vendor,
        product: k.product,
        name: k.name,
        required_action: k.required_action,
    }
}

/// The engine's view of an asset's register fields, stored or read from a file.
pub(crate) fn engine_asset(d: &AssetDraft) -> mamoru_vuln::Asset<'_> {
    mamoru_vuln::Asset {
        vendor: d.vendor.as_deref().unwrap_or(""),
        product: d.product.as_deref().unwrap_or(""),
        version: d.version.as_deref().unwrap_or(""),
        cpe: d.cpe.as_ref(),
    }
}

/// Reads stored JSON; a body this binary cannot read is skipped with a warning rather than
/// stopping every organisation's matching. Also returns the (id, source) pairs read.
fn parse_all(bodies: &[String]) -> (Vec<Advisory>, HashSet<(String, Source)>) {
    let mut out = Vec::with_capacity(bodies.len());
    let mut seen = HashSet::new();
    for body in bodies {
        match serde_json::from_str::<Advisory>(body) {
            Ok(a) => {
                seen.insert((a.id.clone(), a.source));
                out.push(a);
            }
            Err(e) => tracing::warn!(error = %e, "stored advisory unreadable; skipped"),
        }
    }
    (out, seen)
}

fn index_of(advisories: Vec<Advisory>) -> (Index, Intel) {
    let mut index = Index::new();
    let mut intel = Intel::default();
    for a in advisories {
        intel.note(&a);
        index.add(a);
    }
    (index, intel)
}

/// A match ranked by the organisation's policy.
fn matched(asset: &Asset, m: &mamoru_vuln::Match, intel: &Intel, policy: &Policy) -> Matched {
    let signals = intel.signals(&m.id, &m.advisory, m.source.as_str());
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
        why_ja: m.why_ja.clone(),
        criteria: m.criteria.clone(),
        version: d.version.clone(),
        kev: signals.kev,
        ransomware: signals.ransomware,
        epss: signals.epss.map(score),
        cvss: signals.cvss.map(score),
        priority: assessment.priority,
        priority_reason: assessment.reason,
        due_days: assessment.due_days,
    }
}
