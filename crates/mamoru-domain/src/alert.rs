//! Detection alerts: their levels, the states people move them through, and the
//! organisation's notification settings (who is told, how often, by which channel).
//!
//! An alert groups the detections of one rule on one computer of a facility while it is
//! open, so a burst of a thousand events is one thing to look at, not a thousand.

use jiff::SignedDuration;

use crate::choice::choice_enum;
use crate::invalid::{Checker, Invalid, Problem};
use crate::values::parse_email;

choice_enum! {
    /// How serious a detection is, as the Sigma rule says; ordered from least to most.
    pub enum AlertLevel {
        /// Worth keeping, not worth a look on its own.
        Informational => ("informational", "情報", "Informational", ["info"]),
        /// Rarely a problem.
        Low => ("low", "低", "Low"),
        /// Worth a look when there is time.
        Medium => ("medium", "中", "Medium", ["med"]),
        /// Look today.
        High => ("high", "高", "High"),
        /// Look now.
        Critical => ("critical", "緊急", "Critical", ["crit", "重大"]),
    }
}

impl AlertLevel {
    /// 0 (informational) to 4 (critical), for sorting and `>=` filters in storage.
    pub fn rank(self) -> u8 {
        match self {
            Self::Informational => 0,
            Self::Low => 1,
            Self::Medium => 2,
            Self::High => 3,
            Self::Critical => 4,
        }
    }

    /// The level of a rank (out-of-range ranks are the nearest level).
    pub fn from_rank(rank: i64) -> Self {
        match rank {
            i64::MIN..=0 => Self::Informational,
            1 => Self::Low,
            2 => Self::Medium,
            3 => Self::High,
            _ => Self::Critical,
        }
    }
}

choice_enum! {
    /// Where an alert stands.
    pub enum AlertStatus {
        /// Nobody has looked yet.
        New => ("new", "未確認", "New", ["新規", "open"]),
        /// Someone has looked and is dealing with it.
        Acknowledged => ("acknowledged", "確認済み", "Acknowledged", ["確認", "ack"]),
        /// Not an attack; a suppression rule keeps its like from coming back.
        FalsePositive => ("false_positive", "誤検知", "False positive", ["fp", "誤報"]),
        /// Handed up: to the vendor, the provider's SOC, the person in charge.
        Escalated => ("escalated", "エスカレーション", "Escalated", ["escalate", "上申"]),
    }
}

impl AlertStatus {
    /// Whether new detections of the same rule on the same computer join this alert
    /// (rather than opening a new one), and whether it counts on the dashboard.
    pub fn is_open(self) -> bool {
        !matches!(self, Self::FalsePositive)
    }

    /// Whether a person may move an alert from this state to `next`. Re-opening is moving
    /// back to `New`; a false positive can only be re-opened.
    pub fn can_become(self, next: Self) -> bool {
        use AlertStatus::*;
        match (self, next) {
            (a, b) if a == b => false,
            (FalsePositive, New) => true,
            (FalsePositive, _) => false,
            _ => true,
        }
    }
}

choice_enum! {
    /// How the connection to the mail server is protected.
    pub enum SmtpSecurity {
        /// Plain connection upgraded with STARTTLS (port 587, the usual submission port).
        StartTls => ("starttls", "STARTTLS", "STARTTLS"),
        /// TLS from the first byte (port 465).
        Tls => ("tls", "SMTPS (TLS)", "SMTPS (TLS)", ["smtps", "ssl"]),
        /// No encryption: only for a relay inside the facility's own network.
        Plain => ("none", "暗号化なし（院内の中継サーバのみ）", "None (a relay inside the LAN only)", ["plain"]),
    }
}

/// Where and how alert mail is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    /// The mail server.
    pub host: String,
    /// Its port.
    pub port: u16,
    /// STARTTLS, TLS or none.
    pub security: SmtpSecurity,
    /// The login, when the server wants one.
    pub username: Option<String>,
    /// The name of an environment variable holding the password, so it need not be stored.
    pub password_env: Option<String>,
    /// The sender address.
    pub from: String,
    /// The recipients.
    pub to: Vec<String>,
}

/// An SMTP form as typed.
#[derive(Debug, Clone, Default)]
pub struct SmtpInput {
    /// Host name or address.
    pub host: String,
    /// Port; empty for the security's usual one (587, 465, 25).
    pub port: String,
    /// `starttls`, `tls` or `none` (or a label); empty for STARTTLS.
    pub security: String,
    /// Login; empty for none.
    pub username: String,
    /// Environment variable with the password; empty for none (or a stored password).
    pub password_env: String,
    /// Sender address.
    pub from: String,
    /// Recipients, separated by commas, semicolons or spaces.
    pub to: String,
}

impl SmtpSettings {
    /// Checks a form, returning every problem.
    pub fn parse(input: &SmtpInput) -> Result<Self, Vec<Invalid>> {
        let mut c = Checker::default();
        let host = input.host.trim();
        let host = c.check(
            "smtp_host",
            match host {
                "" => Err(Problem::Required),
                h if h.chars().all(|ch| ch.is_ascii_alphanumeric() || "-.:[]".contains(ch)) => Ok(h.to_owned()),
                h => Err(Problem::Unknown(format!("host name {h:?}"))),
            },
        );
        let security = match input.security.trim() {
            "" => Some(SmtpSecurity::StartTls),
            s => c.check("smtp_security", SmtpSecurity::parse(s)),
        };
        let default_port = match security {
            Some(SmtpSecurity::Tls) => 465,
            Some(SmtpSecurity::Plain) => 25,
            _ => 587,
        };
        let port = c.check(
            "smtp_port",
            match input.port.trim() {
                "" => Ok(default_port),
                p => match p.parse::<u16>() {
                    Ok(n) if n > 0 => Ok(n),
                    Ok(_) => Err(Problem::OutOfRange { min: 1, max: 65535 }),
                    Err(_) => Err(Problem::NotANumber(p.to_owned())),
                },
            },
        );
        let from = c.check("smtp_from", parse_email(&input.from));
        let mut to = Vec::new();
        for address in input.to.split([',', ';', ' ', '\n']).map(str::trim).filter(|s| !s.is_empty()) {
            to.extend(c.check("smtp_to", parse_email(address)));
        }
        if input.to.trim().is_empty() {
            c.push(Invalid::new("smtp_to", Problem::Required));
        }
        let env = input.password_env.trim();
        if !env.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_') {
            c.push(Invalid::new("smtp_password_env", Problem::Unknown(format!("environment variable name {env:?}"))));
        }
        let optional = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        c.finish(|| {
            Some(SmtpSettings {
                host: host?,
                port: port?,
                security: security?,
                username: optional(&input.username),
                password_env: optional(env),
                from: from?,
                to,
            })
        })
    }
}

/// When and how often an organisation is told about alerts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlertPolicy {
    /// New alerts of this level or above are sent as messages.
    pub notify_from: AlertLevel,
    /// At most this many alert messages per hour; the rest go in one digest an hour.
    pub max_per_hour: u32,
    /// Detections of the same rule on the same computer join an open alert seen within
    /// this long.
    pub window: SignedDuration,
}

impl Default for AlertPolicy {
    fn default() -> Self {
        AlertPolicy { notify_from: AlertLevel::High, max_per_hour: 10, window: SignedDuration::from_hours(24) }
    }
}

impl AlertPolicy {
    /// Checks the numbers: 1 to 1,000 messages an hour, a window of 1 minute to 30 days.
    pub fn validate(self) -> Result<Self, Vec<Invalid>> {
        let mut c = Checker::default();
        if !(1..=1000).contains(&self.max_per_hour) {
            c.push(Invalid::new("alert_max_per_hour", Problem::OutOfRange { min: 1, max: 1000 }));
        }
        let minutes = self.window.as_mins();
        if !(1..=30 * 24 * 60).contains(&minutes) {
            c.push(Invalid::new("alert_window_minutes", Problem::OutOfRange { min: 1, max: 30 * 24 * 60 }));
        }
        c.finish(|| Some(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_order_and_parse() {
        assert!(AlertLevel::Critical > AlertLevel::High && AlertLevel::Low > AlertLevel::Informational);
        assert_eq!(AlertLevel::parse("高").unwrap(), AlertLevel::High);
        assert_eq!(AlertLevel::parse("CRIT").unwrap(), AlertLevel::Critical);
        for l in AlertLevel::ALL {
            assert_eq!(AlertLevel::from_rank(i64::from(l.rank())), *l);
        }
    }

    #[test]
    fn transitions() {
        use AlertStatus::*;
        assert!(New.can_become(Acknowledged) && New.can_become(Escalated) && New.can_become(FalsePositive));
        assert!(Acknowledged.can_become(New) && Escalated.can_become(Acknowledged));
        assert!(FalsePositive.can_become(New));
        assert!(!FalsePositive.can_become(Acknowledged) && !FalsePositive.can_become(Escalated));
        assert!(!New.can_become(New));
        assert!(Escalated.is_open() && !FalsePositive.is_open());
        assert_eq!(AlertStatus::parse("誤検知").unwrap(), FalsePositive);
    }

    #[test]
    fn smtp_forms() {
        let input = SmtpInput {
            host: "mail.example.jp".into(),
            from: "mamoru@example.jp".into(),
            to: "yamada@example.jp, 当直 <x>".into(),
            ..Default::default()
        };
        let errors = SmtpSettings::parse(&input).unwrap_err();
        assert_eq!(errors.iter().map(|e| e.field).collect::<Vec<_>>(), ["smtp_to", "smtp_to"]);
        let ok = SmtpSettings::parse(&SmtpInput { to: "yamada@example.jp;sato@example.jp".into(), ..input }).unwrap();
        assert_eq!((ok.port, ok.security, ok.to.len()), (587, SmtpSecurity::StartTls, 2));
        let tls =
            SmtpSettings::parse(&SmtpInput { security: "smtps".into(), port: String::new(), ..Default::default() });
        let fields: Vec<_> = tls.unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["smtp_host", "smtp_from", "smtp_to"]);
    }

    #[test]
    fn policy_bounds() {
        assert!(AlertPolicy::default().validate().is_ok());
        let bad = AlertPolicy { max_per_hour: 0, window: SignedDuration::ZERO, ..Default::default() };
        assert_eq!(bad.validate().unwrap_err().len(), 2);
    }
}
