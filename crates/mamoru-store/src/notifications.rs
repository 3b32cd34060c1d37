//! The outbox of messages to people: written when something needs attention, delivered by
//! the app afterwards, kept with the outcome of each attempt.

use jiff::Timestamp;
use mamoru_domain::OrgId;

use crate::Store;
use crate::db::{Exec, Row, args};
use crate::error::Result;
use crate::time::{now, parse_opt_ts, parse_ts};

/// One message.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    /// Its id.
    pub id: i64,
    /// The organisation it is for.
    pub org: OrgId,
    /// What kind (`vuln.kev`).
    pub kind: String,
    /// One line.
    pub subject: String,
    /// The message as JSON (the webhook's payload).
    pub body: String,
    /// When it was written.
    pub created_at: Timestamp,
    /// When it was delivered.
    pub delivered_at: Option<Timestamp>,
    /// Delivery attempts so far.
    pub attempts: i64,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When it was posted to the webhook.
    pub posted_at: Option<Timestamp>,
    /// When it was mailed.
    pub mailed_at: Option<Timestamp>,
}

/// A way a message reaches people; each is delivered once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// Posted to the organisation's webhook.
    Webhook,
    /// Mailed by SMTP.
    Mail,
}

const COLUMNS: &str =
    "id, org_id, kind, subject, body, created_at, delivered_at, attempts, last_error, posted_at, mailed_at";

/// Attempts after which a message is no longer retried (it stays listed with its error).
pub const MAX_ATTEMPTS: i64 = 5;

/// How long a claim on a message holds: longer than one delivery takes (a webhook post
/// times out after 10 s, an SMTP exchange after 20 s), short enough that a message whose deliverer
/// died goes out a few minutes late rather than never.
pub const CLAIM: jiff::SignedDuration = jiff::SignedDuration::from_mins(2);

impl Store {
    /// Adds a message to the outbox.
    pub async fn queue_notification(&self, org: OrgId, kind: &str, subject: &str, body: &str) -> Result<i64> {
        let mut tx = self.pool.write().await?;
        let row = tx
            .fetch_one(
                "INSERT INTO notifications (org_id, kind, subject, body, created_at) VALUES ($1, $2, $3, $4, $5) \
                 RETURNING id"
                    .into(),
                args![org.get(), kind, subject, body, now()],
            )
            .await?;
        tx.commit().await?;
        row.int("id")
    }

    /// Messages not yet delivered and not given up on, oldest first.
    pub async fn pending_notifications(&self) -> Result<Vec<Notification>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM notifications WHERE delivered_at IS NULL AND attempts < $1 ORDER BY id LIMIT 100"
        );
        let rows = self.pool.conn().await?.fetch_all(sql.into(), args![MAX_ATTEMPTS]).await?;
        rows.iter().map(from_row).collect()
    }

    /// The organisation's latest messages, newest first.
    pub async fn recent_notifications(&self, org: OrgId, limit: u32) -> Result<Vec<Notification>> {
        let sql = format!("SELECT {COLUMNS} FROM notifications WHERE org_id = $1 ORDER BY id DESC LIMIT $2");
        let rows = self.pool.conn().await?.fetch_all(sql.into(), args![org.get(), i64::from(limit)]).await?;
        rows.iter().map(from_row).collect()
    }

    /// Records that a message went out on one channel, so a retry of the other does not
    /// send it twice.
    pub async fn notification_sent_by(&self, id: i64, channel: Channel) -> Result<()> {
        let sql = match channel {
            Channel::Webhook => "UPDATE notifications SET posted_at = $1 WHERE id = $2",
            Channel::Mail => "UPDATE notifications SET mailed_at = $1 WHERE id = $2",
        };
        let mut tx = self.pool.write().await?;
        tx.execute(sql.into(), args![now(), id]).await?;
        tx.commit().await
    }

    /// Claims a pending message for a delivery starting `now`, and gives it back as it
    /// stands once claimed (what another deliverer sent before is marked in it). `None`
    /// when it is delivered, given up on, or claimed by another deliverer whose claim still
    /// holds. The claim ends with [`Store::notification_attempted`], or [`CLAIM`] after `now`.
    pub async fn claim_notification(&self, id: i64, now: Timestamp) -> Result<Option<Notification>> {
        let until = (now + CLAIM).as_second();
        let mut tx = self.pool.write().await?;
        // One statement: the database serialises the writers, and the second finds the
        // first's claim in the row it re-reads.
        let claimed = tx
            .execute(
                "UPDATE notifications SET claimed_until = $1 WHERE id = $2 AND delivered_at IS NULL \
                 AND attempts < $3 AND (claimed_until IS NULL OR claimed_until <= $4)"
                    .into(),
                args![until, id, MAX_ATTEMPTS, now.as_second()],
            )
            .await?;
        let row = if claimed == 1 {
            let sql = format!("SELECT {COLUMNS} FROM notifications WHERE id = $1");
            Some(tx.fetch_one(sql.into(), args![id]).await?)
        } else {
            None
        };
        tx.commit().await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Records a delivery attempt: `Ok` delivered, `Err` why not. Either way the claim on
    /// the message ends.
    pub async fn notification_attempted(&self, id: i64, outcome: Result<(), String>) -> Result<()> {
        let mut tx = self.pool.write().await?;
        match outcome {
            Ok(()) => {
                tx.execute(
                    "UPDATE notifications SET delivered_at = $1, attempts = attempts + 1, last_error = NULL, \
                     claimed_until = NULL WHERE id = $2"
                        .into(),
                    args![now(), id],
                )
                .await?
            }
            Err(e) => {
                tx.execute(
                    "UPDATE notifications SET attempts = attempts + 1, last_error = $1, claimed_until = NULL \
                     WHERE id = $2"
                        .into(),
                    args![e, id],
                )
                .await?
            }
        };
        tx.commit().await
    }
}

fn from_row(r: &Row) -> Result<Notification> {
    Ok(Notification {
        id: r.int("id")?,
        org: OrgId::new(r.int("org_id")?),
        kind: r.text("kind")?,
        subject: r.text("subject")?,
        body: r.text("body")?,
        created_at: parse_ts(&r.text("created_at")?)?,
        delivered_at: parse_opt_ts(r.opt_text("delivered_at")?)?,
        attempts: r.int("attempts")?,
        last_error: r.opt_text("last_error")?,
        posted_at: parse_opt_ts(r.opt_text("posted_at")?)?,
        mailed_at: parse_opt_ts(r.opt_text("mailed_at")?)?,
    })
}
