//! Windows events as the `evtx` crate renders them in JSON (also what `evtx_dump -o jsonl`
//! writes, so exported logs read the same way): `Event.System` and `Event.EventData` /
//! `Event.UserData` become one flat object with the names Sigma rules use.

use jiff::Timestamp;
use serde_json::Value;

use super::{FieldValue, Fields, Format, LogEvent};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EvtxError {
    #[error("the record has no Event.System element")]
    NoSystem,
    #[error("the record's JSON could not be read: {0}")]
    Syntax(String),
}

/// Flattens one record. `System` attributes become `Name_Attribute` (`Provider_Name`,
/// `TimeCreated_SystemTime`, `Security_UserID`), element text keeps the element's name
/// (`EventID`, `Channel`, `Computer`); EventData keeps its names; UserData's nested
/// elements are lifted to their leaf names.
pub fn from_evtx_json(record: Value) -> Result<LogEvent, EvtxError> {
    let Value::Object(mut root) = record else { return Err(EvtxError::NoSystem) };
    let event = match root.remove("Event") {
        Some(Value::Object(event)) => event,
        _ => return Err(EvtxError::NoSystem),
    };
    let mut out = Fields::default();
    let mut has_system = false;
    for (key, value) in event {
        match key.as_str() {
            "System" => {
                has_system = true;
                if let Value::Object(system) = value {
                    for (key, value) in system {
                        system_entry(&key, value, &mut out);
                    }
                }
            }
            "EventData" | "UserData" => {
                if let Value::Object(map) = value {
                    for (key, value) in map {
                        lift_entry(&key, value, &mut out, 0);
                    }
                }
            }
            _ => {}
        }
    }
    if !has_system {
        return Err(EvtxError::NoSystem);
    }
    Ok(finish(out))
}

/// The last step of both decoders: padding undone, the time read.
pub(super) fn finish(mut out: Fields) -> LogEvent {
    trim_padding(&mut out);
    let timestamp = time_of(&out);
    LogEvent::from_fields(out, timestamp, Format::Evtx)
}

/// The record's time, read from its `TimeCreated_SystemTime` text.
pub(super) fn time_of(fields: &Fields) -> Option<Timestamp> {
    match fields.get("TimeCreated_SystemTime") {
        Some(FieldValue::Str(s)) => s.parse::<Timestamp>().ok(),
        _ => None,
    }
}

/// One element of `System`: its attributes as `Name_Attribute`, its text under its name.
fn system_entry(key: &str, value: Value, out: &mut Fields) {
    match value {
        Value::Object(mut element) => {
            if let Some(Value::Object(attributes)) = element.remove("#attributes") {
                for (name, v) in attributes {
                    out.insert(&format!("{key}_{name}"), v);
                }
            }
            if let Some(text) = element.remove("#text") {
                out.insert(key, text);
            }
        }
        Value::Null => {}
        other => out.insert(key, other),
    }
}

/// Fields Windows pads to a fixed width with spaces ("NtLmSsp ", "Advapi  ") while Sigma
/// rules name them bare (`LogonProcessName: 'NtLmSsp'`). Only these are trimmed: elsewhere a
/// trailing space is content (`CommandLine|endswith: ' '`).
const PADDED: &[&str] = &["LogonProcessName"];

/// Undoes Windows' padding of fixed-width names.
pub(super) fn trim_padding(out: &mut Fields) {
    for name in PADDED {
        out.trim_end(name);
    }
}

/// One member of EventData/UserData (or of an element nested in them) at `depth`, lifted
/// to the top. An element that carries only `#text` (unnamed `<Data>` lists, for
/// instance) keeps its own name.
pub(super) fn lift_entry(key: &str, value: Value, out: &mut Fields, depth: usize) {
    if key == "#attributes" {
        return;
    }
    // Defender writes "Threat Name", "Process Name"; Sigma rules say ThreatName.
    if key.contains(' ') && !value.is_object() {
        out.insert_if_absent(&key.replace(' ', ""), value.clone());
    }
    match value {
        Value::Object(inner) if depth < 8 => {
            if inner.len() == 1
                && let Some(text) = inner.get("#text")
            {
                out.insert_if_absent(key, text.clone());
            } else {
                for (k, v) in inner {
                    lift_entry(&k, v, out, depth + 1);
                }
            }
        }
        Value::Null => out.insert_str_if_absent(key, ""),
        other => out.insert_if_absent(key, other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn system_attributes_and_event_data_become_flat_fields() {
        let record = json!({"Event": {
            "#attributes": {"xmlns": "x"},
            "System": {
                "Provider": {"#attributes": {"Name": "Microsoft-Windows-Security-Auditing"}},
                "EventID": {"#attributes": {"Qualifiers": 0}, "#text": 4688},
                "TimeCreated": {"#attributes": {"SystemTime": "2019-03-19T23:34:25.123456Z"}},
                "Channel": "Security", "Computer": "PC01", "EventRecordID": 42
            },
            "EventData": {"NewProcessName": "C:\\Windows\\cmd.exe", "CommandLine": null}
        }});
        let e = from_evtx_json(record).unwrap();
        assert_eq!(e.fields.to_json()["Provider_Name"], "Microsoft-Windows-Security-Auditing");
        assert_eq!(e.event_id(), Some(4688));
        assert_eq!(e.channel(), "Security");
        assert_eq!(e.computer(), "PC01");
        assert_eq!(e.record_id(), Some(42));
        assert_eq!(e.fields.to_json()["CommandLine"], "");
        assert_eq!(e.timestamp.unwrap().to_string(), "2019-03-19T23:34:25.123456Z");
    }

    #[test]
    fn user_data_leaves_are_lifted() {
        let record = json!({"Event": {"System": {"EventID": 1102, "Channel": "Security"},
            "UserData": {"LogFileCleared": {"#attributes": {"xmlns": "y"}, "SubjectUserName": "bob"}}}});
        let e = from_evtx_json(record).unwrap();
        assert_eq!(e.fields.to_json()["SubjectUserName"], "bob");
    }

    #[test]
    fn names_with_spaces_are_also_given_without() {
        let record = json!({"Event": {"System": {"EventID": 1119}, "EventData": {"Threat Name": "EICAR"}}});
        let e = from_evtx_json(record).unwrap();
        assert_eq!(e.fields.to_json()["ThreatName"], "EICAR");
        assert_eq!(e.fields.to_json()["Threat Name"], "EICAR");
    }

    #[test]
    fn padded_logon_process_names_are_trimmed_and_other_values_kept() {
        let record = json!({"Event": {"System": {"EventID": 4624, "Channel": "Security"},
            "EventData": {"LogonProcessName": "NtLmSsp ", "CommandLine": "net use x: pass "}}});
        let e = from_evtx_json(record).unwrap();
        assert_eq!(e.fields.to_json()["LogonProcessName"], "NtLmSsp");
        assert!(e.fields.to_json()["CommandLine"].as_str().unwrap().ends_with(' '));
    }

    #[test]
    fn a_record_without_system_is_refused() {
        assert_eq!(from_evtx_json(json!({"Event": {}})).unwrap_err(), EvtxError::NoSystem);
        assert_eq!(from_evtx_json(json!([1])).unwrap_err(), EvtxError::NoSystem);
    }
}
