//! Evidence files kept on a case, with their SHA-256 and chain of custody.
//!
//! The bytes live in the database beside the record (one backup carries both). Each file's
//! digest is computed here when it is stored and checked again whenever it is read, so a
//! file that changed at rest is reported rather than handed out; every read is a custody
//! entry, and the custody table refuses UPDATE and DELETE.

use jiff::Timestamp;
use mamoru_domain::incident::EntryKind;
use mamoru_domain::{CaseId, EvidenceId, OrgId};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::Store;
use crate::audit::{Actor, append};
use crate::case_log::insert_entry;
use crate::cases::case_change;
use crate::db::{Exec, Row, Tx, args};
use crate::error::{Error, Result};
use crate::time::{format_ts, parse_ts};

/// An evidence file to store.
#[derive(Debug, Clone)]
pub struct NewEvidence<'a> {
    /// File name.
    pub name: &'a str,
    /// Media type.
    pub media_type: &'a str,
    /// The bytes.
    pub content: Vec<u8>,
    /// Where it came from, how it was collected.
    pub note: Option<&'a str>,
}

/// An evidence file's record (without its bytes).
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// Its id.
    pub id: EvidenceId,
    /// The case.
    pub case: CaseId,
    /// File name as uploaded.
    pub name: String,
    /// Media type as uploaded (or guessed).
    pub media_type: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the content, lowercase hex.
    pub sha256: String,
    /// Where it came from, how it was collected.
    pub note: Option<String>,
    /// Who stored it.
    pub added_by: String,
    /// When.
    pub added_at: Timestamp,
}

/// One link of an evidence file's chain of custody.
#[derive(Debug, Clone, PartialEq)]
pub struct Custody {
    /// When.
    pub at: Timestamp,
    /// Who.
    pub actor: String,
    /// What: `collected`, `exported`, `handed_over`, `received`, `verified`.
    pub action: String,
    /// Details (to whom it was handed, the receipt number).
    pub note: Option<String>,
}

/// The SHA-256 of `bytes` in lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Refuses a stored file whose bytes no longer match the digest recorded when it was stored,
/// naming it (`what` and `id`, then its name): evidence, MDS/SDS sheets and BCP diagrams alike.
pub(crate) fn check_digest(
    what: &str,
    id: impl std::fmt::Display,
    name: &str,
    recorded: &str,
    content: &[u8],
) -> Result<()> {
    let actual = sha256_hex(content);
    if actual != recorded {
        return Err(Error::Corrupt(format!("{what} {id} ({name}): SHA-256 is {actual}, recorded {recorded}")));
    }
    Ok(())
}

impl Store {
    /// Stores an evidence file on a case and returns its id; the digest, the first custody
    /// entry and a timeline entry are written with it.
    pub async fn add_evidence(
        &self,
        org: OrgId,
        case: CaseId,
        file: NewEvidence<'_>,
        actor: &Actor,
    ) -> Result<Evidence> {
        let NewEvidence { name, media_type, content, note } = file;
        let c = self.case(org, case).await?;
        let sha = sha256_hex(&content);
        let size = content.len() as u64;
        let now = Timestamp::now();
        let mut tx = self.pool.write().await?;
        let row = tx
            .fetch_one(
                "INSERT INTO case_evidence (org_id, case_id, name, media_type, size, sha256, content, note, added_by, \
                 added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id"
                    .into(),
                args![
                    org.get(),
                    case.get(),
                    name,
                    media_type,
                    i64::try_from(size).unwrap_or(i64::MAX),
                    sha.as_str(),
                    content,
                    note,
                    actor.name.as_str(),
                    format_ts(now)
                ],
            )
            .await?;
        let id = EvidenceId::new(row.int("id")?);
        custody(&mut tx, org, id, "collected", note, actor).await?;
        let text = format!("証拠を保全: {name}（{size} バイト、SHA-256 {sha}）");
        insert_entry(&mut tx, org, case, now, EntryKind::Evidence, &text, Some(&format!("evidence:{id}")), actor)
            .await?;
        let change = case_change(&c, "case.evidence", format!("case {}: evidence {name}", c.title))
            .with(json!(null), json!({ "evidence_id": id.get(), "name": name, "size": size, "sha256": sha }));
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await?;
        Ok(Evidence {
            id,
            case,
            name: name.to_owned(),
            media_type: media_type.to_owned(),
            size,
            sha256: sha,
            note: note.map(str::to_owned),
            added_by: actor.name.clone(),
            added_at: now,
        })
    }

    /// The case's evidence files, oldest first.
    pub async fn case_evidence(&self, org: OrgId, case: CaseId) -> Result<Vec<Evidence>> {
        let rows = self
            .pool
            .conn()
            .await?
            .fetch_all(
                "SELECT id, case_id, name, media_type, size, sha256, note, added_by, added_at FROM case_evidence \
                 WHERE org_id = $1 AND case_id = $2 ORDER BY id"
                    .into(),
                args![org.get(), case.get()],
            )
            .await?;
        rows.iter().map(evidence_from_row).collect()
    }

    /// An evidence file's record, without its bytes and without a custody entry: what a
    /// caller needs to check who may read it before reading it.
    pub async fn evidence(&self, org: OrgId, id: EvidenceId) -> Result<Evidence> {
        let row = self
            .pool
            .conn()
            .await?
            .fetch_optional(
                "SELECT id, case_id, name, media_type, size, sha256, note, added_by, added_at FROM case_evidence \
                 WHERE org_id = $1 AND id = $2"
                    .into(),
                args![org.get(), id.get()],
            )
            .await?
            .ok_or(Error::NotFound { what: "evidence" })?;
        evidence_from_row(&row)
    }

    /// An evidence file's bytes, checked against its digest; the read is a custody entry.
    pub async fn evidence_content(&self, org: OrgId, id: EvidenceId, actor: &Actor) -> Result<(Evidence, Vec<u8>)> {
        let row = self
            .pool
            .conn()
            .await?
            .fetch_optional(
                "SELECT id, case_id, name, media_type, size, sha256, note, added_by, added_at, content \
                 FROM case_evidence WHERE org_id = $1 AND id = $2"
                    .into(),
                args![org.get(), id.get()],
            )
            .await?
            .ok_or(Error::NotFound { what: "evidence" })?;
        let evidence = evidence_from_row(&row)?;
        let content = row.bytes("content")?;
        check_digest("evidence", id, &evidence.name, &evidence.sha256, &content)?;
        let mut tx = self.pool.write().await?;
        custody(&mut tx, org, id, "exported", None, actor).await?;
        tx.commit().await?;
        Ok((evidence, content))
    }

    /// Adds a link to an evidence file's chain of custody (handed to the police, received
    /// back, verified) with a timeline entry.
    pub async fn add_custody(
        &self,
        org: OrgId,
        id: EvidenceId,
        action: &str,
        note: Option<&str>,
        actor: &Actor,
    ) -> Result<()> {
        let ev = self.evidence(org, id).await?;
        let c = self.case(org, ev.case).await?;
        let mut tx = self.pool.write().await?;
        custody(&mut tx, org, id, action, note, actor).await?;
        let text = match note {
            Some(n) => format!("証拠の受け渡し（{action}）: {}（{n}）", ev.name),
            None => format!("証拠の受け渡し（{action}）: {}", ev.name),
        };
        insert_entry(
            &mut tx,
            org,
            ev.case,
            Timestamp::now(),
            EntryKind::Evidence,
            &text,
            Some(&format!("evidence:{id}")),
            actor,
        )
        .await?;
        let change = case_change(&c, "case.custody", format!("evidence {}: {action}", ev.name))
            .with(json!(null), json!({ "evidence_id": id.get(), "action": action, "note": note }));
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await
    }

    /// An evidence file's chain of custody, oldest first.
    pub async fn custody(&self, org: OrgId, id: EvidenceId) -> Result<Vec<Custody>> {
        let rows = self
            .pool
            .conn()
            .await?
            .fetch_all(
                "SELECT at, actor, action, note FROM case_custody WHERE org_id = $1 AND evidence_id = $2 ORDER BY id"
                    .into(),
                args![org.get(), id.get()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Custody {
                    at: parse_ts(&r.text("at")?)?,
                    actor: r.text("actor")?,
                    action: r.text("action")?,
                    note: r.opt_text("note")?,
                })
            })
            .collect()
    }
}

async fn custody(
    tx: &mut Tx,
    org: OrgId,
    id: EvidenceId,
    action: &str,
    note: Option<&str>,
    actor: &Actor,
) -> Result<()> {
    tx.execute(
        "INSERT INTO case_custody (org_id, evidence_id, at, actor, action, note) VALUES ($1, $2, $3, $4, $5, $6)"
            .into(),
        args![org.get(), id.get(), format_ts(Timestamp::now()), actor.name.as_str(), action, note],
    )
    .await?;
    Ok(())
}

fn evidence_from_row(r: &Row) -> Result<Evidence> {
    Ok(Evidence {
        id: EvidenceId::new(r.int("id")?),
        case: CaseId::new(r.int("case_id")?),
        name: r.text("name")?,
        media_type: r.text("media_type")?,
        size: u64::try_from(r.int("size")?).unwrap_or(0),
        sha256: r.text("sha256")?,
        note: r.opt_text("note")?,
        added_by: r.text("added_by")?,
        added_at: parse_ts(&r.text("added_at")?)?,
    })
}
