//! `mamoru demo`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use crate::commands::serve::{CookieSecure, bind, serve, server_config};
use crate::data::DataArgs;

/// Serve a demo hospital group from an embedded database: a 400-bed hospital, a 19-bed
/// clinic and a visiting-nurse station with a realistic register and contact chain.
///
/// Creates the data directory (default `./mamoru-demo`) or reuses it; at every start the demo
/// administrator gets a new password, printed with the URL.
#[derive(Debug, Args)]
pub(crate) struct Demo {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    listen: String,
}

/// Where the demo keeps its data unless `--data-dir` says otherwise.
const DEMO_DIR: &str = "mamoru-demo";

impl Demo {
    pub(crate) async fn run(self, data: &DataArgs) -> anyhow::Result<ExitCode> {
        let app = data.open(DEMO_DIR).await?;
        // The backup jobs' sample folders and repositories live beside the database, so the
        // demo's "back up now" runs for real without touching the machine's own folders.
        let files = match (&data.data_dir, &data.database_url) {
            (_, Some(_)) => std::env::temp_dir().join("mamoru-demo-files"),
            (Some(d), None) => d.join("demo-files"),
            (None, None) => PathBuf::from(DEMO_DIR).join("demo-files"),
        };
        let info = app.seed_demo_in(&files).await.context("cannot create the demo data")?;
        let listener = bind(&self.listen).await?;
        let addr = listener.local_addr()?;
        // The demo is often shown on a tablet over the LAN, over plain HTTP; its data is made up.
        let secure = if addr.ip().is_loopback() { CookieSecure::Auto } else { CookieSecure::Never };
        let config = server_config(&listener, secure, 10)?;
        let where_ = match (&data.data_dir, &data.database_url) {
            (_, Some(_)) => "--database-url".to_owned(),
            (Some(d), None) => d.display().to_string(),
            (None, None) => PathBuf::from(DEMO_DIR).display().to_string(),
        };
        let state = if info.created { "created" } else { "reused" };
        let banner = format!(
            "\nMamoru demo — {org}\n  URL:       http://{addr}/\n  Login:     {email}\n  Password:  {password}\n  Data:      {where_} ({state})\nPress Ctrl-C to stop.",
            org = mamoru_app::demo::ORG,
            email = info.email,
            password = info.password,
        );
        serve(app, listener, config, Some(banner)).await
    }
}
