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
            OrgCommand::List => {
                for o in app.store().orgs().await? {
                    println!("{}\t{}\t{}", o.id, o.name, if o.require_totp { "totp-required" } else { "" });
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    }
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
