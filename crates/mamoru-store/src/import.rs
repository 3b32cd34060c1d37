//! Applying a whole register file: facilities and vendors by name, assets by facility and
//! name, in one transaction.

use std::collections::HashMap;

use mamoru_domain::{Asset, FacilityId, OrgId, PartyId, PartyKind, RegisterEntry};
use serde_json::json;

use crate::Store;
use crate::assets::{COLUMNS, NewAsset, asset_from_row, insert, new_asset, update};
use crate::audit::{Actor, Change, append, append_all};
use crate::db::{Exec, Tx, args};
use crate::error::Result;
use crate::{facilities, parties};

/// What an import did (or, for a preview, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Assets added.
    pub created: usize,
    /// Assets whose fields changed.
    pub updated: usize,
    /// Assets already as in the file.
    pub unchanged: usize,
    /// Facilities the file named that did not exist, created.
    pub facilities_created: Vec<String>,
    /// Vendors the file named that did not exist, created.
    pub vendors_created: Vec<String>,
}

impl Store {
    /// Applies a register file in one transaction: facilities and vendors it names are
    /// created, assets are matched by facility and name, added or updated. `columns` lists
    /// the fields the file has (see [`mamoru_domain::REGISTER_FIELDS`]); an existing asset
    /// keeps its value of every other field. With `dry_run` nothing is kept and the summary
    /// says what would happen.
    pub async fn import_register(
        &self,
        org: OrgId,
        entries: &[RegisterEntry],
        columns: &[&str],
        file_name: &str,
        actor: &Actor,
        dry_run: bool,
    ) -> Result<ImportSummary> {
        let mut tx = self.pool.write().await?;
        let summary = import(&mut tx, org, entries, columns, actor).await?;
        if dry_run {
            return Ok(summary);
        }
        let change = Change {
            action: "inventory.import",
            entity: "inventory",
            entity_id: None,
            facility_id: None,
            summary: format!(
                "{file_name}: {} created, {} updated, {} unchanged",
                summary.created, summary.updated, summary.unchanged
            ),
            before: None,
            after: Some(json!({
                "file": file_name,
                "created": summary.created,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
                "facilities_created": summary.facilities_created,
                "vendors_created": summary.vendors_created,
            })),
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await?;
        Ok(summary)
    }
}

async fn import(
    tx: &mut Tx,
    org: OrgId,
    entries: &[RegisterEntry],
    columns: &[&str],
    actor: &Actor,
) -> Result<ImportSummary> {
    let has = |field: &str| columns.contains(&field);
    let mut summary = ImportSummary::default();
    // Asset audit entries are written together at the end, many per statement: one
    // statement per row would double the cost of a large import.
    let mut changes: Vec<Change> = Vec::new();
    // Load once what the entries refer to, so each entry costs one write at most.
    let mut facilities: HashMap<String, FacilityId> = HashMap::new();
    let sql = "SELECT id, name FROM facilities WHERE org_id = $1";
    for r in tx.fetch_all(sql.into(), args![org.get()]).await? {
        facilities.insert(r.text("name")?, FacilityId::new(r.int("id")?));
    }
    let mut vendors: HashMap<String, PartyId> = HashMap::new();
    for r in tx.fetch_all("SELECT id, name FROM parties WHERE org_id = $1".into(), args![org.get()]).await? {
        vendors.insert(r.text("name")?, PartyId::new(r.int("id")?));
    }
    let mut existing: HashMap<(FacilityId, String), Asset> = HashMap::new();
    let sql = format!("SELECT {COLUMNS} FROM assets a WHERE a.org_id = $1");
    for r in tx.fetch_all(sql.into(), args![org.get()]).await? {
        let a = asset_from_row(&r)?;
        existing.insert((a.facility_id, a.draft.name.clone()), a);
    }

    for entry in entries {
        let facility_id = match facilities.get(&entry.facility) {
            Some(id) => *id,
            None => {
                let draft = mamoru_domain::FacilityDraft {
                    name: entry.facility.clone(),
                    kind: mamoru_domain::FacilityKind::guess_from_name(&entry.facility),
                    ..Default::default()
                };
                let id = facilities::insert(tx, org, &draft, actor).await?;
                facilities.insert(entry.facility.clone(), id);
                summary.facilities_created.push(entry.facility.clone());
                id
            }
        };
        let mut vendor = async |name: &Option<String>| -> Result<Option<PartyId>> {
            let Some(name) = name else { return Ok(None) };
            if let Some(id) = vendors.get(name) {
                return Ok(Some(*id));
            }
            let draft = mamoru_domain::PartyDraft { name: name.clone(), kind: PartyKind::Vendor, notes: None };
            let id = parties::insert_party(tx, org, &draft, actor).await?;
            vendors.insert(name.clone(), id);
            summary.vendors_created.push(name.clone());
            Ok(Some(id))
        };
        let maintenance_vendor = vendor(&entry.maintenance_vendor).await?;
        let remote_vendor = vendor(&entry.remote_vendor).await?;
        let mut new = NewAsset { facility_id, draft: entry.asset.clone(), maintenance_vendor, remote_vendor };
        match existing.get(&(facility_id, entry.asset.name.clone())) {
            Some(old) => {
                new.draft.keep_absent(&old.draft, has);
                if !has("maintenance_vendor") {
                    new.maintenance_vendor = old.maintenance_vendor;
                }
                if !has("remote_vendor") {
                    new.remote_vendor = old.remote_vendor;
                }
                if new_asset(old) == new {
                    summary.unchanged += 1;
                } else {
                    changes.push(update(tx, org, old, &new).await?);
                    summary.updated += 1;
                }
            }
            None => {
                changes.push(insert(tx, org, &new).await?.1);
                summary.created += 1;
            }
        }
    }
    append_all(tx, Some(org), actor, changes).await?;
    Ok(summary)
}
