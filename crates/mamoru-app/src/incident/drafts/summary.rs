//! The case summary for management and the insurer: what happened, what the law asked and
//! when it was done, what was kept, what it cost.

use jiff::Timestamp;
use mamoru_domain::incident::EntryKind;
use mamoru_report::Document;

use super::{Record, decision_text, fact, field, ja_date, ja_opt_time, ja_time, section, systems};

pub(super) fn case_summary(r: &Record<'_>) -> Document {
    let c = r.case;
    let a = r.appi;
    let filed =
        |t: Option<Timestamp>| t.map(|t| format!("提出済み（{}）", ja_time(t))).unwrap_or_else(|| "未提出".into());
    let timeline = r
        .entries
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EntryKind::Status
                    | EntryKind::Contact
                    | EntryKind::Report
                    | EntryKind::Checklist
                    | EntryKind::Action
                    | EntryKind::Event
            )
        })
        .map(|e| format!("{} 〔{}〕 {}", ja_time(e.at), e.kind.ja(), e.text))
        .collect::<Vec<_>>()
        .join("\n");
    let evidence = r
        .evidence
        .iter()
        .map(|e| format!("{}（{} バイト）SHA-256: {}", e.name, e.size, e.sha256))
        .collect::<Vec<_>>()
        .join("\n");
    let open_tasks = r.tasks.iter().filter(|t| t.done_at.is_none()).count();
    let tasks = r
        .tasks
        .iter()
        .map(|t| {
            let state = if t.done_at.is_some() { "済" } else { "未" };
            let due = t.due_on.map(|d| format!("（期限 {d}）")).unwrap_or_default();
            format!("{state} {}{due}{}", t.title, t.owner.as_deref().map(|o| format!(" 担当: {o}")).unwrap_or_default())
        })
        .collect::<Vec<_>>()
        .join("\n");
    let d = &a.deadlines;
    Document {
        kind: "case_summary".into(),
        title: "インシデント対応報告".into(),
        subtitle: Some(format!("事案 #{} {}", c.id, c.title)),
        addressee: Some("理事長・院長 殿 / 保険会社 御中".into()),
        date: ja_date(r.date),
        marks: Vec::new(),
        sections: vec![
            section(
                "事案",
                vec![
                    field("facility_name", "施設", c.facility_name.clone()),
                    field("severity", "重大度", c.severity.ja()),
                    field("status", "対応の段階", c.status.ja()),
                    field("occurred_at", "発生日時", ja_opt_time(c.occurred_at)),
                    field("aware_at", "覚知日時", ja_time(c.aware_at)),
                    field("summary", "当初の概要", c.summary.clone().unwrap_or_default()),
                    fact(r, "overview"),
                    field("systems", "影響を受けたシステム・機器", systems(r)),
                    fact(r, "care_impact"),
                    fact(r, "cause"),
                ],
            ),
            section(
                "法令上の報告",
                vec![
                    field("appi", "個人情報保護法上の報告義務", decision_text(r)),
                    field(
                        "preliminary",
                        "速報",
                        format!(
                            "目安 {}（遅くとも {}）: {}",
                            d.preliminary_target,
                            d.preliminary_limit,
                            filed(a.preliminary_filed)
                        ),
                    ),
                    field(
                        "final",
                        "確報",
                        format!("期限 {}（{}日）: {}", d.final_due, d.final_days, filed(a.final_filed)),
                    ),
                    field(
                        "notify_individuals",
                        "本人への通知",
                        match &a.obligation {
                            Some(o) if o.notify_individuals => "必要",
                            Some(_) => "不要",
                            None => "未判定",
                        },
                    ),
                ],
            ),
            section("経過", vec![field("timeline", "時系列", timeline)]),
            section(
                "対応状況",
                vec![
                    field("tasks", &format!("タスク（未完了 {open_tasks} 件）"), tasks),
                    field("evidence", "保全した証拠", evidence),
                    fact(r, "prevention"),
                    fact(r, "costs"),
                ],
            ),
        ],
        footer: Some(format!("Mamoru 事案 #{} から作成", c.id)),
    }
}
