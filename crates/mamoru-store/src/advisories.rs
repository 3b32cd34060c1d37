//! Advisory feeds: advisories, CISA KEV and EPSS. Public data, shared by every organisation,
//! so these tables carry no `org_id`; the store keeps each advisory as the engine's JSON and
//! only indexes what finding the relevant ones needs.

use std::collections::{HashMap, HashSet};

use crate::Store;
use crate::audit::Actor;
use crate::db::{Arg, Exec, Tx, args, bind, in_list};
use crate::error::Result;
use crate::time::now;

/// One advisory as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct AdvisoryRow {
    /// `CVE-…` or `JVNDB-…`.
    pub id: String,
    /// `nvd`, `cve5` or `jvn`.
    pub source: String,
    /// When the source last changed it, as the feed wrote it.
    pub modified: Option<String>,
    /// Its title, for lists.
    pub title: Option<String>,
    /// Its highest CVSS base score.
    pub cvss: Option<f64>,
    /// The whole record as the engine's JSON.
    pub body: String,
    /// The (vendor, product) pairs it can match.
    pub products: Vec<(String, String)>,
}

/// One CISA KEV entry as stored.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KevRow {
    /// The CVE.
    pub cve: String,
    /// When CISA listed it (`YYYY-MM-DD`).
    pub date_added: String,
    /// CISA's remediation date.
    pub due_date: Option<String>,
    /// `Known` when used in ransomware campaigns.
    pub ransomware: Option<String>,
    /// Vendor as CISA names it.
    pub vendor: String,
    /// Product as CISA names it.
    pub product: String,
    /// CISA's name for the vulnerability.
    pub name: String,
    /// What CISA says to do.
    pub required_action: String,
}

/// One EPSS score as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct EpssRow {
    /// The CVE.
    pub cve: String,
    /// Probability of exploitation within 30 days.
    pub score: f64,
    /// Its percentile among all CVEs.
    pub percentile: f64,
    /// The score's date.
    pub date: String,
}

/// One feed file's records, written in one transaction.
#[derive(Debug, Clone, Default)]
pub struct FeedBatch {
    /// The file, as named to the user.
    pub file: String,
    /// The detected format.
    pub format: String,
    /// Its advisories.
    pub advisories: Vec<AdvisoryRow>,
    /// Its KEV entries.
    pub kev: Vec<KevRow>,
    /// Its EPSS scores.
    pub epss: Vec<EpssRow>,
}

/// What a feed import changed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FeedWritten {
    /// Advisories new to the store.
    pub added: usize,
    /// Advisories already stored, now replaced.
    pub updated: usize,
    /// CVEs the KEV catalogue lists that it did not list before.
    pub new_kev: Vec<String>,
}

/// How much feed data the store holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FeedStatus {
    /// Advisories per source (`nvd`, `cve5`, `jvn`).
    pub advisories: Vec<(String, i64)>,
    /// KEV entries.
    pub kev: i64,
    /// EPSS scores.
    pub epss: i64,
    /// The newest EPSS score date.
    pub epss_date: Option<String>,
    /// When a feed was last imported.
    pub last_import: Option<String>,
}

/// Rows per multi-row statement. The SQLite driver's binding cost grows faster than the
/// parameter count, so statements stay at a few hundred parameters.
const CHUNK: usize = 100;

impl Store {
    /// Writes one feed file's records, replacing what the store held for the same ids, all or
    /// nothing.
    pub async fn write_feed(&self, batch: &FeedBatch, actor: &Actor) -> Result<FeedWritten> {
        let batch = &without_repeats(batch);
        let at = now();
        let mut tx = self.pool.write().await?;
        let mut written = FeedWritten::default();
        for chunk in batch.advisories.chunks(CHUNK) {
            let existing = existing_advisories(&mut tx, chunk).await?;
            written.updated += existing.len();
            written.added += chunk.len() - existing.len();
            upsert_advisories(&mut tx, chunk, &at).await?;
            replace_products(&mut tx, chunk).await?;
        }
        for chunk in batch.kev.chunks(CHUNK) {
            let known = existing_kev(&mut tx, chunk).await?;
            written.new_kev.extend(chunk.iter().filter(|k| !known.contains(&k.cve)).map(|k| k.cve.clone()));
            upsert_kev(&mut tx, chunk, &at).await?;
        }
        for chunk in batch.epss.chunks(CHUNK) {
            upsert_epss(&mut tx, chunk).await?;
        }
        let records = batch.advisories.len() + batch.kev.len() + batch.epss.len();
        tx.execute(
            "INSERT INTO feed_imports (file, format, records, at, actor) VALUES ($1, $2, $3, $4, $5)".into(),
            args![
                batch.file.as_str(),
                batch.format.as_str(),
                i64::try_from(records).unwrap_or(i64::MAX),
                at,
                actor.name.as_str()
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(written)
    }

    /// The advisories that can concern any of `products` ((vendor, product) pairs), as JSON.
    pub async fn advisories_for_products(&self, products: &[(String, String)]) -> Result<Vec<String>> {
        let mut conn = self.pool.conn().await?;
        let mut bodies = Vec::new();
        let mut seen = HashSet::new();
        for chunk in products.chunks(CHUNK) {
            let mut params = Vec::new();
            let pairs: Vec<String> = chunk
                .iter()
                .map(|(v, p)| {
                    format!(
                        "(p.vendor = {} AND p.product = {})",
                        bind(&mut params, v.as_str()),
                        bind(&mut params, p.as_str())
                    )
                })
                .collect();
            let sql = format!(
                "SELECT DISTINCT a.id, a.source, a.body FROM advisory_products p \
                 JOIN advisories a ON a.id = p.advisory_id AND a.source = p.source WHERE {}",
                pairs.join(" OR ")
            );
            for row in conn.fetch_all(sql.into(), params).await? {
                if seen.insert((row.text("id")?, row.text("source")?)) {
                    bodies.push(row.text("body")?);
                }
            }
        }
        Ok(bodies)
    }

    /// Every stored record (of any source) with one of these ids.
    pub async fn advisories_by_ids(&self, ids: &[String]) -> Result<Vec<String>> {
        let mut conn = self.pool.conn().await?;
        let mut bodies = Vec::new();
        for chunk in ids.chunks(CHUNK) {
            let mut params = Vec::new();
            let list = in_list(&mut params, chunk.iter().map(String::as_str));
            let sql = format!("SELECT body FROM advisories WHERE id IN ({list}) ORDER BY id, source");
            for row in conn.fetch_all(sql.into(), params).await? {
                bodies.push(row.text("body")?);
            }
        }
        Ok(bodies)
    }

    /// The KEV entries of `cves` that are listed.
    pub async fn kev_for(&self, cves: &[String]) -> Result<HashMap<String, KevRow>> {
        let mut conn = self.pool.conn().await?;
        let mut found = HashMap::new();
        for chunk in cves.chunks(CHUNK) {
            let mut params = Vec::new();
            let list = in_list(&mut params, chunk.iter().map(String::as_str));
            let sql = format!(
                "SELECT cve, date_added, due_date, ransomware, vendor, product, name, required_action FROM kev WHERE cve IN ({list})"
            );
            for row in conn.fetch_all(sql.into(), params).await? {
                let k = KevRow {
                    cve: row.text("cve")?,
                    date_added: row.text("date_added")?,
                    due_date: row.opt_text("due_date")?,
                    ransomware: row.opt_text("ransomware")?,
                    vendor: row.text("vendor")?,
                    product: row.text("product")?,
                    name: row.text("name")?,
                    required_action: row.text("required_action")?,
                };
                found.insert(k.cve.clone(), k);
            }
        }
        Ok(found)
    }

    /// The EPSS scores of `cves` that are scored.
    pub async fn epss_for(&self, cves: &[String]) -> Result<HashMap<String, EpssRow>> {
        let mut conn = self.pool.conn().await?;
        let mut found = HashMap::new();
        for chunk in cves.chunks(CHUNK) {
            let mut params = Vec::new();
            let list = in_list(&mut params, chunk.iter().map(String::as_str));
            let sql = format!("SELECT cve, score, percentile, score_date FROM epss WHERE cve IN ({list})");
            for row in conn.fetch_all(sql.into(), params).await? {
                let e = EpssRow {
                    cve: row.text("cve")?,
                    score: row.opt_float("score")?.unwrap_or(0.0),
                    percentile: row.opt_float("percentile")?.unwrap_or(0.0),
                    date: row.text("score_date")?,
                };
                found.insert(e.cve.clone(), e);
            }
        }
        Ok(found)
    }

    /// Whether any advisory is stored: cheap enough for every dashboard view, unlike counting.
    pub async fn has_advisories(&self) -> Result<bool> {
        let sql = "SELECT EXISTS (SELECT 1 FROM advisories) AS found";
        self.pool.conn().await?.fetch_one(sql.into(), vec![]).await?.bool("found")
    }

    /// How much feed data is stored, for `vuln status` and the policy page.
    pub async fn feed_status(&self) -> Result<FeedStatus> {
        let mut conn = self.pool.conn().await?;
        let rows = conn
            .fetch_all("SELECT source, COUNT(*) AS n FROM advisories GROUP BY source ORDER BY source".into(), vec![])
            .await?;
        let advisories = rows.iter().map(|r| Ok((r.text("source")?, r.int("n")?))).collect::<Result<_>>()?;
        let kev = conn.fetch_one("SELECT COUNT(*) AS n FROM kev".into(), vec![]).await?.int("n")?;
        let epss = conn.fetch_one("SELECT COUNT(*) AS n, MAX(score_date) AS d FROM epss".into(), vec![]).await?;
        let last = conn.fetch_one("SELECT MAX(at) AS at FROM feed_imports".into(), vec![]).await?;
        Ok(FeedStatus {
            advisories,
            kev,
            epss: epss.int("n")?,
            epss_date: epss.opt_text("d")?,
            last_import: last.opt_text("at")?,
        })
    }
}

/// The batch with each id once, the last occurrence winning as a later page would: one
/// statement may not upsert the same row twice.
fn without_repeats(batch: &FeedBatch) -> FeedBatch {
    fn last_wins<T: Clone, K: std::hash::Hash + Eq>(rows: &[T], key: impl Fn(&T) -> K) -> Vec<T> {
        let mut seen = HashSet::new();
        let mut kept: Vec<T> = rows.iter().rev().filter(|r| seen.insert(key(r))).cloned().collect();
        kept.reverse();
        kept
    }
    FeedBatch {
        file: batch.file.clone(),
        format: batch.format.clone(),
        advisories: last_wins(&batch.advisories, |a| (a.id.clone(), a.source.clone())),
        kev: last_wins(&batch.kev, |k| k.cve.clone()),
        epss: last_wins(&batch.epss, |e| e.cve.clone()),
    }
}

async fn existing_advisories(tx: &mut Tx, chunk: &[AdvisoryRow]) -> Result<HashSet<(String, String)>> {
    let mut found = HashSet::new();
    for (source, ids) in by_source(chunk) {
        let mut params = vec![Arg::from(source)];
        let list = in_list(&mut params, ids);
        let sql = format!("SELECT id, source FROM advisories WHERE source = $1 AND id IN ({list})");
        for r in tx.fetch_all(sql.into(), params).await? {
            found.insert((r.text("id")?, r.text("source")?));
        }
    }
    Ok(found)
}

/// The chunk's ids per source: `source = $1 AND id IN (…)` plans far faster on PostgreSQL
/// than an OR of (id, source) pairs.
fn by_source(chunk: &[AdvisoryRow]) -> Vec<(&str, Vec<&str>)> {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for a in chunk {
        match groups.iter_mut().find(|(s, _)| *s == a.source) {
            Some((_, ids)) => ids.push(&a.id),
            None => groups.push((&a.source, vec![&a.id])),
        }
    }
    groups
}

async fn upsert_advisories(tx: &mut Tx, chunk: &[AdvisoryRow], at: &str) -> Result<()> {
    let mut params: Vec<Arg> = Vec::with_capacity(chunk.len() * 7);
    let rows: Vec<String> = chunk
        .iter()
        .map(|a| {
            let cells = [
                bind(&mut params, a.id.as_str()),
                bind(&mut params, a.source.as_str()),
                bind(&mut params, a.modified.clone()),
                bind(&mut params, a.title.clone()),
                bind(&mut params, a.cvss),
                bind(&mut params, a.body.as_str()),
                bind(&mut params, at),
            ];
            format!("({})", cells.join(", "))
        })
        .collect();
    let sql = format!(
        "INSERT INTO advisories (id, source, modified, title, cvss, body, imported_at) VALUES {} \
         ON CONFLICT (id, source) DO UPDATE SET modified = excluded.modified, title = excluded.title, \
         cvss = excluded.cvss, body = excluded.body, imported_at = excluded.imported_at",
        rows.join(", ")
    );
    tx.execute(sql.into(), params).await?;
    Ok(())
}

/// Replaces the product index of the chunk's advisories: a record's products change when
/// NVD re-analyses it.
async fn replace_products(tx: &mut Tx, chunk: &[AdvisoryRow]) -> Result<()> {
    for (source, ids) in by_source(chunk) {
        let mut params = vec![Arg::from(source)];
        let list = in_list(&mut params, ids);
        let sql = format!("DELETE FROM advisory_products WHERE source = $1 AND advisory_id IN ({list})");
        tx.execute(sql.into(), params).await?;
    }
    let mut rows: Vec<(&str, &str, &str, &str)> = Vec::new();
    for a in chunk {
        let mut unique = HashSet::new();
        for (v, p) in &a.products {
            if unique.insert((v, p)) {
                rows.push((v, p, &a.id, &a.source));
            }
        }
    }
    for part in rows.chunks(CHUNK) {
        let mut params = Vec::with_capacity(part.len() * 4);
        let values: Vec<String> = part
            .iter()
            .map(|(v, p, id, s)| {
                let cells =
                    [bind(&mut params, *v), bind(&mut params, *p), bind(&mut params, *id), bind(&mut params, *s)];
                format!("({})", cells.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO advisory_products (vendor, product, advisory_id, source) VALUES {}",
            values.join(", ")
        );
        tx.execute(sql.into(), params).await?;
    }
    Ok(())
}

async fn existing_kev(tx: &mut Tx, chunk: &[KevRow]) -> Result<HashSet<String>> {
    let mut params = Vec::new();
    let list = in_list(&mut params, chunk.iter().map(|k| k.cve.as_str()));
    let sql = format!("SELECT cve FROM kev WHERE cve IN ({list})");
    tx.fetch_all(sql.into(), params).await?.iter().map(|r| r.text("cve")).collect()
}

async fn upsert_kev(tx: &mut Tx, chunk: &[KevRow], at: &str) -> Result<()> {
    let mut params = Vec::with_capacity(chunk.len() * 9);
    let rows: Vec<String> = chunk
        .iter()
        .map(|k| {
            let cells = [
                bind(&mut params, k.cve.as_str()),
                bind(&mut params, k.date_added.as_str()),
                bind(&mut params, k.due_date.clone()),
                bind(&mut params, k.ransomware.clone()),
                bind(&mut params, k.vendor.as_str()),
                bind(&mut params, k.product.as_str()),
                bind(&mut params, k.name.as_str()),
                bind(&mut params, k.required_action.as_str()),
                bind(&mut params, at),
            ];
            format!("({})", cells.join(", "))
        })
        .collect();
    let sql = format!(
        "INSERT INTO kev (cve, date_added, due_date, ransomware, vendor, product, name, required_action, imported_at) \
         VALUES {} ON CONFLICT (cve) DO UPDATE SET date_added = excluded.date_added, due_date = excluded.due_date, \
         ransomware = excluded.ransomware, vendor = excluded.vendor, product = excluded.product, name = excluded.name, \
         required_action = excluded.required_action, imported_at = excluded.imported_at",
        rows.join(", ")
    );
    tx.execute(sql.into(), params).await?;
    Ok(())
}

async fn upsert_epss(tx: &mut Tx, chunk: &[EpssRow]) -> Result<()> {
    let mut params = Vec::with_capacity(chunk.len() * 4);
    let rows: Vec<String> = chunk
        .iter()
        .map(|e| {
            let cells = [
                bind(&mut params, e.cve.as_str()),
                bind(&mut params, e.score),
                bind(&mut params, e.percentile),
                bind(&mut params, e.date.as_str()),
            ];
            format!("({})", cells.join(", "))
        })
        .collect();
    let sql = format!(
        "INSERT INTO epss (cve, score, percentile, score_date) VALUES {} ON CONFLICT (cve) DO UPDATE SET \
         score = excluded.score, percentile = excluded.percentile, score_date = excluded.score_date \
         WHERE excluded.score_date >= epss.score_date",
        rows.join(", ")
    );
    tx.execute(sql.into(), params).await?;
    Ok(())
}
