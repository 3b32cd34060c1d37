//! `mamoru org`.

use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};

use crate::data::{DEFAULT_DIR, DataArgs};

/// Manage organisations (tenants).
#[derive(Debug, Subcommand)]
pub(crate) enum OrgCommand {
    /// Create an organisation.
    Add(Add),
    /// List organisations.
    List,
    /// Set where alerts are posted: an incoming-webhook URL (Slack, Mattermost, Teams
    /// workflows, a ticket system); `--clear` removes it.
    Webhook(Webhook),
    /// Set the mail server alerts are sent through (beside or instead of the webhook);
    /// `--clear` removes it.
    Smtp(Smtp),
    /// Show or change which new detection alerts become messages, how many an hour, and how
    /// long an open alert keeps gathering detections of its rule and computer.
    Alerts(AlertSettings),
}

#[derive(Debug, Args)]
pub(crate) struct Smtp {
    /// The mail server's host name or address.
    #[arg(required_unless_present = "clear", value_name = "HOST")]
    host: Option<String>,
    /// Its port (default: 587 for starttls, 465 for tls, 25 for none).
    #[arg(long, value_name = "PORT")]
    port: Option<u16>,
    /// starttls, tls (SMTPS) or none (only for a relay inside the facility's network).
    #[arg(long, value_name = "MODE", default_value = "starttls")]
    security: String,
    /// The login, if the server wants one.
    #[arg(long, value_name = "USER")]
    username: Option<String>,
    /// An environment variable that holds the password, read at each delivery (preferred:
    /// the password is not stored).
    #[arg(long, value_name = "VAR")]
    password_env: Option<String>,
    /// Read a password from stdin and store it in the database (when no environment variable
    /// can be set for `mamoru serve`).
    #[arg(long, conflicts_with = "password_env")]
    password_stdin: bool,
    /// The sender address.
    #[arg(long, value_name = "ADDRESS", required_unless_present = "clear")]
    from: Option<String>,
    /// A recipient; repeat or separate with commas.
    #[arg(long, value_name = "ADDRESS", required_unless_present = "clear")]
    to: Vec<String>,
    /// Remove the mail server.
    #[arg(long, conflicts_with_all = ["host", "from", "to"])]
    clear: bool,
    /// The organisation (needed when there are several).
    #[arg(long, value_name = "NAME")]
    org: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct AlertSettings {
    /// New alerts of this level or above become messages: informational, low, medium, high,
    /// critical.
    #[arg(long, value_name = "LEVEL")]
    min_level: Option<String>,
    /// At most this many alert messages an hour; the rest go in one digest an hour.
    #[arg(long, value_name = "N")]
    max_per_hour: Option<u32>,
    /// Detections join an open alert of the same rule and computer seen within this many
    /// minutes.
    #[arg(long, value_name = "MINUTES")]
    window_minutes: Option<i64>,
    /// The organisation (needed when there are several).
    #[arg(long, value_name = "NAME")]
    org: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct Webhook {
    /// The URL (https://…).
    #[arg(required_unless_present = "clear")]
    url: Option<String>,
    /// Remove the webhook.
    #[arg(long, conflicts_with = "url")]
    clear: bool,
    /// The organisation (needed when there are several).
    #[arg(long, value_name = "NAME")]
    org: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct Add {
    /// Its name, e.g. 医療法人みなと会.
    name: String,
    /// Require two-factor login (TOTP) from every user.
    #[arg(long)]
    require_totp: bool,
}

impl OrgCommand {
    pub(crate) async fn run(self, data: &DataArgs) -> anyhow::Result<ExitCode> {
        let app = data.open(DEFAULT_DIR).await?;
        match self {
            OrgCommand::Add(a) => {
                let id = app
                    .create_org(&a.name)
                    .await
                    .with_context(|| format!("cannot create organisation {:?}", a.name))?;
                if a.require_totp {
                    app.set_require_totp(&mamoru_app::Principal::cli(id), true).await?;
                }
                println!("created organisation {} (id {id})", a.name);
            }
            OrgCommand::Webhook(w) => {
                let p = mamoru_app::Principal::cli(pick(&app, w.org.as_deref()).await?);
                app.set_webhook(&p, w.url.as_deref()).await?;
                println!("{}", w.url.as_deref().unwrap_or("webhook removed"));
            }
            OrgCommand::Smtp(s) => {
                let p = mamoru_app::Principal::cli(pick(&app, s.org.as_deref()).await?);
                smtp(&app, &p, s).await?;
            }
            OrgCommand::Alerts(a) => {
                let p = mamoru_app::Principal::cli(pick(&app, a.org.as_deref()).await?);
                alert_settings(&app, &p, a).await?;
            }
            OrgCommand::List => {
                for o in app.store().orgs().await? {
                    println!("{}\t{}\t{}", o.id, o.name, if o.require_totp { "totp-required" } else { "" });
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

async fn smtp(app: &mamoru_app::App, p: &mamoru_app::Principal, s: Smtp) -> anyhow::Result<()> {
    use mamoru_app::mail::SmtpPassword;
    if s.clear {
        app.set_smtp(p, None, SmtpPassword::Clear).await?;
        println!("mail server removed");
        return Ok(());
    }
    let password = if s.password_stdin {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).context("cannot read the password from stdin")?;
        SmtpPassword::Set(line.trim_end_matches(['\r', '\n']).to_owned())
    } else {
        SmtpPassword::Clear
    };
    let input = mamoru_domain::SmtpInput {
        host: s.host.unwrap_or_default(),
        port: s.port.map(|p| p.to_string()).unwrap_or_default(),
        security: s.security,
        username: s.username.unwrap_or_default(),
        password_env: s.password_env.unwrap_or_default(),
        from: s.from.unwrap_or_default(),
        to: s.to.join(","),
    };
    app.set_smtp(p, Some(&input), password).await?;
    let set = app.notification_settings(p).await?.smtp.context("the mail server was not stored")?;
    println!(
        "alerts are mailed from {} to {} through {}:{} ({})",
        set.from,
        set.to.join(", "),
        set.host,
        set.port,
        set.security.code()
    );
    Ok(())
}

async fn alert_settings(app: &mamoru_app::App, p: &mamoru_app::Principal, a: AlertSettings) -> anyhow::Result<()> {
    let mut policy = app.notification_settings(p).await?.policy;
    if let Some(level) = &a.min_level {
        policy.notify_from =
            mamoru_domain::AlertLevel::parse(level).map_err(|e| anyhow::anyhow!("--min-level {level:?}: {e}"))?;
    }
    if let Some(n) = a.max_per_hour {
        policy.max_per_hour = n;
    }
    if let Some(m) = a.window_minutes {
        policy.window = jiff::SignedDuration::from_mins(m);
    }
    if a.min_level.is_some() || a.max_per_hour.is_some() || a.window_minutes.is_some() {
        app.set_alert_policy(p, policy).await?;
    }
    println!(
        "messages for new alerts of level {} and above, at most {} an hour; detections join an open alert seen within {} minutes",
        policy.notify_from.code(),
        policy.max_per_hour,
        policy.window.as_mins()
    );
    Ok(())
}

/// The organisation a command acts in: `--org NAME`, or the only one there is.
pub(crate) async fn pick(app: &mamoru_app::App, name: Option<&str>) -> anyhow::Result<mamoru_domain::OrgId> {
    let orgs = app.store().orgs().await?;
    match name {
        Some(n) => orgs
            .iter()
            .find(|o| o.name == n)
            .map(|o| o.id)
            .with_context(|| format!("no organisation named {n:?} (create it with `mamoru org add`)")),
        None => match orgs.as_slice() {
            [only] => Ok(only.id),
            [] => anyhow::bail!("there is no organisation yet: create one with `mamoru org add NAME`"),
            many => {
                let names: Vec<&str> = many.iter().map(|o| o.name.as_str()).collect();
                anyhow::bail!("several organisations exist; choose one with --org ({})", names.join(", "))
            }
        },
    }
}
