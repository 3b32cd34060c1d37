//! Files with bad rows, and files that cannot be read at all.

use mamoru_domain::Problem;
use mamoru_inventory::{Error, ReadOptions, read_register};

use crate::support::{data, read};

#[test]
fn every_bad_row_and_field_is_named() {
    let parsed = read("bad_rows.csv");
    let got: Vec<(usize, Option<&str>, Option<&str>)> =
        parsed.errors.iter().map(|e| (e.line, e.column.as_deref(), e.field)).collect();
    assert_eq!(
        got,
        [
            (3, Some("IPアドレス"), Some("ip")),
            (4, Some("種別"), Some("category")),
            (5, Some("サポート終了日"), Some("support_end")),
            (6, Some("インターネット公開"), Some("internet_facing")),
            (9, Some("名称"), Some("name")),
            (10, Some("名称"), Some("name")),
            (13, Some("IPアドレス"), Some("ip")),
            (13, Some("インターネット公開"), Some("internet_facing")),
            (14, None, None),
        ]
    );
    let lines: Vec<_> = parsed.entries.iter().map(|l| l.line).collect();
    assert_eq!(lines, [2, 7, 11]);
    assert_eq!(parsed.rows, 11);
    assert_eq!(parsed.entries[2].entry.asset.notes.as_deref(), Some("1行目\n2行目"));

    let problems: Vec<&Problem> = parsed.errors.iter().map(|e| &e.problem).collect();
    assert_eq!(problems[0], &Problem::BadIp("10.0.0.300".into()));
    assert!(matches!(problems[1], Problem::UnknownChoice { given, .. } if given == "トースター"));
    assert_eq!(problems[2], &Problem::BadDate("2025-02-30".into()));
    assert_eq!(problems[3], &Problem::BadFlag("たぶん".into()));
    assert!(matches!(problems[4], Problem::Duplicate(what) if what.contains("line 7")), "{:?}", problems[4]);
    assert_eq!(problems[5], &Problem::Required);
}

#[test]
fn row_errors_read_well() {
    let messages: Vec<String> = read("bad_rows.csv").errors.iter().map(ToString::to_string).collect();
    assert_eq!(messages[0], r#"line 3, column "IPアドレス" (ip): "10.0.0.300" is not an IPv4 or IPv6 address"#);
    assert_eq!(messages[4], r#"line 9, column "名称" (name): "端末PC-01" at みなと総合病院 (line 7) already exists"#);
    assert_eq!(messages[5], r#"line 10, column "名称" (name): required"#);
    assert_eq!(messages[8], r#"line 14: unknown column 8 right of the last header, holding "Inc.""#);
}

#[test]
fn a_missing_required_column_refuses_the_file() {
    let e = read_register(&data("missing_name.csv"), "missing_name.csv", &ReadOptions::default()).unwrap_err();
    assert!(matches!(&e, Error::MissingColumns { columns, line: 1, .. } if columns == &["name"]));
    assert_eq!(e.to_string(), "missing_name.csv: line 1: missing column 名称 (name)");
}

fn refusal(bytes: &[u8]) -> String {
    match read_register(bytes, "upload.csv", &ReadOptions::default()) {
        Ok(p) => panic!("read: {p:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn whole_file_failures_name_the_file() {
    assert_eq!(refusal(b""), "upload.csv: the file is empty");
    assert_eq!(refusal(b"\xEF\xBB\xBF\r\n\r\n"), "upload.csv: the file is empty");
    assert_eq!(refusal(b",,,\r\n\t,\r\n"), "upload.csv: no header row");
    assert_eq!(
        refusal("本院,PC-01,端末PC\n".as_bytes()),
        "upload.csv: line 1: missing columns 施設 (facility), 名称 (name), 種別 (category)"
    );
    assert_eq!(
        refusal(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0"),
        "upload.csv: an old Excel .xls workbook; save it as .xlsx or CSV"
    );
    assert_eq!(
        refusal(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
        "upload.csv: line 3: not UTF-8, Shift_JIS or UTF-16 text, nor an xlsx workbook"
    );
    assert!(refusal(b"PK\x03\x04 not really a zip").starts_with("upload.csv: unreadable xlsx workbook: "));
    // Japanese UTF-8 with one byte of damage on line 3.
    let mut damaged = "名称,種別\nPC-01,端末PC\nPC-02,".as_bytes().to_vec();
    damaged.extend_from_slice(b"\xE7\xAB");
    assert_eq!(refusal(&damaged), "upload.csv: line 3: not UTF-8, Shift_JIS or UTF-16 text, nor an xlsx workbook");
}

#[test]
fn too_many_rows() {
    let mut text = String::from("施設,名称,種別\n");
    for i in 0..=mamoru_inventory::MAX_ROWS {
        text.push_str(&format!("本院,PC-{i},端末PC\n"));
    }
    assert_eq!(refusal(text.as_bytes()), "upload.csv: line 100002: more than 100000 rows");
}
