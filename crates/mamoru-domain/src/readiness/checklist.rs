//! The checklist's editions: one data file per fiscal year (`data/checklist/fy*.yml`),
//! embedded in the binary and validated when loaded.
//!
//! A new edition (令和8年度版, say) is a new file and one line in [`FILES`]; the loader
//! refuses a file with an unknown field, a missing field, a duplicate item id or an unknown
//! evidence rule, naming the file, the line and the item.

use std::collections::HashSet;
use std::sync::OnceLock;

use jiff::civil::Date;

use super::fiscal::FiscalYear;
use super::format::{self, Entry, Field, Value};
use super::rules::RuleId;
use super::{Group, Sheet, Target};

/// The embedded editions, oldest first: (file name, content).
pub const FILES: [(&str, &str); 3] = [
    ("fy2023.yml", include_str!("../../data/checklist/fy2023.yml")),
    ("fy2024.yml", include_str!("../../data/checklist/fy2024.yml")),
    ("fy2025.yml", include_str!("../../data/checklist/fy2025.yml")),
];

/// One edition of the checklist.
#[derive(Debug, Clone, PartialEq)]
pub struct Edition {
    /// The file it was read from, e.g. `fy2025.yml`.
    pub file: String,
    /// The fiscal year it is for (令和7年度版 = FY2025).
    pub fiscal_year: FiscalYear,
    /// Its title as published.
    pub title: String,
    /// When MHLW published it, if known.
    pub published: Option<Date>,
    /// Where its content comes from.
    pub source: String,
    /// Its items in the checklist's order.
    pub items: Vec<Item>,
}

/// One item (one row of a sheet, for one device class where the checklist splits by class).
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Stable id, the same in every edition that has the item (answers are kept under it).
    pub id: String,
    /// The checklist's own number, e.g. `2-⑩`, where known.
    pub no: Option<String>,
    /// The sheets it is on.
    pub sheets: Vec<Sheet>,
    /// Its group.
    pub group: Group,
    /// The device class it is checked for, where the checklist names one.
    pub target: Option<Target>,
    /// The item's text in Japanese.
    pub text: String,
    /// The fiscal year from which it must be in place (two-factor authentication: FY2027).
    pub required_from: FiscalYear,
    /// The evidence rule that can propose an answer on the facility's sheet, if any.
    pub rule: Option<RuleId>,
    /// Where the item's wording comes from.
    pub source: Option<String>,
    /// A remark shown beside the item.
    pub note: Option<String>,
}

impl Item {
    /// Whether the item must be in place in `fy` (before that, いいえ is expected and fine).
    pub fn required_in(&self, fy: FiscalYear) -> bool {
        fy >= self.required_from
    }

    /// Whether the item is on `sheet`.
    pub fn on(&self, sheet: Sheet) -> bool {
        self.sheets.contains(&sheet)
    }
}

impl Edition {
    /// Its id, `fy2025`.
    pub fn id(&self) -> String {
        format!("fy{}", self.fiscal_year.year())
    }

    /// The items of one sheet, in order.
    pub fn items_on(&self, sheet: Sheet) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(move |i| i.on(sheet))
    }

    /// The item with this id.
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }
}

/// A checklist file that cannot be used, with where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {}{message}", item.as_ref().map(|i| format!("item {i}: ")).unwrap_or_default())]
pub struct EditionError {
    /// The file's name.
    pub file: String,
    /// The line (1-based).
    pub line: usize,
    /// The item's id, when the problem is in an item.
    pub item: Option<String>,
    /// What is wrong.
    pub message: String,
}

const HEAD_KEYS: [&str; 4] = ["edition", "title", "published", "source"];
const ITEM_KEYS: [&str; 10] =
    ["id", "no", "sheets", "group", "target", "text", "required_from", "rule", "source", "note"];

/// Reads and validates one edition file.
pub fn load(file: &str, text: &str) -> Result<Edition, EditionError> {
    let doc = format::parse(text).map_err(|e| EditionError {
        file: file.to_owned(),
        line: e.line,
        item: None,
        message: e.message,
    })?;
    let err = |line: usize, item: Option<&str>, message: String| EditionError {
        file: file.to_owned(),
        line,
        item: item.map(str::to_owned),
        message,
    };
    if let Some(f) = doc.head.iter().find(|f| !HEAD_KEYS.contains(&f.key.as_str())) {
        return Err(err(f.line, None, format!("unknown field `{}`", f.key)));
    }
    let head = |key: &str| doc.head.iter().find(|f| f.key == key);
    let need = |key: &str| head(key).ok_or_else(|| err(1, None, format!("missing field `{key}`")));
    let fiscal_year = year(need("edition")?).map_err(|m| err(need("edition").map_or(1, |f| f.line), None, m))?;
    let title = text_of(need("title")?).map_err(|(l, m)| err(l, None, m))?;
    let source = text_of(need("source")?).map_err(|(l, m)| err(l, None, m))?;
    let published = match head("published") {
        Some(f) => {
            let t = text_of(f).map_err(|(l, m)| err(l, None, m))?;
            Some(t.parse::<Date>().map_err(|_| err(f.line, None, format!("{t:?} is not a date (YYYY-MM-DD)")))?)
        }
        None => None,
    };
    if doc.items.is_empty() {
        return Err(err(1, None, "no items".into()));
    }
    let mut seen = HashSet::new();
    let mut items = Vec::with_capacity(doc.items.len());
    for entry in &doc.items {
        let id = entry.get("id").and_then(|f| text_of(f).ok());
        let item = read_item(entry).map_err(|(line, message)| err(line, id.as_deref(), message))?;
        if !seen.insert(item.id.clone()) {
            return Err(err(entry.line, Some(&item.id), "duplicate item id".into()));
        }
        items.push(item);
    }
    Ok(Edition { file: file.to_owned(), fiscal_year, title, published, source, items })
}

fn read_item(e: &Entry) -> Result<Item, (usize, String)> {
    if let Some(f) = e.fields.iter().find(|f| !ITEM_KEYS.contains(&f.key.as_str())) {
        return Err((f.line, format!("unknown field `{}`", f.key)));
    }
    let need = |key: &str| e.get(key).ok_or_else(|| (e.line, format!("missing field `{key}`")));
    let opt = |key: &str| e.get(key).map(text_of).transpose();
    let id = text_of(need("id")?)?;
    if !id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-')) {
        return Err((e.line, format!("id {id:?} may hold only a-z, 0-9, `_`, `.`, `-`")));
    }
    let sheets_field = need("sheets")?;
    let Value::List(names) = &sheets_field.value else {
        return Err((sheets_field.line, "`sheets` must be a list, e.g. [facility, vendor]".into()));
    };
    let mut sheets = Vec::new();
    for n in names {
        let s = Sheet::from_code(n).ok_or_else(|| (sheets_field.line, format!("unknown sheet {n:?}")))?;
        if sheets.contains(&s) {
            return Err((sheets_field.line, format!("sheet {n:?} given twice")));
        }
        sheets.push(s);
    }
    if sheets.is_empty() {
        return Err((sheets_field.line, "`sheets` is empty".into()));
    }
    let group_field = need("group")?;
    let group = Group::parse(&text_of(group_field)?).map_err(|p| (group_field.line, p.to_string()))?;
    let target = match e.get("target") {
        Some(f) => Some(Target::parse(&text_of(f)?).map_err(|p| (f.line, p.to_string()))?),
        None => None,
    };
    let text = text_of(need("text")?)?;
    let from_field = need("required_from")?;
    let required_from = year(from_field).map_err(|m| (from_field.line, m))?;
    let rule_field = need("rule")?;
    let rule = match text_of(rule_field)?.as_str() {
        "none" => None,
        code => Some(RuleId::from_code(code).ok_or_else(|| (rule_field.line, format!("unknown rule id {code:?}")))?),
    };
    Ok(Item {
        id,
        no: opt("no")?,
        sheets,
        group,
        target,
        text,
        required_from,
        rule,
        source: opt("source")?,
        note: opt("note")?,
    })
}

fn text_of(f: &Field) -> Result<String, (usize, String)> {
    match &f.value {
        Value::Text(t) if !t.is_empty() => Ok(t.clone()),
        Value::Text(_) => Err((f.line, format!("`{}` is empty", f.key))),
        Value::List(_) => Err((f.line, format!("`{}` must be text, not a list", f.key))),
    }
}

fn year(f: &Field) -> Result<FiscalYear, String> {
    let t = text_of(f).map_err(|(_, m)| m)?;
    t.parse::<i16>().ok().and_then(FiscalYear::new).ok_or_else(|| format!("`{}`: {t:?} is not a fiscal year", f.key))
}

/// Every embedded edition, oldest first.
///
/// # Panics
///
/// If an embedded file is invalid; `tests::every_embedded_edition_loads` keeps that from
/// reaching a build.
pub fn editions() -> &'static [Edition] {
    static EDITIONS: OnceLock<Vec<Edition>> = OnceLock::new();
    EDITIONS.get_or_init(|| {
        FILES.iter().map(|(f, t)| load(f, t).unwrap_or_else(|e| panic!("embedded checklist: {e}"))).collect()
    })
}

/// The edition to use for a fiscal year: the newest one published for that year or before
/// (a year without its own edition keeps using the last one), or `None` before FY2023.
pub fn edition(fy: FiscalYear) -> Option<&'static Edition> {
    editions().iter().rev().find(|e| e.fiscal_year <= fy)
}

/// The newest edition.
pub fn current_edition() -> &'static Edition {
    editions().last().expect("at least one edition is embedded")
}

#[cfg(test)]
#[path = "checklist_tests.rs"]
mod tests;
