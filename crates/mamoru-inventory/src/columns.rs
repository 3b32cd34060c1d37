//! The register's columns and the many ways hospitals head them.
//!
//! Registers are kept by hand, so the same column is `IPアドレス`, `IP Address`, `ip_address`
//! or `ＩＰアドレス（IPv4）`. Headers are compared after [`fold`], against each column's
//! Japanese and English headers, its key, and a list of aliases seen in real registers.

use std::collections::HashMap;
use std::sync::LazyLock;

use mamoru_domain::values::narrow;

/// One column of the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The canonical key, as in [`mamoru_domain::Invalid::field`] and the JSON export.
    pub key: &'static str,
    /// The Japanese header written on export.
    pub ja: &'static str,
    /// The English header written on export.
    pub en: &'static str,
    /// Whether a file must have this column (`facility` only without a default facility).
    pub required: bool,
}

const fn col(key: &'static str, ja: &'static str, en: &'static str, required: bool) -> Column {
    Column { key, ja, en, required }
}

/// The canonical columns, in export order.
pub const COLUMNS: &[Column] = &[
    col("facility", "施設", "facility", true),
    col("name", "名称", "name", true),
    col("category", "種別", "category", true),
    col("vendor", "メーカー", "vendor", false),
    col("product", "製品", "product", false),
    col("version", "バージョン", "version", false),
    col("cpe", "CPE", "cpe", false),
    col("ip", "IPアドレス", "ip", false),
    col("internet_facing", "インターネット公開", "internet_facing", false),
    col("location", "設置場所", "location", false),
    col("network_zone", "ネットワーク区分", "network_zone", false),
    col("remote_maintenance", "リモート保守", "remote_maintenance", false),
    col("remote_vendor", "リモート保守業者", "remote_vendor", false),
    col("no_active_scan", "能動スキャン禁止", "no_active_scan", false),
    col("owner", "管理者", "owner", false),
    col("maintenance_vendor", "保守業者", "maintenance_vendor", false),
    col("support_end", "サポート終了日", "support_end", false),
    col("last_updated", "最終更新日", "last_updated", false),
    col("notes", "備考", "notes", false),
];

/// Other headers seen for each column, besides its key and its two export headers.
const ALIASES: &[(&str, &[&str])] = &[
    ("facility", &["施設名", "医療機関", "医療機関名", "facility_name", "病院名", "hospital"]),
    ("name", &["機器名", "資産名", "名前", "asset", "asset_name", "hostname", "ホスト名", "機器名称", "資産名称"]),
    ("category", &["分類", "カテゴリ", "カテゴリー", "区分", "機器種別", "type", "機器分類"]),
    ("vendor", &["製造元", "製造業者", "maker", "manufacturer", "メーカ", "メーカー名"]),
    ("product", &["製品名", "型番", "機種", "model", "機種名", "product_name"]),
    ("version", &["ver", "版", "ファームウェア", "firmware", "os version", "osバージョン", "ファームウェアバージョン"]),
    ("cpe", &["cpe2.3", "cpe名", "cpe name"]),
    ("ip", &["ipaddress", "ipアドレス", "address", "アドレス"]),
    ("internet_facing", &["外部公開", "internet facing", "公開", "インターネット接続"]),
    ("location", &["場所", "設置場所", "部署", "設置部署"]),
    ("network_zone", &["ゾーン", "セグメント", "ネットワーク", "zone", "segment"]),
    ("remote_maintenance", &["保守回線", "リモートメンテナンス", "リモート保守回線"]),
    ("remote_vendor", &["リモート保守会社", "リモート保守ベンダー"]),
    ("no_active_scan", &["スキャン禁止", "スキャン不可"]),
    ("owner", &["担当者", "責任者", "管理部署", "管理担当"]),
    ("maintenance_vendor", &["保守会社", "保守ベンダー", "vendor_support", "maintenance"]),
    ("support_end", &["サポート期限", "保守期限", "eol", "end of support", "サポート終了", "eos"]),
    ("last_updated", &["更新日", "アップデート日", "パッチ適用日", "最終更新"]),
    ("notes", &["メモ", "note", "comment", "comments", "コメント"]),
];

/// The column with this canonical key.
pub(crate) fn by_key(key: &str) -> Option<&'static Column> {
    COLUMNS.iter().find(|c| c.key == key)
}

/// The column a header names, if any.
pub(crate) fn recognise(header: &str) -> Option<&'static Column> {
    // Every spelling folded once, not once per header cell of every file.
    static FOLDED: LazyLock<HashMap<String, &'static Column>> = LazyLock::new(|| {
        let mut map = HashMap::new();
        for c in COLUMNS {
            for s in spellings(c) {
                map.entry(fold(s)).or_insert(c);
            }
        }
        map
    });
    FOLDED.get(&fold(header)).copied()
}

fn spellings(c: &Column) -> impl Iterator<Item = &'static str> {
    let aliases = ALIASES.iter().find(|(k, _)| *k == c.key).map_or(&[][..], |(_, a)| a);
    [c.key, c.ja, c.en].into_iter().chain(aliases.iter().copied())
}

/// Normalises a header for comparison: narrow forms, no trailing note in brackets, no
/// required-marks, lowercase, and no spaces, `_`, `-`, `・` or `.` (as in `Ver.`).
pub(crate) fn fold(header: &str) -> String {
    let mut s = narrow(header).trim().to_owned();
    // `IPアドレス(IPv4)`, `備考（任意）`, `名称【必須】`: the note says nothing about the column.
    while let Some(open) = trailing_note(&s) {
        s.truncate(open);
        s = s.trim_end().to_owned();
    }
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '・' | '.' | '*' | '※'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The byte offset of a bracketed note closing the header, unless it is the whole header.
fn trailing_note(s: &str) -> Option<usize> {
    let close = s.chars().next_back()?;
    let open = match close {
        ')' => '(',
        '】' => '【',
        ']' => '[',
        _ => return None,
    };
    let at = s.rfind(open)?;
    (at > 0).then_some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(h: &str) -> Option<&'static str> {
        recognise(h).map(|c| c.key)
    }

    #[test]
    fn folding() {
        assert_eq!(fold(" ＩＰアドレス（IPv4） "), "ipアドレス");
        assert_eq!(fold("Internet-Facing"), "internetfacing");
        assert_eq!(fold("名称【必須】"), "名称");
        assert_eq!(fold("※名称"), "名称");
        assert_eq!(fold("(備考)"), "(備考)");
        assert_eq!(fold("サポート\n終了日"), "サポート終了日");
    }

    #[test]
    fn headers_people_write() {
        for (h, k) in [
            ("施設名", "facility"),
            ("医療機関名", "facility"),
            ("Facility Name", "facility"),
            ("機器名", "name"),
            ("Hostname", "name"),
            ("区分", "category"),
            ("Type", "category"),
            ("製造元", "vendor"),
            ("Manufacturer", "vendor"),
            ("型番", "product"),
            ("OS Version", "version"),
            ("Ver.", "version"),
            ("CPE名", "cpe"),
            ("IP Address", "ip"),
            ("ＩＰアドレス（IPv4）", "ip"),
            ("外部公開", "internet_facing"),
            ("部署", "location"),
            ("ネットワーク区分", "network_zone"),
            ("セグメント", "network_zone"),
            ("保守回線", "remote_maintenance"),
            ("リモート保守業者", "remote_vendor"),
            ("能動スキャン禁止", "no_active_scan"),
            ("管理部署", "owner"),
            ("保守会社", "maintenance_vendor"),
            ("End of Support", "support_end"),
            ("EOL", "support_end"),
            ("パッチ適用日", "last_updated"),
            ("備考（任意）", "notes"),
            ("Comment", "notes"),
        ] {
            assert_eq!(key(h), Some(k), "{h}");
        }
        for h in ["No.", "", "  ", "シリアル番号", "(備考)"] {
            assert_eq!(key(h), None, "{h}");
        }
    }

    #[test]
    fn no_spelling_names_two_columns() {
        let mut seen = HashMap::new();
        for c in COLUMNS {
            for s in spellings(c) {
                if let Some(other) = seen.insert(fold(s), c.key) {
                    assert_eq!(other, c.key, "{s} names both {other} and {}", c.key);
                }
            }
        }
        for (k, _) in ALIASES {
            assert!(by_key(k).is_some(), "{k}");
        }
    }
}
