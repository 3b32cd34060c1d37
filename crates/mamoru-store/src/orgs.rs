//! Organisations: the tenants.

use jiff::Timestamp;
use mamoru_domain::OrgId;
use serde_json::json;

use crate::Store;
use crate::audit::{Actor, Change, append};
use crate::db::{Exec, Row, args};
use crate::error::{Error, Result};
use crate::time::{now, parse_ts};

/// An organisation (a hospital group, a clinic, a provider's customer): the tenant boundary.
#[derive(Debug, Clone, PartialEq)]
pub struct Organization {
    /// Its id.
    pub id: OrgId,
    /// Its name, unique.
    pub name: String,
    /// Whether every user must log in with a TOTP code.
    pub require_totp: bool,
    /// When it was created.
    pub created_at: Timestamp,
    /// Where alerts are posted (a chat or ticket system's incoming webhook), if anywhere.
    pub webhook_url: Option<String>,
}

const COLUMNS: &str = "id, name, require_totp, created_at, webhook_url";

impl Store {
    /// Creates an organisation.
    pub async fn create_org(&self, name: &str, actor: &Actor) -> Result<OrgId> {
        let mut tx = self.pool.write().await?;
        let row = tx
            .fetch_one(
                "INSERT INTO organizations (name, require_totp, created_at) VALUES ($1, FALSE, $2) RETURNING id".into(),
                args![name, now()],
            )
            .await
            .map_err(|e| e.conflict_as(|| format!("organisation {name:?}")))?;
        let id = OrgId::new(row.int("id")?);
        let change = Change {
            action: "organization.create",
            entity: "organization",
            entity_id: Some(id.get()),
            facility_id: None,
            summary: name.to_owned(),
            before: None,
            after: Some(json!({ "name": name, "require_totp": false })),
        };
        append(&mut tx, Some(id), actor, change).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// One organisation.
    pub async fn org(&self, id: OrgId) -> Result<Organization> {
        let sql = format!("SELECT {COLUMNS} FROM organizations WHERE id = $1");
        let row = self.pool.conn().await?.fetch_optional(sql.into(), args![id.get()]).await?;
        row.as_ref().map(org_from_row).transpose()?.ok_or(Error::NotFound { what: "organisation" })
    }

    /// The organisation of this name, if any.
    pub async fn org_by_name(&self, name: &str) -> Result<Option<Organization>> {
        let sql = format!("SELECT {COLUMNS} FROM organizations WHERE name = $1");
        let row = self.pool.conn().await?.fetch_optional(sql.into(), args![name]).await?;
        row.as_ref().map(org_from_row).transpose()
    }

    /// Every organisation, by name.
    pub async fn orgs(&self) -> Result<Vec<Organization>> {
        let sql = format!("SELECT {COLUMNS} FROM organizations ORDER BY name");
        let rows = self.pool.conn().await?.fetch_all(sql.into(), vec![]).await?;
        rows.iter().map(org_from_row).collect()
    }

    /// Requires (or stops requiring) a TOTP code from every user of the organisation.
    pub async fn set_require_totp(&self, org: OrgId, require: bool, actor: &Actor) -> Result<()> {
        let before = self.org(org).await?;
        let mut tx = self.pool.write().await?;
        tx.execute("UPDATE organizations SET require_totp = $1 WHERE id = $2".into(), args![require, org.get()])
            .await?;
        let change = Change {
            action: "organization.update",
            entity: "organization",
            entity_id: Some(org.get()),
            facility_id: None,
            summary: before.name.clone(),
            before: Some(json!({ "require_totp": before.require_totp })),
            after: Some(json!({ "require_totp": require })),
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await
    }
}

impl Store {
    /// Sets (or with `None` removes) the URL alerts are posted to.
    pub async fn set_webhook(&self, org: OrgId, url: Option<&str>, actor: &Actor) -> Result<()> {
        let before = self.org(org).await?;
        let mut tx = self.pool.write().await?;
        tx.execute("UPDATE organizations SET webhook_url = $1 WHERE id = $2".into(), args![url, org.get()]).await?;
        let change = Change {
            action: "organization.update",
            entity: "organization",
            entity_id: Some(org.get()),
            facility_id: None,
            summary: before.name.clone(),
            before: Some(json!({ "webhook_url": before.webhook_url })),
            after: Some(json!({ "webhook_url": url })),
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await
    }
}

fn org_from_row(r: &Row) -> Result<Organization> {
    Ok(Organization {
        id: OrgId::new(r.int("id")?),
        name: r.text("name")?,
        require_totp: r.bool("require_totp")?,
        created_at: parse_ts(&r.text("created_at")?)?,
        webhook_url: r.opt_text("webhook_url")?,
    })
}
