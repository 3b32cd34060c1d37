//! Facilities.

use mamoru_domain::facility::{FacilityDraft, FacilityKind, Operator};
use mamoru_domain::{Facility, FacilityId, OrgId, Prefecture};
use serde_json::{Value, json};

use crate::Store;
use crate::audit::{Actor, Change, append};
use crate::db::{Exec, Row, Tx, args};
use crate::error::{Error, Result};
use crate::time::{now, parse_ts};

const COLUMNS: &str = "id, org_id, name, kind, beds, prefecture, operator, address, phone, created_at, updated_at";

impl Store {
    /// Creates a facility; its name must be new in the organisation.
    pub async fn create_facility(&self, org: OrgId, draft: &FacilityDraft, actor: &Actor) -> Result<FacilityId> {
        let mut tx = self.pool.write().await?;
        let id = insert(&mut tx, org, draft, actor).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes a facility's details.
    pub async fn update_facility(
        &self,
        org: OrgId,
        id: FacilityId,
        draft: &FacilityDraft,
        actor: &Actor,
    ) -> Result<()> {
        let mut tx = self.pool.write().await?;
        let before = get(&mut tx, org, id).await?;
        tx.execute(
            "UPDATE facilities SET name = $1, kind = $2, beds = $3, prefecture = $4, operator = $5, address = $6,
             phone = $7, updated_at = $8 WHERE org_id = $9 AND id = $10"
                .into(),
            [values(draft), args![now(), org.get(), id.get()]].concat(),
        )
        .await
        .map_err(|e| e.conflict_as(|| format!("facility {:?}", draft.name)))?;
        let change = Change {
            action: "facility.update",
            entity: "facility",
            entity_id: Some(id.get()),
            facility_id: Some(id),
            summary: draft.name.clone(),
            before: Some(snapshot(&before.draft)),
            after: Some(snapshot(draft)),
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await
    }

    /// Deletes a facility that has no assets left.
    pub async fn delete_facility(&self, org: OrgId, id: FacilityId, actor: &Actor) -> Result<()> {
        let mut tx = self.pool.write().await?;
        let before = get(&mut tx, org, id).await?;
        tx.execute("DELETE FROM facilities WHERE org_id = $1 AND id = $2".into(), args![org.get(), id.get()])
            .await
            .map_err(|e| e.in_use_as(|| format!("facility {:?} (it still has assets or alerts)", before.draft.name)))?;
        let change = Change {
            action: "facility.delete",
            entity: "facility",
            entity_id: Some(id.get()),
            facility_id: Some(id),
            summary: before.draft.name.clone(),
            before: Some(snapshot(&before.draft)),
            after: None,
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await
    }

    /// One facility of the organisation.
    pub async fn facility(&self, org: OrgId, id: FacilityId) -> Result<Facility> {
        get(&mut self.pool.conn().await?, org, id).await
    }

    /// Every facility of the organisation, by name.
    pub async fn facilities(&self, org: OrgId) -> Result<Vec<Facility>> {
        let sql = format!("SELECT {COLUMNS} FROM facilities WHERE org_id = $1 ORDER BY name");
        let rows = self.pool.conn().await?.fetch_all(sql.into(), args![org.get()]).await?;
        rows.iter().map(facility_from_row).collect()
    }
}

pub(crate) async fn insert(tx: &mut Tx, org: OrgId, draft: &FacilityDraft, actor: &Actor) -> Result<FacilityId> {
    let t = now();
    let row = tx
        .fetch_one(
            "INSERT INTO facilities (name, kind, beds, prefecture, operator, address, phone, org_id, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id"
                .into(),
            [values(draft), args![org.get(), t]].concat(),
        )
        .await
        .map_err(|e| e.conflict_as(|| format!("facility {:?}", draft.name)))?;
    let id = FacilityId::new(row.int("id")?);
    let change = Change {
        action: "facility.create",
        entity: "facility",
        entity_id: Some(id.get()),
        facility_id: Some(id),
        summary: draft.name.clone(),
        before: None,
        after: Some(snapshot(draft)),
    };
    append(tx, Some(org), actor, change).await?;
    Ok(id)
}

/// Fails with `NotFound` unless `id` is a facility of `org`: references from other records
/// (assets, contacts, grants) must stay inside the organisation.
pub(crate) async fn ensure_in_org(ex: &mut impl Exec, org: OrgId, id: FacilityId) -> Result<()> {
    let n = ex
        .fetch_one(
            "SELECT COUNT(*) AS n FROM facilities WHERE org_id = $1 AND id = $2".into(),
            args![org.get(), id.get()],
        )
        .await?
        .int("n")?;
    if n == 0 { Err(Error::NotFound { what: "facility" }) } else { Ok(()) }
}

async fn get(ex: &mut impl Exec, org: OrgId, id: FacilityId) -> Result<Facility> {
    let sql = format!("SELECT {COLUMNS} FROM facilities WHERE org_id = $1 AND id = $2");
    let row = ex.fetch_optional(sql.into(), args![org.get(), id.get()]).await?;
    row.as_ref().map(facility_from_row).transpose()?.ok_or(Error::NotFound { what: "facility" })
}

/// name, kind, beds, prefecture, operator, address, phone: `$1`..`$7`.
fn values(d: &FacilityDraft) -> Vec<crate::db::Arg> {
    args![
        d.name.as_str(),
        d.kind.map(|k| k.code()),
        d.beds.map(i64::from),
        d.prefecture.map(|p| i64::from(p.code())),
        d.operator.code(),
        d.address.clone(),
        d.phone.clone(),
    ]
}

/// The facility as the audit log shows it.
pub(crate) fn snapshot(d: &FacilityDraft) -> Value {
    json!({
        "name": d.name,
        "kind": d.kind.map(|k| k.code()),
        "beds": d.beds,
        "prefecture": d.prefecture.map(|p| p.ja()),
        "operator": d.operator.code(),
        "address": d.address,
        "phone": d.phone,
    })
}

pub(crate) fn facility_from_row(r: &Row) -> Result<Facility> {
    let corrupt = |what: &str| Error::Corrupt(format!("facility {what}"));
    let kind = match r.opt_text("kind")? {
        Some(k) => Some(FacilityKind::from_code(&k).ok_or_else(|| corrupt("kind"))?),
        None => None,
    };
    let prefecture = match r.opt_int("prefecture")? {
        Some(p) => Some(u8::try_from(p).ok().and_then(Prefecture::from_code).ok_or_else(|| corrupt("prefecture"))?),
        None => None,
    };
    Ok(Facility {
        id: FacilityId::new(r.int("id")?),
        org_id: OrgId::new(r.int("org_id")?),
        draft: FacilityDraft {
            name: r.text("name")?,
            kind,
            beds: r.opt_int("beds")?.map(|b| b as u32),
            prefecture,
            operator: Operator::from_code(&r.text("operator")?).ok_or_else(|| corrupt("operator"))?,
            address: r.opt_text("address")?,
            phone: r.opt_text("phone")?,
        },
        created_at: parse_ts(&r.text("created_at")?)?,
        updated_at: parse_ts(&r.text("updated_at")?)?,
    })
}
