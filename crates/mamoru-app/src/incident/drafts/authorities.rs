//! The reports to the authorities: the PPC breach report (APPI Art. 26, Rules Art. 8(1)) and
//! the report to MHLW and the prefecture (the 2018-10-29 notice).

use mamoru_domain::appi::{Category, Regime};
use mamoru_domain::incident::REPORT_FIELDS;
use mamoru_report::{Document, Mark};

use super::{
    Record, Stage, contacts_made, decision_text, fact, fact_as, field, first_hour_done, ja_date, ja_opt_time, ja_time,
    reporter_contact, section, systems,
};

pub(super) fn ppc_report(r: &Record<'_>, stage: Stage) -> Document {
    let f = &r.facility.draft;
    let regime = r.appi.regime;
    let article = regime.rules_article();
    let categories: Vec<Category> = r.appi.obligation.as_ref().map(|o| o.categories.clone()).unwrap_or_default();
    let category_fields = Category::ALL
        .iter()
        .filter(|c| regime == Regime::Public || **c != Category::OrdinanceSensitive)
        .map(|c| {
            let label = format!("第{article}条第{}号 {}", c.number(), c.ja());
            let value = if categories.contains(c) { "該当" } else { "非該当" };
            field(&format!("category_{}", c.number()), &label, value)
        })
        .collect();
    let reasons =
        r.appi.obligation.as_ref().map(|o| o.reasons.iter().map(|x| x.ja.clone()).collect::<Vec<_>>().join("\n"));
    let reporter = r.appi.obligation.as_ref().map(|o| o.reporter.clone()).unwrap_or_default();
    let kind = f.kind.map(|k| format!("医療業（{}）", k.ja())).unwrap_or_else(|| "医療業".into());
    // The record's first nine facts are the nine items of Rules Art. 8(1), in order (a test in
    // the domain holds that).
    let items = REPORT_FIELDS[..9]
        .iter()
        .enumerate()
        .map(|(i, f)| fact_as(r, f.key, &format!("({}) {}", i + 1, f.ja)))
        .collect();
    let act = regime.act_article();
    Document {
        kind: "ppc_report".into(),
        title: "個人情報の漏えい等の報告".into(),
        subtitle: Some(match regime {
            Regime::Private => "個人情報の保護に関する法律第26条第1項及び同法施行規則第8条に基づく報告".into(),
            Regime::Public => format!("個人情報の保護に関する法律第{act}条第1項及び同法施行規則第44条に基づく報告"),
        }),
        addressee: Some("個人情報保護委員会 御中".into()),
        date: ja_date(r.date),
        marks: vec![
            Mark { label: "速報".into(), checked: matches!(stage, Stage::Preliminary | Stage::Both) },
            Mark { label: "確報".into(), checked: matches!(stage, Stage::Final | Stage::Both) },
        ],
        sections: vec![
            section(
                "報告者",
                vec![
                    field("reporter_name", "報告者の氏名又は名称", r.org_name),
                    field("facility_name", "事業所（施設）", f.name.clone()),
                    field("facility_address", "所在地", f.address.clone().unwrap_or_default()),
                    field("industry", "業種", kind),
                    field("reporter_contact", "連絡先（担当者）", reporter_contact(r)),
                    field("reporting_party", "報告を行う者（委託関係）", reporter),
                ],
            ),
            section(&format!("報告対象となる事態（施行規則第{article}条）"), category_fields),
            section("報告対象と判断した理由", vec![field("reasons", "判断の理由", reasons.unwrap_or_default())]),
            section(
                "発生及び発覚の状況",
                vec![
                    field("occurred_at", "発生日時", ja_opt_time(r.case.occurred_at)),
                    field("aware_at", "発覚日時（事態を知った日時）", ja_time(r.case.aware_at)),
                    fact(r, "discovery"),
                ],
            ),
            section("報告事項（施行規則第8条第1項）", items),
            section(
                "他の機関への連絡・報告",
                vec![field("contacts_made", "厚生労働省・警察等への連絡状況", contacts_made(r))],
            ),
        ],
        footer: Some(format!(
            "Mamoru 事案 #{} から作成した下書き。提出は個人情報保護委員会の漏えい等報告フォームから行います。",
            r.case.id
        )),
    }
}

pub(super) fn mhlw_report(r: &Record<'_>) -> Document {
    let f = &r.facility.draft;
    let pref = f
        .prefecture
        .map(|p| format!("{} 医療政策担当課 御中", p.ja()))
        .unwrap_or_else(|| "都道府県 医療政策担当課 御中".into());
    Document {
        kind: "mhlw_report".into(),
        title: "医療機関におけるサイバー攻撃等に関する報告".into(),
        subtitle: Some("「医療機関等におけるサイバーセキュリティ対策の強化について」（平成30年10月29日 医政総発1029第1号等）に基づく連絡".into()),
        addressee: Some(format!("厚生労働省 医政局 特定医薬品開発支援・医療情報担当参事官室 御中\n{pref}")),
        date: ja_date(r.date),
        marks: Vec::new(),
        sections: vec![
            section(
                "医療機関",
                vec![
                    field("facility_name", "医療機関名", f.name.clone()),
                    field("facility_kind", "種別", f.kind.map(|k| k.ja()).unwrap_or_default()),
                    field("beds", "病床数", f.beds.map(|b| format!("{b}床")).unwrap_or_default()),
                    field("facility_address", "所在地", f.address.clone().unwrap_or_default()),
                    field("operator", "開設者", format!("{}（{}）", r.org_name, f.operator.ja())),
                    field("reporter_contact", "報告者・連絡先", reporter_contact(r)),
                ],
            ),
            section(
                "事案",
                vec![
                    field("occurred_at", "発生日時", ja_opt_time(r.case.occurred_at)),
                    field("aware_at", "覚知日時", ja_time(r.case.aware_at)),
                    fact(r, "overview"),
                    field("systems", "影響を受けたシステム・機器", systems(r)),
                    fact(r, "care_impact"),
                    field("personal_data", "個人情報の漏えい（おそれを含む）", decision_text(r)),
                    fact(r, "current_status"),
                    field("status", "対応の段階", r.case.status.ja()),
                ],
            ),
            section(
                "初動対応と連絡",
                vec![
                    field("first_hour", "初動対応の実施状況", first_hour_done(r)),
                    field("contacts_made", "保守事業者・警察等への連絡状況", contacts_made(r)),
                ],
            ),
        ],
        footer: Some(format!("Mamoru 事案 #{} から作成", r.case.id)),
    }
}
