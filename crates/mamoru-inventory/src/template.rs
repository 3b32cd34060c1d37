//! The template users download to start a register: the header row and one example row.
//!
//! The example is a FortiGate SSL-VPN on FortiOS 6.0.4, the kind of perimeter device through
//! which ransomware reached Japanese hospitals, so the template also shows what matters most.

use mamoru_domain::{AssetDraft, AssetInput};

use crate::write::{CsvEncoding, ExportRow, Headers, write_csv};

/// The template as CSV in UTF-8 with a BOM, so that Excel opens it correctly either way.
pub fn template_csv(headers: Headers) -> Vec<u8> {
    let row = example(headers);
    // The example is fixed and valid (a test parses it), and UTF-8 represents everything.
    write_csv(std::slice::from_ref(&row), headers, CsvEncoding::Utf8Bom).unwrap_or_default()
}

/// The example row in the headers' language.
pub(crate) fn example(headers: Headers) -> ExportRow {
    let ja = headers == Headers::Japanese;
    let t = |ja_text: &str, en_text: &str| if ja { ja_text } else { en_text }.to_owned();
    let vendor = t("みなとネットワークサービス株式会社", "Minato Network Services Co., Ltd.");
    let input = AssetInput {
        name: t("本館VPN装置", "Main building VPN"),
        category: "vpn".into(),
        vendor: "Fortinet".into(),
        product: "FortiGate 60E".into(),
        version: "6.0.4".into(),
        cpe: "cpe:2.3:o:fortinet:fortios:6.0.4:*:*:*:*:*:*:*".into(),
        ip: "203.0.113.10".into(),
        location: t("本館2階 サーバ室", "Main building 2F server room"),
        network_zone: "DMZ".into(),
        internet_facing: "yes".into(),
        remote_maintenance: "yes".into(),
        no_active_scan: "no".into(),
        owner: t("情報システム課", "IT section"),
        support_end: "2022-03-29".into(),
        last_updated: "2019-02-15".into(),
        notes: t(
            "SSL-VPN有効。CVE-2018-13379 の影響あり、FortiOS 7.2 以降へ更新すること",
            "SSL-VPN enabled; affected by CVE-2018-13379, update to FortiOS 7.2 or later",
        ),
    };
    let asset = match AssetDraft::parse(&input) {
        Ok(asset) => asset,
        Err(e) => unreachable!("the template row is valid: {e:?}"),
    };
    ExportRow {
        facility: t("みなと総合病院", "Minato General Hospital"),
        asset,
        maintenance_vendor: Some(vendor.clone()),
        remote_vendor: Some(vendor),
    }
}
