//! The cyber-attack BCP (サイバー攻撃を想定した事業継続計画) of a facility, laid out after
//! MHLW's template 「医療情報システム部門等における事業継続計画(BCP)のひな形」 (2024-06,
//! mhlw.go.jp/stf/shingi/0000516275_00006.html; summarised in
//! shared/reference/japan-regulation.md "BCP template contents", from wic-net 15065/4, 15065/6,
//! 15125/9, 15125/12), and how each system's measured restore time compares with its target.
//!
//! Checklist item 3-③ asks for the BCP; 診療録管理体制加算1 (2024 revision, wic-net
//! 13370/168) asks for drills based on it "at least about once a year".

use jiff::civil::Date;

use super::rules::{Bcp, PERIOD_DAYS};
use crate::choice::choice_enum;

choice_enum! {
    /// The BCP's sections, in the template's order.
    pub enum Section {
        /// Assumed impacts of an attack on care.
        Impacts => ("impacts", "想定される影響", "Assumed impacts"),
        /// 2.1.3 情報機器台帳: the asset ledger and its stock-taking.
        Ledger => ("ledger", "情報機器台帳", "Asset ledger"),
        /// 2.1.4 network and system diagrams kept current.
        Diagrams => ("diagrams", "ネットワーク構成図・システム構成図", "Network and system diagrams"),
        /// 2.1.5 risk assessment and the manual fallback per system.
        Systems => ("systems", "システムごとのリスクと代替手段", "Risk and manual fallback per system"),
        /// 2.2.4 バックアップ体制: what is backed up, how often, where.
        Backups => ("backups", "バックアップ体制", "Backups"),
        /// 3.4 recovery: damage investigation with evidence preservation, then restoring.
        Recovery => ("recovery", "復旧手順", "Recovery procedures"),
        /// 3.4.3 reporting to external bodies "as early as possible".
        Reporting => ("reporting", "外部への報告・連絡", "External reporting"),
    }
}

impl Section {
    /// The text a new BCP starts from, after the template's wording (rewritten, not copied).
    pub const fn template(self) -> &'static str {
        match self {
            Section::Impacts => {
                "診療・参照・オーダ情報が閲覧できない。入力できない。職員間の連絡がとれない。\
                 IT機器・医療機器が動かない、または誤動作する。想定する攻撃: 不正アクセス、標的型メール、\
                 ランサムウェアを含むマルウェア、DDoS とその予兆。"
            }
            Section::Ledger => {
                "安全管理責任者が実態どおりの情報機器台帳を管理し、定期的に棚卸（所在と稼働状況）を行う。\
                 台帳は Mamoru の資産台帳を正とする。"
            }
            Section::Diagrams => "最新のネットワーク構成図・システム構成図の保管場所（紙の控えを含む）を記載する。",
            Section::Systems => {
                "システムごとに、停止時のリスク、紙運用などの代替手段、目標復旧時間を下の表に記載する。"
            }
            Section::Backups => {
                "下の表のとおり世代管理し、一部はオフライン（またはネットワーク分離・追記不能）で保管する。\
                 復元手順は年に1回以上テストし、かかった時間を記録する。"
            }
            Section::Recovery => {
                "1. 感染端末をネットワークから切り離す（電源は切らない）。2. 被害調査: アクセスログの分析、\
                 改ざん・暗号化の範囲、個人情報漏えいの有無を、証拠を保全しながら診療を継続して調べる。\
                 3. 経営層が復旧と広報の方針を決める。4. クリーンな環境にOSを再構築し、バックアップから復元する。"
            }
            Section::Reporting => {
                "経営層が判断し、できるだけ早く報告する: 厚生労働省（医療政策局 特定医薬品開発支援・医療情報担当参事官室）、\
                 都道府県（保健所）、警察（サイバー犯罪相談窓口）、個人情報保護委員会（漏えいのおそれがあるとき）、\
                 システム事業者。"
            }
        }
    }
}

choice_enum! {
    /// A system's measured restore time against its target recovery time (RTO).
    pub enum RtoCheck {
        /// The last passed restore test took no longer than the target.
        Met => ("met", "目標内", "Within target"),
        /// The last passed restore test took longer than the target.
        Exceeded => ("exceeded", "目標超過", "Exceeds target"),
        /// No restore test passed yet: nothing proves the target can be met.
        Untested => ("untested", "復元テストなし", "No restore test"),
        /// A test exists but no target was set.
        NoTarget => ("no-target", "目標未設定", "No target"),
    }
}

impl RtoCheck {
    /// Whether the page shows it in red: the target is exceeded or nothing was measured.
    pub const fn is_red(self) -> bool {
        matches!(self, RtoCheck::Exceeded | RtoCheck::Untested)
    }
}

/// Compares the measured duration of the last passed restore test (`measured_ms`) with the
/// target in minutes.
pub fn rto_check(target_minutes: Option<u32>, measured_ms: Option<u64>) -> RtoCheck {
    match (target_minutes, measured_ms) {
        (_, None) => RtoCheck::Untested,
        (None, Some(_)) => RtoCheck::NoTarget,
        (Some(t), Some(ms)) if ms > u64::from(t) * 60_000 => RtoCheck::Exceeded,
        (Some(_), Some(_)) => RtoCheck::Met,
    }
}

/// Whether a day lies within the year before `as_of` (the same window as the other rules).
pub fn within_year(day: Option<Date>, as_of: Date) -> bool {
    use jiff::ToSpan;
    day.is_some_and(|d| d <= as_of && d > as_of - PERIOD_DAYS.days())
}

/// The evidence fact of checklist 3-③ and inspection point 3: the BCP's last review (its
/// approval; `None` while a draft) and the latest drill held on or before `as_of`. `None`
/// when Mamoru holds neither a BCP nor a drill, so the rule keeps asking the person.
pub fn fact(plan_exists: bool, reviewed_on: Option<Date>, drills: &[Date], as_of: Date) -> Option<Bcp> {
    let drilled_on = drills.iter().copied().filter(|d| *d <= as_of).max();
    if !plan_exists && drilled_on.is_none() {
        return None;
    }
    Some(Bcp { adopted_on: reviewed_on, drilled_on })
}

/// Hours and minutes, as the tables show a duration: `2時間05分`, `45分`.
pub fn minutes_label(minutes: u64) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m}分"),
        (h, m) => format!("{h}時間{m:02}分"),
    }
}

#[cfg(test)]
#[path = "bcp_tests.rs"]
mod tests;
