//! Turning decoded text or an xlsx workbook into rows of cells, each with its line number.
//!
//! Rows are kept sparse (only non-blank cells, with their column index) so that a sheet with
//! one stray value in column XFD costs one cell, not sixteen thousand, and so that CSV rows
//! shorter than the header simply lack the cells they do not have.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};

use crate::MAX_ROWS;
use crate::decode::Text;
use crate::error::Error;

/// Rows above the header (titles such as `医療機器台帳`) that are tolerated.
pub(crate) const TITLE_ROWS: usize = 10;

/// The most non-blank cells read from one file: every column of every allowed row, twice over.
const MAX_CELLS: usize = (MAX_ROWS + TITLE_ROWS + 1) * crate::columns::COLUMNS.len() * 2;

/// One non-blank row of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row {
    /// The 1-based line where the record starts (text), or the sheet row number (xlsx).
    pub(crate) line: usize,
    /// The non-blank cells, as (0-based column, text as written), in column order.
    pub(crate) cells: Vec<(usize, String)>,
}

/// Reads CSV or tab-separated text into its non-blank rows.
pub(crate) fn text_rows(text: &Text, file: &str) -> Result<Vec<Row>, Error> {
    let delimiter = if text.tab_separated || tab_separated(&text.text) { b'\t' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut lines = Lines { text: text.text.as_bytes(), at: 0, line: 1 };
    let mut cells = 0;
    loop {
        let more = reader.read_record(&mut record).map_err(|e| Error::Csv {
            file: file.to_owned(),
            line: lines.of(e.position().map_or(0, |p| p.byte())),
            reason: e.to_string(),
        })?;
        if !more {
            break;
        }
        let line = lines.of(record.position().map_or(0, |p| p.byte()));
        let row_cells: Vec<(usize, String)> = record
            .iter()
            .enumerate()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(i, v)| (i, newlines(unguard(v))))
            .collect();
        if row_cells.is_empty() {
            continue;
        }
        cells += row_cells.len();
        check_size(rows.len() + 1, cells, line, file)?;
        rows.push(Row { line, cells: row_cells });
    }
    Ok(rows)
}

/// Line numbers from byte offsets, counting CRLF, LF and a lone CR (old Mac Excel) as one
/// line end each, as editors do.
///
/// The csv crate's own line count is wrong after CRLF: it places a record on the line of the
/// `\r` before it, and on the line of the blank lines it skipped.
struct Lines<'a> {
    text: &'a [u8],
    /// The offset counted up to, and the line it is on.
    at: usize,
    line: usize,
}

impl Lines<'_> {
    /// The line of the record reported at `offset`; offsets must not decrease.
    fn of(&mut self, offset: u64) -> usize {
        let len = self.text.len();
        let mut start = usize::try_from(offset).unwrap_or(len).clamp(self.at, len);
        // The reported offset may be at the line end (and blank lines) before the record.
        while start < len && matches!(self.text[start], b'\r' | b'\n') {
            start += 1;
        }
        for i in self.at..start {
            let crlf = self.text[i] == b'\n' && i > 0 && self.text[i - 1] == b'\r';
            if matches!(self.text[i], b'\r' | b'\n') && !crlf {
                self.line += 1;
            }
        }
        self.at = start;
        self.line
    }
}

/// Whether the header line, the first with any content, is tab- rather than comma-separated.
fn tab_separated(text: &str) -> bool {
    let blank = |c: char| c == ',' || c == '\t' || c.is_whitespace();
    text.lines().find(|l| !l.trim_matches(blank).is_empty()).is_some_and(|l| l.contains('\t') && !l.contains(','))
}

/// A cell's line breaks as `\n`, the way Excel keeps them inside a cell, whatever the file's
/// own line ends were.
fn newlines(v: &str) -> String {
    if v.contains('\r') { v.replace("\r\n", "\n").replace('\r', "\n") } else { v.to_owned() }
}

/// Removes the `'` that [`crate::write_csv`] puts before a value Excel would run as a formula.
fn unguard(v: &str) -> &str {
    match v.strip_prefix('\'') {
        Some(rest) if rest.starts_with(crate::write::FORMULA_STARTS) => rest,
        _ => v,
    }
}

/// Reads the first sheet of an xlsx workbook into its non-blank rows.
pub(crate) fn xlsx_rows(bytes: &[u8], file: &str) -> Result<Vec<Row>, Error> {
    // calamine 0.38 overflows (and so panics in debug builds) on a crafted cell reference
    // such as `r="ABCDEFGH1"`; a damaged upload must be refused, not take the process down.
    std::panic::catch_unwind(|| read_xlsx(bytes, file)).unwrap_or_else(|_| {
        Err(Error::XlsxUnreadable { file: file.to_owned(), reason: "the workbook is damaged".to_owned() })
    })
}

fn read_xlsx(bytes: &[u8], file: &str) -> Result<Vec<Row>, Error> {
    let unreadable = |e: calamine::XlsxError| Error::XlsxUnreadable { file: file.to_owned(), reason: e.to_string() };
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    let sheet = book.sheet_names().into_iter().next().ok_or_else(|| Error::NoSheet { file: file.to_owned() })?;
    // The streaming reader, unlike `worksheet_range`, never allocates the sheet's whole
    // rectangle, which a crafted file could make terabytes large.
    let mut reader = book.worksheet_cells_reader(&sheet).map_err(unreadable)?;
    let mut by_row: BTreeMap<u32, Vec<(usize, String)>> = BTreeMap::new();
    let mut cells = 0;
    while let Some(cell) = reader.next_cell().map_err(unreadable)? {
        let text = cell_text(cell.get_value());
        if text.trim().is_empty() {
            continue;
        }
        let (row, col) = cell.get_position();
        by_row.entry(row).or_default().push((widen(col), text));
        cells += 1;
        check_size(by_row.len(), cells, widen(row).saturating_add(1), file)?;
    }
    Ok(by_row
        .into_iter()
        .map(|(row, mut cells)| {
            cells.sort_by_key(|(col, _)| *col);
            // A cell written twice keeps its first value, like a header named twice.
            cells.dedup_by_key(|(col, _)| *col);
            Row { line: widen(row).saturating_add(1), cells }
        })
        .collect())
}

/// A sheet position as an index, saturating where `usize` is narrower than `u32`.
fn widen(n: u32) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// Stops reading a file that is far larger than any register.
fn check_size(rows: usize, cells: usize, line: usize, file: &str) -> Result<(), Error> {
    if rows > MAX_ROWS + TITLE_ROWS + 1 {
        return Err(Error::TooManyRows { file: file.to_owned(), line, max: MAX_ROWS });
    }
    if cells > MAX_CELLS {
        return Err(Error::TooManyCells { file: file.to_owned(), line, max: MAX_CELLS });
    }
    Ok(())
}

/// A cell as the text a person sees: `400`, not `400.0`; dates as `YYYY-MM-DD`.
fn cell_text(v: &DataRef<'_>) -> String {
    match v {
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number(*f),
        DataRef::Bool(b) => if *b { "はい" } else { "いいえ" }.to_owned(),
        DataRef::DateTime(d) if d.is_datetime() => {
            let (y, m, d, ..) = d.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        DataRef::DateTime(d) => number(d.as_f64()),
        // The time of day, if any, says nothing about a support end or an update.
        DataRef::DateTimeIso(s) => s.split('T').next().unwrap_or_default().to_owned(),
        DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
        DataRef::Empty => String::new(),
    }
}

/// A number as Excel shows it by default: whole numbers without a fraction.
fn number(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 { format!("{}", f as i64) } else { f.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<Row> {
        let t = Text { text: text.to_owned(), encoding: "UTF-8", tab_separated: false };
        text_rows(&t, "t.csv").unwrap()
    }

    fn row(line: usize, cells: &[(usize, &str)]) -> Row {
        Row { line, cells: cells.iter().map(|(i, v)| (*i, (*v).to_owned())).collect() }
    }

    #[test]
    fn lines_count_blank_rows_and_embedded_newlines() {
        let want = [row(1, &[(0, "a"), (1, "b")]), row(4, &[(0, "x\ny"), (1, "z")]), row(6, &[(0, "q")])];
        assert_eq!(rows("a,b\n\n,,\n\"x\ny\",z\nq\r\n"), want);
        assert_eq!(rows("a,b\r\n\r\n,,\r\n\"x\r\ny\",z\r\nq\r\n"), want);
        assert_eq!(rows("a,b\r\r,,\r\"x\ry\",z\rq\r"), want);
        assert_eq!(rows("\r\n\r\na\r\n")[0].line, 3);
    }

    #[test]
    fn tabs_only_when_the_header_has_no_commas() {
        assert_eq!(rows("\n\ta\tb\n1\t2,3\n")[1], row(3, &[(0, "1"), (1, "2,3")]));
        assert_eq!(rows("a,b\tc\n")[0], row(1, &[(0, "a"), (1, "b\tc")]));
    }

    #[test]
    fn formula_guards_are_removed() {
        let want = row(1, &[(0, "=1+1"), (1, "-x"), (2, "'abc"), (3, "=2")]);
        assert_eq!(rows("'=1+1,'-x,'abc,=2\n")[0], want);
    }

    #[test]
    fn numbers_as_people_see_them() {
        assert_eq!(number(400.0), "400");
        assert_eq!(number(6.4), "6.4");
        assert_eq!(number(-3.0), "-3");
        assert_eq!(number(f64::NAN), "NaN");
        assert_eq!(number(1e20), "100000000000000000000");
    }
}
