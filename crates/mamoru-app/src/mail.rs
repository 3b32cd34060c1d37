//! Alert mail by SMTP, and the organisation's notification settings (mail server, alert
//! threshold, hourly limit, grouping window).
//!
//! The SMTP password is best kept out of the database: the settings can name an environment
//! variable that holds it (read at every delivery, so it can change without a restart); a
//! stored password is the fallback for installations that cannot set one.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use mamoru_domain::access::Action;
use mamoru_domain::{AlertPolicy, SmtpInput, SmtpSecurity, SmtpSettings};
use mamoru_store::NotificationSettings;

use crate::error::{Error, Result};
use crate::{App, Principal};

/// The SMTP password as a form gives it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SmtpPassword {
    /// Keep the stored one (if any).
    #[default]
    Keep,
    /// Store this one.
    Set(String),
    /// Store none (the environment variable, if named, still applies).
    Clear,
}

impl App {
    /// The organisation's notification settings; the stored password is left out.
    pub async fn notification_settings(&self, p: &Principal) -> Result<NotificationSettings> {
        p.require(Action::ManageOrganization, None)?;
        let mut settings = self.store.notification_settings(p.org).await?;
        settings.smtp_password = settings.smtp_password.map(|_| "********".into());
        Ok(settings)
    }

    /// Sets which new alerts become messages, how many an hour, and the grouping window.
    pub async fn set_alert_policy(&self, p: &Principal, policy: AlertPolicy) -> Result<()> {
        p.require(Action::ManageOrganization, None)?;
        let policy = policy.validate().map_err(Error::Invalid)?;
        Ok(self.store.set_alert_policy(p.org, &policy, &p.actor()).await?)
    }

    /// Sets (or with `None` removes) the mail server alerts are sent through.
    pub async fn set_smtp(&self, p: &Principal, input: Option<&SmtpInput>, password: SmtpPassword) -> Result<()> {
        p.require(Action::ManageOrganization, None)?;
        let Some(input) = input else { return Ok(self.store.set_smtp(p.org, None, None, &p.actor()).await?) };
        let settings = SmtpSettings::parse(input).map_err(Error::Invalid)?;
        let stored = match password {
            SmtpPassword::Keep => self.store.notification_settings(p.org).await?.smtp_password,
            SmtpPassword::Set(pw) => Some(pw),
            SmtpPassword::Clear => None,
        };
        Ok(self.store.set_smtp(p.org, Some(&settings), stored.as_deref(), &p.actor()).await?)
    }
}

/// Sends one plain-text mail to every recipient; the error is a line for the outbox.
pub(crate) async fn send(
    settings: &SmtpSettings,
    stored_password: Option<&str>,
    subject: &str,
    text: &str,
) -> Result<(), String> {
    crate::notify::install_tls();
    let from: Mailbox = settings.from.parse().map_err(|e| format!("sender {}: {e}", settings.from))?;
    let mut builder = Message::builder().from(from).subject(subject).header(ContentType::TEXT_PLAIN);
    for to in &settings.to {
        builder = builder.to(to.parse().map_err(|e| format!("recipient {to}: {e}"))?);
    }
    let message = builder.body(text.to_owned()).map_err(|e| e.to_string())?;
    let host = settings.host.as_str();
    let mut transport = match settings.security {
        SmtpSecurity::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host),
        SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host),
        SmtpSecurity::Plain => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)),
    }
    .map_err(|e| format!("{host}: {e}"))?
    .port(settings.port)
    // A dead server must not hold up the delivery round.
    .timeout(Some(Duration::from_secs(20)));
    if let Some(user) = &settings.username {
        let from_env = settings.password_env.as_deref().and_then(|v| std::env::var(v).ok());
        let password = from_env.or_else(|| stored_password.map(str::to_owned)).ok_or_else(|| {
            format!("no SMTP password: set {}", settings.password_env.as_deref().unwrap_or("a password"))
        })?;
        transport = transport.credentials(Credentials::new(user.clone(), password));
    }
    transport.build().send(message).await.map(drop).map_err(|e| format!("{host}:{}: {e}", settings.port))
}
