use mamoru_domain::{REGISTER_FIELDS, RegisterEntry};
use mamoru_store::AssetQuery;

use super::support::{actor, draft, each_backend};

fn entry(facility: &str, name: &str, version: &str, vendor: Option<&str>) -> RegisterEntry {
    RegisterEntry {
        facility: facility.into(),
        asset: draft(name, "サーバ", "富士通", version),
        maintenance_vendor: vendor.map(Into::into),
        remote_vendor: None,
    }
}

#[tokio::test]
async fn import_creates_then_updates_never_duplicates() {
    each_backend(|t| async move {
        let s = &t.store;
        let org = s.create_org("A", &actor()).await.unwrap();
        let file = vec![
            entry("みなと総合病院", "電子カルテサーバ", "1.0", Some("ABCシステム")),
            entry("みなと総合病院", "PACSサーバ", "2.0", Some("ABCシステム")),
            entry("さくら訪問看護ステーション", "NAS", "3.0", None),
        ];
        let sum = s.import_register(org, &file, &REGISTER_FIELDS, "register.csv", &actor(), false).await.unwrap();
        assert_eq!((sum.created, sum.updated, sum.unchanged), (3, 0, 0), "{}", t.name);
        assert_eq!(sum.facilities_created, ["みなと総合病院", "さくら訪問看護ステーション"]);
        assert_eq!(sum.vendors_created, ["ABCシステム"]);
        let kinds: Vec<_> = s.facilities(org).await.unwrap().iter().map(|f| f.draft.kind.map(|k| k.code())).collect();
        assert_eq!(kinds, [Some("visiting_nurse"), Some("hospital")]);

        let q = mamoru_store::AuditQuery { entity: Some("asset".into()), ..Default::default() };
        let log = s.audit_entries(org, &q).await.unwrap();
        assert_eq!(log.len(), 3, "one audit entry per asset");
        assert!(log.iter().all(|e| e.action == "asset.create" && e.after.is_some() && e.entity_id.is_some()));

        let again = s.import_register(org, &file, &REGISTER_FIELDS, "register.csv", &actor(), false).await.unwrap();
        assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 3));
        assert!(again.facilities_created.is_empty() && again.vendors_created.is_empty());

        let mut changed = file.clone();
        changed[1].asset.version = Some("2.1".into());
        let sum = s.import_register(org, &changed, &REGISTER_FIELDS, "register.csv", &actor(), false).await.unwrap();
        assert_eq!((sum.created, sum.updated, sum.unchanged), (0, 1, 2));
        assert_eq!(s.list_assets(org, &AssetQuery::default()).await.unwrap().1, 3);

        // A file with only a few columns changes only those.
        let mut versions_only = vec![changed[0].clone()];
        versions_only[0].asset.version = Some("1.1".into());
        versions_only[0].asset.vendor = None;
        versions_only[0].maintenance_vendor = None;
        let sum = s
            .import_register(
                org,
                &versions_only,
                &["facility", "name", "category", "version"],
                "v.csv",
                &actor(),
                false,
            )
            .await
            .unwrap();
        assert_eq!(sum.updated, 1);
        let (items, _) =
            s.list_assets(org, &AssetQuery { text: Some("電子カルテ".into()), ..Default::default() }).await.unwrap();
        let a = &items[0];
        assert_eq!(a.asset.draft.version.as_deref(), Some("1.1"));
        assert_eq!(a.asset.draft.vendor.as_deref(), Some("富士通"), "absent column kept");
        assert_eq!(a.maintenance_vendor_name.as_deref(), Some("ABCシステム"), "absent column kept");
    })
    .await;
}

#[tokio::test]
async fn a_preview_keeps_nothing() {
    each_backend(|t| async move {
        let s = &t.store;
        let org = s.create_org("A", &actor()).await.unwrap();
        let file = vec![entry("みなと総合病院", "電子カルテサーバ", "1.0", Some("ABCシステム"))];
        let sum = s.import_register(org, &file, &REGISTER_FIELDS, "register.csv", &actor(), true).await.unwrap();
        assert_eq!(sum.created, 1, "{}", t.name);
        assert_eq!(sum.facilities_created.len(), 1);
        assert!(s.facilities(org).await.unwrap().is_empty());
        assert!(s.parties(org).await.unwrap().is_empty());
        assert_eq!(s.list_assets(org, &AssetQuery::default()).await.unwrap().1, 0);
        assert!(s.audit_entries(org, &Default::default()).await.unwrap().iter().all(|e| e.entity == "organization"));
    })
    .await;
}
