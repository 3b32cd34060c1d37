//! `mamoru readiness roadmap`: the controls a facility still lacks, ordered into fiscal years
//! (a いいえ's 目標日, an item required from a later year such as two-factor authentication in
//! FY2027, overdue first), with its last approval. Read only: approvals are recorded on the web
//! page.

use std::io::Write;

use clap::Args;
use jiff::Timestamp;
use mamoru_app::readiness::roadmap::Roadmap as Plan;
use mamoru_app::{App, Principal};
use serde_json::{Value, json};

use super::Format;
use crate::commands::detect::ingest::facility;
use crate::commands::org::pick;

/// Show the facility's roadmap: what it lacks (checklist items unanswered or answered いいえ,
/// a rule's いいえ behind a はい, inspection points with gaps) by fiscal year, and who
/// approved the plan.
///
/// JSON form: an object with facility, as_of, fiscal_year, approved (null, or approved_by,
/// approved_on, note, changed_since) and years; each year has fiscal_year, fiscal_year_ja and
/// steps (key, no, title, origin — unanswered, no, evidence, inspection_point —, required_from,
/// target, overdue, why, detail).
#[derive(Debug, Args)]
pub(crate) struct Roadmap {
    /// The organisation (needed when there are several).
    #[arg(long, value_name = "NAME")]
    org: Option<String>,
    /// The facility, by name or id.
    #[arg(long, value_name = "NAME")]
    facility: String,
    /// `table` for people, `json` for scripts.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

impl Roadmap {
    pub(super) async fn run(self, app: &App) -> anyhow::Result<()> {
        let p = Principal::cli(pick(app, self.org.as_deref()).await?);
        let f = facility(app, &p, "--facility", &self.facility).await?;
        let plan = app.roadmap(&p, f, Timestamp::now()).await?;
        let mut out = std::io::stdout().lock();
        match self.format {
            Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&json_plan(&plan))?)?,
            Format::Table => table(&mut out, &plan)?,
        }
        Ok(())
    }
}

fn json_plan(plan: &Plan) -> Value {
    let approved = plan.approvals.first().map(|a| {
        json!({
            "approved_by": a.approved_by,
            "approved_on": a.approved_on.to_string(),
            "note": a.note,
            "changed_since": plan.changed_since_approval(),
        })
    });
    let years: Vec<Value> = plan
        .years
        .iter()
        .map(|y| {
            let steps: Vec<Value> = y
                .steps
                .iter()
                .map(|s| {
                    json!({
                        "key": s.gap.key,
                        "no": s.gap.no,
                        "title": s.gap.title,
                        "origin": s.gap.origin.code(),
                        "required_from": s.gap.required_from.year(),
                        "target": s.gap.target.map(|d| d.to_string()),
                        "overdue": s.overdue,
                        "why": s.why,
                        "detail": s.gap.detail,
                    })
                })
                .collect();
            json!({"fiscal_year": y.fiscal_year.year(), "fiscal_year_ja": y.fiscal_year.label_ja(), "steps": steps})
        })
        .collect();
    json!({
        "facility": plan.facility.draft.name,
        "as_of": plan.as_of.to_string(),
        "fiscal_year": plan.fiscal_year.year(),
        "approved": approved,
        "years": years,
    })
}

fn table(out: &mut impl Write, plan: &Plan) -> std::io::Result<()> {
    writeln!(out, "{} 対策ロードマップ（{}時点、{}件）", plan.facility.draft.name, plan.as_of, plan.steps())?;
    match plan.approvals.first() {
        Some(a) => writeln!(
            out,
            "承認: {}（{}）{}",
            a.approved_by,
            a.approved_on,
            if plan.changed_since_approval() { " ※承認後に計画が変わりました" } else { "" }
        )?,
        None => writeln!(out, "承認: 未承認")?,
    }
    for y in &plan.years {
        writeln!(out, "{}（{}）", y.fiscal_year.label_ja(), y.fiscal_year)?;
        for s in &y.steps {
            let mark = if s.overdue { "!" } else { "-" };
            let no = s.gap.no.as_deref().unwrap_or("");
            writeln!(out, "  {mark} {no} [{}] {} — {}", s.gap.origin.label_ja(), s.gap.title, s.why)?;
        }
    }
    Ok(())
}
