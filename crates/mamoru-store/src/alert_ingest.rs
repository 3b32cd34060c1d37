//! Storing detections as alerts, grouped, in one transaction.
//!
//! Detections of the same rule on the same computer of a facility join an open alert whose
//! events lie within the organisation's window of theirs (by event time, so reading the same
//! old log twice counts its events again in the alerts it raised rather than opening new
//! ones); a burst of a thousand events becomes one alert with a count of a thousand.
//! Detections a suppression rule matches only add to that rule's hit count.

use std::collections::{BTreeMap, HashMap};

use jiff::{SignedDuration, Timestamp};
use mamoru_domain::{AlertId, AlertLevel, AlertPolicy, AlertStatus, FacilityId, OrgId, SuppressionId};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::Store;
use crate::alerts::{Suppression, suppression_from_row};
use crate::audit::{Actor, Change, append};
use crate::db::{Arg, Exec, Tx, args, in_list};
use crate::error::Result;
use crate::time::{format_ts, parse_ts};

/// One detection to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDetection {
    /// The Sigma rule's id (its title when it has none).
    pub rule_id: String,
    /// The rule's title.
    pub rule_title: String,
    /// The rule's level.
    pub level: AlertLevel,
    /// The rule's file.
    pub rule_file: String,
    /// The rule's tags.
    pub tags: Vec<String>,
    /// The computer or device.
    pub computer: String,
    /// The channel or program.
    pub channel: String,
    /// The Windows event id.
    pub event_id: Option<u32>,
    /// When the event happened (when it was read, if it carries no time).
    pub at: Timestamp,
    /// The matched fields and values.
    pub details: Vec<(String, String)>,
    /// The file or receiver it came from.
    pub origin: Option<String>,
}

/// What storing a batch of detections did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Ingested {
    /// Alerts opened.
    pub created: Vec<AlertId>,
    /// Open alerts that detections joined.
    pub updated: Vec<AlertId>,
    /// Detections that suppression rules silenced.
    pub suppressed: u64,
}

/// An open alert as grouping sees it.
struct Open {
    id: AlertId,
    first: Timestamp,
    last: Timestamp,
    added: u64,
    fresh: bool,
}

impl Store {
    /// Stores a facility's detections as alerts: grouped with open alerts of the same rule
    /// and computer within `policy.window`, silenced by suppression rules, and marked as
    /// owing a message when new and at `policy.notify_from` or above.
    pub async fn ingest_detections(
        &self,
        org: OrgId,
        facility: FacilityId,
        detections: &[NewDetection],
        policy: &AlertPolicy,
        actor: &Actor,
    ) -> Result<Ingested> {
        let now = format_ts(Timestamp::now());
        let mut tx = self.pool.write().await?;
        let rules = suppressions(&mut tx, org, facility).await?;
        let mut hits: BTreeMap<SuppressionId, u64> = BTreeMap::new();
        let mut groups: HashMap<String, Vec<&NewDetection>> = HashMap::new();
        for d in detections {
            match rules.iter().find(|s| silences(s, d)) {
                Some(s) => *hits.entry(s.id).or_default() += 1,
                None => groups.entry(group_key(facility, &d.rule_id, &d.computer)).or_default().push(d),
            }
        }
        let earliest = groups.values().flatten().map(|d| d.at).min();
        let mut open = match earliest {
            Some(t) => open_alerts(&mut tx, org, groups.keys(), before(t, policy.window)).await?,
            None => HashMap::new(),
        };
        let mut out = Ingested::default();
        let mut keys: Vec<_> = groups.keys().cloned().collect();
        keys.sort();
        for key in keys {
            let mut batch = groups.remove(&key).unwrap_or_default();
            batch.sort_by_key(|d| d.at);
            let alerts = open.entry(key.clone()).or_default();
            for run in runs(&batch, policy.window) {
                let (first, last) = (run[0].at, run[run.len() - 1].at);
                let near =
                    |a: &&mut Open| before(a.first, policy.window) <= last && first <= after(a.last, policy.window);
                match alerts.iter_mut().find(near) {
                    Some(a) => {
                        a.first = a.first.min(first);
                        a.last = a.last.max(last);
                        a.added += run.len() as u64;
                    }
                    None => {
                        let id = insert(&mut tx, org, facility, &key, run, policy, &now).await?;
                        alerts.push(Open { id, first, last, added: 0, fresh: true });
                        out.created.push(id);
                    }
                }
            }
        }
        for a in open.values().flatten().filter(|a| a.added > 0) {
            tx.execute(
                "UPDATE alerts SET count = count + $1, first_seen = $2, last_seen = $3, updated_at = $4 \
                 WHERE org_id = $5 AND id = $6"
                    .into(),
                args![
                    i64::try_from(a.added).unwrap_or(i64::MAX),
                    format_ts(a.first),
                    format_ts(a.last),
                    now.as_str(),
                    org.get(),
                    a.id.get()
                ],
            )
            .await?;
            if !a.fresh {
                out.updated.push(a.id);
            }
        }
        out.updated.sort();
        for (id, n) in &hits {
            tx.execute(
                "UPDATE alert_suppressions SET hits = hits + $1, last_hit_at = $2 WHERE org_id = $3 AND id = $4".into(),
                args![i64::try_from(*n).unwrap_or(i64::MAX), now.as_str(), org.get(), id.get()],
            )
            .await?;
            out.suppressed += n;
        }
        if !detections.is_empty() {
            let change = Change {
                action: "alert.ingest",
                entity: "alert",
                entity_id: None,
                facility_id: Some(facility),
                summary: format!(
                    "{} detections: {} new alerts, {} updated, {} suppressed",
                    detections.len(),
                    out.created.len(),
                    out.updated.len(),
                    out.suppressed
                ),
                before: None,
                after: Some(json!({
                    "detections": detections.len(),
                    "created": out.created.iter().map(|a| a.get()).collect::<Vec<_>>(),
                    "updated": out.updated.iter().map(|a| a.get()).collect::<Vec<_>>(),
                    "suppressed": hits.iter().map(|(s, n)| json!({ "suppression_id": s.get(), "hits": n })).collect::<Vec<_>>(),
                })),
            };
            append(&mut tx, Some(org), actor, change).await?;
        }
        tx.commit().await?;
        Ok(out)
    }
}

/// The key detections are grouped by: a digest of facility, rule and computer (computer
/// names ignore ASCII case, as Windows does).
fn group_key(facility: FacilityId, rule_id: &str, computer: &str) -> String {
    let text = format!("{}\u{1f}{rule_id}\u{1f}{}", facility.get(), computer.to_ascii_lowercase());
    Sha256::digest(text.as_bytes()).iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// Splits time-ordered detections where more than `window` passes between two.
fn runs<'a, 'b>(batch: &'b [&'a NewDetection], window: SignedDuration) -> Vec<&'b [&'a NewDetection]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..batch.len() {
        if before(batch[i].at, window) > batch[i - 1].at {
            out.push(&batch[start..i]);
            start = i;
        }
    }
    if start < batch.len() {
        out.push(&batch[start..]);
    }
    out
}

/// `t - window`, or the earliest time there is: event times come from logs, and a forged one
/// at the edge of the calendar must not stop the ingest.
fn before(t: Timestamp, window: SignedDuration) -> Timestamp {
    t.checked_sub(window).unwrap_or(Timestamp::MIN)
}

/// `t + window`, or the latest time there is.
fn after(t: Timestamp, window: SignedDuration) -> Timestamp {
    t.checked_add(window).unwrap_or(Timestamp::MAX)
}

fn silences(s: &Suppression, d: &NewDetection) -> bool {
    s.rule_id == d.rule_id
        && s.computer.as_ref().is_none_or(|c| c.eq_ignore_ascii_case(&d.computer))
        && s.field.as_ref().is_none_or(|(field, value)| {
            d.details.iter().any(|(f, v)| f.eq_ignore_ascii_case(field) && v.eq_ignore_ascii_case(value))
        })
}

/// The suppression rules that apply to the facility.
async fn suppressions(tx: &mut Tx, org: OrgId, facility: FacilityId) -> Result<Vec<Suppression>> {
    let sql = "SELECT id, facility_id, rule_id, rule_title, computer, field, value, reason, created_by, created_at, \
               hits, last_hit_at FROM alert_suppressions WHERE org_id = $1 AND (facility_id IS NULL OR facility_id = $2) \
               ORDER BY id";
    tx.fetch_all(sql.into(), args![org.get(), facility.get()]).await?.iter().map(suppression_from_row).collect()
}

/// Open alerts with these group keys last seen after `since`, by key.
async fn open_alerts(
    tx: &mut Tx,
    org: OrgId,
    keys: impl Iterator<Item = &String>,
    since: Timestamp,
) -> Result<HashMap<String, Vec<Open>>> {
    let mut found: HashMap<String, Vec<Open>> = HashMap::new();
    let keys: Vec<&String> = keys.collect();
    for chunk in keys.chunks(500) {
        let mut params = vec![Arg::from(org.get()), Arg::from(format_ts(since))];
        let list = in_list(&mut params, chunk.iter().map(|k| k.as_str()));
        let sql = format!(
            "SELECT id, group_key, first_seen, last_seen FROM alerts WHERE org_id = $1 AND last_seen >= $2 \
             AND status <> 'false_positive' AND group_key IN ({list}) ORDER BY last_seen DESC, id DESC"
        );
        for r in tx.fetch_all(sql.into(), params).await? {
            found.entry(r.text("group_key")?).or_default().push(Open {
                id: AlertId::new(r.int("id")?),
                first: parse_ts(&r.text("first_seen")?)?,
                last: parse_ts(&r.text("last_seen")?)?,
                added: 0,
                fresh: false,
            });
        }
    }
    Ok(found)
}

/// Opens an alert for a run of detections; the first one is its sample.
async fn insert(
    tx: &mut Tx,
    org: OrgId,
    facility: FacilityId,
    key: &str,
    run: &[&NewDetection],
    policy: &AlertPolicy,
    now: &str,
) -> Result<AlertId> {
    let d = run[0];
    let last = run[run.len() - 1].at;
    let notify = (d.level >= policy.notify_from).then_some("pending");
    let row = tx
        .fetch_one(
            "INSERT INTO alerts (org_id, facility_id, rule_id, rule_title, level, severity, rule_file, tags_json, \
             computer, channel, event_id, group_key, first_seen, last_seen, count, created_at, updated_at, status, \
             details_json, origin, notify) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
             $16, $17, $18, $19, $20, $21) RETURNING id"
                .into(),
            args![
                org.get(),
                facility.get(),
                d.rule_id.as_str(),
                d.rule_title.as_str(),
                d.level.code(),
                i64::from(d.level.rank()),
                d.rule_file.as_str(),
                serde_json::to_string(&d.tags).unwrap_or_else(|_| "[]".into()),
                d.computer.as_str(),
                d.channel.as_str(),
                d.event_id.map(i64::from),
                key,
                format_ts(d.at),
                format_ts(last),
                i64::try_from(run.len()).unwrap_or(i64::MAX),
                now,
                now,
                AlertStatus::New.code(),
                serde_json::to_string(&d.details).unwrap_or_else(|_| "[]".into()),
                d.origin.clone(),
                notify
            ],
        )
        .await?;
    Ok(AlertId::new(row.int("id")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> NewDetection {
        NewDetection {
            rule_id: "r".into(),
            rule_title: "t".into(),
            level: AlertLevel::High,
            rule_file: "f.yml".into(),
            tags: vec![],
            computer: "PC1".into(),
            channel: "Security".into(),
            event_id: Some(1102),
            at: Timestamp::from_second(1_700_000_000).unwrap() + SignedDuration::from_mins(minutes),
            details: vec![("TargetUserName".into(), "Backup".into())],
            origin: None,
        }
    }

    #[test]
    fn runs_split_where_the_window_is_exceeded() {
        let ds = [at(0), at(30), at(60 * 24 + 30), at(60 * 24 * 3)];
        let refs: Vec<&NewDetection> = ds.iter().collect();
        let lens: Vec<usize> = runs(&refs, SignedDuration::from_hours(24)).iter().map(|r| r.len()).collect();
        assert_eq!(lens, [3, 1]);
        assert!(runs(&[], SignedDuration::from_hours(1)).is_empty());
    }

    #[test]
    fn times_at_the_edge_of_the_calendar_do_not_panic() {
        let edge = [NewDetection { at: Timestamp::MIN, ..at(0) }, NewDetection { at: Timestamp::MAX, ..at(0) }];
        let refs: Vec<&NewDetection> = edge.iter().collect();
        assert_eq!(runs(&refs, SignedDuration::from_hours(24)).len(), 2);
        assert_eq!(after(Timestamp::MAX, SignedDuration::from_hours(1)), Timestamp::MAX);
    }

    #[test]
    fn keys_ignore_computer_case_but_not_facility_or_rule() {
        let f = FacilityId::new(1);
        assert_eq!(group_key(f, "r", "PC1"), group_key(f, "r", "pc1"));
        assert_ne!(group_key(f, "r", "PC1"), group_key(FacilityId::new(2), "r", "PC1"));
        assert_ne!(group_key(f, "r", "PC1"), group_key(f, "r2", "PC1"));
    }

    #[test]
    fn suppressions_match_rule_computer_and_field() {
        let s = |computer: Option<&str>, field: Option<(&str, &str)>| Suppression {
            id: SuppressionId::new(1),
            facility: None,
            rule_id: "r".into(),
            rule_title: "t".into(),
            computer: computer.map(Into::into),
            field: field.map(|(f, v)| (f.into(), v.into())),
            reason: "x".into(),
            created_by: "x".into(),
            created_at: Timestamp::UNIX_EPOCH,
            hits: 0,
            last_hit_at: None,
        };
        let d = at(0);
        assert!(silences(&s(None, None), &d));
        assert!(silences(&s(Some("pc1"), Some(("targetusername", "backup"))), &d));
        assert!(!silences(&s(Some("PC2"), None), &d));
        assert!(!silences(&s(None, Some(("TargetUserName", "admin"))), &d));
        assert!(!silences(&s(None, None), &NewDetection { rule_id: "other".into(), ..d }));
    }
}
