use jiff::civil::Date;
use mamoru_domain::{FindingStatus, Policy};
use mamoru_store::{AdvisoryRow, Decision, EpssRow, FeedBatch, FindingQuery, KevRow, Matched};

use super::support::{actor, draft, each_backend, new_asset, org_with_facility};

fn advisory(id: &str, source: &str, product: &str, body: &str) -> AdvisoryRow {
    AdvisoryRow {
        id: id.into(),
        source: source.into(),
        modified: Some("2024-01-01".into()),
        title: None,
        cvss: Some(9.8),
        body: body.into(),
        products: vec![("fortinet".into(), product.into())],
    }
}

fn matched(asset: mamoru_domain::AssetId, facility: mamoru_domain::FacilityId, cve: &str) -> Matched {
    Matched {
        asset,
        facility,
        vuln_id: cve.into(),
        advisory_id: cve.into(),
        source: "nvd".into(),
        confidence: "exact".into(),
        why: "FortiOS 6.0.4 is within 6.0.0 ≤ v < 6.0.5".into(),
        why_ja: "FortiOS 6.0.4 は 6.0.0 ≤ v < 6.0.5 の範囲内".into(),
        criteria: "cpe:2.3:o:fortinet:fortios:*".into(),
        version: Some("6.0.4".into()),
        kev: true,
        ransomware: true,
        epss: Some(0.97),
        cvss: Some(9.8),
        priority: 1,
        priority_reason: "known exploited".into(),
        due_days: 3,
    }
}

#[tokio::test]
async fn feeds_are_upserted_and_found_by_product() {
    each_backend(|t| async move {
        let s = &t.store;
        let batch = FeedBatch {
            file: "page.json".into(),
            format: "NVD API 2.0 page".into(),
            advisories: vec![
                advisory("CVE-2018-13379", "nvd", "fortios", "{\"v\":1}"),
                advisory("CVE-2018-13379", "cve5", "fortios", "{\"v\":2}"),
                advisory("CVE-2020-0001", "nvd", "fortiproxy", "{\"v\":3}"),
                // A later record of the same id in one file wins, as a later page would.
                advisory("CVE-2020-0001", "nvd", "fortiproxy", "{\"v\":4}"),
            ],
            kev: vec![KevRow { cve: "CVE-2018-13379".into(), date_added: "2021-11-03".into(), ..Default::default() }],
            epss: vec![EpssRow {
                cve: "CVE-2018-13379".into(),
                score: 0.97,
                percentile: 0.99,
                date: "2025-08-25".into(),
            }],
        };
        assert!(!s.has_advisories().await.unwrap(), "{}", t.name);
        let w = s.write_feed(&batch, &actor()).await.unwrap();
        assert_eq!((w.added, w.updated, w.new_kev.len()), (3, 0, 1), "{}", t.name);
        assert!(s.has_advisories().await.unwrap());
        let mut bodies = s.advisories_for_products(&[("fortinet".into(), "fortios".into())]).await.unwrap();
        bodies.sort();
        assert_eq!(bodies, ["{\"v\":1}", "{\"v\":2}"]);
        assert_eq!(
            s.advisories_for_products(&[("fortinet".into(), "fortiproxy".into())]).await.unwrap(),
            ["{\"v\":4}"]
        );

        // Again, with an older EPSS score: records update, the newer score stays, KEV is not new.
        let mut again = batch.clone();
        again.epss[0].date = "2024-01-01".into();
        again.epss[0].score = 0.1;
        let w = s.write_feed(&again, &actor()).await.unwrap();
        assert_eq!((w.added, w.updated, w.new_kev.len()), (0, 3, 0));
        let cves = vec!["CVE-2018-13379".to_owned(), "CVE-1999-0001".to_owned()];
        assert_eq!(s.epss_for(&cves).await.unwrap()["CVE-2018-13379"].score, 0.97);
        assert_eq!(s.kev_for(&cves).await.unwrap().len(), 1);
        let status = s.feed_status().await.unwrap();
        assert_eq!(status.advisories, [("cve5".to_owned(), 1), ("nvd".to_owned(), 2)]);
        assert_eq!((status.kev, status.epss), (1, 1));
        assert!(status.last_import.is_some());
    })
    .await;
}

#[tokio::test]
async fn the_finding_lifecycle_keeps_decisions() {
    each_backend(|t| async move {
        let s = &t.store;
        let (org, f) = org_with_facility(s, "A", "みなと総合病院").await;
        let (other, of) = org_with_facility(s, "B", "別法人病院").await;
        let vpn = s
            .create_asset(org, &new_asset(f, draft("本館VPN装置", "VPN装置", "Fortinet", "6.0.4")), &actor())
            .await
            .unwrap();
        let pc =
            s.create_asset(org, &new_asset(f, draft("受付PC", "端末PC", "Microsoft", "10")), &actor()).await.unwrap();
        let today = Date::constant(2026, 11, 25);
        let scope = [vpn, pc];

        let first = vec![matched(vpn, f, "CVE-2018-13379"), matched(pc, f, "CVE-2017-0144")];
        let r = s.apply_matches(org, &scope, &first, today, &actor()).await.unwrap();
        assert_eq!((r.new.len(), r.fixed, r.unchanged), (2, 0, 0), "{}", t.name);
        let all = s.findings(org, &FindingQuery::default()).await.unwrap();
        assert_eq!(all.len(), 2);
        let second = s.findings(org, &FindingQuery { offset: 1, ..Default::default() }).await.unwrap();
        assert_eq!(second.iter().map(|x| x.id).collect::<Vec<_>>(), [all[1].id]);
        let head = s.findings(org, &FindingQuery { limit: Some(1), ..Default::default() }).await.unwrap();
        assert_eq!(head.iter().map(|x| x.id).collect::<Vec<_>>(), [all[0].id]);
        assert_eq!(s.count_findings(org).await.unwrap(), 2);
        let counts = s.open_finding_counts(org, None, today).await.unwrap();
        assert_eq!((counts.by_priority, counts.kev, counts.overdue), ([2, 0, 0, 0, 0], 2, 0), "{}", t.name);
        let later = s.open_finding_counts(org, Some(&[f]), Date::constant(2026, 12, 1)).await.unwrap();
        assert_eq!(later.overdue, 2);
        assert_eq!(s.open_finding_counts(org, Some(&[]), today).await.unwrap().kev, 0);
        let vpn_finding = all.iter().find(|x| x.matched.asset == vpn).unwrap();
        assert_eq!(vpn_finding.due, Date::constant(2026, 11, 28));
        assert_eq!(vpn_finding.asset_name, "本館VPN装置");
        assert_eq!(vpn_finding.status, FindingStatus::Open);

        // Another organisation sees none of it.
        assert!(s.findings(other, &FindingQuery::default()).await.unwrap().is_empty());
        assert!(s.finding(other, vpn_finding.id).await.is_err());
        let _ = of;

        // A person rejects the PC match; it stays rejected while it matches.
        let pc_finding = all.iter().find(|x| x.matched.asset == pc).unwrap().id;
        let reject =
            Decision { status: FindingStatus::Rejected, reason: Some("Windows 11 です".into()), expires: None };
        s.decide_finding(org, pc_finding, &reject, &actor()).await.unwrap();
        let r = s.apply_matches(org, &scope, &first, today, &actor()).await.unwrap();
        assert_eq!((r.new.len(), r.reopened.len(), r.unchanged), (0, 0, 2));
        assert_eq!(s.finding(org, pc_finding).await.unwrap().status, FindingStatus::Rejected);

        // The VPN is patched: its finding is fixed; the rejected one stays rejected.
        let r = s.apply_matches(org, &scope, &first[1..], today, &actor()).await.unwrap();
        assert_eq!(r.fixed, 1);
        let fixed = s.finding(org, vpn_finding.id).await.unwrap();
        assert_eq!(fixed.status, FindingStatus::Fixed);
        assert!(fixed.resolved_at.is_some());

        // It comes back a week later: re-opened, due counted from the day it came back.
        let later = Date::constant(2026, 12, 2);
        let r = s.apply_matches(org, &scope, &first, later, &actor()).await.unwrap();
        assert_eq!(r.reopened, [vpn_finding.id]);
        let back = s.finding(org, vpn_finding.id).await.unwrap();
        assert_eq!((back.status, back.found_on, back.due), (FindingStatus::Open, later, Date::constant(2026, 12, 5)));
        assert!(back.resolved_at.is_none());

        // Accepted until a date; re-opened once that date has passed.
        let accept = Decision {
            status: FindingStatus::Accepted,
            reason: Some("更新は12月の保守で".into()),
            expires: Some(Date::constant(2026, 12, 10)),
        };
        s.decide_finding(org, vpn_finding.id, &accept, &actor()).await.unwrap();
        s.apply_matches(org, &scope, &first, Date::constant(2026, 12, 10), &actor()).await.unwrap();
        assert_eq!(s.finding(org, vpn_finding.id).await.unwrap().status, FindingStatus::Accepted);
        s.apply_matches(org, &scope, &first, Date::constant(2026, 12, 11), &actor()).await.unwrap();
        assert_eq!(s.finding(org, vpn_finding.id).await.unwrap().status, FindingStatus::Open);

        // Filters, and the perimeter-only view.
        let q = FindingQuery { statuses: vec![FindingStatus::Open], perimeter_only: true, ..Default::default() };
        let open = s.findings(org, &q).await.unwrap();
        assert_eq!(open.iter().map(|x| x.matched.vuln_id.as_str()).collect::<Vec<_>>(), ["CVE-2018-13379"]);
        assert_eq!(s.perimeter_assets(org, None).await.unwrap().len(), 1);

        // Decisions and matches are in the audit log.
        let audit = s.audit_entries(org, &Default::default()).await.unwrap();
        assert!(audit.iter().any(|e| e.action == "finding.decide"));
        assert!(audit.iter().any(|e| e.action == "finding.match"));

        // Deleting the asset takes its findings with it.
        s.delete_asset(org, vpn, &actor()).await.unwrap();
        assert_eq!(s.findings(org, &FindingQuery::default()).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn the_policy_defaults_and_changes() {
    each_backend(|t| async move {
        let s = &t.store;
        let (org, _) = org_with_facility(s, "A", "本院").await;
        assert_eq!(s.vuln_policy(org).await.unwrap(), Policy::default(), "{}", t.name);
        let p = Policy { due_days: [2, 7, 30, 60, 120], epss_likely: 0.25, cvss_severe: 8.5 };
        s.set_vuln_policy(org, &p, &actor()).await.unwrap();
        assert_eq!(s.vuln_policy(org).await.unwrap(), p);
        let p2 = Policy { due_days: [1, 7, 30, 60, 120], ..p };
        s.set_vuln_policy(org, &p2, &actor()).await.unwrap();
        assert_eq!(s.vuln_policy(org).await.unwrap(), p2);
    })
    .await;
}
