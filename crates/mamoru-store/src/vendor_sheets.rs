//! Vendor sheets: links that let a vendor answer the checklist's 事業者確認用 for its own
//! systems without an account, and the vendors' MDS/SDS disclosure sheets.
//!
//! Only the SHA-256 of a link's token is stored (as for sessions and API tokens). A link is
//! used up by the transaction that saves its answers, so two submissions racing each other
//! cannot both land.

use jiff::Timestamp;
use mamoru_domain::readiness::{Answer, FiscalYear};
use mamoru_domain::{FacilityId, OrgId, PartyId};
use serde_json::json;

use crate::Store;
use crate::audit::{Actor, Change, append};
use crate::case_evidence::{check_digest, sha256_hex};
use crate::db::{Exec, Row, args};
use crate::error::{Error, Result};
use crate::readiness::{ChecklistKey, save_answer_in};
use crate::time::{format_ts, now, parse_opt_ts, parse_ts};

/// A link sent to a vendor, without its token.
#[derive(Debug, Clone, PartialEq)]
pub struct VendorSheetRequest {
    /// Its id.
    pub id: i64,
    /// The organisation.
    pub org: OrgId,
    /// The facility whose record the answers go to.
    pub facility: FacilityId,
    /// The vendor asked.
    pub vendor: PartyId,
    /// The vendor's name.
    pub vendor_name: String,
    /// The fiscal year answered for.
    pub fiscal_year: FiscalYear,
    /// The edition's id, e.g. `fy2025`.
    pub edition: String,
    /// Who made the link.
    pub created_by: String,
    /// When.
    pub created_at: Timestamp,
    /// When it stops working.
    pub expires_at: Timestamp,
    /// When the vendor sent its answers (the link works no more).
    pub used_at: Option<Timestamp>,
    /// The name the vendor typed, with （事業者）.
    pub answered_by: Option<String>,
}

impl VendorSheetRequest {
    /// The checklist the answers belong to.
    pub fn key(&self) -> ChecklistKey {
        ChecklistKey {
            facility: self.facility,
            fiscal_year: self.fiscal_year,
            edition: self.edition.clone(),
            vendor: Some(self.vendor),
        }
    }
}

/// A link to store.
#[derive(Debug, Clone)]
pub struct NewVendorSheetRequest<'a> {
    /// The facility.
    pub facility: FacilityId,
    /// The vendor.
    pub vendor: PartyId,
    /// The fiscal year.
    pub fiscal_year: FiscalYear,
    /// The edition's id.
    pub edition: &'a str,
    /// SHA-256 of the token, hex.
    pub token_hash: &'a str,
    /// When it stops working.
    pub expires_at: Timestamp,
}

/// An MDS or SDS file to store.
#[derive(Debug, Clone)]
pub struct NewVendorAttachment<'a> {
    /// `mds` or `sds`.
    pub kind: &'a str,
    /// File name (base name only).
    pub name: &'a str,
    /// Media type.
    pub media_type: &'a str,
    /// The bytes.
    pub content: Vec<u8>,
}

/// An MDS or SDS file kept on a vendor (without its bytes).
#[derive(Debug, Clone, PartialEq)]
pub struct VendorAttachment {
    /// Its id.
    pub id: i64,
    /// The vendor.
    pub vendor: PartyId,
    /// `mds` (製造業者) or `sds` (サービス事業者).
    pub kind: String,
    /// File name (base name only).
    pub name: String,
    /// Media type.
    pub media_type: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the content, lowercase hex.
    pub sha256: String,
    /// Who stored it.
    pub added_by: String,
    /// When.
    pub added_at: Timestamp,
}

const REQUEST_COLUMNS: &str = "r.id, r.org_id, r.facility_id, r.party_id, p.name AS vendor_name, r.fiscal_year, \
    r.edition, r.created_by, r.created_at, r.expires_at, r.used_at, r.answered_by";
const ATTACHMENT_COLUMNS: &str = "id, party_id, kind, name, media_type, size, sha256, added_by, added_at";

impl Store {
    /// Stores a new link for `vendor` to answer for `facility`, with its audit entry.
    pub async fn create_vendor_sheet_request(
        &self,
        org: OrgId,
        new: &NewVendorSheetRequest<'_>,
        actor: &Actor,
    ) -> Result<i64> {
        let mut tx = self.pool.write().await?;
        crate::facilities::ensure_in_org(&mut tx, org, new.facility).await?;
        let vendor = crate::parties::get_party(&mut tx, org, new.vendor).await?;
        let row = tx
            .fetch_one(
                "INSERT INTO vendor_sheet_requests (org_id, facility_id, party_id, fiscal_year, edition, token_hash, \
                 created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"
                    .into(),
                args![
                    org.get(),
                    new.facility.get(),
                    new.vendor.get(),
                    i64::from(new.fiscal_year.year()),
                    new.edition,
                    new.token_hash,
                    actor.name.as_str(),
                    now(),
                    format_ts(new.expires_at)
                ],
            )
            .await?;
        let id = row.int("id")?;
        let change = Change {
            action: "readiness.vendor_link",
            entity: "vendor_sheet_request",
            entity_id: Some(id),
            facility_id: Some(new.facility),
            summary: format!("{} 事業者確認用: {}", new.fiscal_year.label_ja(), vendor.draft.name),
            before: None,
            after: Some(json!({
                "vendor_id": new.vendor.get(),
                "fiscal_year": new.fiscal_year.year(),
                "edition": new.edition,
                "expires_at": format_ts(new.expires_at),
            })),
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The links made for a facility (all facilities with `None`), newest first.
    pub async fn vendor_sheet_requests(
        &self,
        org: OrgId,
        facility: Option<FacilityId>,
    ) -> Result<Vec<VendorSheetRequest>> {
        let sql = format!(
            "SELECT {REQUEST_COLUMNS} FROM vendor_sheet_requests r JOIN parties p ON p.id = r.party_id \
             WHERE r.org_id = $1 AND ($2 = 0 OR r.facility_id = $2) ORDER BY r.id DESC"
        );
        let rows = self
            .pool
            .conn()
            .await?
            .fetch_all(sql.into(), args![org.get(), facility.map_or(0, FacilityId::get)])
            .await?;
        rows.iter().map(request_from_row).collect()
    }

    /// The link with this token hash, expired and used ones included (the caller says why
    /// it refuses them).
    pub async fn vendor_sheet_by_hash(&self, token_hash: &str) -> Result<Option<VendorSheetRequest>> {
        let sql = format!(
            "SELECT {REQUEST_COLUMNS} FROM vendor_sheet_requests r JOIN parties p ON p.id = r.party_id \
             WHERE r.token_hash = $1"
        );
        let row = self.pool.conn().await?.fetch_optional(sql.into(), args![token_hash]).await?;
        row.as_ref().map(request_from_row).transpose()
    }

    /// Saves a vendor's answers and uses up its link, in one transaction. Returns `false`
    /// (and saves nothing) when the link was used or expired in the meantime.
    pub async fn submit_vendor_sheet(
        &self,
        request: &VendorSheetRequest,
        answers: &[(String, Answer)],
        actor: &Actor,
    ) -> Result<bool> {
        let mut tx = self.pool.write().await?;
        let at = now();
        let claimed = tx
            .execute(
                "UPDATE vendor_sheet_requests SET used_at = $1, answered_by = $2 \
                 WHERE id = $3 AND org_id = $4 AND used_at IS NULL AND expires_at > $1"
                    .into(),
                args![at.as_str(), actor.name.as_str(), request.id, request.org.get()],
            )
            .await?;
        if claimed != 1 {
            return Ok(false);
        }
        let key = request.key();
        for (item_id, answer) in answers {
            save_answer_in(&mut tx, request.org, &key, item_id, answer, None, actor).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Stores an MDS or SDS file on a vendor, with its digest and audit entry.
    pub async fn add_vendor_attachment(
        &self,
        org: OrgId,
        vendor: PartyId,
        file: NewVendorAttachment<'_>,
        actor: &Actor,
    ) -> Result<VendorAttachment> {
        let NewVendorAttachment { kind, name, media_type, content } = file;
        let sha = sha256_hex(&content);
        let size = content.len() as u64;
        let at = Timestamp::now();
        let mut tx = self.pool.write().await?;
        let party = crate::parties::get_party(&mut tx, org, vendor).await?;
        let row = tx
            .fetch_one(
                "INSERT INTO vendor_attachments (org_id, party_id, kind, name, media_type, size, sha256, content, \
                 added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id"
                    .into(),
                args![
                    org.get(),
                    vendor.get(),
                    kind,
                    name,
                    media_type,
                    i64::try_from(size).unwrap_or(i64::MAX),
                    sha.as_str(),
                    content,
                    actor.name.as_str(),
                    format_ts(at)
                ],
            )
            .await?;
        let id = row.int("id")?;
        let change = Change {
            action: "party.attachment",
            entity: "vendor_attachment",
            entity_id: Some(id),
            facility_id: None,
            summary: format!("{}: {} {name}", party.draft.name, kind.to_uppercase()),
            before: None,
            after: Some(json!({ "vendor_id": vendor.get(), "kind": kind, "name": name, "size": size, "sha256": sha })),
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await?;
        Ok(VendorAttachment {
            id,
            vendor,
            kind: kind.to_owned(),
            name: name.to_owned(),
            media_type: media_type.to_owned(),
            size,
            sha256: sha,
            added_by: actor.name.clone(),
            added_at: at,
        })
    }

    /// The MDS/SDS files of the organisation's vendors, by vendor then oldest first.
    pub async fn vendor_attachments(&self, org: OrgId) -> Result<Vec<VendorAttachment>> {
        let sql =
            format!("SELECT {ATTACHMENT_COLUMNS} FROM vendor_attachments WHERE org_id = $1 ORDER BY party_id, id");
        let rows = self.pool.conn().await?.fetch_all(sql.into(), args![org.get()]).await?;
        rows.iter().map(attachment_from_row).collect()
    }

    /// An MDS/SDS file with its bytes, checked against its digest.
    pub async fn vendor_attachment_content(&self, org: OrgId, id: i64) -> Result<(VendorAttachment, Vec<u8>)> {
        let sql = format!("SELECT {ATTACHMENT_COLUMNS}, content FROM vendor_attachments WHERE org_id = $1 AND id = $2");
        let row = self
            .pool
            .conn()
            .await?
            .fetch_optional(sql.into(), args![org.get(), id])
            .await?
            .ok_or(Error::NotFound { what: "vendor attachment" })?;
        let file = attachment_from_row(&row)?;
        let content = row.bytes("content")?;
        check_digest("vendor attachment", id, &file.name, &file.sha256, &content)?;
        Ok((file, content))
    }
}

fn request_from_row(r: &Row) -> Result<VendorSheetRequest> {
    let year = r.int("fiscal_year")?;
    let fiscal_year = i16::try_from(year)
        .ok()
        .and_then(FiscalYear::new)
        .ok_or_else(|| Error::Corrupt(format!("vendor_sheet_requests.fiscal_year {year}")))?;
    Ok(VendorSheetRequest {
        id: r.int("id")?,
        org: OrgId::new(r.int("org_id")?),
        facility: FacilityId::new(r.int("facility_id")?),
        vendor: PartyId::new(r.int("party_id")?),
        vendor_name: r.text("vendor_name")?,
        fiscal_year,
        edition: r.text("edition")?,
        created_by: r.text("created_by")?,
        created_at: parse_ts(&r.text("created_at")?)?,
        expires_at: parse_ts(&r.text("expires_at")?)?,
        used_at: parse_opt_ts(r.opt_text("used_at")?)?,
        answered_by: r.opt_text("answered_by")?,
    })
}

fn attachment_from_row(r: &Row) -> Result<VendorAttachment> {
    Ok(VendorAttachment {
        id: r.int("id")?,
        vendor: PartyId::new(r.int("party_id")?),
        kind: r.text("kind")?,
        name: r.text("name")?,
        media_type: r.text("media_type")?,
        size: u64::try_from(r.int("size")?).unwrap_or(0),
        sha256: r.text("sha256")?,
        added_by: r.text("added_by")?,
        added_at: parse_ts(&r.text("added_at")?)?,
    })
}
