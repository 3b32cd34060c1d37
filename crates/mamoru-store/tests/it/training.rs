//! Training records: the security manager per facility (a user or a named person), sessions
//! with material, quiz and attendance; attendees and managers stay inside the organisation.

use jiff::civil::Date;
use mamoru_domain::readiness::training::{Attendance, Material, MaterialFile, Question, Session};
use mamoru_domain::{Grant, OrgId, Role, Scope, UserId};
use mamoru_store::{AuditQuery, Error, ManagerPerson, NewUser, Store};

use super::support::{actor, each_backend, org_with_facility};

async fn user(s: &Store, org: OrgId, email: &str, name: &str) -> UserId {
    let new = NewUser {
        email: email.into(),
        display_name: name.into(),
        password_hash: "$argon2id$fake".into(),
        grants: vec![Grant { role: Role::Staff, scope: Scope::Organization }],
    };
    s.create_user(org, &new, &actor()).await.unwrap()
}

fn session(people: &[(UserId, Option<u32>)], material: Option<Material>) -> Session {
    Session {
        held_on: Date::constant(2025, 10, 1),
        title: "情報セキュリティ研修".into(),
        material,
        quiz: vec![Question {
            text: "添付は？".into(), choices: vec!["開く".into(), "報告".into()], correct: 1
        }],
        attendees: people.iter().map(|(u, score)| Attendance { person: u.get(), score: *score }).collect(),
    }
}

#[tokio::test]
async fn the_manager_is_a_user_or_a_named_person_and_is_audited() {
    each_backend(|t| async move {
        let s = &t.store;
        let (org, f) = org_with_facility(s, "A", "病院").await;
        assert_eq!(s.security_manager(org, f).await.unwrap(), None);
        let u = user(s, org, "cio@example.jp", "情報管理部長").await;
        s.set_security_manager(org, f, &ManagerPerson::User(u), true, Some(Date::constant(2025, 4, 1)), &actor())
            .await
            .unwrap();
        let m = s.security_manager(org, f).await.unwrap().unwrap();
        assert_eq!(
            (m.name.as_str(), m.dedicated, m.person),
            ("情報管理部長", true, ManagerPerson::User(u)),
            "{}",
            t.name
        );
        s.set_security_manager(org, f, &ManagerPerson::Named("院長 山田".into()), false, None, &actor()).await.unwrap();
        let m = s.security_manager(org, f).await.unwrap().unwrap();
        assert_eq!((m.name.as_str(), m.dedicated, m.appointed_on), ("院長 山田", false, None));
        let q = AuditQuery { entity: Some("security_manager".into()), ..Default::default() };
        let log = s.audit_entries(org, &q).await.unwrap();
        assert_eq!(log.len(), 2);
        assert!(log.iter().any(|e| e.summary.contains("院長 山田")), "{log:?}");

        // Another organisation's user or facility is refused.
        let (other, g) = org_with_facility(s, "B", "診療所").await;
        let stranger = user(s, other, "x@example.jp", "他院").await;
        let e = s.set_security_manager(org, f, &ManagerPerson::User(stranger), true, None, &actor()).await;
        assert!(matches!(e, Err(Error::NotFound { .. })), "{e:?}");
        let e = s.set_security_manager(org, g, &ManagerPerson::Named("x".into()), true, None, &actor()).await;
        assert!(matches!(e, Err(Error::NotFound { .. })), "{e:?}");
    })
    .await;
}

#[tokio::test]
async fn sessions_keep_attendance_scores_and_material() {
    each_backend(|t| async move {
        let s = &t.store;
        let (org, f) = org_with_facility(s, "A", "病院").await;
        let a = user(s, org, "a@example.jp", "看護師A").await;
        let b = user(s, org, "b@example.jp", "事務B").await;
        let pdf = MaterialFile {
            name: "研修.pdf".into(),
            media_type: "application/pdf".into(),
            bytes: b"%PDF-1.7 x".to_vec(),
        };
        let id = s
            .record_training(org, f, &session(&[(a, Some(1)), (b, None)], Some(Material::File(pdf.clone()))), &actor())
            .await
            .unwrap();
        let mut later = session(&[(a, Some(0))], Some(Material::Link("https://example.jp/e".into())));
        later.held_on = Date::constant(2025, 11, 1);
        s.record_training(org, f, &later, &actor()).await.unwrap();

        let list = s.training_sessions(org, f).await.unwrap();
        assert_eq!(list.len(), 2, "{}", t.name);
        assert_eq!(list[0].held_on, Date::constant(2025, 11, 1), "newest first");
        assert_eq!(list[0].material_url.as_deref(), Some("https://example.jp/e"));
        assert_eq!(list[1].material_file, Some(("研修.pdf".into(), "application/pdf".into())));
        assert_eq!(
            list[1].attendees,
            [Attendance { person: a.get(), score: Some(1) }, Attendance { person: b.get(), score: None }]
        );
        assert_eq!(list[1].quiz[0].correct, 1);
        assert_eq!(s.training_material(org, id).await.unwrap(), pdf);
        assert!(s.training_material(org, list[0].id).await.is_err(), "a link has no file");

        // An attendee from another organisation is refused and nothing is saved.
        let (other, _) = org_with_facility(s, "B", "診療所").await;
        let stranger = user(s, other, "x@example.jp", "他院").await;
        let e = s.record_training(org, f, &session(&[(a, None), (stranger, None)], None), &actor()).await;
        assert!(matches!(e, Err(Error::NotFound { .. })), "{e:?}");
        assert_eq!(s.training_sessions(org, f).await.unwrap().len(), 2);
        assert!(s.training_material(other, id).await.is_err(), "another organisation cannot read it");
        let q = AuditQuery { entity: Some("training_session".into()), ..Default::default() };
        assert_eq!(s.audit_entries(org, &q).await.unwrap().len(), 2);
    })
    .await;
}
