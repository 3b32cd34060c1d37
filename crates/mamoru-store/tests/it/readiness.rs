//! Checklist answers: saved per facility, fiscal year, edition and sheet; replaced when
//! answered again with the earlier answer kept in the audit log; scoped to the organisation.

use jiff::civil::Date;
use mamoru_domain::contact::{PartyDraft, PartyKind};
use mamoru_domain::readiness::{Answer, FiscalYear, Reply, Verdict};
use mamoru_store::{AuditQuery, ChecklistKey, Error, Location, ProposedSnapshot, Store};
use sqlx::Connection;

use super::support::{actor, each_backend, org_with_facility};

fn key(facility: mamoru_domain::FacilityId) -> ChecklistKey {
    ChecklistKey { facility, fiscal_year: FiscalYear::new(2025).unwrap(), edition: "fy2025".into(), vendor: None }
}

fn no(target: Date) -> Answer {
    Answer {
        reply: Reply::No,
        confirmed_on: Date::constant(2025, 10, 1),
        target_on: Some(target),
        note: Some("台帳は紙で管理".into()),
    }
}

#[tokio::test]
async fn an_answer_is_saved_replaced_and_its_history_audited() {
    each_backend(|t| async move {
        let s = &t.store;
        let (org, hospital) = org_with_facility(s, "A", "病院").await;
        let k = key(hospital);
        let proposal = ProposedSnapshot {
            verdict: Verdict::No,
            reason: "台帳が1年以上見直されていません".into(),
            evidence: vec!["台帳: サーバ 1台".into(), "最終更新 2024-01-01".into()],
        };
        s.save_checklist_answer(
            org,
            &k,
            "ops.asset_ledger",
            &no(Date::constant(2026, 3, 31)),
            Some(&proposal),
            &actor(),
        )
        .await
        .unwrap();
        let saved = s.checklist_answers(org, &k).await.unwrap();
        assert_eq!(saved.len(), 1, "{}", t.name);
        assert_eq!(saved[0].answer, no(Date::constant(2026, 3, 31)));
        assert_eq!(saved[0].proposed.as_ref(), Some(&proposal));
        assert_eq!(saved[0].answered_by, "test");

        let yes = Answer { reply: Reply::Yes, confirmed_on: Date::constant(2025, 12, 1), target_on: None, note: None };
        let id = s.save_checklist_answer(org, &k, "ops.asset_ledger", &yes, None, &actor()).await.unwrap();
        s.save_checklist_answer(org, &k, "ops.mds_sds", &yes, None, &actor()).await.unwrap();
        let saved = s.checklist_answers(org, &k).await.unwrap();
        let ids: Vec<_> = saved.iter().map(|a| a.item_id.as_str()).collect();
        assert_eq!(ids, ["ops.asset_ledger", "ops.mds_sds"]);
        assert_eq!((saved[0].id, &saved[0].answer, &saved[0].proposed), (id, &yes, &None), "replaced in place");

        let q = AuditQuery { entity: Some("readiness_answer".into()), ..Default::default() };
        let log = s.audit_entries(org, &q).await.unwrap();
        assert_eq!(log.len(), 3);
        let replaced = log.iter().find(|e| e.before.is_some()).unwrap();
        assert_eq!(replaced.before.as_ref().unwrap()["answer"], "no");
        assert_eq!(replaced.before.as_ref().unwrap()["target_on"], "2026-03-31");
        assert_eq!(replaced.after.as_ref().unwrap()["answer"], "yes");
        assert_eq!(replaced.summary, "令和7年度 医療機関確認用 ops.asset_ledger: はい");

        s.clear_checklist_answer(org, &k, "ops.mds_sds", &actor()).await.unwrap();
        assert_eq!(s.checklist_answers(org, &k).await.unwrap().len(), 1);
        let err = s.clear_checklist_answer(org, &k, "ops.mds_sds", &actor()).await.unwrap_err();
        assert!(matches!(err, Error::NotFound { .. }), "{err}");
    })
    .await;
}

#[tokio::test]
async fn sheets_years_and_organisations_are_kept_apart() {
    each_backend(|t| async move {
        let s = &t.store;
        let (org, hospital) = org_with_facility(s, "A", "病院").await;
        let (other, theirs) = org_with_facility(s, "B", "他院").await;
        let vendor = s
            .create_party(
                org,
                &PartyDraft { name: "なにわメディカル".into(), kind: PartyKind::Vendor, notes: None },
                &actor(),
            )
            .await
            .unwrap();
        let yes = Answer { reply: Reply::Yes, confirmed_on: Date::constant(2025, 6, 1), target_on: None, note: None };
        let vendor_key = ChecklistKey { vendor: Some(vendor), ..key(hospital) };
        s.save_checklist_answer(org, &vendor_key, "ops.patches", &yes, None, &actor()).await.unwrap();
        let next_year = ChecklistKey { fiscal_year: FiscalYear::new(2026).unwrap(), ..key(hospital) };
        s.save_checklist_answer(org, &next_year, "ops.patches", &yes, None, &actor()).await.unwrap();

        assert!(s.checklist_answers(org, &key(hospital)).await.unwrap().is_empty(), "{}", t.name);
        assert_eq!(s.checklist_answers(org, &vendor_key).await.unwrap().len(), 1);
        assert_eq!(s.checklist_answers(org, &next_year).await.unwrap().len(), 1);

        // Another organisation's facility, or its vendor, cannot be written or read through ours.
        let err = s.save_checklist_answer(org, &key(theirs), "ops.patches", &yes, None, &actor()).await.unwrap_err();
        assert!(matches!(err, Error::NotFound { .. }), "{err}");
        let err = s.save_checklist_answer(other, &vendor_key, "ops.patches", &yes, None, &actor()).await.unwrap_err();
        assert!(matches!(err, Error::NotFound { .. }), "{err}");
        assert!(s.checklist_answers(other, &vendor_key).await.unwrap().is_empty());
    })
    .await;
}

/// Two migrations written at once may land in either order: a database missing an earlier
/// number than its newest gets it on the next open.
#[tokio::test]
async fn a_skipped_migration_is_applied_later() {
    let dir = tempfile::tempdir().unwrap();
    let loc = Location::Dir(dir.path().to_owned());
    Store::open(&loc).await.unwrap().close().await;
    let url = format!("sqlite://{}", dir.path().join(mamoru_store::SQLITE_FILE).display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::raw_sql(
        "DROP TABLE case_reminders; DROP TABLE case_iocs; DROP TABLE case_custody; DROP TABLE case_evidence;
         DROP TABLE case_scope; DROP TABLE case_tasks; DROP TABLE case_entries; DROP TABLE cases;
         DELETE FROM schema_migrations WHERE version = 4;",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    let store = Store::open(&loc).await.unwrap();
    let (org, _) = org_with_facility(&store, "A", "病院").await;
    assert!(store.cases(org, &Default::default()).await.unwrap().is_empty(), "0004 applied again");
}
