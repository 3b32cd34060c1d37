//! The JSON the `evtx` crate renders for a record, read straight into the flat event:
//! `Event`, `System` and `EventData` are walked as they stream by instead of being built
//! as a tree of maps first and taken apart afterwards (most of a record's decoding time).
//! The result is the one [`from_evtx_json`](super::from_evtx_json) gives.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::LogEvent;
use super::evtx::{EvtxError, finish, lift_entry};

/// Visitor methods for scalars that add nothing to the event.
macro_rules! ignore_scalars {
    () => {
        fn visit_bool<E>(self, _: bool) -> Result<(), E> {
            Ok(())
        }
        fn visit_i64<E>(self, _: i64) -> Result<(), E> {
            Ok(())
        }
        fn visit_u64<E>(self, _: u64) -> Result<(), E> {
            Ok(())
        }
        fn visit_f64<E>(self, _: f64) -> Result<(), E> {
            Ok(())
        }
        fn visit_str<E>(self, _: &str) -> Result<(), E> {
            Ok(())
        }
        fn visit_unit<E>(self) -> Result<(), E> {
            Ok(())
        }
    };
}

/// Decodes one record rendered as JSON (`EvtxRecord::into_json_bytes`).
pub fn from_evtx_json_bytes(bytes: &[u8]) -> Result<LogEvent, EvtxError> {
    let mut out = Map::with_capacity(32);
    let mut has_system = false;
    let mut de = serde_json::Deserializer::from_slice(bytes);
    Root { out: &mut out, has_system: &mut has_system }
        .deserialize(&mut de)
        .and_then(|()| de.end())
        .map_err(|e| EvtxError::Syntax(e.to_string()))?;
    if !has_system {
        return Err(EvtxError::NoSystem);
    }
    Ok(finish(out))
}

/// The part of a record a visitor is filling in.
struct Root<'a> {
    out: &'a mut Map<String, Value>,
    has_system: &'a mut bool,
}

/// Which level of the record a map is.
#[derive(Clone, Copy)]
enum Level {
    Root,
    Event,
    System,
    /// EventData or UserData.
    Data,
}

struct Walk<'a> {
    root: Root<'a>,
    level: Level,
}

impl<'de> DeserializeSeed<'de> for Root<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(Walk { root: self, level: Level::Root })
    }
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an EVTX record as JSON")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Walk { root, level } = self;
        while let Some(key) = map.next_key::<String>()? {
            match (level, key.as_str()) {
                (Level::Root, "Event") => map.next_value_seed(Walk {
                    root: Root { out: root.out, has_system: root.has_system },
                    level: Level::Event,
                })?,
                (Level::Event, "System") => {
                    *root.has_system = true;
                    map.next_value_seed(Walk {
                        root: Root { out: root.out, has_system: root.has_system },
                        level: Level::System,
                    })?;
                }
                (Level::Event, "EventData" | "UserData") => map.next_value_seed(Walk {
                    root: Root { out: root.out, has_system: root.has_system },
                    level: Level::Data,
                })?,
                (Level::System, _) => map.next_value_seed(SystemValue { key, out: root.out })?,
                (Level::Data, _) => lift_entry(key, map.next_value()?, root.out, 0),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }

    // Anything but an object, at any level, adds nothing (as in `from_evtx_json`).
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }
    ignore_scalars!();
}

/// One member of `System`, as [`system_entry`](super::evtx::system_entry) treats it: an
/// element's attributes become `Name_Attribute` and its text keeps its name, after them;
/// null adds nothing; anything else is kept as it is.
struct SystemValue<'a> {
    key: String,
    out: &'a mut Map<String, Value>,
}

impl<'de> DeserializeSeed<'de> for SystemValue<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for SystemValue<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a System element")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let SystemValue { key, out } = self;
        let mut text = None;
        while let Some(name) = map.next_key::<String>()? {
            match name.as_str() {
                "#attributes" => map.next_value_seed(Attributes { element: &key, out: &mut *out })?,
                "#text" => text = Some(map.next_value::<Value>()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if let Some(text) = text {
            out.insert(key, text);
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Value>()? {
            items.push(item);
        }
        self.out.insert(self.key, Value::Array(items));
        Ok(())
    }
    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.out.insert(self.key, Value::from(v));
        Ok(())
    }
    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        self.out.insert(self.key, Value::from(v));
        Ok(())
    }
    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        self.out.insert(self.key, Value::from(v));
        Ok(())
    }
    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        self.out.insert(self.key, Value::from(v));
        Ok(())
    }
    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        self.out.insert(self.key, Value::String(v.to_owned()));
        Ok(())
    }
    fn visit_string<E>(self, v: String) -> Result<(), E> {
        self.out.insert(self.key, Value::String(v));
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// An element's `#attributes`, each as `Element_Name`; anything but an object adds nothing.
struct Attributes<'a> {
    element: &'a str,
    out: &'a mut Map<String, Value>,
}

impl<'de> DeserializeSeed<'de> for Attributes<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Attributes<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an element's attributes")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(name) = map.next_key::<String>()? {
            let value = map.next_value::<Value>()?;
            self.out.insert(format!("{}_{name}", self.element), value);
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }
    ignore_scalars!();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::from_evtx_json;

    /// Both decoders give the same fields, in the same order, and the same time.
    fn same(json: &str) {
        let a = from_evtx_json_bytes(json.as_bytes()).unwrap();
        let b = from_evtx_json(serde_json::from_str(json).unwrap()).unwrap();
        assert_eq!(serde_json::to_string(&a.fields).unwrap(), serde_json::to_string(&b.fields).unwrap());
        assert_eq!(a.timestamp, b.timestamp);
        assert_eq!(a.format, b.format);
    }

    #[test]
    fn reads_records_as_the_tree_decoder_does() {
        same(
            r##"{"Event":{"#attributes":{"xmlns":"x"},"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Security-Auditing","Guid":"{54849625}"}},"EventID":{"#attributes":{"Qualifiers":0},"#text":4688},"TimeCreated":{"#attributes":{"SystemTime":"2019-03-19T23:34:25.123456Z"}},"Correlation":null,"Channel":"Security","Computer":"PC01","EventRecordID":42},"EventData":{"NewProcessName":"C:\\Windows\\cmd.exe","CommandLine":null,"LogonProcessName":"NtLmSsp ","Threat Name":"EICAR","Data":{"#text":["a","b"]},"Binary":[1,2]}}}"##,
        );
        same(
            r##"{"Event":{"System":{"EventID":1102,"Channel":"Security"},"UserData":{"LogFileCleared":{"#attributes":{"xmlns":"y"},"SubjectUserName":"bob","Deep":{"Inner":{"#text":"t"}}}}}}"##,
        );
        same(r##"{"Event":{"System":null,"EventData":"text"},"Other":1}"##);
        same(
            r##"{"Event":{"System":{"A":true,"B":-1,"C":1.5,"D":[1,"x"],"E":null,"F":{"#text":"t","#attributes":{"N":1}},"G":{"#attributes":5,"x":1},"H":{"#text":1,"#text":2}}}}"##,
        );
    }

    #[test]
    fn refuses_what_the_tree_decoder_refuses() {
        assert_eq!(from_evtx_json_bytes(br#"{"Event":{}}"#).unwrap_err(), EvtxError::NoSystem);
        assert_eq!(from_evtx_json_bytes(br#"[1]"#).unwrap_err(), EvtxError::NoSystem);
        assert!(matches!(from_evtx_json_bytes(br#"{"Event":{"System":"#), Err(EvtxError::Syntax(_))));
    }
}
