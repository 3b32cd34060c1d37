//! The contact chain: vendors and outside parties, and their contacts.

use mamoru_domain::contact::{ChainRole, ContactDraft, PartyDraft, PartyKind};
use mamoru_domain::{Contact, ContactId, FacilityId, OrgId, Party, PartyId};
use serde_json::{Value, json};

use crate::Store;
use crate::audit::{Actor, Change, append};
use crate::db::{Arg, Exec, Row, Tx, args};
use crate::error::{Error, Result};

/// A contact with the party it works for, as the chain chart shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainEntry {
    /// The contact.
    pub contact: Contact,
    /// Its party; `None` for the organisation's own staff.
    pub party: Option<Party>,
}

const PARTY_COLUMNS: &str = "id, org_id, name, kind, notes";
const CONTACT_COLUMNS: &str = "c.id, c.org_id, c.party_id, c.facility_id, c.name, c.title, c.role, c.phone, c.email, c.hours, c.sort_order, c.notes";

impl Store {
    /// Adds a vendor or outside party.
    pub async fn create_party(&self, org: OrgId, draft: &PartyDraft, actor: &Actor) -> Result<PartyId> {
        let mut tx = self.pool.write().await?;
        let id = insert_party(&mut tx, org, draft, actor).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes a party.
    pub async fn update_party(&self, org: OrgId, id: PartyId, draft: &PartyDraft, actor: &Actor) -> Result<()> {
        let mut tx = self.pool.write().await?;
        let before = get_party(&mut tx, org, id).await?;
        tx.execute(
            "UPDATE parties SET name = $1, kind = $2, notes = $3 WHERE org_id = $4 AND id = $5".into(),
            args![draft.name.as_str(), draft.kind.code(), draft.notes.clone(), org.get(), id.get()],
        )
        .await
        .map_err(|e| e.conflict_as(|| format!("vendor {:?}", draft.name)))?;
        let change = party_change("party.update", id, Some(&before.draft), Some(draft));
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await
    }

    /// Deletes a party with its contacts; assets that named it keep no vendor.
    pub async fn delete_party(&self, org: OrgId, id: PartyId, actor: &Actor) -> Result<()> {
        let mut tx = self.pool.write().await?;
        let before = get_party(&mut tx, org, id).await?;
        // A vendor's checklist answers are inspection evidence: they keep the vendor.
        tx.execute("DELETE FROM parties WHERE org_id = $1 AND id = $2".into(), args![org.get(), id.get()])
            .await
            .map_err(|e| e.in_use_as(|| format!("{} (it has answered the vendor checklist)", before.draft.name)))?;
        let change = party_change("party.delete", id, Some(&before.draft), None);
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await
    }

    /// One party.
    pub async fn party(&self, org: OrgId, id: PartyId) -> Result<Party> {
        get_party(&mut self.pool.conn().await?, org, id).await
    }

    /// Every party of the organisation, by kind then name.
    pub async fn parties(&self, org: OrgId) -> Result<Vec<Party>> {
        let sql = format!("SELECT {PARTY_COLUMNS} FROM parties WHERE org_id = $1 ORDER BY name");
        let rows = self.pool.conn().await?.fetch_all(sql.into(), args![org.get()]).await?;
        let mut parties: Vec<Party> = rows.iter().map(party_from_row).collect::<Result<_>>()?;
        parties.sort_by(|a, b| (a.draft.kind, &a.draft.name).cmp(&(b.draft.kind, &b.draft.name)));
        Ok(parties)
    }

    /// Adds a contact, for one facility or (with `facility` `None`) for all of them.
    pub async fn create_contact(
        &self,
        org: OrgId,
        party: Option<PartyId>,
        facility: Option<FacilityId>,
        draft: &ContactDraft,
        actor: &Actor,
    ) -> Result<ContactId> {
        let mut tx = self.pool.write().await?;
        check_refs(&mut tx, org, party, facility).await?;
        let row = tx
            .fetch_one(
                "INSERT INTO contacts (party_id, facility_id, name, title, role, phone, email, hours, sort_order, notes, org_id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id"
                    .into(),
                [contact_values(party, facility, draft), args![org.get()]].concat(),
            )
            .await?;
        let id = ContactId::new(row.int("id")?);
        let change = contact_change("contact.create", id, facility, None, Some((party, draft)));
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes a contact.
    pub async fn update_contact(
        &self,
        org: OrgId,
        id: ContactId,
        party: Option<PartyId>,
        facility: Option<FacilityId>,
        draft: &ContactDraft,
        actor: &Actor,
    ) -> Result<()> {
        let mut tx = self.pool.write().await?;
        check_refs(&mut tx, org, party, facility).await?;
        let before = get_contact(&mut tx, org, id).await?;
        tx.execute(
            "UPDATE contacts SET party_id = $1, facility_id = $2, name = $3, title = $4, role = $5, phone = $6, email = $7,
             hours = $8, sort_order = $9, notes = $10 WHERE org_id = $11 AND id = $12"
                .into(),
            [contact_values(party, facility, draft), args![org.get(), id.get()]].concat(),
        )
        .await?;
        let change = contact_change(
            "contact.update",
            id,
            facility,
            Some((before.party_id, &before.draft)),
            Some((party, draft)),
        );
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await
    }

    /// Deletes a contact.
    pub async fn delete_contact(&self, org: OrgId, id: ContactId, actor: &Actor) -> Result<()> {
        let mut tx = self.pool.write().await?;
        let before = get_contact(&mut tx, org, id).await?;
        tx.execute("DELETE FROM contacts WHERE org_id = $1 AND id = $2".into(), args![org.get(), id.get()]).await?;
        let change =
            contact_change("contact.delete", id, before.facility_id, Some((before.party_id, &before.draft)), None);
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await
    }

    /// One contact.
    pub async fn contact(&self, org: OrgId, id: ContactId) -> Result<Contact> {
        get_contact(&mut self.pool.conn().await?, org, id).await
    }

    /// The contact chain of a facility: its own contacts and the organisation-wide ones,
    /// in chain order (role, then escalation order). With `facility` `None`, every contact.
    pub async fn contact_chain(&self, org: OrgId, facility: Option<FacilityId>) -> Result<Vec<ChainEntry>> {
        let mut conn = self.pool.conn().await?;
        let (filter, params) = match facility {
            Some(f) => ("AND (c.facility_id IS NULL OR c.facility_id = $2)", args![org.get(), f.get()]),
            None => ("", args![org.get()]),
        };
        let sql = format!("SELECT {CONTACT_COLUMNS} FROM contacts c WHERE c.org_id = $1 {filter}");
        let rows = conn.fetch_all(sql.into(), params).await?;
        let contacts: Vec<Contact> = rows.iter().map(contact_from_row).collect::<Result<_>>()?;
        let sql = format!("SELECT {PARTY_COLUMNS} FROM parties WHERE org_id = $1");
        let parties: Vec<Party> =
            conn.fetch_all(sql.into(), args![org.get()]).await?.iter().map(party_from_row).collect::<Result<_>>()?;
        let mut chain: Vec<ChainEntry> = contacts
            .into_iter()
            .map(|contact| {
                let party = contact.party_id.and_then(|p| parties.iter().find(|x| x.id == p).cloned());
                ChainEntry { contact, party }
            })
            .collect();
        chain.sort_by(|a, b| {
            let key = |e: &ChainEntry| (e.contact.draft.role, e.contact.draft.order, e.contact.draft.name.clone());
            key(a).cmp(&key(b))
        });
        Ok(chain)
    }
}

pub(crate) async fn insert_party(tx: &mut Tx, org: OrgId, draft: &PartyDraft, actor: &Actor) -> Result<PartyId> {
    let row = tx
        .fetch_one(
            "INSERT INTO parties (org_id, name, kind, notes) VALUES ($1, $2, $3, $4) RETURNING id".into(),
            args![org.get(), draft.name.as_str(), draft.kind.code(), draft.notes.clone()],
        )
        .await
        .map_err(|e| e.conflict_as(|| format!("vendor {:?}", draft.name)))?;
    let id = PartyId::new(row.int("id")?);
    append(tx, Some(org), actor, party_change("party.create", id, None, Some(draft))).await?;
    Ok(id)
}

/// A party and a facility named by a contact must be the organisation's own.
async fn check_refs(tx: &mut Tx, org: OrgId, party: Option<PartyId>, facility: Option<FacilityId>) -> Result<()> {
    if let Some(p) = party {
        get_party(tx, org, p).await?;
    }
    if let Some(f) = facility {
        crate::facilities::ensure_in_org(tx, org, f).await?;
    }
    Ok(())
}

pub(crate) async fn get_party(ex: &mut impl Exec, org: OrgId, id: PartyId) -> Result<Party> {
    let sql = format!("SELECT {PARTY_COLUMNS} FROM parties WHERE org_id = $1 AND id = $2");
    let row = ex.fetch_optional(sql.into(), args![org.get(), id.get()]).await?;
    row.as_ref().map(party_from_row).transpose()?.ok_or(Error::NotFound { what: "vendor" })
}

async fn get_contact(ex: &mut impl Exec, org: OrgId, id: ContactId) -> Result<Contact> {
    let sql = format!("SELECT {CONTACT_COLUMNS} FROM contacts c WHERE c.org_id = $1 AND c.id = $2");
    let row = ex.fetch_optional(sql.into(), args![org.get(), id.get()]).await?;
    row.as_ref().map(contact_from_row).transpose()?.ok_or(Error::NotFound { what: "contact" })
}

/// party_id, facility_id, name, title, role, phone, email, hours, sort_order, notes: `$1`..`$10`.
fn contact_values(party: Option<PartyId>, facility: Option<FacilityId>, d: &ContactDraft) -> Vec<Arg> {
    args![
        party.map(PartyId::get),
        facility.map(FacilityId::get),
        d.name.as_str(),
        d.title.clone(),
        d.role.code(),
        d.phone.clone(),
        d.email.clone(),
        d.hours.clone(),
        i64::from(d.order),
        d.notes.clone(),
    ]
}

fn party_change(action: &'static str, id: PartyId, before: Option<&PartyDraft>, after: Option<&PartyDraft>) -> Change {
    let snap = |d: &PartyDraft| json!({ "name": d.name, "kind": d.kind.code(), "notes": d.notes });
    Change {
        action,
        entity: "party",
        entity_id: Some(id.get()),
        facility_id: None,
        summary: after.or(before).map(|d| d.name.clone()).unwrap_or_default(),
        before: before.map(snap),
        after: after.map(snap),
    }
}

fn contact_change(
    action: &'static str,
    id: ContactId,
    facility: Option<FacilityId>,
    before: Option<(Option<PartyId>, &ContactDraft)>,
    after: Option<(Option<PartyId>, &ContactDraft)>,
) -> Change {
    let snap = |(party, d): (Option<PartyId>, &ContactDraft)| -> Value {
        json!({
            "party_id": party.map(PartyId::get),
            "name": d.name,
            "title": d.title,
            "role": d.role.code(),
            "phone": d.phone,
            "email": d.email,
            "hours": d.hours,
            "order": d.order,
            "notes": d.notes,
        })
    };
    Change {
        action,
        entity: "contact",
        entity_id: Some(id.get()),
        facility_id: facility,
        summary: after.or(before).map(|(_, d)| d.name.clone()).unwrap_or_default(),
        before: before.map(snap),
        after: after.map(snap),
    }
}

fn party_from_row(r: &Row) -> Result<Party> {
    let kind = r.text("kind")?;
    Ok(Party {
        id: PartyId::new(r.int("id")?),
        org_id: OrgId::new(r.int("org_id")?),
        draft: PartyDraft {
            name: r.text("name")?,
            kind: PartyKind::from_code(&kind).ok_or_else(|| Error::Corrupt(format!("party kind {kind}")))?,
            notes: r.opt_text("notes")?,
        },
    })
}

fn contact_from_row(r: &Row) -> Result<Contact> {
    let role = r.text("role")?;
    Ok(Contact {
        id: ContactId::new(r.int("id")?),
        org_id: OrgId::new(r.int("org_id")?),
        party_id: r.opt_int("party_id")?.map(PartyId::new),
        facility_id: r.opt_int("facility_id")?.map(FacilityId::new),
        draft: ContactDraft {
            name: r.text("name")?,
            title: r.opt_text("title")?,
            role: ChainRole::from_code(&role).ok_or_else(|| Error::Corrupt(format!("contact role {role}")))?,
            phone: r.opt_text("phone")?,
            email: r.opt_text("email")?,
            hours: r.opt_text("hours")?,
            order: r.int("sort_order")? as u32,
            notes: r.opt_text("notes")?,
        },
    })
}
