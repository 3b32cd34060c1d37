//! Incident cases through the app: opened from an alert, worked on, the breach-report wizard,
//! the deadlines and their reminders, the documents (held by snapshots), who may do what.

use std::collections::BTreeMap;
use std::path::PathBuf;

use jiff::Timestamp;
use jiff::civil::Date;
use mamoru_app::detect::hunt_options;
use mamoru_app::incident::{AppiForm, ContactLog, DOCUMENTS};
use mamoru_app::{Error, Principal};
use mamoru_domain::access::{Role, Scope};
use mamoru_domain::incident::{
    CaseInput, CaseSource, EVIDENCE_MAX_BYTES, EntryInput, IocInput, REPORT_FIELDS, TaskInput,
};
use mamoru_domain::{ContactInput, Problem};
use mamoru_store::{AlertQuery, CaseQuery};

use crate::detect::{app_with_facilities, demo_detect, demo_rules, with};

fn golden(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/documents").join(name)
}

/// Compares with the stored text; `MAMORU_UPDATE_GOLDEN=1` writes it instead.
fn snapshot(name: &str, text: &str) {
    let path = golden(name);
    if std::env::var_os("MAMORU_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, text).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(text, want, "{name} changed; rerun with MAMORU_UPDATE_GOLDEN=1 if on purpose");
}

fn wizard() -> AppiForm {
    AppiForm {
        occurrence: "may_have_occurred".into(),
        sensitive: "yes".into(),
        improper_purpose: "yes".into(),
        people: "1,200".into(),
        ..Default::default()
    }
}

fn facts() -> BTreeMap<String, String> {
    REPORT_FIELDS.iter().map(|f| (f.key.to_owned(), format!("{}の記入例。", f.ja))).collect()
}

async fn chain(app: &mamoru_app::App, p: &Principal) -> (mamoru_domain::ContactId, mamoru_domain::ContactId) {
    let mhlw = app.create_party(p, "厚生労働省", "厚生労働省", "").await.unwrap();
    let police = app.create_party(p, "県警察本部", "警察", "").await.unwrap();
    let input = |name: &str, role: &str, phone: &str| ContactInput {
        name: name.into(),
        role: role.into(),
        phone: phone.into(),
        ..Default::default()
    };
    let m = app
        .create_contact(p, Some(mhlw), None, &input("医療情報担当参事官室", "報告先", "03-5253-1111"))
        .await
        .unwrap();
    let c = app
        .create_contact(p, Some(police), None, &input("サイバー犯罪相談窓口", "相談先", "082-228-0110"))
        .await
        .unwrap();
    app.create_contact(p, None, None, &input("情報システム課 山田", "安全管理責任者", "082-000-0000")).await.unwrap();
    (m, c)
}

#[tokio::test]
async fn a_case_runs_from_an_alert_to_its_documents() {
    let dir = tempfile::tempdir().unwrap();
    let (app, p, hospital, _) = app_with_facilities(dir.path()).await;
    let logs = [demo_detect().join("logs/hospital-security.jsonl")];
    app.ingest_paths(&p, hospital, demo_rules(), &logs, hunt_options()).await.unwrap();
    let alert = app.alerts(&p, AlertQuery::default()).await.unwrap().remove(0);
    let (mhlw, _) = chain(&app, &p).await;

    let from = app.case_form_from(&p, CaseSource::Alert(alert.id)).await.unwrap();
    assert_eq!(from.form.facility, Some(hospital));
    assert!(from.form.title.contains(&alert.rule_title) && from.existing.is_none(), "{:?}", from.form);
    let mut form = from.form.clone();
    form.occurred_at = "2026-11-20 02:10".into();
    form.aware_at = "2026-11-20 10:00".into();
    let id = app.open_case(&p, &form, from.source).await.unwrap();
    assert_eq!(app.case_form_from(&p, CaseSource::Alert(alert.id)).await.unwrap().existing, Some(id));

    app.tick_first_hour(&p, id, "isolate", "2026-11-20 10:05", "受付PCのLANを抜線").await.unwrap();
    app.tick_first_hour(&p, id, "isolate", "", "").await.unwrap();
    let log = ContactLog {
        contact: Some(mhlw),
        outcome: "called".into(),
        at: "2026-11-20 11:00".into(),
        note: "第一報".into(),
    };
    app.log_case_contact(&p, id, &log).await.unwrap();
    let task = TaskInput { title: "VPN装置のログ保全".into(), owner: "山田".into(), due: "2026-11-21".into() };
    app.add_case_task(&p, id, &task).await.unwrap();
    app.add_case_ioc(&p, id, &IocInput { value: "203.0.113.9".into(), ..Default::default() }).await.unwrap();
    app.add_case_scope(&p, id, None, None, "電子カルテ").await.unwrap();
    app.set_case_fields(&p, id, &facts()).await.unwrap();
    let view = app.case_view(&p, id).await.unwrap();
    assert_eq!(view.checked.len(), 1, "a checklist item is ticked once");
    assert_eq!(app.case_ioc_list(&p).await.unwrap(), "203.0.113.9\n");

    // The wizard: sensitive data, an attack, 1,200 people → items 1, 3 and 4; 60 days.
    let o = app.decide_appi(&p, id, &wizard()).await.unwrap();
    assert!(o.reportable && o.must_report);
    assert_eq!(o.categories.iter().map(|c| c.number()).collect::<Vec<_>>(), [1, 3, 4]);
    let appi = app.case_appi(&p, id).await.unwrap();
    assert_eq!(appi.deadlines.aware_on, Date::constant(2026, 11, 20));
    assert_eq!(appi.deadlines.preliminary_limit, Date::constant(2026, 11, 24), "day 5 is a Tuesday");
    assert_eq!((appi.deadlines.final_days, appi.deadlines.final_due), (60, Date::constant(2027, 1, 18)));

    // Every document, dated for the snapshot, and each with no field left empty.
    let date = Date::constant(2026, 11, 25);
    for d in DOCUMENTS {
        let doc = app.case_document_on(&p, id, d.code, Some("preliminary"), date).await.unwrap();
        if d.code != "case_summary" {
            // The summary lists every timeline entry, some stamped with the time of the test.
            snapshot(&format!("{}.txt", d.code), &doc.to_text());
        }
        let empty: Vec<&str> = doc.missing().iter().map(|f| f.key.as_str()).collect();
        assert!(
            empty.iter().all(|k| ["facility_address", "occurred_at", "beds", "evidence"].contains(k)),
            "{}: {empty:?}",
            d.code
        );
    }
    let ppc = app.case_document_on(&p, id, "ppc_report", None, date).await.unwrap().to_text();
    for label in
        ["概要", "個人データの項目", "本人の数", "原因", "二次被害", "本人への対応", "公表", "再発防止", "その他参考"]
    {
        assert!(ppc.contains(label), "PPC report lacks {label}");
    }
    assert!(ppc.contains("第7条第3号 不正の目的") && ppc.contains("医療情報担当参事官室"), "{ppc}");
    let (name, pdf) = app.case_document_pdf(&p, id, "ppc_report", None).await.unwrap();
    assert!(pdf.starts_with(b"%PDF-") && name.ends_with(".pdf"));
    assert!(app.case_document(&p, id, "nope", None).await.is_err());

    // Filing the preliminary report makes the final one the default and ends its reminders.
    app.mark_report_filed(&p, id, "preliminary", "2026-11-21 15:00", "受付番号 123").await.unwrap();
    let appi = app.case_appi(&p, id).await.unwrap();
    assert!(appi.preliminary_filed.is_some());
    let later = app.case_document_on(&p, id, "ppc_report", None, date).await.unwrap();
    assert!(later.marks.iter().any(|m| m.label == "確報" && m.checked));

    // Closed, the case can be shared without naming the hospital.
    assert!(app.case_anonymized(&p, id).await.is_err(), "an open case is not shared");
    app.set_case_status(&p, id, "closed", "確報提出").await.unwrap();
    let shared = app.case_anonymized(&p, id).await.unwrap().to_string();
    assert!(!shared.contains("みなと") && shared.contains("203.0.113.9") && shared.contains("isolate"), "{shared}");
    assert!(app.cases(&p, CaseQuery { open_only: true, ..Default::default() }).await.unwrap().is_empty());
}

#[tokio::test]
async fn reminders_go_out_once_before_each_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let (app, p, hospital, _) = app_with_facilities(dir.path()).await;
    let form = CaseInput {
        title: "ランサムウェア".into(),
        facility: Some(hospital),
        severity: "重大".into(),
        aware_at: "2026-11-20 10:00".into(),
        ..Default::default()
    };
    let id = app.open_case(&p, &form, CaseSource::Manual).await.unwrap();
    let day4: Timestamp = "2026-11-23T01:00:00Z".parse().unwrap();
    assert_eq!(app.queue_case_reminders(day4).await.unwrap(), 0, "nothing is owed before the wizard says so");
    app.decide_appi(&p, id, &wizard()).await.unwrap();
    // On day 4 the day-3 target has passed and the day-5 limit is near: two messages, once.
    assert_eq!(app.queue_case_reminders(day4).await.unwrap(), 2);
    assert_eq!(app.queue_case_reminders(day4).await.unwrap(), 0);
    let sent = app.store().recent_notifications(p.org, 10).await.unwrap();
    assert!(sent.iter().any(|n| n.subject.contains("速報") && n.subject.contains("2026-11-24")), "{sent:?}");
}

#[tokio::test]
async fn bad_input_and_other_people_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (app, p, hospital, clinic) = app_with_facilities(dir.path()).await;
    let form = CaseInput {
        title: "不審な通信".into(),
        facility: Some(hospital),
        severity: "中".into(),
        occurred_at: "2026-11-21 10:00".into(),
        aware_at: "2026-11-20 10:00".into(),
        ..Default::default()
    };
    match app.open_case(&p, &form, CaseSource::Manual).await {
        Err(Error::Invalid(e)) => {
            assert_eq!((e[0].field, &e[0].problem), ("aware_at", &Problem::Before("occurred_at")))
        }
        other => panic!("{other:?}"),
    }
    let form = CaseInput { occurred_at: String::new(), ..form };
    let id = app.open_case(&p, &form, CaseSource::Manual).await.unwrap();

    let big = vec![0u8; EVIDENCE_MAX_BYTES as usize + 1];
    match app.add_evidence(&p, id, "disk.img", "", big, "").await {
        Err(Error::Invalid(e)) => assert_eq!(e[0].field, "file"),
        other => panic!("{other:?}"),
    }
    let ev = app.add_evidence(&p, id, "C:\\temp\\note.txt", "", b"YOUR FILES".to_vec(), "").await.unwrap();
    assert_eq!(ev.name, "note.txt");
    assert_eq!(app.evidence_file(&p, ev.id).await.unwrap().1, b"YOUR FILES");
    let unknown = BTreeMap::from([("diagnosis".to_owned(), "x".to_owned())]);
    assert!(matches!(app.set_case_fields(&p, id, &unknown).await, Err(Error::Invalid(_))));
    let missing = AppiForm { occurrence: String::new(), ..wizard() };
    match app.decide_appi(&p, id, &missing).await {
        Err(Error::Invalid(e)) => assert_eq!(e[0].field, "occurrence"),
        other => panic!("{other:?}"),
    }

    // Staff write the timeline but do not decide what is reported; an auditor writes nothing;
    // staff of another facility do not see the case at all.
    let staff = with(&p, Role::Staff, Scope::Facility(hospital));
    let note = EntryInput { text: "サーバ室を施錠".into(), ..Default::default() };
    app.add_case_entry(&staff, id, &note).await.unwrap();
    assert!(matches!(app.decide_appi(&staff, id, &wizard()).await, Err(Error::Forbidden)));
    assert!(matches!(app.set_case_status(&staff, id, "closed", "").await, Err(Error::Forbidden)));
    let auditor = with(&p, Role::Auditor, Scope::Organization);
    assert!(matches!(app.add_case_entry(&auditor, id, &note).await, Err(Error::Forbidden)));
    let other = with(&p, Role::Staff, Scope::Facility(clinic));
    assert!(matches!(app.case_view(&other, id).await, Err(Error::NotFound(_))));
    assert!(matches!(app.evidence_file(&other, ev.id).await, Err(Error::NotFound(_))));
    // The refused read left no trace in the chain of custody: only the owner's one export.
    let custody = app.custody(&p, id, ev.id).await.unwrap();
    let exports: Vec<_> = custody.iter().filter(|c| c.action == "exported").collect();
    assert_eq!(exports.len(), 1, "{custody:?}");

    // Another organisation's case does not exist for it.
    let stranger = Principal::cli(app.create_org("やまびこ会").await.unwrap());
    assert!(matches!(app.case(&stranger, id).await, Err(Error::NotFound(_))));
    assert!(matches!(
        app.open_case(&stranger, &form, CaseSource::Manual).await,
        Err(Error::NotFound(_) | Error::Invalid(_))
    ));
}
