//! `mamoru cases`: incident cases from the command line — list, show, open, note, add tasks and indicators, store
//! evidence, draft the reports, export a closed case anonymized, and gather the indicators.

mod add;
mod show;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::builder::PossibleValuesParser;
use clap::{Args, Subcommand, ValueEnum};
use mamoru_app::incident::DOCUMENTS;
use mamoru_app::{App, Principal};
use mamoru_domain::incident::{CaseInput, CaseSource, EntryInput};
use mamoru_domain::{AlertId, CaseId, Invalid};
use mamoru_store::CaseQuery;

use crate::commands::detect::ingest::facility;
use crate::commands::org::pick;
use crate::data::{DEFAULT_DIR, DataArgs};
use crate::output::say;

/// Incident cases (インシデント事案): the timeline, evidence, APPI deadlines and reports.
///
/// Times are typed in Japan time (`2026-11-20 10:00`, `2026-11-20T10:00`) or with an offset
/// (`2026-11-20T10:00+09:00`, `…Z`), and shown in Japan time.
#[derive(Debug, Args)]
pub(crate) struct Cases {
    /// The organisation (needed when there are several).
    #[arg(long, value_name = "NAME", global = true)]
    org: Option<String>,
    #[command(subcommand)]
    command: CasesCommand,
}

#[derive(Debug, Subcommand)]
enum CasesCommand {
    List(List),
    Show(Show),
    Open(Open),
    Note(Note),
    Task(add::Task),
    Ioc(add::Ioc),
    Status(Status),
    Evidence(EvidenceCmd),
    Document(Document),
    Export(Export),
    Iocs(Iocs),
}

impl Cases {
    pub(crate) async fn run(self, data: &DataArgs) -> anyhow::Result<ExitCode> {
        let app = data.open(DEFAULT_DIR).await?;
        let p = Principal::cli(pick(&app, self.org.as_deref()).await?);
        let result = match self.command {
            CasesCommand::List(c) => c.run(&app, &p).await,
            CasesCommand::Show(c) => c.run(&app, &p).await,
            CasesCommand::Open(c) => c.run(&app, &p).await,
            CasesCommand::Note(c) => c.run(&app, &p).await,
            CasesCommand::Task(c) => c.run(&app, &p).await,
            CasesCommand::Ioc(c) => c.run(&app, &p).await,
            CasesCommand::Status(c) => c.run(&app, &p).await,
            CasesCommand::Evidence(c) => c.run(&app, &p).await,
            CasesCommand::Document(c) => c.run(&app, &p).await,
            CasesCommand::Export(c) => c.run(&app, &p).await,
            CasesCommand::Iocs(c) => c.run(&app, &p).await,
        };
        match result {
            Ok(()) => Ok(ExitCode::SUCCESS),
            Err(e) => match e.downcast::<mamoru_app::Error>() {
                Ok(mamoru_app::Error::Invalid(problems)) => {
                    refused(&problems);
                    Ok(ExitCode::from(1))
                }
                Ok(other) => Err(other.into()),
                Err(e) => Err(e),
            },
        }
    }
}

/// Prints each problem with the flag or argument that carries the field.
fn refused(problems: &[Invalid]) {
    for i in problems {
        let flag = match i.field {
            "title" => "--title",
            "facility" => "--facility",
            "severity" => "--severity",
            "summary" => "--summary",
            "occurred_at" => "--occurred",
            "aware_at" => "--aware",
            "at" => "--at",
            "kind" => "--kind",
            "note" => "--note",
            "stage" => "--stage",
            "text" => "TEXT",
            "file" => "FILE",
            other => other,
        };
        eprintln!("{flag}: {}", i.problem);
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ListFormat {
    Table,
    Json,
}

/// List cases, most recently changed first.
///
/// JSON form: a list of objects with id, title, facility, facility_id, severity, status,
/// source, source_id, occurred_at, aware_at (RFC 3339, UTC), opened_by, created_at,
/// updated_at, closed_at.
#[derive(Debug, Args)]
struct List {
    /// Only cases not closed.
    #[arg(long)]
    open: bool,
    /// `table` for people, `json` for scripts.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    format: ListFormat,
}

impl List {
    async fn run(self, app: &App, p: &Principal) -> anyhow::Result<()> {
        let cases = app.cases(p, CaseQuery { open_only: self.open, ..Default::default() }).await?;
        let mut out = std::io::stdout().lock();
        match self.format {
            ListFormat::Json => {
                let list: Vec<_> = cases.iter().map(show::summary_json).collect();
                writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
            }
            ListFormat::Table => {
                writeln!(
                    out,
                    "{:>5} {:<9} {:<17} {:<17} {:<20} title",
                    "id", "severity", "status", "aware (JST)", "facility"
                )?;
                for c in &cases {
                    writeln!(
                        out,
                        "{:>5} {:<9} {:<17} {:<17} {:<20} {}",
                        c.id,
                        c.severity.code(),
                        c.status.code(),
                        show::jst(c.aware_at),
                        c.facility_name,
                        c.title
                    )?;
                }
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ShowFormat {
    Text,
    Json,
}

/// Show a case with its APPI deadlines and timeline.
///
/// Text: the details, the APPI duty and deadlines, the timeline (Japan time), tasks,
/// indicators, evidence and report facts.
///
/// JSON form: the keys of `list`, plus summary, fields (report facts by key), timeline [{at,
/// written_at, author, kind, text, reference}], tasks, scope, iocs, evidence [{id, name,
/// media_type, size, sha256, …}] and appi {regime, decision {reportable, must_report,
/// categories, reasons [{code, text}], notify_individuals, reporter} or null, deadlines
/// {aware_on, preliminary_target, preliminary_limit, final_due, final_days, rules [{code,
/// text}]}, reminders [{deadline, due, days_left, state}], preliminary_filed, final_filed}.
#[derive(Debug, Args)]
struct Show {
    /// The case's number.
    id: i64,
    /// `text` for people, `json` for scripts.
    #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
    format: ShowFormat,
}

impl Show {
    async fn run(self, app: &App, p: &Principal) -> anyhow::Result<()> {
        let id = CaseId::new(self.id);
        let view = app.case_view(p, id).await?;
        let appi = app.case_appi(p, id).await?;
        let mut out = std::io::stdout().lock();
        match self.format {
            ShowFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&show::case_json(&view, &appi))?)?,
            ShowFormat::Text => write!(out, "{}", show::case_text(&view, &appi))?,
        }
        Ok(())
    }
}

/// Open a case and print its number.
///
/// `--aware` is when any part of the organisation became aware: the APPI report deadlines
/// count from that day. It may not be before `--occurred` or in the future.
#[derive(Debug, Args)]
struct Open {
    /// The facility mainly affected: its name or id.
    #[arg(long, value_name = "NAME")]
    facility: String,
    /// A short title, e.g. 電子カルテサーバのランサムウェア感染.
    #[arg(long, value_name = "TEXT")]
    title: String,
    /// When the organisation became aware (Japan time, or with an offset).
    #[arg(long, value_name = "TIME")]
    aware: String,
    /// When it happened, if known.
    #[arg(long, value_name = "TIME", default_value = "")]
    occurred: String,
    /// low, medium, high or critical (or 低, 中, 高, 重大).
    #[arg(long, value_name = "LEVEL", default_value = "high")]
    severity: String,
    /// What is known so far.
    #[arg(long, value_name = "TEXT", default_value = "")]
    summary: String,
    /// Open it from this detection alert (the alert's number).
    #[arg(long, value_name = "ID")]
    alert: Option<i64>,
}

impl Open {
    async fn run(self, app: &App, p: &Principal) -> anyhow::Result<()> {
        let facility = facility(app, p, "--facility", &self.facility).await?;
        let input = CaseInput {
            title: self.title,
            facility: Some(facility),
            severity: self.severity,
            summary: self.summary,
            occurred_at: self.occurred,
            aware_at: self.aware,
        };
        let source = self.alert.map_or(CaseSource::Manual, |a| CaseSource::Alert(AlertId::new(a)));
        let id = match app.open_case(p, &input, source).await {
            Err(mamoru_app::Error::NotFound("alert")) => {
                anyhow::bail!("--alert: no alert {}", self.alert.unwrap_or_default())
            }
            other => other?,
        };
        println!("{id}");
        eprintln!("{} #{id}", say("事案を登録しました", "opened case"));
        Ok(())
    }
}

/// Add an entry to a case's timeline (back-dated with --at).
#[derive(Debug, Args)]
struct Note {
    /// The case's number.
    id: i64,
    /// What happened or was done.
    text: String,
    /// When (Japan time); now when not given. Never in the future.
    #[arg(long, value_name = "TIME", default_value = "")]
    at: String,
    /// event, action (the default), contact, evidence, task, report or record.
    #[arg(long, value_name = "KIND", default_value = "")]
    kind: String,
}

impl Note {
    async fn run(self, app: &App, p: &Principal) -> anyhow::Result<()> {
        let input = EntryInput { at: self.at, kind: self.kind, text: self.text };
        app.add_case_entry(p, CaseId::new(self.id), &input).await?;
        Ok(())
    }
}

/// Move a case to another stage.
///
/// Stages: initial_response, containment, eradication, recovery, closed.
#[derive(Debug, Args)]
struct Status {
    /// The case's number.
    id: i64,
    /// The new stage (or its Japanese name: 初動対応, 封じ込め, 根絶, 復旧, 終結).
    status: String,
    /// Why, for the timeline.
    #[arg(long, value_name = "TEXT", default_value = "")]
    note: String,
}

impl Status {
    async fn run(self, app: &App, p: &Principal) -> anyhow::Result<()> {
        app.set_case_status(p, CaseId::new(self.id), &self.status, &self.note).await?;
        Ok(())
    }
}

/// Store files as evidence of a case and print the SHA-256 of each.
///
/// The output has the form of `sha256sum`'s. Files are 25 MiB at most; the digest is checked
/// again whenever the file is read, and every read is recorded in its chain of custody.
#[derive(Debug, Args)]
struct EvidenceCmd {
    /// The case's number.
    id: i64,
    /// The files.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
    /// Where they come from, for the chain of custody.
    #[arg(long, value_name = "TEXT", default_value = "")]
    note: String,
}

impl EvidenceCmd {
    async fn run(self, app: &App, p: &Principal) -> anyhow::Result<()> {
        let id = CaseId::new(self.id);
        for path in &self.files {
            let content = std::fs::read(path).with_context(|| format!("FILE: cannot read {}", path.display()))?;
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let ev = match app.add_evidence(p, id, &name, media_type(path), content, &self.note).await {
                Ok(ev) => ev,
                // Name the file; the problems are already told, so refuse with none left.
                Err(mamoru_app::Error::Invalid(list)) => {
                    for i in list {
                        let flag =
                            if i.field == "file" { path.display().to_string() } else { format!("--{}", i.field) };
                        eprintln!("{flag}: {}", i.problem);
                    }
                    return Err(mamoru_app::Error::Invalid(Vec::new()).into());
                }
                Err(e) => return Err(e.into()),
            };
            println!("{}  {}", ev.sha256, path.display());
        }
        Ok(())
    }
}

/// The media type of an evidence file, from its name.
fn media_type(path: &Path) -> &'static str {
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "txt" | "log" => "text/plain",
        "csv" => "text/csv",
        "json" | "jsonl" => "application/json",
        "html" | "htm" => "text/html",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "eml" => "message/rfc822",
        _ => "application/octet-stream",
    }
}

/// Draft a report or notice from a case, as text or PDF.
///
/// Kinds: ppc_report (個人情報保護委員会への漏えい等報告), mhlw_report (厚生労働省への報告),
/// patient_notice (本人通知), public_notice (公表文), case_summary (経営層・保険会社向け).
/// The document is drafted from the case as it is now; a PDF when -o names a .pdf file, else
/// text (to stdout without -o).
#[derive(Debug, Args)]
struct Document {
    /// The case's number.
    id: i64,
    /// The kind of document.
    #[arg(value_name = "KIND", value_parser = PossibleValuesParser::new(DOCUMENTS.iter().map(|d| d.code)))]
    kind: String,
    /// For ppc_report: the preliminary report (速報), the final one (確報), or one serving as
    /// both; by default the preliminary report until one is filed, then the final one.
    #[arg(long, value_name = "STAGE", value_parser = ["preliminary", "final", "both"])]
    stage: Option<String>,
    /// Write to this file (PDF when it ends in .pdf) instead of printing the text.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

impl Document {
    async fn run(self, app: &App, p: &Principal) -> anyhow::Result<()> {
        let id = CaseId::new(self.id);
        let stage = self.stage.as_deref();
        let pdf = self.output.as_ref().and_then(|o| o.extension()).is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
        match (&self.output, pdf) {
            (Some(path), true) => {
                let (_, bytes) = app.case_document_pdf(p, id, &self.kind, stage).await?;
                std::fs::write(path, bytes).with_context(|| format!("-o: cannot write {}", path.display()))?;
                eprintln!("{} {}", say("書き出しました:", "wrote"), path.display());
            }
            (Some(path), false) => {
                let text = app.case_document(p, id, &self.kind, stage).await?.to_text();
                std::fs::write(path, text).with_context(|| format!("-o: cannot write {}", path.display()))?;
                eprintln!("{} {}", say("書き出しました:", "wrote"), path.display());
            }
            (None, _) => print!("{}", app.case_document(p, id, &self.kind, stage).await?.to_text()),
        }
        Ok(())
    }
}

/// Print a closed case anonymized as JSON, to share with an ISAC or use in training.
///
/// Kept: facility kind, size band and region, days from awareness to each stage, the first-hour steps, the
/// breach-report categories, shareable indicators, and the cause and prevention with
/// addresses and names removed. Read it before sharing: software cannot promise a name is not
/// in free text.
#[derive(Debug, Args)]
struct Export {
    /// The case's number.
    id: i64,
}

impl Export {
    async fn run(self, app: &App, p: &Principal) -> anyhow::Result<()> {
        let v = app.case_anonymized(p, CaseId::new(self.id)).await?;
        println!("{}", serde_json::to_string_pretty(&v)?);
        Ok(())
    }
}

/// Print every indicator noted on cases, one per line.
///
/// The output is an indicator list for `mamoru hunt --ioc FILE` or `mamoru serve --detect-ioc
/// FILE`.
#[derive(Debug, Args)]
struct Iocs {}

impl Iocs {
    async fn run(self, app: &App, p: &Principal) -> anyhow::Result<()> {
        print!("{}", app.case_ioc_list(p).await?);
        Ok(())
    }
}
