//! An event as one log source's rules see it: rsigma's [`Event`] over [`Fields`], with the
//! Sigma field names that the mapping renames read from the event's own field. It answers
//! as rsigma's `JsonEvent` would over the same fields as a JSON object; the tests below hold
//! it to that.

use std::borrow::Cow;

use rsigma_eval::{Event, EventValue, JsonEvent};
use rsigma_parser::fieldpath::unescape_brackets;
use serde_json::Value;

use super::fields::{FieldValue, Fields};

pub(crate) struct View<'a> {
    fields: &'a Fields,
    renames: &'a [(String, String)],
}

impl<'a> View<'a> {
    pub(crate) fn new(fields: &'a Fields, renames: &'a [(String, String)]) -> Self {
        View { fields, renames }
    }

    /// A field as `JsonEvent::get_field` finds it: the exact name first, then a path
    /// (`a.b`, `a[0]`, `a\[0\]`) into the nested values.
    fn lookup(&self, path: &str) -> Option<EventValue<'a>> {
        if let Some(v) = self.fields.get(path) {
            return Some(event_value(v));
        }
        if !path.contains(['.', '[', '\\']) {
            return None;
        }
        // An escaped bracket in a name without dots names a flat key (`args\[0\]`).
        if path.contains('\\') && !path.contains('.') {
            let name = unescape_brackets(path);
            if let Some(v) = self.fields.get(&name) {
                return Some(event_value(v));
            }
        }
        // Each tree is `{name: value}`, so rsigma's walker starts at the same root the
        // path names; a hit is copied out of the short-lived `JsonEvent`.
        self.fields.trees().iter().find_map(|tree| JsonEvent::borrow(tree).get_field(path).map(owned))
    }

    /// The Sigma names of the renames whose event field this event has.
    fn renamed_present(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.renames.iter().filter(|(_, to)| self.lookup(to).is_some()).map(|(from, _)| from.as_str())
    }
}

fn event_value(v: FieldValue<'_>) -> EventValue<'_> {
    match v {
        FieldValue::Str(s) => EventValue::Str(Cow::Borrowed(s)),
        FieldValue::Num(n) => match n.as_i64() {
            Some(i) => EventValue::Int(i),
            None => EventValue::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        FieldValue::Bool(b) => EventValue::Bool(b),
        FieldValue::Null => EventValue::Null,
        FieldValue::Tree(t) => EventValue::from(t),
    }
}

fn owned(v: EventValue<'_>) -> EventValue<'static> {
    match v {
        EventValue::Str(s) => EventValue::Str(Cow::Owned(s.into_owned())),
        EventValue::Int(i) => EventValue::Int(i),
        EventValue::Float(f) => EventValue::Float(f),
        EventValue::Bool(b) => EventValue::Bool(b),
        EventValue::Null => EventValue::Null,
        EventValue::Array(items) => EventValue::Array(items.into_iter().map(owned).collect()),
        EventValue::Map(entries) => {
            EventValue::Map(entries.into_iter().map(|(k, v)| (Cow::Owned(k.into_owned()), owned(v))).collect())
        }
    }
}

impl Event for View<'_> {
    fn get_field(&self, path: &str) -> Option<EventValue<'_>> {
        if let Some((_, to)) = self.renames.iter().find(|(from, _)| from == path)
            && let Some(v) = self.lookup(to)
        {
            return Some(v);
        }
        self.lookup(path)
    }

    fn any_string_value(&self, pred: &dyn Fn(&str) -> bool) -> bool {
        let mut found = false;
        self.visit_string_values(&mut |s| found = found || pred(s));
        found
    }

    fn all_string_values(&self) -> Vec<Cow<'_, str>> {
        let mut out = Vec::new();
        for (_, value) in self.fields.iter() {
            match value {
                FieldValue::Str(s) => out.push(Cow::Borrowed(s)),
                FieldValue::Tree(t) => {
                    JsonEvent::borrow(t).visit_string_values(&mut |s| out.push(Cow::Owned(s.to_owned())))
                }
                _ => {}
            }
        }
        out
    }

    fn visit_string_values(&self, visit: &mut dyn FnMut(&str)) {
        for (_, value) in self.fields.iter() {
            match value {
                FieldValue::Str(s) => visit(s),
                FieldValue::Tree(t) => JsonEvent::borrow(t).visit_string_values(visit),
                _ => {}
            }
        }
    }

    fn to_json(&self) -> Value {
        self.fields.to_json()
    }

    // Renamed fields are reachable under names the object does not have: the Sigma name
    // of every rename whose event field is present is a key too. Without a complete key
    // set the candidate index would probe every field it knows for each event.
    fn top_level_keys(&self) -> Option<Vec<Cow<'_, str>>> {
        let mut keys: Vec<Cow<'_, str>> = self.fields.keys().map(Cow::Borrowed).collect();
        keys.extend(self.renamed_present().map(Cow::Borrowed));
        Some(keys)
    }

    fn visit_top_level_keys(&self, visit: &mut dyn FnMut(&str)) -> bool {
        self.fields.keys().for_each(&mut *visit);
        self.renamed_present().for_each(visit);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The view and rsigma's `JsonEvent` over the same object answer every path alike.
    #[test]
    fn paths_resolve_as_over_the_json_object() {
        let doc = json!({
            "CommandLine": "cmd /c whoami", "EventID": 4688, "Ratio": 1.5, "Big": 18446744073709551615u64,
            "Flag": true, "Nothing": null, "a.b": "flat dotted",
            "args[0]": "escaped", "list": ["x", "y", {"k": "z"}],
            "winlog": {"event_data": {"User": "bob", "Ids": [1, 2]}, "channel": "Security"},
            "rows": [{"n": 1}, {"n": 2}]
        });
        let fields = Fields::from(doc.as_object().unwrap().clone());
        let view = View::new(&fields, &[]);
        let json = JsonEvent::borrow(&doc);
        for path in [
            "CommandLine",
            "EventID",
            "Ratio",
            "Big",
            "Flag",
            "Nothing",
            "a.b",
            "args\\[0\\]",
            "args[0]",
            "list",
            "list[0]",
            "list[-1].k",
            "list.k",
            "winlog.event_data.User",
            "winlog.event_data.Ids",
            "winlog.event_data",
            "winlog.missing",
            "rows.n",
            "rows[1].n",
            "missing",
            "missing.x",
            "CommandLine.x",
        ] {
            assert_eq!(view.get_field(path), json.get_field(path), "{path}");
        }
        let mut a = Vec::new();
        view.visit_string_values(&mut |s| a.push(s.to_owned()));
        let mut b = Vec::new();
        json.visit_string_values(&mut |s| b.push(s.to_owned()));
        assert_eq!(a, b);
        assert_eq!(view.all_string_values(), json.all_string_values());
        assert!(view.any_string_value(&|s| s == "bob"));
        assert!(!view.any_string_value(&|s| s == "carol"));
        assert_eq!(view.to_json(), doc);
    }

    #[test]
    fn renamed_fields_are_read_from_the_event_field_and_listed_as_keys() {
        let fields = Fields::from(json!({"NewProcessName": "C:\\x.exe"}).as_object().unwrap().clone());
        let renames = [("Image".to_string(), "NewProcessName".to_string()), ("User".into(), "SubjectUserName".into())];
        let view = View::new(&fields, &renames);
        assert_eq!(view.get_field("Image"), Some(EventValue::Str(Cow::Borrowed("C:\\x.exe"))));
        assert_eq!(view.get_field("User"), None);
        let mut keys = Vec::new();
        assert!(view.visit_top_level_keys(&mut |k| keys.push(k.to_owned())));
        assert_eq!(keys, ["NewProcessName", "Image"]);
    }
}
