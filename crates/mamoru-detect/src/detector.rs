//! Evaluating events: route an event to the rule groups of its log sources, run them, and
//! feed the hits that correlation rules count into the (stateful, ordered) correlation
//! phase.

use std::sync::{Arc, Mutex};

use jiff::Timestamp;
use rsigma_eval::{EvaluationResult, ResultBody};
use serde_json::Value;

use crate::LogEvent;
use crate::event::Format;
use crate::rules::{RULE_INDEX, RuleSet};

/// One rule firing on one event (or, for a correlation rule, on a group of events).
#[derive(Debug, Clone)]
pub struct Detection {
    /// Index in [`RuleSet::rules`].
    pub rule: usize,
    pub timestamp: Option<Timestamp>,
    pub computer: String,
    pub channel: String,
    pub event_id: Option<u32>,
    pub record_id: Option<u64>,
    /// The fields that made the rule match, with the event's values.
    pub details: Vec<(String, String)>,
    /// The file or receiver the event came from, when the caller says.
    pub origin: Option<Arc<str>>,
    /// A few fields of the event that say who and where (source address, user, process),
    /// beside the matched ones: what a person triaging the alert looks at, and what a
    /// suppression rule can name.
    pub context: Vec<(String, String)>,
}

/// Buffers [`RuleSet::detect`] keeps from one event to the next on each thread: a result
/// is 280 bytes, and a `Vec` of them made new for every event asked, at its first push, for
/// more than glibc's malloc keeps at hand for each thread (`vendor/rsigma-eval/MAMORU-PATCH.md`,
/// change 10, has the figures).
#[derive(Default)]
struct Scratch {
    routes: Vec<(usize, usize)>,
    results: Vec<EvaluationResult>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// Hits of rules that correlation rules count; they go through [`RuleSet::correlate`]
/// in time order.
pub struct Pending {
    pub timestamp: Option<Timestamp>,
    pub origin: Option<Arc<str>>,
    event: LogEvent,
    results: Vec<EvaluationResult>,
}

impl RuleSet {
    /// Every detection rule that matches the event. Hits of correlated rules are returned
    /// in `pending` instead, for [`RuleSet::correlate`].
    pub fn detect(&self, event: &LogEvent) -> (Vec<Detection>, Option<Pending>) {
        SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut scratch) => self.detect_with(event, &mut scratch),
            // Only when detecting from within a detection (a callback of one), which nothing does.
            Err(_) => self.detect_with(event, &mut Scratch::default()),
        })
    }

    fn detect_with(&self, event: &LogEvent, scratch: &mut Scratch) -> (Vec<Detection>, Option<Pending>) {
        let Scratch { routes, results } = scratch;
        results.clear();
        self.mapping.routes(event, routes);
        for &(source, alternative) in routes.iter() {
            if let Some(group) = &self.by_source[source] {
                let view = event.view(self.mapping.renames(source, alternative));
                group.evaluate(&view, results);
            }
        }
        if !self.unmapped.is_empty() {
            let product = product_of(event);
            let view = event.view(&[]);
            for (p, group) in &self.unmapped {
                if p.is_none() || p.as_deref() == product {
                    group.evaluate(&view, results);
                }
            }
        }
        let mut detections = self.ioc_hits(event);
        if results.is_empty() {
            return (detections, None);
        }
        let is_correlated = |r: &EvaluationResult| rule_of(r).is_some_and(|i| self.correlated[i]);
        detections.extend(results.iter().filter(|r| !is_correlated(r)).filter_map(|r| self.detection(event, r)));
        let correlated: Vec<_> = results.extract_if(.., |r| is_correlated(r)).collect();
        results.clear();
        let pending = (!correlated.is_empty()).then(|| Pending {
            timestamp: event.timestamp,
            origin: None,
            event: event.clone(),
            results: correlated,
        });
        (detections, pending)
    }

    /// Every detection in a batch of events on this thread, correlations included: what a
    /// live receiver runs on each batch it is handed.
    pub fn detect_all<'a>(&self, events: impl IntoIterator<Item = &'a LogEvent>) -> Vec<Detection> {
        let mut out = Vec::new();
        let mut pending = Vec::new();
        for event in events {
            let (detections, p) = self.detect(event);
            out.extend(detections);
            pending.extend(p);
        }
        out.extend(self.correlate_all(pending));
        out
    }

    /// The correlation phase over hits gathered in any order: windows need them in the
    /// order they happened, so they are sorted by time first.
    pub fn correlate_all(&self, mut pending: Vec<Pending>) -> Vec<Detection> {
        pending.sort_by_key(|p| p.timestamp);
        pending.into_iter().flat_map(|p| self.correlate(p)).collect()
    }

    /// Runs the correlation phase for one event's hits (callers keep time order); returns
    /// the hits of correlated rules that Sigma says to show (`generate: true`) and the
    /// correlation rules that fired.
    pub fn correlate(&self, pending: Pending) -> Vec<Detection> {
        let Some(engine) = &self.correlation else { return Vec::new() };
        let ts = pending.timestamp.map_or(0, |t| t.as_second());
        let view = pending.event.view(&[]);
        let mut results = pending.results;
        for r in &mut results {
            if r.header.rule_id.is_none()
                && let Some(index) = rule_of(r)
            {
                r.header.rule_id = Some(crate::rules::anonymous_id(index));
            }
        }
        let out = {
            let mut engine = engine.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            engine.process_with_detections(&view, results, ts)
        };
        out.iter()
            .filter_map(|r| self.detection(&pending.event, r))
            .filter(|d| !self.hidden.get(d.rule).copied().unwrap_or(false))
            .map(|mut d| {
                d.origin = pending.origin.clone();
                d
            })
            .collect()
    }

    fn ioc_hits(&self, event: &LogEvent) -> Vec<Detection> {
        let mut out = Vec::new();
        for (rule, set) in &self.iocs {
            for hit in set.scan(&event.fields) {
                let indicator = &set.indicators()[hit.indicator];
                let mut details = vec![
                    (hit.field, hit.value),
                    ("ioc".to_string(), indicator.value.clone()),
                    ("ioc_kind".to_string(), indicator.kind.as_str().to_string()),
                ];
                if let Some(note) = &indicator.note {
                    details.push(("ioc_note".to_string(), note.clone()));
                }
                out.push(self.located(event, *rule, details));
            }
        }
        out
    }

    fn located(&self, event: &LogEvent, rule: usize, details: Vec<(String, String)>) -> Detection {
        let context = WHO_AND_WHERE
            .iter()
            .filter(|f| !details.iter().any(|(d, _)| d == *f))
            .filter_map(|f| event.text(f).filter(|v| !v.trim().is_empty()).map(|v| (f.to_string(), v.into_owned())))
            .take(8)
            .collect();
        Detection {
            context,
            rule,
            timestamp: event.timestamp,
            computer: event.computer(),
            channel: event.channel(),
            event_id: event.event_id(),
            record_id: event.record_id(),
            details,
            origin: None,
        }
    }

    fn detection(&self, event: &LogEvent, result: &EvaluationResult) -> Option<Detection> {
        let (rule, details) = match &result.body {
            ResultBody::Detection(body) => {
                let mut details: Vec<(String, String)> =
                    body.matched_fields.iter().map(|m| (m.field.clone(), text(&m.value))).collect();
                // rsigma reports selections in the order of a randomly seeded map; the order the
                // log wrote its fields in (then the name, for renamed fields) is the same on
                // every run.
                details.sort_by(|(a, x), (b, y)| {
                    let at = |f: &str| event.fields.index_of(f).unwrap_or(usize::MAX);
                    (at(a), a, x).cmp(&(at(b), b, y))
                });
                // Keyword rules name no field: show what a person needs to see instead, the
                // log line, or the fields that usually say what happened.
                if details.iter().all(|(f, _)| f == "keyword") {
                    details.retain(|(f, _)| f != "keyword");
                    details.extend(
                        CONTEXT
                            .iter()
                            .filter_map(|f| {
                                event.text(f).filter(|v| !v.is_empty()).map(|v| (f.to_string(), v.into_owned()))
                            })
                            .take(4),
                    );
                }
                (rule_of(result)?, details)
            }
            ResultBody::Correlation(body) => {
                let rule = self.rules.iter().position(|r| {
                    r.correlation
                        && (r.id.is_some() && r.id == result.header.rule_id || r.title == result.header.rule_title)
                })?;
                let mut details: Vec<(String, String)> = body.group_key.clone();
                details.push(("count".into(), body.aggregated_value.to_string()));
                details.push(("timespan_s".into(), body.timespan_secs.to_string()));
                (rule, details)
            }
        };
        Some(self.located(event, rule, details))
    }
}

/// The correlation engine lives behind a lock: detection runs on every core, correlation
/// state is updated one event at a time.
pub(crate) type SharedCorrelation = Mutex<rsigma_eval::CorrelationEngine>;

/// Fields kept as a detection's context when the event has them (EVTX, FortiGate and
/// other key=value firewalls).
const WHO_AND_WHERE: [&str; 16] = [
    "srcip",
    "dstip",
    "dstport",
    "user",
    "action",
    "status",
    "IpAddress",
    "SourceIp",
    "DestinationIp",
    "TargetUserName",
    "SubjectUserName",
    "User",
    "Image",
    "ParentImage",
    "CommandLine",
    "ServiceName",
];

/// Fields shown for a keyword hit, in order of preference.
const CONTEXT: [&str; 12] = [
    "message",
    "CommandLine",
    "ScriptBlockText",
    "Image",
    "ServiceName",
    "ImagePath",
    "TargetUserName",
    "SubjectUserName",
    "IpAddress",
    "Payload",
    "Data",
    "param1",
];

fn rule_of(result: &EvaluationResult) -> Option<usize> {
    result.header.custom_attributes.get(RULE_INDEX)?.as_u64().and_then(|n| usize::try_from(n).ok())
}

fn product_of(event: &LogEvent) -> Option<&'static str> {
    match event.format {
        Format::Evtx if event.text("Channel").is_some_and(|c| c.starts_with("Linux-")) => Some("linux"),
        Format::Evtx => Some("windows"),
        Format::Syslog => Some("linux"),
        Format::Json => None,
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests;
