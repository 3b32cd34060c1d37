//! Training through the app, on real store data: the security manager that turns the
//! checklist's 1-① to はい, sessions whose attendees must be the facility's people, who is
//! overdue, and the requirements of a 400-bed hospital against a 19-bed clinic.

use jiff::ToSpan;
use mamoru_app::readiness::training::ManagerInput;
use mamoru_app::{App, Config, Error, Principal, today};
use mamoru_domain::access::{Grant, Role, Scope};
use mamoru_domain::readiness::FiscalYear;
use mamoru_domain::readiness::rules::Verdict;
use mamoru_domain::readiness::training::{AttendeeInput, SessionInput, Standing};
use mamoru_domain::{FacilityId, Problem, UserId};
use mamoru_store::{AuditQuery, Location, Store};

use crate::detect::{app_with_facilities, with};

fn this_year() -> FiscalYear {
    FiscalYear::of(today())
}

async fn staff(app: &App, p: &Principal, email: &str, name: &str, scope: Scope) -> UserId {
    let grants = [Grant { role: Role::Staff, scope }];
    app.create_user(p, email, name, "correct horse battery staple 42", &grants).await.unwrap()
}

fn session(day: jiff::civil::Date, people: &[(UserId, &str)]) -> SessionInput {
    SessionInput {
        held_on: day.to_string(),
        title: "情報セキュリティ研修".into(),
        material_url: "https://example.jp/slides".into(),
        quiz: "不審なメールの添付は？ | 開く | *開かずに報告する\nパスワードの使い回しは？ | *しない | してよい".into(),
        attendees: people.iter().map(|(u, s)| AttendeeInput { person: u.to_string(), score: (*s).into() }).collect(),
        ..Default::default()
    }
}

async fn manager_verdict(app: &App, p: &Principal, f: FacilityId) -> (Verdict, String) {
    let view = app.checklist_view(p, f, this_year()).await.unwrap();
    let item = view.items.into_iter().find(|i| i.item.id == "governance.manager").unwrap();
    let proposal = item.proposal.unwrap();
    (proposal.verdict, proposal.reason)
}

#[tokio::test]
async fn recording_a_manager_turns_the_checklist_item_to_yes() {
    let dir = tempfile::tempdir().unwrap();
    let (app, p, hospital, _) = app_with_facilities(dir.path()).await;
    assert_eq!(manager_verdict(&app, &p, hospital).await.0, Verdict::Unknown);
    let cio = staff(&app, &p, "cio@example.jp", "情報管理部長 田中", Scope::Facility(hospital)).await;
    let input = ManagerInput {
        user: cio.to_string(),
        dedicated: "はい".into(),
        appointed_on: today().to_string(),
        ..Default::default()
    };
    let m = app.set_security_manager(&p, hospital, &input).await.unwrap();
    assert_eq!((m.name.as_str(), m.dedicated), ("情報管理部長 田中", true));
    let (v, reason) = manager_verdict(&app, &p, hospital).await;
    assert_eq!(v, Verdict::Yes, "{reason}");
    assert!(reason.contains("情報管理部長 田中") && reason.contains("専任"), "{reason}");
    let q = AuditQuery { entity: Some("security_manager".into()), ..Default::default() };
    assert_eq!(app.store().audit_entries(p.org, &q).await.unwrap().len(), 1);

    // Every problem at once; a person who is not the facility's is named on `manager_user`.
    let bad = ManagerInput {
        user: "9999".into(),
        dedicated: "たぶん".into(),
        appointed_on: "2999-01-01".into(),
        ..Default::default()
    };
    let Err(Error::Invalid(e)) = app.set_security_manager(&p, hospital, &bad).await else { panic!("accepted") };
    let fields: Vec<_> = e.iter().map(|i| i.field).collect();
    assert_eq!(fields, ["manager_user", "dedicated", "appointed_on"], "{e:?}");
    // Staff may not appoint the manager.
    let s = with(&p, Role::Staff, Scope::Facility(hospital));
    let named = ManagerInput { name: "院長".into(), ..Default::default() };
    assert!(matches!(app.set_security_manager(&s, hospital, &named).await, Err(Error::Forbidden)));
}

#[tokio::test]
async fn an_unknown_attendee_is_refused_naming_the_field_and_nothing_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let (app, p, hospital, clinic) = app_with_facilities(dir.path()).await;
    let nurse = staff(&app, &p, "nurse@example.jp", "看護師 山本", Scope::Facility(hospital)).await;
    let clerk = staff(&app, &p, "clerk@example.jp", "受付 中村", Scope::Facility(clinic)).await;
    // The clinic's clerk is not one of the hospital's people; 4242 is nobody.
    for stranger in [clerk, UserId::new(4242)] {
        let Err(Error::Invalid(e)) =
            app.record_training(&p, hospital, &session(today(), &[(nurse, "2"), (stranger, "1")])).await
        else {
            panic!("accepted {stranger}")
        };
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!((e[0].field, &e[0].problem), ("attendees", &Problem::Unknown(format!("person {stranger}"))));
    }
    let status = app.training_status(&p, hospital, this_year()).await.unwrap();
    assert!(status.sessions.is_empty(), "nothing saved");
}

#[tokio::test]
async fn overdue_people_are_those_without_training_in_the_year() {
    let dir = tempfile::tempdir().unwrap();
    let (app, p, hospital, _) = app_with_facilities(dir.path()).await;
    let a = staff(&app, &p, "a@example.jp", "看護師 A", Scope::Facility(hospital)).await;
    let b = staff(&app, &p, "b@example.jp", "事務 B", Scope::Facility(hospital)).await;
    let overdue = |s: &mamoru_app::readiness::training::TrainingStatus| {
        let mut v: Vec<String> = s.overdue().map(|x| x.name.clone()).collect();
        v.sort();
        v
    };
    let status = app.training_status(&p, hospital, this_year()).await.unwrap();
    // The organisation's own account (cli) is not a user; both staff are overdue.
    assert_eq!(overdue(&status), ["事務 B", "看護師 A"]);

    // A session 13 months ago does not count; one today does.
    let old = today() - 13.months();
    app.record_training(&p, hospital, &session(old, &[(a, "2"), (b, "")])).await.unwrap();
    assert_eq!(overdue(&app.training_status(&p, hospital, this_year()).await.unwrap()).len(), 2);
    app.record_training(&p, hospital, &session(today(), &[(a, "1")])).await.unwrap();
    let status = app.training_status(&p, hospital, this_year()).await.unwrap();
    assert_eq!(overdue(&status), ["事務 B"]);
    let done = status.people.iter().find(|x| x.user == a).unwrap();
    assert_eq!(done.standing, Standing::Done(today()));
    assert_eq!(status.sessions.len(), 2);
    assert_eq!(status.sessions[0].attendees[0].score, Some(1));
    assert_eq!(status.sessions[0].quiz.len(), 2);
}

#[tokio::test]
async fn the_requirements_of_a_400_bed_hospital_and_a_19_bed_clinic() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::new(Store::open(&Location::Dir(dir.path().to_owned())).await.unwrap(), Config::default());
    let info = app.seed_demo().await.unwrap();
    let p = Principal::cli(info.org);
    let facilities = app.facilities(&p).await.unwrap();
    let id = |name: &str| facilities.iter().find(|f| f.draft.name == name).unwrap().id;
    let ids =
        |s: &mamoru_app::readiness::training::TrainingStatus| s.requirements.iter().map(|r| r.id).collect::<Vec<_>>();
    let hospital = app.training_status(&p, id("みなと総合病院"), this_year()).await.unwrap();
    assert_eq!(hospital.facility.draft.beds, Some(400));
    assert_eq!(ids(&hospital), ["manager", "dedicated_manager", "yearly_training", "offline_backup", "bcp_drill"]);
    assert!(hospital.requirements[1].source.contains("診療録管理体制加算"));
    let clinic = app.training_status(&p, id("みなと内科クリニック"), this_year()).await.unwrap();
    assert_eq!(ids(&clinic), ["manager"]);
    assert!(clinic.requirements[0].source.contains("第14条第2項"));
}
