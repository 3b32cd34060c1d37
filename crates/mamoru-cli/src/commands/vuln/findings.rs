//! `mamoru vuln findings|decide|policy|status`.

use std::process::ExitCode;

use clap::Args;
use mamoru_app::vuln::{DecisionInput, FindingReport};
use mamoru_app::{App, Principal};
use mamoru_domain::{FindingId, FindingStatus, Policy};
use mamoru_store::FindingQuery;

use super::{Format, table};
use crate::commands::org::pick;

#[derive(Debug, Args)]
pub(crate) struct Findings {
    /// The organisation (needed when there are several).
    #[arg(long, value_name = "NAME")]
    org: Option<String>,
    /// Only these states, comma-separated: open, fixed, mitigated, accepted, rejected, or
    /// `all`.
    #[arg(long, value_name = "LIST", default_value = "open")]
    status: String,
    /// Only known-exploited (CISA KEV) findings.
    #[arg(long)]
    kev: bool,
    /// Only this facility.
    #[arg(long, value_name = "NAME")]
    facility: Option<String>,
    /// `table` for people; `json` (each finding with asset, cve, kev, epss, cvss, priority,
    /// due, why and more) or `csv` for scripts and Excel.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

impl Findings {
    pub(crate) async fn run(self, app: &App) -> anyhow::Result<ExitCode> {
        let p = Principal::cli(pick(app, self.org.as_deref()).await?);
        let statuses = if self.status.trim() == "all" {
            Vec::new()
        } else {
            self.status
                .split(',')
                .map(|s| FindingStatus::parse(s).map_err(|e| anyhow::anyhow!("--status {s:?}: {e}")))
                .collect::<anyhow::Result<_>>()?
        };
        let facility = match &self.facility {
            Some(name) => Some(
                app.facilities(&p)
                    .await?
                    .into_iter()
                    .find(|f| &f.draft.name == name)
                    .map(|f| f.id)
                    .ok_or_else(|| anyhow::anyhow!("--facility: no facility named {name:?}"))?,
            ),
            None => None,
        };
        let query = FindingQuery { statuses, kev_only: self.kev, facility, ..Default::default() };
        let reports: Vec<FindingReport> = app.findings(&p, query).await?.iter().map(FindingReport::of).collect();
        table::print(&reports, self.format)?;
        Ok(ExitCode::SUCCESS)
    }
}

#[derive(Debug, Args)]
pub(crate) struct Decide {
    /// The finding's id (the `id` key of `findings --format json`).
    id: i64,
    /// open (a person confirmed the match, or it is open again), mitigated, accepted or
    /// rejected (not applicable: the match is wrong).
    #[arg(long)]
    status: String,
    /// Why (required unless re-opening).
    #[arg(long, default_value = "")]
    reason: String,
    /// Until when an acceptance holds (YYYY-MM-DD).
    #[arg(long, default_value = "")]
    expires: String,
    /// The organisation (needed when there are several).
    #[arg(long, value_name = "NAME")]
    org: Option<String>,
}

impl Decide {
    pub(crate) async fn run(self, app: &App) -> anyhow::Result<ExitCode> {
        let p = Principal::cli(pick(app, self.org.as_deref()).await?);
        let input = DecisionInput { status: self.status, reason: self.reason, expires: self.expires };
        match app.decide_finding(&p, FindingId::new(self.id), &input, mamoru_app::today()).await {
            Ok(()) => Ok(ExitCode::SUCCESS),
            Err(mamoru_app::Error::Invalid(problems)) => {
                for e in problems {
                    eprintln!("--{}: {}", e.field, e.problem);
                }
                Ok(ExitCode::from(1))
            }
            Err(e) => Err(e.into()),
        }
    }
}

#[derive(Debug, Args)]
pub(crate) struct PolicyArgs {
    /// Days to deal with priority 1..5 findings, comma-separated (e.g. 3,14,30,90,180).
    #[arg(long, value_name = "LIST")]
    due_days: Option<String>,
    /// EPSS probability from which exploitation counts as likely (0–1).
    #[arg(long)]
    epss_likely: Option<f32>,
    /// CVSS score from which a flaw counts as severe (0–10).
    #[arg(long)]
    cvss_severe: Option<f32>,
    /// The organisation (needed when there are several).
    #[arg(long, value_name = "NAME")]
    org: Option<String>,
}

impl PolicyArgs {
    pub(crate) async fn run(self, app: &App) -> anyhow::Result<ExitCode> {
        let p = Principal::cli(pick(app, self.org.as_deref()).await?);
        let mut policy = app.vuln_policy(&p).await?;
        let changing = self.due_days.is_some() || self.epss_likely.is_some() || self.cvss_severe.is_some();
        if let Some(list) = &self.due_days {
            let days: Vec<u16> = list
                .split(',')
                .map(|d| d.trim().parse().map_err(|_| anyhow::anyhow!("--due-days: {d:?} is not a number of days")))
                .collect::<anyhow::Result<_>>()?;
            policy.due_days =
                days.try_into().map_err(|_| anyhow::anyhow!("--due-days needs five numbers, for priorities 1 to 5"))?;
        }
        policy.epss_likely = self.epss_likely.unwrap_or(policy.epss_likely);
        policy.cvss_severe = self.cvss_severe.unwrap_or(policy.cvss_severe);
        if changing {
            match app.set_vuln_policy(&p, policy).await {
                Ok(()) => {}
                Err(mamoru_app::Error::Invalid(problems)) => {
                    for e in problems {
                        eprintln!("{}: {}", e.field, e.problem);
                    }
                    return Ok(ExitCode::from(1));
                }
                Err(e) => return Err(e.into()),
            }
        }
        print_policy(&policy);
        Ok(ExitCode::SUCCESS)
    }
}

fn print_policy(p: &Policy) {
    let days: Vec<String> = p.due_days.iter().map(u16::to_string).collect();
    println!("due_days (priority 1..5): {}", days.join(","));
    println!("epss_likely: {}", p.epss_likely);
    println!("cvss_severe: {}", p.cvss_severe);
}

#[derive(Debug, Args)]
pub(crate) struct Status {}

impl Status {
    pub(crate) async fn run(self, app: &App) -> anyhow::Result<ExitCode> {
        let s = app.feed_status().await?;
        for (source, n) in &s.advisories {
            println!("advisories ({source}): {n}");
        }
        println!("kev: {}", s.kev);
        println!("epss: {} (scores of {})", s.epss, s.epss_date.as_deref().unwrap_or("-"));
        println!("last import: {}", s.last_import.as_deref().unwrap_or("never"));
        Ok(ExitCode::SUCCESS)
    }
}
