//! Exports read back as what was exported; JSON and the template have the promised shape.

use mamoru_domain::{AssetDraft, AssetInput, RegisterEntry};
use mamoru_inventory::{
    COLUMNS, CsvEncoding, Error, ExportRow, Headers, ReadOptions, read_register, template_csv, write_csv, write_json,
    write_xlsx,
};

use crate::support::read;

fn export_rows(entries: impl IntoIterator<Item = RegisterEntry>) -> Vec<ExportRow> {
    entries
        .into_iter()
        .map(|e| ExportRow {
            facility: e.facility,
            asset: e.asset,
            maintenance_vendor: e.maintenance_vendor,
            remote_vendor: e.remote_vendor,
        })
        .collect()
}

/// The fixture register, plus values that look like formulas, numbers and odd spacing.
fn register() -> Vec<RegisterEntry> {
    let mut entries: Vec<RegisterEntry> = read("minato_ja_utf8bom.csv").entries.into_iter().map(|l| l.entry).collect();
    let tricky = AssetDraft::parse(&AssetInput {
        name: "=HYPERLINK(\"http://example.com\")".into(),
        category: "その他".into(),
        version: "6.0".into(),
        product: "0012".into(),
        owner: "-".into(),
        ip: "2001:db8::1".into(),
        notes: "@SUM(A1)\n\"引用\", tab\there".into(),
        no_active_scan: "はい".into(),
        ..Default::default()
    })
    .unwrap();
    entries.push(RegisterEntry {
        facility: "+みなと総合病院".into(),
        asset: tricky,
        maintenance_vendor: None,
        remote_vendor: None,
    });
    entries
}

fn read_back(bytes: &[u8], name: &str) -> Vec<RegisterEntry> {
    let parsed = read_register(bytes, name, &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(parsed.errors, [], "{name}");
    assert_eq!(parsed.ignored_columns, Vec::<String>::new(), "{name}");
    parsed.entries.into_iter().map(|l| l.entry).collect()
}

#[test]
fn csv_in_both_encodings_and_languages() {
    let entries = register();
    let rows = export_rows(entries.clone());
    for headers in [Headers::Japanese, Headers::English] {
        for encoding in [CsvEncoding::Utf8Bom, CsvEncoding::ShiftJis] {
            let bytes = write_csv(&rows, headers, encoding).unwrap();
            let name = format!("{headers:?}-{encoding:?}.csv");
            assert_eq!(read_back(&bytes, &name), entries, "{name}");
            let parsed = read_register(&bytes, &name, &ReadOptions::default()).unwrap();
            let expected = match encoding {
                CsvEncoding::Utf8Bom => "UTF-8 (BOM)",
                CsvEncoding::ShiftJis => "Shift_JIS",
            };
            assert_eq!(parsed.encoding, expected);
        }
    }
}

#[test]
fn csv_headers_values_and_formula_guard() {
    let rows = export_rows(register());
    let ja = String::from_utf8(write_csv(&rows, Headers::Japanese, CsvEncoding::Utf8Bom).unwrap()).unwrap();
    let mut lines = ja.lines();
    let header = lines.next().unwrap();
    assert_eq!(
        header,
        "\u{feff}施設,名称,種別,メーカー,製品,バージョン,CPE,IPアドレス,インターネット公開,設置場所,ネットワーク区分,リモート保守,リモート保守業者,能動スキャン禁止,管理者,保守業者,サポート終了日,最終更新日,備考"
    );
    assert_eq!(
        lines.next().unwrap(),
        "みなと総合病院,本館VPN装置,VPN装置,Fortinet,FortiGate 60E,6.0.4,cpe:2.3:o:fortinet:fortios:6.0.4:*:*:*:*:*:*:*,203.0.113.10,はい,本館2階 サーバ室,DMZ,いいえ,,いいえ,情報システム課,みなとネットワークサービス株式会社,2022-03-29,2019-02-15,SSL-VPN有効、外部から接続可"
    );
    assert!(ja.contains("\r\n"));
    assert!(ja.contains(r#"'+みなと総合病院,"'=HYPERLINK(""http://example.com"")",その他"#), "{ja}");
    let en = String::from_utf8(write_csv(&rows, Headers::English, CsvEncoding::Utf8Bom).unwrap()).unwrap();
    let header: Vec<&str> = en.trim_start_matches('\u{feff}').lines().next().unwrap().split(',').collect();
    let keys: Vec<&str> = COLUMNS.iter().map(|c| c.key).collect();
    assert_eq!(header, keys);
    assert!(en.contains(",VPN appliance,") && en.contains(",yes,"));
}

#[test]
fn xlsx_in_both_languages() {
    let entries = register();
    let rows = export_rows(entries.clone());
    for headers in [Headers::Japanese, Headers::English] {
        let bytes = write_xlsx(&rows, headers).unwrap();
        assert!(bytes.starts_with(b"PK\x03\x04"));
        assert_eq!(read_back(&bytes, "export.xlsx"), entries, "{headers:?}");
    }
}

#[test]
fn shift_jis_refuses_what_it_cannot_write() {
    let mut rows = export_rows(register());
    rows[1].asset.notes = Some("電源🔌は無停電".into());
    let e = write_csv(&rows, Headers::Japanese, CsvEncoding::ShiftJis).unwrap_err();
    assert!(matches!(e, Error::NotShiftJis { row: 2, field: "notes", character: '🔌', .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "row 2, column 備考 (notes): '🔌' cannot be written in Shift_JIS; export as UTF-8 instead"
    );
    // UTF-8 keeps it.
    let bytes = write_csv(&rows, Headers::Japanese, CsvEncoding::Utf8Bom).unwrap();
    assert_eq!(read_back(&bytes, "u.csv")[1].asset.notes.as_deref(), Some("電源🔌は無停電"));
}

#[test]
fn json_shape() {
    let rows = export_rows(register());
    let bytes = write_json(&rows);
    let text = String::from_utf8(bytes.clone()).unwrap();
    let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let all = value.as_array().unwrap();
    assert_eq!(all.len(), rows.len());
    let vpn = &all[0];
    assert_eq!(vpn["facility"], "みなと総合病院");
    assert_eq!(vpn["category"], "vpn");
    assert_eq!(vpn["cpe"], "cpe:2.3:o:fortinet:fortios:6.0.4:*:*:*:*:*:*:*");
    assert_eq!(vpn["internet_facing"], true);
    assert_eq!(vpn["remote_maintenance"], false);
    assert_eq!(vpn["remote_vendor"], serde_json::Value::Null);
    assert_eq!(vpn["support_end"], "2022-03-29");
    assert_eq!(all[6]["category"], "medical_device");
    assert_eq!(all[6]["no_active_scan"], true);
    assert_eq!(all[6]["last_updated"], serde_json::Value::Null);
    // Every key, in the documented order, pretty-printed.
    let first = &text[..text.find('}').unwrap()];
    let positions: Vec<usize> = COLUMNS.iter().map(|c| first.find(&format!("\"{}\":", c.key)).unwrap()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{first}");
    assert!(text.starts_with("[\n  {\n    \"facility\": "));
    assert_eq!(write_json(&[]), b"[]\n");
}

#[test]
fn templates_are_valid_registers() {
    for headers in [Headers::Japanese, Headers::English] {
        let bytes = template_csv(headers);
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let entries = read_back(&bytes, "template.csv");
        assert_eq!(entries.len(), 1);
        let vpn = &entries[0].asset;
        assert_eq!(vpn.category.code(), "vpn");
        assert_eq!(vpn.version.as_deref(), Some("6.0.4"));
        assert_eq!(vpn.cpe.as_ref().unwrap().product(), "fortios");
        assert!(vpn.internet_facing && vpn.remote_maintenance && !vpn.no_active_scan);
        assert!(vpn.support_end.is_some());
    }
    let ja = String::from_utf8(template_csv(Headers::Japanese)).unwrap();
    assert!(ja.contains("みなと総合病院,本館VPN装置,VPN装置,Fortinet,FortiGate 60E,6.0.4,"), "{ja}");
}
