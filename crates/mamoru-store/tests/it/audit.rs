use super::support::{actor, draft, each_backend, new_asset, org_with_facility, raw_execute};
use mamoru_store::AuditQuery;

#[tokio::test]
async fn every_change_is_logged_with_before_and_after() {
    each_backend(|t| async move {
        let s = &t.store;
        let (org, f) = org_with_facility(s, "A", "病院").await;
        let d = draft("VPN", "VPN装置", "Fortinet", "6.0.4");
        let id = s.create_asset(org, &new_asset(f, d.clone()), &actor()).await.unwrap();
        let mut d2 = d.clone();
        d2.version = Some("6.0.18".into());
        s.update_asset(org, id, &new_asset(f, d2), &actor()).await.unwrap();
        s.delete_asset(org, id, &actor()).await.unwrap();

        let q = AuditQuery { entity: Some("asset".into()), ..Default::default() };
        let log = s.audit_entries(org, &q).await.unwrap();
        let actions: Vec<_> = log.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["asset.delete", "asset.update", "asset.create"], "{}", t.name);
        let update = &log[1];
        assert_eq!(update.before.as_ref().unwrap()["version"], "6.0.4");
        assert_eq!(update.after.as_ref().unwrap()["version"], "6.0.18");
        assert_eq!(update.actor, "test");
        assert_eq!(update.facility_id, Some(f));
        assert!(log[0].after.is_none() && log[2].before.is_none());

        let page = s.audit_entries(org, &AuditQuery { before_id: Some(log[1].id), ..q.clone() }).await.unwrap();
        assert_eq!(page.len(), 1);
        let only_other = s.audit_entries(org, &AuditQuery { facilities: Some(vec![]), ..q }).await.unwrap();
        assert!(only_other.is_empty());
    })
    .await;
}

#[tokio::test]
async fn the_log_cannot_be_rewritten() {
    each_backend(|t| async move {
        t.store.create_org("A", &actor()).await.unwrap();
        // The store has no method to rewrite the log, and the database refuses too.
        for sql in ["UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"] {
            let err = raw_execute(&t, sql).await.unwrap_err();
            assert!(err.to_string().contains("append-only"), "{}: {sql}: {err}", t.name);
        }
    })
    .await;
}
