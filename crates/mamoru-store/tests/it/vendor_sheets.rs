//! Vendor-sheet links and MDS/SDS files on both backends: a link is found by its digest,
//! used up by the transaction that saves its answers (a second submission and an expired
//! link save nothing), and a file's digest is checked when it is read.

use jiff::{SignedDuration, Timestamp};
use mamoru_domain::contact::PartyDraft;
use mamoru_domain::readiness::{Answer, FiscalYear, Reply};
use mamoru_store::{Actor, NewVendorAttachment, NewVendorSheetRequest};

use super::support::{actor, each_backend, org_with_facility};

fn yes() -> Answer {
    Answer { reply: Reply::Yes, confirmed_on: jiff::civil::Date::constant(2025, 10, 1), target_on: None, note: None }
}

#[tokio::test]
async fn a_link_is_used_once_and_not_after_it_expires() {
    each_backend(|t| async move {
        let s = &t.store;
        let (org, hospital) = org_with_facility(s, "A", "病院").await;
        let draft = PartyDraft::parse("ベンダーA", "保守業者", "").unwrap();
        let vendor = s.create_party(org, &draft, &actor()).await.unwrap();
        let fy = FiscalYear::new(2025).unwrap();
        let new = |hash: &'static str, expires_at| NewVendorSheetRequest {
            facility: hospital,
            vendor,
            fiscal_year: fy,
            edition: "fy2025",
            token_hash: hash,
            expires_at,
        };
        let later = Timestamp::now() + SignedDuration::from_hours(1);
        let id = s.create_vendor_sheet_request(org, &new("aaaa", later), &actor()).await.unwrap();
        let r = s.vendor_sheet_by_hash("aaaa").await.unwrap().unwrap();
        assert_eq!((r.id, r.org, r.vendor_name.as_str(), r.used_at), (id, org, "ベンダーA", None));
        assert!(s.vendor_sheet_by_hash("bbbb").await.unwrap().is_none());

        let vendor_actor = Actor { user_id: None, name: "山田（事業者）".into(), origin: "vendor-sheet".into() };
        let answers = vec![("ops.mds_sds".to_owned(), yes())];
        assert!(s.submit_vendor_sheet(&r, &answers, &vendor_actor).await.unwrap());
        assert!(!s.submit_vendor_sheet(&r, &answers, &vendor_actor).await.unwrap(), "used once");
        let r = s.vendor_sheet_by_hash("aaaa").await.unwrap().unwrap();
        assert_eq!(r.answered_by.as_deref(), Some("山田（事業者）"));
        assert!(r.used_at.is_some());
        let saved = s.checklist_answers(org, &r.key()).await.unwrap();
        assert_eq!((saved.len(), saved[0].answered_by.as_str()), (1, "山田（事業者）"));
        // A vendor that answered is evidence: deleting it is refused by name, and nothing goes.
        match s.delete_party(org, vendor, &actor()).await {
            Err(mamoru_store::Error::InUse { what }) => assert!(what.contains("ベンダーA"), "{what}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(s.checklist_answers(org, &r.key()).await.unwrap().len(), 1);

        let past = Timestamp::now() - SignedDuration::from_secs(1);
        s.create_vendor_sheet_request(org, &new("cccc", past), &actor()).await.unwrap();
        let old = s.vendor_sheet_by_hash("cccc").await.unwrap().unwrap();
        let other = vec![("ops.asset_ledger".to_owned(), yes())];
        assert!(!s.submit_vendor_sheet(&old, &other, &vendor_actor).await.unwrap(), "expired");
        assert_eq!(s.checklist_answers(org, &r.key()).await.unwrap().len(), 1, "nothing saved");
        assert_eq!(s.vendor_sheet_requests(org, Some(hospital)).await.unwrap().len(), 2);
        assert_eq!(s.vendor_sheet_requests(org, None).await.unwrap().len(), 2);

        let file = NewVendorAttachment {
            kind: "sds",
            name: "SDS.pdf",
            media_type: "application/pdf",
            content: b"%PDF sds".to_vec(),
        };
        let kept = s.add_vendor_attachment(org, vendor, file, &actor()).await.unwrap();
        let (read, bytes) = s.vendor_attachment_content(org, kept.id).await.unwrap();
        assert_eq!((read.id, read.sha256, read.name, bytes), (kept.id, kept.sha256, kept.name, b"%PDF sds".to_vec()));
        let (other_org, _) = org_with_facility(s, "B", "別の病院").await;
        assert!(s.vendor_attachment_content(other_org, kept.id).await.is_err(), "scoped to the organisation");
    })
    .await;
}
