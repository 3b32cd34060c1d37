//! Reads and writes the asset registers (台帳) that Japanese hospitals keep in Excel.
//!
//! A register arrives as whatever Excel produced: CSV in Shift_JIS (CP932) or UTF-8 with or
//! without a BOM, "Unicode text" (UTF-16LE, tab-separated), or an `.xlsx` workbook, with
//! Japanese or English headers in many spellings. [`read_register`] detects the format from
//! the bytes alone, maps the headers to the canonical [`COLUMNS`], and validates every row
//! with [`mamoru_domain::AssetDraft::parse`], the same rules as the web form. It returns
//! every bad row and field at once, each with its line and the header as the user wrote it,
//! so a hospital can fix its file in one go; the caller refuses a file with any error, so an
//! import is all or nothing.
//!
//! ```
//! use mamoru_inventory::{ReadOptions, read_register};
//!
//! let csv = "施設,名称,種別,IPアドレス,インターネット公開\r\n\
//!            みなと総合病院,本館VPN装置,VPN装置,203.0.113.10,はい\r\n\
//!            みなと総合病院,電子カルテサーバ,電子カルテ,10.0.0.300,いいえ\r\n";
//! let parsed = read_register(csv.as_bytes(), "台帳.csv", &ReadOptions::default()).unwrap();
//! assert_eq!(parsed.entries[0].entry.asset.name, "本館VPN装置");
//! assert_eq!(
//!     parsed.errors[0].to_string(),
//!     r#"line 3, column "IPアドレス" (ip): "10.0.0.300" is not an IPv4 or IPv6 address"#
//! );
//! ```
//!
//! The writers ([`write_csv`], [`write_xlsx`], [`write_json`], [`template_csv`]) produce
//! files the reader accepts again, so an export can be edited in Excel and re-imported.
//!
//! The crate is pure: bytes in, data out. It touches no file system, database or clock, so
//! the caller decides where files come from and how large they may be. It must never panic on
//! what a user uploads; tests feed it garbage, and `fuzz/` holds a cargo-fuzz target.
#![deny(missing_docs)]

mod columns;
mod decode;
mod error;
mod json;
mod read;
mod rows;
mod template;
mod write;

use mamoru_domain::RegisterEntry;

pub use columns::{COLUMNS, Column};
pub use error::{Error, RowError};
pub use json::write_json;
pub use template::template_csv;
pub use write::{CsvEncoding, ExportRow, Headers, write_csv, write_xlsx};

/// The most data rows one file may have.
pub const MAX_ROWS: usize = 100_000;

/// How to read a register file.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOptions<'a> {
    /// The facility of rows that name none: used when the file has no facility column, and
    /// for rows whose facility cell is blank.
    pub default_facility: Option<&'a str>,
}

/// A register file, read.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The valid rows, in file order.
    pub entries: Vec<Line>,
    /// Every bad row and field, in file order; a file with any should be refused whole.
    pub errors: Vec<RowError>,
    /// How the file was read: `UTF-8`, `UTF-8 (BOM)`, `Shift_JIS`, `UTF-16LE` or `xlsx`.
    pub encoding: &'static str,
    /// Headers that name no known column (or one already named), as written.
    pub ignored_columns: Vec<String>,
    /// Data rows seen, blank rows not counted.
    pub rows: usize,
    /// The canonical keys of the columns the file has (with `facility` when a default
    /// facility stands in for it), so an import can leave the other fields as they are.
    pub columns: Vec<&'static str>,
}

/// One valid row of a register file.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The 1-based line where the record starts (text), or the sheet row number (xlsx).
    pub line: usize,
    /// What it says.
    pub entry: RegisterEntry,
}

/// Reads a register file: CSV, tab-separated or UTF-16 text, or xlsx, detected from `bytes`.
///
/// `file_name` is only used in error messages. An `Err` means the file cannot be read at all
/// (not a register, no header, a required column missing...); bad rows of a readable file
/// are in [`Parsed::errors`] instead.
pub fn read_register(bytes: &[u8], file_name: &str, options: &ReadOptions<'_>) -> Result<Parsed, Error> {
    let (rows, encoding) = match decode::decode(bytes, file_name)? {
        decode::Decoded::Text(text) => (read::text_rows(&text, file_name)?, text.encoding),
        decode::Decoded::Xlsx => (read::xlsx_rows(bytes, file_name)?, "xlsx"),
    };
    rows::validate(rows, file_name, encoding, options)
}
