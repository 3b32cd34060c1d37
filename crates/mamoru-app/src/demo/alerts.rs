//! The demo's detection alerts: our own Sigma rules and sample logs (`detect/`, see its
//! README) read through the same engine and store path as a facility's logs, re-dated so
//! the latest event was half an hour ago, then triaged as a person would.

use jiff::{SignedDuration, Timestamp};
use mamoru_detect::event::{SyslogOptions, from_log_line};
use mamoru_detect::{Detection, LoadOptions, LogEvent, Mapping, RuleSet};
use mamoru_domain::{FacilityId, OrgId};
use mamoru_store::AlertQuery;

use crate::detect::FalsePositive;
use crate::error::{Error, Result};
use crate::{App, Principal};

/// The demo's rules, by file name.
const RULES: [(&str, &str); 4] = [
    ("fortigate_admin_login_failed.yml", include_str!("detect/rules/fortigate_admin_login_failed.yml")),
    ("win_security_log_cleared.yml", include_str!("detect/rules/win_security_log_cleared.yml")),
    ("win_member_added_to_local_admins.yml", include_str!("detect/rules/win_member_added_to_local_admins.yml")),
    ("win_local_account_created.yml", include_str!("detect/rules/win_local_account_created.yml")),
];
const HOSPITAL_FORTIGATE: &str = include_str!("detect/logs/hospital-fortigate.log");
const HOSPITAL_SECURITY: &str = include_str!("detect/logs/hospital-security.jsonl");
const CLINIC_SECURITY: &str = include_str!("detect/logs/clinic-security.jsonl");

/// Reads the demo logs into alerts of the hospital and the clinic, and triages a few.
pub(super) async fn seed(app: &App, org: OrgId, hospital: FacilityId, clinic: FacilityId) -> Result<()> {
    let rules = rule_set()?;
    let p = Principal::system(org);
    let files = [
        (hospital, "hospital-fortigate.log", HOSPITAL_FORTIGATE),
        (hospital, "hospital-security.jsonl", HOSPITAL_SECURITY),
        (clinic, "clinic-security.jsonl", CLINIC_SECURITY),
    ];
    let mut events: Vec<(FacilityId, &str, LogEvent)> = Vec::new();
    for (facility, name, text) in files {
        events.extend(read(text).into_iter().map(|e| (facility, name, e)));
    }
    // Recent-looking times for the alert pages, the events keeping their order and spacing.
    let latest = events.iter().filter_map(|(_, _, e)| e.timestamp).max().unwrap_or_else(Timestamp::now);
    let shift = (Timestamp::now() - SignedDuration::from_mins(30)).duration_since(latest);
    for facility in [hospital, clinic] {
        let mut detections = Vec::new();
        for (_, name, event) in events.iter_mut().filter(|(f, _, _)| *f == facility) {
            event.timestamp = event.timestamp.and_then(|t| t.checked_add(shift).ok());
            let (found, _) = rules.detect(event);
            detections
                .extend(found.into_iter().map(|d| Detection { origin: Some(format!("demo/{name}").into()), ..d }));
        }
        app.ingest_detections(&p, facility, &rules, &detections).await?;
    }
    triage(app, &p, &rules, &events).await
}

/// What people did with the alerts: the FortiGate burst handed to the network vendor, the
/// clinic's new account acknowledged, the backup server's nightly clearing a false positive.
async fn triage(app: &App, p: &Principal, rules: &RuleSet, events: &[(FacilityId, &str, LogEvent)]) -> Result<()> {
    let alerts = app.alerts(p, AlertQuery::default()).await?;
    let find = |title: &str, computer: &str| {
        alerts.iter().find(|a| a.rule_title == title && a.computer.starts_with(computer)).map(|a| (a.id, a.facility))
    };
    if let Some((id, _)) = find("FortiGate Administrator Login Failed", "MINATO-FGT60E") {
        let note =
            "外部からの管理画面ログイン試行。関西ネットワークサービスに送信元の遮断と管理画面の外部公開停止を依頼";
        app.escalate_alert(p, id, note).await?;
    }
    if let Some((id, _)) = find("Local User Account Created", "CLINIC-PC01") {
        app.acknowledge_alert(p, id, "院長が新任スタッフ用に作成したことを確認").await?;
    }
    if let Some((id, facility)) = find("Windows Security Log Cleared", "BACKUP-SV01") {
        let form = FalsePositive {
            reason: "バックアップソフトが毎晩 3:00 にログを退避して消去する（保守業者に確認済み）".into(),
            computer: "BACKUP-SV01.minato.local".into(),
            ..Default::default()
        };
        app.mark_false_positive(p, id, &form).await?;
        // The next night's clearing: silenced by the rule, counted as a hit.
        let replay: Vec<Detection> = events
            .iter()
            .filter(|(f, _, e)| *f == facility && e.computer().starts_with("BACKUP-SV01"))
            .flat_map(|(_, _, e)| rules.detect(e).0)
            .collect();
        app.ingest_detections(p, facility, rules, &replay).await?;
    }
    Ok(())
}

/// The demo rules, built into the binary; alerts name them by their place in the source.
fn rule_set() -> Result<RuleSet> {
    let named: Vec<(String, &str)> =
        RULES.iter().map(|(name, text)| (format!("crates/mamoru-app/src/demo/detect/rules/{name}"), *text)).collect();
    let texts: Vec<(&str, &str)> = named.iter().map(|(n, t)| (n.as_str(), *t)).collect();
    let (rules, report) = RuleSet::load_texts(&texts, &LoadOptions::default(), Mapping::builtin());
    if !report.failed.is_empty() {
        return Err(Error::Files(format!("the demo rules do not load: {:?}", report.failed)));
    }
    Ok(rules)
}

/// The events of a demo log: JSON lines or syslog.
fn read(text: &str) -> Vec<LogEvent> {
    let tokyo = jiff::tz::TimeZone::fixed(jiff::tz::offset(9));
    let syslog = SyslogOptions { year: 2026, time_zone: tokyo, not_after: None };
    text.lines().filter(|l| !l.trim().is_empty()).map(|l| from_log_line(l, &syslog)).collect()
}

#[cfg(test)]
mod tests {
    use mamoru_domain::AlertStatus;
    use mamoru_store::{AlertQuery, Location, Store};

    use crate::{App, Config, Principal};

    #[tokio::test]
    async fn the_demo_has_alerts_in_every_state_but_one_burst_per_device() {
        let dir = tempfile::tempdir().unwrap();
        let app = App::new(Store::open(&Location::Dir(dir.path().to_owned())).await.unwrap(), Config::default());
        let p = Principal::cli(app.seed_demo().await.unwrap().org);
        let alerts = app.alerts(&p, AlertQuery::default()).await.unwrap();
        let fortigate = alerts.iter().find(|a| a.computer == "MINATO-FGT60E").unwrap();
        assert_eq!((fortigate.count, fortigate.status), (12, AlertStatus::Escalated));
        assert!(fortigate.last_seen > jiff::Timestamp::now() - jiff::SignedDuration::from_hours(48), "re-dated");
        for status in AlertStatus::ALL {
            assert!(alerts.iter().any(|a| a.status == *status), "{status:?} in {alerts:#?}");
        }
        let rules = app.suppressions(&p).await.unwrap();
        assert_eq!((rules.len(), rules[0].hits), (1, 1), "the replayed night is silenced");
        let panel = app.alert_panel(&p, 5).await.unwrap();
        assert!(panel.open(mamoru_domain::AlertLevel::High) >= 3 && panel.new >= 2, "{panel:?}");
        // Queued for the high ones (the demo has no webhook or mail server, so they wait).
        let queued = app.store().pending_notifications().await.unwrap();
        assert_eq!(queued.iter().filter(|n| n.kind == crate::detect::KIND_ALERT).count(), 4);
        // A reused demo reads nothing twice.
        app.seed_demo().await.unwrap();
        assert_eq!(app.alerts(&p, AlertQuery::default()).await.unwrap().len(), alerts.len());
    }
}
