//! Plans: cost assumptions per facility, roadmap approvals and inspection dates — saved,
//! replaced, audited, and kept inside the organisation.

use jiff::civil::Date;
use mamoru_domain::readiness::FiscalYear;
use mamoru_store::{AuditQuery, Error};

use super::support::{actor, each_backend, org_with_facility};

#[tokio::test]
async fn cost_assumptions_are_replaced_and_audited() {
    each_backend(|t| async move {
        let s = &t.store;
        let (org, f) = org_with_facility(s, "A", "病院").await;
        assert_eq!(s.cost_assumptions(org, f).await.unwrap(), None);
        s.save_cost_assumptions(org, f, &[("days_stopped".into(), 30)], &actor()).await.unwrap();
        let v = vec![("days_stopped".to_owned(), 45), ("revenue_per_day".to_owned(), 12_000_000)];
        s.save_cost_assumptions(org, f, &v, &actor()).await.unwrap();
        let mut saved = s.cost_assumptions(org, f).await.unwrap().unwrap().values;
        saved.sort();
        assert_eq!(saved, v, "{}", t.name);
        let q = AuditQuery { entity: Some("cost_assumptions".into()), ..Default::default() };
        assert_eq!(s.audit_entries(org, &q).await.unwrap().len(), 2);
        let (other, g) = org_with_facility(s, "B", "診療所").await;
        assert!(matches!(s.save_cost_assumptions(other, f, &v, &actor()).await, Err(Error::NotFound { .. })));
        assert_eq!(s.cost_assumptions(other, g).await.unwrap(), None);
        assert_eq!(s.cost_assumptions(other, f).await.unwrap(), None);
    })
    .await;
}

#[tokio::test]
async fn roadmap_approvals_keep_who_when_and_the_gaps() {
    each_backend(|t| async move {
        let s = &t.store;
        let (org, f) = org_with_facility(s, "A", "病院").await;
        let fy = FiscalYear::new(2025).unwrap();
        let keys = vec!["ops.two_factor".to_owned(), "point.backup".to_owned()];
        s.approve_roadmap(org, f, fy, "院長 山田", Date::constant(2025, 11, 1), None, &keys[..1], &actor())
            .await
            .unwrap();
        s.approve_roadmap(org, f, fy, "理事長 佐藤", Date::constant(2025, 11, 20), Some("理事会"), &keys, &actor())
            .await
            .unwrap();
        let a = s.roadmap_approvals(org, f).await.unwrap();
        assert_eq!(a.len(), 2, "{}", t.name);
        assert_eq!(
            (a[0].approved_by.as_str(), a[0].note.as_deref(), &a[0].gap_keys),
            ("理事長 佐藤", Some("理事会"), &keys)
        );
        assert_eq!((a[1].approved_on, a[1].fiscal_year), (Date::constant(2025, 11, 1), fy));
        let q = AuditQuery { entity: Some("roadmap_approval".into()), ..Default::default() };
        let log = s.audit_entries(org, &q).await.unwrap();
        assert!(log.iter().any(|e| e.summary.contains("理事長 佐藤")), "{log:?}");
        let (other, _) = org_with_facility(s, "B", "診療所").await;
        assert!(s.roadmap_approvals(other, f).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn inspection_dates_are_replaced_and_audited() {
    each_backend(|t| async move {
        let s = &t.store;
        let (org, f) = org_with_facility(s, "A", "病院").await;
        assert_eq!(s.inspection_dates(org, f).await.unwrap(), None);
        let (last, next) = (Date::constant(2024, 10, 3), Date::constant(2026, 10, 1));
        s.set_inspection_dates(org, f, Some(last), None, None, &actor()).await.unwrap();
        s.set_inspection_dates(org, f, Some(last), Some(next), Some("保健所から通知"), &actor()).await.unwrap();
        let d = s.inspection_dates(org, f).await.unwrap().unwrap();
        assert_eq!(
            (d.last_on, d.next_on, d.note.as_deref()),
            (Some(last), Some(next), Some("保健所から通知")),
            "{}",
            t.name
        );
        let q = AuditQuery { entity: Some("inspection_dates".into()), ..Default::default() };
        let log = s.audit_entries(org, &q).await.unwrap();
        assert_eq!(log.len(), 2);
        assert!(log.iter().any(|e| e.summary.contains("2026-10-01")), "{log:?}");
        let (other, _) = org_with_facility(s, "B", "診療所").await;
        assert!(s.set_inspection_dates(other, f, None, Some(next), None, &actor()).await.is_err());
    })
    .await;
}
