//! The JSON the `evtx` crate renders for a record, read straight into the flat event:
//! `Event`, `System` and `EventData` are walked as they stream by, and names and text go
//! from the JSON into the event's one text buffer without a `String` or a map node per
//! field (decoding cost more than rendering before). The result is the one
//! [`from_evtx_json`](super::from_evtx_json) gives.
//!
//! The JSON is read by sonic-rs's serde reader, which finds the ends of strings with SIMD:
//! a tenth less time per record than serde_json's (`examples/scan_phases.rs`).

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::evtx::{EvtxError, finish, lift_entry};
use super::{Fields, LogEvent};

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

/// Decodes one record rendered as JSON (by the `evtx` crate's chunk renderer, as `hunt` reads
/// records, or by `EvtxRecord::into_json_bytes`: both give the same bytes).
pub fn from_evtx_json_bytes(bytes: &[u8]) -> Result<LogEvent, EvtxError> {
    // Names and text take no more room than the record's JSON (quotes, braces, escapes and
    // `#attributes` wrappings are dropped), so the buffer is not grown while it fills: at
    // half the JSON's size it was, in most Security records.
    let mut out = Fields::with_capacity(32, bytes.len());
    let mut has_system = false;
    let mut de = sonic_rs::Deserializer::from_slice(bytes);
    Walk { out: &mut out, has_system: &mut has_system, level: Level::Root }
        .deserialize(&mut de)
        .and_then(|()| de.end())
        .map_err(|e| EvtxError::Syntax(e.to_string()))?;
    if !has_system {
        return Err(EvtxError::NoSystem);
    }
    Ok(finish(out))
}

/// An object key, borrowed from the JSON unless it had escapes.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Cow<'de, str>, D::Error> {
        de.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a name")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
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

/// The part of a record a visitor is filling in.
struct Walk<'a> {
    out: &'a mut Fields,
    has_system: &'a mut bool,
    level: Level,
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
        let Walk { out, has_system, level } = self;
        while let Some(key) = map.next_key_seed(Key)? {
            let inner = match (level, key.as_ref()) {
                (Level::Root, "Event") => Level::Event,
                (Level::Event, "System") => {
                    *has_system = true;
                    Level::System
                }
                (Level::Event, "EventData" | "UserData") => Level::Data,
                (Level::System, _) => {
                    map.next_value_seed(Put { key: &key, out: &mut *out, as_: As::System })?;
                    continue;
                }
                (Level::Data, _) => {
                    map.next_value_seed(Put { key: &key, out: &mut *out, as_: As::Data })?;
                    continue;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            map.next_value_seed(Walk { out: &mut *out, has_system: &mut *has_system, level: inner })?;
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

/// How a value under `key` joins the event, as [`from_evtx_json`](super::from_evtx_json)
/// treats it.
#[derive(Clone, Copy, PartialEq)]
enum As {
    /// A member of `System`: an element's attributes become `Name_Attribute` and its text
    /// keeps its name, after them; null adds nothing; anything else is kept as it is.
    System,
    /// One of an element's `#attributes`: kept as it is.
    Attribute,
    /// A member of EventData/UserData: lifted (`lift_entry`).
    Data,
}

/// Puts one value into the event; text goes straight from the JSON into the event's buffer.
struct Put<'k, 'a> {
    key: &'k str,
    out: &'a mut Fields,
    as_: As,
}

impl Put<'_, '_> {
    fn value(self, v: Value) {
        match self.as_ {
            As::System if v.is_null() => {}
            As::System | As::Attribute => self.out.insert(self.key, v),
            As::Data => lift_entry(self.key, v, self.out, 0),
        }
    }
}

impl<'de> DeserializeSeed<'de> for Put<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Put<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field's value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        if self.as_ != As::System {
            let v = Value::deserialize(MapAccessDeserializer::new(map))?;
            self.value(v);
            return Ok(());
        }
        let Put { key, out, .. } = self;
        let mut text = None;
        while let Some(name) = map.next_key_seed(Key)? {
            match name.as_ref() {
                "#attributes" => map.next_value_seed(Attributes { element: key, out: &mut *out })?,
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
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        let v = Value::deserialize(SeqAccessDeserializer::new(seq))?;
        self.value(v);
        Ok(())
    }
    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        match self.as_ {
            As::System | As::Attribute => self.out.insert_str(self.key, v),
            As::Data if self.key == "#attributes" => {}
            As::Data => {
                // As `lift_entry` does for text: "Threat Name" is also given as ThreatName.
                if self.key.contains(' ') {
                    self.out.insert_str_if_absent(&self.key.replace(' ', ""), v);
                }
                self.out.insert_str_if_absent(self.key, v);
            }
        }
        Ok(())
    }
    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.value(Value::from(v));
        Ok(())
    }
    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        self.value(Value::from(v));
        Ok(())
    }
    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        self.value(Value::from(v));
        Ok(())
    }
    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        self.value(Value::from(v));
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        self.value(Value::Null);
        Ok(())
    }
}

/// An element's `#attributes`, each as `Element_Name`; anything but an object adds nothing.
struct Attributes<'k, 'a> {
    element: &'k str,
    out: &'a mut Fields,
}

impl<'de> DeserializeSeed<'de> for Attributes<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Attributes<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an element's attributes")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Attributes { element, out } = self;
        let mut joined = String::with_capacity(64);
        while let Some(name) = map.next_key_seed(Key)? {
            joined.clear();
            joined.push_str(element);
            joined.push('_');
            joined.push_str(&name);
            map.next_value_seed(Put { key: &joined, out: &mut *out, as_: As::Attribute })?;
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
        assert_eq!(a.fields, b.fields);
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
