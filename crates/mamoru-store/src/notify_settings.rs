//! Each organisation's notification settings: which alerts become messages and how many an
//! hour, how detections are grouped, and the mail server (the webhook URL stays on the
//! organisation, where it was first kept).

use jiff::SignedDuration;
use mamoru_domain::{AlertLevel, AlertPolicy, OrgId, SmtpSecurity, SmtpSettings};
use serde_json::json;

use crate::Store;
use crate::audit::{Actor, Change, append};
use crate::db::{Exec, Row, args};
use crate::error::{Error, Result};
use crate::time::now;

/// The stored settings; defaults until someone changes them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NotificationSettings {
    /// Alert threshold, hourly limit and grouping window.
    pub policy: AlertPolicy,
    /// The mail server, if mail is sent.
    pub smtp: Option<SmtpSettings>,
    /// A stored SMTP password (used when no environment variable is named or it is unset).
    pub smtp_password: Option<String>,
}

const COLUMNS: &str = "alert_min_level, alert_max_per_hour, alert_window_minutes, smtp_host, smtp_port, smtp_security, \
    smtp_username, smtp_password_env, smtp_password, smtp_from, smtp_to";

impl Store {
    /// The organisation's notification settings.
    pub async fn notification_settings(&self, org: OrgId) -> Result<NotificationSettings> {
        let sql = format!("SELECT {COLUMNS} FROM notification_settings WHERE org_id = $1");
        let row = self.pool.conn().await?.fetch_optional(sql.into(), args![org.get()]).await?;
        row.as_ref().map(settings_from_row).transpose().map(Option::unwrap_or_default)
    }

    /// Sets the alert threshold, hourly limit and grouping window (already validated).
    pub async fn set_alert_policy(&self, org: OrgId, policy: &AlertPolicy, actor: &Actor) -> Result<()> {
        let before = self.notification_settings(org).await?;
        let mut tx = self.pool.write().await?;
        tx.execute(
            "INSERT INTO notification_settings (org_id, alert_min_level, alert_max_per_hour, alert_window_minutes, \
             updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (org_id) DO UPDATE SET \
             alert_min_level = excluded.alert_min_level, alert_max_per_hour = excluded.alert_max_per_hour, \
             alert_window_minutes = excluded.alert_window_minutes, updated_at = excluded.updated_at"
                .into(),
            args![org.get(), policy.notify_from.code(), i64::from(policy.max_per_hour), policy.window.as_mins(), now()],
        )
        .await?;
        let view = |p: &AlertPolicy| json!({ "notify_from": p.notify_from.code(), "max_per_hour": p.max_per_hour, "window_minutes": p.window.as_mins() });
        let change = Change {
            action: "notification_settings.update",
            entity: "notification_settings",
            entity_id: None,
            facility_id: None,
            summary: "alert notification policy changed".into(),
            before: Some(view(&before.policy)),
            after: Some(view(policy)),
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await
    }

    /// Sets (or with `None` removes) the mail server; `password` is stored as given (`None`
    /// stores none). The audit log records whether a password is stored, never the password.
    pub async fn set_smtp(
        &self,
        org: OrgId,
        smtp: Option<&SmtpSettings>,
        password: Option<&str>,
        actor: &Actor,
    ) -> Result<()> {
        let before = self.notification_settings(org).await?;
        let p = before.policy;
        let mut tx = self.pool.write().await?;
        tx.execute(
            "INSERT INTO notification_settings (org_id, alert_min_level, alert_max_per_hour, alert_window_minutes, \
             smtp_host, smtp_port, smtp_security, smtp_username, smtp_password_env, smtp_password, smtp_from, smtp_to, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (org_id) DO UPDATE \
             SET smtp_host = excluded.smtp_host, smtp_port = excluded.smtp_port, smtp_security = excluded.smtp_security, \
             smtp_username = excluded.smtp_username, smtp_password_env = excluded.smtp_password_env, \
             smtp_password = excluded.smtp_password, smtp_from = excluded.smtp_from, smtp_to = excluded.smtp_to, \
             updated_at = excluded.updated_at"
                .into(),
            args![
                org.get(),
                p.notify_from.code(),
                i64::from(p.max_per_hour),
                p.window.as_mins(),
                smtp.map(|s| s.host.clone()),
                smtp.map(|s| i64::from(s.port)),
                smtp.map(|s| s.security.code()),
                smtp.and_then(|s| s.username.clone()),
                smtp.and_then(|s| s.password_env.clone()),
                smtp.and(password),
                smtp.map(|s| s.from.clone()),
                smtp.map(|s| s.to.join(",")),
                now()
            ],
        )
        .await?;
        let view = |s: Option<&SmtpSettings>, stored: bool| {
            s.map(|s| {
                json!({
                    "host": s.host, "port": s.port, "security": s.security.code(), "username": s.username,
                    "password_env": s.password_env, "password_stored": stored, "from": s.from, "to": s.to,
                })
            })
        };
        let change = Change {
            action: "notification_settings.update",
            entity: "notification_settings",
            entity_id: None,
            facility_id: None,
            summary: "mail server for alerts changed".into(),
            before: Some(json!({ "smtp": view(before.smtp.as_ref(), before.smtp_password.is_some()) })),
            after: Some(json!({ "smtp": view(smtp, smtp.is_some() && password.is_some()) })),
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await
    }
}

fn settings_from_row(r: &Row) -> Result<NotificationSettings> {
    let level = r.text("alert_min_level")?;
    let policy = AlertPolicy {
        notify_from: AlertLevel::from_code(&level).ok_or_else(|| Error::Corrupt(format!("alert level {level:?}")))?,
        max_per_hour: u32::try_from(r.int("alert_max_per_hour")?).unwrap_or(u32::MAX),
        window: SignedDuration::from_mins(r.int("alert_window_minutes")?),
    };
    let smtp = match (r.opt_text("smtp_host")?, r.opt_text("smtp_from")?) {
        (Some(host), Some(from)) => {
            let security = r.opt_text("smtp_security")?.unwrap_or_default();
            Some(SmtpSettings {
                host,
                port: r.opt_int("smtp_port")?.and_then(|p| u16::try_from(p).ok()).unwrap_or(587),
                security: SmtpSecurity::from_code(&security)
                    .ok_or_else(|| Error::Corrupt(format!("smtp security {security:?}")))?,
                username: r.opt_text("smtp_username")?,
                password_env: r.opt_text("smtp_password_env")?,
                from,
                to: r
                    .opt_text("smtp_to")?
                    .unwrap_or_default()
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(Into::into)
                    .collect(),
            })
        }
        _ => None,
    };
    Ok(NotificationSettings { policy, smtp, smtp_password: r.opt_text("smtp_password")? })
}
