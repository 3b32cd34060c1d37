//! The vendor sheet (事業者確認用) through its one-time link, on the demo organisation's real
//! store: a vendor sees only its own sheet, its answers land in the facility's record with who
//! and when, the link is used up, an expired link is refused, a bad target date is named, and
//! MDS/SDS files are kept on the vendor with their digest.

use std::collections::BTreeMap;

use jiff::SignedDuration;
use mamoru_app::readiness::vendor::{LinkStatus, Refusal, VendorFile, VendorSheetError, status};
use mamoru_app::{App, Config, Error, Principal, today};
use mamoru_domain::access::{Role, Scope};
use mamoru_domain::readiness::{AnswerInput, FiscalYear, Reply, Sheet};
use mamoru_domain::{FacilityId, PartyId, Problem};
use mamoru_store::{AuditQuery, Location, Store};

use crate::detect::with;

struct Demo {
    app: App,
    p: Principal,
    hospital: FacilityId,
    clinic: FacilityId,
    emr: PartyId,
    pacs: PartyId,
}

async fn demo(dir: &std::path::Path) -> Demo {
    let app = App::new(Store::open(&Location::Dir(dir.to_owned())).await.unwrap(), Config::default());
    let info = app.seed_demo().await.unwrap();
    let p = Principal::cli(info.org);
    let facilities = app.facilities(&p).await.unwrap();
    let id = |name: &str| facilities.iter().find(|f| f.draft.name == name).unwrap().id;
    let parties = app.store().parties(info.org).await.unwrap();
    let party = |name: &str| parties.iter().find(|v| v.draft.name == name).unwrap().id;
    Demo {
        hospital: id("みなと総合病院"),
        clinic: id("みなと内科クリニック"),
        emr: party("株式会社なにわメディカルシステムズ"),
        pacs: party("株式会社イメージングテック"),
        app,
        p,
    }
}

fn fy() -> FiscalYear {
    FiscalYear::of(today())
}

fn token(path: &str) -> &str {
    path.strip_prefix("/vendor-sheet/").unwrap()
}

/// Every vendor item answered はい, confirmed today; `overrides` replace some.
fn all_yes(d: &Demo, overrides: &[(&str, AnswerInput)]) -> BTreeMap<String, AnswerInput> {
    let edition = mamoru_domain::readiness::edition(fy()).unwrap();
    let mut m: BTreeMap<String, AnswerInput> = edition
        .items_on(Sheet::Vendor)
        .map(|i| {
            let a = AnswerInput { answer: "はい".into(), confirmed_on: today().to_string(), ..Default::default() };
            (i.id.clone(), a)
        })
        .collect();
    let _ = d;
    for (id, a) in overrides {
        m.insert((*id).to_owned(), a.clone());
    }
    m
}

fn no_until(target: &str) -> AnswerInput {
    AnswerInput {
        answer: "いいえ".into(),
        confirmed_on: today().to_string(),
        target_on: target.into(),
        note: "次回保守で対応".into(),
    }
}

#[tokio::test]
async fn a_vendor_answers_its_own_sheet_once_and_the_facility_sees_who_and_when() {
    let dir = tempfile::tempdir().unwrap();
    let d = demo(dir.path()).await;
    let week = SignedDuration::from_hours(24 * 7);
    let emr_link = d.app.create_vendor_link(&d.p, d.hospital, d.emr, fy(), week).await.unwrap();
    let pacs_link = d.app.create_vendor_link(&d.p, d.hospital, d.pacs, fy(), week).await.unwrap();
    assert_eq!(status(&emr_link.request, jiff::Timestamp::now()), LinkStatus::Open);
    // Only the digest is stored: the token is nowhere in the database file.
    let mut db = std::fs::read(dir.path().join("mamoru.db")).unwrap();
    db.extend(std::fs::read(dir.path().join("mamoru.db-wal")).unwrap_or_default());
    let has = |s: &str| db.windows(s.len()).any(|w| w == s.as_bytes());
    let t = token(&emr_link.path);
    assert!(t.len() >= 43, "{t}");
    assert!(has(&mamoru_app::auth::secret::digest(t)), "the digest is stored");
    assert!(!has(t), "the token itself is not stored");

    // The PACS vendor answers first.
    let end = fy().end().to_string();
    d.app
        .submit_vendor_sheet(token(&pacs_link.path), "鈴木 一郎", &all_yes(&d, &[]), "vendor-sheet 192.0.2.9")
        .await
        .unwrap();

    // The EMR vendor sees only the vendor items of the hospital's year, and none of the PACS
    // vendor's answers.
    let sheet = d.app.open_vendor_sheet(token(&emr_link.path)).await.unwrap().unwrap();
    assert_eq!(sheet.facility_name, "みなと総合病院");
    assert_eq!(sheet.request.vendor_name, "株式会社なにわメディカルシステムズ");
    let vendor_items = sheet.edition.items_on(Sheet::Vendor).count();
    assert_eq!(sheet.items.len(), vendor_items);
    assert!(sheet.items.iter().all(|i| i.item.on(Sheet::Vendor)));
    assert!(sheet.items.iter().all(|i| i.saved.is_none()), "another vendor's answers are not shown");

    let answers = all_yes(&d, &[("ops.mds_sds", no_until(&end))]);
    let done = d.app.submit_vendor_sheet(t, "山田 太郎", &answers, "vendor-sheet 192.0.2.7").await.unwrap();
    assert_eq!(done.answered_by.as_deref(), Some("山田 太郎（事業者）"));

    // Reused: refused, and nothing changes.
    assert_eq!(d.app.open_vendor_sheet(t).await.unwrap().unwrap_err(), Refusal::Used);
    let again = d.app.submit_vendor_sheet(t, "誰か", &answers, "vendor-sheet 192.0.2.7").await;
    assert!(matches!(again, Err(VendorSheetError::Refused(Refusal::Used))), "{again:?}");
    assert_eq!(d.app.open_vendor_sheet("no-such-token").await.unwrap().unwrap_err(), Refusal::Unknown);

    // The facility's record: each vendor's answers under its own name, with who and when.
    let overview = d.app.vendor_overview(&d.p, d.hospital, fy()).await.unwrap();
    let emr = overview.vendors.iter().find(|v| v.vendor.id == d.emr).unwrap();
    assert_eq!(emr.answers.len(), vendor_items);
    let mds = emr.answers.iter().find(|a| a.item_id == "ops.mds_sds").unwrap();
    assert_eq!(mds.answer.reply, Reply::No);
    assert_eq!(mds.answer.target_on, Some(fy().end()));
    assert_eq!(mds.answered_by, "山田 太郎（事業者）");
    assert_eq!(mds.answered_by_user, None);
    assert!(jiff::Timestamp::now().duration_since(mds.answered_at) < SignedDuration::from_secs(60));
    assert_eq!(status(&emr.links[0], jiff::Timestamp::now()), LinkStatus::Answered);
    let pacs = overview.vendors.iter().find(|v| v.vendor.id == d.pacs).unwrap();
    assert!(pacs.answers.iter().all(|a| a.answered_by == "鈴木 一郎（事業者）"));
    // The clinic's vendor sheets are untouched; the facility's own sheet too.
    let clinic = d.app.vendor_overview(&d.p, d.clinic, fy()).await.unwrap();
    assert!(clinic.vendors.iter().all(|v| v.answers.is_empty()));
    let own = d.app.checklist_view(&d.p, d.hospital, fy()).await.unwrap();
    assert_eq!(own.unanswered(), own.items.len());

    // The audit log has the link and each answer with the vendor's name and origin.
    let q = AuditQuery { action_prefix: Some("readiness.".into()), ..Default::default() };
    let log = d.app.store().audit_entries(d.p.org, &q).await.unwrap();
    assert_eq!(log.iter().filter(|e| e.action == "readiness.vendor_link").count(), 2);
    let by_vendor: Vec<_> = log.iter().filter(|e| e.actor == "山田 太郎（事業者）").collect();
    assert_eq!(by_vendor.len(), vendor_items);
    assert!(by_vendor.iter().all(|e| e.origin == "vendor-sheet 192.0.2.7"));
}

#[tokio::test]
async fn expired_links_and_bad_answers_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = demo(dir.path()).await;
    let short =
        d.app.create_vendor_link(&d.p, d.hospital, d.emr, fy(), SignedDuration::from_millis(300)).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert_eq!(d.app.open_vendor_sheet(token(&short.path)).await.unwrap().unwrap_err(), Refusal::Expired);
    let late = d.app.submit_vendor_sheet(token(&short.path), "山田", &all_yes(&d, &[]), "t").await;
    assert!(matches!(late, Err(VendorSheetError::Refused(Refusal::Expired))), "{late:?}");

    // A link of 0 or 91 days is refused naming the field.
    for days in [0, 91] {
        let e = d.app.create_vendor_link(&d.p, d.hospital, d.emr, fy(), SignedDuration::from_hours(24 * days)).await;
        assert!(matches!(&e, Err(Error::Invalid(l)) if l[0].field == "valid_days"), "{e:?}");
    }

    // A target date after the fiscal year, a missing answer and no name: every problem at once,
    // each with its item; nothing saved and the link still works.
    let link = d.app.create_vendor_link(&d.p, d.hospital, d.emr, fy(), SignedDuration::from_hours(24)).await.unwrap();
    let after = (fy().end() + jiff::ToSpan::days(1)).to_string();
    let mut answers = all_yes(&d, &[("ops.mds_sds", no_until(&after))]);
    answers.remove("ops.asset_ledger");
    let e = d.app.submit_vendor_sheet(token(&link.path), " ", &answers, "t").await.unwrap_err();
    let VendorSheetError::Invalid(list) = e else { panic!("{e:?}") };
    let named: Vec<_> = list.iter().map(|(item, i)| (item.as_deref(), i.field)).collect();
    assert!(named.contains(&(None, "answered_by")), "{named:?}");
    assert!(named.contains(&(Some("ops.mds_sds"), "target_on")), "{named:?}");
    assert!(named.contains(&(Some("ops.asset_ledger"), "answer")), "{named:?}");
    let target = list.iter().find(|(i, e)| i.as_deref() == Some("ops.mds_sds") && e.field == "target_on").unwrap();
    assert_eq!(target.1.problem, Problem::OutsidePeriod { from: fy().start(), to: fy().end() });
    let sheet = d.app.open_vendor_sheet(token(&link.path)).await.unwrap().unwrap();
    assert!(sheet.items.iter().all(|i| i.saved.is_none()));

    // A party that is not a vendor cannot get a link.
    let police = d.app.store().parties(d.p.org).await.unwrap();
    let police = police.iter().find(|v| v.draft.kind != mamoru_domain::contact::PartyKind::Vendor).unwrap();
    let e = d.app.create_vendor_link(&d.p, d.hospital, police.id, fy(), SignedDuration::from_hours(24)).await;
    assert!(matches!(&e, Err(Error::Invalid(l)) if l[0].field == "vendor"), "{e:?}");
}

#[tokio::test]
async fn mds_and_sds_files_are_kept_on_the_vendor_and_only_managers_send_links() {
    let dir = tempfile::tempdir().unwrap();
    let d = demo(dir.path()).await;
    let file = |name: &str, content: Vec<u8>| VendorFile {
        kind: "MDS".into(),
        file_name: name.into(),
        media_type: "application/pdf".into(),
        content,
    };
    let kept = d
        .app
        .attach_vendor_file(&d.p, d.hospital, d.emr, file("C:\\書類\\MDS_電子カルテ.pdf", b"%PDF-1.4 mds".to_vec()))
        .await
        .unwrap();
    assert_eq!((kept.kind.as_str(), kept.name.as_str(), kept.size), ("mds", "MDS_電子カルテ.pdf", 12));
    let (read, bytes) = d.app.vendor_attachment(&d.p, kept.id).await.unwrap();
    assert_eq!(
        (read.sha256.as_str(), bytes.as_slice()),
        (mamoru_store::sha256_hex(b"%PDF-1.4 mds").as_str(), &b"%PDF-1.4 mds"[..])
    );
    let overview = d.app.vendor_overview(&d.p, d.hospital, fy()).await.unwrap();
    let emr = overview.vendors.iter().find(|v| v.vendor.id == d.emr).unwrap();
    assert_eq!(emr.attachments.len(), 1);

    let big = vec![0u8; mamoru_app::readiness::vendor::ATTACHMENT_MAX + 1];
    let e = d.app.attach_vendor_file(&d.p, d.hospital, d.emr, file("big.pdf", big)).await;
    assert!(matches!(&e, Err(Error::Invalid(l)) if l[0].field == "file"), "{e:?}");
    let mut bad = file("x.pdf", b"x".to_vec());
    bad.kind = "pdf".into();
    let e = d.app.attach_vendor_file(&d.p, d.hospital, d.emr, bad).await;
    assert!(matches!(&e, Err(Error::Invalid(l)) if l[0].field == "kind"), "{e:?}");

    // A staff member of the hospital sees the vendors but may not send a link or attach a file.
    let viewer = with(&d.p, Role::Staff, Scope::Facility(d.hospital));
    assert!(d.app.vendor_overview(&viewer, d.hospital, fy()).await.is_ok());
    let e = d.app.create_vendor_link(&viewer, d.hospital, d.emr, fy(), SignedDuration::from_hours(24)).await;
    assert!(matches!(e, Err(Error::Forbidden)), "{e:?}");
    let e = d.app.attach_vendor_file(&viewer, d.hospital, d.emr, file("a.pdf", b"a".to_vec())).await;
    assert!(matches!(e, Err(Error::Forbidden)), "{e:?}");
}
