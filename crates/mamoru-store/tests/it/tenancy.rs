//! One organisation's records cannot be reached through another's id.

use mamoru_domain::contact::{ContactDraft, ContactInput, PartyDraft, PartyKind};
use mamoru_store::{AssetQuery, AuditQuery, Error};

use super::support::{actor, draft, each_backend, new_asset, org_with_facility};

#[tokio::test]
async fn organisations_never_see_each_other() {
    each_backend(|t| async move {
        let s = &t.store;
        let (a, fa) = org_with_facility(s, "A医療法人", "A病院").await;
        let (b, fb) = org_with_facility(s, "B医療法人", "B病院").await;
        let asset = s.create_asset(a, &new_asset(fa, draft("A-VPN", "VPN装置", "", "")), &actor()).await.unwrap();
        let party = s
            .create_party(a, &PartyDraft { name: "A保守".into(), kind: PartyKind::Vendor, notes: None }, &actor())
            .await
            .unwrap();

        let not_found = |r: Result<_, Error>, what: &str| {
            assert!(matches!(r, Err(Error::NotFound { .. })), "{}: {what}", t.name);
        };
        not_found(s.asset(b, asset).await.map(drop), "read asset");
        not_found(s.facility(b, fa).await.map(drop), "read facility");
        not_found(s.party(b, party).await.map(drop), "read party");
        not_found(
            s.update_asset(b, asset, &new_asset(fb, draft("x", "その他", "", "")), &actor()).await,
            "update asset",
        );
        not_found(s.delete_asset(b, asset, &actor()).await, "delete asset");
        // B cannot put an asset into A's facility, nor name A's vendor.
        not_found(
            s.create_asset(b, &new_asset(fa, draft("x", "その他", "", "")), &actor()).await.map(drop),
            "asset in A's facility",
        );
        let mut with_a_vendor = new_asset(fb, draft("x", "その他", "", ""));
        with_a_vendor.maintenance_vendor = Some(party);
        not_found(s.create_asset(b, &with_a_vendor, &actor()).await.map(drop), "A's vendor");
        let contact = ContactDraft::parse(&ContactInput {
            name: "x".into(),
            role: "報告先".into(),
            phone: "1".into(),
            ..Default::default()
        })
        .unwrap();
        not_found(s.create_contact(b, Some(party), None, &contact, &actor()).await.map(drop), "contact of A's party");

        assert_eq!(s.list_assets(b, &AssetQuery::default()).await.unwrap().1, 0);
        assert_eq!(s.facilities(b).await.unwrap().len(), 1);
        assert!(s.parties(b).await.unwrap().is_empty());
        let log_b = s.audit_entries(b, &AuditQuery::default()).await.unwrap();
        assert!(log_b.iter().all(|e| !e.summary.starts_with('A')), "{log_b:?}");
        assert_eq!(s.asset(a, asset).await.unwrap().draft.name, "A-VPN");
    })
    .await;
}
