//! The BCP as a document: the same [`Document`] feeds the page and the PDF. The sections
//! follow MHLW's template (医療情報システム部門等における事業継続計画(BCP)のひな形, 2024-06;
//! shared/reference/japan-regulation.md "BCP template contents"). Japanese only: it is kept
//! for the facility and shown to an inspector.

use mamoru_app::readiness::bcp::BcpView;
use mamoru_domain::readiness::bcp::{RtoCheck, Section as Part, minutes_label};
use mamoru_domain::readiness::drills::scenario;
use mamoru_domain::readiness::fiscal::tokyo_day;
use mamoru_report::{Document, Field, Section};

use crate::i18n::today;

/// The summary section's heading.
pub(crate) const SUMMARY: &str = "概要";
/// The drills section's heading.
pub(crate) const DRILLS: &str = "訓練の記録";

/// `1. 想定される影響`.
pub(crate) fn heading(part: Part) -> String {
    let n = Part::ALL.iter().position(|p| *p == part).unwrap_or(0) + 1;
    format!("{n}. {}", part.ja())
}

fn field(key: String, label: &str, value: String) -> Field {
    Field { key, label: label.to_owned(), value }
}

fn duration(ms: u64) -> String {
    minutes_label(ms.div_ceil(60_000))
}

/// One system's line: target, measured restore time and how they compare.
fn system_value(s: &mamoru_app::readiness::bcp::SystemRow) -> String {
    let target = s.plan.rto_minutes.map_or("未設定".to_owned(), |m| minutes_label(u64::from(m)));
    let measured = match s.last_restore {
        Some((day, ms)) => format!("{day} 所要 {}", duration(ms)),
        None => "なし".to_owned(),
    };
    let mark = match s.check {
        RtoCheck::Met => "目標内",
        RtoCheck::Exceeded => "目標超過",
        RtoCheck::Untested => "復元テストなし",
        RtoCheck::NoTarget => "目標未設定",
    };
    let mut lines = vec![format!("目標復旧時間 {target}／最終復元テスト {measured}【{mark}】")];
    if s.needed_for_care {
        lines.push("診療の継続に必要".to_owned());
    }
    lines.push(format!("停止時のリスク: {}", if s.plan.risk.is_empty() { "未記入" } else { &s.plan.risk }));
    lines.push(format!("代替手段: {}", if s.plan.fallback.is_empty() { "未記入" } else { &s.plan.fallback }));
    lines.join("\n")
}

/// The document and, per section, each field's CSS class (`bad` where a system's restore
/// time exceeds its target or was never measured).
pub(crate) fn document(v: &BcpView) -> (Document, Vec<Vec<&'static str>>) {
    let f = &v.facility.draft;
    let state = match v.plan.as_ref() {
        None => "未作成（ひな形の文面を表示しています）".to_owned(),
        Some(p) => match &p.input.approved {
            Some((d, who)) => format!("第{}版　{d} 承認（{who}）", p.version),
            None => format!("第{}版　下書き（未承認）", p.version),
        },
    };
    let last_drill = v.fact.and_then(|b| b.drilled_on).map_or("なし".to_owned(), |d| d.to_string());
    let mut summary = vec![
        field("facility".into(), "施設名", f.name.clone()),
        field("version".into(), "版・承認", state),
        field("last_drill".into(), "最終訓練", last_drill),
    ];
    if v.review_overdue() {
        summary.push(field("review".into(), "見直し", "1年以内の見直し（承認）の記録がありません".into()));
    }
    let mut sections = vec![(Section { heading: SUMMARY.to_owned(), fields: summary }, vec![])];
    for (part, text) in &v.sections {
        let mut fields = vec![field(format!("text_{}", part.code()), "本文", text.clone())];
        let mut classes = vec![""];
        match part {
            Part::Ledger => {
                for (i, l) in v.ledger.iter().enumerate() {
                    let mut value = l.category.ja().to_owned();
                    if let Some(loc) = &l.location {
                        value.push_str(&format!("／{loc}"));
                    }
                    if l.remote_maintenance {
                        value.push_str("／リモート保守あり");
                    }
                    fields.push(field(format!("ledger_{i}"), &l.name, value));
                    classes.push("");
                }
            }
            Part::Diagrams => {
                // Names and digests, so a printed copy says which files it stands on.
                for d in &v.diagrams {
                    let day = tokyo_day(d.added_at);
                    let value = format!("SHA-256 {}\n{} バイト／{day} {}", d.sha256, d.size, d.added_by);
                    fields.push(field(format!("diagram_{}", d.id), &d.name, value));
                    classes.push("");
                }
            }
            Part::Systems => {
                for (i, s) in v.systems.iter().enumerate() {
                    fields.push(field(format!("system_{i}"), &s.plan.system, system_value(s)));
                    classes.push(if s.check.is_red() { "bad" } else { "" });
                }
            }
            Part::Backups => {
                for (i, b) in v.backups.iter().enumerate() {
                    let restore =
                        b.last_restore.map_or("なし".to_owned(), |(d, ms)| format!("{d}（所要 {}）", duration(ms)));
                    let value = format!(
                        "対象: {}\n世代: {}\nオフライン: {}\n最終復元テスト: {restore}",
                        b.what,
                        b.generations,
                        b.offline.unwrap_or("なし")
                    );
                    fields.push(field(format!("backup_{i}"), &b.system, value));
                    classes.push("");
                }
            }
            _ => {}
        }
        sections.push((Section { heading: heading(*part), fields }, classes));
    }
    let drills: Vec<Field> = v
        .drills
        .iter()
        .map(|d| {
            let title = scenario(&d.scenario).map_or(d.scenario.as_str(), |s| s.title);
            field(format!("drill_{}", d.id), &d.held_on.to_string(), format!("{title}\n参加者: {}", d.participants))
        })
        .collect();
    let drills =
        if drills.is_empty() { vec![field("drill_none".into(), "訓練", "記録なし".into())] } else { drills };
    let n = drills.len();
    sections.push((Section { heading: DRILLS.to_owned(), fields: drills }, vec![""; n]));
    let day = today();
    let (sections, classes) = sections.into_iter().unzip();
    let doc = Document {
        kind: "bcp".to_owned(),
        title: "サイバー攻撃を想定した事業継続計画（BCP）".to_owned(),
        subtitle: Some(f.name.clone()),
        addressee: None,
        date: format!("{}年{}月{}日", day.year(), day.month(), day.day()),
        marks: Vec::new(),
        sections,
        footer: Some(format!("{} BCP — 厚生労働省のひな形（2024年6月）の構成による。Mamoru で作成", f.name)),
    };
    (doc, classes)
}
