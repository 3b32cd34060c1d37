//! The register: facilities, assets, vendors and the contact chain, with permission checks.

use jiff::civil::Date;
use mamoru_domain::access::Action;
use mamoru_domain::contact::{ContactDraft, ContactInput, PartyDraft, chain_gaps};
use mamoru_domain::facility::{FacilityDraft, FacilityInput};
use mamoru_domain::{
    Asset, AssetDraft, AssetId, AssetInput, ContactId, Facility, FacilityId, Party, PartyId, PartyKind,
};
use mamoru_store::{AssetListItem, AssetQuery, CategoryCount, ChainEntry, NewAsset};

use crate::App;
use crate::error::{Error, Result};
use crate::principal::Principal;

/// An asset form: its fields as typed, and the facility and vendors picked from lists.
#[derive(Debug, Clone)]
pub struct AssetForm {
    /// The facility.
    pub facility_id: FacilityId,
    /// The asset's fields as typed.
    pub input: AssetInput,
    /// The maintenance vendor.
    pub maintenance_vendor: Option<PartyId>,
    /// The vendor using the remote-maintenance line.
    pub remote_vendor: Option<PartyId>,
}

/// An asset with what it refers to, for its detail page.
#[derive(Debug, Clone)]
pub struct AssetView {
    /// The asset.
    pub asset: Asset,
    /// Its facility.
    pub facility: Facility,
    /// Its maintenance vendor.
    pub maintenance_vendor: Option<Party>,
    /// The vendor using its remote-maintenance line.
    pub remote_vendor: Option<Party>,
}

/// The dashboard's figures for what the principal may see.
#[derive(Debug, Clone)]
pub struct Dashboard {
    /// Facilities.
    pub facilities: usize,
    /// Assets.
    pub assets: u64,
    /// Assets per category.
    pub by_category: Vec<CategoryCount>,
    /// Internet-facing assets.
    pub internet_facing: u64,
    /// VPN appliances, firewalls and routers: the perimeter.
    pub perimeter: u64,
    /// Assets whose vendor support has ended.
    pub out_of_support: u64,
    /// For each facility, the parties its contact chain still lacks (checklist 3-①).
    pub chain_gaps: Vec<(Facility, Vec<PartyKind>)>,
}

impl App {
    /// The facilities the principal may see.
    pub async fn facilities(&self, p: &Principal) -> Result<Vec<Facility>> {
        let visible = p.facilities_for(Action::ViewInventory);
        let all = self.store.facilities(p.org).await?;
        Ok(all.into_iter().filter(|f| visible.contains(f.id)).collect())
    }

    /// One facility.
    pub async fn facility(&self, p: &Principal, id: FacilityId) -> Result<Facility> {
        p.require(Action::ViewInventory, Some(id)).map_err(|_| Error::NotFound("facility"))?;
        Ok(self.store.facility(p.org, id).await?)
    }

    /// Creates a facility from a form.
    pub async fn create_facility(&self, p: &Principal, input: &FacilityInput) -> Result<FacilityId> {
        p.require(Action::CreateFacility, None)?;
        let draft = FacilityDraft::parse(input).map_err(Error::Invalid)?;
        self.store.create_facility(p.org, &draft, &p.actor()).await.map_err(Error::conflict_on("name"))
    }

    /// Changes a facility from a form.
    pub async fn update_facility(&self, p: &Principal, id: FacilityId, input: &FacilityInput) -> Result<()> {
        self.facility(p, id).await?;
        p.require(Action::EditFacility, Some(id))?;
        let draft = FacilityDraft::parse(input).map_err(Error::Invalid)?;
        self.store.update_facility(p.org, id, &draft, &p.actor()).await.map_err(Error::conflict_on("name"))
    }

    /// Deletes a facility that has no assets.
    pub async fn delete_facility(&self, p: &Principal, id: FacilityId) -> Result<()> {
        self.facility(p, id).await?;
        p.require(Action::CreateFacility, None)?;
        Ok(self.store.delete_facility(p.org, id, &p.actor()).await?)
    }

    /// A page of assets among the facilities the principal may see.
    pub async fn list_assets(&self, p: &Principal, mut query: AssetQuery) -> Result<(Vec<AssetListItem>, u64)> {
        query.visible = p.visible();
        Ok(self.store.list_assets(p.org, &query).await?)
    }

    /// Assets per category in one facility.
    pub async fn facility_asset_counts(&self, p: &Principal, id: FacilityId) -> Result<Vec<CategoryCount>> {
        self.facility(p, id).await?;
        Ok(self.store.asset_counts(p.org, Some(&[id])).await?)
    }

    /// One asset with its facility and vendors.
    pub async fn asset(&self, p: &Principal, id: AssetId) -> Result<AssetView> {
        let asset = self.store.asset(p.org, id).await?;
        p.require(Action::ViewInventory, Some(asset.facility_id)).map_err(|_| Error::NotFound("asset"))?;
        let facility = self.store.facility(p.org, asset.facility_id).await?;
        let party = async |id: Option<PartyId>| match id {
            Some(id) => self.store.party(p.org, id).await.map(Some),
            None => Ok(None),
        };
        let maintenance_vendor = party(asset.maintenance_vendor).await?;
        let remote_vendor = party(asset.remote_vendor).await?;
        Ok(AssetView { asset, facility, maintenance_vendor, remote_vendor })
    }

    /// Adds an asset from a form.
    pub async fn create_asset(&self, p: &Principal, form: &AssetForm) -> Result<AssetId> {
        p.require(Action::EditAsset, Some(form.facility_id))?;
        let new = new_asset(form)?;
        let id = self.store.create_asset(p.org, &new, &p.actor()).await.map_err(Error::conflict_on("name"))?;
        self.rematch_after_change(p, Some(&[id])).await;
        Ok(id)
    }

    /// Changes an asset from a form; moving it to another facility needs rights on both.
    pub async fn update_asset(&self, p: &Principal, id: AssetId, form: &AssetForm) -> Result<()> {
        let old = self.asset(p, id).await?;
        p.require(Action::EditAsset, Some(old.asset.facility_id))?;
        p.require(Action::EditAsset, Some(form.facility_id))?;
        let new = new_asset(form)?;
        self.store.update_asset(p.org, id, &new, &p.actor()).await.map_err(Error::conflict_on("name"))?;
        self.rematch_after_change(p, Some(&[id])).await;
        Ok(())
    }

    /// Deletes an asset.
    pub async fn delete_asset(&self, p: &Principal, id: AssetId) -> Result<()> {
        let old = self.asset(p, id).await?;
        p.require(Action::DeleteAsset, Some(old.asset.facility_id))?;
        Ok(self.store.delete_asset(p.org, id, &p.actor()).await?)
    }

    /// The organisation's vendors and outside parties.
    pub async fn parties(&self, p: &Principal) -> Result<Vec<Party>> {
        if p.grants.is_empty() {
            return Err(Error::Forbidden);
        }
        Ok(self.store.parties(p.org).await?)
    }

    /// One party.
    pub async fn party(&self, p: &Principal, id: PartyId) -> Result<Party> {
        if p.grants.is_empty() {
            return Err(Error::NotFound("vendor"));
        }
        Ok(self.store.party(p.org, id).await?)
    }

    /// Adds a vendor or outside party (organisation-wide, so organisation rights are needed).
    pub async fn create_party(&self, p: &Principal, name: &str, kind: &str, notes: &str) -> Result<PartyId> {
        p.require(Action::EditContacts, None)?;
        let draft = PartyDraft::parse(name, kind, notes).map_err(Error::Invalid)?;
        self.store.create_party(p.org, &draft, &p.actor()).await.map_err(Error::conflict_on("name"))
    }

    /// Changes a party.
    pub async fn update_party(&self, p: &Principal, id: PartyId, name: &str, kind: &str, notes: &str) -> Result<()> {
        p.require(Action::EditContacts, None)?;
        let draft = PartyDraft::parse(name, kind, notes).map_err(Error::Invalid)?;
        self.store.update_party(p.org, id, &draft, &p.actor()).await.map_err(Error::conflict_on("name"))
    }

    /// Deletes a party and its contacts.
    pub async fn delete_party(&self, p: &Principal, id: PartyId) -> Result<()> {
        p.require(Action::EditContacts, None)?;
        Ok(self.store.delete_party(p.org, id, &p.actor()).await?)
    }

    /// A facility's contact chain (its own contacts and the organisation-wide ones), or with
    /// `None` every contact of the facilities the principal may see.
    pub async fn contact_chain(&self, p: &Principal, facility: Option<FacilityId>) -> Result<Vec<ChainEntry>> {
        if let Some(f) = facility {
            self.facility(p, f).await?;
        } else if p.visible().is_some() {
            let visible = p.facilities_for(Action::ViewInventory);
            let chain = self.store.contact_chain(p.org, None).await?;
            return Ok(chain
                .into_iter()
                .filter(|e| e.contact.facility_id.is_none_or(|f| visible.contains(f)))
                .collect());
        }
        Ok(self.store.contact_chain(p.org, facility).await?)
    }

    /// One contact.
    pub async fn contact(&self, p: &Principal, id: ContactId) -> Result<mamoru_domain::Contact> {
        let c = self.store.contact(p.org, id).await?;
        if let Some(f) = c.facility_id {
            p.require(Action::ViewInventory, Some(f)).map_err(|_| Error::NotFound("contact"))?;
        }
        Ok(c)
    }

    /// Adds a contact to a facility's chain, or to every facility's with `facility` `None`.
    pub async fn create_contact(
        &self,
        p: &Principal,
        party: Option<PartyId>,
        facility: Option<FacilityId>,
        input: &ContactInput,
    ) -> Result<ContactId> {
        p.require(Action::EditContacts, facility)?;
        let draft = ContactDraft::parse(input).map_err(Error::Invalid)?;
        Ok(self.store.create_contact(p.org, party, facility, &draft, &p.actor()).await?)
    }

    /// Changes a contact.
    pub async fn update_contact(
        &self,
        p: &Principal,
        id: ContactId,
        party: Option<PartyId>,
        facility: Option<FacilityId>,
        input: &ContactInput,
    ) -> Result<()> {
        let old = self.contact(p, id).await?;
        p.require(Action::EditContacts, old.facility_id)?;
        p.require(Action::EditContacts, facility)?;
        let draft = ContactDraft::parse(input).map_err(Error::Invalid)?;
        Ok(self.store.update_contact(p.org, id, party, facility, &draft, &p.actor()).await?)
    }

    /// Deletes a contact.
    pub async fn delete_contact(&self, p: &Principal, id: ContactId) -> Result<()> {
        let old = self.contact(p, id).await?;
        p.require(Action::EditContacts, old.facility_id)?;
        Ok(self.store.delete_contact(p.org, id, &p.actor()).await?)
    }

    /// The dashboard's figures, as of `today` (Asia/Tokyo).
    pub async fn dashboard(&self, p: &Principal, today: Date) -> Result<Dashboard> {
        let facilities = self.facilities(p).await?;
        let visible = p.visible();
        let by_category = self.store.asset_counts(p.org, visible.as_deref()).await?;
        let out_of_support = self.store.assets_out_of_support(p.org, visible.as_deref(), today).await?;
        let chain = self.store.contact_chain(p.org, None).await?;
        let chain_gaps = facilities
            .iter()
            .map(|f| {
                let kinds = chain
                    .iter()
                    .filter(|e| e.contact.facility_id.is_none_or(|id| id == f.id))
                    .map(|e| e.party.as_ref().map(|p| p.draft.kind));
                (f.clone(), chain_gaps(kinds))
            })
            .filter(|(_, gaps)| !gaps.is_empty())
            .collect();
        Ok(Dashboard {
            facilities: facilities.len(),
            assets: by_category.iter().map(|c| c.count).sum(),
            internet_facing: by_category.iter().map(|c| c.internet_facing).sum(),
            perimeter: by_category.iter().filter(|c| c.category.is_perimeter()).map(|c| c.count).sum(),
            by_category,
            out_of_support,
            chain_gaps,
        })
    }
}

fn new_asset(form: &AssetForm) -> Result<NewAsset> {
    let mut draft = AssetDraft::parse(&form.input).map_err(Error::Invalid)?;
    // A vendor on the remote-maintenance line means there is one.
    if form.remote_vendor.is_some() && form.input.remote_maintenance.trim().is_empty() {
        draft.remote_maintenance = true;
    }
    Ok(NewAsset {
        facility_id: form.facility_id,
        draft,
        maintenance_vendor: form.maintenance_vendor,
        remote_vendor: form.remote_vendor,
    })
}
