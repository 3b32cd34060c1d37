//! Applying a match's result to the stored findings, in one transaction.
//!
//! A provider's re-match covers hundreds of thousands of findings, nearly all unchanged. Each
//! row keeps a digest of what its last match wrote, so unchanged findings are not written at
//! all, new ones go in multi-row INSERTs, and only changed ones are updated one by one.

use std::collections::HashMap;

use jiff::Timestamp;
use jiff::civil::Date;
use mamoru_domain::vuln::due_date;
use mamoru_domain::{AssetId, FindingId, FindingStatus, OrgId};
use serde_json::json;

use crate::Store;
use crate::audit::{Actor, Change, append};
use crate::db::{Arg, Exec, Tx, args, bind};
use crate::error::Result;
use crate::findings::{Matched, Rematched, status_of};
use crate::time::{format_ts, parse_opt_date};

/// New findings per INSERT. Measured: binding cost grows faster than the parameter count in
/// the SQLite driver, so 50 rows (about 1,000 parameters) beat 400 by half.
const INSERT_BATCH: usize = 50;

/// A stored finding as a re-match sees it.
struct Stored {
    id: FindingId,
    status: FindingStatus,
    expires: Option<Date>,
    found_on: Date,
    kev: bool,
    /// The digest of the values its last match wrote.
    fingerprint: String,
}

impl Store {
    /// Applies a match of the assets in `scope` to the stored findings: new ones are added,
    /// ones that no longer match are fixed, and decisions stay. `today` is the Asia/Tokyo day.
    pub async fn apply_matches(
        &self,
        org: OrgId,
        scope: &[AssetId],
        matches: &[Matched],
        today: Date,
        actor: &Actor,
    ) -> Result<Rematched> {
        let at = format_ts(Timestamp::now());
        let mut tx = self.pool.write().await?;
        let mut existing = stored(&mut tx, org, scope, today).await?;
        let mut out = Rematched::default();
        let mut fresh = Vec::new();
        for m in matches {
            let Some(old) = existing.remove(&(m.asset.get(), m.vuln_id.clone())) else {
                fresh.push(m);
                continue;
            };
            let next = old.status.after_rematch(true, old.expires, today);
            let found_on = if next.is_some() { today } else { old.found_on };
            let due = due_date(found_on, m.due_days);
            if next.is_none() && old.fingerprint == fingerprint(m, due) {
                out.unchanged += 1;
                continue;
            }
            match next {
                Some(_) => out.reopened.push(old.id),
                None => out.unchanged += 1,
            }
            if m.kev && !old.kev {
                out.newly_kev.push(old.id);
            }
            update(&mut tx, org, old.id, m, next.unwrap_or(old.status), next.is_some(), found_on, due, &at).await?;
        }
        for part in fresh.chunks(INSERT_BATCH) {
            out.new.extend(insert(&mut tx, org, part, today, &at).await?);
        }
        // What is left was stored for an asset in scope and matched no more.
        for old in existing.into_values() {
            if let Some(next) = old.status.after_rematch(false, old.expires, today) {
                tx.execute(
                    "UPDATE findings SET status = $1, resolved_at = $2 WHERE org_id = $3 AND id = $4".into(),
                    args![next.code(), at.as_str(), org.get(), old.id.get()],
                )
                .await?;
                out.fixed += 1;
            }
        }
        if !out.new.is_empty() || !out.reopened.is_empty() || out.fixed > 0 {
            let (n, r, f) = (out.new.len(), out.reopened.len(), out.fixed);
            let change = Change {
                action: "finding.match",
                entity: "finding",
                entity_id: None,
                facility_id: None,
                summary: format!("vulnerability match: {n} new, {r} re-opened, {f} fixed"),
                before: None,
                after: Some(json!({ "assets": scope.len(), "new": n, "reopened": r, "fixed": f })),
            };
            append(&mut tx, Some(org), actor, change).await?;
        }
        tx.commit().await?;
        Ok(out)
    }
}

/// The findings stored for the assets in `scope`, by (asset, vulnerability).
async fn stored(tx: &mut Tx, org: OrgId, scope: &[AssetId], today: Date) -> Result<HashMap<(i64, String), Stored>> {
    let mut existing = HashMap::new();
    let (Some(low), Some(high)) = (scope.iter().min(), scope.iter().max()) else { return Ok(existing) };
    // One range query rather than IN lists of hundreds of ids, which PostgreSQL plans slowly;
    // rows of assets between the bounds but outside the scope are dropped here.
    let wanted: std::collections::HashSet<i64> = scope.iter().map(|a| a.get()).collect();
    let sql = "SELECT id, asset_id, vuln_id, status, decision_expires, found_on, kev, fingerprint \
               FROM findings WHERE org_id = $1 AND asset_id >= $2 AND asset_id <= $3";
    for r in tx.fetch_all(sql.into(), args![org.get(), low.get(), high.get()]).await? {
        let asset = r.int("asset_id")?;
        if !wanted.contains(&asset) {
            continue;
        }
        let s = Stored {
            id: FindingId::new(r.int("id")?),
            status: status_of(&r)?,
            expires: parse_opt_date(r.opt_text("decision_expires")?)?,
            found_on: parse_opt_date(r.opt_text("found_on")?)?.unwrap_or(today),
            kev: r.bool("kev")?,
            fingerprint: r.text("fingerprint")?,
        };
        existing.insert((asset, r.text("vuln_id")?), s);
    }
    Ok(existing)
}

/// A digest of the values a match writes (SHA-256, 128 bits in hex): equal digests, nothing
/// to write.
fn fingerprint(m: &Matched, due: Date) -> String {
    use sha2::{Digest, Sha256};
    let num = |v: Option<f64>| v.map(|v| format!("{v:.6}")).unwrap_or_default();
    let mut h = Sha256::new();
    for part in [
        m.advisory_id.as_str(),
        &m.source,
        &m.confidence,
        &m.why,
        &m.why_ja,
        &m.criteria,
        m.version.as_deref().unwrap_or(""),
        if m.kev { "kev" } else { "-" },
        if m.ransomware { "ransomware" } else { "-" },
        &num(m.epss),
        &num(m.cvss),
        &m.priority.to_string(),
        &m.priority_reason,
        &due.to_string(),
    ] {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    h.finalize()[..16].iter().map(|b| format!("{b:02x}")).collect()
}

#[allow(clippy::too_many_arguments)] // one UPDATE's values, named at the call
async fn update(
    tx: &mut Tx,
    org: OrgId,
    id: FindingId,
    m: &Matched,
    status: FindingStatus,
    reopened: bool,
    found_on: Date,
    due: Date,
    at: &str,
) -> Result<()> {
    tx.execute(
        "UPDATE findings SET advisory_id = $1, source = $2, confidence = $3, why = $4, criteria = $5, \
         matched_version = $6, kev = $7, ransomware = $8, epss = $9, cvss = $10, priority = $11, \
         priority_reason = $12, status = $13, last_seen = $14, found_on = $15, due = $16, \
         resolved_at = CASE WHEN $17 THEN NULL ELSE resolved_at END, \
         first_seen = CASE WHEN $17 THEN $14 ELSE first_seen END, fingerprint = $20, why_ja = $21 \
         WHERE org_id = $18 AND id = $19"
            .into(),
        args![
            m.advisory_id.as_str(),
            m.source.as_str(),
            m.confidence.as_str(),
            m.why.as_str(),
            m.criteria.as_str(),
            m.version.clone(),
            m.kev,
            m.ransomware,
            m.epss,
            m.cvss,
            i64::from(m.priority),
            m.priority_reason.as_str(),
            status.code(),
            at,
            found_on.to_string(),
            due.to_string(),
            reopened,
            org.get(),
            id.get(),
            fingerprint(m, due),
            m.why_ja.as_str()
        ],
    )
    .await?;
    Ok(())
}

async fn insert(tx: &mut Tx, org: OrgId, part: &[&Matched], today: Date, at: &str) -> Result<Vec<FindingId>> {
    let mut params: Vec<Arg> = Vec::with_capacity(part.len() * 19);
    let rows: Vec<String> = part
        .iter()
        .map(|m| {
            let cells = [
                bind(&mut params, org.get()),
                bind(&mut params, m.facility.get()),
                bind(&mut params, m.asset.get()),
                bind(&mut params, m.vuln_id.as_str()),
                bind(&mut params, m.advisory_id.as_str()),
                bind(&mut params, m.source.as_str()),
                bind(&mut params, m.confidence.as_str()),
                bind(&mut params, m.why.as_str()),
                bind(&mut params, m.criteria.as_str()),
                bind(&mut params, m.version.clone()),
                bind(&mut params, m.kev),
                bind(&mut params, m.ransomware),
                bind(&mut params, m.epss),
                bind(&mut params, m.cvss),
                bind(&mut params, i64::from(m.priority)),
                bind(&mut params, m.priority_reason.as_str()),
                bind(&mut params, at),
                bind(&mut params, today.to_string()),
                bind(&mut params, due_date(today, m.due_days).to_string()),
                bind(&mut params, fingerprint(m, due_date(today, m.due_days))),
                bind(&mut params, m.why_ja.as_str()),
            ];
            // The status is 'open'; first_seen and last_seen are both `at`.
            let tail = [&cells[16], &cells[16], &cells[17], &cells[18], &cells[19], &cells[20]];
            format!("({}, 'open', {})", cells[..16].join(", "), tail.map(String::as_str).join(", "))
        })
        .collect();
    let sql = format!(
        "INSERT INTO findings (org_id, facility_id, asset_id, vuln_id, advisory_id, source, confidence, why, criteria, \
         matched_version, kev, ransomware, epss, cvss, priority, priority_reason, status, first_seen, last_seen, \
         found_on, due, fingerprint, why_ja) VALUES {} RETURNING id",
        rows.join(", ")
    );
    tx.fetch_all(sql.into(), params).await?.iter().map(|r| Ok(FindingId::new(r.int("id")?))).collect()
}
