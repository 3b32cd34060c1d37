//! The inspection pack as a document: the same [`Document`] feeds the page and the PDF, so what
//! an inspector reads on screen and what is filed say the same. Japanese only: it is read by a
//! prefecture's inspector (立入検査).

use mamoru_app::readiness::vendor::VendorStatus;
use mamoru_app::readiness::{InspectionPack, ItemView};
use mamoru_domain::readiness::inspection::PointView;
use mamoru_domain::readiness::rules::Proposal;
use mamoru_domain::readiness::{Item, Reply};
use mamoru_report::{Document, Field, Section};
use mamoru_store::SavedAnswer;

use crate::i18n::tokyo;

/// The document's kind, also the PDF's identifier.
pub(crate) const KIND: &str = "inspection_pack";
/// The summary section's heading.
pub(crate) const SUMMARY: &str = "概要";
/// The facility sheet's heading (the edition's title follows).
pub(crate) const FACILITY_SHEET: &str = "医療機関確認用";
/// The vendor sheets' heading (the vendor's name follows).
pub(crate) const VENDOR_SHEET: &str = "事業者確認用";

/// `検査の観点1: 脆弱性情報の収集と対応（端末PC・VPN機器）`.
pub(crate) fn point_heading(n: usize, v: &PointView) -> String {
    format!("検査の観点{n}: {}", v.point.ja())
}

fn field(key: &str, label: &str, value: String) -> Field {
    Field { key: key.to_owned(), label: label.to_owned(), value }
}

/// `2-① 【サーバ】…`.
fn item_label(item: &Item) -> String {
    let no = item.no.as_deref().map_or(String::new(), |n| format!("{n} "));
    let target = item.target.map_or(String::new(), |t| format!("【{}】", t.ja()));
    format!("{no}{target}{}", item.text)
}

/// はい/いいえ with its dates, who answered and the note.
fn answer_lines(s: &SavedAnswer) -> Vec<String> {
    let a = &s.answer;
    let mut line = format!("{}　確認日 {}", a.reply.ja(), a.confirmed_on);
    if let Some(t) = a.target_on {
        line.push_str(&format!("　目標日 {t}"));
    }
    let mut lines = vec![line, format!("回答者: {}", s.answered_by)];
    if let Some(n) = a.note.as_deref().filter(|n| !n.trim().is_empty()) {
        lines.push(format!("根拠: {n}"));
    }
    lines
}

fn proposal_lines(p: &Proposal) -> Vec<String> {
    let mut lines = vec![format!("記録からの提案: {}（{}）", p.verdict.ja(), p.reason)];
    lines.extend(p.evidence.iter().map(|e| format!("・{e}")));
    lines
}

fn facility_item(i: &ItemView) -> Field {
    let mut lines = match &i.saved {
        Some(s) => answer_lines(s),
        None => vec!["未回答".to_owned()],
    };
    if !i.required {
        lines.push(format!("（{}から必須）", i.item.required_from.label_ja()));
    }
    lines.extend(i.proposal.iter().flat_map(proposal_lines));
    field(&format!("item_{}", i.item.id), &item_label(i.item), lines.join("\n"))
}

fn vendor_section(v: &VendorStatus, items: &[&Item]) -> Section {
    let mut fields: Vec<Field> = items
        .iter()
        .map(|item| {
            let value = v
                .answers
                .iter()
                .find(|a| a.item_id == item.id)
                .map_or_else(|| "未回答".to_owned(), |s| answer_lines(s).join("\n"));
            field(&format!("vendor_{}_{}", v.vendor.id, item.id), &item_label(item), value)
        })
        .collect();
    let files: Vec<String> = v
        .attachments
        .iter()
        .map(|a| {
            let added = a.added_at.to_zoned(tokyo()).date();
            format!("{} {}（{added}、SHA-256 {}）", a.kind.to_uppercase(), a.name, a.sha256)
        })
        .collect();
    let files = if files.is_empty() { "提出なし".to_owned() } else { files.join("\n") };
    fields.push(field(&format!("vendor_{}_mds_sds", v.vendor.id), "医療情報セキュリティ開示書（MDS/SDS）", files));
    Section { heading: format!("{VENDOR_SHEET}: {}", v.vendor.draft.name), fields }
}

fn point_section(n: usize, v: &PointView) -> Section {
    let k = |name: &str| format!("point{n}_{name}");
    let mut fields = vec![
        field(&k("status"), "状況", v.status.ja().to_owned()),
        field(&k("summary"), "判断の理由", v.summary.clone()),
        field(&k("evidence"), "Mamoru の記録", v.evidence.join("\n")),
    ];
    if !v.attach.is_empty() {
        fields.push(field(&k("attach"), "添付する資料", v.attach.join("\n")));
    }
    Section { heading: point_heading(n, v), fields }
}

/// The pack as a document, dated the day it was read (Japan time).
pub(crate) fn document(pack: &InspectionPack) -> Document {
    let c = &pack.checklist;
    let f = &c.facility.draft;
    let count = |r: Reply| c.items.iter().filter(|i| i.answer() == Some(r)).count();
    let past_target = c
        .items
        .iter()
        .filter(|i| i.saved.as_ref().is_some_and(|s| s.answer.target_on.is_some_and(|t| t < c.as_of)))
        .count();
    let mut summary = vec![
        field("facility", "施設名", f.name.clone()),
        field("beds", "病床数", f.beds.map(|b| format!("{b} 床")).unwrap_or_default()),
        field("fiscal_year", "対象年度", c.fiscal_year.label_ja()),
        field("edition", "チェックリスト", c.edition.title.clone()),
        field(
            "answers",
            "医療機関確認用の回答",
            format!(
                "{} 項目中　はい {}・いいえ {}・未回答 {}（目標日を過ぎた「いいえ」{}）",
                c.items.len(),
                count(Reply::Yes),
                count(Reply::No),
                c.unanswered(),
                past_target
            ),
        ),
        field(
            "vendors",
            "事業者確認用",
            match pack.vendor_sheets.len() {
                0 => "対象の事業者が登録されていません".to_owned(),
                n => format!(
                    "{n} 事業者（回答済み {}）",
                    pack.vendor_sheets.iter().filter(|s| !s.answers.is_empty()).count()
                ),
            },
        ),
    ];
    summary.extend(
        pack.points
            .iter()
            .enumerate()
            .map(|(i, v)| field(&format!("point{}", i + 1), &point_heading(i + 1, v), v.status.ja().to_owned())),
    );
    let mut sections = vec![Section { heading: SUMMARY.to_owned(), fields: summary }];
    sections.extend(pack.points.iter().enumerate().map(|(i, v)| point_section(i + 1, v)));
    sections.push(Section {
        heading: format!("{FACILITY_SHEET}（{}）", c.edition.title),
        fields: c.items.iter().map(facility_item).collect(),
    });
    match pack.vendor_sheets.is_empty() {
        true => sections.push(Section {
            heading: VENDOR_SHEET.to_owned(),
            fields: vec![field(
                "vendor_none",
                "事業者",
                "台帳・連絡先に保守業者・ベンダーが登録されていません。".into(),
            )],
        }),
        false => sections.extend(pack.vendor_sheets.iter().map(|s| vendor_section(s, &pack.vendor_items))),
    }
    let today = pack.generated_at.to_zoned(tokyo()).date();
    Document {
        kind: KIND.to_owned(),
        title: "サイバーセキュリティ対策 立入検査資料".to_owned(),
        subtitle: Some(format!("{}　{}", f.name, c.fiscal_year.label_ja())),
        addressee: None,
        date: format!("{}年{}月{}日", today.year(), today.month(), today.day()),
        marks: Vec::new(),
        sections,
        footer: Some(format!("{} 立入検査資料（{}）— Mamoru で作成", f.name, c.fiscal_year.label_ja())),
    }
}
