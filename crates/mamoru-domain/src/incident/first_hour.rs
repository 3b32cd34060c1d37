//! The first-hour checklist: what a facility must do as soon as an attack is suspected.
//!
//! Drawn from MHLW's reporting flow (医政総発1029第1号 etc., 2018-10-29: call the system's
//! maintenance vendor at once and follow its instructions; tell MHLW promptly when care or
//! personal data is affected), the BCP template for medical information systems (2024-06:
//! isolate, preserve evidence, continue care on paper) and the police cooperation agreement
//! of 日本医師会 and 警察庁. See `../shared/reference/japan-regulation.md`, sections 1 and 4.

/// One item of the first-hour checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FirstHourItem {
    /// Stable key, stored on the timeline entry that ticks it.
    pub key: &'static str,
    /// What to do, in Japanese.
    pub ja: &'static str,
    /// What to do, in English.
    pub en: &'static str,
    /// Why, briefly, in Japanese (shown under the item).
    pub why_ja: &'static str,
}

/// The checklist, in the order to do it.
pub const FIRST_HOUR: &[FirstHourItem] = &[
    FirstHourItem {
        key: "isolate",
        ja: "感染が疑われる機器をネットワークから切り離す（LANケーブルを抜く・無線を切る）",
        en: "Disconnect the suspected devices from the network (unplug the cable, turn off Wi-Fi)",
        why_ja: "被害の拡大（他の端末・サーバへの感染）を防ぐため",
    },
    FirstHourItem {
        key: "keep_power",
        ja: "電源は切らずにそのままにする（再起動・初期化もしない）",
        en: "Leave the devices powered on (no restart, no reinstall)",
        why_ja: "メモリ上の痕跡とログが調査に必要なため",
    },
    FirstHourItem {
        key: "preserve",
        ja: "画面表示（脅迫文など）を写真に撮り、ログと機器を保全する",
        en: "Photograph the screen (ransom note), keep logs and devices as they are",
        why_ja: "原因調査・警察への相談・報告書の根拠になるため",
    },
    FirstHourItem {
        key: "call_vendor",
        ja: "医療情報システムの保守事業者に連絡し、指示を受ける",
        en: "Call the medical information system's maintenance vendor and follow its instructions",
        why_ja: "厚生労働省の連絡フロー（平成30年10月29日通知）の第一段階",
    },
    FirstHourItem {
        key: "report_management",
        ja: "院長・医療情報システム安全管理責任者に報告する",
        en: "Tell the director and the information-security manager",
        why_ja: "診療継続・公表・報告の判断は経営層が行うため",
    },
    FirstHourItem {
        key: "call_mhlw",
        ja: "厚生労働省（医政局 医療情報担当参事官室）と都道府県に連絡する",
        en: "Tell MHLW (Health Policy Bureau, medical information office) and the prefecture",
        why_ja: "診療に支障または個人情報漏えいのおそれがある場合は速やかに連絡（同通知）",
    },
    FirstHourItem {
        key: "call_police",
        ja: "都道府県警察のサイバー犯罪相談窓口に相談する",
        en: "Call the prefectural police's cybercrime desk",
        why_ja: "ランサムウェア等は犯罪被害であり、捜査・助言を受けられるため",
    },
    FirstHourItem {
        key: "paper_care",
        ja: "BCPに沿って紙運用に切り替え、診療を継続する",
        en: "Switch to paper according to the BCP and keep treating patients",
        why_ja: "システム停止中も診療を止めないため（BCPひな形）",
    },
];

/// The item with this key.
pub fn item(key: &str) -> Option<&'static FirstHourItem> {
    FIRST_HOUR.iter().find(|i| i.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_found() {
        for (i, a) in FIRST_HOUR.iter().enumerate() {
            assert!(FIRST_HOUR[i + 1..].iter().all(|b| b.key != a.key), "{} twice", a.key);
            assert_eq!(item(a.key), Some(a));
        }
        assert!(item("reboot").is_none());
    }
}
