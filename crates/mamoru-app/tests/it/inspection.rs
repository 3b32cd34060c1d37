//! The inspection pack and the overview of every facility, on the demo organisation's records.

use std::collections::BTreeMap;

use jiff::Timestamp;
use mamoru_app::{App, Config, Principal, today};
use mamoru_domain::readiness::inspection::{Point, Status};
use mamoru_domain::readiness::{AnswerInput, FiscalYear, Sheet};
use mamoru_store::{Location, Store};

#[tokio::test]
async fn the_demo_hospitals_pack_has_its_sheet_and_all_four_points_with_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::new(Store::open(&Location::Dir(dir.path().to_owned())).await.unwrap(), Config::default());
    let info = app.seed_demo().await.unwrap();
    let p = Principal::cli(info.org);
    let facilities = app.facilities(&p).await.unwrap();
    let hospital = facilities.iter().find(|f| f.draft.name == "みなと総合病院").unwrap().id;
    let fy = FiscalYear::of(today());
    let pack = app.inspection_pack(&p, hospital, fy, Timestamp::now()).await.unwrap();
    assert_eq!(pack.checklist.items.len(), pack.checklist.edition.items_on(Sheet::Facility).count());
    assert_eq!(pack.vendor_items.len(), pack.checklist.edition.items_on(Sheet::Vendor).count());
    assert_eq!(pack.points.iter().map(|v| v.point).collect::<Vec<_>>(), Point::ALL);
    for v in &pack.points {
        assert!(!v.evidence.is_empty(), "{:?} has no evidence", v.point);
        assert!(!v.summary.is_empty());
    }
    let point = |p: Point| pack.points.iter().find(|v| v.point == p).unwrap();
    // The demo's VPN appliance carries known-exploited FortiOS findings (the Handa route).
    let vuln = point(Point::Vulnerability);
    assert_eq!(vuln.status, Status::Gaps, "{vuln:?}");
    assert!(
        vuln.evidence.iter().any(|e| e.starts_with("未対応: 本館VPN装置") && e.contains("悪用確認済み")),
        "{vuln:?}"
    );
    let backup = point(Point::Backup);
    assert!(backup.evidence.iter().any(|e| e.starts_with("電子カルテ") && e.contains("所要")), "{backup:?}");
    let defence = point(Point::Defence);
    assert_ne!(defence.status, Status::Met, "the demo's BCP is a draft: {defence:?}");
    assert!(defence.attach.iter().any(|a| a.contains("BCP")), "{defence:?}");
    let contacts = point(Point::Contacts);
    assert!(contacts.evidence.iter().any(|e| e.starts_with("厚生労働省: 1件")), "{contacts:?}");
    let emr = pack.vendor_sheets.iter().find(|v| v.vendor.draft.name == "株式会社なにわメディカルシステムズ").unwrap();
    assert!(emr.answers.is_empty(), "nothing answered yet");

    // The EMR vendor answers through its link: the answers come back into the pack.
    let week = jiff::SignedDuration::from_hours(24 * 7);
    let link = app.create_vendor_link(&p, hospital, emr.vendor.id, fy, week).await.unwrap();
    let token = link.path.rsplit('/').next().unwrap();
    let answers: BTreeMap<String, AnswerInput> = pack
        .vendor_items
        .iter()
        .map(|i| {
            let input =
                AnswerInput { answer: "はい".into(), confirmed_on: today().to_string(), ..Default::default() };
            (i.id.clone(), input)
        })
        .collect();
    app.submit_vendor_sheet(token, "山田 太郎", &answers, "test").await.unwrap();
    let pack = app.inspection_pack(&p, hospital, fy, Timestamp::now()).await.unwrap();
    let emr = pack.vendor_sheets.iter().find(|v| v.vendor.draft.name == "株式会社なにわメディカルシステムズ").unwrap();
    assert_eq!(emr.answers.len(), pack.vendor_items.len());
    assert!(emr.answers.iter().all(|a| a.answered_by == "山田 太郎（事業者）"), "{:?}", emr.answers[0]);

    let overview = app.readiness_overview(&p, fy, Timestamp::now()).await.unwrap();
    assert_eq!(overview.len(), facilities.len());
    let row = overview.iter().find(|r| r.facility.id == hospital).unwrap();
    let statuses: Vec<_> = pack.points.iter().map(|v| (v.point, v.status)).collect();
    assert_eq!(row.points, statuses, "the overview judges as the pack does");
    assert_eq!(row.score.applicable, pack.checklist.items.iter().filter(|i| i.required).count());
    assert_eq!(row.score.unanswered, pack.checklist.unanswered());
    assert_eq!(row.overdue.len(), row.score.overdue());
}
