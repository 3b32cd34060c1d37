//! Writing a hunt's timeline as CSV, JSON lines or a table, and its summary.

use std::collections::BTreeMap;
use std::io::Write;

use clap::ValueEnum;
use jiff::tz::TimeZone;
use mamoru_detect::{Detection, Level, RuleInfo};
use serde_json::{Map, Value, json};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum TimelineFormat {
    Table,
    Csv,
    Jsonl,
}

/// The timeline is shown in Japan's time; the offset is written out so it is never ambiguous.
fn tokyo(d: &Detection) -> String {
    static TOKYO: std::sync::OnceLock<TimeZone> = std::sync::OnceLock::new();
    let tz = TOKYO.get_or_init(|| TimeZone::get("Asia/Tokyo").unwrap_or(TimeZone::fixed(jiff::tz::offset(9))));
    d.timestamp.map(|t| t.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M:%S%.3f %:z").to_string()).unwrap_or_default()
}

fn details_text(d: &Detection) -> String {
    d.details.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(" ¦ ")
}

pub(crate) fn write(
    out: &mut dyn Write,
    format: TimelineFormat,
    rules: &[RuleInfo],
    detections: &[Detection],
) -> std::io::Result<()> {
    match format {
        TimelineFormat::Jsonl => {
            for d in detections {
                let rule = &rules[d.rule];
                let mut details = Map::new();
                for (k, v) in &d.details {
                    details.entry(k.clone()).or_insert_with(|| Value::String(v.clone()));
                }
                let context: Map<String, Value> =
                    d.context.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
                let line = json!({
                    "timestamp": tokyo(d),
                    "computer": d.computer,
                    "channel": d.channel,
                    "event_id": d.event_id,
                    "record_id": d.record_id,
                    "level": rule.level,
                    "rule_title": rule.title,
                    "rule_id": rule.id,
                    "rule_file": rule.file,
                    "tags": rule.tags,
                    "details": details,
                    "context": context,
                    "file": d.origin.as_deref(),
                });
                writeln!(out, "{line}")?;
            }
        }
        TimelineFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                "timestamp",
                "computer",
                "channel",
                "event_id",
                "record_id",
                "level",
                "rule_title",
                "details",
                "rule_file",
                "file",
            ])?;
            for d in detections {
                let rule = &rules[d.rule];
                w.write_record([
                    tokyo(d),
                    d.computer.clone(),
                    d.channel.clone(),
                    d.event_id.map(|e| e.to_string()).unwrap_or_default(),
                    d.record_id.map(|e| e.to_string()).unwrap_or_default(),
                    rule.level.to_string(),
                    rule.title.clone(),
                    details_text(d),
                    rule.file.clone(),
                    d.origin.as_deref().unwrap_or_default().to_string(),
                ])?;
            }
            w.flush()?;
        }
        TimelineFormat::Table => {
            for d in detections {
                let rule = &rules[d.rule];
                let mut details = details_text(d);
                if details.chars().count() > 160 {
                    details = details.chars().take(157).collect::<String>() + "...";
                }
                writeln!(
                    out,
                    "{} | {:<8} | {} | {} {} | {} | {}",
                    tokyo(d),
                    rule.level.as_str(),
                    d.computer,
                    d.channel,
                    d.event_id.map(|e| e.to_string()).unwrap_or_default(),
                    rule.title,
                    details
                )?;
            }
        }
    }
    Ok(())
}

/// Detections by level, then the rules that fired most.
pub(crate) fn summary(rules: &[RuleInfo], detections: &[Detection]) -> String {
    let mut by_level: BTreeMap<Level, usize> = BTreeMap::new();
    let mut by_rule: BTreeMap<usize, usize> = BTreeMap::new();
    for d in detections {
        *by_level.entry(rules[d.rule].level).or_default() += 1;
        *by_rule.entry(d.rule).or_default() += 1;
    }
    let mut s = String::from("Detections by level:\n");
    for level in Level::ALL {
        s += &format!("  {:<13} {:>7}\n", level.as_str(), by_level.get(&level).copied().unwrap_or(0));
    }
    let mut top: Vec<_> = by_rule.into_iter().collect();
    top.sort_by(|a, b| rules[b.0].level.cmp(&rules[a.0].level).then(b.1.cmp(&a.1)));
    s += &format!("Rules that fired: {}\n", top.len());
    for (rule, n) in top.iter().take(15) {
        s += &format!("  {:>6}  [{}] {}\n", n, rules[*rule].level.as_str(), rules[*rule].title);
    }
    s
}
