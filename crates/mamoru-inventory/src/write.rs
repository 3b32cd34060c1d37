//! Exporting the register as CSV or xlsx, in the columns and spellings the reader accepts,
//! so that an exported file can be edited in Excel and imported again.

use std::borrow::Cow;

use encoding_rs::SHIFT_JIS;
use jiff::civil::Date;
use mamoru_domain::{AssetCategory, AssetDraft};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

use crate::columns::{COLUMNS, Column};
use crate::error::Error;

/// One asset to export, with its facility and vendors by name.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRow {
    /// The facility's name.
    pub facility: String,
    /// The asset's fields.
    pub asset: AssetDraft,
    /// The maintenance vendor's name.
    pub maintenance_vendor: Option<String>,
    /// The name of the vendor using the remote-maintenance line.
    pub remote_vendor: Option<String>,
}

/// The language of an export's headers and of its categories and yes/no values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Headers {
    /// `名称`, `VPN装置`, `はい`.
    Japanese,
    /// `name`, `VPN appliance`, `yes`.
    English,
}

impl Headers {
    pub(crate) fn of(self, c: &Column) -> &'static str {
        match self {
            Headers::Japanese => c.ja,
            Headers::English => c.en,
        }
    }
}

/// The encoding of a CSV export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CsvEncoding {
    /// UTF-8 with a BOM, which Excel needs to open UTF-8 CSV correctly ("CSV UTF-8").
    Utf8Bom,
    /// Shift_JIS (CP932), what Excel in Japan writes and older systems expect.
    ShiftJis,
}

/// One exported value, typed so that each format can write it its own way.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value<'a> {
    Text(Cow<'a, str>),
    Category(AssetCategory),
    Flag(bool),
    Date(Date),
    Empty,
}

impl Value<'_> {
    /// The value as CSV text in the given language.
    fn text(&self, headers: Headers) -> Cow<'_, str> {
        let s = match (self, headers) {
            (Value::Text(s), _) => return Cow::Borrowed(s),
            (Value::Category(c), Headers::Japanese) => c.ja(),
            (Value::Category(c), Headers::English) => c.en(),
            (Value::Flag(b), Headers::Japanese) => flag_ja(*b),
            (Value::Flag(true), Headers::English) => "yes",
            (Value::Flag(false), Headers::English) => "no",
            (Value::Date(d), _) => return Cow::Owned(d.to_string()),
            (Value::Empty, _) => "",
        };
        Cow::Borrowed(s)
    }
}

fn flag_ja(b: bool) -> &'static str {
    if b { "はい" } else { "いいえ" }
}

/// The value of one column of a row.
pub(crate) fn value<'a>(row: &'a ExportRow, key: &str) -> Value<'a> {
    let a = &row.asset;
    let text = |v: &'a Option<String>| v.as_deref().map_or(Value::Empty, |s| Value::Text(Cow::Borrowed(s)));
    let date = |d: Option<Date>| d.map_or(Value::Empty, Value::Date);
    match key {
        "facility" => Value::Text(Cow::Borrowed(&row.facility)),
        "name" => Value::Text(Cow::Borrowed(&a.name)),
        "category" => Value::Category(a.category),
        "vendor" => text(&a.vendor),
        "product" => text(&a.product),
        "version" => text(&a.version),
        "cpe" => a.cpe.as_ref().map_or(Value::Empty, |c| Value::Text(Cow::Owned(c.to_string()))),
        "ip" => a.ip.map_or(Value::Empty, |ip| Value::Text(Cow::Owned(ip.to_string()))),
        "internet_facing" => Value::Flag(a.internet_facing),
        "location" => text(&a.location),
        "network_zone" => text(&a.network_zone),
        "remote_maintenance" => Value::Flag(a.remote_maintenance),
        "remote_vendor" => text(&row.remote_vendor),
        "no_active_scan" => Value::Flag(a.no_active_scan),
        "owner" => text(&a.owner),
        "maintenance_vendor" => text(&row.maintenance_vendor),
        "support_end" => date(a.support_end),
        "last_updated" => date(a.last_updated),
        "notes" => text(&a.notes),
        _ => Value::Empty,
    }
}

/// What Excel runs as a formula when it opens a CSV: such values get a leading `'`, which
/// Excel shows as text and the reader removes again (CSV injection).
pub(crate) const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Writes the register as CSV, with a header row.
///
/// In Shift_JIS, a value with a character that Shift_JIS cannot represent (an emoji, most
/// characters outside JIS X 0208 and the NEC/IBM extensions) is an error naming its row and
/// column, never replaced. Encoding follows the WHATWG (CP932) tables, in which `¥` is written
/// as byte 0x5C, as Japanese Windows does.
pub fn write_csv(rows: &[ExportRow], headers: Headers, encoding: CsvEncoding) -> Result<Vec<u8>, Error> {
    let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let csv_error = |e: csv::Error| Error::CsvWrite(e.to_string());
    out.write_record(COLUMNS.iter().map(|c| headers.of(c))).map_err(csv_error)?;
    for (n, row) in rows.iter().enumerate() {
        let mut record = Vec::with_capacity(COLUMNS.len());
        for c in COLUMNS {
            let v = value(row, c.key);
            let text = guard(v.text(headers)).into_owned();
            if encoding == CsvEncoding::ShiftJis
                && let Some(character) = not_shift_jis(&text)
            {
                let (row, column, field) = (n + 1, headers.of(c), c.key);
                return Err(Error::NotShiftJis { row, column, field, character });
            }
            record.push(text);
        }
        out.write_record(record.iter().map(|t| t.as_bytes())).map_err(csv_error)?;
    }
    let utf8 = out.into_inner().map_err(|e| Error::CsvWrite(e.to_string()))?;
    Ok(match encoding {
        CsvEncoding::Utf8Bom => [b"\xEF\xBB\xBF".as_slice(), &utf8].concat(),
        CsvEncoding::ShiftJis => {
            // Every value was checked above and the header is JIS, so nothing is replaced here.
            let text = String::from_utf8_lossy(&utf8);
            SHIFT_JIS.encode(&text).0.into_owned()
        }
    })
}

/// Prefixes `'` to a value that Excel would otherwise run as a formula.
fn guard(text: Cow<'_, str>) -> Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) { Cow::Owned(format!("'{text}")) } else { text }
}

/// The first character of `text` that Shift_JIS cannot represent.
fn not_shift_jis(text: &str) -> Option<char> {
    if !SHIFT_JIS.encode(text).2 {
        return None;
    }
    text.chars().find(|c| SHIFT_JIS.encode(c.encode_utf8(&mut [0; 4])).2)
}

/// Writes the register as an xlsx workbook: one sheet, a bold frozen header row with a
/// filter, dates as real Excel dates, everything else as text (so `6.0` stays `6.0`, and a
/// value starting with `=` is never a formula).
pub fn write_xlsx(rows: &[ExportRow], headers: Headers) -> Result<Vec<u8>, Error> {
    xlsx(rows, headers).map_err(|e| Error::XlsxWrite(e.to_string()))
}

fn xlsx(rows: &[ExportRow], headers: Headers) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(match headers {
        Headers::Japanese => "台帳",
        Headers::English => "Register",
    })?;
    let bold = Format::new().set_bold();
    let day = Format::new().set_num_format("yyyy-mm-dd");
    for (col, c) in (0u16..).zip(COLUMNS) {
        sheet.write_string_with_format(0, col, headers.of(c), &bold)?;
    }
    for (row, r) in (1u32..).zip(rows) {
        for (col, c) in (0u16..).zip(COLUMNS) {
            match value(r, c.key) {
                Value::Empty => {}
                Value::Date(d) if d.year() >= 1900 => {
                    let when = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                    sheet.write_datetime_with_format(row, col, when, &day)?;
                }
                v => {
                    sheet.write_string(row, col, v.text(headers))?;
                }
            }
        }
    }
    let last_row = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    sheet.autofilter(0, 0, last_row, (COLUMNS.len() - 1) as u16)?;
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofit();
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_guarded() {
        assert_eq!(guard("=HYPERLINK(\"x\")".into()), "'=HYPERLINK(\"x\")");
        assert_eq!(guard("-".into()), "'-");
        assert_eq!(guard("a=b".into()), "a=b");
    }

    #[test]
    fn shift_jis_coverage() {
        assert_eq!(not_shift_jis("電子カルテ ①～"), None);
        assert_eq!(not_shift_jis("サーバ🔥室"), Some('🔥'));
        assert_eq!(not_shift_jis("𠮷野家"), Some('𠮷'));
        for c in COLUMNS {
            assert_eq!(not_shift_jis(c.ja), None, "{}", c.ja);
        }
    }
}
