//! Live detection in `mamoru serve`: a syslog receiver and a watched folder feed the
//! detection engine, and detections are stored as the facility's alerts.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use mamoru_app::detect::hunt_options;
use mamoru_app::{App, Principal};
use mamoru_detect::{Detection, Level, LoadOptions, RuleSet};
use mamoru_domain::{FacilityId, OrgId};
use mamoru_receive::Received;
use mamoru_receive::folder::Watcher;
use mamoru_receive::syslog::Receiver;
use tokio::sync::mpsc;

use super::detect::{RuleArgs, ingest};
use super::org::pick;

/// Options of `serve` for logs that arrive while it runs.
#[derive(Debug, Args)]
pub(crate) struct LiveArgs {
    /// Receive syslog over UDP and TCP on this address (e.g. 0.0.0.0:5514; port 514 needs
    /// privileges). A facility's UTM or firewall can send its logs here directly.
    #[arg(long, value_name = "ADDR")]
    syslog: Option<String>,
    /// Watch this folder: text logs are followed as they grow, EVTX files read once.
    #[arg(long, value_name = "DIR")]
    watch: Option<PathBuf>,
    /// Sigma rule files or folders for live logs (needed with --syslog or --watch).
    #[arg(long = "detect-rules", value_name = "DIR")]
    rules: Vec<PathBuf>,
    /// IOC lists for live logs.
    #[arg(long = "detect-ioc", value_name = "FILE")]
    iocs: Vec<PathBuf>,
    /// Leave out rules below this level for live logs.
    #[arg(long = "detect-min-level", value_name = "LEVEL", default_value = "low")]
    min_level: Level,
    /// The facility live logs belong to (name or id).
    #[arg(long = "detect-facility", value_name = "NAME_OR_ID")]
    facility: Option<String>,
    /// Logs from this sender belong to another facility: IP=NAME_OR_ID (repeatable).
    #[arg(long = "syslog-source", value_name = "IP=FACILITY")]
    sources: Vec<String>,
    /// The organisation the alerts belong to (needed when there are several).
    #[arg(long = "detect-org", value_name = "NAME")]
    org: Option<String>,
}

/// Where live alerts go.
struct Routing {
    org: OrgId,
    default: FacilityId,
    by_sender: Vec<(IpAddr, FacilityId)>,
}

impl Routing {
    fn facility(&self, sender: Option<IpAddr>) -> FacilityId {
        sender.and_then(|ip| self.by_sender.iter().find(|(s, _)| *s == ip)).map_or(self.default, |(_, f)| *f)
    }
}

impl LiveArgs {
    fn wanted(&self) -> bool {
        self.syslog.is_some() || self.watch.is_some()
    }

    /// Starts the receivers; returns lines to print (where they listen), or nothing when
    /// live detection is off.
    pub(crate) async fn start(&self, app: &App, data_dir: Option<&std::path::Path>) -> anyhow::Result<Vec<String>> {
        if !self.wanted() {
            return Ok(Vec::new());
        }
        anyhow::ensure!(!self.rules.is_empty(), "--syslog and --watch need --detect-rules DIR");
        let facility = self.facility.as_deref().context("--syslog and --watch need --detect-facility NAME")?;
        let org = pick(app, self.org.as_deref()).await?;
        let p = Principal::system(org);
        let mut by_sender = Vec::new();
        for s in &self.sources {
            let (ip, name) = s.split_once('=').with_context(|| format!("--syslog-source {s}: write IP=FACILITY"))?;
            let ip: IpAddr =
                ip.trim().parse().with_context(|| format!("--syslog-source {s}: {ip} is not an IP address"))?;
            by_sender.push((ip, ingest::facility(app, &p, "--syslog-source", name).await?));
        }
        let default = ingest::facility(app, &p, "--detect-facility", facility).await?;
        let routing = Routing { org, default, by_sender };

        let args = RuleArgs {
            rules: self.rules.clone(),
            min_level: self.min_level,
            skip_status: LoadOptions::default().skip_status,
            tags: Vec::new(),
            exclude_tags: Vec::new(),
            mapping: None,
            iocs: self.iocs.clone(),
            ioc_level: Level::High,
        };
        let (mut rules, report) = tokio::task::spawn_blocking(move || args.load()).await??;
        anyhow::ensure!(!rules.is_empty(), "no rule could be loaded for live detection");
        let mut lines =
            vec![format!("live detection: {} rules loaded ({} could not be)", report.loaded, report.failed.len())];
        // What people noted on incident cases is searched for in every log from now on (read
        // at start: indicators noted later join at the next restart).
        let (noted, _) = mamoru_detect::ioc::IocSet::parse(&app.case_ioc_list(&p).await?);
        if !noted.is_empty() {
            lines.push(format!("{} indicators from incident cases", noted.len()));
            rules.add_iocs("incident cases", Level::High, mamoru_detect::ioc::IocSet::new(noted));
        }

        let (tx, rx) = mpsc::channel::<Received>(256);
        let options = hunt_options().syslog;
        if let Some(addr) = &self.syslog {
            let addr: SocketAddr = addr.parse().with_context(|| format!("--syslog {addr}: write HOST:PORT"))?;
            let receiver = Receiver::bind(addr).await?;
            lines.push(format!("syslog on udp and tcp {}", receiver.local_addr()?));
            tokio::spawn(receiver.run(options.clone(), tx.clone()));
        }
        if let Some(dir) = &self.watch {
            anyhow::ensure!(dir.is_dir(), "--watch {}: no such folder", dir.display());
            // The state file keeps what was read across restarts, beside the database.
            let state = data_dir.map(|d| d.join("watch.state"));
            lines.push(format!("watching {}", dir.display()));
            tokio::spawn(Watcher::new(dir.clone(), options, state).run(Duration::from_secs(5), tx.clone()));
        }
        drop(tx);
        tokio::spawn(consume(app.clone(), Arc::new(rules), routing, rx));
        Ok(lines)
    }
}

/// Evaluates each batch off the async threads, then stores its detections as alerts.
async fn consume(app: App, rules: Arc<RuleSet>, routing: Routing, mut rx: mpsc::Receiver<Received>) {
    let p = Principal::system(routing.org);
    while let Some(batch) = rx.recv().await {
        let facility = routing.facility(batch.sender);
        let set = rules.clone();
        let detections = match tokio::task::spawn_blocking(move || detect(&set, batch)).await {
            Ok(d) => d,
            Err(e) => {
                tracing::error!(error = %e, "live detection failed on a batch");
                continue;
            }
        };
        if detections.is_empty() {
            continue;
        }
        match app.ingest_detections(&p, facility, &rules, &detections).await {
            Ok(summary) if !summary.created.is_empty() => {
                // A new alert is told at once, not at the next minute's round.
                if let Err(e) = app.deliver_notifications().await {
                    tracing::warn!(error = %e, "alert messages could not be delivered now; retried every minute");
                }
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "live detections could not be stored"),
        }
    }
}

fn detect(rules: &RuleSet, batch: Received) -> Vec<Detection> {
    let origin: Arc<str> = batch.origin.into();
    let mut out = rules.detect_all(&batch.events);
    for d in &mut out {
        d.origin = Some(origin.clone());
    }
    out
}
