//! Workbooks as Excel saves them: numbers, dates, booleans and a title above the table.

use mamoru_inventory::{Error, ReadOptions, read_register};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use crate::support::describe;

/// A register typed into Excel: a title in A1, the header in row 3, typed cells below.
fn workbook() -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let day = Format::new().set_num_format("yyyy/m/d");
    sheet.write_string(0, 0, "医療機器台帳（2025年4月）").unwrap();
    let header =
        ["施設名", "機器名", "区分", "型番", "Ver", "IPアドレス", "外部公開", "保守期限", "パッチ適用日", "備考"];
    for (col, h) in (0u16..).zip(header) {
        sheet.write_string(2, col, h).unwrap();
    }
    // Row 4: numbers as Excel stores them, a real date, a boolean.
    sheet.write_string(3, 0, "みなと総合病院").unwrap();
    sheet.write_string(3, 1, "本館VPN装置").unwrap();
    sheet.write_string(3, 2, "VPN").unwrap();
    sheet.write_number(3, 3, 400).unwrap();
    sheet.write_number(3, 4, 6.4).unwrap();
    sheet.write_string(3, 5, "203.0.113.10").unwrap();
    sheet.write_boolean(3, 6, true).unwrap();
    let eos = ExcelDateTime::from_ymd(2026, 3, 31).unwrap();
    sheet.write_datetime_with_format(3, 7, &eos, &day).unwrap();
    sheet.write_string(3, 8, "令和6年12月1日").unwrap();
    // Row 5 is left empty. Row 6: a CT with a bad date typed as text.
    sheet.write_string(5, 0, "みなと総合病院").unwrap();
    sheet.write_string(5, 1, "CT装置").unwrap();
    sheet.write_string(5, 2, "医療機器").unwrap();
    sheet.write_boolean(5, 6, false).unwrap();
    sheet.write_string(5, 7, "2025/2/30").unwrap();
    // Row 7: a clinic PC whose IP is a number (a formula error cached as #N/A would be too).
    sheet.write_string(6, 0, "さくら内科クリニック").unwrap();
    sheet.write_string(6, 1, "受付PC").unwrap();
    sheet.write_string(6, 2, "端末PC").unwrap();
    sheet.write_number(6, 5, 12.5).unwrap();
    book.save_to_buffer().unwrap()
}

#[test]
fn typed_cells_read_as_people_see_them() {
    let parsed = read_register(&workbook(), "台帳.xlsx", &ReadOptions::default()).unwrap();
    assert_eq!(parsed.encoding, "xlsx");
    assert_eq!(parsed.rows, 3);
    let got: Vec<_> = parsed.entries.iter().map(describe).collect();
    assert_eq!(
        got,
        [
            "4 みなと総合病院/本館VPN装置 vpn ver=6.4 ip=203.0.113.10 net=y remote=n:- noscan=n eos=2026-03-31 upd=2024-12-01"
        ]
    );
    assert_eq!(parsed.entries[0].entry.asset.product.as_deref(), Some("400"));
    let errors: Vec<String> = parsed.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        [
            r#"line 6, column "保守期限" (support_end): "2025/2/30" is not a date (use YYYY-MM-DD, YYYY/M/D or 令和N年M月D日)"#,
            r#"line 7, column "IPアドレス" (ip): "12.5" is not an IPv4 or IPv6 address"#,
        ]
    );
}

#[test]
fn damaged_workbooks_are_refused() {
    let bytes = workbook();
    let e = read_register(&bytes[..bytes.len() / 2], "台帳.xlsx", &ReadOptions::default()).unwrap_err();
    assert!(matches!(e, Error::XlsxUnreadable { .. }), "{e:?}");
    assert!(e.to_string().starts_with("台帳.xlsx: unreadable xlsx workbook"), "{e}");
}

/// The same workbook with one part's text replaced, as a damaged or crafted file would have it.
fn rewritten(bytes: &[u8], part: &str, from: &str, to: &str) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut source = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..source.len() {
        let mut entry = source.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut text = Vec::new();
        entry.read_to_end(&mut text).unwrap();
        if name == part {
            let changed = String::from_utf8(text).unwrap().replacen(from, to, 1);
            assert!(changed.contains(to), "{part} has no {from}");
            text = changed.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&text).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn a_cell_reference_past_any_sheet_is_refused() {
    // Nine letters overflow calamine's column arithmetic; found by the damaged-workbook test.
    let crafted = rewritten(&workbook(), "xl/worksheets/sheet1.xml", r#"r="A4""#, r#"r="ABCDEFGHI4""#);
    let e = read_register(&crafted, "台帳.xlsx", &ReadOptions::default()).unwrap_err();
    assert!(matches!(e, Error::XlsxUnreadable { .. }), "{e:?}");
    assert!(e.to_string().starts_with("台帳.xlsx: unreadable xlsx workbook"), "{e}");
}

#[test]
fn an_empty_sheet_has_no_header() {
    let mut book = Workbook::new();
    book.add_worksheet();
    let bytes = book.save_to_buffer().unwrap();
    let e = read_register(&bytes, "empty.xlsx", &ReadOptions::default()).unwrap_err();
    assert_eq!(e.to_string(), "empty.xlsx: no header row");
}
