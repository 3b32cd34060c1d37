use std::collections::BTreeMap;

use jiff::Timestamp;
use mamoru_domain::incident::{CaseSeverity, CaseSource, CaseStatus, EntryKind, IocKind, NewCase};
use mamoru_domain::{AlertId, CaseId};
use mamoru_store::{AuditQuery, CaseQuery, Error, NewEntry, NewEvidence};

use super::support::{actor, each_backend, org_with_facility, raw_execute};

fn new_case(facility: mamoru_domain::FacilityId) -> NewCase {
    NewCase {
        title: "電子カルテサーバのランサムウェア感染".into(),
        facility,
        severity: CaseSeverity::Critical,
        summary: Some("受付端末に脅迫文".into()),
        occurred_at: Some("2026-11-19T18:00:00Z".parse().unwrap()),
        aware_at: "2026-11-20T01:00:00Z".parse().unwrap(),
    }
}

#[tokio::test]
async fn a_case_keeps_its_timeline_tasks_scope_and_indicators() {
    each_backend(|t| async move {
        let s = &t.store;
        let (org, facility) = org_with_facility(s, "みなと会", "みなと総合病院").await;
        let id = s.open_case(org, &new_case(facility), CaseSource::Alert(AlertId::new(7)), &actor()).await.unwrap();
        let case = s.case(org, id).await.unwrap();
        assert_eq!(
            (case.status, case.source, case.facility_name.as_str()),
            (CaseStatus::InitialResponse, CaseSource::Alert(AlertId::new(7)), "みなと総合病院"),
            "{}",
            t.name
        );
        assert_eq!(s.case_from_source(org, CaseSource::Alert(AlertId::new(7))).await.unwrap(), Some(id));

        // A back-dated entry sorts by when it happened, and keeps when it was written.
        let at: Timestamp = "2026-11-20T00:30:00Z".parse().unwrap();
        s.add_case_entry(
            org,
            id,
            NewEntry { at, kind: EntryKind::Action, text: "LANケーブルを抜いた", reference: Some("isolate") },
            &actor(),
        )
        .await
        .unwrap();
        let entries = s.case_entries(org, id).await.unwrap();
        assert_eq!(entries[0].text, "LANケーブルを抜いた");
        assert_eq!(entries[0].reference.as_deref(), Some("isolate"));
        assert!(entries[0].written_at > entries[0].at);
        assert!(entries[1].text.contains("アラート #7"), "{entries:?}");

        let task = s.add_case_task(org, id, "VPN装置のログ保全", Some("山田"), None, &actor()).await.unwrap();
        s.complete_case_task(org, id, task, &actor()).await.unwrap();
        let tasks = s.case_tasks(org, id).await.unwrap();
        assert_eq!((tasks.len(), tasks[0].done_by.is_some()), (1, true));

        s.add_case_scope(org, id, "system", None, "電子カルテ", &actor()).await.unwrap();
        assert_eq!(s.case_scope(org, id).await.unwrap()[0].label, "電子カルテ");
        s.add_case_ioc(org, id, IocKind::Ip, "203.0.113.9", Some("VPNログ"), &actor()).await.unwrap();
        assert_eq!(s.case_iocs(org, None).await.unwrap()[0].value, "203.0.113.9");

        let fields = BTreeMap::from([("cause".to_owned(), "VPN装置の脆弱性".to_owned())]);
        s.set_case_fields(org, id, &fields, &actor()).await.unwrap();
        assert_eq!(s.case(org, id).await.unwrap().fields, fields);
        s.set_case_status(org, id, CaseStatus::Closed, Some("確報提出済み"), &actor()).await.unwrap();
        let closed = s.case(org, id).await.unwrap();
        assert!(closed.closed_at.is_some());
        assert!(s.cases(org, &CaseQuery { open_only: true, ..Default::default() }).await.unwrap().is_empty());
        assert_eq!(s.case_from_source(org, CaseSource::Alert(AlertId::new(7))).await.unwrap(), None);

        let audit = s.audit_entries(org, &AuditQuery::default()).await.unwrap();
        for action in [
            "case.open",
            "case.entry",
            "case.task",
            "case.task_done",
            "case.scope",
            "case.ioc",
            "case.fields",
            "case.status",
        ] {
            assert!(audit.iter().any(|e| e.action == action), "{action} not audited");
        }
        // The timeline has an entry for each of those changes.
        assert!(s.case_entries(org, id).await.unwrap().len() >= 8);
    })
    .await;
}

#[tokio::test]
async fn evidence_keeps_its_digest_and_custody() {
    each_backend(|t| async move {
        let s = &t.store;
        let (org, facility) = org_with_facility(s, "みなと会", "みなと総合病院").await;
        let id = s.open_case(org, &new_case(facility), CaseSource::Manual, &actor()).await.unwrap();
        let bytes = b"ransom note: your files are encrypted".to_vec();
        let ev = s
            .add_evidence(
                org,
                id,
                NewEvidence {
                    name: "脅迫文.txt",
                    media_type: "text/plain",
                    content: bytes.clone(),
                    note: Some("受付PC"),
                },
                &actor(),
            )
            .await
            .unwrap();
        assert_eq!(ev.sha256, mamoru_store::sha256_hex(&bytes));
        let (_, back) = s.evidence_content(org, ev.id, &actor()).await.unwrap();
        assert_eq!(back, bytes, "{}", t.name);
        s.add_custody(org, ev.id, "handed_over", Some("県警サイバー犯罪対策課へ"), &actor()).await.unwrap();
        let chain: Vec<String> = s.custody(org, ev.id).await.unwrap().into_iter().map(|c| c.action).collect();
        assert_eq!(chain, ["collected", "exported", "handed_over"]);
        assert!(raw_execute(&t, "DELETE FROM case_custody").await.is_err(), "custody is append-only");
        assert!(raw_execute(&t, "UPDATE case_custody SET actor = 'x'").await.is_err());

        // Changed at rest: refused, naming the file.
        raw_execute(&t, "UPDATE case_evidence SET sha256 = 'deadbeef'").await.unwrap();
        match s.evidence_content(org, ev.id, &actor()).await {
            Err(Error::Corrupt(why)) => assert!(why.contains("脅迫文.txt"), "{why}"),
            other => panic!("{other:?}"),
        }
    })
    .await;
}

#[tokio::test]
async fn a_case_of_another_organisation_is_not_found() {
    each_backend(|t| async move {
        let s = &t.store;
        let (org, facility) = org_with_facility(s, "みなと会", "みなと総合病院").await;
        let (other, _) = org_with_facility(s, "やまびこ会", "やまびこ診療所").await;
        let id = s.open_case(org, &new_case(facility), CaseSource::Manual, &actor()).await.unwrap();
        assert!(matches!(s.case(other, id).await, Err(Error::NotFound { .. })));
        let err = s
            .add_case_entry(
                other,
                id,
                NewEntry { at: Timestamp::now(), kind: EntryKind::Action, text: "x", reference: None },
                &actor(),
            )
            .await;
        assert!(matches!(err, Err(Error::NotFound { .. })));
        assert!(matches!(
            s.add_evidence(
                other,
                id,
                NewEvidence { name: "a", media_type: "b", content: vec![1], note: None },
                &actor()
            )
            .await,
            Err(Error::NotFound { .. })
        ));
        // Nor can a case be opened on another organisation's facility.
        assert!(matches!(
            s.open_case(other, &new_case(facility), CaseSource::Manual, &actor()).await,
            Err(Error::NotFound { .. })
        ));
        assert!(s.cases(other, &CaseQuery::default()).await.unwrap().is_empty());
        assert_eq!(s.case(org, CaseId::new(id.get())).await.unwrap().id, id);
        // A reminder goes out once per deadline and due date.
        let due = jiff::civil::Date::constant(2026, 11, 24);
        assert!(s.claim_case_reminder(id, "preliminary_limit", due).await.unwrap());
        assert!(!s.claim_case_reminder(id, "preliminary_limit", due).await.unwrap());
    })
    .await;
}
