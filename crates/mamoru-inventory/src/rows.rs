//! From rows of cells to validated register entries, or to every problem found in them.
//!
//! Validation itself is [`AssetDraft::parse`], the same as the web form's; this module only
//! maps columns to fields, fills in what a register implies (the default facility, remote
//! maintenance when a remote vendor is named) and finds duplicates across rows.

use std::collections::HashMap;

use mamoru_domain::facility::NAME_MAX;
use mamoru_domain::values::{optional_text, required_text};
use mamoru_domain::{AssetDraft, AssetInput, Problem, RegisterEntry};

use crate::columns::{COLUMNS, Column, recognise};
use crate::error::{Error, RowError};
use crate::read::{Row, TITLE_ROWS};
use crate::{Line, MAX_ROWS, Parsed, ReadOptions};

/// A recognised column of the file.
struct Mapped {
    /// Its 0-based position in the file.
    index: usize,
    /// Which column it is.
    column: &'static Column,
    /// Its header as written.
    header: String,
}

/// The file's header row, understood.
struct Header {
    mapped: Vec<Mapped>,
    /// The position of the last non-blank header cell; cells right of it have no column.
    last: usize,
}

impl Header {
    fn new(row: &Row, ignored: &mut Vec<String>) -> Self {
        let mut mapped: Vec<Mapped> = Vec::new();
        for (index, text) in &row.cells {
            match recognise(text) {
                // The first of two columns with the same meaning wins; the second is ignored.
                Some(column) if !mapped.iter().any(|m| m.column.key == column.key) => {
                    mapped.push(Mapped { index: *index, column, header: text.clone() });
                }
                _ => ignored.push(text.clone()),
            }
        }
        let last = row.cells.last().map_or(0, |(i, _)| *i);
        Header { mapped, last }
    }

    fn by_index(&self, index: usize) -> Option<&Mapped> {
        self.mapped.iter().find(|m| m.index == index)
    }

    fn by_key(&self, key: &str) -> Option<&Mapped> {
        self.mapped.iter().find(|m| m.column.key == key)
    }

    fn count(row: &Row) -> usize {
        row.cells.iter().filter(|(_, text)| recognise(text).is_some()).count()
    }
}

/// The texts of one row, by field.
#[derive(Default)]
struct RowText {
    facility: String,
    maintenance_vendor: String,
    remote_vendor: String,
    asset: AssetInput,
}

impl RowText {
    fn field_mut(&mut self, key: &str) -> Option<&mut String> {
        let a = &mut self.asset;
        Some(match key {
            "facility" => &mut self.facility,
            "maintenance_vendor" => &mut self.maintenance_vendor,
            "remote_vendor" => &mut self.remote_vendor,
            "name" => &mut a.name,
            "category" => &mut a.category,
            "vendor" => &mut a.vendor,
            "product" => &mut a.product,
            "version" => &mut a.version,
            "cpe" => &mut a.cpe,
            "ip" => &mut a.ip,
            "internet_facing" => &mut a.internet_facing,
            "location" => &mut a.location,
            "network_zone" => &mut a.network_zone,
            "remote_maintenance" => &mut a.remote_maintenance,
            "no_active_scan" => &mut a.no_active_scan,
            "owner" => &mut a.owner,
            "support_end" => &mut a.support_end,
            "last_updated" => &mut a.last_updated,
            "notes" => &mut a.notes,
            _ => return None,
        })
    }
}

/// Validates every data row of a file.
pub(crate) fn validate(
    rows: Vec<Row>,
    file: &str,
    encoding: &'static str,
    options: &ReadOptions<'_>,
) -> Result<Parsed, Error> {
    let at = header_at(&rows).ok_or_else(|| Error::NoHeader { file: file.to_owned() })?;
    let mut parsed = Parsed {
        entries: Vec::new(),
        errors: Vec::new(),
        encoding,
        ignored_columns: Vec::new(),
        rows: 0,
        columns: Vec::new(),
    };
    let header = Header::new(&rows[at], &mut parsed.ignored_columns);
    parsed.columns = COLUMNS
        .iter()
        .filter(|c| header.by_key(c.key).is_some() || (c.key == "facility" && options.default_facility.is_some()))
        .map(|c| c.key)
        .collect();
    let missing: Vec<&'static str> = COLUMNS
        .iter()
        .filter(|c| c.required && header.by_key(c.key).is_none())
        .filter(|c| !(c.key == "facility" && options.default_facility.is_some()))
        .map(|c| c.key)
        .collect();
    if !missing.is_empty() {
        return Err(Error::MissingColumns { file: file.to_owned(), line: rows[at].line, columns: missing });
    }
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for row in &rows[at + 1..] {
        parsed.rows += 1;
        if parsed.rows > MAX_ROWS {
            return Err(Error::TooManyRows { file: file.to_owned(), line: row.line, max: MAX_ROWS });
        }
        let mut errors = Vec::new();
        if let Some(entry) = check_row(row, &header, options, &mut seen, &mut errors) {
            parsed.entries.push(Line { line: row.line, entry });
        }
        // In file order: by the column's position, problems of the whole row last.
        errors.sort_by_key(|e| e.1);
        parsed.errors.extend(errors.into_iter().map(|(e, _)| e));
    }
    Ok(parsed)
}

/// The header row: the first non-blank row, unless it names fewer than two columns and one
/// of the next few does (a title such as `医療機器台帳` above the table).
fn header_at(rows: &[Row]) -> Option<usize> {
    if rows.is_empty() {
        return None;
    }
    Some(rows.iter().take(TITLE_ROWS + 1).position(|r| Header::count(r) >= 2).unwrap_or(0))
}

/// Validates one row, collecting its problems with the position of their column.
fn check_row(
    row: &Row,
    header: &Header,
    options: &ReadOptions<'_>,
    seen: &mut HashMap<(String, String), usize>,
    errors: &mut Vec<(RowError, usize)>,
) -> Option<RegisterEntry> {
    let line = row.line;
    let mut text = RowText::default();
    for (index, value) in &row.cells {
        if let Some(m) = header.by_index(*index) {
            if let Some(slot) = text.field_mut(m.column.key) {
                slot.clone_from(value);
            }
        } else if *index > header.last && !errors.iter().any(|(e, _)| e.field.is_none()) {
            // Usually an unquoted comma that shifted the row: its values are not where they seem.
            let what =
                format!("column {} right of the last header, holding {:?}", index.saturating_add(1), value.trim());
            let problem = Problem::Unknown(what);
            errors.push((RowError { line, column: None, field: None, problem }, usize::MAX));
        }
    }
    let mut fail = |field: &'static str, problem: Problem| {
        let m = header.by_key(field);
        let column = m.map(|m| m.header.clone());
        errors.push((RowError { line, column, field: Some(field), problem }, m.map_or(usize::MAX - 1, |m| m.index)));
    };
    if text.facility.trim().is_empty()
        && let Some(default) = options.default_facility
    {
        default.clone_into(&mut text.facility);
    }
    let facility = required_text(&text.facility, NAME_MAX).map_err(|p| fail("facility", p)).ok();
    let maintenance_vendor =
        optional_text(&text.maintenance_vendor, NAME_MAX).map_err(|p| fail("maintenance_vendor", p)).ok();
    let remote_vendor = optional_text(&text.remote_vendor, NAME_MAX).map_err(|p| fail("remote_vendor", p)).ok();
    if matches!(remote_vendor, Some(Some(_))) && text.asset.remote_maintenance.trim().is_empty() {
        // A vendor using the remote line means there is one.
        "はい".clone_into(&mut text.asset.remote_maintenance);
    }
    let asset = AssetDraft::parse(&text.asset).map_err(|invalid| {
        for i in invalid {
            fail(i.field, i.problem);
        }
    });
    let name = required_text(&text.asset.name, NAME_MAX).ok();
    if let (Some(facility), Some(name)) = (&facility, name) {
        match seen.get(&(facility.clone(), name.clone())) {
            Some(first) => fail("name", Problem::Duplicate(format!("{name:?} at {facility} (line {first})"))),
            None => {
                seen.insert((facility.clone(), name), line);
            }
        }
    }
    if !errors.is_empty() {
        return None;
    }
    Some(RegisterEntry {
        facility: facility?,
        asset: asset.ok()?,
        maintenance_vendor: maintenance_vendor?,
        remote_vendor: remote_vendor?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: usize, cells: &[&str]) -> Row {
        let cells = cells.iter().enumerate().filter(|(_, v)| !v.is_empty()).map(|(i, v)| (i, (*v).to_owned()));
        Row { line, cells: cells.collect() }
    }

    #[test]
    fn a_title_above_the_header_is_skipped() {
        let rows = [row(1, &["医療機器台帳"]), row(3, &["名称", "種別"]), row(4, &["CT", "医療機器"])];
        assert_eq!(header_at(&rows), Some(1));
        let rows = [row(1, &["名称", "種別"])];
        assert_eq!(header_at(&rows), Some(0));
        let rows = [row(1, &["x"]), row(2, &["y"])];
        assert_eq!(header_at(&rows), Some(0));
        assert_eq!(header_at(&[]), None);
    }

    #[test]
    fn a_remote_vendor_implies_remote_maintenance() {
        let rows = vec![
            row(1, &["名称", "種別", "リモート保守", "リモート保守業者"]),
            row(2, &["ルータ1", "ルータ", "", "保守ネット株式会社"]),
            row(3, &["ルータ2", "ルータ", "いいえ", ""]),
        ];
        let options = ReadOptions { default_facility: Some("さくら内科クリニック") };
        let parsed = validate(rows, "t.csv", "UTF-8", &options).unwrap();
        assert_eq!(parsed.errors, []);
        let e = &parsed.entries;
        assert!(e[0].entry.asset.remote_maintenance);
        assert_eq!(e[0].entry.remote_vendor.as_deref(), Some("保守ネット株式会社"));
        assert_eq!(e[0].entry.facility, "さくら内科クリニック");
        assert!(!e[1].entry.asset.remote_maintenance);
    }
}
