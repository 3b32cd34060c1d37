//! A case as text for people (times in Japan) and as JSON for scripts (times RFC 3339 UTC,
//! dates `YYYY-MM-DD`, the keys of the REST API's case).

use std::fmt::Write as _;

use jiff::Timestamp;
use jiff::tz::Offset;
use mamoru_app::incident::{AppiView, CaseView};
use mamoru_domain::incident::report_field;
use mamoru_store::Case;
use serde_json::{Value, json};

use crate::output::say;

/// An instant in Japan time, to the minute.
pub(super) fn jst(t: Timestamp) -> String {
    Offset::constant(9).to_datetime(t).strftime("%Y-%m-%d %H:%M").to_string()
}

/// A case as listed.
pub(super) fn summary_json(c: &Case) -> Value {
    json!({
        "id": c.id.get(),
        "title": c.title,
        "facility": c.facility_name,
        "facility_id": c.facility.get(),
        "severity": c.severity.code(),
        "status": c.status.code(),
        "source": c.source.code(),
        "source_id": c.source.id(),
        "occurred_at": c.occurred_at.map(|t| t.to_string()),
        "aware_at": c.aware_at.to_string(),
        "opened_by": c.opened_by,
        "created_at": c.created_at.to_string(),
        "updated_at": c.updated_at.to_string(),
        "closed_at": c.closed_at.map(|t| t.to_string()),
    })
}

/// A case with everything on it.
pub(super) fn case_json(v: &CaseView, appi: &AppiView) -> Value {
    let mut out = summary_json(&v.case);
    let extra = json!({
        "summary": v.case.summary,
        "fields": v.case.fields,
        "timeline": v.entries.iter().map(|e| json!({
            "id": e.id, "at": e.at.to_string(), "written_at": e.written_at.to_string(), "author": e.author,
            "kind": e.kind.code(), "text": e.text, "reference": e.reference,
        })).collect::<Vec<_>>(),
        "tasks": v.tasks.iter().map(|t| json!({
            "id": t.id.get(), "title": t.title, "owner": t.owner, "due_on": t.due_on.map(|d| d.to_string()),
            "created_by": t.created_by, "created_at": t.created_at.to_string(), "done_by": t.done_by,
            "done_at": t.done_at.map(|d| d.to_string()),
        })).collect::<Vec<_>>(),
        "scope": v.scope.iter().map(|s| json!({"id": s.id, "kind": s.kind, "ref_id": s.ref_id, "label": s.label}))
            .collect::<Vec<_>>(),
        "iocs": v.iocs.iter().map(|i| json!({
            "id": i.id, "kind": i.kind.code(), "value": i.value, "note": i.note, "added_by": i.added_by,
            "added_at": i.added_at.to_string(),
        })).collect::<Vec<_>>(),
        "evidence": v.evidence.iter().map(|e| json!({
            "id": e.id.get(), "name": e.name, "media_type": e.media_type, "size": e.size, "sha256": e.sha256,
            "note": e.note, "added_by": e.added_by, "added_at": e.added_at.to_string(),
        })).collect::<Vec<_>>(),
        "appi": appi_json(appi),
    });
    if let (Value::Object(o), Value::Object(e)) = (&mut out, extra) {
        o.extend(e);
    }
    out
}

fn appi_json(a: &AppiView) -> Value {
    let d = &a.deadlines;
    json!({
        "regime": a.regime.code(),
        "decision": a.obligation.as_ref().map(|o| json!({
            "reportable": o.reportable,
            "must_report": o.must_report,
            "categories": o.categories.iter().map(|c| c.number()).collect::<Vec<_>>(),
            "reasons": o.reasons.iter().map(|r| json!({"code": r.code, "text": r.ja, "text_en": r.en}))
                .collect::<Vec<_>>(),
            "notify_individuals": o.notify_individuals,
            "reporter": o.reporter,
        })),
        "deadlines": {
            "aware_on": d.aware_on.to_string(),
            "preliminary_target": d.preliminary_target.to_string(),
            "preliminary_limit": d.preliminary_limit.to_string(),
            "final_due": d.final_due.to_string(),
            "final_days": d.final_days,
            "rules": d.rules.iter().map(|r| json!({"code": r.code, "text": r.ja, "text_en": r.en}))
                .collect::<Vec<_>>(),
        },
        "reminders": a.reminders.iter().map(|r| json!({
            "deadline": r.kind.code(), "due": r.due.to_string(), "days_left": r.days_left, "state": r.state.code(),
        })).collect::<Vec<_>>(),
        "preliminary_filed": a.preliminary_filed.map(|t| t.to_string()),
        "final_filed": a.final_filed.map(|t| t.to_string()),
    })
}

/// A case for a person at a terminal.
pub(super) fn case_text(v: &CaseView, appi: &AppiView) -> String {
    let c = &v.case;
    let mut s = String::new();
    let ja = crate::output::japanese();
    let label = |code: &'static str, ja_label: &'static str| if ja { ja_label } else { code };
    let _ = writeln!(s, "#{} {}", c.id, c.title);
    let _ = writeln!(
        s,
        "{}: {} / {}: {} / {}: {}",
        say("施設", "facility"),
        c.facility_name,
        say("重大度", "severity"),
        label(c.severity.code(), c.severity.ja()),
        say("段階", "stage"),
        label(c.status.code(), c.status.ja())
    );
    let occurred = c.occurred_at.map_or_else(|| say("不明", "unknown").to_owned(), jst);
    let _ =
        writeln!(s, "{}: {occurred} JST / {}: {} JST", say("発生", "occurred"), say("覚知", "aware"), jst(c.aware_at));
    if let Some(summary) = &c.summary {
        let _ = writeln!(s, "\n{summary}");
    }

    let _ = writeln!(s, "\n{}", say("■ 個人情報保護委員会への報告", "== APPI breach report"));
    let obligation = match &appi.obligation {
        None => say("未判定（報告義務の判定を行ってください）", "not decided yet (run the wizard)").to_owned(),
        Some(o) if o.reportable && o.must_report => {
            let cats: Vec<String> = o.categories.iter().map(|c| c.number().to_string()).collect();
            format!(
                "{} ({}: {}) — {}",
                say("報告対象", "reportable"),
                say("号", "categories"),
                cats.join(", "),
                o.reporter
            )
        }
        Some(o) if o.reportable => {
            format!("{} — {}", say("報告対象（自ら報告する必要なし）", "reportable, reported by another"), o.reporter)
        }
        Some(_) => say("報告対象外", "not reportable").to_owned(),
    };
    let _ = writeln!(s, "{}: {obligation}", say("判定", "obligation"));
    if let Some(o) = &appi.obligation {
        for r in &o.reasons {
            let _ = writeln!(s, "  - {}", if ja { &r.ja } else { &r.en });
        }
    }
    let d = &appi.deadlines;
    let preliminary = match d.preliminary_target == d.preliminary_limit {
        true => d.preliminary_target.to_string(),
        false => format!("{}〜{}", d.preliminary_target, d.preliminary_limit),
    };
    let _ = writeln!(
        s,
        "{}: {} / {}: {preliminary} / {}: {} ({} {})",
        say("覚知日", "aware on"),
        d.aware_on,
        say("速報", "preliminary"),
        say("確報", "final"),
        d.final_due,
        d.final_days,
        say("日", "days")
    );
    for r in &appi.reminders {
        let _ = writeln!(
            s,
            "  {} {} ({}, {} {})",
            label(r.kind.code(), r.kind.ja()),
            r.due,
            label(r.state.code(), r.state.ja()),
            r.days_left,
            say("日", "days left")
        );
    }
    for (which, at) in [(say("速報", "preliminary"), appi.preliminary_filed), (say("確報", "final"), appi.final_filed)]
    {
        if let Some(at) = at {
            let _ = writeln!(s, "  {which} {}: {} JST", say("提出済", "filed"), jst(at));
        }
    }

    let _ = writeln!(s, "\n{}", say("■ タイムライン（日本時間）", "== Timeline (Japan time)"));
    for e in &v.entries {
        let _ = writeln!(s, "{}  {:<10} {} ({})", jst(e.at), label(e.kind.code(), e.kind.ja()), e.text, e.author);
    }
    if !v.tasks.is_empty() {
        let _ = writeln!(s, "\n{}", say("■ タスク", "== Tasks"));
        for t in &v.tasks {
            let done = if t.done_at.is_some() { "[x]" } else { "[ ]" };
            let due = t.due_on.map(|d| format!(" ({} {d})", say("期限", "due"))).unwrap_or_default();
            let owner = t.owner.as_deref().map(|o| format!(" — {o}")).unwrap_or_default();
            let _ = writeln!(s, "{done} #{} {}{due}{owner}", t.id, t.title);
        }
    }
    if !v.iocs.is_empty() {
        let _ = writeln!(s, "\n{}", say("■ 侵害の痕跡（IOC）", "== Indicators"));
        for i in &v.iocs {
            let _ = writeln!(s, "{:<8} {}", i.kind.code(), i.value);
        }
    }
    if !v.evidence.is_empty() {
        let _ = writeln!(s, "\n{}", say("■ 証拠", "== Evidence"));
        for e in &v.evidence {
            let _ = writeln!(s, "#{} {}  {} ({} bytes)", e.id, e.sha256, e.name, e.size);
        }
    }
    if !c.fields.is_empty() {
        let _ = writeln!(s, "\n{}", say("■ 報告事項", "== Report facts"));
        for (k, val) in &c.fields {
            let name = report_field(k).map_or(k.as_str(), |f| if ja { f.ja } else { f.en });
            let _ = writeln!(s, "{name}:\n  {}", val.replace('\n', "\n  "));
        }
    }
    s
}
