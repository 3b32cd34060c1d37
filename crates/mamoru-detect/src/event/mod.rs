//! One event shape for every input: a flat JSON object of fields plus what the timeline
//! needs (time, computer, channel, event id). Sigma rules see the fields; renames from the
//! log-source mapping are applied by [`View`] at evaluation time, never copied.

mod binxml;
mod evtx;
mod evtx_bytes;
mod fields;
mod json;
mod syslog;
mod view;

use std::borrow::Cow;

use jiff::Timestamp;
use serde_json::{Map, Value};

pub use self::binxml::{ChunkReader, Unsupported, live_size};
pub use self::evtx::{EvtxError, from_evtx_json};
pub use self::evtx_bytes::from_evtx_json_bytes;
pub use self::fields::{FieldValue, Fields};
pub use self::json::{JsonLineError, from_json_line};
pub use self::syslog::{SyslogOptions, from_syslog_line};
pub(crate) use self::view::View;

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
    /// EVTX System and EventData fields by name, syslog header and key=value pairs, or a
    /// JSON line's own keys.
    pub fields: Fields,
    pub timestamp: Option<Timestamp>,
    pub format: Format,
}

impl LogEvent {
    pub fn new(fields: Map<String, Value>, timestamp: Option<Timestamp>, format: Format) -> Self {
        Self::from_fields(Fields::from(fields), timestamp, format)
    }

    pub fn from_fields(mut fields: Fields, timestamp: Option<Timestamp>, format: Format) -> Self {
        fields.update("EventID", canonical_event_id);
        LogEvent { fields, timestamp, format }
    }

    /// A field as text (numbers are written out), looked up by its exact name.
    pub fn text(&self, name: &str) -> Option<Cow<'_, str>> {
        match self.fields.get(name)? {
            FieldValue::Str(s) => Some(Cow::Borrowed(s)),
            FieldValue::Num(n) => Some(Cow::Owned(n.to_string())),
            FieldValue::Bool(b) => Some(Cow::Owned(b.to_string())),
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
            FieldValue::Num(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
            FieldValue::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn record_id(&self) -> Option<u64> {
        match self.fields.get("EventRecordID")? {
            FieldValue::Num(n) => n.as_u64(),
            FieldValue::Str(s) => s.parse().ok(),
            _ => None,
        }
    }

    pub(crate) fn view<'a>(&'a self, renames: &'a [(String, String)]) -> View<'a> {
        View::new(&self.fields, renames)
    }
}

/// An event id written as text that reads as a whole number ("4688", "04688", "4688.0")
/// becomes that number. Rules compare `EventID` as text (see `rules::event_ids`), which then
/// agrees with Sigma's numeric comparison of `EventID: 4688` on every event.
fn canonical_event_id(value: FieldValue<'_>) -> Option<Value> {
    match value {
        FieldValue::Str(s) => whole_number(s).map(Value::from),
        FieldValue::Tree(tree @ Value::Array(_)) => {
            let mut tree = tree.clone();
            canonical_in_tree(&mut tree);
            Some(tree)
        }
        _ => None,
    }
}

fn canonical_in_tree(value: &mut Value) {
    match value {
        Value::String(s) => {
            if let Some(n) = whole_number(s) {
                *value = Value::from(n);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(canonical_in_tree),
        _ => {}
    }
}

fn whole_number(s: &str) -> Option<u64> {
    let n = s.parse::<f64>().ok()?;
    (n.fract() == 0.0 && (0.0..=u32::MAX as f64).contains(&n)).then_some(n as u64)
}
