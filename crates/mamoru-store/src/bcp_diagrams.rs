//! Network and system diagrams attached to a facility's BCP: any file (PDF, an image, a
//! Visio or Excel sheet), kept with its SHA-256, checked again when read, so a changed file
//! is refused by name rather than handed out. Adding and removing one are audited.

use jiff::Timestamp;
use mamoru_domain::{FacilityId, OrgId};
use serde_json::json;

use crate::Store;
use crate::audit::{Actor, Change, append};
use crate::case_evidence::{check_digest, sha256_hex};
use crate::db::{Exec, Row, args};
use crate::error::{Error, Result};
use crate::time::{format_ts, parse_ts};

/// A diagram file to store.
#[derive(Debug, Clone)]
pub struct NewBcpDiagram<'a> {
    /// File name (base name only).
    pub name: &'a str,
    /// Media type as uploaded (only recorded; the file is always served as a download).
    pub media_type: &'a str,
    /// The bytes.
    pub content: Vec<u8>,
}

/// A diagram kept on a facility's BCP (without its bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BcpDiagram {
    /// Its id.
    pub id: i64,
    /// The facility.
    pub facility: FacilityId,
    /// File name (base name only).
    pub name: String,
    /// Media type as uploaded.
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

const COLUMNS: &str = "id, facility_id, name, media_type, size, sha256, added_by, added_at";

impl Store {
    /// Stores a diagram on the facility's BCP, with its digest and audit entry.
    pub async fn add_bcp_diagram(
        &self,
        org: OrgId,
        facility: FacilityId,
        file: NewBcpDiagram<'_>,
        actor: &Actor,
    ) -> Result<BcpDiagram> {
        let NewBcpDiagram { name, media_type, content } = file;
        let sha = sha256_hex(&content);
        let size = content.len() as u64;
        // As stored (to the precision kept), so what is returned equals what is read back.
        let at_text = format_ts(Timestamp::now());
        let at = parse_ts(&at_text)?;
        let mut tx = self.pool.write().await?;
        crate::facilities::ensure_in_org(&mut tx, org, facility).await?;
        let row = tx
            .fetch_one(
                "INSERT INTO bcp_diagrams (org_id, facility_id, name, media_type, size, sha256, content, added_by, \
                 added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"
                    .into(),
                args![
                    org.get(),
                    facility.get(),
                    name,
                    media_type,
                    i64::try_from(size).unwrap_or(i64::MAX),
                    sha.as_str(),
                    content,
                    actor.name.as_str(),
                    at_text
                ],
            )
            .await?;
        let id = row.int("id")?;
        let change = Change {
            action: "bcp.diagram.add",
            entity: "bcp_diagram",
            entity_id: Some(id),
            facility_id: Some(facility),
            summary: format!("BCP 構成図 {name} を追加"),
            before: None,
            after: Some(json!({ "name": name, "size": size, "sha256": sha })),
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await?;
        Ok(BcpDiagram {
            id,
            facility,
            name: name.to_owned(),
            media_type: media_type.to_owned(),
            size,
            sha256: sha,
            added_by: actor.name.clone(),
            added_at: at,
        })
    }

    /// The facility's diagrams, oldest first.
    pub async fn bcp_diagrams(&self, org: OrgId, facility: FacilityId) -> Result<Vec<BcpDiagram>> {
        let sql = format!("SELECT {COLUMNS} FROM bcp_diagrams WHERE org_id = $1 AND facility_id = $2 ORDER BY id");
        let rows = self.pool.conn().await?.fetch_all(sql.into(), args![org.get(), facility.get()]).await?;
        rows.iter().map(from_row).collect()
    }

    /// A diagram with its bytes, checked against its digest.
    pub async fn bcp_diagram_content(&self, org: OrgId, id: i64) -> Result<(BcpDiagram, Vec<u8>)> {
        let sql = format!("SELECT {COLUMNS}, content FROM bcp_diagrams WHERE org_id = $1 AND id = $2");
        let row = self
            .pool
            .conn()
            .await?
            .fetch_optional(sql.into(), args![org.get(), id])
            .await?
            .ok_or(Error::NotFound { what: "BCP diagram" })?;
        let file = from_row(&row)?;
        let content = row.bytes("content")?;
        check_digest("BCP diagram", id, &file.name, &file.sha256, &content)?;
        Ok((file, content))
    }

    /// One diagram without its bytes.
    pub async fn bcp_diagram(&self, org: OrgId, id: i64) -> Result<BcpDiagram> {
        let sql = format!("SELECT {COLUMNS} FROM bcp_diagrams WHERE org_id = $1 AND id = $2");
        let row = self
            .pool
            .conn()
            .await?
            .fetch_optional(sql.into(), args![org.get(), id])
            .await?
            .ok_or(Error::NotFound { what: "BCP diagram" })?;
        from_row(&row)
    }

    /// Removes a diagram, keeping its name and digest in the audit entry.
    pub async fn remove_bcp_diagram(&self, org: OrgId, id: i64, actor: &Actor) -> Result<BcpDiagram> {
        let mut tx = self.pool.write().await?;
        let sql = format!("SELECT {COLUMNS} FROM bcp_diagrams WHERE org_id = $1 AND id = $2");
        let row = tx
            .fetch_optional(sql.into(), args![org.get(), id])
            .await?
            .ok_or(Error::NotFound { what: "BCP diagram" })?;
        let file = from_row(&row)?;
        tx.execute("DELETE FROM bcp_diagrams WHERE org_id = $1 AND id = $2".into(), args![org.get(), id]).await?;
        let change = Change {
            action: "bcp.diagram.remove",
            entity: "bcp_diagram",
            entity_id: Some(id),
            facility_id: Some(file.facility),
            summary: format!("BCP 構成図 {} を削除", file.name),
            before: Some(json!({ "name": file.name, "size": file.size, "sha256": file.sha256 })),
            after: None,
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await?;
        Ok(file)
    }
}

fn from_row(r: &Row) -> Result<BcpDiagram> {
    Ok(BcpDiagram {
        id: r.int("id")?,
        facility: FacilityId::new(r.int("facility_id")?),
        name: r.text("name")?,
        media_type: r.text("media_type")?,
        size: u64::try_from(r.int("size")?).unwrap_or(0),
        sha256: r.text("sha256")?,
        added_by: r.text("added_by")?,
        added_at: parse_ts(&r.text("added_at")?)?,
    })
}
