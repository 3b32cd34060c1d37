//! Detections stored as alerts through the app: the demo's own rules and logs scanned from
//! disk, grouping across ingests, triage and who may do it.

use std::path::PathBuf;
use std::sync::Arc;

use mamoru_app::detect::{FalsePositive, hunt_options};
use mamoru_app::{App, Config, Error, Principal};
use mamoru_detect::{LoadOptions, Mapping, RuleSet};
use mamoru_domain::access::{Grant, Role, Scope};
use mamoru_domain::{AlertStatus, FacilityId};
use mamoru_store::{AlertQuery, Location, Store};

pub(crate) fn demo_detect() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/demo/detect")
}

pub(crate) fn demo_rules() -> Arc<RuleSet> {
    let (rules, report) = RuleSet::load(&[demo_detect().join("rules")], &LoadOptions::default(), Mapping::builtin());
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    Arc::new(rules)
}

/// An app with one organisation and two facilities, and its command-line principal.
pub(crate) async fn app_with_facilities(dir: &std::path::Path) -> (App, Principal, FacilityId, FacilityId) {
    let store = Store::open(&Location::Dir(dir.to_owned())).await.unwrap();
    let app = App::new(store, Config::default());
    let p = Principal::cli(app.create_org("みなと会").await.unwrap());
    let csv = "施設,名称,種別\nみなと総合病院,本館VPN装置,VPN装置\nみなと内科クリニック,受付PC,端末PC\n";
    app.import_register(&p, "r.csv", csv.as_bytes(), None).await.unwrap();
    let facilities = app.facilities(&p).await.unwrap();
    let id = |name: &str| facilities.iter().find(|f| f.draft.name == name).unwrap().id;
    (app.clone(), p, id("みなと総合病院"), id("みなと内科クリニック"))
}

pub(crate) fn with(p: &Principal, role: Role, scope: Scope) -> Principal {
    Principal { grants: vec![Grant { role, scope }], name: format!("{role:?}"), ..p.clone() }
}

#[tokio::test]
async fn logs_read_twice_grow_the_same_alerts() {
    let dir = tempfile::tempdir().unwrap();
    let (app, p, hospital, _) = app_with_facilities(dir.path()).await;
    let logs = [demo_detect().join("logs")];
    let first = app.ingest_paths(&p, hospital, demo_rules(), &logs, hunt_options()).await.unwrap();
    assert_eq!((first.files, first.events, first.detections), (3, 21, 17), "{first:?}");
    assert!(first.warnings.is_empty(), "{:?}", first.warnings);
    assert_eq!((first.created.len(), first.updated.len(), first.suppressed), (6, 0, 0));

    let again = app.ingest_paths(&p, hospital, demo_rules(), &logs, hunt_options()).await.unwrap();
    assert!(again.created.is_empty(), "{again:?}");
    let mut created = first.created.clone();
    created.sort();
    assert_eq!(again.updated, created, "every alert grew");
    let alerts = app.alerts(&p, AlertQuery::default()).await.unwrap();
    let burst = alerts.iter().find(|a| a.computer == "MINATO-FGT60E").unwrap();
    assert_eq!((burst.count, burst.rule_title.as_str()), (24, "FortiGate Administrator Login Failed"));
    assert_eq!(burst.details.iter().find(|(k, _)| k == "status").map(|(_, v)| v.as_str()), Some("failed"));
    assert!(burst.origin.as_deref().unwrap().ends_with("hospital-fortigate.log"));

    let missing = app.ingest_paths(&p, hospital, demo_rules(), &[dir.path().join("nope")], hunt_options()).await;
    let missing = missing.unwrap();
    assert_eq!((missing.files, missing.warnings.len()), (0, 1), "a missing path is a warning: {missing:?}");
}

#[tokio::test]
async fn triage_follows_the_states_and_the_grants() {
    let dir = tempfile::tempdir().unwrap();
    let (app, p, hospital, clinic) = app_with_facilities(dir.path()).await;
    let logs = [demo_detect().join("logs/hospital-security.jsonl")];
    app.ingest_paths(&p, hospital, demo_rules(), &logs, hunt_options()).await.unwrap();
    let alerts = app.alerts(&p, AlertQuery::default()).await.unwrap();
    let cleared = alerts.iter().find(|a| a.computer.starts_with("BACKUP-SV01")).unwrap().id;
    let admin_added = alerts.iter().find(|a| a.rule_title.contains("Administrators")).unwrap().id;

    // Staff of the hospital look and pass on; they may not silence a rule or read logs in.
    let staff = with(&p, Role::Staff, Scope::Facility(hospital));
    app.acknowledge_alert(&staff, admin_added, "保守業者に確認中").await.unwrap();
    app.escalate_alert(&staff, admin_added, "事前連絡なし。責任者へ").await.unwrap();
    let fp = FalsePositive { reason: "バックアップ".into(), ..Default::default() };
    assert!(matches!(app.mark_false_positive(&staff, cleared, &fp).await, Err(Error::Forbidden)));
    assert!(matches!(
        app.ingest_paths(&staff, hospital, demo_rules(), &logs, hunt_options()).await,
        Err(Error::Forbidden)
    ));
    // The clinic's staff do not see the hospital's alerts; an auditor sees but does not touch.
    let other = with(&p, Role::Staff, Scope::Facility(clinic));
    assert!(matches!(app.alert(&other, cleared).await, Err(Error::NotFound(_))));
    assert!(app.alerts(&other, AlertQuery::default()).await.unwrap().is_empty());
    let auditor = with(&p, Role::Auditor, Scope::Organization);
    assert_eq!(app.alerts(&auditor, AlertQuery::default()).await.unwrap().len(), alerts.len());
    assert!(matches!(app.acknowledge_alert(&auditor, cleared, "").await, Err(Error::Forbidden)));

    // A manager marks the backup server's clearing a false positive for that computer.
    let manager = with(&p, Role::Manager, Scope::Facility(hospital));
    let bad = FalsePositive { reason: " ".into(), field: "no-equals-sign".into(), ..Default::default() };
    match app.mark_false_positive(&manager, cleared, &bad).await {
        Err(Error::Invalid(problems)) => assert_eq!(problems.len(), 2, "{problems:?}"),
        other => panic!("{other:?}"),
    }
    let everywhere = FalsePositive { all_facilities: true, ..fp.clone() };
    assert!(matches!(app.mark_false_positive(&manager, cleared, &everywhere).await, Err(Error::Forbidden)));
    let fp = FalsePositive {
        computer: "BACKUP-SV01.minato.local".into(),
        field: "Provider_Name = Microsoft-Windows-Eventlog".into(),
        ..fp
    };
    let sid = app.mark_false_positive(&manager, cleared, &fp).await.unwrap();
    assert!(matches!(app.acknowledge_alert(&manager, cleared, "").await, Err(Error::Invalid(_))), "only re-opened");
    assert!(matches!(app.reopen_alert(&staff, cleared, "").await, Err(Error::Forbidden)), "a manager's call");

    let again = app.ingest_paths(&p, hospital, demo_rules(), &logs, hunt_options()).await.unwrap();
    assert_eq!((again.suppressed, again.created.len()), (1, 0), "{again:?}");
    let rules = app.suppressions(&manager).await.unwrap();
    assert_eq!((rules[0].id, rules[0].hits, rules[0].facility), (sid, 1, Some(hospital)));
    assert!(app.suppressions(&other).await.unwrap().is_empty());
    assert!(matches!(app.remove_suppression(&other, sid).await, Err(Error::NotFound(_))));
    app.reopen_alert(&manager, cleared, "念のため再確認").await.unwrap();
    app.remove_suppression(&manager, sid).await.unwrap();
    let a = app.alert(&p, cleared).await.unwrap();
    assert_eq!(
        (a.status, a.status_reason.as_deref(), a.decided_by.as_deref()),
        (AlertStatus::New, Some("念のため再確認"), Some("Manager"))
    );

    let panel = app.alert_panel(&p, 2).await.unwrap();
    assert_eq!((panel.open_total(), panel.escalated, panel.newest.len()), (4, 1, 2), "{panel:?}");
}

#[tokio::test]
async fn an_alert_keeps_the_history_of_its_decisions_for_whoever_may_see_it() {
    let dir = tempfile::tempdir().unwrap();
    let (app, p, hospital, clinic) = app_with_facilities(dir.path()).await;
    let logs = [demo_detect().join("logs/hospital-security.jsonl")];
    app.ingest_paths(&p, hospital, demo_rules(), &logs, hunt_options()).await.unwrap();
    let alerts = app.alerts(&p, AlertQuery::default()).await.unwrap();
    let id = alerts.iter().find(|a| a.rule_title.contains("Administrators")).unwrap().id;
    let staff = with(&p, Role::Staff, Scope::Facility(hospital));
    assert!(app.alert_history(&staff, id).await.unwrap().is_empty(), "nobody has decided yet");
    app.acknowledge_alert(&staff, id, "保守業者に確認中").await.unwrap();
    app.escalate_alert(&staff, id, "事前連絡なし").await.unwrap();

    // Staff may not read the audit log, but they see who decided what on an alert they see.
    let history = app.alert_history(&staff, id).await.unwrap();
    let steps: Vec<_> = history.iter().map(|e| e.after.as_ref().unwrap()["status"].as_str().unwrap()).collect();
    assert_eq!(steps, ["acknowledged", "escalated"], "oldest first");
    assert_eq!(history[1].after.as_ref().unwrap()["reason"], "事前連絡なし");
    let other = with(&p, Role::Staff, Scope::Facility(clinic));
    assert!(matches!(app.alert_history(&other, id).await, Err(Error::NotFound(_))));
}
