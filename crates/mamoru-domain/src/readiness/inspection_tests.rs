use jiff::civil::{Date, date};

use super::*;
use crate::contact::ChainRole;

const DAY: Date = date(2026, 11, 26);

fn chain(kinds: &[Option<PartyKind>]) -> Vec<ChainContact> {
    kinds
        .iter()
        .enumerate()
        .map(|(i, k)| ChainContact {
            name: format!("担当{i}"),
            role: ChainRole::Other,
            party: k.map(|k| (format!("{}の窓口", k.ja()), k)),
        })
        .collect()
}

fn system(name: &str) -> BackupLine {
    BackupLine {
        system: name.into(),
        needed_for_care: true,
        generations: 7,
        offline: Some("追記不能なストレージ（S3 Object Lock）"),
        offline_refreshed: Some(date(2026, 11, 25)),
        restore: RestoreStatus::Fresh,
        last_verified: Some((date(2026, 11, 20), 872_000)),
    }
}

/// A facility whose records show every point in place.
fn good() -> InspectionFacts {
    InspectionFacts {
        vuln: VulnFacts {
            feeds: vec![("nvd".into(), 120), ("kev".into(), 3)],
            last_import: Some(date(2026, 11, 20)),
            perimeter_devices: 2,
            pcs: 10,
            perimeter_open: vec![OpenFinding {
                asset: "VPN".into(),
                vuln_id: "CVE-2026-0001".into(),
                due: date(2026, 12, 31),
                kev: false,
            }],
            pc_overdue: 0,
            decided: vec![DecidedFinding {
                asset: "UTM".into(),
                vuln_id: "CVE-2025-9999".into(),
                status: FindingStatus::Mitigated,
                reason: Some("SSL-VPN 停止".into()),
                decided: Some(("manager@example.jp".into(), date(2026, 11, 1))),
            }],
        },
        backups: vec![system("電子カルテ")],
        detection: DetectionFacts {
            alerts_in_period: 4,
            rules_in_period: 2,
            untriaged_high: 0,
            last_alert: Some(date(2026, 11, 2)),
        },
        bcp: Some(Bcp { adopted_on: Some(date(2026, 6, 1)), drilled_on: Some(date(2026, 9, 1)) }),
        chain: chain(&[None, Some(PartyKind::Vendor), Some(PartyKind::Mhlw), Some(PartyKind::Police)]),
        register_vendors: vec!["電子カルテベンダー".into()],
    }
}

fn point(f: &InspectionFacts, p: Point) -> PointView {
    let all = evaluate(f, DAY);
    assert_eq!(all.iter().map(|v| v.point).collect::<Vec<_>>(), Point::ALL);
    all.into_iter().find(|v| v.point == p).unwrap()
}

#[test]
fn every_point_is_met_when_the_records_show_it() {
    for v in evaluate(&good(), DAY) {
        assert_eq!(v.status, Status::Met, "{:?}: {}", v.point, v.summary);
        assert!(!v.evidence.is_empty(), "{:?} has no evidence", v.point);
    }
    let vuln = point(&good(), Point::Vulnerability);
    assert!(vuln.evidence.iter().any(|e| e.contains("判断済み: UTM CVE-2025-9999（緩和策実施")), "{vuln:?}");
    let backup = point(&good(), Point::Backup);
    assert!(backup.evidence[0].contains("最終復元確認 2026-11-20（所要 14分32秒）"), "{backup:?}");
}

#[test]
fn vulnerabilities_need_fresh_feeds_and_no_known_exploited_or_overdue_on_the_perimeter() {
    let mut f = good();
    f.vuln.feeds = vec![];
    assert_eq!(point(&f, Point::Vulnerability).status, Status::Gaps);

    let mut f = good();
    f.vuln.last_import = Some(DAY - jiff::ToSpan::days(FEED_STALE_DAYS));
    let v = point(&f, Point::Vulnerability);
    assert_eq!(v.status, Status::Gaps);
    assert!(v.summary.contains("更新されていません"), "{}", v.summary);

    let mut f = good();
    f.vuln.perimeter_open[0].kev = true;
    let v = point(&f, Point::Vulnerability);
    assert_eq!(v.status, Status::Gaps);
    assert!(v.evidence.iter().any(|e| e.contains("未対応: VPN CVE-2026-0001") && e.contains("悪用確認済み")));

    let mut f = good();
    f.vuln.perimeter_open[0].due = date(2026, 11, 25);
    assert_eq!(point(&f, Point::Vulnerability).status, Status::Gaps);

    let mut f = good();
    f.vuln.perimeter_open.clear();
    f.vuln.perimeter_devices = 0;
    assert_eq!(point(&f, Point::Vulnerability).status, Status::Attach);
}

#[test]
fn backups_need_generations_an_offline_copy_made_and_a_verified_restore() {
    let mut f = good();
    f.backups[0].generations = 1;
    f.backups.push(BackupLine { needed_for_care: false, restore: RestoreStatus::Never, ..system("事務") });
    let v = point(&f, Point::Backup);
    assert_eq!(v.status, Status::Gaps);
    assert!(v.summary.contains("電子カルテ（世代管理なし）"), "{}", v.summary);
    assert!(!v.summary.contains("事務"), "a system not needed for care does not count: {}", v.summary);

    let mut f = good();
    f.backups[0].offline_refreshed = None;
    assert!(point(&f, Point::Backup).summary.contains("オフライン／追記不能の複製なし"));

    let mut f = good();
    f.backups[0].restore = RestoreStatus::Overdue;
    assert_eq!(point(&f, Point::Backup).status, Status::Gaps);

    let mut f = good();
    f.backups[0].restore = RestoreStatus::DueSoon;
    assert_eq!(point(&f, Point::Backup).status, Status::Met, "due soon is not yet a gap");

    let mut f = good();
    f.backups.clear();
    let v = point(&f, Point::Backup);
    assert_eq!(v.status, Status::Attach);
    assert!(!v.attach.is_empty());
}

#[test]
fn defence_asks_for_documents_while_mamoru_has_no_bcp_and_flags_untriaged_alerts() {
    let mut f = good();
    f.bcp = None;
    let v = point(&f, Point::Defence);
    assert_eq!(v.status, Status::Attach);
    assert!(v.attach.iter().any(|a| a.contains("BCP")) && v.attach.iter().any(|a| a.contains("訓練")), "{v:?}");

    let mut f = good();
    f.detection.untriaged_high = 2;
    assert_eq!(point(&f, Point::Defence).status, Status::Gaps);

    let mut f = good();
    f.bcp = Some(Bcp { adopted_on: Some(date(2024, 4, 1)), drilled_on: Some(date(2025, 11, 1)) });
    let v = point(&f, Point::Defence);
    assert_eq!(v.status, Status::Gaps);
    assert!(v.summary.contains("訓練"), "{}", v.summary);

    let mut f = good();
    f.bcp = Some(Bcp { adopted_on: Some(date(2025, 6, 1)), drilled_on: Some(date(2026, 9, 1)) });
    let v = point(&f, Point::Defence);
    assert_eq!(v.status, Status::Gaps, "a BCP not reviewed within the year");
    assert!(v.summary.contains("見直し"), "{}", v.summary);

    let mut f = good();
    f.detection = DetectionFacts::default();
    assert_eq!(point(&f, Point::Defence).status, Status::Attach, "no alert proves no monitoring either way");
}

#[test]
fn contacts_need_vendor_mhlw_and_police() {
    let mut f = good();
    f.chain = chain(&[None, Some(PartyKind::Vendor), Some(PartyKind::Police)]);
    let v = point(&f, Point::Contacts);
    assert_eq!(v.status, Status::Gaps);
    assert!(v.summary.contains("厚生労働省"), "{}", v.summary);
    assert!(v.evidence.iter().any(|e| e.starts_with("警察: 1件")), "{v:?}");

    let mut f = good();
    f.chain = chain(&[None, Some(PartyKind::Mhlw), Some(PartyKind::Police)]);
    assert_eq!(point(&f, Point::Contacts).status, Status::Gaps);
    f.register_vendors.clear();
    assert_eq!(point(&f, Point::Contacts).status, Status::Attach, "no vendor in the register either");

    let mut f = good();
    f.chain.clear();
    assert_eq!(point(&f, Point::Contacts).status, Status::Gaps);
}

#[test]
fn durations_read_in_japanese() {
    assert_eq!(duration_ja(2_500), "3秒");
    assert_eq!(duration_ja(872_000), "14分32秒");
    assert_eq!(duration_ja(3_720_000), "1時間2分");
}
