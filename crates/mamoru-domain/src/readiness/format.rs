//! The checklist files' format: a strict subset of YAML, read by hand so the domain keeps no
//! dependencies (and no serde, an invariant of this crate).
//!
//! Accepted: `#` comment lines, top-level `key: value` lines, then `items:` followed by
//! entries that start with `- key: value` and continue with indented `key: value` lines.
//! A value is plain text, a `"quoted"` string (`\"` and `\\` escapes), or a flow list
//! `[a, b]`. Anything else is refused with its line, so what the loader reads is exactly what
//! any YAML tool reads.

/// A value as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    /// A scalar.
    Text(String),
    /// A flow list of scalars.
    List(Vec<String>),
}

/// One `key: value` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Field {
    pub(crate) key: String,
    pub(crate) value: Value,
    pub(crate) line: usize,
}

/// One `- ...` entry under `items:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) line: usize,
    pub(crate) fields: Vec<Field>,
}

impl Entry {
    pub(crate) fn get(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }
}

/// A whole file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Doc {
    pub(crate) head: Vec<Field>,
    pub(crate) items: Vec<Entry>,
}

/// A line the format does not accept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub(crate) line: usize,
    pub(crate) message: String,
}

pub(crate) fn parse(text: &str) -> Result<Doc, SyntaxError> {
    let mut doc = Doc::default();
    let mut in_items = false;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let err = |message: &str| SyntaxError { line, message: message.to_owned() };
        if raw.contains('\t') {
            return Err(err("tabs are not allowed; indent with spaces"));
        }
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indented = raw.starts_with(' ');
        if !indented {
            if in_items {
                return Err(err("top-level keys must come before `items:`"));
            }
            if trimmed == "items:" {
                in_items = true;
                continue;
            }
            let field = field(trimmed, line)?;
            if doc.head.iter().any(|f| f.key == field.key) {
                return Err(err(&format!("`{}` is given twice", field.key)));
            }
            doc.head.push(field);
            continue;
        }
        if !in_items {
            return Err(err("indented line outside `items:`"));
        }
        if let Some(rest) = trimmed.strip_prefix("- ") {
            doc.items.push(Entry { line, fields: vec![field(rest.trim(), line)?] });
            continue;
        }
        let Some(entry) = doc.items.last_mut() else {
            return Err(err("an item must start with `- `"));
        };
        let field = field(trimmed, line)?;
        if entry.get(&field.key).is_some() {
            return Err(err(&format!("`{}` is given twice in one item", field.key)));
        }
        entry.fields.push(field);
    }
    if !in_items {
        return Err(SyntaxError { line: text.lines().count(), message: "no `items:` list".into() });
    }
    Ok(doc)
}

fn field(s: &str, line: usize) -> Result<Field, SyntaxError> {
    let err = |message: String| SyntaxError { line, message };
    let (key, value) = match s.split_once(':') {
        Some((k, v)) if v.is_empty() || v.starts_with(' ') => (k.trim(), v.trim()),
        _ => return Err(err(format!("expected `key: value`, found {s:?}"))),
    };
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
        return Err(err(format!("{key:?} is not a key (lowercase letters, digits, `_`)")));
    }
    let value = match value.strip_prefix('[') {
        Some(rest) => {
            let inner = rest.strip_suffix(']').ok_or_else(|| err("a list must end with `]`".into()))?;
            let items = inner.split(',').map(str::trim).filter(|v| !v.is_empty());
            Value::List(items.map(|v| scalar(v).map_err(&err)).collect::<Result<_, _>>()?)
        }
        None => Value::Text(scalar(value).map_err(err)?),
    };
    Ok(Field { key: key.to_owned(), value, line })
}

fn scalar(v: &str) -> Result<String, String> {
    if let Some(rest) = v.strip_prefix('"') {
        let body = rest.strip_suffix('"').ok_or_else(|| format!("unterminated quote in {v:?}"))?;
        let mut out = String::new();
        let mut chars = body.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some(e @ ('"' | '\\')) => out.push(e),
                    _ => return Err(format!("only \\\" and \\\\ escapes are accepted in {v:?}")),
                },
                '"' => return Err(format!("unescaped quote in {v:?}")),
                c => out.push(c),
            }
        }
        return Ok(out);
    }
    // Plain scalars that YAML would read differently (a comment, a nested mapping, a flow
    // collection, an alias) are refused rather than guessed at.
    if v.contains(" #") || v.contains(": ") || v.starts_with(['&', '*', '!', '|', '>', '{', '\'', '@', '`']) {
        return Err(format!("quote {v:?}: as plain text YAML would read it differently"));
    }
    Ok(v.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_and_items_are_read_with_their_lines() {
        let doc = parse("# c\nedition: 2025\nitems:\n  - id: a\n    sheets: [facility, vendor]\n    text: \"x: \\\"y\\\"\"\n  - id: b\n")
            .unwrap();
        assert_eq!(doc.head[0].value, Value::Text("2025".into()));
        assert_eq!(doc.items.len(), 2);
        assert_eq!(doc.items[0].line, 4);
        assert_eq!(doc.items[0].get("sheets").unwrap().value, Value::List(vec!["facility".into(), "vendor".into()]));
        assert_eq!(doc.items[0].get("text").unwrap().value, Value::Text("x: \"y\"".into()));
    }

    #[test]
    fn what_yaml_would_read_differently_is_refused_with_its_line() {
        for (text, line) in [
            ("items:\n  - id: a\n    text: a: b\n", 3),
            ("items:\n  - id: a\n    id: b\n", 3),
            ("items:\n    id: b\n", 2),
            ("items:\n  - id: a\nedition: 1\n", 3),
            ("edition: 1\n", 1),
            ("items:\n  - text: \"open\n", 2),
            ("items:\n  - text: x # y\n", 2),
            ("items:\n\t- id: a\n", 2),
        ] {
            assert_eq!(parse(text).unwrap_err().line, line, "{text}");
        }
    }
}
