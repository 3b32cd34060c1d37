//! Adding indicators and tasks to a case from the command line.

use clap::Args;
use mamoru_app::{App, Principal};
use mamoru_domain::CaseId;
use mamoru_domain::incident::{IocInput, TaskInput};

/// Note an indicator of compromise on a case.
///
/// Live detection (`mamoru serve --syslog/--watch`) searches every log for the indicators of
/// all cases from its next start; `mamoru cases iocs` lists them for `mamoru hunt --ioc`.
#[derive(Debug, Args)]
pub(super) struct Ioc {
    /// The case's number.
    id: i64,
    /// The indicator: an IP address or range, a domain, a URL, a file hash, a file name.
    value: String,
    /// ip, domain, url, hash, file, email or other; guessed from the value when not given.
    #[arg(long, value_name = "KIND", default_value = "")]
    kind: String,
    /// Where it was seen.
    #[arg(long, value_name = "TEXT", default_value = "")]
    note: String,
}

impl Ioc {
    pub(super) async fn run(self, app: &App, p: &Principal) -> anyhow::Result<()> {
        let input = IocInput { value: self.value, kind: self.kind, note: self.note };
        app.add_case_ioc(p, CaseId::new(self.id), &input).await?;
        Ok(())
    }
}

/// Add a task to a case.
#[derive(Debug, Args)]
pub(super) struct Task {
    /// The case's number.
    id: i64,
    /// What to do.
    title: String,
    /// Who does it.
    #[arg(long, value_name = "NAME", default_value = "")]
    owner: String,
    /// By when (a date: 2026-11-27, 2026/11/27, 令和8年11月27日).
    #[arg(long, value_name = "DATE", default_value = "")]
    due: String,
}

impl Task {
    pub(super) async fn run(self, app: &App, p: &Principal) -> anyhow::Result<()> {
        let input = TaskInput { title: self.title, owner: self.owner, due: self.due };
        let id = app.add_case_task(p, CaseId::new(self.id), &input).await?;
        println!("{id}");
        Ok(())
    }
}
