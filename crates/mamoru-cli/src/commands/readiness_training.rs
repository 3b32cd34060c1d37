//! `mamoru readiness training`: a facility's security manager (医療情報システム安全管理責任者),
//! training sessions, who is overdue for the fiscal year, and the requirements that apply by
//! facility kind and beds with their source. Read only: sessions are recorded on the web page.

use std::io::Write;

use clap::Args;
use mamoru_app::App;
use mamoru_app::readiness::training::TrainingStatus;
use mamoru_store::ManagerPerson;
use serde_json::{Value, json};

use super::{Format, Which};

/// Show the facility's security manager, training sessions, who is overdue (no training in the
/// fiscal year nor the last 12 months) and the requirements that apply with their source
/// (hospitals of 200 beds or more: a dedicated manager and yearly training).
///
/// JSON form: an object with facility, fiscal_year, as_of, manager (null, or name, user_id,
/// dedicated, appointed_on), requirements (id, requirement, applies_to, source), people (id,
/// name, email, overdue, standing), overdue (the names) and sessions (id, held_on, title,
/// material_url, material_file, questions, attendees with name and score).
#[derive(Debug, Args)]
pub(crate) struct Training {
    #[command(flatten)]
    which: Which,
    /// `table` for people, `json` for scripts.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

impl Training {
    pub(super) async fn run(self, app: &App) -> anyhow::Result<()> {
        let (p, f, fy) = self.which.resolve(app).await?;
        let status = app.training_status(&p, f, fy).await?;
        let mut out = std::io::stdout().lock();
        match self.format {
            Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&json_status(&status))?)?,
            Format::Table => table(&mut out, &status)?,
        }
        Ok(())
    }
}

fn json_status(s: &TrainingStatus) -> Value {
    json!({
        "facility": s.facility.draft.name,
        "fiscal_year": s.fiscal_year.year(),
        "as_of": s.as_of.to_string(),
        "manager": s.manager.as_ref().map(|m| json!({
            "name": m.name,
            "user_id": match m.person { ManagerPerson::User(u) => Some(u.get()), ManagerPerson::Named(_) => None },
            "dedicated": m.dedicated,
            "appointed_on": m.appointed_on.map(|d| d.to_string()),
        })),
        "requirements": s.requirements.iter().map(|r| json!({
            "id": r.id, "requirement": r.ja, "applies_to": r.because, "source": r.source,
        })).collect::<Vec<_>>(),
        "people": s.people.iter().map(|x| json!({
            "id": x.user.get(), "name": x.name, "email": x.email,
            "overdue": x.standing.is_overdue(), "standing": x.standing.ja(),
        })).collect::<Vec<_>>(),
        "overdue": s.overdue().map(|x| x.name.clone()).collect::<Vec<_>>(),
        "sessions": s.sessions.iter().map(|x| json!({
            "id": x.id,
            "held_on": x.held_on.to_string(),
            "title": x.title,
            "material_url": x.material_url,
            "material_file": x.material_file.as_ref().map(|(n, _)| n),
            "questions": x.quiz.len(),
            "attendees": x.attendees.iter().map(|a| json!({"name": s.name_of(a.person), "score": a.score})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

fn table(out: &mut impl Write, s: &TrainingStatus) -> std::io::Result<()> {
    writeln!(out, "{} {}（{}時点）", s.fiscal_year.label_ja(), s.facility.draft.name, s.as_of)?;
    match &s.manager {
        Some(m) => writeln!(out, "安全管理責任者: {}（{}）", m.name, if m.dedicated { "専任" } else { "兼任" })?,
        None => writeln!(out, "安全管理責任者: 未記録")?,
    }
    writeln!(out, "適用される要件:")?;
    for r in &s.requirements {
        writeln!(out, "  - {}（{}）根拠: {}", r.ja, r.because, r.source)?;
    }
    writeln!(out, "期限切れ {}/{}人", s.overdue().count(), s.people.len())?;
    for x in &s.people {
        writeln!(out, "  {} <{}>: {}", x.name, x.email, x.standing.ja())?;
    }
    writeln!(out, "研修 {}件", s.sessions.len())?;
    for x in &s.sessions {
        writeln!(out, "  {} {}（出席 {}名）", x.held_on, x.title, x.attendees.len())?;
    }
    Ok(())
}
