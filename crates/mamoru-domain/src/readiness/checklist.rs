//! The checklist's editions: one data file per fiscal year (`data/checklist/fy*.yml`),
//! embedded in the binary and validated when loaded.
//!
//! A new edition (令和8年度版, say) is a new file and one line in [`FILES`]; the loader
//! refuses a file with an unknown field, a missing field, a duplicate item id or an unknown
//! evidence rule, naming the file, the line and the item.

use std::collections::HashSet;
use std::sync::OnceLock;

use jiff::civil::Date;

use super::file::{self, Lines, RawItem};
use super::fiscal::FiscalYear;
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

/// Reads and validates one edition file.
pub fn load(file: &str, text: &str) -> Result<Edition, EditionError> {
    let err = |line: usize, item: Option<&str>, message: String| EditionError {
        file: file.to_owned(),
        line,
        item: item.map(str::to_owned),
        message,
    };
    let raw = file::parse(text).map_err(|e| {
        // The item serde refused may not have read; its id is taken from the plain YAML tree.
        let id = e.item.and_then(|i| {
            let tree: yaml_serde::Value = yaml_serde::from_str(text).ok()?;
            tree.get("items")?.get(i)?.get("id")?.as_str().map(str::to_owned)
        });
        err(e.line, id.as_deref(), e.message)
    })?;
    let lines = Lines::new(text);
    let fiscal_year = year("edition", raw.edition).map_err(|m| err(lines.head("edition"), None, m))?;
    let title = filled("title", raw.title).map_err(|m| err(lines.head("title"), None, m))?;
    let source = filled("source", raw.source).map_err(|m| err(lines.head("source"), None, m))?;
    let published = match raw.published {
        Some(t) => Some(
            t.parse::<Date>()
                .map_err(|_| err(lines.head("published"), None, format!("{t:?} is not a date (YYYY-MM-DD)")))?,
        ),
        None => None,
    };
    if raw.items.is_empty() {
        return Err(err(lines.head("items"), None, "no items".into()));
    }
    let mut seen = HashSet::new();
    let mut items = Vec::with_capacity(raw.items.len());
    for (index, entry) in raw.items.into_iter().enumerate() {
        let id = entry.id.clone();
        let item = read_item(entry).map_err(|(key, message)| err(lines.field(index, key), Some(&id), message))?;
        if !seen.insert(item.id.clone()) {
            return Err(err(lines.item(index), Some(&item.id), "duplicate item id".into()));
        }
        items.push(item);
    }
    Ok(Edition { file: file.to_owned(), fiscal_year, title, published, source, items })
}

/// Checks what one item's values mean; a fault names its field.
fn read_item(e: RawItem) -> Result<Item, (&'static str, String)> {
    let id = filled("id", e.id).map_err(|m| ("id", m))?;
    if !id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-')) {
        return Err(("id", format!("id {id:?} may hold only a-z, 0-9, `_`, `.`, `-`")));
    }
    let mut sheets = Vec::new();
    for n in &e.sheets {
        let s = Sheet::from_code(n).ok_or_else(|| ("sheets", format!("unknown sheet {n:?}")))?;
        if sheets.contains(&s) {
            return Err(("sheets", format!("sheet {n:?} given twice")));
        }
        sheets.push(s);
    }
    if sheets.is_empty() {
        return Err(("sheets", "`sheets` is empty".into()));
    }
    let group = Group::parse(&e.group).map_err(|p| ("group", p.to_string()))?;
    let target = e.target.map(|t| Target::parse(&t)).transpose().map_err(|p| ("target", p.to_string()))?;
    let text = filled("text", e.text).map_err(|m| ("text", m))?;
    let required_from = year("required_from", e.required_from).map_err(|m| ("required_from", m))?;
    let rule = match e.rule.as_str() {
        "none" => None,
        code => Some(RuleId::from_code(code).ok_or_else(|| ("rule", format!("unknown rule id {code:?}")))?),
    };
    let opt = |key: &'static str, v: Option<String>| v.map(|t| filled(key, t)).transpose().map_err(|m| (key, m));
    Ok(Item {
        id,
        no: opt("no", e.no)?,
        sheets,
        group,
        target,
        text,
        required_from,
        rule,
        source: opt("source", e.source)?,
        note: opt("note", e.note)?,
    })
}

fn filled(key: &str, t: String) -> Result<String, String> {
    if t.trim().is_empty() { Err(format!("`{key}` is empty")) } else { Ok(t) }
}

fn year(key: &str, y: i64) -> Result<FiscalYear, String> {
    i16::try_from(y).ok().and_then(FiscalYear::new).ok_or_else(|| format!("`{key}`: {y} is not a fiscal year"))
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
