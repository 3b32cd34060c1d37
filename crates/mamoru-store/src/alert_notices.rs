//! Which alerts still owe a message, and turning them into outbox messages.
//!
//! A new alert at or above the organisation's level is stored as owing one (`pending`).
//! The app then sends each as a message while the hourly limit allows (`sent`); the rest
//! wait (`held`) for the one digest an hour allows (`digest`). A message and the mark on its
//! alerts are written in one transaction, so a crash neither loses nor repeats a message.
//! The mark only moves an alert on from the state it was read in, and a message is queued
//! only for alerts it moved: `serve` queues from its delivery loop and from each batch of
//! live detections, and two of them reading the same pending alert sent it twice.
//! This is delivery bookkeeping, like the outbox itself, so it is not in the audit log.

use jiff::Timestamp;
use mamoru_domain::{AlertId, OrgId};

use crate::Store;
use crate::alerts::{ALERT_COLUMNS, ALERT_FROM, Alert, alert_from_row};
use crate::db::{Arg, Exec, Tx, args, in_list};
use crate::error::Result;
use crate::time::{format_ts, now};

/// Whether an alert still owes a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owed {
    /// New and not yet considered.
    Pending,
    /// Over the hourly limit: waits for the next digest.
    Held,
}

impl Owed {
    fn code(self) -> &'static str {
        match self {
            Owed::Pending => "pending",
            Owed::Held => "held",
        }
    }
}

/// One message to queue for an alert.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertMessage {
    /// The alert it tells of.
    pub alert: AlertId,
    /// One line.
    pub subject: String,
    /// The payload (JSON with a `text` key).
    pub body: String,
}

impl Store {
    /// The organisations with alerts that owe a message.
    pub async fn orgs_owing_alert_messages(&self) -> Result<Vec<OrgId>> {
        let rows = self
            .pool
            .conn()
            .await?
            .fetch_all(
                "SELECT DISTINCT org_id FROM alerts WHERE notify IN ('pending', 'held') ORDER BY org_id".into(),
                vec![],
            )
            .await?;
        rows.iter().map(|r| Ok(OrgId::new(r.int("org_id")?))).collect()
    }

    /// The organisation's alerts in state `owed`, most severe and oldest first.
    pub async fn alerts_owing(&self, org: OrgId, owed: Owed) -> Result<Vec<Alert>> {
        let sql = format!(
            "SELECT {ALERT_COLUMNS} {ALERT_FROM} WHERE al.org_id = $1 AND al.notify = $2 ORDER BY al.severity DESC, al.id"
        );
        let rows = self.pool.conn().await?.fetch_all(sql.into(), args![org.get(), owed.code()]).await?;
        rows.iter().map(alert_from_row).collect()
    }

    /// How many messages of `kind` the organisation was sent since `since` (queued, whether
    /// delivered yet or not).
    pub async fn count_notifications_since(&self, org: OrgId, kind: &str, since: Timestamp) -> Result<u64> {
        let row = self
            .pool
            .conn()
            .await?
            .fetch_one(
                "SELECT COUNT(*) AS n FROM notifications WHERE org_id = $1 AND kind = $2 AND created_at >= $3".into(),
                args![org.get(), kind, format_ts(since)],
            )
            .await?;
        Ok(u64::try_from(row.int("n")?).unwrap_or(0))
    }

    /// Queues one message per alert that is still pending and marks it sent; returns how
    /// many were queued (another caller may have queued the rest).
    pub async fn queue_alert_messages(&self, org: OrgId, kind: &str, messages: &[AlertMessage]) -> Result<usize> {
        let mut tx = self.pool.write().await?;
        let mut queued = 0;
        for m in messages {
            if mark(&mut tx, org, &[m.alert], Owed::Pending, "sent").await? > 0 {
                queue(&mut tx, org, kind, &m.subject, &m.body).await?;
                queued += 1;
            }
        }
        tx.commit().await?;
        Ok(queued)
    }

    /// Marks pending alerts as waiting for a digest.
    pub async fn hold_alert_messages(&self, org: OrgId, alerts: &[AlertId]) -> Result<()> {
        let mut tx = self.pool.write().await?;
        mark(&mut tx, org, alerts, Owed::Pending, "held").await?;
        tx.commit().await
    }

    /// Queues one message about the alerts that are still held and marks them told; returns
    /// whether it was queued (not when another caller told them all already).
    pub async fn queue_alert_digest(
        &self,
        org: OrgId,
        kind: &str,
        subject: &str,
        body: &str,
        alerts: &[AlertId],
    ) -> Result<bool> {
        let mut tx = self.pool.write().await?;
        let told = mark(&mut tx, org, alerts, Owed::Held, "digest").await?;
        if told > 0 {
            queue(&mut tx, org, kind, subject, body).await?;
        }
        tx.commit().await?;
        Ok(told > 0)
    }
}

async fn queue(tx: &mut Tx, org: OrgId, kind: &str, subject: &str, body: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO notifications (org_id, kind, subject, body, created_at) VALUES ($1, $2, $3, $4, $5)".into(),
        args![org.get(), kind, subject, body, now()],
    )
    .await
    .map(drop)
}

/// Moves the alerts that are still `from` to `state`; returns how many moved.
async fn mark(tx: &mut Tx, org: OrgId, alerts: &[AlertId], from: Owed, state: &str) -> Result<u64> {
    let mut moved = 0;
    for chunk in alerts.chunks(500) {
        let mut params = vec![Arg::from(state), Arg::from(org.get()), Arg::from(from.code())];
        let list = in_list(&mut params, chunk.iter().map(|a| a.get()));
        let sql = format!("UPDATE alerts SET notify = $1 WHERE org_id = $2 AND notify = $3 AND id IN ({list})");
        moved += tx.execute(sql.into(), params).await?;
    }
    Ok(moved)
}
