//! The facts of a case that the reports need, each written once on the case record.
//!
//! The PPC report's nine items are those of the APPI Enforcement Rules Art. 8(1); the notice to
//! patients uses items 1, 2, 4, 5 and 9 (Rules Art. 10); MHLW asks for the systems affected,
//! the impact on care and the response (2018-10-29 notice). Every document draws on this one
//! list, so a fact typed for the PPC appears unchanged in the patients' notice.

/// One fact of the case record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportField {
    /// Stable key, stored with the value and used in document edits.
    pub key: &'static str,
    /// Japanese label, as the official form words it where there is one.
    pub ja: &'static str,
    /// English label.
    pub en: &'static str,
    /// What to write, in Japanese.
    pub hint_ja: &'static str,
}

/// The longest value a field may hold (in characters): a few pages of text.
pub const REPORT_FIELD_MAX: usize = 8_000;

/// Every fact of the record, in the order of the PPC report and then the others.
pub const REPORT_FIELDS: &[ReportField] = &[
    ReportField {
        key: "overview",
        ja: "概要",
        en: "Overview",
        hint_ja: "いつ・何が起き、どう発覚したか。不正アクセス、ランサムウェア感染、誤送信など",
    },
    ReportField {
        key: "data_items",
        ja: "漏えい等が発生し、又は発生したおそれがある個人データの項目",
        en: "Items of personal data affected",
        hint_ja: "氏名、住所、生年月日、患者ID、病名・診療情報（要配慮個人情報）など",
    },
    ReportField {
        key: "people",
        ja: "漏えい等が発生し、又は発生したおそれがある個人データに係る本人の数",
        en: "Number of people affected",
        hint_ja: "人数（不明なら「調査中、最大約○人」）",
    },
    ReportField {
        key: "cause",
        ja: "原因",
        en: "Cause",
        hint_ja: "侵入経路（VPN機器の脆弱性、保守回線、メール等）と、それを許した管理上の要因",
    },
    ReportField {
        key: "secondary_damage",
        ja: "二次被害又はそのおそれの有無及びその内容",
        en: "Secondary damage or its risk",
        hint_ja: "公開・悪用の有無、不審な連絡の有無など",
    },
    ReportField {
        key: "response_to_people",
        ja: "本人への対応の実施状況",
        en: "Response to the people affected",
        hint_ja: "通知の時期と方法（郵送、電話）、通知できない場合の代替措置",
    },
    ReportField {
        key: "publication",
        ja: "公表の実施状況",
        en: "Public announcement",
        hint_ja: "ホームページ掲載・記者発表の日付と内容",
    },
    ReportField {
        key: "prevention",
        ja: "再発防止のための措置",
        en: "Measures to prevent recurrence",
        hint_ja: "実施済みの措置と今後の予定（日付つき）",
    },
    ReportField {
        key: "other",
        ja: "その他参考となる事項",
        en: "Other relevant matters",
        hint_ja: "警察・厚生労働省への連絡状況、委託先の関与など",
    },
    ReportField {
        key: "discovery",
        ja: "発覚の経緯",
        en: "How it was discovered",
        hint_ja: "誰が・いつ・何に気づいたか（検知アラート、職員の申告、外部からの連絡）",
    },
    ReportField {
        key: "systems",
        ja: "影響を受けたシステム・機器",
        en: "Systems and devices affected",
        hint_ja: "電子カルテ、PACS、部門システム、ファイルサーバ、VPN装置など",
    },
    ReportField {
        key: "care_impact",
        ja: "診療への影響",
        en: "Impact on care",
        hint_ja: "外来・救急・手術の停止や制限、紙運用への切り替え、他院への搬送",
    },
    ReportField {
        key: "current_status",
        ja: "現在の対応状況",
        en: "Current status",
        hint_ja: "封じ込め・復旧の進み具合、再開の見込み",
    },
    ReportField {
        key: "contact_window",
        ja: "お問い合わせ窓口",
        en: "Contact window for patients",
        hint_ja: "専用ダイヤルの番号・受付時間、メールアドレス",
    },
    ReportField {
        key: "costs",
        ja: "被害額・対応費用（見込み）",
        en: "Damage and response costs (estimate)",
        hint_ja: "調査・復旧・システム再構築の費用、診療停止による減収（保険請求用）",
    },
];

/// The field with this key.
pub fn report_field(key: &str) -> Option<&'static ReportField> {
    REPORT_FIELDS.iter().find(|f| f.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ppc_reports_nine_items_come_first() {
        let keys: Vec<&str> = REPORT_FIELDS.iter().take(9).map(|f| f.key).collect();
        assert_eq!(
            keys,
            [
                "overview",
                "data_items",
                "people",
                "cause",
                "secondary_damage",
                "response_to_people",
                "publication",
                "prevention",
                "other"
            ]
        );
        for (i, a) in REPORT_FIELDS.iter().enumerate() {
            assert!(REPORT_FIELDS[i + 1..].iter().all(|b| b.key != a.key), "{} twice", a.key);
            assert_eq!(report_field(a.key), Some(a));
        }
    }
}
