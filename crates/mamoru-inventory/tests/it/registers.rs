//! Valid registers in every encoding and header language hospitals use.

use mamoru_domain::AssetCategory;
use mamoru_inventory::{ReadOptions, read_register};

use crate::support::{check, describe, read};

const MINATO: &[&str] = &[
    "2 みなと総合病院/本館VPN装置 vpn ver=6.0.4 ip=203.0.113.10 net=y remote=n:- noscan=n eos=2022-03-29 upd=2019-02-15",
    "3 みなと総合病院/電子カルテサーバ emr ver=V2.1 ip=10.10.1.10 net=n remote=n:- noscan=n eos=2027-03-31 upd=2025-01-20",
    "4 みなと総合病院/PACSサーバ pacs ver=8.0 ip=10.10.2.20 net=n remote=y:キヤノンメディカルシステムズ株式会社 noscan=y eos=2027-09-30 upd=2024-11-05",
    "5 みなと総合病院/保守用ルータ router ver=Rev.14.01.38 ip=192.168.100.1 net=n remote=y:日本メディカル保守株式会社 noscan=n eos=- upd=2023-06-01",
    "6 みなと総合病院/外来受付PC-01 pc ver=Windows 10 22H2 ip=10.10.3.101 net=n remote=n:- noscan=n eos=2025-10-14 upd=2025-09-10",
    "7 みなと総合病院/ナースステーションPC-3F pc ver=Windows 11 23H2 ip=10.10.3.130 net=n remote=n:- noscan=n eos=2025-11-11 upd=2025-03-12",
    "8 みなと総合病院/CT装置 medical_device ver=- ip=10.10.2.50 net=n remote=y:GEヘルスケア・ジャパン株式会社 noscan=y eos=2030-03-31 upd=-",
    "10 さくら内科クリニック/受付PC pc ver=Windows 11 23H2 ip=192.168.1.10 net=n remote=n:- noscan=n eos=- upd=2025-04-01",
    "11 さくら内科クリニック/UTM firewall ver=7.2.8 ip=192.168.1.1 net=y remote=n:- noscan=n eos=2026-12-31 upd=2024-06-15",
];

#[test]
fn japanese_utf8_with_bom() {
    let parsed = check("minato_ja_utf8bom.csv", MINATO);
    assert_eq!(parsed.encoding, "UTF-8 (BOM)");
    assert_eq!(parsed.ignored_columns, Vec::<String>::new());

    let vpn = &parsed.entries[0].entry;
    assert_eq!(vpn.asset.category, AssetCategory::Vpn);
    assert!(vpn.asset.category.is_perimeter());
    assert_eq!(vpn.asset.vendor.as_deref(), Some("Fortinet"));
    assert_eq!(vpn.asset.product.as_deref(), Some("FortiGate 60E"));
    let cpe = vpn.asset.cpe.as_ref().unwrap();
    assert_eq!((cpe.vendor(), cpe.product(), cpe.version()), ("fortinet", "fortios", "6.0.4"));
    assert_eq!(vpn.asset.location.as_deref(), Some("本館2階 サーバ室"));
    assert_eq!(vpn.asset.network_zone.as_deref(), Some("DMZ"));
    assert_eq!(vpn.asset.owner.as_deref(), Some("情報システム課"));
    assert_eq!(vpn.maintenance_vendor.as_deref(), Some("みなとネットワークサービス株式会社"));
    assert_eq!(vpn.asset.notes.as_deref(), Some("SSL-VPN有効、外部から接続可"));

    let router = &parsed.entries[3].entry;
    assert_eq!(router.asset.notes.as_deref(), Some("ベンダーのリモート保守専用, 常時接続"));
    assert_eq!(router.asset.network_zone.as_deref(), Some("保守回線"));
    let ct = &parsed.entries[6].entry;
    assert_eq!(ct.asset.notes.as_deref(), Some("スキャン禁止\n(メーカー指示)"));
    assert_eq!(ct.asset.version, None);
}

#[test]
fn shift_jis_reads_the_same_as_utf8() {
    let sjis = check("minato_ja_sjis.csv", MINATO);
    assert_eq!(sjis.encoding, "Shift_JIS");
    assert_eq!(sjis.entries, read("minato_ja_utf8bom.csv").entries);
}

#[test]
fn excel_unicode_text() {
    let parsed = read("minato_ja_utf16.txt");
    assert_eq!(parsed.encoding, "UTF-16LE");
    assert_eq!(parsed.errors, []);
    let utf8 = read("minato_ja_utf8bom.csv");
    let same: Vec<_> = [0, 6, 8].iter().map(|i| utf8.entries[*i].entry.clone()).collect();
    let got: Vec<_> = parsed.entries.iter().map(|l| l.entry.clone()).collect();
    assert_eq!(got, same);
    let lines: Vec<_> = parsed.entries.iter().map(|l| l.line).collect();
    assert_eq!(lines, [2, 3, 5]);
}

#[test]
fn english_headers_in_other_spellings() {
    let parsed = check(
        "register_en.csv",
        &[
            "2 Minato General Hospital/main-vpn vpn ver=6.0.4 ip=203.0.113.10 net=y remote=n:- noscan=n eos=2022-03-29 upd=2019-02-15",
            "3 Minato General Hospital/ct-scanner medical_device ver=- ip=10.10.2.50 net=n remote=y:GE HealthCare Japan noscan=y eos=2030-03-31 upd=-",
            "4 Sakura Clinic/reception-pc pc ver=Windows 11 23H2 ip=192.168.1.10 net=n remote=n:- noscan=n eos=- upd=2025-04-01",
        ],
    );
    assert_eq!(parsed.encoding, "UTF-8");
    assert_eq!(parsed.ignored_columns, ["Serial No."]);
    assert_eq!(parsed.entries[0].entry.maintenance_vendor.as_deref(), Some("Minato Network Services"));
    assert_eq!(parsed.entries[1].entry.asset.owner.as_deref(), Some("Radiology"));
    assert_eq!(parsed.entries[0].entry.asset.notes.as_deref(), Some("SSL-VPN enabled"));
}

#[test]
fn header_only() {
    let parsed = check("header_only.csv", &[]);
    assert_eq!(parsed.rows, 0);
}

fn read_text(text: &str, default_facility: Option<&str>) -> Result<mamoru_inventory::Parsed, String> {
    read_register(text.as_bytes(), "t.csv", &ReadOptions { default_facility }).map_err(|e| e.to_string())
}

#[test]
fn default_facility_when_the_file_names_none() {
    let text = "名称,種別\nPC-01,端末PC\n";
    let parsed = read_text(text, Some("さくら内科クリニック")).unwrap();
    assert_eq!(parsed.entries[0].entry.facility, "さくら内科クリニック");
    assert_eq!(read_text(text, None).unwrap_err(), "t.csv: line 1: missing column 施設 (facility)");
    // A blank facility cell takes the default too; without one it is a row error.
    let text = "施設,名称,種別\n,PC-01,端末PC\nみなと総合病院,PC-02,端末PC\n";
    let parsed = read_text(text, Some("さくら内科クリニック")).unwrap();
    let facilities: Vec<_> = parsed.entries.iter().map(|l| l.entry.facility.as_str()).collect();
    assert_eq!(facilities, ["さくら内科クリニック", "みなと総合病院"]);
    let parsed = read_text(text, None).unwrap();
    assert_eq!(parsed.errors[0].to_string(), r#"line 2, column "施設" (facility): required"#);
}

#[test]
fn a_column_named_twice_keeps_the_first() {
    let text = "名称,種別,機器名,ＩＰアドレス（IPv4）,シリアル\nPC-01,端末PC,other,１０.０.０.１,X1\n";
    let parsed = read_text(text, Some("みなと総合病院")).unwrap();
    assert_eq!(parsed.ignored_columns, ["機器名", "シリアル"]);
    let a = &parsed.entries[0].entry.asset;
    assert_eq!(a.name, "PC-01");
    assert_eq!(a.ip.unwrap().to_string(), "10.0.0.1");
}

#[test]
fn tab_separated_utf8_and_a_title_row() {
    let text = "医療機器台帳\t\t\n\n施設名\t機器名\t区分\tEOL\n本院\tエコー\t医療機器\tH31/4/30\n";
    let parsed = read_text(text, None).unwrap();
    assert_eq!(parsed.errors, []);
    assert_eq!(parsed.rows, 1);
    let got: Vec<_> = parsed.entries.iter().map(describe).collect();
    assert_eq!(got, ["4 本院/エコー medical_device ver=- ip=- net=n remote=n:- noscan=y eos=2019-04-30 upd=-"]);
}

#[test]
fn short_rows_lack_their_last_cells() {
    let text = "名称,種別,IPアドレス,備考\r\nPC-01,端末PC\r\n";
    let parsed = read_text(text, Some("本院")).unwrap();
    assert_eq!(parsed.errors, []);
    assert_eq!(parsed.entries[0].entry.asset.ip, None);
}

#[test]
fn the_columns_a_file_has_are_reported_in_the_domain_s_keys() {
    let keys: Vec<&str> = mamoru_inventory::COLUMNS.iter().map(|c| c.key).collect();
    assert_eq!(keys, mamoru_domain::REGISTER_FIELDS, "the inventory's columns are the domain's register fields");
    let csv = "名称,種別,バージョン,謎の列\nVPN,VPN装置,6.0.4,x\n";
    let options = mamoru_inventory::ReadOptions { default_facility: Some("みなと総合病院") };
    let parsed = mamoru_inventory::read_register(csv.as_bytes(), "v.csv", &options).unwrap();
    assert_eq!(parsed.columns, ["facility", "name", "category", "version"]);
}
