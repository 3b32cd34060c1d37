use super::*;

const TODAY: Date = Date::constant(2025, 11, 20);

fn fy() -> FiscalYear {
    FiscalYear::new(2025).unwrap()
}

fn input(attendees: &[(&str, &str)]) -> SessionInput {
    SessionInput {
        held_on: "令和7年10月1日".into(),
        title: "情報セキュリティ研修".into(),
        material_url: "https://example.jp/slides".into(),
        material_file: None,
        quiz:
            "不審なメールの添付は？ | 開く | *開かず報告する\nUSBメモリは？ | *許可されたものだけ | 何でも可 | 私物可"
                .into(),
        attendees: attendees.iter().map(|(p, s)| AttendeeInput { person: (*p).into(), score: (*s).into() }).collect(),
    }
}

#[test]
fn a_session_parses_with_quiz_and_scores() {
    let s = Session::parse(&input(&[("3", "2"), ("5", "")]), &[3, 5, 7], TODAY).unwrap();
    assert_eq!(s.held_on, Date::constant(2025, 10, 1));
    assert_eq!(s.material, Some(Material::Link("https://example.jp/slides".into())));
    assert_eq!(s.quiz.len(), 2);
    assert_eq!((s.quiz[0].correct, s.quiz[1].correct, s.quiz[1].choices.len()), (1, 0, 3));
    assert_eq!(s.attendees, [Attendance { person: 3, score: Some(2) }, Attendance { person: 5, score: None }]);
    assert_eq!(parse_quiz(&quiz_text(&s.quiz)).unwrap(), s.quiz, "the quiz round-trips through its text");
}

#[test]
fn an_unknown_person_is_named_on_the_attendees_field() {
    let e = Session::parse(&input(&[("3", "1"), ("99", "1")]), &[3], TODAY).unwrap_err();
    assert_eq!(e, [Invalid::new("attendees", Problem::Unknown("person 99".into()))]);
    let e = Session::parse(&input(&[("田中", "")]), &[3], TODAY).unwrap_err();
    assert_eq!(e[0].field, "attendees");
    assert!(format!("{}", e[0]).contains("田中"), "{}", e[0]);
}

#[test]
fn every_problem_is_named_at_once() {
    let mut i = input(&[("3", "x"), ("3", "1")]);
    i.held_on = "2026-01-01".into();
    i.title = " ".into();
    i.material_url = "ftp://x".into();
    i.quiz = "問い | A | B".into();
    let e = Session::parse(&i, &[3], TODAY).unwrap_err();
    let fields: Vec<_> = e.iter().map(|x| x.field).collect();
    assert_eq!(fields, ["held_on", "training_title", "material_url", "quiz", "score", "attendees"], "{e:?}");
    assert_eq!(e[0].problem, Problem::InFuture);
    let e = Session::parse(&SessionInput::default(), &[3], TODAY).unwrap_err();
    let fields: Vec<_> = e.iter().map(|x| x.field).collect();
    assert_eq!(fields, ["held_on", "training_title", "attendees"]);
}

#[test]
fn a_score_cannot_exceed_the_questions() {
    let e = Session::parse(&input(&[("3", "3")]), &[3], TODAY).unwrap_err();
    assert_eq!(e, [Invalid::new("score", Problem::OutOfRange { min: 0, max: 2 })]);
}

#[test]
fn a_file_wins_over_a_link_and_a_large_one_is_refused() {
    let mut i = input(&[("3", "")]);
    let file =
        MaterialFile { name: "研修.pdf".into(), media_type: "application/pdf".into(), bytes: b"%PDF".to_vec() };
    i.material_file = Some(file.clone());
    assert_eq!(Session::parse(&i, &[3], TODAY).unwrap().material, Some(Material::File(file)));
    i.material_file = Some(MaterialFile {
        name: "big.pdf".into(),
        media_type: "application/pdf".into(),
        bytes: vec![0; MATERIAL_MAX_BYTES as usize + 1],
    });
    let e = Session::parse(&i, &[3], TODAY).unwrap_err();
    assert_eq!(e, [Invalid::new("material_file", Problem::TooLarge { max_bytes: MATERIAL_MAX_BYTES })]);
}

#[test]
fn quiz_lines_name_what_is_wrong() {
    assert_eq!(parse_quiz("").unwrap(), []);
    let e = parse_quiz("ok? | *a | b\n\n問い | a | b").unwrap_err();
    assert!(format!("{e}").contains("line 3"), "{e}");
    assert!(parse_quiz("問い | *a | *b").is_err());
    assert!(parse_quiz("問い | *a").is_err());
}

#[test]
fn standing_by_fiscal_year_and_twelve_months() {
    let d = Date::constant;
    assert_eq!(Standing::of([d(2025, 4, 1), d(2024, 6, 1)], fy(), TODAY), Standing::Done(d(2025, 4, 1)));
    assert_eq!(Standing::of([d(2025, 1, 10)], fy(), TODAY), Standing::Due(d(2025, 1, 10)));
    assert_eq!(Standing::of([d(2024, 11, 20)], fy(), TODAY), Standing::Overdue(Some(d(2024, 11, 20))));
    assert_eq!(Standing::of([], fy(), TODAY), Standing::Overdue(None));
    // A session after the day looked at does not count for it.
    assert_eq!(Standing::of([d(2025, 12, 1)], fy(), TODAY), Standing::Overdue(None));
    assert!(Standing::Overdue(None).is_overdue() && !Standing::Due(TODAY).is_overdue());
}

#[test]
fn thresholds_by_kind_and_beds() {
    let ids = |k, b| requirements(Some(k), b).iter().map(|r| r.id).collect::<Vec<_>>();
    assert_eq!(
        ids(FacilityKind::Hospital, Some(400)),
        ["manager", "dedicated_manager", "yearly_training", "offline_backup", "bcp_drill"]
    );
    assert_eq!(ids(FacilityKind::Hospital, Some(199)), ["manager", "offline_backup", "bcp_drill"]);
    assert_eq!(ids(FacilityKind::Hospital, Some(200))[1], "dedicated_manager");
    assert_eq!(ids(FacilityKind::Clinic, Some(19)), ["manager"]);
    assert_eq!(ids(FacilityKind::Pharmacy, None), Vec::<&str>::new());
    assert!(requirements(Some(FacilityKind::Hospital), Some(400)).iter().all(|r| !r.source.is_empty()));
}
