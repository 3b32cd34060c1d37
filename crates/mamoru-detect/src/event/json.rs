//! JSON lines: EVTX exported as JSON (`evtx_dump -o jsonl`, Hayabusa's and Chainsaw's
//! input), Winlogbeat/Elastic Agent documents (`winlog.*`), or any other JSON object.

use jiff::Timestamp;
use serde_json::{Map, Value};

use super::{Fields, Format, LogEvent, from_evtx_json, from_evtx_json_bytes};

#[derive(Debug, thiserror::Error)]
pub enum JsonLineError {
    #[error("not JSON: {0}")]
    Syntax(#[from] serde_json::Error),
    #[error("a JSON log line must be an object")]
    NotAnObject,
}

pub fn from_json_line(line: &str) -> Result<LogEvent, JsonLineError> {
    // `evtx_dump -o jsonl` lines are the JSON the EVTX reader decodes; reading them the same
    // way skips the tree of maps. Anything that decoder refuses takes the general path.
    if line.contains("\"Event\"")
        && let Ok(event) = from_evtx_json_bytes(line.as_bytes())
    {
        return Ok(event);
    }
    let value: Value = serde_json::from_str(line)?;
    from_json_value(value)
}

pub(crate) fn from_json_value(value: Value) -> Result<LogEvent, JsonLineError> {
    let Value::Object(mut map) = value else { return Err(JsonLineError::NotAnObject) };
    if map.get("Event").is_some_and(|e| e.get("System").is_some()) {
        let record = Value::Object(map);
        return from_evtx_json(record).map_err(|_| JsonLineError::NotAnObject);
    }
    if let Some(Value::Object(winlog)) = map.remove("winlog") {
        return Ok(from_winlogbeat(winlog, &map));
    }
    let timestamp = ["@timestamp", "timestamp", "time", "TimeCreated"]
        .iter()
        .find_map(|k| map.get(*k).and_then(Value::as_str).and_then(parse_time));
    Ok(LogEvent::new(map, timestamp, Format::Json))
}

/// Winlogbeat keeps the System fields under `winlog` with its own names and the EventData
/// under `winlog.event_data`; they are given the names EVTX events have.
fn from_winlogbeat(mut winlog: Map<String, Value>, doc: &Map<String, Value>) -> LogEvent {
    let mut out = Map::new();
    if let Some(Value::Object(data)) = winlog.remove("event_data") {
        out.extend(data);
    }
    if let Some(Value::Object(data)) = winlog.remove("user_data") {
        out.extend(data);
    }
    for (from, to) in [
        ("channel", "Channel"),
        ("computer_name", "Computer"),
        ("provider_name", "Provider_Name"),
        ("record_id", "EventRecordID"),
        ("task", "Task"),
        ("opcode", "Opcode"),
    ] {
        if let Some(v) = winlog.remove(from) {
            out.insert(to.to_string(), v);
        }
    }
    if let Some(id) = winlog.remove("event_id") {
        // Winlogbeat writes the id as text; rules compare it as a number.
        let id = match &id {
            Value::String(s) => s.parse::<u64>().map(Value::from).unwrap_or(id),
            _ => id,
        };
        out.insert("EventID".to_string(), id);
    }
    let timestamp = doc.get("@timestamp").and_then(Value::as_str).and_then(parse_time);
    if let Some(t) = timestamp {
        out.insert("TimeCreated_SystemTime".to_string(), Value::String(t.to_string()));
    }
    let mut fields = Fields::from(out);
    super::evtx::trim_padding(&mut fields);
    LogEvent::from_fields(fields, timestamp, Format::Evtx)
}

fn parse_time(s: &str) -> Option<Timestamp> {
    s.parse::<Timestamp>().ok().or_else(|| {
        s.parse::<jiff::civil::DateTime>()
            .ok()
            .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
            .map(|z| z.timestamp())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evtx_dump_lines_read_as_windows_events() {
        let e = from_json_line(r#"{"Event":{"System":{"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational"},"EventData":{"Image":"a.exe"}}}"#).unwrap();
        assert_eq!(e.format, Format::Evtx);
        assert_eq!(e.fields.to_json()["Image"], "a.exe");
    }

    /// The fast path for EVTX lines gives what the general path gives, and leaves every
    /// other line to it.
    #[test]
    fn evtx_lines_read_alike_on_both_paths() {
        for line in [
            r##"{"Event":{"System":{"EventID":"4688","TimeCreated":{"#attributes":{"SystemTime":"2024-01-02T03:04:05Z"}}},"EventData":{"CommandLine":"a \"b\"","Threat Name":"x"}}}"##,
            r#"{"Event":{"System":null},"extra":[1,2]}"#,
        ] {
            let fast = from_json_line(line).unwrap();
            let general = from_json_value(serde_json::from_str(line).unwrap()).unwrap();
            assert_eq!(fast.fields, general.fields, "{line}");
            assert_eq!((fast.timestamp, fast.format), (general.timestamp, general.format));
        }
        let other = from_json_line(r#"{"Event":"login","user":"bob"}"#).unwrap();
        assert_eq!(other.format, Format::Json);
        assert_eq!(other.fields.to_json()["Event"], "login");
        assert!(matches!(from_json_line(r#"{"Event":{"System":{}}} x"#), Err(JsonLineError::Syntax(_))));
    }

    #[test]
    fn winlogbeat_documents_get_evtx_names() {
        let e = from_json_line(r#"{"@timestamp":"2024-01-02T03:04:05.000Z","winlog":{"channel":"Security","event_id":"4625","computer_name":"DC1","event_data":{"TargetUserName":"admin"}}}"#).unwrap();
        assert_eq!(e.event_id(), Some(4625));
        assert_eq!(e.computer(), "DC1");
        assert_eq!(e.fields.to_json()["TargetUserName"], "admin");
        assert_eq!(e.timestamp.unwrap().to_string(), "2024-01-02T03:04:05Z");
    }

    #[test]
    fn other_objects_keep_their_keys_and_bad_lines_are_refused() {
        let e = from_json_line(r#"{"time":"2024-01-02T03:04:05","user":{"name":"x"}}"#).unwrap();
        assert_eq!(e.format, Format::Json);
        assert!(e.timestamp.is_some());
        assert!(matches!(from_json_line("[1,2]"), Err(JsonLineError::NotAnObject)));
        assert!(matches!(from_json_line("{\"a\":"), Err(JsonLineError::Syntax(_))));
    }
}
