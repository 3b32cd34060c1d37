//! Fills the evidence rules' facts for one facility from the store.

use std::collections::BTreeSet;

use jiff::civil::Date;
use mamoru_domain::access::{self, Action};
use mamoru_domain::readiness::fiscal::tokyo_day;
use mamoru_domain::readiness::rules::{Account, ChainContact, Facts, OverdueFinding, Register, RemoteDevice};
use mamoru_domain::{AssetCategory, FacilityId, FindingStatus};
use mamoru_store::{AssetListItem, AssetQuery, AuditQuery, FindingQuery};

use crate::error::Result;
use crate::{App, Principal};

/// The store's largest page of assets.
const PAGE: u32 = 1_000;

impl App {
    /// What the evidence rules look at for `facility`, as of `as_of`.
    ///
    /// Backups come from the facility's backup jobs; the BCP and its last drill from the BCP
    /// records (`None` while there are none, so its rule asks the person and says what to
    /// attach).
    pub async fn readiness_facts(&self, p: &Principal, facility: FacilityId, as_of: Date) -> Result<Facts> {
        p.require(Action::ViewInventory, Some(facility))?;
        let org = p.org;
        let assets = self.facility_assets(p, facility).await?;
        let mut register = Register::default();
        let mut vendors = BTreeSet::new();
        let mut remote_devices = Vec::new();
        let mut last_change = None;
        for a in &assets {
            register.count(a.asset.draft.category);
            vendors.extend(a.maintenance_vendor_name.iter().chain(&a.remote_vendor_name).cloned());
            if a.asset.draft.remote_maintenance {
                remote_devices
                    .push(RemoteDevice { asset: a.asset.draft.name.clone(), vendor: a.remote_vendor_name.clone() });
            }
            last_change = last_change.max(Some(tokyo_day(a.asset.updated_at)));
        }
        // Re-importing the register file (organisation-wide) is a review even when nothing
        // changed.
        let import =
            AuditQuery { action_prefix: Some("inventory.import".into()), limit: Some(1), ..Default::default() };
        let last_import = self.store.audit_entries(org, &import).await?.first().map(|e| tokyo_day(e.at));
        register.last_reviewed = last_change.max(last_import);

        let query = FindingQuery {
            facility: Some(facility),
            statuses: vec![FindingStatus::Open],
            due_before: Some(as_of),
            ..Default::default()
        };
        let overdue_network = self
            .store
            .findings(org, &query)
            .await?
            .into_iter()
            .filter(|f| AssetCategory::from_code(&f.asset_category).is_some_and(AssetCategory::is_network_device))
            .map(|f| OverdueFinding { asset: f.asset_name, vuln_id: f.matched.vuln_id, due: f.due, kev: f.matched.kev })
            .collect();

        let accounts = self
            .store
            .users(org)
            .await?
            .into_iter()
            .filter(|u| access::allowed(&u.grants, Action::ViewInventory, Some(facility)))
            .map(|u| Account {
                name: u.email,
                disabled: u.disabled,
                two_factor: u.totp_enabled,
                last_login: u.last_login_at.map(tokyo_day),
                created: tokyo_day(u.created_at),
            })
            .collect();
        let chain = self
            .store
            .contact_chain(org, Some(facility))
            .await?
            .into_iter()
            .map(|e| ChainContact {
                name: e.contact.draft.name,
                role: e.contact.draft.role,
                party: e.party.map(|p| (p.draft.name, p.draft.kind)),
            })
            .collect();
        Ok(Facts {
            as_of,
            register,
            remote_devices,
            vendors: vendors.into_iter().collect(),
            vuln_feeds_loaded: self.store.has_advisories().await?,
            overdue_network,
            accounts,
            two_factor_required: self.store.org(org).await?.require_totp,
            chain,
            backups: Some(self.backup_facts(org, facility).await?),
            bcp: self.bcp_fact(org, facility, as_of).await?,
            security_manager: self.manager_record(org, facility).await?,
        })
    }

    /// Every asset of the facility, page by page.
    pub(super) async fn facility_assets(&self, p: &Principal, facility: FacilityId) -> Result<Vec<AssetListItem>> {
        let mut all = Vec::new();
        loop {
            let query = AssetQuery {
                facility: Some(facility),
                limit: Some(PAGE),
                offset: all.len() as u64,
                ..Default::default()
            };
            let (page, total) = self.store.list_assets(p.org, &query).await?;
            let done = page.is_empty() || all.len() + page.len() >= total as usize;
            all.extend(page);
            if done {
                return Ok(all);
            }
        }
    }
}
