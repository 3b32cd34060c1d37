//! Writing a hunt's timeline as CSV, JSON lines or a table, and its summary.

use std::collections::BTreeMap;
use std::io::Write;

use clap::ValueEnum;
use jiff::tz::TimeZone;
use mamoru_detect::{Detection, Level, RuleInfo};
use rayon::prelude::*;
use serde::Serialize;
use serde::ser::SerializeMap;

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

/// Detections per batch: each batch is rendered on every core and written before the next,
/// so memory stays bounded however many detections a hunt finds.
const BATCH: usize = 16_384;
/// Detections one core renders at a time within a batch.
const PIECE: usize = 512;

pub(crate) fn write(
    out: &mut dyn Write,
    format: TimelineFormat,
    rules: &[RuleInfo],
    detections: &[Detection],
) -> std::io::Result<()> {
    if let TimelineFormat::Csv = format {
        let mut w = csv::Writer::from_writer(&mut *out);
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
        w.flush()?;
    }
    for batch in detections.chunks(BATCH) {
        let pieces: Vec<std::io::Result<Vec<u8>>> =
            batch.par_chunks(PIECE).map(|piece| render(format, rules, piece)).collect();
        for piece in pieces {
            out.write_all(&piece?)?;
        }
    }
    Ok(())
}

/// Some detections as lines of the timeline, in their order.
fn render(format: TimelineFormat, rules: &[RuleInfo], detections: &[Detection]) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(detections.len() * 512);
    match format {
        TimelineFormat::Jsonl => {
            for d in detections {
                serde_json::to_writer(&mut buf, &JsonLine::new(d, &rules[d.rule]))?;
                buf.push(b'\n');
            }
        }
        TimelineFormat::Csv => {
            let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(&mut buf);
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
                    buf,
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
    Ok(buf)
}

/// One JSON line of the timeline; the keys are a contract (issue 5), in this order.
#[derive(Serialize)]
struct JsonLine<'a> {
    timestamp: String,
    computer: &'a str,
    channel: &'a str,
    event_id: Option<u32>,
    record_id: Option<u64>,
    level: Level,
    rule_title: &'a str,
    rule_id: Option<&'a str>,
    rule_file: &'a str,
    tags: &'a [String],
    details: Pairs<'a>,
    context: Pairs<'a>,
    file: Option<&'a str>,
}

impl<'a> JsonLine<'a> {
    fn new(d: &'a Detection, rule: &'a RuleInfo) -> Self {
        JsonLine {
            timestamp: tokyo(d),
            computer: &d.computer,
            channel: &d.channel,
            event_id: d.event_id,
            record_id: d.record_id,
            level: rule.level,
            rule_title: &rule.title,
            rule_id: rule.id.as_deref(),
            rule_file: &rule.file,
            tags: &rule.tags,
            details: Pairs(&d.details),
            context: Pairs(&d.context),
            file: d.origin.as_deref(),
        }
    }
}

/// Name and value pairs as a JSON object; a name given twice keeps its first value.
struct Pairs<'a>(&'a [(String, String)]);

impl Serialize for Pairs<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (i, (k, v)) in self.0.iter().enumerate() {
            if !self.0[..i].iter().any(|(seen, _)| seen == k) {
                map.serialize_entry(k, v)?;
            }
        }
        map.end()
    }
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
