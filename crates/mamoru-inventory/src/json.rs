//! Exporting the register as JSON, for other tools rather than for people.
//!
//! Keys are the canonical English keys in [`COLUMNS`] order, categories their stable codes
//! (`vpn`, `medical_device`), flags booleans, dates `YYYY-MM-DD` and missing values `null`.
//! Objects are serialised field by field instead of through `serde_json::Map`, whose key order
//! depends on a crate feature that another crate of the workspace could turn on or off.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use crate::columns::COLUMNS;
use crate::write::{ExportRow, Value, value};

struct Rows<'a>(&'a [ExportRow]);
struct Object<'a>(&'a ExportRow);

impl Serialize for Rows<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for row in self.0 {
            seq.serialize_element(&Object(row))?;
        }
        seq.end()
    }
}

impl Serialize for Object<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(COLUMNS.len()))?;
        for c in COLUMNS {
            match value(self.0, c.key) {
                Value::Text(t) => map.serialize_entry(c.key, &*t)?,
                Value::Category(cat) => map.serialize_entry(c.key, cat.code())?,
                Value::Flag(b) => map.serialize_entry(c.key, &b)?,
                Value::Date(d) => map.serialize_entry(c.key, &d.to_string())?,
                Value::Empty => map.serialize_entry(c.key, &())?,
            }
        }
        map.end()
    }
}

/// Writes the register as a pretty-printed JSON array of objects.
pub fn write_json(rows: &[ExportRow]) -> Vec<u8> {
    // Strings, booleans and nulls into a Vec cannot fail to serialise.
    let mut out = serde_json::to_vec_pretty(&Rows(rows)).unwrap_or_default();
    out.push(b'\n');
    out
}
