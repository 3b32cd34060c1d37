//! `mamoru readiness`: a facility's MHLW cybersecurity checklist (医療機関確認用), with the
//! answers Mamoru proposes from its records and the answers people saved. `mamoru checklist
//! show|answer`, the first names, stay as hidden aliases.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use mamoru_app::readiness::{ChecklistView, ItemView};
use mamoru_app::{App, Principal, today};
use mamoru_domain::Invalid;
use mamoru_domain::readiness::rules::Verdict;
use mamoru_domain::readiness::{AnswerInput, FiscalYear};
use serde_json::{Value, json};

use crate::commands::detect::ingest::facility;
use crate::commands::org::pick;
use crate::data::{DEFAULT_DIR, DataArgs};

/// MHLW's cybersecurity checklist (医療機関におけるサイバーセキュリティ対策チェックリスト), which
/// prefectural on-site inspections (立入検査) check: every item answered はい/いいえ with the
/// day it was confirmed, and for いいえ a target day within the fiscal year (April–March).
///
/// Mamoru proposes answers from its records (the register, vulnerability findings, accounts,
/// the contact chain, backup jobs); a saved answer always wins, and the proposal is shown
/// beside it.
#[derive(Debug, Subcommand)]
pub(crate) enum ReadinessCommand {
    #[command(alias = "show")]
    Report(Report),
    Answer(Answer),
    Training(training::Training),
    Roadmap(roadmap::Roadmap),
}

#[path = "readiness_roadmap.rs"]
mod roadmap;
#[path = "readiness_training.rs"]
mod training;

impl ReadinessCommand {
    pub(crate) async fn run(self, data: &DataArgs) -> anyhow::Result<ExitCode> {
        let app = data.open(DEFAULT_DIR).await?;
        let result = match self {
            ReadinessCommand::Report(c) => c.run(&app).await,
            ReadinessCommand::Answer(c) => c.run(&app).await,
            ReadinessCommand::Training(c) => c.run(&app).await,
            ReadinessCommand::Roadmap(c) => c.run(&app).await,
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

/// Which facility and fiscal year.
#[derive(Debug, Args)]
pub(crate) struct Which {
    /// The organisation (needed when there are several).
    #[arg(long, value_name = "NAME")]
    org: Option<String>,
    /// The facility, by name or id.
    #[arg(long, value_name = "NAME")]
    facility: String,
    /// The fiscal year by the year it starts in (2025 = 令和7年度, April 2025 to March 2026);
    /// default: the current one in Japan.
    #[arg(long, value_name = "YEAR")]
    fiscal_year: Option<i16>,
}

impl Which {
    async fn resolve(&self, app: &App) -> anyhow::Result<(Principal, mamoru_domain::FacilityId, FiscalYear)> {
        let p = Principal::cli(pick(app, self.org.as_deref()).await?);
        let f = facility(app, &p, "--facility", &self.facility).await?;
        let fy = match self.fiscal_year {
            Some(y) => FiscalYear::new(y).ok_or_else(|| anyhow::anyhow!("--fiscal-year: {y} is not a fiscal year"))?,
            None => FiscalYear::of(today()),
        };
        Ok((p, f, fy))
    }
}

/// Report the facility's checklist: every item with its answer, 確認日, 目標日, and the answer
/// Mamoru proposes with its reason and evidence.
///
/// JSON form: an object with facility, fiscal_year, fiscal_year_ja, as_of, edition (id, title,
/// fiscal_year, published) and items; each item has id, no, group, class, title, required,
/// required_from, answer (`はい`, `いいえ` or null when unanswered), confirmed, target, note,
/// answered_by, answered_at, proposed (always an object: answer — `はい`, `いいえ` or null
/// when undecided —, verdict, rule — null where no rule answers the item —, reason, attach)
/// and evidence (the records the proposal rests on).
#[derive(Debug, Args)]
pub(crate) struct Report {
    #[command(flatten)]
    which: Which,
    /// `table` for people, `json` for scripts.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Json,
}

impl Report {
    async fn run(self, app: &App) -> anyhow::Result<()> {
        let (p, f, fy) = self.which.resolve(app).await?;
        let view = app.checklist_view(&p, f, fy).await?;
        let mut out = std::io::stdout().lock();
        match self.format {
            Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&json_view(&view))?)?,
            Format::Table => table(&mut out, &view)?,
        }
        Ok(())
    }
}

/// Answer one item of the facility's sheet (a manager's declaration; recorded in the audit
/// log with the answer it replaces and Mamoru's proposal of the moment).
#[derive(Debug, Args)]
pub(crate) struct Answer {
    #[command(flatten)]
    which: Which,
    /// The item's id, as `readiness report` lists it (e.g. `ops.asset_ledger`).
    #[arg(long, value_name = "ID")]
    item: String,
    /// `はい` or `いいえ` (also yes/no, ○/×).
    #[arg(long, value_name = "ANSWER")]
    answer: String,
    /// 確認日: the day it was confirmed (2025-10-01, 令和7年10月1日); not in the future.
    #[arg(long, value_name = "DATE")]
    confirmed: String,
    /// 目標日, required for いいえ: within the fiscal year (for two-factor authentication, up
    /// to the end of 令和9年度).
    #[arg(long, value_name = "DATE", default_value = "")]
    target: String,
    /// What the answer rests on (a document and where it is kept).
    #[arg(long, value_name = "TEXT", default_value = "")]
    note: String,
}

impl Answer {
    async fn run(self, app: &App) -> anyhow::Result<()> {
        let (p, f, fy) = self.which.resolve(app).await?;
        let input =
            AnswerInput { answer: self.answer, confirmed_on: self.confirmed, target_on: self.target, note: self.note };
        let saved = app.answer_item(&p, f, fy, &self.item, &input).await?;
        eprintln!("{} {}: {} ({})", fy.label_ja(), self.item, saved.answer.reply.ja(), saved.answer.confirmed_on);
        Ok(())
    }
}

fn refused(problems: &[Invalid]) {
    for i in problems {
        let flag = match i.field {
            "answer" => "--answer",
            "confirmed_on" => "--confirmed",
            "target_on" => "--target",
            "note" => "--note",
            "item" => "--item",
            "fiscal_year" => "--fiscal-year",
            other => other,
        };
        eprintln!("{flag}: {}", i.problem);
    }
}

/// The reason given where no evidence rule answers an item.
const NO_RULE: &str = "この項目を記録から判定する規則はありません。確認して回答してください。";

fn proposed_answer(v: Verdict) -> Option<&'static str> {
    match v {
        Verdict::Unknown => None,
        v => Some(v.ja()),
    }
}

fn json_item(i: &ItemView) -> Value {
    let saved = i.saved.as_ref();
    json!({
        "id": i.item.id,
        "no": i.item.no,
        "group": i.item.group.ja(),
        "class": i.item.target.map(|t| t.ja()),
        "title": i.item.text,
        "required": i.required,
        "required_from": i.item.required_from.year(),
        "answer": i.answer().map(|r| r.ja()),
        "confirmed": saved.map(|s| s.answer.confirmed_on.to_string()),
        "target": saved.and_then(|s| s.answer.target_on).map(|d| d.to_string()),
        "note": saved.and_then(|s| s.answer.note.clone()),
        "answered_by": saved.map(|s| s.answered_by.clone()),
        "answered_at": saved.map(|s| s.answered_at.to_string()),
        "proposed": match &i.proposal {
            Some(p) => json!({
                "answer": proposed_answer(p.verdict),
                "verdict": p.verdict.code(),
                "rule": p.rule.code(),
                "reason": p.reason,
                "attach": p.attach,
            }),
            None => json!({
                "answer": null,
                "verdict": Verdict::Unknown.code(),
                "rule": null,
                "reason": NO_RULE,
                "attach": null,
            }),
        },
        "evidence": i.proposal.as_ref().map_or(Vec::new(), |p| p.evidence.clone()),
    })
}

fn json_view(v: &ChecklistView) -> Value {
    json!({
        "facility": v.facility.draft.name,
        "fiscal_year": v.fiscal_year.year(),
        "fiscal_year_ja": v.fiscal_year.label_ja(),
        "as_of": v.as_of.to_string(),
        "edition": {
            "id": v.edition.id(),
            "title": v.edition.title,
            "fiscal_year": v.edition.fiscal_year.year(),
            "published": v.edition.published.map(|d| d.to_string()),
        },
        "items": v.items.iter().map(json_item).collect::<Vec<_>>(),
    })
}

fn table(out: &mut impl Write, v: &ChecklistView) -> std::io::Result<()> {
    writeln!(out, "{} {} — {}（{}時点）", v.fiscal_year.label_ja(), v.facility.draft.name, v.edition.title, v.as_of)?;
    writeln!(out, "未回答 {}/{}", v.unanswered(), v.items.len())?;
    for i in &v.items {
        let saved = i.saved.as_ref();
        let answer = i.answer().map_or("未回答", |r| r.ja());
        let confirmed = saved.map_or(String::new(), |s| format!(" 確認日 {}", s.answer.confirmed_on));
        let target = saved.and_then(|s| s.answer.target_on).map_or(String::new(), |d| format!(" 目標日 {d}"));
        let class = i.item.target.map_or(String::new(), |t| format!("【{}】", t.ja()));
        let later = if i.required { "" } else { "（必須は翌年度以降）" };
        writeln!(out, "{} {:<6} {class}{}{later}", i.item.id, i.item.no.as_deref().unwrap_or("-"), i.item.text)?;
        writeln!(out, "    回答: {answer}{confirmed}{target}")?;
        match &i.proposal {
            Some(p) => writeln!(out, "    提案: {} — {}", p.verdict.ja(), p.reason)?,
            None => writeln!(out, "    提案: なし — {NO_RULE}")?,
        }
    }
    Ok(())
}
