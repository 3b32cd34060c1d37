//! `mamoru vuln fetch`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use mamoru_app::App;
use mamoru_app::vuln::{FeedOutcome, FetchOptions};
use mamoru_store::Actor;

#[derive(Debug, Args)]
pub(crate) struct Fetch {
    /// Folder the downloads are kept in (later runs fetch only what NVD changed since).
    #[arg(long, value_name = "DIR", default_value = "mamoru-feeds")]
    dir: PathBuf,
    /// NVD API key (https://nvd.nist.gov/developers/request-an-api-key); without one NVD
    /// allows 5 requests per 30 seconds, so a first full download takes hours.
    #[arg(long, env = "NVD_API_KEY", hide_env_values = true)]
    nvd_api_key: Option<String>,
    /// Only these feeds, comma-separated: nvd, kev, epss, jvn (default: all).
    #[arg(long, value_name = "LIST", default_value = "nvd,kev,epss,jvn")]
    only: String,
    /// Another address for the NVD API (a mirror).
    #[arg(long, value_name = "URL")]
    nvd_url: Option<String>,
    /// Another address for the KEV JSON.
    #[arg(long, value_name = "URL")]
    kev_url: Option<String>,
    /// Another address for the EPSS gzip CSV.
    #[arg(long, value_name = "URL")]
    epss_url: Option<String>,
    /// Another address for the MyJVN API.
    #[arg(long, value_name = "URL")]
    jvn_url: Option<String>,
}

impl Fetch {
    pub(crate) async fn run(self, app: &App) -> anyhow::Result<ExitCode> {
        let mut opts = FetchOptions::new(self.dir);
        let only: Vec<&str> = self.only.split(',').map(str::trim).collect();
        if let Some(bad) = only.iter().find(|s| !["nvd", "kev", "epss", "jvn"].contains(s)) {
            anyhow::bail!("--only: unknown feed {bad:?} (nvd, kev, epss, jvn)");
        }
        opts.nvd = only.contains(&"nvd");
        opts.kev = only.contains(&"kev");
        opts.epss = only.contains(&"epss");
        opts.jvn = only.contains(&"jvn");
        opts.nvd_api_key = self.nvd_api_key;
        for (url, slot) in [
            (self.nvd_url, &mut opts.nvd_url),
            (self.kev_url, &mut opts.kev_url),
            (self.epss_url, &mut opts.epss_url),
            (self.jvn_url, &mut opts.jvn_url),
        ] {
            if let Some(u) = url {
                *slot = u;
            }
        }
        let files = app.fetch_feeds(&opts, &Actor::cli(), |line| eprintln!("{line}")).await?;
        let failed = files.iter().filter(|f| matches!(f.outcome, FeedOutcome::Failed(_))).count();
        app.deliver_notifications().await?;
        eprintln!("{} files fetched, {failed} failed", files.len());
        Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
    }
}
