//! Reading and exporting the audit log.

use mamoru_domain::AlertId;
use mamoru_domain::access::{Action, Visible};
use mamoru_store::{AuditEntry, AuditQuery};

use crate::App;
use crate::error::Result;
use crate::principal::Principal;

impl App {
    /// Audit entries the principal may read, newest first. A principal with facility grants
    /// only sees entries about those facilities.
    pub async fn audit_entries(&self, p: &Principal, mut query: AuditQuery) -> Result<Vec<AuditEntry>> {
        query.facilities = match p.facilities_for(Action::ViewAudit) {
            Visible::All => None,
            Visible::Only(ids) if ids.is_empty() => return Err(crate::Error::Forbidden),
            Visible::Only(ids) => Some(ids),
        };
        Ok(self.store.audit_entries(p.org, &query).await?)
    }

    /// The decisions people made on one alert (acknowledged, escalated, false positive,
    /// re-opened), oldest first, for anyone who may see the alert: its history is part of it,
    /// like its current state, even for those who may not read the whole log.
    pub async fn alert_history(&self, p: &Principal, id: AlertId) -> Result<Vec<AuditEntry>> {
        let alert = self.alert(p, id).await?;
        let query = AuditQuery {
            facilities: Some(vec![alert.facility]),
            entity: Some("alert".into()),
            action_prefix: Some("alert.decide".into()),
            entity_id: Some(id.get()),
            limit: Some(1_000),
            ..Default::default()
        };
        let mut entries = self.store.audit_entries(p.org, &query).await?;
        entries.reverse();
        Ok(entries)
    }

    /// The whole log the principal may read, as CSV (UTF-8 with BOM, for Excel) or JSON
    /// lines. The export itself is logged.
    pub async fn export_audit(&self, p: &Principal, json: bool) -> Result<Vec<u8>> {
        let mut all = Vec::new();
        let mut query = AuditQuery { limit: Some(5_000), ..Default::default() };
        loop {
            let page = self.audit_entries(p, query.clone()).await?;
            let last = page.last().map(|e| e.id);
            let done = page.len() < 5_000;
            all.extend(page);
            match last {
                Some(id) if !done => query.before_id = Some(id),
                _ => break,
            }
        }
        let summary = format!("{} entries", all.len());
        self.store.record(Some(p.org), &p.actor(), "audit.export", "audit_log", None, summary).await?;
        Ok(if json { json_lines(&all) } else { csv(&all) })
    }
}

fn json_lines(entries: &[AuditEntry]) -> Vec<u8> {
    let mut out = Vec::new();
    for e in entries {
        let v = serde_json::json!({
            "id": e.id,
            "at": e.at.to_string(),
            "actor": e.actor,
            "actor_user_id": e.actor_user_id.map(|u| u.get()),
            "origin": e.origin,
            "action": e.action,
            "entity": e.entity,
            "entity_id": e.entity_id,
            "facility_id": e.facility_id.map(|f| f.get()),
            "summary": e.summary,
            "before": e.before,
            "after": e.after,
        });
        out.extend_from_slice(v.to_string().as_bytes());
        out.push(b'\n');
    }
    out
}

fn csv(entries: &[AuditEntry]) -> Vec<u8> {
    let mut out = "\u{feff}id,at,actor,origin,action,entity,entity_id,facility_id,summary,before,after\r\n".to_owned();
    for e in entries {
        let fields = [
            e.id.to_string(),
            e.at.to_string(),
            e.actor.clone(),
            e.origin.clone(),
            e.action.clone(),
            e.entity.clone(),
            e.entity_id.map(|i| i.to_string()).unwrap_or_default(),
            e.facility_id.map(|f| f.to_string()).unwrap_or_default(),
            e.summary.clone(),
            e.before.as_ref().map(|v| v.to_string()).unwrap_or_default(),
            e.after.as_ref().map(|v| v.to_string()).unwrap_or_default(),
        ];
        let line: Vec<String> = fields.iter().map(|f| quote(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// RFC 4180 quoting; a leading `=`, `+`, `-` or `@` is prefixed with `'` so a spreadsheet
/// never runs a value from the log as a formula.
fn quote(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_owned() };
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn csv_cells_are_quoted_and_defused() {
        assert_eq!(quote("plain"), "plain");
        assert_eq!(quote("a,b"), "\"a,b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
    }
}
