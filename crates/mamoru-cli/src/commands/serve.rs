//! `mamoru serve`.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, ValueEnum};
use mamoru_app::App;
use mamoru_app::backup::BackupSettings;
use mamoru_server::{AppState, ServerConfig};

use crate::data::{DEFAULT_DIR, DataArgs};

/// Serve the web UI and the REST API, and optionally detect on live logs.
///
/// Prints `listening on http://ADDR/` on stdout once the port is bound (with `--listen
/// 127.0.0.1:0` the system picks a free port). Stops cleanly on Ctrl-C or SIGTERM.
///
/// With `--syslog ADDR` and/or `--watch DIR` (and `--detect-rules DIR --detect-facility
/// NAME`), logs that arrive are run through the Sigma rules and stored as alerts; the lines
/// after the address say where syslog is received (`syslog on udp and tcp ADDR`).
#[derive(Debug, Args)]
pub(crate) struct Serve {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    listen: String,
    /// Mark cookies Secure: `auto` does so unless listening on a loopback address; use
    /// `always` behind an HTTPS proxy, `never` only for plain HTTP inside a trusted LAN.
    #[arg(long, value_enum, default_value_t = CookieSecure::Auto)]
    cookie_secure: CookieSecure,
    /// Largest register file accepted for import, in MiB.
    #[arg(long, default_value_t = 10, value_name = "MIB")]
    max_upload_mib: usize,
    #[command(flatten)]
    live: super::live::LiveArgs,
}

/// When cookies are marked Secure.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum CookieSecure {
    Auto,
    Always,
    Never,
}

impl Serve {
    pub(crate) async fn run(self, data: &DataArgs) -> anyhow::Result<ExitCode> {
        let app = data.open(DEFAULT_DIR).await?;
        let listener = bind(&self.listen).await?;
        let config = server_config(&listener, self.cookie_secure, self.max_upload_mib)?;
        // The watched folder's state file lives beside the SQLite database, if there is one.
        let dir = match (&data.data_dir, &data.database_url) {
            (_, Some(_)) => None,
            (Some(d), None) => Some(d.clone()),
            (None, None) => Some(std::path::PathBuf::from(DEFAULT_DIR)),
        };
        let live = self.live.start(&app, dir.as_deref()).await?;
        // Scheduled runs and runs started from a page share the ransomware guard's manifests.
        // Restore tests restore into the data directory's disk, not /tmp (often a small tmpfs).
        let work = dir.clone().unwrap_or_else(|| std::path::PathBuf::from(DEFAULT_DIR));
        let backup = BackupSettings {
            state_dir: Some(work.join("backup-state")),
            scratch_dir: Some(work.join("backup-scratch")),
        };
        tokio::spawn(run_due_backups(app.clone(), backup.clone()));
        serve_with(app, listener, config, (!live.is_empty()).then(|| live.join("\n")), backup).await
    }
}

/// Binds the address, with a message that says what to do when the port is taken.
pub(crate) async fn bind(addr: &str) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr).await.with_context(|| {
        format!("cannot listen on {addr} (is another program using the port? choose another with --listen)")
    })
}

pub(crate) fn server_config(
    listener: &tokio::net::TcpListener,
    secure: CookieSecure,
    max_mib: usize,
) -> anyhow::Result<ServerConfig> {
    let addr = listener.local_addr()?;
    let secure_cookies = match secure {
        CookieSecure::Always => true,
        CookieSecure::Never => false,
        CookieSecure::Auto => !addr.ip().is_loopback(),
    };
    match (secure_cookies, addr.ip().is_loopback()) {
        (false, false) => {
            tracing::warn!("cookies are not marked Secure on a non-loopback address: put an HTTPS proxy in front")
        }
        (true, false) => tracing::warn!(
            "cookies are marked Secure, so browsers keep them only over HTTPS: serve behind an HTTPS proxy, \
             or pass --cookie-secure never for plain HTTP inside a trusted network"
        ),
        _ => {}
    }
    Ok(ServerConfig { secure_cookies, max_upload: max_mib.max(1) * 1024 * 1024 })
}

/// Serves until Ctrl-C or SIGTERM; `banner` is printed after the address line. Backups started
/// from a page run without the ransomware guard (the demo's jobs are never run).
pub(crate) async fn serve(
    app: App,
    listener: tokio::net::TcpListener,
    config: ServerConfig,
    banner: Option<String>,
) -> anyhow::Result<ExitCode> {
    serve_with(app, listener, config, banner, BackupSettings::default()).await
}

/// [`serve`], with the settings of backups started from a page.
async fn serve_with(
    app: App,
    listener: tokio::net::TcpListener,
    config: ServerConfig,
    banner: Option<String>,
    backup: BackupSettings,
) -> anyhow::Result<ExitCode> {
    let addr: SocketAddr = listener.local_addr()?;
    let state = AppState::new(app.clone(), config).with_backup(backup);
    tokio::spawn(housekeeping(app.clone()));
    tokio::spawn(deliver_alerts(app));
    println!("listening on http://{addr}/");
    if let Some(b) = banner {
        println!("{b}");
    }
    mamoru_server::serve(listener, state, shutdown()).await.context("the server stopped with an error")?;
    Ok(ExitCode::SUCCESS)
}

/// Removes ended sessions every hour.
async fn housekeeping(app: App) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        tick.tick().await;
        let now = jiff::Timestamp::now();
        let idle_since = now - app.config().session_idle;
        if let Err(e) = app.store().purge_sessions(now, idle_since).await {
            tracing::warn!(error = %e, "could not purge ended sessions");
        }
    }
}

/// Runs the backup jobs whose time has come, and checks for overdue restore tests, every
/// minute (the demo has no such loop: its jobs are not to touch the machine's files).
async fn run_due_backups(app: App, settings: BackupSettings) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    // A backup may take longer than a minute; the next pass starts a minute after it ends.
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match app.run_due_backups(jiff::Timestamp::now(), &settings).await {
            Ok(due) if !due.errors.is_empty() => tracing::warn!(errors = ?due.errors, "some backup jobs could not run"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not run the due backup jobs"),
        }
    }
}

/// Posts pending alerts every minute; a failed post is retried on the next round.
async fn deliver_alerts(app: App) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        match app.deliver_notifications().await {
            Ok(d) if d.failed > 0 => {
                tracing::warn!(sent = d.sent, failed = d.failed, "some alerts could not be posted")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not deliver alerts"),
        }
    }
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
