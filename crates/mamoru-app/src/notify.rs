//! Alerts that reach a person: messages are written to the store's outbox when something
//! needs attention (a known-exploited vulnerability newly found on an asset, a new detection
//! alert) and delivered to the organisation's webhook and by mail (see [`crate::mail`]). The
//! body carries a `text` key, which Slack, Mattermost, Rocket.Chat and most chat bridges show
//! as the message, and which is the text of the mail.
//!
//! Each channel is delivered once: when the mail fails and is retried, the webhook is not
//! posted again. A message for an organisation with neither channel stays in the outbox.

use std::time::Duration;

use mamoru_domain::{FindingStatus, OrgId};
use mamoru_store::{Channel, FindingQuery, Notification, Rematched};
use serde_json::json;

use crate::App;
use crate::error::{Error, Result};

/// The kind of message sent when a known-exploited vulnerability is newly found.
pub const KIND_KEV: &str = "vuln.kev";

/// What a delivery round did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Delivered {
    /// Messages delivered on every channel the organisation has.
    pub sent: usize,
    /// Messages whose post or mail failed (retried next round, up to a limit).
    pub failed: usize,
    /// Messages for organisations with neither a webhook nor a mail server.
    pub held: usize,
    /// Mails sent (a message counts once in `sent` however many channels it took).
    pub mailed: usize,
}

/// Chooses rustls's ring provider for every HTTPS client in the process; call it before
/// building a `reqwest` client by other means than [`http_client`]. Idempotent.
pub fn install_tls() {
    // Installing twice is refused harmlessly; the first provider stays.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// An HTTP client for outbound calls (webhooks, feed downloads): HTTPS through rustls with
/// the system's certificates, and a timeout so a dead endpoint cannot hang a job.
pub fn http_client(timeout: Duration) -> Result<reqwest::Client> {
    install_tls();
    reqwest::Client::builder()
        .timeout(timeout)
        .user_agent(concat!("mamoru/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Error::Feed(format!("cannot set up HTTPS: {e}")))
}

impl App {
    /// Sets (or removes) the organisation's webhook; only `http(s)://` URLs are accepted.
    pub async fn set_webhook(&self, p: &crate::Principal, url: Option<&str>) -> Result<()> {
        p.require(mamoru_domain::access::Action::ManageOrganization, None)?;
        let url = url.map(str::trim).filter(|u| !u.is_empty());
        if let Some(u) = url {
            let ok = reqwest::Url::parse(u).is_ok_and(|parsed| matches!(parsed.scheme(), "http" | "https"));
            if !ok {
                let problem =
                    mamoru_domain::Problem::UnknownChoice { given: u.to_owned(), expected: "https://…".into() };
                return Err(Error::Invalid(vec![mamoru_domain::Invalid::new("webhook_url", problem)]));
            }
        }
        Ok(self.store.set_webhook(p.org, url, &p.actor()).await?)
    }

    /// Queues a message when a re-match found (or re-opened) known-exploited vulnerabilities,
    /// or when CISA newly lists one already found.
    pub(crate) async fn alert_on_kev(&self, org: OrgId, r: &Rematched) -> Result<()> {
        let fresh: Vec<_> = r.new.iter().chain(&r.reopened).chain(&r.newly_kev).copied().collect();
        if fresh.is_empty() {
            return Ok(());
        }
        let mut all = Vec::new();
        for ids in fresh.chunks(500) {
            let query = FindingQuery {
                ids: ids.to_vec(),
                kev_only: true,
                statuses: vec![FindingStatus::Open],
                ..Default::default()
            };
            all.extend(self.store.findings(org, &query).await?);
        }
        all.sort_by(|a, b| {
            (a.matched.priority, &a.facility_name, &a.asset_name).cmp(&(
                b.matched.priority,
                &b.facility_name,
                &b.asset_name,
            ))
        });
        let hits: Vec<_> = all.iter().collect();
        if hits.is_empty() {
            return Ok(());
        }
        let first = hits[0];
        let subject = format!(
            "[Mamoru] 既知の悪用がある脆弱性 {}件: {} ({} / {}) ほか / {} known-exploited vulnerabilities found",
            hits.len(),
            first.matched.vuln_id,
            first.facility_name,
            first.asset_name,
            hits.len()
        );
        let lines: Vec<String> = hits
            .iter()
            .map(|f| {
                format!(
                    "優先度{} {} {} / {} (期限 {}): {}",
                    f.matched.priority, f.matched.vuln_id, f.facility_name, f.asset_name, f.due, f.matched.why
                )
            })
            .collect();
        let body = json!({
            "kind": KIND_KEV,
            "text": format!("{subject}\n{}", lines.join("\n")),
            "findings": hits.iter().map(|f| json!({
                "id": f.id.get(),
                "asset": f.asset_name,
                "facility": f.facility_name,
                "cve": f.matched.vuln_id,
                "priority": f.matched.priority,
                "due": f.due.to_string(),
                "why": f.matched.why,
            })).collect::<Vec<_>>(),
        });
        self.store.queue_notification(org, KIND_KEV, &subject, &body.to_string()).await?;
        Ok(())
    }

    /// Turns alerts that owe a message into messages (within each organisation's hourly
    /// limit), then delivers every pending message to its organisation's webhook and mail
    /// server. `mamoru serve` runs this every minute.
    pub async fn deliver_notifications(&self) -> Result<Delivered> {
        // Deliveries may run at once (`serve` delivers from its minute loop and after each
        // batch of live detections; `ingest` from another process): an alert's message is
        // queued by the one whose mark moved the alert on, and a message is sent by the one
        // whose claim on it holds.
        self.queue_alert_messages().await?;
        self.queue_case_reminders(jiff::Timestamp::now()).await?;
        let pending = self.store.pending_notifications().await?;
        let mut done = Delivered::default();
        let mut client = None;
        for n in pending {
            let org = self.store.org(n.org).await?;
            let settings = self.store.notification_settings(n.org).await?;
            if org.webhook_url.is_none() && settings.smtp.is_none() {
                done.held += 1;
                continue;
            }
            // Read again as claimed: another process may have delivered it, or one of its
            // channels, since the list was read.
            let Some(n) = self.store.claim_notification(n.id, jiff::Timestamp::now()).await? else {
                continue;
            };
            let mut errors = Vec::new();
            if let Some(url) = org.webhook_url.as_deref().filter(|_| n.posted_at.is_none()) {
                let client = match &client {
                    Some(c) => c,
                    None => client.insert(http_client(Duration::from_secs(10))?),
                };
                match post(client, url, &n).await {
                    Ok(()) => self.store.notification_sent_by(n.id, Channel::Webhook).await?,
                    Err(e) => errors.push(format!("webhook: {e}")),
                }
            }
            if let Some(smtp) = settings.smtp.as_ref().filter(|_| n.mailed_at.is_none()) {
                let text = serde_json::from_str::<serde_json::Value>(&n.body)
                    .ok()
                    .and_then(|b| b["text"].as_str().map(str::to_owned))
                    .unwrap_or_else(|| n.body.clone());
                match crate::mail::send(smtp, settings.smtp_password.as_deref(), &n.subject, &text).await {
                    Ok(()) => {
                        done.mailed += 1;
                        self.store.notification_sent_by(n.id, Channel::Mail).await?
                    }
                    Err(e) => errors.push(format!("mail: {e}")),
                }
            }
            let outcome = if errors.is_empty() { Ok(()) } else { Err(errors.join("; ")) };
            if outcome.is_ok() {
                done.sent += 1
            } else {
                done.failed += 1
            }
            self.store.notification_attempted(n.id, outcome).await?;
        }
        Ok(done)
    }
}

async fn post(client: &reqwest::Client, url: &str, n: &Notification) -> Result<(), String> {
    client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(n.body.clone())
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map(drop)
        .map_err(|e| e.to_string())
}
