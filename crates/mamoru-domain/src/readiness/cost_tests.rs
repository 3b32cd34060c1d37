use super::*;

fn hospital() -> Basis {
    Basis { beds: Some(400), devices: 120 }
}

fn line<'a>(lines: &'a [Line], label: &str) -> &'a Line {
    lines.iter().find(|l| l.label == label).unwrap()
}

#[test]
fn defaults_scale_with_beds_and_say_where_they_come_from() {
    let a = assumptions(hospital(), &[]);
    assert_eq!(a.len(), SPECS.len());
    let get = |k: &str| a.iter().find(|x| x.spec.key == k).unwrap();
    assert_eq!(get("revenue_per_day").value, 400 * 50_000);
    assert!(get("revenue_per_day").basis.starts_with("仮定"), "{}", get("revenue_per_day").basis);
    assert!(get("days_stopped").basis.contains("半田病院"));
    assert!(get("monitoring_per_endpoint_month").basis.contains("お助け隊"));
    assert_eq!(get("endpoints").value, 120);
    // Every default states its basis.
    assert!(a.iter().all(|x| !x.basis.is_empty()));
    let clinic = assumptions(Basis { beds: None, devices: 3 }, &[]);
    assert_eq!(clinic.iter().find(|x| x.spec.key == "revenue_per_day").unwrap().value, 300_000);
}

#[test]
fn the_estimate_multiplies_the_stated_assumptions() {
    let saved = vec![("days_stopped".to_owned(), 10), ("revenue_per_day".to_owned(), 1_000_000)];
    let e = estimate(assumptions(hospital(), &saved));
    let stop = line(&e.damage, "診療停止による減収");
    assert_eq!((stop.yen, stop.formula.as_str()), (10_000_000, "10日 × 1,000,000円"));
    assert_eq!(e.assumptions[0].basis, "自院の数値（保存済み）");
    // 90 days × ¥1M × 30 % after reopening.
    assert_eq!(line(&e.damage, "再開後の縮小診療による減収").yen, 27_000_000);
    // 120,000 people × ¥500.
    assert_eq!(line(&e.damage, "本人への通知").yen, 60_000_000);
    assert_eq!(e.damage_total(), 10_000_000 + 200_000_000 + 30_000_000 + 60_000_000 + 27_000_000);
    // 120 endpoints × ¥2,000 × 12.
    assert_eq!(line(&e.measures, "端末の監視").yen, 2_880_000);
    // 40 h × 12 × ¥4,000.
    assert_eq!(line(&e.measures, "担当者の作業").yen, 1_920_000);
    let m = 240_000 + 1_920_000 + 8 * 3_000 * 12 + 2_880_000 + 400 * 4_000;
    assert_eq!(e.measures_total(), m);
    assert_eq!(e.years_covered(), Some(e.damage_total() / m));
    assert_eq!(e.break_even_permille(), Some(m * 1000 / e.damage_total()));
}

#[test]
fn a_form_names_every_bad_field_and_empty_means_default() {
    let input = vec![
        ("days_stopped".to_owned(), "三十".to_owned()),
        ("revenue_per_day".to_owned(), "¥1,200,000".to_owned()),
        ("reduced_percent".to_owned(), "150".to_owned()),
        ("forensic_cost".to_owned(), String::new()),
    ];
    let e = parse(&input).unwrap_err();
    let fields: Vec<_> = e.iter().map(|i| i.field).collect();
    assert_eq!(fields, ["days_stopped", "reduced_percent"]);
    assert_eq!(e[1].problem, Problem::OutOfRange { min: 0, max: 100 });
    let ok = parse(&input[1..2]).unwrap();
    assert_eq!(ok, [("revenue_per_day".to_owned(), 1_200_000)]);
    assert_eq!(yen(1_234_567), "1,234,567");
    assert_eq!(yen(999), "999");
}

#[test]
fn an_amount_taken_as_it_is_has_no_formula() {
    let e = estimate(assumptions(hospital(), &[]));
    assert_eq!(line(&e.damage, "システム復旧・再構築").formula, "");
    assert_eq!(line(&e.damage, "システム復旧・再構築").yen, 200_000_000);
}
