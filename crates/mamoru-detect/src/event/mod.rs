//! One event shape for every input: a flat JSON object of fields plus what the timeline
//! needs (time, computer, channel, event id). Sigma rules see the fields; renames from the
//! log-source mapping are applied by [`View`] at evaluation time, never copied.

mod evtx;
mod evtx_bytes;
mod json;
mod syslog;

use std::borrow::Cow;

use jiff::Timestamp;
use rsigma_eval::{Event, EventValue, JsonEvent};
use serde_json::{Map, Value};

pub use self::evtx::{EvtxError, from_evtx_json};
pub use self::evtx_bytes::from_evtx_json_bytes;
pub use self::json::{JsonLineError, from_json_line};
pub use self::syslog::{SyslogOptions, from_syslog_line};

/// A line of a text log whose lines may be JSON or syslog (a watched folder, a mixed
/// file): a JSON object when it parses as one, otherwise a syslog line.
pub fn from_log_line(line: &str, options: &SyslogOptions) -> LogEvent {
    if line.trim_start().starts_with('{')
        && let Ok(event) = from_json_line(line)
    {
        return event;
    }
    from_syslog_line(line, options)
}

/// Where an event came from, for the timeline's "channel" column and log-source routing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Evtx,
    Json,
    Syslog,
}

/// A decoded event.
#[derive(Debug, Clone)]
pub struct LogEvent {
    /// Always a JSON object: EVTX System and EventData fields by name, syslog header and
    /// key=value pairs, or a JSON line's own keys.
    pub fields: Value,
    pub timestamp: Option<Timestamp>,
    pub format: Format,
}

impl LogEvent {
    pub fn new(mut fields: Map<String, Value>, timestamp: Option<Timestamp>, format: Format) -> Self {
        if let Some(id) = fields.get_mut("EventID") {
            canonical_event_id(id);
        }
        LogEvent { fields: Value::Object(fields), timestamp, format }
    }

    /// A field as text (numbers are written out), looked up by its exact name.
    pub fn text(&self, name: &str) -> Option<Cow<'_, str>> {
        match self.fields.get(name)? {
            Value::String(s) => Some(Cow::Borrowed(s)),
            Value::Number(n) => Some(Cow::Owned(n.to_string())),
            Value::Bool(b) => Some(Cow::Owned(b.to_string())),
            _ => None,
        }
    }

    pub fn computer(&self) -> String {
        self.text("Computer").or_else(|| self.text("host")).map(Cow::into_owned).unwrap_or_default()
    }

    /// The EVTX channel; for syslog the sending program; for other JSON, empty.
    pub fn channel(&self) -> String {
        self.text("Channel").or_else(|| self.text("program")).map(Cow::into_owned).unwrap_or_default()
    }

    pub fn event_id(&self) -> Option<u32> {
        match self.fields.get("EventID")? {
            Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn record_id(&self) -> Option<u64> {
        match self.fields.get("EventRecordID")? {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
    }

    pub(crate) fn view<'a>(&'a self, renames: &'a [(String, String)]) -> View<'a> {
        View { inner: JsonEvent::borrow(&self.fields), renames }
    }
}

/// An event id written as text that reads as a whole number ("4688", "04688", "4688.0")
/// becomes that number. Rules compare `EventID` as text (see `rules::steer`), which then
/// agrees with Sigma's numeric comparison of `EventID: 4688` on every event.
fn canonical_event_id(value: &mut Value) {
    match value {
        Value::String(s) => {
            if let Ok(n) = s.parse::<f64>()
                && n.fract() == 0.0
                && (0.0..=u32::MAX as f64).contains(&n)
            {
                *value = Value::from(n as u64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(canonical_event_id),
        _ => {}
    }
}

/// An event as one log source sees it: Sigma field names that the mapping renames are
/// read from the event's own field.
pub(crate) struct View<'a> {
    inner: JsonEvent<'a>,
    renames: &'a [(String, String)],
}

impl View<'_> {
    /// The Sigma names of the renames whose event field this event has.
    fn renamed_present(&self) -> impl Iterator<Item = &str> {
        self.renames.iter().filter(|(_, to)| self.inner.get_field(to).is_some()).map(|(from, _)| from.as_str())
    }
}

impl Event for View<'_> {
    fn get_field(&self, path: &str) -> Option<EventValue<'_>> {
        if let Some((_, to)) = self.renames.iter().find(|(from, _)| from == path)
            && let Some(v) = self.inner.get_field(to)
        {
            return Some(v);
        }
        self.inner.get_field(path)
    }

    fn any_string_value(&self, pred: &dyn Fn(&str) -> bool) -> bool {
        self.inner.any_string_value(pred)
    }

    fn all_string_values(&self) -> Vec<Cow<'_, str>> {
        self.inner.all_string_values()
    }

    fn visit_string_values(&self, visit: &mut dyn FnMut(&str)) {
        self.inner.visit_string_values(visit)
    }

    fn to_json(&self) -> Value {
        self.inner.to_json()
    }

    // Renamed fields are reachable under names the object does not have: the Sigma name
    // of every rename whose event field is present is a key too. Without a complete key
    // set the candidate index would probe every field it knows for each event.
    fn top_level_keys(&self) -> Option<Vec<Cow<'_, str>>> {
        let mut keys = self.inner.top_level_keys()?;
        keys.extend(self.renamed_present().map(Cow::Borrowed));
        Some(keys)
    }

    fn visit_top_level_keys(&self, visit: &mut dyn FnMut(&str)) -> bool {
        if !self.inner.visit_top_level_keys(visit) {
            return false;
        }
        self.renamed_present().for_each(visit);
        true
    }
}
