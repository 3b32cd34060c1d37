//! The JSON shapes of detection alerts and suppression rules, converted by hand like every
//! view in `views`. The alert's keys are those of `mamoru alerts --format json`, plus a few.

use mamoru_store::{Alert, Suppression};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A detection alert: the detections of one rule on one computer of a facility, grouped.
#[derive(Serialize, ToSchema)]
pub(crate) struct AlertView {
    pub(crate) id: i64,
    /// The facility's name.
    pub(crate) facility: String,
    pub(crate) facility_id: i64,
    /// The Sigma rule's id (its title when it has none).
    pub(crate) rule_id: String,
    pub(crate) rule_title: String,
    pub(crate) rule_file: String,
    /// `informational`, `low`, `medium`, `high` or `critical`.
    pub(crate) level: &'static str,
    /// The rule's tags, e.g. `attack.t1070.001`.
    pub(crate) tags: Vec<String>,
    /// The computer or device the events came from.
    pub(crate) computer: String,
    /// The event log channel, or the syslog program.
    pub(crate) channel: String,
    /// The Windows event id of the first detection.
    pub(crate) event_id: Option<u32>,
    /// RFC 3339, UTC: the event time of the first detection grouped here.
    pub(crate) first_seen: String,
    /// RFC 3339, UTC: the event time of the last one.
    pub(crate) last_seen: String,
    /// How many detections it groups.
    pub(crate) count: u64,
    /// `new`, `acknowledged`, `escalated` or `false_positive`.
    pub(crate) status: &'static str,
    /// The note or reason given when it was last moved.
    pub(crate) status_reason: Option<String>,
    pub(crate) decided_by: Option<String>,
    pub(crate) decided_at: Option<String>,
    /// The suppression rule written when it was marked a false positive.
    pub(crate) suppression_id: Option<i64>,
    /// The first detection's matched fields and their values, in the rule's order.
    #[schema(value_type = Object)]
    pub(crate) details: serde_json::Map<String, serde_json::Value>,
    /// The file or receiver it came from.
    pub(crate) origin: Option<String>,
    /// RFC 3339, UTC: when it was stored and when a detection last joined it.
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

impl From<Alert> for AlertView {
    fn from(a: Alert) -> Self {
        let mut details = serde_json::Map::new();
        for (k, v) in a.details {
            details.entry(k).or_insert(serde_json::Value::String(v));
        }
        AlertView {
            id: a.id.get(),
            facility: a.facility_name,
            facility_id: a.facility.get(),
            rule_id: a.rule_id,
            rule_title: a.rule_title,
            rule_file: a.rule_file,
            level: a.level.code(),
            tags: a.tags,
            computer: a.computer,
            channel: a.channel,
            event_id: a.event_id,
            first_seen: a.first_seen.to_string(),
            last_seen: a.last_seen.to_string(),
            count: a.count,
            status: a.status.code(),
            status_reason: a.status_reason,
            decided_by: a.decided_by,
            decided_at: a.decided_at.map(|t| t.to_string()),
            suppression_id: a.suppression.map(|s| s.get()),
            details,
            origin: a.origin,
            created_at: a.created_at.to_string(),
            updated_at: a.updated_at.to_string(),
        }
    }
}

/// A triage decision on an alert.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TriageBody {
    /// `acknowledged`, `escalated`, `false_positive`, or `new` to re-open (the Japanese
    /// labels work too).
    pub(crate) status: String,
    /// A note for the next person; for `false_positive`, why it is not an attack (required).
    pub(crate) note: Option<String>,
    /// For `false_positive` (required there, refused otherwise): how widely its rule is
    /// silenced from now on.
    pub(crate) suppress: Option<SuppressBody>,
}

/// The scope of the suppression rule a false positive writes.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SuppressBody {
    /// `rule` (every computer), `computer` (only the alert's computer), or `field` (only
    /// when the matched field `field` has `value`).
    pub(crate) scope: String,
    /// For `field`: the matched field, e.g. `SubjectUserName`.
    pub(crate) field: Option<String>,
    /// For `field`: its value (compared ignoring ASCII case).
    pub(crate) value: Option<String>,
    /// Silence the rule in every facility of the organisation, not only the alert's (needs
    /// an organisation-wide manager or administrator).
    #[serde(default)]
    pub(crate) all_facilities: bool,
}

/// A suppression rule: detections of its rule (on its computer, with its field value) are
/// counted here instead of raising alerts.
#[derive(Serialize, ToSchema)]
pub(crate) struct SuppressionView {
    pub(crate) id: i64,
    /// Null: every facility of the organisation.
    pub(crate) facility_id: Option<i64>,
    pub(crate) rule_id: String,
    pub(crate) rule_title: String,
    /// Null: every computer.
    pub(crate) computer: Option<String>,
    /// With `value`: only detections whose matched field has this value; null for any.
    pub(crate) field: Option<String>,
    pub(crate) value: Option<String>,
    /// Why it is not an attack.
    pub(crate) reason: String,
    pub(crate) created_by: String,
    /// RFC 3339, UTC.
    pub(crate) created_at: String,
    /// Detections it has silenced.
    pub(crate) hits: u64,
    pub(crate) last_hit_at: Option<String>,
}

impl From<Suppression> for SuppressionView {
    fn from(s: Suppression) -> Self {
        let (field, value) = s.field.unzip();
        SuppressionView {
            id: s.id.get(),
            facility_id: s.facility.map(|f| f.get()),
            rule_id: s.rule_id,
            rule_title: s.rule_title,
            computer: s.computer,
            field,
            value,
            reason: s.reason,
            created_by: s.created_by,
            created_at: s.created_at.to_string(),
            hits: s.hits,
            last_hit_at: s.last_hit_at.map(|t| t.to_string()),
        }
    }
}
