//! A decoded event's fields, built for the scan's hot path: every name and string value in
//! one text buffer, the entries in the order they were added (as the log wrote them), and a
//! hash index over the names. Decoding a record costs a few allocations instead of two per
//! field, and a lookup hashes the name once with foldhash instead of SipHash: an EVTX record
//! decoded in 2.5 µs instead of 3.8 µs into a `serde_json::Map` (`examples/scan_phases.rs`).
//!
//! Nested objects and arrays (Winlogbeat documents, repeated `Data` names) are rare in the
//! logs Mamoru reads; they are kept as `serde_json::Value`s.

use std::fmt;
use std::hash::BuildHasher;

use foldhash::fast::FixedState;
use hashbrown::HashTable;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Number, Value};

/// A fixed seed: the index is rebuilt for every event and never shared, so there is no
/// flooding to defend against, and a fixed hash keeps runs reproducible.
const HASHER: FixedState = FixedState::with_seed(0x6d61_6d6f_7275_2021);

/// Where a piece of text lies in [`Fields::text`].
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
}

#[derive(Debug, Clone)]
enum Slot {
    Str(Span),
    Num(Number),
    Bool(bool),
    Null,
    /// An index into [`Fields::trees`].
    Tree(usize),
}

#[derive(Debug, Clone)]
struct Entry {
    name: Span,
    value: Slot,
}

/// One field's value as the event holds it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldValue<'a> {
    Str(&'a str),
    Num(&'a Number),
    Bool(bool),
    Null,
    /// An object or an array.
    Tree(&'a Value),
}

impl FieldValue<'_> {
    pub fn to_json(&self) -> Value {
        match *self {
            FieldValue::Str(s) => Value::String(s.to_owned()),
            FieldValue::Num(n) => Value::Number(n.clone()),
            FieldValue::Bool(b) => Value::Bool(b),
            FieldValue::Null => Value::Null,
            FieldValue::Tree(v) => v.clone(),
        }
    }
}

/// The fields of one event, by name, in the order they were added.
#[derive(Clone, Default)]
pub struct Fields {
    text: String,
    entries: Vec<Entry>,
    /// Nested values, each as a one-member object `{name: value}` so that a dotted name
    /// (`winlog.event_data.User`) can be followed into it by rsigma's own path walker. A
    /// tree replaced by a scalar becomes `null` here.
    trees: Vec<Value>,
    /// Entry numbers, hashed by name.
    index: HashTable<usize>,
}

/// How [`Fields::insert_text_with`] and [`Fields::insert_hashed`] treat a name already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum How {
    /// The new value replaces it ([`Fields::insert`]).
    Replace,
    /// It is kept ([`Fields::insert_if_absent`]).
    KeepFirst,
    /// The caller knows the name is not there yet: no lookup (checked in debug builds).
    New,
}

/// What is being added: a scalar copied into the text buffer, or a value moved in.
enum Input<'a> {
    Str(&'a str),
    Json(Value),
}

impl Fields {
    /// Room for `fields` entries with `bytes` of names and text.
    pub fn with_capacity(fields: usize, bytes: usize) -> Self {
        Fields {
            text: String::with_capacity(bytes),
            entries: Vec::with_capacity(fields),
            trees: Vec::new(),
            index: HashTable::with_capacity(fields),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn str_at(&self, span: Span) -> &str {
        &self.text[span.start..span.end]
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.find(HASHER.hash_one(name), name)
    }

    /// The entry named `name`, whose hash is `hash`.
    fn find(&self, hash: u64, name: &str) -> Option<usize> {
        self.index.find(hash, |&i| name_of(&self.text, &self.entries[i]) == name).copied()
    }

    fn value_of<'a>(&'a self, slot: &'a Slot) -> FieldValue<'a> {
        match slot {
            Slot::Str(span) => FieldValue::Str(self.str_at(*span)),
            Slot::Num(n) => FieldValue::Num(n),
            Slot::Bool(b) => FieldValue::Bool(*b),
            Slot::Null => FieldValue::Null,
            Slot::Tree(t) => FieldValue::Tree(tree_value(&self.trees[*t])),
        }
    }

    /// The field named exactly `name`.
    pub fn get(&self, name: &str) -> Option<FieldValue<'_>> {
        self.position(name).map(|i| self.value_of(&self.entries[i].value))
    }

    /// Where `name` stands among the fields, counting from 0 in the order they were added.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.position(name)
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.position(name).is_some()
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| self.str_at(e.name))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, FieldValue<'_>)> {
        self.entries.iter().map(|e| (self.str_at(e.name), self.value_of(&e.value)))
    }

    /// The nested values, each as `{name: value}`.
    pub(crate) fn trees(&self) -> &[Value] {
        &self.trees
    }

    /// Sets `name` to `value`; a field already there keeps its place, as in a map.
    pub fn insert(&mut self, name: &str, value: Value) {
        self.put(name, Input::Json(value), false);
    }

    pub fn insert_str(&mut self, name: &str, value: &str) {
        self.put(name, Input::Str(value), false);
    }

    /// Adds `name` unless the event has it already.
    pub fn insert_if_absent(&mut self, name: &str, value: Value) {
        self.put(name, Input::Json(value), true);
    }

    pub fn insert_str_if_absent(&mut self, name: &str, value: &str) {
        self.put(name, Input::Str(value), true);
    }

    /// Empties the fields, keeping their room for the next event.
    pub(crate) fn clear(&mut self) {
        self.text.clear();
        self.entries.clear();
        self.trees.clear();
        self.index.clear();
    }

    /// The hash of `name` in the index, for [`Fields::insert_text_with`] and
    /// [`Fields::insert_hashed`] to be given again and again.
    pub(crate) fn hash(name: &str) -> u64 {
        HASHER.hash_one(name)
    }

    /// Puts text under `name` (whose [`Fields::hash`] is `hash`), `write` writing it straight
    /// into the buffer (no copy through a `String` of its own).
    pub(crate) fn insert_text_with(&mut self, name: &str, hash: u64, how: How, write: impl FnOnce(&mut String)) {
        let Some(found) = self.existing(name, hash, how) else { return };
        let start = self.text.len();
        write(&mut self.text);
        let value = Slot::Str(Span { start, end: self.text.len() });
        self.set(name, hash, found, value);
    }

    /// [`Fields::insert`] with the name's hash given, and `how`.
    pub(crate) fn insert_hashed(&mut self, name: &str, hash: u64, how: How, value: Value) {
        let Some(found) = self.existing(name, hash, how) else { return };
        let value = self.slot(name, Input::Json(value));
        self.set(name, hash, found, value);
    }

    /// `Some(entry)` to replace, `Some(None)` to add, `None` to leave as it is.
    fn existing(&self, name: &str, hash: u64, how: How) -> Option<Option<usize>> {
        if how == How::New {
            debug_assert!(self.find(hash, name).is_none(), "{name} is there already");
            return Some(None);
        }
        match self.find(hash, name) {
            Some(_) if how == How::KeepFirst => None,
            found => Some(found),
        }
    }

    #[inline]
    fn set(&mut self, name: &str, hash: u64, found: Option<usize>, value: Slot) {
        match found {
            Some(i) => {
                if let Slot::Tree(t) = self.entries[i].value {
                    self.trees[t] = Value::Null;
                }
                self.entries[i].value = value;
            }
            None => {
                let name_span = self.push_text(name);
                let i = self.entries.len();
                self.entries.push(Entry { name: name_span, value });
                let (text, entries) = (&self.text, &self.entries);
                self.index.insert_unique(hash, i, |&j| HASHER.hash_one(name_of(text, &entries[j])));
            }
        }
    }

    fn put(&mut self, name: &str, value: Input<'_>, keep_first: bool) {
        let hash = HASHER.hash_one(name);
        let how = if keep_first { How::KeepFirst } else { How::Replace };
        let Some(found) = self.existing(name, hash, how) else { return };
        let value = self.slot(name, value);
        self.set(name, hash, found, value);
    }

    fn push_text(&mut self, s: &str) -> Span {
        let start = self.text.len();
        self.text.push_str(s);
        Span { start, end: self.text.len() }
    }

    fn slot(&mut self, name: &str, value: Input<'_>) -> Slot {
        match value {
            Input::Str(s) => Slot::Str(self.push_text(s)),
            Input::Json(Value::String(s)) => Slot::Str(self.push_text(&s)),
            Input::Json(Value::Number(n)) => Slot::Num(n),
            Input::Json(Value::Bool(b)) => Slot::Bool(b),
            Input::Json(Value::Null) => Slot::Null,
            Input::Json(tree) => {
                let mut wrapper = Map::with_capacity(1);
                wrapper.insert(name.to_owned(), tree);
                self.trees.push(Value::Object(wrapper));
                Slot::Tree(self.trees.len() - 1)
            }
        }
    }

    /// Cuts trailing whitespace off a text field (Windows' padding of fixed-width names).
    pub(crate) fn trim_end(&mut self, name: &str) {
        if let Some(i) = self.position(name)
            && let Slot::Str(span) = self.entries[i].value
        {
            let kept = self.str_at(span).trim_end().len();
            self.entries[i].value = Slot::Str(Span { start: span.start, end: span.start + kept });
        }
    }

    /// Gives `name` a new value computed from the one it has (event ids written as text).
    pub(crate) fn update(&mut self, name: &str, change: impl FnOnce(FieldValue<'_>) -> Option<Value>) {
        let Some(i) = self.position(name) else { return };
        if let Some(new) = change(self.value_of(&self.entries[i].value)) {
            self.insert(name, new);
        }
    }

    /// Every string value with the name it sits under (`parent.child` inside trees).
    pub(crate) fn visit_strings(&self, visit: &mut dyn FnMut(&str, &str)) {
        for (name, value) in self.iter() {
            match value {
                FieldValue::Str(s) => visit(name, s),
                FieldValue::Tree(tree) => visit_tree_strings(tree, name, visit),
                _ => {}
            }
        }
    }

    pub fn to_json(&self) -> Value {
        Value::Object(self.iter().map(|(k, v)| (k.to_owned(), v.to_json())).collect())
    }
}

/// An entry's name, from the text buffer it lies in.
fn name_of<'a>(text: &'a str, entry: &Entry) -> &'a str {
    &text[entry.name.start..entry.name.end]
}

/// The value inside a `{name: value}` wrapper (`null` for a tree since replaced).
fn tree_value(wrapper: &Value) -> &Value {
    match wrapper {
        Value::Object(map) => map.values().next().unwrap_or(&Value::Null),
        other => other,
    }
}

fn visit_tree_strings(value: &Value, path: &str, visit: &mut dyn FnMut(&str, &str)) {
    match value {
        Value::String(s) => visit(path, s),
        Value::Array(items) => items.iter().for_each(|v| visit_tree_strings(v, path, visit)),
        Value::Object(map) => {
            for (k, v) in map {
                visit_tree_strings(v, &format!("{path}.{k}"), visit);
            }
        }
        _ => {}
    }
}

impl From<Map<String, Value>> for Fields {
    fn from(map: Map<String, Value>) -> Self {
        let mut fields = Fields::with_capacity(map.len(), 0);
        for (k, v) in map {
            fields.insert(&k, v);
        }
        fields
    }
}

impl Serialize for Fields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (k, v) in self.iter() {
            match v {
                FieldValue::Str(s) => map.serialize_entry(k, s)?,
                FieldValue::Num(n) => map.serialize_entry(k, n)?,
                FieldValue::Bool(b) => map.serialize_entry(k, &b)?,
                FieldValue::Null => map.serialize_entry(k, &())?,
                FieldValue::Tree(t) => map.serialize_entry(k, t)?,
            }
        }
        map.end()
    }
}

impl fmt::Debug for Fields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl PartialEq for Fields {
    /// The same fields with the same values, in the same order.
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_keep_their_order_and_a_replaced_field_its_place() {
        let mut f = Fields::default();
        f.insert_str("b", "1");
        f.insert("a", json!(2));
        f.insert("c", json!({"x": [1, "y"]}));
        f.insert_str("b", "3");
        f.insert_if_absent("a", json!("ignored"));
        f.insert_str_if_absent("d", "4");
        assert_eq!(f.keys().collect::<Vec<_>>(), ["b", "a", "c", "d"]);
        assert_eq!(serde_json::to_string(&f).unwrap(), r#"{"b":"3","a":2,"c":{"x":[1,"y"]},"d":"4"}"#);
        assert_eq!(f.to_json(), json!({"b": "3", "a": 2, "c": {"x": [1, "y"]}, "d": "4"}));
        assert_eq!(f.get("c"), Some(FieldValue::Tree(&json!({"x": [1, "y"]}))));
        assert_eq!(f.get("e"), None);
    }

    #[test]
    fn many_fields_are_all_found() {
        let mut f = Fields::default();
        for i in 0..500 {
            f.insert_str(&format!("field{i}"), &i.to_string());
        }
        assert!((0..500).all(|i| f.get(&format!("field{i}")) == Some(FieldValue::Str(&i.to_string()))));
        assert!(!f.contains_key("field500"));
    }

    #[test]
    fn a_tree_replaced_by_text_leaves_nothing_behind() {
        let mut f = Fields::default();
        f.insert("t", json!({"inner": "secret"}));
        f.insert_str("t", "plain");
        let mut seen = Vec::new();
        f.visit_strings(&mut |k, v| seen.push(format!("{k}={v}")));
        assert_eq!(seen, ["t=plain"]);
        assert!(f.trees().iter().all(|t| tree_value(t).is_null()));
    }

    #[test]
    fn trimming_and_updating_change_only_the_field_named() {
        let mut f = Fields::from(json!({"p": "NtLmSsp  ", "id": "4688", "ids": ["1", 2]}).as_object().unwrap().clone());
        f.trim_end("p");
        f.update("id", |v| match v {
            FieldValue::Str(s) => s.parse::<u64>().ok().map(Value::from),
            _ => None,
        });
        f.update("ids", |v| match v {
            FieldValue::Tree(Value::Array(items)) => Some(Value::from(items.len())),
            _ => None,
        });
        assert_eq!(f.to_json(), json!({"p": "NtLmSsp", "id": 4688, "ids": 2}));
    }

    #[test]
    fn strings_are_visited_with_their_paths() {
        let f = Fields::from(
            json!({"a": "x", "n": 1, "w": {"e": {"u": "bob"}, "l": ["p", "q"]}}).as_object().unwrap().clone(),
        );
        let mut seen = Vec::new();
        f.visit_strings(&mut |k, v| seen.push(format!("{k}={v}")));
        assert_eq!(seen, ["a=x", "w.e.u=bob", "w.l=p", "w.l=q"]);
    }
}
