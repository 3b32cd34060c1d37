//! `mamoru user`.

use std::io::Read;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use mamoru_app::Principal;
use mamoru_app::auth::secret;
use mamoru_domain::access::{Grant, Role, Scope};

use crate::commands::org::pick;
use crate::data::{DEFAULT_DIR, DataArgs};

/// Manage user accounts.
#[derive(Debug, Subcommand)]
pub(crate) enum UserCommand {
    /// Create a user; prints the generated password (and TOTP secret with --totp).
    Add(Add),
    /// List the users of an organisation.
    List(List),
}

#[derive(Debug, Args)]
pub(crate) struct Add {
    /// Login e-mail address.
    #[arg(long)]
    email: String,
    /// Display name (defaults to the e-mail address).
    #[arg(long)]
    name: Option<String>,
    /// Role: admin, manager, staff or auditor.
    #[arg(long, default_value = "admin")]
    role: String,
    /// Grant the role at this facility only (default: the whole organisation).
    #[arg(long, value_name = "NAME")]
    facility: Option<String>,
    /// The organisation (needed when there are several).
    #[arg(long, value_name = "NAME")]
    org: Option<String>,
    /// Read the password from standard input instead of generating one.
    #[arg(long)]
    password_stdin: bool,
    /// Turn on two-factor login and print the TOTP secret and its otpauth:// URI.
    #[arg(long)]
    totp: bool,
}

#[derive(Debug, Args)]
pub(crate) struct List {
    /// The organisation (needed when there are several).
    #[arg(long, value_name = "NAME")]
    org: Option<String>,
}

impl UserCommand {
    pub(crate) async fn run(self, data: &DataArgs) -> anyhow::Result<ExitCode> {
        let app = data.open(DEFAULT_DIR).await?;
        match self {
            UserCommand::Add(a) => add(&app, a).await,
            UserCommand::List(l) => {
                let org = pick(&app, l.org.as_deref()).await?;
                for u in app.users(&Principal::cli(org)).await? {
                    let roles: Vec<&str> = u.grants.iter().map(|g| g.role.code()).collect();
                    println!("{}\t{}\t{}\ttotp={}", u.id, u.email, roles.join(","), u.totp_enabled);
                }
                Ok(ExitCode::SUCCESS)
            }
        }
    }
}

async fn add(app: &mamoru_app::App, a: Add) -> anyhow::Result<ExitCode> {
    let org = pick(app, a.org.as_deref()).await?;
    let cli = Principal::cli(org);
    let role = Role::parse(&a.role).map_err(|e| anyhow::anyhow!("--role: {e}"))?;
    let scope = match &a.facility {
        Some(name) => {
            let facilities = app.facilities(&cli).await?;
            let f = facilities
                .iter()
                .find(|f| &f.draft.name == name)
                .with_context(|| format!("--facility: no facility named {name:?}"))?;
            Scope::Facility(f.id)
        }
        None => Scope::Organization,
    };
    let (password, generated) = if a.password_stdin {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).context("cannot read the password from standard input")?;
        (s.trim_end_matches(['\n', '\r']).to_owned(), false)
    } else {
        (secret::readable_password(), true)
    };
    let name = a.name.clone().unwrap_or_else(|| a.email.clone());
    let id = app
        .create_user(&cli, &a.email, &name, &password, &[Grant { role, scope }])
        .await
        .with_context(|| format!("cannot create user {}", a.email))?;
    println!("created user {} (id {id})", a.email.trim().to_lowercase());
    if generated {
        println!("password: {password}");
    }
    if a.totp {
        let setup = app.provision_totp(&cli, id).await?;
        println!("totp secret: {}", setup.secret);
        println!("totp uri: {}", setup.uri);
    }
    Ok(ExitCode::SUCCESS)
}
