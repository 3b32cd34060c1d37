//! `mamoru appi deadlines`: the APPI breach-report deadlines, from the rules in
//! `mamoru_domain::appi`; no database.

use std::fmt::Write as _;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::Offset;
use mamoru_domain::appi::{self, Category, holidays};
use serde_json::json;

use crate::output::say;

/// APPI (個人情報保護法) breach reports to the PPC.
#[derive(Debug, Subcommand)]
pub(crate) enum AppiCommand {
    Deadlines(Deadlines),
}

impl AppiCommand {
    pub(crate) fn run(self) -> anyhow::Result<ExitCode> {
        match self {
            AppiCommand::Deadlines(c) => c.run(),
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    Table,
    Json,
}

/// The categories as given to `--category`.
#[derive(Debug, Clone)]
pub(crate) struct Categories(Vec<Category>);

/// When the preliminary (速報) and final (確報) reports to the PPC are due, in Japan time: the
/// day of becoming aware is day 1; the preliminary report is due by about day 3 to 5, the final
/// by day 30 (day 60 for category 3, improper purpose); a deadline on a Saturday, Sunday,
/// national holiday or 12/29–1/3 moves to the next day government offices are open.
/// Needs no database.
///
/// JSON form: {"aware_on", "preliminary_target", "preliminary_limit", "final_due" (YYYY-MM-DD),
/// "final_days", "categories": [numbers], "rules": [{"code", "text", "text_en"}]}.
#[derive(Debug, Args)]
pub(crate) struct Deadlines {
    /// When any part of the organisation became aware of the event: 2026-11-20T10:00+09:00,
    /// 2026-11-20T01:00Z, 2026-11-20T10:00 (Japan time) or 2026-11-20 (that day in Japan).
    #[arg(long, value_name = "TIME", value_parser = parse_aware)]
    aware: Timestamp,
    /// The reportable categories, e.g. 1,3: 1 sensitive (要配慮), 2 financial damage, 3 improper
    /// purpose (不正の目的: final report in 60 days), 4 many people, 5 ordinance-defined
    /// sensitive data (public bodies).
    #[arg(long, value_name = "N,...", value_parser = parse_categories)]
    category: Option<Categories>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// A timestamp with an offset, a local time in Japan, or a date (its midnight in Japan).
fn parse_aware(s: &str) -> Result<Timestamp, String> {
    let t = s.trim();
    let tokyo = Offset::constant(9).to_time_zone();
    let local = |dt: DateTime| tokyo.to_timestamp(dt).map_err(|e| e.to_string());
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Ok(ts);
    }
    if let Ok(dt) = t.parse::<DateTime>() {
        return local(dt);
    }
    if let Ok(Some(day)) = mamoru_domain::values::parse_date(t) {
        return local(day.to_datetime(jiff::civil::Time::midnight()));
    }
    Err(format!("{t:?} is not a time: use 2026-11-20T10:00+09:00, 2026-11-20T01:00Z or 2026-11-20"))
}

fn parse_categories(s: &str) -> Result<Categories, String> {
    Category::parse_list(s).map(Categories).map_err(|e| e.to_string())
}

/// `label` padded with spaces to `width` terminal columns (CJK characters take two).
fn pad(label: &str, width: usize) -> String {
    let used: usize = label.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    format!("{label}{}", " ".repeat(width.saturating_sub(used)))
}

/// `2026-11-24（火）`.
fn day(d: Date) -> String {
    format!("{d}（{}）", holidays::weekday_ja(d))
}

impl Deadlines {
    fn run(self) -> anyhow::Result<ExitCode> {
        let categories = self.category.map(|c| c.0).unwrap_or_default();
        let d = appi::report_deadlines(self.aware, &categories);
        let mut out = String::new();
        match self.format {
            Format::Json => {
                let value = json!({
                    "aware_on": d.aware_on.to_string(),
                    "preliminary_target": d.preliminary_target.to_string(),
                    "preliminary_limit": d.preliminary_limit.to_string(),
                    "final_due": d.final_due.to_string(),
                    "final_days": d.final_days,
                    "categories": categories.iter().map(|c| c.number()).collect::<Vec<_>>(),
                    "rules": d.rules.iter().map(|r| json!({"code": r.code, "text": r.ja, "text_en": r.en})).collect::<Vec<_>>(),
                });
                out = serde_json::to_string_pretty(&value)? + "\n";
            }
            Format::Table => {
                let n = |date| appi::day_number(d.aware_on, date);
                let rows = [
                    (say("知った日", "Aware on"), d.aware_on),
                    (say("速報（目安）", "Preliminary (target)"), d.preliminary_target),
                    (say("速報（目安の上限）", "Preliminary (latest)"), d.preliminary_limit),
                    (say("確報", "Final report"), d.final_due),
                ];
                for (label, date) in rows {
                    let _ = writeln!(
                        out,
                        "{} {}  {}",
                        pad(label, 22),
                        day(date),
                        say(&format!("{}日目", n(date)), &format!("day {}", n(date)))
                    );
                }
                let cats: Vec<String> =
                    categories.iter().map(|c| format!("{} {}", c.number(), say(c.ja(), c.en()))).collect();
                let none = say("なし", "none").to_owned();
                let _ = writeln!(
                    out,
                    "{} {} ({})",
                    pad(say("区分", "Categories"), 22),
                    if cats.is_empty() { none } else { cats.join(", ") },
                    say(&format!("確報は{}日", d.final_days), &format!("final report in {} days", d.final_days)),
                );
                let _ = writeln!(out, "{}", say("根拠:", "Rules:"));
                for r in &d.rules {
                    let _ = writeln!(out, "  - {} [{}]", say(&r.ja, &r.en), r.code);
                }
            }
        }
        match std::io::Write::write_all(&mut std::io::stdout().lock(), out.as_bytes()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(e.into()),
            _ => {}
        }
        Ok(ExitCode::SUCCESS)
    }
}
