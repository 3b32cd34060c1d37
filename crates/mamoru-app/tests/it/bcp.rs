//! The BCP and drills through the app, on real store data: the BCP pre-filled from the
//! register and the backup jobs (with the measured restore time against each system's
//! target), edited and approved; a drill from a scenario with a follow-up task; the
//! checklist's 3-③ turning from "asks the person" to いいえ and はい as the records appear.

use jiff::ToSpan;
use mamoru_app::readiness::bcp::{BcpForm, SystemForm};
use mamoru_app::readiness::bcp_diagrams::{DIAGRAM_MAX, DiagramFile};
use mamoru_app::readiness::drills::{DrillForm, TaskForm};
use mamoru_app::{App, Config, Error, Principal, today};
use mamoru_domain::access::{Role, Scope};
use mamoru_domain::backup::{JobInput, ResultKind, RunCause};
use mamoru_domain::readiness::FiscalYear;
use mamoru_domain::readiness::bcp::{RtoCheck, Section};
use mamoru_domain::readiness::rules::Verdict;
use mamoru_domain::{FacilityId, Problem};
use mamoru_store::{AuditQuery, Location, NewBackupResult, Store};

use crate::detect::with;

async fn setup(dir: &std::path::Path) -> (App, Principal, FacilityId) {
    let app = App::new(Store::open(&Location::Dir(dir.to_owned())).await.unwrap(), Config::default());
    let p = Principal::cli(app.create_org("みなと会").await.unwrap());
    let csv = "施設,名称,種別\nみなと総合病院,本館VPN装置,VPN装置\nみなと総合病院,電子カルテサーバ,サーバ\n\
               みなと総合病院,PACSサーバ,サーバ\n";
    app.import_register(&p, "r.csv", csv.as_bytes(), None).await.unwrap();
    let f = app.facilities(&p).await.unwrap()[0].id;
    (app, p, f)
}

async fn emr_job(app: &App, p: &Principal, f: FacilityId, restore_ms: u64) {
    let spec = JobInput {
        facility: Some(f),
        name: "電子カルテサーバ".into(),
        kind: "電子カルテ".into(),
        needed_for_care: "はい".into(),
        sources: "/srv/emr/db".into(),
        repository: "/mnt/nas/emr".into(),
        password_file: "/etc/mamoru/emr.pass".into(),
        offline_repository: "/mnt/rdx/emr".into(),
        offline_kind: "removable".into(),
        schedule: "毎日 02:00".into(),
        retention: "日次=7".into(),
        ..Default::default()
    }
    .parse()
    .unwrap();
    let job = app.store().create_backup_job(p.org, &spec, &p.actor()).await.unwrap();
    let now = jiff::Timestamp::now();
    let result = NewBackupResult {
        kind: ResultKind::RestoreTest,
        cause: RunCause::Manual,
        started_at: now,
        finished_at: now,
        duration_ms: restore_ms,
        ok: true,
        snapshot_id: None,
        files: None,
        bytes: None,
        message: String::new(),
        details: serde_json::Value::Null,
    };
    app.store().record_backup_result(p.org, job, &result, &p.actor()).await.unwrap();
}

async fn bcp_item(app: &App, p: &Principal, f: FacilityId) -> (Verdict, String) {
    let view = app.checklist_view(p, f, FiscalYear::of(today())).await.unwrap();
    let item = view.items.into_iter().find(|i| i.item.id == "incident.bcp").unwrap();
    let proposal = item.proposal.unwrap();
    (proposal.verdict, proposal.reason)
}

#[tokio::test]
async fn the_bcp_is_prefilled_from_the_register_and_backup_jobs_and_compares_restore_times() {
    let dir = tempfile::tempdir().unwrap();
    let (app, p, f) = setup(dir.path()).await;
    // The last restore test took 3 hours.
    emr_job(&app, &p, f, 3 * 3_600_000).await;
    let view = app.bcp_view(&p, f).await.unwrap();
    assert!(view.plan.is_none() && view.fact.is_none());
    assert_eq!(view.sections.len(), Section::ALL.len());
    assert_eq!(view.sections[0].1, Section::Impacts.template(), "a new BCP starts from the template's text");
    let ledger: Vec<&str> = view.ledger.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(ledger.len(), 3, "{ledger:?}");
    let backup = &view.backups[0];
    assert_eq!((backup.system.as_str(), backup.what.as_str()), ("電子カルテサーバ", "/srv/emr/db"));
    assert_eq!(backup.offline, Some("取り外し可能な媒体"));
    assert_eq!(backup.last_restore, Some((today(), 3 * 3_600_000)));
    assert!(backup.generations.contains('7'), "{}", backup.generations);
    // The job's system first, then the register's other server; neither has a target yet.
    let systems: Vec<(&str, RtoCheck)> = view.systems.iter().map(|s| (s.plan.system.as_str(), s.check)).collect();
    assert_eq!(systems, [("電子カルテサーバ", RtoCheck::NoTarget), ("PACSサーバ", RtoCheck::Untested)]);

    // A 2-hour target is exceeded by the 3-hour restore; a 4-hour one is met.
    let form = |rto: &str| SystemForm {
        system: "電子カルテサーバ".into(),
        rto_minutes: rto.into(),
        risk: "外来・入院の記録が止まる".into(),
        fallback: "紙カルテと紙伝票".into(),
    };
    app.save_bcp_system(&p, f, &form("120")).await.unwrap();
    let view = app.bcp_view(&p, f).await.unwrap();
    assert_eq!(view.systems[0].check, RtoCheck::Exceeded);
    assert!(view.systems[0].check.is_red());
    assert_eq!(view.systems[0].plan.fallback, "紙カルテと紙伝票");
    app.save_bcp_system(&p, f, &form("240")).await.unwrap();
    assert_eq!(app.bcp_view(&p, f).await.unwrap().systems[0].check, RtoCheck::Met);
    let Err(Error::Invalid(bad)) = app.save_bcp_system(&p, f, &form("二時間")).await else { panic!() };
    assert_eq!(bad[0].field, "rto_minutes");
}

#[tokio::test]
async fn editing_approving_and_drilling_turn_the_checklist_item_from_asking_to_yes() {
    let dir = tempfile::tempdir().unwrap();
    let (app, p, f) = setup(dir.path()).await;
    assert_eq!(bcp_item(&app, &p, f).await.0, Verdict::Unknown, "no records: the rule asks");

    let mut form =
        BcpForm { sections: vec![("recovery".into(), "1. 切り離す 2. 連絡する".into())], ..Default::default() };
    app.save_bcp(&p, f, &form).await.unwrap();
    let view = app.bcp_view(&p, f).await.unwrap();
    assert_eq!(view.sections.iter().find(|s| s.0 == Section::Recovery).unwrap().1, "1. 切り離す 2. 連絡する");
    assert!(view.review_overdue());
    let (v, reason) = bcp_item(&app, &p, f).await;
    assert_eq!(v, Verdict::No, "a draft is not an adopted BCP: {reason}");

    // An approval needs both the day and who; a day in the future is refused.
    form.reviewed_on = (today() + 1.day()).to_string();
    let Err(Error::Invalid(bad)) = app.save_bcp(&p, f, &form).await else { panic!() };
    let fields: Vec<&str> = bad.iter().map(|i| i.field).collect();
    assert_eq!(fields, ["reviewed_on", "approved_by"]);
    assert_eq!(bad[0].problem, Problem::InFuture);
    form.reviewed_on = (today() - 10.days()).to_string();
    form.approved_by = "院長 山田".into();
    assert_eq!(app.save_bcp(&p, f, &form).await.unwrap(), 2);
    let (v, reason) = bcp_item(&app, &p, f).await;
    assert_eq!(v, Verdict::No, "approved but never drilled: {reason}");

    // A drill from the VPN scenario, with a timeline entry, a finding and a follow-up task.
    let drill = DrillForm {
        facility: f.to_string(),
        scenario: "vpn-ransomware".into(),
        held_on: (today() - 3.days()).to_string(),
        participants: "院長、事務長、情報管理室".into(),
    };
    let d = app.start_drill(&p, &drill).await.unwrap();
    app.add_drill_entry(&p, d, false, "09:00", "夜勤から電子カルテが開かないと連絡").await.unwrap();
    app.add_drill_entry(&p, d, true, "09:20", "VPN装置の保守事業者の夜間連絡先がない").await.unwrap();
    let task = TaskForm {
        title: "夜間連絡先を連絡体制図に追加".into(),
        owner: "事務長".into(),
        due: (today() + 30.days()).to_string(),
    };
    let t = app.add_drill_task(&p, d, &task).await.unwrap();
    let view = app.drill(&p, d).await.unwrap();
    assert!(view.scenario.unwrap().title.contains("VPN"));
    assert_eq!((view.timeline.len(), view.findings.len(), view.tasks.len()), (1, 1, 1));
    assert!(!view.tasks[0].done);
    app.set_drill_task_done(&p, d, t, true).await.unwrap();
    assert!(app.drill(&p, d).await.unwrap().tasks[0].done);

    let (v, reason) = bcp_item(&app, &p, f).await;
    assert_eq!(v, Verdict::Yes, "{reason}");
    assert!(reason.contains(&(today() - 3.days()).to_string()), "{reason}");
    let view = app.bcp_view(&p, f).await.unwrap();
    assert!(!view.review_overdue() && view.drilled_within_year());

    let log = app.store().audit_entries(p.org, &AuditQuery::default()).await.unwrap();
    for action in ["bcp.save", "drill.create", "drill.entry", "drill.finding", "drill.task", "drill.task_done"] {
        assert!(log.iter().any(|e| e.action == action), "{action} not audited");
    }
}

#[tokio::test]
async fn managers_edit_staff_write_the_timeline_and_bad_drills_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (app, p, f) = setup(dir.path()).await;
    let staff = with(&p, Role::Staff, Scope::Facility(f));
    assert!(matches!(app.save_bcp(&staff, f, &BcpForm::default()).await, Err(Error::Forbidden)));
    let bad = DrillForm { facility: f.to_string(), scenario: "earthquake".into(), ..Default::default() };
    let Err(Error::Invalid(errs)) = app.start_drill(&p, &bad).await else { panic!() };
    let fields: Vec<&str> = errs.iter().map(|i| i.field).collect();
    assert_eq!(fields, ["scenario", "held_on", "participants"]);
    let good = DrillForm {
        scenario: "shared-password".into(),
        held_on: today().to_string(),
        participants: "情報管理室".into(),
        ..bad
    };
    assert!(matches!(app.start_drill(&staff, &good).await, Err(Error::Forbidden)));
    let d = app.start_drill(&p, &good).await.unwrap();
    app.add_drill_entry(&staff, d, false, "10:00", "共有アカウントを停止").await.unwrap();
    assert!(matches!(app.add_drill_entry(&staff, d, true, "", "課題").await, Err(Error::Forbidden)));
    let task = TaskForm { title: "x".into(), owner: "y".into(), due: today().to_string() };
    assert!(matches!(app.add_drill_task(&staff, d, &task).await, Err(Error::Forbidden)));
}

#[tokio::test]
async fn diagrams_are_kept_listed_checked_on_read_and_only_the_facilitys_managers_add_them() {
    let dir = tempfile::tempdir().unwrap();
    let (app, p, f) = setup(dir.path()).await;
    let file = |name: &str, content: &[u8]| DiagramFile {
        file_name: name.into(),
        media_type: "application/pdf".into(),
        content: content.to_vec(),
    };
    let kept = app.attach_bcp_diagram(&p, f, file("C:\\図面\\ネットワーク構成図.pdf", b"%PDF-1.7 net")).await.unwrap();
    assert_eq!((kept.name.as_str(), kept.size), ("ネットワーク構成図.pdf", 12), "base name only");
    let view = app.bcp_view(&p, f).await.unwrap();
    assert_eq!(view.diagrams, vec![kept.clone()]);
    let (read, bytes) = app.bcp_diagram(&p, kept.id).await.unwrap();
    assert_eq!((read.sha256, bytes), (kept.sha256.clone(), b"%PDF-1.7 net".to_vec()));

    let Err(Error::Invalid(errs)) = app.attach_bcp_diagram(&p, f, file("big.png", &vec![0; DIAGRAM_MAX + 1])).await
    else {
        panic!("a file past the limit is refused")
    };
    assert!(matches!(errs[0].problem, Problem::TooLarge { .. }) && errs[0].field == "file", "{errs:?}");
    assert!(matches!(app.attach_bcp_diagram(&p, f, file("empty.pdf", b"")).await, Err(Error::Invalid(_))));

    // A manager of another facility may neither add nor remove; staff may not either.
    app.import_register(&p, "b.csv", "施設,名称,種別\n分院,受付PC,端末PC\n".as_bytes(), None).await.unwrap();
    let other = app.facilities(&p).await.unwrap().into_iter().find(|x| x.id != f).unwrap().id;
    let elsewhere = with(&p, Role::Manager, Scope::Facility(other));
    let staff = with(&p, Role::Staff, Scope::Facility(f));
    for who in [&elsewhere, &staff] {
        let refused = app.attach_bcp_diagram(who, f, file("x.pdf", b"x")).await;
        assert!(matches!(refused, Err(Error::Forbidden)), "{refused:?}");
        assert!(matches!(app.remove_bcp_diagram(who, kept.id).await, Err(Error::Forbidden)));
    }
    assert!(matches!(app.bcp_diagram(&elsewhere, kept.id).await, Err(Error::NotFound(_))));
    assert_eq!(app.bcp_diagrams(&p, f).await.unwrap().len(), 1);

    // (A file whose bytes no longer match its digest is refused by the store, naming it: see
    // the store's bcp_diagrams test, which runs on both databases.)

    app.remove_bcp_diagram(&p, kept.id).await.unwrap();
    assert!(app.bcp_view(&p, f).await.unwrap().diagrams.is_empty());
    let query = AuditQuery { action_prefix: Some("bcp.diagram".into()), ..Default::default() };
    let log = app.store().audit_entries(p.org, &query).await.unwrap();
    assert_eq!(log.len(), 2, "added and removed");
}
