//! What the people affected read: the notice to patients (APPI Art. 26(2), Rules Art. 10) and
//! the public announcement for when notice is impossible.

use mamoru_report::Document;

use super::{Record, fact_as, ja_date, section};

pub(super) fn patient_notice(r: &Record<'_>) -> Document {
    let f = &r.facility.draft;
    Document {
        kind: "patient_notice".into(),
        title: "個人情報の漏えい（のおそれ）に関するお知らせとお詫び".into(),
        subtitle: Some(format!("{} 院長", f.name)),
        addressee: Some("患者さま各位".into()),
        date: ja_date(r.date),
        marks: Vec::new(),
        sections: vec![section(
            "お知らせ",
            vec![
                fact_as(r, "overview", "概要"),
                fact_as(r, "data_items", "漏えい等が発生し、又は発生したおそれがある個人データの項目"),
                fact_as(r, "cause", "原因"),
                fact_as(r, "secondary_damage", "二次被害又はそのおそれの有無及びその内容"),
                fact_as(r, "other", "その他参考となる事項"),
                fact_as(r, "contact_window", "お問い合わせ窓口"),
            ],
        )],
        footer: Some("個人情報の保護に関する法律第26条第2項（同法施行規則第10条）に基づく通知".into()),
    }
}

pub(super) fn public_notice(r: &Record<'_>) -> Document {
    let f = &r.facility.draft;
    Document {
        kind: "public_notice".into(),
        title: "個人情報の漏えいのおそれに関するお知らせ（公表）".into(),
        subtitle: Some(format!("{} 院長", f.name)),
        addressee: Some("関係者各位".into()),
        date: ja_date(r.date),
        marks: Vec::new(),
        sections: vec![section(
            "公表事項",
            vec![
                fact_as(r, "overview", "概要"),
                fact_as(r, "people", "対象となる方の人数"),
                fact_as(r, "data_items", "漏えいのおそれがある情報の項目"),
                fact_as(r, "cause", "原因"),
                fact_as(r, "secondary_damage", "二次被害又はそのおそれの有無及びその内容"),
                fact_as(r, "response_to_people", "対象となる方への対応"),
                fact_as(r, "prevention", "再発防止のための措置"),
                fact_as(r, "contact_window", "お問い合わせ窓口"),
            ],
        )],
        footer: Some(
            "本人への通知が困難な場合の代替措置としての公表（個人情報の保護に関する法律第26条第2項ただし書）".into(),
        ),
    }
}
