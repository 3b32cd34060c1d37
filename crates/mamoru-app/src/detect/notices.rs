//! Messages about new alerts, under an hourly limit per organisation so that a burst cannot
//! flood a chat or a mailbox: up to the limit, one message per alert (most severe first);
//! beyond it, the rest wait for one digest ("N more alerts") an hour.

use jiff::{SignedDuration, Timestamp};
use mamoru_domain::OrgId;
use mamoru_store::{Alert, AlertMessage, Owed};
use serde_json::json;

use super::tokyo;
use crate::App;
use crate::error::Result;

/// The kind of message sent for one new alert.
pub const KIND_ALERT: &str = "detect.alert";
/// The kind of the hourly message about the alerts beyond the limit.
pub const KIND_DIGEST: &str = "detect.digest";

/// Alerts a digest lists by name; it counts the rest.
const DIGEST_LINES: usize = 20;

impl App {
    /// Turns the alerts that owe a message into messages, for every organisation.
    pub(crate) async fn queue_alert_messages(&self) -> Result<usize> {
        let mut queued = 0;
        for org in self.store.orgs_owing_alert_messages().await? {
            queued += self.queue_alert_messages_of(org, Timestamp::now()).await?;
        }
        Ok(queued)
    }

    /// Turns one organisation's owed alerts into messages as of `now`; returns how many
    /// messages were queued.
    pub(crate) async fn queue_alert_messages_of(&self, org: OrgId, now: Timestamp) -> Result<usize> {
        let limit = u64::from(self.store.notification_settings(org).await?.policy.max_per_hour);
        let hour_ago = now - SignedDuration::from_hours(1);
        let pending = self.store.alerts_owing(org, Owed::Pending).await?;
        let mut queued = 0;
        if !pending.is_empty() {
            let sent = self.store.count_notifications_since(org, KIND_ALERT, hour_ago).await?;
            let room = usize::try_from(limit.saturating_sub(sent)).unwrap_or(usize::MAX).min(pending.len());
            let (now_sent, held) = pending.split_at(room);
            let messages: Vec<AlertMessage> = now_sent.iter().map(message).collect();
            queued += self.store.queue_alert_messages(org, KIND_ALERT, &messages).await?;
            self.store.hold_alert_messages(org, &held.iter().map(|a| a.id).collect::<Vec<_>>()).await?;
        }
        let held = self.store.alerts_owing(org, Owed::Held).await?;
        if !held.is_empty() && self.store.count_notifications_since(org, KIND_DIGEST, hour_ago).await? == 0 {
            let (subject, body) = digest(&held);
            let ids: Vec<_> = held.iter().map(|a| a.id).collect();
            if self.store.queue_alert_digest(org, KIND_DIGEST, &subject, &body, &ids).await? {
                queued += 1;
            }
        }
        Ok(queued)
    }
}

fn message(a: &Alert) -> AlertMessage {
    let subject = format!(
        "[Mamoru] 検知（{}）: {} — {} / {} ({} alert)",
        a.level.ja(),
        a.rule_title,
        a.facility_name,
        a.computer,
        a.level.en()
    );
    let details: Vec<String> = a.details.iter().map(|(k, v)| format!("  {k}: {v}")).collect();
    let text = format!(
        "{subject}\n施設 / Facility: {}\n端末 / Computer: {}\n発生 / First seen: {}\n件数 / Count: {}\nルール / Rule: {} ({})\n{}",
        a.facility_name,
        a.computer,
        tokyo(a.first_seen),
        a.count,
        a.rule_title,
        a.rule_file,
        details.join("\n")
    );
    let body = json!({
        "kind": KIND_ALERT,
        "text": text,
        "alert": {
            "id": a.id.get(),
            "facility": a.facility_name,
            "computer": a.computer,
            "channel": a.channel,
            "event_id": a.event_id,
            "level": a.level.code(),
            "rule_id": a.rule_id,
            "rule_title": a.rule_title,
            "rule_file": a.rule_file,
            "tags": a.tags,
            "first_seen": tokyo(a.first_seen),
            "last_seen": tokyo(a.last_seen),
            "count": a.count,
            "details": a.details.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
        },
    });
    AlertMessage { alert: a.id, subject, body: body.to_string() }
}

fn digest(held: &[Alert]) -> (String, String) {
    let n = held.len();
    let subject = format!("[Mamoru] ほかに新しい検知アラートが {n} 件あります / {n} more alerts");
    let mut lines: Vec<String> = held
        .iter()
        .take(DIGEST_LINES)
        .map(|a| format!("[{}] {} — {} / {} ×{}", a.level.ja(), a.rule_title, a.facility_name, a.computer, a.count))
        .collect();
    if n > DIGEST_LINES {
        lines.push(format!("…ほか {} 件 / and {} more", n - DIGEST_LINES, n - DIGEST_LINES));
    }
    let text = format!(
        "{subject}\n1時間あたりの通知数の上限を超えたため、まとめてお知らせします。/ Over the hourly limit; listed together.\n{}",
        lines.join("\n")
    );
    let body = json!({
        "kind": KIND_DIGEST,
        "text": text,
        "count": n,
        "alerts": held.iter().map(|a| a.id.get()).collect::<Vec<_>>(),
    });
    (subject, body.to_string())
}

#[cfg(test)]
mod tests {
    use jiff::{SignedDuration, Timestamp};
    use mamoru_domain::facility::FacilityDraft;
    use mamoru_domain::{AlertLevel, AlertPolicy};
    use mamoru_store::{Actor, Location, NewDetection, Owed, Store};

    use super::{KIND_ALERT, KIND_DIGEST};
    use crate::{App, Config};

    fn detection(computer: String) -> NewDetection {
        NewDetection {
            rule_id: "r".into(),
            rule_title: "Windows Security Log Cleared".into(),
            level: AlertLevel::High,
            rule_file: "r.yml".into(),
            tags: vec![],
            computer,
            channel: "Security".into(),
            event_id: Some(1102),
            at: Timestamp::now(),
            details: vec![],
            origin: None,
        }
    }

    #[tokio::test]
    async fn beyond_the_hourly_limit_one_digest_an_hour() {
        let dir = tempfile::tempdir().unwrap();
        let app = App::new(Store::open(&Location::Dir(dir.path().to_owned())).await.unwrap(), Config::default());
        let s = app.store();
        let org = s.create_org("みなと会", &Actor::system()).await.unwrap();
        let draft = FacilityDraft { name: "みなと総合病院".into(), ..Default::default() };
        let facility = s.create_facility(org, &draft, &Actor::system()).await.unwrap();
        let policy = AlertPolicy::default();
        let ingest = |range: std::ops::Range<u32>| {
            let batch: Vec<_> = range.map(|i| detection(format!("PC-{i:03}"))).collect();
            async move { s.ingest_detections(org, facility, &batch, &policy, &Actor::system()).await.unwrap() }
        };
        let count = |kind: &'static str| async move {
            s.count_notifications_since(org, kind, Timestamp::now() - SignedDuration::from_hours(1)).await.unwrap()
        };

        // Thirteen new alerts at once: ten messages and a digest of three.
        ingest(0..13).await;
        let now = Timestamp::now();
        assert_eq!(app.queue_alert_messages_of(org, now).await.unwrap(), 11);
        assert_eq!((count(KIND_ALERT).await, count(KIND_DIGEST).await), (10, 1));
        // Two more in the same hour wait, even for the digest.
        ingest(13..15).await;
        assert_eq!(app.queue_alert_messages_of(org, now).await.unwrap(), 0);
        assert_eq!(s.alerts_owing(org, Owed::Held).await.unwrap().len(), 2);
        // An hour later the digest goes out, and the limit is free again.
        let later = now + SignedDuration::from_mins(61);
        assert_eq!(app.queue_alert_messages_of(org, later).await.unwrap(), 1);
        assert!(s.alerts_owing(org, Owed::Held).await.unwrap().is_empty());
        let digests: Vec<_> =
            s.pending_notifications().await.unwrap().into_iter().filter(|n| n.kind == KIND_DIGEST).collect();
        assert_eq!(digests.len(), 2);
        assert!(digests[1].subject.contains("2 more alerts"), "{}", digests[1].subject);
        ingest(15..16).await;
        assert_eq!(app.queue_alert_messages_of(org, later).await.unwrap(), 1, "a message of its own again");
    }
}
