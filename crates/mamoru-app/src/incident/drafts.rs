//! The documents drafted from one case record: the PPC breach report, the report to MHLW and
//! the prefecture, the notice to patients, the public announcement, and the case summary for
//! management and the insurer.
//!
//! Drafting is pure: the record goes in, a [`Document`] comes out, so the same record always
//! gives the same text (and a snapshot test can hold it). Every fact a person types is a
//! report field of the case (`mamoru_domain::incident::REPORT_FIELDS`), used under the same key
//! in every document that needs it; the rest (who reports, the categories, the contacts made)
//! is derived from the record.
//!
//! Item lists follow the APPI Enforcement Rules Art. 8(1) (the PPC report's nine items),
//! Art. 10 (the notice to individuals: items 1, 2, 4, 5 and 9) and MHLW's 2018-10-29 notice
//! (医政総発1029第1号 etc.: systems affected, impact on care, response, contacts).

use jiff::Timestamp;
use jiff::civil::Date;
use mamoru_domain::appi::{Category, Regime};
use mamoru_domain::incident::{EntryKind, FIRST_HOUR, REPORT_FIELDS, report_field};
use mamoru_domain::{ChainRole, Facility, PartyKind};
use mamoru_report::{Document, Field, Mark, Section};
use mamoru_store::{Case, CaseEntry, CaseTask, ChainEntry, Evidence, ScopeItem};

use super::appi::AppiView;

/// A kind of document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentKind {
    /// Stable code, used in URLs and on the command line.
    pub code: &'static str,
    /// Japanese name.
    pub ja: &'static str,
    /// English name.
    pub en: &'static str,
}

/// Every document a case drafts, in the order they are usually needed.
pub const DOCUMENTS: &[DocumentKind] = &[
    DocumentKind {
        code: "ppc_report", ja: "個人情報保護委員会への漏えい等報告", en: "Breach report to the PPC"
    },
    DocumentKind {
        code: "mhlw_report", ja: "厚生労働省・都道府県への報告", en: "Report to MHLW and the prefecture"
    },
    DocumentKind {
        code: "patient_notice", ja: "患者さまへのお知らせ（本人通知）", en: "Notice to patients"
    },
    DocumentKind {
        code: "public_notice", ja: "公表文（本人通知が困難な場合）", en: "Public announcement"
    },
    DocumentKind {
        code: "case_summary",
        ja: "事案報告（経営層・保険会社向け）",
        en: "Case summary for management and the insurer",
    },
];

/// Which PPC report: 速報, 確報, or one report serving as both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// 速報: what is known at the time, within about 3–5 days.
    Preliminary,
    /// 確報: every item, within 30 (60) days.
    Final,
    /// 速報兼確報: everything is already known at the first report.
    Both,
}

impl Stage {
    /// Parses `preliminary`, `final` or `both` (and the Japanese names).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "preliminary" | "速報" => Some(Self::Preliminary),
            "final" | "確報" => Some(Self::Final),
            "both" | "速報兼確報" => Some(Self::Both),
            _ => None,
        }
    }
}

/// Everything a document is drafted from.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    /// The organisation's name (the reporter, as the PPC form asks: not a person's name).
    pub org_name: &'a str,
    /// The facility mainly affected.
    pub facility: &'a Facility,
    /// The case.
    pub case: &'a Case,
    /// Its breach-report duty and deadlines.
    pub appi: &'a AppiView,
    /// Its timeline.
    pub entries: &'a [CaseEntry],
    /// Its scope.
    pub scope: &'a [ScopeItem],
    /// Its evidence.
    pub evidence: &'a [Evidence],
    /// Its tasks.
    pub tasks: &'a [CaseTask],
    /// The facility's contact chain.
    pub chain: &'a [ChainEntry],
    /// The date printed on the document.
    pub date: Date,
}

/// Drafts the document `code` (see [`DOCUMENTS`]); `None` for an unknown code.
pub fn draft(code: &str, r: &Record<'_>, stage: Stage) -> Option<Document> {
    Some(match code {
        "ppc_report" => ppc_report(r, stage),
        "mhlw_report" => mhlw_report(r),
        "patient_notice" => patient_notice(r),
        "public_notice" => public_notice(r),
        "case_summary" => case_summary(r),
        _ => return None,
    })
}

/// The report field `key` of the case, labelled as the field list words it.
fn fact(r: &Record<'_>, key: &'static str) -> Field {
    let label = report_field(key).map_or(key, |f| f.ja);
    fact_as(r, key, label)
}

/// The report field `key` under another label (the notice to patients words things gently).
fn fact_as(r: &Record<'_>, key: &'static str, label: &str) -> Field {
    field(key, label, r.case.fields.get(key).cloned().unwrap_or_default())
}

fn field(key: &str, label: &str, value: impl Into<String>) -> Field {
    Field { key: key.into(), label: label.into(), value: value.into() }
}

fn section(heading: &str, fields: Vec<Field>) -> Section {
    Section { heading: heading.into(), fields }
}

fn ja_date(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

fn ja_time(t: Timestamp) -> String {
    let z = t.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(9)));
    format!("{}年{}月{}日 {:02}時{:02}分", z.year(), z.month(), z.day(), z.hour(), z.minute())
}

fn ja_opt_time(t: Option<Timestamp>) -> String {
    t.map(ja_time).unwrap_or_default()
}

/// The facility's own person to contact about the report: the security manager, else the
/// first-contact desk, else the director; the facility's phone when the chain names no one.
fn reporter_contact(r: &Record<'_>) -> String {
    let own = |role: ChainRole| r.chain.iter().find(|e| e.party.is_none() && e.contact.draft.role == role);
    let chosen =
        own(ChainRole::SecurityManager).or_else(|| own(ChainRole::FirstContact)).or_else(|| own(ChainRole::Executive));
    match chosen {
        Some(e) => {
            let d = &e.contact.draft;
            let mut parts = vec![match &d.title {
                Some(t) => format!("{t} {}", d.name),
                None => d.name.clone(),
            }];
            parts.extend(d.phone.iter().map(|p| format!("TEL {p}")));
            parts.extend(d.email.iter().cloned());
            parts.join(" / ")
        }
        None => r
            .facility
            .draft
            .phone
            .as_deref()
            .map(|p| format!("{}（TEL {p}）", r.facility.draft.name))
            .unwrap_or_default(),
    }
}

/// The contacts made from the case to outside bodies (MHLW, police, prefecture, PPC,
/// vendors), one line each, from the timeline.
fn contacts_made(r: &Record<'_>) -> String {
    let kind_of = |entry: &CaseEntry| -> Option<PartyKind> {
        let id: i64 = entry.reference.as_deref()?.strip_prefix("contact:")?.split(':').next()?.parse().ok()?;
        r.chain.iter().find(|c| c.contact.id.get() == id)?.party.as_ref().map(|p| p.draft.kind)
    };
    r.entries
        .iter()
        .filter(|e| e.kind == EntryKind::Contact && kind_of(e).is_some())
        .map(|e| format!("{} {}", ja_time(e.at), e.text))
        .collect::<Vec<_>>()
        .join("\n")
}

fn first_hour_done(r: &Record<'_>) -> String {
    FIRST_HOUR
        .iter()
        .map(|item| {
            let done =
                r.entries.iter().find(|e| e.kind == EntryKind::Checklist && e.reference.as_deref() == Some(item.key));
            match done {
                Some(e) => format!("済 {} {}", ja_time(e.at), item.ja),
                None => format!("未 {}", item.ja),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn systems(r: &Record<'_>) -> String {
    let mut lines: Vec<String> = r.case.fields.get("systems").into_iter().cloned().collect();
    lines.extend(r.scope.iter().filter(|s| s.kind != "facility").map(|s| s.label.clone()));
    lines.join("\n")
}

fn decision_text(r: &Record<'_>) -> String {
    match &r.appi.obligation {
        None => "未判定（Mamoruの報告義務判定を実施してください）".into(),
        Some(o) if !o.reportable => "報告対象外".into(),
        Some(o) => {
            let cats: Vec<String> = o.categories.iter().map(|c| format!("第{}号 {}", c.number(), c.ja())).collect();
            format!("報告対象（{}）", cats.join("、"))
        }
    }
}

fn ppc_report(r: &Record<'_>, stage: Stage) -> Document {
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

fn mhlw_report(r: &Record<'_>) -> Document {
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

fn patient_notice(r: &Record<'_>) -> Document {
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

fn public_notice(r: &Record<'_>) -> Document {
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

fn case_summary(r: &Record<'_>) -> Document {
    let c = r.case;
    let a = r.appi;
    let filed =
        |t: Option<Timestamp>| t.map(|t| format!("提出済み（{}）", ja_time(t))).unwrap_or_else(|| "未提出".into());
    let timeline = r
        .entries
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EntryKind::Status
                    | EntryKind::Contact
                    | EntryKind::Report
                    | EntryKind::Checklist
                    | EntryKind::Action
                    | EntryKind::Event
            )
        })
        .map(|e| format!("{} 〔{}〕 {}", ja_time(e.at), e.kind.ja(), e.text))
        .collect::<Vec<_>>()
        .join("\n");
    let evidence = r
        .evidence
        .iter()
        .map(|e| format!("{}（{} バイト）SHA-256: {}", e.name, e.size, e.sha256))
        .collect::<Vec<_>>()
        .join("\n");
    let open_tasks = r.tasks.iter().filter(|t| t.done_at.is_none()).count();
    let tasks = r
        .tasks
        .iter()
        .map(|t| {
            let state = if t.done_at.is_some() { "済" } else { "未" };
            let due = t.due_on.map(|d| format!("（期限 {d}）")).unwrap_or_default();
            format!("{state} {}{due}{}", t.title, t.owner.as_deref().map(|o| format!(" 担当: {o}")).unwrap_or_default())
        })
        .collect::<Vec<_>>()
        .join("\n");
    let d = &a.deadlines;
    Document {
        kind: "case_summary".into(),
        title: "インシデント対応報告".into(),
        subtitle: Some(format!("事案 #{} {}", c.id, c.title)),
        addressee: Some("理事長・院長 殿 / 保険会社 御中".into()),
        date: ja_date(r.date),
        marks: Vec::new(),
        sections: vec![
            section(
                "事案",
                vec![
                    field("facility_name", "施設", c.facility_name.clone()),
                    field("severity", "重大度", c.severity.ja()),
                    field("status", "対応の段階", c.status.ja()),
                    field("occurred_at", "発生日時", ja_opt_time(c.occurred_at)),
                    field("aware_at", "覚知日時", ja_time(c.aware_at)),
                    field("summary", "当初の概要", c.summary.clone().unwrap_or_default()),
                    fact(r, "overview"),
                    field("systems", "影響を受けたシステム・機器", systems(r)),
                    fact(r, "care_impact"),
                    fact(r, "cause"),
                ],
            ),
            section(
                "法令上の報告",
                vec![
                    field("appi", "個人情報保護法上の報告義務", decision_text(r)),
                    field(
                        "preliminary",
                        "速報",
                        format!(
                            "目安 {}（遅くとも {}）: {}",
                            d.preliminary_target,
                            d.preliminary_limit,
                            filed(a.preliminary_filed)
                        ),
                    ),
                    field(
                        "final",
                        "確報",
                        format!("期限 {}（{}日）: {}", d.final_due, d.final_days, filed(a.final_filed)),
                    ),
                    field(
                        "notify_individuals",
                        "本人への通知",
                        match &a.obligation {
                            Some(o) if o.notify_individuals => "必要",
                            Some(_) => "不要",
                            None => "未判定",
                        },
                    ),
                ],
            ),
            section("経過", vec![field("timeline", "時系列", timeline)]),
            section(
                "対応状況",
                vec![
                    field("tasks", &format!("タスク（未完了 {open_tasks} 件）"), tasks),
                    field("evidence", "保全した証拠", evidence),
                    fact(r, "prevention"),
                    fact(r, "costs"),
                ],
            ),
        ],
        footer: Some(format!("Mamoru 事案 #{} から作成", c.id)),
    }
}
