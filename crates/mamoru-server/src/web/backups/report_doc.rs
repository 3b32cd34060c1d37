//! The annual backup report as a document: the same [`Document`] feeds the printable page and
//! the PDF, so what is printed from the browser and what is filed as PDF say the same. It is
//! written in Japanese only: it is filed with a Japanese ministry.

use jiff::Timestamp;
use jiff::civil::Date;
use mamoru_app::backup::{AnnualBackupReport, ReportSystem};
use mamoru_report::{Document, Field, Section};
use mamoru_store::BackupResult;

use super::{duration, size};
use crate::i18n::{Lang, tokyo};

/// The document's kind, also the PDF's identifier.
pub(crate) const KIND: &str = "backup_annual_report";

/// `2026年11月26日`.
fn ja_date(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// `2026年11月26日 02:15` (Japan time), or `なし`.
fn ja_time(t: Option<Timestamp>) -> String {
    t.map_or_else(|| "なし".to_owned(), |t| t.to_zoned(tokyo()).strftime("%Y年%-m月%-d日 %H:%M").to_string())
}

/// `令和8年度（2026年度）`: fiscal years since 2019 are Reiwa (2019 = 令和元年度).
pub(crate) fn fiscal_year_ja(fy: i16) -> String {
    match fy - 2018 {
        1 => "令和元年度（2019年度）".to_owned(),
        n if n > 1 => format!("令和{n}年度（{fy}年度）"),
        _ => format!("{fy}年度"),
    }
}

fn field(key: &str, label: &str, value: String) -> Field {
    Field { key: key.to_owned(), label: label.to_owned(), value }
}

/// A restore test in one line: when, passed or not, how long, how much.
fn test_line(r: &BackupResult) -> String {
    let outcome = if r.result.ok { "合格" } else { "不合格" };
    let mut line = format!(
        "{}　{outcome}　所要時間 {}",
        ja_time(Some(r.result.finished_at)),
        duration(Lang::Ja, r.result.duration_ms)
    );
    if let (Some(files), Some(bytes)) = (r.result.files, r.result.bytes) {
        line.push_str(&format!("（{files} ファイル、{}）", size(bytes)));
    }
    if !r.result.ok && !r.result.message.is_empty() {
        line.push_str(&format!("\n{}", r.result.message));
    }
    line
}

/// `確認済み　最後の合格 2026年11月20日 07:48（所要時間 14分32秒）`.
fn overview_line(s: &ReportSystem) -> String {
    match &s.last_passed_test {
        Some(t) => format!(
            "{}　最後の合格 {}（所要時間 {}）",
            s.status.ja(),
            ja_time(Some(t.result.finished_at)),
            duration(Lang::Ja, t.result.duration_ms)
        ),
        None => format!("{}　合格した復元テストなし", s.status.ja()),
    }
}

fn system_section(n: usize, s: &ReportSystem, current: bool) -> Section {
    let k = |name: &str| format!("s{}_{name}", s.job);
    let offline = match &s.offline {
        Some((kind, repo)) => format!("{}\n{repo}", kind.ja()),
        None => "なし".to_owned(),
    };
    let status_label = if current { "現在の状況" } else { "年度末時点の状況" };
    Section {
        heading: format!("{n}. {}", s.name),
        fields: vec![
            field(&k("kind"), "システムの種類", s.kind.ja().to_owned()),
            field(&k("care"), "診療継続に必要", if s.needed_for_care { "はい" } else { "いいえ" }.to_owned()),
            field(&k("sources"), "バックアップ対象", s.sources.join("\n")),
            field(&k("repository"), "バックアップの保存先", s.repository.clone()),
            field(&k("schedule"), "実行予定", s.schedule.ja()),
            field(&k("retention"), "保持する世代", s.retention.ja()),
            field(&k("offline"), "オフラインコピー（区分・保存先）", offline),
            field(&k("offline_at"), "オフラインコピーの最終更新", ja_time(s.offline_refreshed_at)),
            field(&k("offline_n"), "年度内のオフラインコピー", format!("{} 回", s.offline_copies)),
            field(
                &k("backups"),
                "年度内のバックアップ",
                format!("成功 {} 回・失敗 {} 回", s.backups_ok, s.backups_failed),
            ),
            field(&k("last_backup"), "最終バックアップ", ja_time(s.last_backup_at)),
            field(
                &k("tests"),
                "年度内の復元テスト",
                format!("合格 {} 回・不合格 {} 回", s.restore_tests_passed, s.restore_tests_failed),
            ),
            field(
                &k("last_test"),
                "最後の復元テスト",
                s.last_restore_test.as_ref().map_or("なし".to_owned(), test_line),
            ),
            field(
                &k("last_passed"),
                "最後に合格した復元テスト（復旧時間の実測）",
                s.last_passed_test.as_ref().map_or("なし".to_owned(), test_line),
            ),
            field(&k("policy"), "復元テストの間隔", format!("{}日ごと", s.max_age_days)),
            field(&k("status"), status_label, s.status.ja().to_owned()),
        ],
    }
}

/// The report as a document, dated the day it was read (Japan time).
pub(crate) fn document(r: &AnnualBackupReport) -> Document {
    let current = r.generated_at.to_zoned(tokyo()).date() <= r.to;
    let attention = r.systems.iter().filter(|s| s.status.needs_action()).count();
    let f = &r.facility.draft;
    let mut summary = vec![
        field("facility", "施設名", f.name.clone()),
        field("beds", "病床数", f.beds.map(|b| format!("{b} 床")).unwrap_or_default()),
        field("period", "対象期間", format!("{} 〜 {}", ja_date(r.from), ja_date(r.to))),
        field("systems", "対象システム数", format!("{} システム", r.systems.len())),
        field(
            "care",
            "うち診療継続に必要なシステム",
            format!("{} システム", r.systems.iter().filter(|s| s.needed_for_care).count()),
        ),
        field("offline", "オフラインコピーのあるシステム", {
            format!("{} システム", r.systems.iter().filter(|s| s.offline.is_some()).count())
        }),
        field("attention", "復元確認が期限切れ・失敗・未実施のシステム", format!("{attention} システム")),
    ];
    if r.systems.is_empty() {
        summary.push(field("none", "備考", "バックアップジョブが登録されていません。".to_owned()));
    }
    let mut sections = vec![Section { heading: "施設と対象システムの概要".to_owned(), fields: summary }];
    if !r.systems.is_empty() {
        // The page an inspector reads first: every system's verification on one line.
        let overview =
            r.systems.iter().map(|s| field(&format!("overview_{}", s.job), &s.name, overview_line(s))).collect();
        sections.push(Section { heading: "復元テストの状況（一覧）".to_owned(), fields: overview });
    }
    sections.extend(r.systems.iter().enumerate().map(|(i, s)| system_section(i + 1, s, current)));
    Document {
        kind: KIND.to_owned(),
        title: "バックアップ実施状況報告書".to_owned(),
        subtitle: Some(format!("{}　{}", f.name, fiscal_year_ja(r.fiscal_year))),
        addressee: None,
        date: ja_date(r.generated_at.to_zoned(tokyo()).date()),
        marks: Vec::new(),
        sections,
        footer: Some(format!("{} 年次バックアップ報告（{}年度）— Mamoru で作成", f.name, r.fiscal_year)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fiscal_years_are_named_in_reiwa() {
        assert_eq!(fiscal_year_ja(2026), "令和8年度（2026年度）");
        assert_eq!(fiscal_year_ja(2019), "令和元年度（2019年度）");
        assert_eq!(fiscal_year_ja(2010), "2010年度");
    }

    #[test]
    fn times_are_japan_time() {
        let t: Timestamp = "2026-11-25T15:30:00Z".parse().unwrap();
        assert_eq!(ja_time(Some(t)), "2026年11月26日 00:30");
        assert_eq!(ja_time(None), "なし");
    }
}
