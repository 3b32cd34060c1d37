//! What can go wrong: a whole file that cannot be read ([`Error`]), or one bad row or field of
//! a file that could be read ([`RowError`]).

use std::fmt;

use mamoru_domain::Problem;

/// A file that cannot be read at all, or an export that cannot be written.
///
/// Bad rows of a readable file are not errors of this kind: they are listed in
/// [`Parsed::errors`](crate::Parsed::errors), so that a user sees all of them at once.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file has no bytes, or only blank text.
    #[error("{file}: the file is empty")]
    Empty {
        /// The file's name.
        file: String,
    },
    /// The file is neither UTF-8, Shift_JIS nor UTF-16 text, nor an xlsx workbook.
    #[error("{file}: line {line}: not UTF-8, Shift_JIS or UTF-16 text, nor an xlsx workbook")]
    NotText {
        /// The file's name.
        file: String,
        /// The line of the first byte that could not be decoded.
        line: usize,
    },
    /// An Excel 97-2003 `.xls` workbook, which is not read: it must be saved as `.xlsx` or CSV.
    #[error("{file}: an old Excel .xls workbook; save it as .xlsx or CSV")]
    LegacyXls {
        /// The file's name.
        file: String,
    },
    /// Every row of the file is blank.
    #[error("{file}: no header row")]
    NoHeader {
        /// The file's name.
        file: String,
    },
    /// Required columns are missing from the header row.
    #[error("{file}: line {line}: missing {}", missing_list(.columns))]
    MissingColumns {
        /// The file's name.
        file: String,
        /// The header row's line (CSV) or sheet row (xlsx).
        line: usize,
        /// The canonical keys of the missing columns, in export order.
        columns: Vec<&'static str>,
    },
    /// The xlsx workbook is damaged or not a workbook (a zip of something else).
    #[error("{file}: unreadable xlsx workbook: {reason}")]
    XlsxUnreadable {
        /// The file's name.
        file: String,
        /// What the reader said.
        reason: String,
    },
    /// The xlsx workbook has no worksheet.
    #[error("{file}: the xlsx workbook has no sheet")]
    NoSheet {
        /// The file's name.
        file: String,
    },
    /// More data rows than one import accepts.
    #[error("{file}: line {line}: more than {max} rows")]
    TooManyRows {
        /// The file's name.
        file: String,
        /// The line where the limit was passed.
        line: usize,
        /// The limit.
        max: usize,
    },
    /// More filled cells than one import accepts (a sheet filled far beyond its columns).
    #[error("{file}: line {line}: more than {max} filled cells")]
    TooManyCells {
        /// The file's name.
        file: String,
        /// The line where the limit was passed.
        line: usize,
        /// The limit.
        max: usize,
    },
    /// The CSV reader failed; with text already decoded this should not happen.
    #[error("{file}: line {line}: {reason}")]
    Csv {
        /// The file's name.
        file: String,
        /// The line it failed on.
        line: usize,
        /// What the reader said.
        reason: String,
    },
    /// An export value that Shift_JIS cannot represent (e.g. `①` is fine, an emoji is not).
    #[error(
        "row {row}, column {column} ({field}): {character:?} cannot be written in Shift_JIS; export as UTF-8 instead"
    )]
    NotShiftJis {
        /// The 1-based position of the row among the exported rows.
        row: usize,
        /// The column's header as exported.
        column: &'static str,
        /// The column's canonical key.
        field: &'static str,
        /// The first character that cannot be written.
        character: char,
    },
    /// The CSV writer failed; writing to memory, this should not happen.
    #[error("cannot write the CSV file: {0}")]
    CsvWrite(String),
    /// The xlsx writer failed (e.g. more rows than a sheet holds).
    #[error("cannot write the xlsx workbook: {0}")]
    XlsxWrite(String),
}

/// `column 名称 (name)` or `columns 施設 (facility), 名称 (name)`.
fn missing_list(keys: &[&'static str]) -> String {
    let names: Vec<String> = keys
        .iter()
        .map(|key| match crate::columns::by_key(key) {
            Some(c) => format!("{} ({})", c.ja, c.en),
            None => (*key).to_owned(),
        })
        .collect();
    let noun = if names.len() == 1 { "column" } else { "columns" };
    format!("{noun} {}", names.join(", "))
}

/// One bad row or field of a register file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The 1-based physical line where the record starts (CSV and text; the header is line 1
    /// when it is the first line), or the sheet's row number (xlsx).
    pub line: usize,
    /// The column's header exactly as written in the file, e.g. `IPアドレス`; `None` for
    /// problems of the whole row.
    pub column: Option<String>,
    /// The canonical key of the field, e.g. `ip`, as in [`mamoru_domain::Invalid::field`].
    pub field: Option<&'static str>,
    /// What is wrong.
    pub problem: Problem,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}", self.line)?;
        match (&self.column, self.field) {
            (Some(c), Some(k)) => write!(f, ", column {c:?} ({k})")?,
            (Some(c), None) => write!(f, ", column {c:?}")?,
            (None, Some(k)) => write!(f, " ({k})")?,
            (None, None) => {}
        }
        write!(f, ": {}", self.problem)
    }
}

impl std::error::Error for RowError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_errors_name_line_column_and_field() {
        let e = RowError {
            line: 5,
            column: Some("IPアドレス".into()),
            field: Some("ip"),
            problem: Problem::BadIp("10.0.0.300".into()),
        };
        assert_eq!(e.to_string(), r#"line 5, column "IPアドレス" (ip): "10.0.0.300" is not an IPv4 or IPv6 address"#);
        let e = RowError { line: 7, column: None, field: None, problem: Problem::Required };
        assert_eq!(e.to_string(), "line 7: required");
    }

    #[test]
    fn missing_columns_are_named_in_both_languages() {
        let e = Error::MissingColumns { file: "a.csv".into(), line: 1, columns: vec!["name"] };
        assert_eq!(e.to_string(), "a.csv: line 1: missing column 名称 (name)");
        let e = Error::MissingColumns { file: "a.csv".into(), line: 2, columns: vec!["facility", "category"] };
        assert_eq!(e.to_string(), "a.csv: line 2: missing columns 施設 (facility), 種別 (category)");
    }
}
