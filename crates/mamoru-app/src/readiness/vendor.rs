//! The vendor sheet (事業者確認用): the facility sends each vendor of a medical information
//! system a link with a one-time token; the vendor answers for its own systems without an
//! account, and the answers land in the facility's record with who and when. MDS/SDS
//! disclosure sheets are kept on the vendor.
//!
//! The manual: "The institution sends the 事業者確認用 to each vendor and asks them to confirm;
//! if several medical information systems are used, ask each vendor providing a system"
//! (R7 manual draft p.3, wic-net.com/material/document/19102/3;
//! shared/reference/japan-regulation.md §1). 2-③ asks for the MDS/SDS.
//!
//! A link opens only the vendor items of one facility and fiscal year for one vendor (and that
//! vendor's earlier answers); it works until it expires or until the vendor sends its answers.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use mamoru_domain::access::Action;
use mamoru_domain::contact::PartyKind;
use mamoru_domain::readiness::{self, Answer, AnswerInput, Edition, FiscalYear, Item, Sheet};
use mamoru_domain::values::required_text;
use mamoru_domain::{FacilityId, Invalid, Party, PartyId, Problem};
use mamoru_store::{
    Actor, ChecklistKey, NewVendorAttachment, NewVendorSheetRequest, SavedAnswer, VendorAttachment, VendorSheetRequest,
};

use super::edition_for;
use crate::auth::secret;
use crate::error::{Error, Result};
use crate::{App, Principal, today};

/// How long a link works unless the maker says otherwise.
pub const LINK_DAYS: i64 = 30;
/// The longest a link may work.
pub const LINK_MAX_DAYS: i64 = 90;
/// The largest MDS/SDS file kept (the disclosure sheets are a few pages of PDF or Excel).
pub const ATTACHMENT_MAX: usize = 10 * 1024 * 1024;
/// Where the public page lives; the token follows.
pub const PUBLIC_PATH: &str = "/vendor-sheet/";
const NAME_MAX: usize = 100;

/// A link just made: the only time its token is seen.
#[derive(Debug, Clone)]
pub struct VendorLink {
    /// The stored request.
    pub request: VendorSheetRequest,
    /// `/vendor-sheet/{token}`: prefix it with the server's address.
    pub path: String,
}

/// Why a link does not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No link has this token.
    Unknown,
    /// The link's time is over.
    Expired,
    /// The vendor already sent its answers through it.
    Used,
}

/// A link's state as the facility sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkStatus {
    /// Waiting for the vendor.
    Open,
    /// Not answered in time.
    Expired,
    /// Answered.
    Answered,
}

/// Why a vendor's answers were not saved.
#[derive(Debug, thiserror::Error)]
pub enum VendorSheetError {
    /// The link does not open.
    #[error("the link is refused: {0:?}")]
    Refused(Refusal),
    /// Fields are wrong; every one is named, with its item (`None`: the answerer's name).
    #[error("invalid answers: {}", .0.iter().map(|(i, e)| format!("{}{e}", i.as_deref().map(|i| format!("{i} ")).unwrap_or_default())).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<(Option<String>, Invalid)>),
    /// Anything else.
    #[error(transparent)]
    App(#[from] Error),
}

impl From<mamoru_store::Error> for VendorSheetError {
    fn from(e: mamoru_store::Error) -> Self {
        VendorSheetError::App(e.into())
    }
}

/// What a vendor sees through its link.
#[derive(Debug, Clone)]
pub struct VendorSheet {
    /// The link.
    pub request: VendorSheetRequest,
    /// The organisation asking.
    pub org_name: String,
    /// The facility whose record the answers go to.
    pub facility_name: String,
    /// The edition.
    pub edition: &'static Edition,
    /// The vendor items, with this vendor's earlier answers.
    pub items: Vec<VendorItem>,
}

/// One item of the vendor sheet.
#[derive(Debug, Clone)]
pub struct VendorItem {
    /// The item.
    pub item: &'static Item,
    /// Whether it must be in place that year.
    pub required: bool,
    /// This vendor's answer, if it gave one.
    pub saved: Option<SavedAnswer>,
}

/// One vendor of a facility's year: its answers, links and disclosure sheets.
#[derive(Debug, Clone)]
pub struct VendorStatus {
    /// The vendor.
    pub vendor: Party,
    /// Its answers, by item.
    pub answers: Vec<SavedAnswer>,
    /// The links made for it, newest first.
    pub links: Vec<VendorSheetRequest>,
    /// Its MDS/SDS files.
    pub attachments: Vec<VendorAttachment>,
}

/// Every vendor's sheet for a facility and year.
#[derive(Debug, Clone)]
pub struct VendorOverview {
    /// The edition.
    pub edition: &'static Edition,
    /// The vendor items, in order.
    pub items: Vec<&'static Item>,
    /// Each vendor of the organisation (kind 保守業者・ベンダー).
    pub vendors: Vec<VendorStatus>,
}

/// An MDS/SDS file as uploaded.
#[derive(Debug, Clone, Default)]
pub struct VendorFile {
    /// `mds` or `sds`.
    pub kind: String,
    /// The name the browser sent (folders are dropped).
    pub file_name: String,
    /// The media type the browser sent.
    pub media_type: String,
    /// The bytes.
    pub content: Vec<u8>,
}

/// A link's status now.
pub fn status(r: &VendorSheetRequest, now: Timestamp) -> LinkStatus {
    if r.used_at.is_some() {
        LinkStatus::Answered
    } else if r.expires_at <= now {
        LinkStatus::Expired
    } else {
        LinkStatus::Open
    }
}

/// The edition a link was made with (an edition is never removed).
fn edition_of(r: &VendorSheetRequest) -> Result<&'static Edition> {
    readiness::editions().iter().find(|e| e.id() == r.edition).ok_or(Error::NotFound("checklist edition"))
}

/// A file name as uploaded, reduced to its base name (no folders, nothing hidden).
pub(crate) fn base_name(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    let base: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    (!base.is_empty() && !base.starts_with('.')).then_some(base)
}

impl App {
    /// The organisation's vendors (parties of kind 保守業者・ベンダー).
    async fn vendor_parties(&self, p: &Principal) -> Result<Vec<Party>> {
        let all = self.store.parties(p.org).await?;
        Ok(all.into_iter().filter(|v| v.draft.kind == PartyKind::Vendor).collect())
    }

    /// Makes a link for `vendor` to answer the vendor sheet of `facility` for `fiscal_year`,
    /// working for `valid_for` (at most [`LINK_MAX_DAYS`]). A manager's act, audited.
    pub async fn create_vendor_link(
        &self,
        p: &Principal,
        facility: FacilityId,
        vendor: PartyId,
        fiscal_year: FiscalYear,
        valid_for: SignedDuration,
    ) -> Result<VendorLink> {
        p.require(Action::AnswerChecklist, Some(facility))?;
        let edition = edition_for(fiscal_year)?;
        if !valid_for.is_positive() || valid_for > SignedDuration::from_hours(24 * LINK_MAX_DAYS) {
            return Err(Error::invalid("valid_days", Problem::OutOfRange { min: 1, max: LINK_MAX_DAYS }));
        }
        let party = self.store.party(p.org, vendor).await?;
        if party.draft.kind != PartyKind::Vendor {
            return Err(Error::invalid("vendor", Problem::Unknown(format!("vendor {}", party.draft.name))));
        }
        let token = secret::random_token(32);
        let hash = secret::digest(&token);
        let new = NewVendorSheetRequest {
            facility,
            vendor,
            fiscal_year,
            edition: &edition.id(),
            token_hash: &hash,
            expires_at: Timestamp::now() + valid_for,
        };
        let id = self.store.create_vendor_sheet_request(p.org, &new, &p.actor()).await?;
        let request = self
            .store
            .vendor_sheet_requests(p.org, Some(facility))
            .await?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or(Error::NotFound("vendor sheet link"))?;
        Ok(VendorLink { request, path: format!("{PUBLIC_PATH}{token}") })
    }

    /// Every vendor's answers, links and disclosure sheets for a facility's year.
    pub async fn vendor_overview(
        &self,
        p: &Principal,
        facility: FacilityId,
        fiscal_year: FiscalYear,
    ) -> Result<VendorOverview> {
        p.require(Action::ViewInventory, Some(facility))?;
        let edition = edition_for(fiscal_year)?;
        let links = self.store.vendor_sheet_requests(p.org, Some(facility)).await?;
        let attachments = self.store.vendor_attachments(p.org).await?;
        let mut vendors = Vec::new();
        for vendor in self.vendor_parties(p).await? {
            let key = ChecklistKey { facility, fiscal_year, edition: edition.id(), vendor: Some(vendor.id) };
            vendors.push(VendorStatus {
                answers: self.store.checklist_answers(p.org, &key).await?,
                links: links
                    .iter()
                    .filter(|l| l.vendor == vendor.id && l.fiscal_year == fiscal_year)
                    .cloned()
                    .collect(),
                attachments: attachments.iter().filter(|a| a.vendor == vendor.id).cloned().collect(),
                vendor,
            });
        }
        Ok(VendorOverview { edition, items: edition.items_on(Sheet::Vendor).collect(), vendors })
    }

    /// The sheet a link opens, or why it does not. Needs no login: the token is the key.
    pub async fn open_vendor_sheet(&self, token: &str) -> Result<Result<VendorSheet, Refusal>> {
        let Some(request) = self.store.vendor_sheet_by_hash(&secret::digest(token)).await? else {
            return Ok(Err(Refusal::Unknown));
        };
        match status(&request, Timestamp::now()) {
            LinkStatus::Answered => return Ok(Err(Refusal::Used)),
            LinkStatus::Expired => return Ok(Err(Refusal::Expired)),
            LinkStatus::Open => {}
        }
        let edition = edition_of(&request)?;
        let mut saved = self.store.checklist_answers(request.org, &request.key()).await?;
        let items = edition
            .items_on(Sheet::Vendor)
            .map(|item| VendorItem {
                item,
                required: item.required_in(request.fiscal_year),
                saved: saved.iter().position(|s| s.item_id == item.id).map(|i| saved.swap_remove(i)),
            })
            .collect();
        let org_name = self.store.org(request.org).await?.name;
        let facility_name = self.store.facility(request.org, request.facility).await?.draft.name;
        Ok(Ok(VendorSheet { request, org_name, facility_name, edition, items }))
    }

    /// Saves a vendor's answers through its link and uses the link up. Every vendor item
    /// must be answered; every problem is returned at once, with its item. `origin` is where
    /// the request came from (`vendor-sheet 192.0.2.1`), for the audit log.
    pub async fn submit_vendor_sheet(
        &self,
        token: &str,
        name: &str,
        answers: &BTreeMap<String, AnswerInput>,
        origin: &str,
    ) -> Result<VendorSheetRequest, VendorSheetError> {
        let sheet = self.open_vendor_sheet(token).await?.map_err(VendorSheetError::Refused)?;
        let mut problems = Vec::new();
        let name =
            required_text(name, NAME_MAX).map_err(|e| problems.push((None, Invalid::new("answered_by", e)))).ok();
        let today = today();
        let mut valid = Vec::new();
        let empty = AnswerInput::default();
        for i in &sheet.items {
            let input = answers.get(&i.item.id).unwrap_or(&empty);
            match Answer::parse(input, i.item, sheet.request.fiscal_year, today) {
                Ok(a) => valid.push((i.item.id.clone(), a)),
                Err(list) => problems.extend(list.into_iter().map(|e| (Some(i.item.id.clone()), e))),
            }
        }
        let Some(name) = name.filter(|_| problems.is_empty()) else {
            return Err(VendorSheetError::Invalid(problems));
        };
        let actor = Actor { user_id: None, name: format!("{name}（事業者）"), origin: origin.to_owned() };
        if !self.store.submit_vendor_sheet(&sheet.request, &valid, &actor).await? {
            // Used or expired between opening and saving.
            return Err(VendorSheetError::Refused(Refusal::Used));
        }
        tracing::info!(request = sheet.request.id, vendor = %sheet.request.vendor_name, origin, "vendor sheet answered");
        let mut request = sheet.request;
        request.used_at = Some(Timestamp::now());
        request.answered_by = Some(actor.name);
        Ok(request)
    }

    /// Keeps an MDS (`mds`) or SDS (`sds`) disclosure sheet on a vendor, at most
    /// [`ATTACHMENT_MAX`] bytes, under its base name.
    pub async fn attach_vendor_file(
        &self,
        p: &Principal,
        facility: FacilityId,
        vendor: PartyId,
        file: VendorFile,
    ) -> Result<VendorAttachment> {
        p.require(Action::AnswerChecklist, Some(facility))?;
        let VendorFile { kind, file_name, media_type, content } = file;
        let mut problems = Vec::new();
        let kind = kind.trim().to_ascii_lowercase();
        if !matches!(kind.as_str(), "mds" | "sds") {
            let expected = "MDS, SDS".to_owned();
            problems.push(Invalid::new("kind", Problem::UnknownChoice { given: kind.clone(), expected }));
        }
        let name = base_name(&file_name);
        if name.is_none() {
            problems.push(Invalid::new("file", Problem::Required));
        }
        if content.is_empty() {
            problems.push(Invalid::new("file", Problem::Required));
        } else if content.len() > ATTACHMENT_MAX {
            problems.push(Invalid::new("file", Problem::TooLarge { max_bytes: ATTACHMENT_MAX as u64 }));
        }
        let party = self.store.party(p.org, vendor).await?;
        if party.draft.kind != PartyKind::Vendor {
            problems.push(Invalid::new("vendor", Problem::Unknown(format!("vendor {}", party.draft.name))));
        }
        problems.dedup();
        let Some(name) = name.filter(|_| problems.is_empty()) else {
            return Err(Error::Invalid(problems));
        };
        let media_type = if media_type.trim().is_empty() { "application/octet-stream" } else { media_type.trim() };
        let file = NewVendorAttachment { kind: &kind, name: &name, media_type, content };
        Ok(self.store.add_vendor_attachment(p.org, vendor, file, &p.actor()).await?)
    }

    /// An MDS/SDS file with its bytes (checked against its SHA-256).
    pub async fn vendor_attachment(&self, p: &Principal, id: i64) -> Result<(VendorAttachment, Vec<u8>)> {
        if !p.can_anywhere(Action::ViewInventory) {
            return Err(Error::Forbidden);
        }
        Ok(self.store.vendor_attachment_content(p.org, id).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_base_name_of_an_upload_is_kept() {
        assert_eq!(base_name("C:\\Users\\a\\MDS_電子カルテ.pdf").as_deref(), Some("MDS_電子カルテ.pdf"));
        assert_eq!(base_name("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(base_name("dir/"), None);
        assert_eq!(base_name(".hidden"), None);
    }
}
