//! The audit log: who changed what and when, with the values before and after.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use mamoru_store::{AuditEntry, AuditQuery};
use serde::Deserialize;
use serde_json::Value;

use crate::error::WebError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::context::Viewer;
use crate::web::import::download;
use crate::web::render::{Layout, page};

/// The kinds of record the filter offers.
const ENTITIES: [&str; 12] = [
    "asset",
    "facility",
    "party",
    "contact",
    "user",
    "organization",
    "inventory",
    "api_token",
    "finding",
    "vuln_policy",
    "alert",
    "alert_suppression",
];
const PAGE: u32 = 100;

/// One entry as the page shows it.
struct EntryView {
    id: i64,
    at: jiff::Timestamp,
    actor: String,
    origin: String,
    action: String,
    entity: String,
    summary: String,
    changes: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    tr: Tr,
    layout: Layout,
    entries: Vec<EntryView>,
    entities: [&'static str; 12],
    entity: String,
    older: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct AuditParams {
    #[serde(default)]
    entity: String,
    entity_id: Option<i64>,
    before: Option<i64>,
}

/// `GET /audit`.
pub(crate) async fn list(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<AuditParams>,
) -> Result<Response, WebError> {
    let query = AuditQuery {
        entity: Some(q.entity.clone()).filter(|e| !e.is_empty()),
        entity_id: q.entity_id,
        before_id: q.before,
        limit: Some(PAGE),
        ..Default::default()
    };
    let entries = state.app.audit_entries(&v.p, query).await?;
    let older = (entries.len() == PAGE as usize).then(|| {
        let last = entries.last().map_or(0, |e| e.id);
        format!("/audit?entity={}&before={last}", q.entity)
    });
    let entries = entries.iter().map(|e| view(v.tr, e)).collect();
    page(&AuditPage {
        tr: v.tr,
        layout: Layout::new(&v, "audit.title", "audit"),
        entries,
        entities: ENTITIES,
        entity: q.entity,
        older,
    })
}

fn view(tr: Tr, e: &AuditEntry) -> EntryView {
    EntryView {
        id: e.id,
        at: e.at,
        actor: e.actor.clone(),
        origin: e.origin.clone(),
        action: tr.t(&e.action).to_owned(),
        entity: e.entity.clone(),
        summary: e.summary.clone(),
        changes: changes(tr, e.before.as_ref(), e.after.as_ref()),
    }
}

/// The fields that differ between before and after (for a creation, every field set; for a
/// deletion, every field there was).
fn changes(tr: Tr, before: Option<&Value>, after: Option<&Value>) -> Vec<(String, String, String)> {
    let empty = serde_json::Map::new();
    let b = before.and_then(Value::as_object).unwrap_or(&empty);
    let a = after.and_then(Value::as_object).unwrap_or(&empty);
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.dedup();
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for k in keys {
        if seen.contains(&k) {
            continue;
        }
        seen.push(k);
        let (x, y) = (b.get(k).unwrap_or(&Value::Null), a.get(k).unwrap_or(&Value::Null));
        if x != y {
            out.push((tr.field(k), show(x), show(y)));
        }
    }
    out
}

fn show(v: &Value) -> String {
    match v {
        Value::Null => "—".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[derive(Deserialize)]
pub(crate) struct ExportParams {
    #[serde(default)]
    format: String,
}

/// `GET /audit/export?format=csv|jsonl`.
pub(crate) async fn export(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<ExportParams>,
) -> Result<Response, WebError> {
    let json = q.format == "jsonl";
    let bytes = state.app.export_audit(&v.p, json).await?;
    let date = crate::i18n::today().strftime("%Y%m%d").to_string();
    Ok(if json {
        download(bytes, "application/x-ndjson", &format!("mamoru-audit-{date}.jsonl"))
    } else {
        download(bytes, "text/csv; charset=utf-8", &format!("mamoru-audit-{date}.csv"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn only_changed_fields_are_listed() {
        let before = serde_json::json!({ "name": "VPN", "version": "6.0.4", "ip": null });
        let after = serde_json::json!({ "name": "VPN", "version": "6.0.18", "ip": "203.0.113.1" });
        let c = changes(Tr::new(Lang::Ja), Some(&before), Some(&after));
        assert_eq!(
            c,
            vec![
                ("バージョン".to_owned(), "6.0.4".to_owned(), "6.0.18".to_owned()),
                ("IPアドレス".to_owned(), "—".to_owned(), "203.0.113.1".to_owned()),
            ]
        );
    }
}
