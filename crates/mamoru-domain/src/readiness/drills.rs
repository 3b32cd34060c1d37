//! Tabletop drills (机上訓練) on the cyber-attack BCP: the scenarios as data, each with its
//! injects (what the facilitator announces as time passes) and the questions to discuss.
//!
//! The scenarios follow the attack paths of the Japanese hospital incidents summarised in
//! shared/reference/japan-regulation.md §5 (半田 2021: an unpatched VPN appliance; 岡山 2024:
//! a vendor's maintenance VPN and one admin password on every PC; 大阪 2022: a contractor's line)
//! and its "common recommendations";
//! 診療録管理体制加算1 asks for a drill on the BCP about once a year (wic-net 13370/168).

/// One step of a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inject {
    /// When, relative to the start: `T+0`, `T+2h`, `翌日`.
    pub at: &'static str,
    /// What the facilitator announces.
    pub text: &'static str,
    /// What the participants discuss and answer.
    pub questions: &'static [&'static str],
}

/// A drill scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scenario {
    /// Stable code, kept with each drill.
    pub code: &'static str,
    /// Its title.
    pub title: &'static str,
    /// The situation at the start.
    pub summary: &'static str,
    /// The injects in order.
    pub injects: &'static [Inject],
}

/// Every scenario, in display order.
pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        code: "vpn-ransomware",
        title: "VPN装置の脆弱性からのランサムウェア感染",
        summary: "修正プログラム未適用のVPN装置から侵入され、夜間に電子カルテのサーバと端末が暗号化された。",
        injects: &[
            Inject {
                at: "T+0（午前6時）",
                text: "夜勤の看護師から「電子カルテが開かない、画面に英語の脅迫文が出ている」と連絡が入る。",
                questions: &[
                    "最初に誰に連絡するか（連絡体制図のどこか）",
                    "感染端末をどう切り離すか（電源は切らない）",
                ],
            },
            Inject {
                at: "T+1h",
                text: "システム事業者が、VPN装置の既知の脆弱性（KEV掲載）が未修正だったと報告する。",
                questions: &["外来を続けるか、どの診療を止めるか", "紙運用への切り替えを誰が指示するか"],
            },
            Inject {
                at: "T+4h",
                text: "バックアップサーバも暗号化されていた。オフラインの媒体は先週分がある。",
                questions: &["どのシステムから、どのバックアップで復元するか", "目標復旧時間に間に合うか"],
            },
            Inject {
                at: "翌日",
                text: "報道機関から問い合わせがある。患者情報の漏えいを示す書き込みが見つかる。",
                questions: &[
                    "厚生労働省・警察・個人情報保護委員会への報告は誰がいつするか",
                    "患者への説明をどうするか",
                ],
            },
        ],
    },
    Scenario {
        code: "vendor-remote",
        title: "事業者のリモート保守回線からの侵入",
        summary: "検査機器の保守用に常時接続されていたリモート保守回線から、院内ネットワークに不審な通信が広がった。",
        injects: &[
            Inject {
                at: "T+0",
                text: "ログ監視が、検査部門の端末から多数の端末への管理者ログインを検知する。",
                questions: &[
                    "リモート保守機器はどこにあり、誰が止められるか（台帳で確認）",
                    "事業者への連絡先はわかるか",
                ],
            },
            Inject {
                at: "T+2h",
                text: "事業者は「保守回線は自社の管理外」と回答する。",
                questions: &["責任分界は契約でどう決まっているか", "保守回線を止めたとき検査業務はどうするか"],
            },
            Inject {
                at: "T+1日",
                text: "同じ事業者の他の顧客でも被害が出ていると報じられる。",
                questions: &["事業者に何を報告させるか（MDS/SDS、脆弱性の対応状況）", "再開の判断は誰がするか"],
            },
        ],
    },
    Scenario {
        code: "shared-password",
        title: "共有パスワードの漏えい",
        summary: "部署で共有している管理者アカウントのパスワードが、退職者の私物端末から漏れ、外部からログインされた。",
        injects: &[
            Inject {
                at: "T+0",
                text: "深夜に、使われていないはずの管理者アカウントで電子カルテにログインした記録が見つかる。",
                questions: &["そのアカウントを誰が使っているか、すぐ止められるか", "アクセスログで何を確認するか"],
            },
            Inject {
                at: "T+3h",
                text: "同じパスワードが他の3システムでも使われていたとわかる。",
                questions: &["どのシステムのパスワードをどの順で変えるか", "二要素認証をどこから入れるか"],
            },
            Inject {
                at: "翌日",
                text: "患者500名分の記録が閲覧されていたことがわかる。",
                questions: &[
                    "個人情報保護委員会への報告は必要か（期限は）",
                    "退職時のアカウント削除の手順をどう直すか",
                ],
            },
        ],
    },
];

/// The scenario with `code`.
pub fn scenario(code: &str) -> Option<&'static Scenario> {
    SCENARIOS.iter().find(|s| s.code == code)
}
