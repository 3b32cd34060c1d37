use mamoru_domain::AssetCategory;
use mamoru_store::{AssetQuery, AssetSort, Error};

use super::support::{actor, draft, each_backend, new_asset, org_with_facility};

#[tokio::test]
async fn create_read_update_delete() {
    each_backend(|t| async move {
        let s = &t.store;
        let (org, f) = org_with_facility(s, "A", "みなと総合病院").await;
        let d = draft("本館VPN装置", "VPN装置", "Fortinet", "6.0.4");
        let id = s.create_asset(org, &new_asset(f, d.clone()), &actor()).await.unwrap();
        let got = s.asset(org, id).await.unwrap();
        assert_eq!(got.draft, d, "{}", t.name);
        assert_eq!(got.facility_id, f);

        let mut changed = d.clone();
        changed.version = Some("6.0.18".into());
        changed.internet_facing = true;
        s.update_asset(org, id, &new_asset(f, changed.clone()), &actor()).await.unwrap();
        assert_eq!(s.asset(org, id).await.unwrap().draft, changed);

        let dup = s.create_asset(org, &new_asset(f, d.clone()), &actor()).await;
        assert!(matches!(dup, Err(Error::Conflict { .. })), "{}: {dup:?}", t.name);

        s.delete_asset(org, id, &actor()).await.unwrap();
        assert!(matches!(s.asset(org, id).await, Err(Error::NotFound { .. })));
    })
    .await;
}

#[tokio::test]
async fn quotes_and_sql_are_stored_verbatim() {
    each_backend(|t| async move {
        let s = &t.store;
        let (org, f) = org_with_facility(s, "A", "O'Brien's \"Clinic\"; DROP TABLE assets;--").await;
        let nasty = "x'); DELETE FROM assets; -- \"quoted\" \\ %_";
        let mut d = draft(nasty, "その他", nasty, nasty);
        d.notes = Some(format!("{nasty}\n改行も"));
        let id = s.create_asset(org, &new_asset(f, d.clone()), &actor()).await.unwrap();
        assert_eq!(s.asset(org, id).await.unwrap().draft, d, "{}", t.name);
        let q = AssetQuery { text: Some("%_".into()), ..Default::default() };
        let (items, total) = s.list_assets(org, &q).await.unwrap();
        assert_eq!((items.len(), total), (1, 1));
        // A LIKE wildcard typed by the user matches only itself.
        let q = AssetQuery { text: Some("%z%".into()), ..Default::default() };
        assert_eq!(s.list_assets(org, &q).await.unwrap().1, 0);
        assert_eq!(s.facility(org, f).await.unwrap().draft.name, "O'Brien's \"Clinic\"; DROP TABLE assets;--");
    })
    .await;
}

#[tokio::test]
async fn list_filters_sorts_and_pages() {
    each_backend(|t| async move {
        let s = &t.store;
        let (org, f) = org_with_facility(s, "A", "病院").await;
        for i in 0..30 {
            let cat = if i % 3 == 0 { "VPN装置" } else { "端末PC" };
            let mut d = draft(&format!("asset-{i:02}"), cat, "NEC", &format!("1.{i}"));
            d.internet_facing = i % 3 == 0;
            d.support_end = if i % 2 == 0 { Some(jiff::civil::date(2020 + i as i16, 1, 1)) } else { None };
            s.create_asset(org, &new_asset(f, d), &actor()).await.unwrap();
        }
        let q = AssetQuery { category: Some(AssetCategory::Vpn), ..Default::default() };
        assert_eq!(s.list_assets(org, &q).await.unwrap().1, 10, "{}", t.name);
        let q = AssetQuery { internet_facing: Some(false), ..Default::default() };
        assert_eq!(s.list_assets(org, &q).await.unwrap().1, 20);

        let q = AssetQuery { sort: AssetSort::Name, descending: true, limit: Some(7), offset: 7, ..Default::default() };
        let (page, total) = s.list_assets(org, &q).await.unwrap();
        let names: Vec<_> = page.iter().map(|i| i.asset.draft.name.as_str()).collect();
        assert_eq!(total, 30);
        assert_eq!(names, ["asset-22", "asset-21", "asset-20", "asset-19", "asset-18", "asset-17", "asset-16"]);
        assert_eq!(page[0].facility_name, "病院");

        // Empty values sort last on both backends, whichever the direction.
        for descending in [false, true] {
            let q = AssetQuery { sort: AssetSort::SupportEnd, descending, limit: Some(30), ..Default::default() };
            let (page, _) = s.list_assets(org, &q).await.unwrap();
            assert!(page[..15].iter().all(|i| i.asset.draft.support_end.is_some()), "{} desc={descending}", t.name);
            assert!(page[15..].iter().all(|i| i.asset.draft.support_end.is_none()));
        }
        let q = AssetQuery { sort: AssetSort::Category, limit: Some(30), ..Default::default() };
        let (page, _) = s.list_assets(org, &q).await.unwrap();
        assert_eq!(page[0].asset.draft.category, AssetCategory::Vpn);

        let counts = s.asset_counts(org, None).await.unwrap();
        assert_eq!(counts.len(), 2);
        assert_eq!((counts[0].category, counts[0].count, counts[0].internet_facing), (AssetCategory::Vpn, 10, 10));
        assert_eq!(s.assets_out_of_support(org, None, jiff::civil::date(2030, 6, 1)).await.unwrap(), 6);

        let q = AssetQuery { visible: Some(vec![]), ..Default::default() };
        assert_eq!(s.list_assets(org, &q).await.unwrap().1, 0);
    })
    .await;
}
