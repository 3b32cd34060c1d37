//! The checklist files' shape, read by serde from YAML (`yaml_serde`, the parser the detection
//! rules already use). Unknown and missing fields are refused by serde with their line; what
//! the values mean (groups, sheets, rule ids, years) is checked by [`super::checklist::load`].

use serde::Deserialize;

/// A whole file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEdition {
    pub(crate) edition: i64,
    pub(crate) title: String,
    pub(crate) published: Option<String>,
    pub(crate) source: String,
    pub(crate) items: Vec<RawItem>,
}

/// One entry under `items:`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawItem {
    pub(crate) id: String,
    pub(crate) no: Option<String>,
    pub(crate) sheets: Vec<String>,
    pub(crate) group: String,
    pub(crate) target: Option<String>,
    pub(crate) text: String,
    pub(crate) required_from: i64,
    pub(crate) rule: String,
    pub(crate) source: Option<String>,
    pub(crate) note: Option<String>,
}

/// A file serde refused: the line, the item (by its index under `items:`) and the message.
pub(crate) struct SyntaxError {
    pub(crate) line: usize,
    pub(crate) item: Option<usize>,
    pub(crate) message: String,
}

pub(crate) fn parse(text: &str) -> Result<RawEdition, SyntaxError> {
    yaml_serde::from_str(text).map_err(|e| {
        let line = e.location().map_or(1, |l| l.line());
        let mut message = e.to_string();
        // The line is reported by the caller, beside the file name.
        if let Some(at) = message.rfind(" at line ") {
            message.truncate(at);
        }
        // serde prefixes the path (`items[3].text: `); the item is named by its id instead.
        let item = Lines::new(text).item_at(line);
        if let Some(rest) = message.strip_prefix("items[").and_then(|r| r.split_once("]")) {
            message = rest.1.trim_start_matches(['.', ':', ' ']).to_owned();
            if let Some((field, m)) = message.split_once(": ").filter(|(f, _)| !f.contains(' ')) {
                message = format!("`{field}`: {m}");
            }
        }
        SyntaxError { line, item, message }
    })
}

/// Where each item starts in the text, to name the line of a fault serde cannot see (a
/// duplicate id, an unknown rule). This only locates; serde has already read the file.
pub(crate) struct Lines<'a> {
    lines: Vec<&'a str>,
    /// 1-based line of each item's `- `, in order.
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let lines: Vec<&str> = text.lines().collect();
        let items_at = lines.iter().position(|l| l.trim_end() == "items:");
        let mut starts = Vec::new();
        let mut indent = None;
        for (i, l) in lines.iter().enumerate().skip(items_at.map_or(lines.len(), |p| p + 1)) {
            let depth = l.len() - l.trim_start().len();
            if l.trim_start().starts_with("- ") && indent.is_none_or(|d| d == depth) {
                indent = Some(depth);
                starts.push(i + 1);
            }
        }
        Self { lines, starts }
    }

    /// The index of the item that `line` is in.
    pub(crate) fn item_at(&self, line: usize) -> Option<usize> {
        self.starts.iter().rposition(|&s| s <= line)
    }

    /// The line item `index` starts on.
    pub(crate) fn item(&self, index: usize) -> usize {
        self.starts.get(index).copied().unwrap_or(1)
    }

    /// The line of `key:` in item `index`, or the item's first line.
    pub(crate) fn field(&self, index: usize, key: &str) -> usize {
        let start = self.item(index);
        let end = self.starts.get(index + 1).copied().unwrap_or(self.lines.len() + 1);
        let wanted = format!("{key}:");
        (start..end)
            .find(|&n| self.lines[n - 1].trim_start().trim_start_matches("- ").starts_with(&wanted))
            .unwrap_or(start)
    }

    /// The line of a top-level `key:`, or 1.
    pub(crate) fn head(&self, key: &str) -> usize {
        let wanted = format!("{key}:");
        self.lines.iter().position(|l| l.starts_with(&wanted)).map_or(1, |i| i + 1)
    }
}
