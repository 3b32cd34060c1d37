//! Answers to MHLW's cybersecurity checklist, per facility, fiscal year, edition and sheet.
//!
//! Answering again replaces the answer; the audit log keeps each earlier one (before and
//! after), so the history an inspector may ask about is never lost.

use jiff::Timestamp;
use jiff::civil::Date;
use mamoru_domain::readiness::{Answer, FiscalYear, Reply, Sheet, Verdict};
use mamoru_domain::{FacilityId, OrgId, PartyId, UserId};
use serde_json::{Value, json};

use crate::Store;
use crate::audit::{Actor, Change, append};
use crate::db::{Arg, Exec, Row, Tx, args};
use crate::error::{Error, Result};
use crate::time::{now, parse_ts};

/// Which filled-in checklist answers belong to: a facility's sheet, or one vendor's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistKey {
    /// The facility.
    pub facility: FacilityId,
    /// The fiscal year answered for.
    pub fiscal_year: FiscalYear,
    /// The edition's id, e.g. `fy2025`.
    pub edition: String,
    /// The vendor answering 事業者確認用 for its own systems; `None` for 医療機関確認用.
    pub vendor: Option<PartyId>,
}

impl ChecklistKey {
    /// The sheet the key names.
    pub fn sheet(&self) -> Sheet {
        if self.vendor.is_some() { Sheet::Vendor } else { Sheet::Facility }
    }
}

/// What an evidence rule proposed when the answer was given, kept beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposedSnapshot {
    /// はい, いいえ or cannot decide.
    pub verdict: Verdict,
    /// The rule's reason.
    pub reason: String,
    /// The records it rested on.
    pub evidence: Vec<String>,
}

/// A stored answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedAnswer {
    /// Its row id.
    pub id: i64,
    /// The item's id.
    pub item_id: String,
    /// はい/いいえ, 確認日, 目標日 and the evidence note.
    pub answer: Answer,
    /// Who answered (their e-mail, or `cli (…)`).
    pub answered_by: String,
    /// The user who answered, when a user did.
    pub answered_by_user: Option<UserId>,
    /// When.
    pub answered_at: Timestamp,
    /// The rule's proposal at that time, if a rule answers the item.
    pub proposed: Option<ProposedSnapshot>,
}

const COLUMNS: &str = "id, item_id, answer, confirmed_on, target_on, note, answered_by, answered_by_user, answered_at, \
    proposed, proposed_reason, proposed_evidence";
/// Matches one key's rows; `$1` is the organisation, `$2..=$6` the key's parts.
const KEY_FILTER: &str = "org_id = $1 AND facility_id = $2 AND fiscal_year = $3 AND edition = $4 AND sheet = $5 \
    AND COALESCE(party_id, 0) = $6";

fn key_args(org: OrgId, key: &ChecklistKey) -> Vec<Arg> {
    args![
        org.get(),
        key.facility.get(),
        i64::from(key.fiscal_year.year()),
        key.edition.as_str(),
        key.sheet().code(),
        key.vendor.map_or(0, PartyId::get)
    ]
}

impl Store {
    /// Saves the answer to one item, replacing an earlier one, with its audit entry.
    pub async fn save_checklist_answer(
        &self,
        org: OrgId,
        key: &ChecklistKey,
        item_id: &str,
        answer: &Answer,
        proposed: Option<&ProposedSnapshot>,
        actor: &Actor,
    ) -> Result<i64> {
        let mut tx = self.pool.write().await?;
        let id = save_answer_in(&mut tx, org, key, item_id, answer, proposed, actor).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Withdraws the answer to one item (it shows as unanswered again), with its audit entry.
    pub async fn clear_checklist_answer(
        &self,
        org: OrgId,
        key: &ChecklistKey,
        item_id: &str,
        actor: &Actor,
    ) -> Result<()> {
        let mut tx = self.pool.write().await?;
        let before = find(&mut tx, org, key, item_id).await?.ok_or(Error::NotFound { what: "checklist answer" })?;
        tx.execute("DELETE FROM readiness_answers WHERE org_id = $1 AND id = $2".into(), args![org.get(), before.id])
            .await?;
        let change = Change {
            action: "readiness.clear",
            entity: "readiness_answer",
            entity_id: Some(before.id),
            facility_id: Some(key.facility),
            summary: format!("{} {} {item_id}", key.fiscal_year.label_ja(), key.sheet().ja()),
            before: Some(snapshot(key, item_id, &before.answer)),
            after: None,
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await
    }

    /// Every answer of one checklist, by item id.
    pub async fn checklist_answers(&self, org: OrgId, key: &ChecklistKey) -> Result<Vec<SavedAnswer>> {
        let sql = format!("SELECT {COLUMNS} FROM readiness_answers WHERE {KEY_FILTER} ORDER BY item_id");
        let rows = self.pool.conn().await?.fetch_all(sql.into(), key_args(org, key)).await?;
        rows.iter().map(from_row).collect()
    }
}

/// Saves one answer inside `tx` (replacing an earlier one) with its audit entry: for a
/// caller that saves several answers, or more than answers, in one transaction.
pub(crate) async fn save_answer_in(
    tx: &mut Tx,
    org: OrgId,
    key: &ChecklistKey,
    item_id: &str,
    answer: &Answer,
    proposed: Option<&ProposedSnapshot>,
    actor: &Actor,
) -> Result<i64> {
    check_key(tx, org, key).await?;
    let before = find(tx, org, key, item_id).await?;
    let values = args![
        answer.reply.code(),
        answer.confirmed_on.to_string(),
        answer.target_on.map(|d| d.to_string()),
        answer.note.clone(),
        actor.name.as_str(),
        actor.user_id.map(UserId::get),
        now(),
        proposed.map(|p| p.verdict.code().to_owned()),
        proposed.map(|p| p.reason.clone()),
        proposed.map(|p| Value::from(p.evidence.clone()).to_string())
    ];
    let id = match &before {
        Some(old) => {
            let mut params = values;
            params.push(old.id.into());
            tx.execute(
                "UPDATE readiness_answers SET answer = $1, confirmed_on = $2, target_on = $3, note = $4, \
                     answered_by = $5, answered_by_user = $6, answered_at = $7, proposed = $8, proposed_reason = $9, \
                     proposed_evidence = $10 WHERE id = $11"
                    .into(),
                params,
            )
            .await?;
            old.id
        }
        None => {
            let mut params = args![
                org.get(),
                key.facility.get(),
                i64::from(key.fiscal_year.year()),
                key.edition.as_str(),
                key.sheet().code(),
                key.vendor.map(PartyId::get),
                item_id
            ];
            params.extend(values);
            let row = tx
                    .fetch_one(
                        "INSERT INTO readiness_answers (org_id, facility_id, fiscal_year, edition, sheet, item_id, \
                         party_id, answer, confirmed_on, target_on, note, answered_by, answered_by_user, answered_at, \
                         proposed, proposed_reason, proposed_evidence) \
                         VALUES ($1, $2, $3, $4, $5, $7, $6, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id"
                            .into(),
                        params,
                    )
                    .await?;
            row.int("id")?
        }
    };
    let change = Change {
        action: "readiness.answer",
        entity: "readiness_answer",
        entity_id: Some(id),
        facility_id: Some(key.facility),
        summary: format!("{} {} {item_id}: {}", key.fiscal_year.label_ja(), key.sheet().ja(), answer.reply.ja()),
        before: before.as_ref().map(|b| snapshot(key, item_id, &b.answer)),
        after: Some(snapshot(key, item_id, answer)),
    };
    append(tx, Some(org), actor, change).await?;
    Ok(id)
}

/// The facility, and the vendor for a vendor sheet, must be the organisation's own.
async fn check_key(tx: &mut Tx, org: OrgId, key: &ChecklistKey) -> Result<()> {
    crate::facilities::ensure_in_org(tx, org, key.facility).await?;
    if let Some(p) = key.vendor {
        crate::parties::get_party(tx, org, p).await?;
    }
    Ok(())
}

async fn find(ex: &mut impl Exec, org: OrgId, key: &ChecklistKey, item_id: &str) -> Result<Option<SavedAnswer>> {
    let sql = format!("SELECT {COLUMNS} FROM readiness_answers WHERE {KEY_FILTER} AND item_id = $7");
    let mut params = key_args(org, key);
    params.push(item_id.into());
    ex.fetch_optional(sql.into(), params).await?.as_ref().map(from_row).transpose()
}

fn snapshot(key: &ChecklistKey, item_id: &str, a: &Answer) -> Value {
    json!({
        "fiscal_year": key.fiscal_year.year(),
        "edition": key.edition,
        "sheet": key.sheet().code(),
        "vendor_id": key.vendor.map(PartyId::get),
        "item_id": item_id,
        "answer": a.reply.code(),
        "confirmed_on": a.confirmed_on.to_string(),
        "target_on": a.target_on.map(|d| d.to_string()),
        "note": a.note,
    })
}

fn date(r: &Row, name: &str) -> Result<Option<Date>> {
    r.opt_text(name)?
        .map(|s| s.parse().map_err(|_| Error::Corrupt(format!("column {name}: {s:?} is not a date"))))
        .transpose()
}

fn from_row(r: &Row) -> Result<SavedAnswer> {
    let code = r.text("answer")?;
    let reply = Reply::from_code(&code).ok_or_else(|| Error::Corrupt(format!("answer {code:?}")))?;
    let proposed = match r.opt_text("proposed")? {
        Some(code) => {
            let verdict = Verdict::from_code(&code).ok_or_else(|| Error::Corrupt(format!("proposed {code:?}")))?;
            let evidence = r.opt_text("proposed_evidence")?.unwrap_or_else(|| "[]".into());
            let evidence: Vec<String> =
                serde_json::from_str(&evidence).map_err(|e| Error::Corrupt(format!("proposed_evidence: {e}")))?;
            Some(ProposedSnapshot { verdict, reason: r.opt_text("proposed_reason")?.unwrap_or_default(), evidence })
        }
        None => None,
    };
    Ok(SavedAnswer {
        id: r.int("id")?,
        item_id: r.text("item_id")?,
        answer: Answer {
            reply,
            confirmed_on: date(r, "confirmed_on")?.ok_or_else(|| Error::Corrupt("confirmed_on is NULL".into()))?,
            target_on: date(r, "target_on")?,
            note: r.opt_text("note")?,
        },
        answered_by: r.text("answered_by")?,
        answered_by_user: r.opt_int("answered_by_user")?.map(UserId::new),
        answered_at: parse_ts(&r.text("answered_at")?)?,
        proposed,
    })
}
