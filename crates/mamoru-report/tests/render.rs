//! Rendering real PDFs with the machine's Japanese fonts and reading them back.

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use mamoru_report::{Document, Error, Field, Fonts, Mark, Section, render_pdf};

/// Scanning the system's fonts takes a moment; once per test binary is enough.
fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts::discover().expect("Japanese fonts (scripts/lib/deps.sh installs them)"))
}

fn field(key: &str, label: &str, value: &str) -> Field {
    Field { key: key.into(), label: label.into(), value: value.into() }
}

fn full_document() -> Document {
    let paragraph = "2026年11月20日午前3時頃、電子カルテ端末の画面に身代金を要求する文書が表示され、\
                     院内の共有フォルダのファイルが暗号化されていることを当直の看護師が発見した。\
                     情報システム室は直ちに該当端末をネットワークから切り離し、ベンダーに連絡した。";
    let long: Vec<String> = (1..=14).map(|i| format!("{i}. {paragraph}")).collect();
    Document {
        kind: "ppc_report".into(),
        title: "個人情報の漏えい等の報告".into(),
        subtitle: Some("（個人情報保護法第26条第1項に基づく報告）".into()),
        addressee: Some("個人情報保護委員会 御中".into()),
        date: "2026年11月25日".into(),
        marks: vec![Mark { label: "速報".into(), checked: true }, Mark { label: "確報".into(), checked: false }],
        sections: vec![
            Section {
                heading: "1. 報告者".into(),
                fields: vec![
                    field("org_name", "事業者の名称", "医療法人 守会 まもる病院"),
                    field("org_address", "所在地", "東京都千代田区霞が関1-1-1"),
                    field("contact", "担当者・連絡先", ""),
                ],
            },
            Section {
                heading: "2. 事案の概要".into(),
                fields: vec![
                    field("summary", "発生した事態の概要", &long.join("\n")),
                    field("count", "漏えい等した人数", "約12,000人（調査中）"),
                    field("cause", "発生原因", "\n"),
                ],
            },
        ],
        footer: Some("まもる病院 情報システム室".into()),
    }
}

/// The PDF's text as pdftotext reads it, white space removed, or `None` when
/// poppler-utils is absent. White space goes because pdftotext guesses it from gaps
/// (it drops IPAex's narrow spaces) and because long values wrap anywhere.
fn pdf_text(pdf: &[u8]) -> Option<String> {
    if Command::new("pdftotext").arg("-v").output().is_err() {
        eprintln!("pdftotext not installed (poppler-utils): text checks skipped");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext").arg(&path).arg("-").output().unwrap();
    assert!(out.status.success(), "pdftotext: {}", String::from_utf8_lossy(&out.stderr));
    Some(squeeze(&String::from_utf8(out.stdout).unwrap()))
}

/// The text without white space, page breaks (form feeds) kept.
fn squeeze(text: &str) -> String {
    // U+200B: where the template lets long ASCII runs break.
    text.chars().filter(|c| *c == '\u{c}' || !(c.is_whitespace() || *c == '\u{200b}')).collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Every page's MediaBox as written, rounded to whole points.
fn media_boxes(pdf: &[u8]) -> Vec<(i64, i64)> {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/MediaBox")
        .filter_map(|(i, _)| {
            let rest = &text[i + "/MediaBox".len()..];
            let inner = rest.trim_start().strip_prefix('[')?.split(']').next()?;
            let n: Vec<f64> = inner.split_whitespace().filter_map(|n| n.parse().ok()).collect();
            (n.len() == 4).then(|| ((n[2] - n[0]).round() as i64, (n[3] - n[1]).round() as i64))
        })
        .collect()
}

#[test]
fn renders_every_kind_of_field_over_two_pages() {
    let doc = full_document();
    let pdf = render_pdf(&doc, fonts()).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    // The chosen fonts are embedded (as subsets), not merely named.
    assert!(contains(&pdf, b"/FontFile"), "no embedded font program");
    let (body, _) = fonts().chosen();
    let embedded = body[0].replace(' ', "");
    assert!(contains(&pdf, embedded.as_bytes()), "{embedded} not embedded");
    assert_eq!(media_boxes(&pdf), [(595, 842), (595, 842)]);

    let Some(text) = pdf_text(&pdf) else { return };
    for expected in [
        "個人情報の漏えい等の報告",
        "個人情報保護委員会 御中",
        "2026年11月25日",
        "速報",
        "確報",
        "1. 報告者",
        "事業者の名称",
        "医療法人 守会 まもる病院",
        "（未記入）",
        "約12,000人（調査中）",
        "1 / 2",
        "2 / 2",
        "まもる病院 情報システム室",
    ] {
        assert!(text.contains(&squeeze(expected)), "{expected:?} missing from:\n{text}");
    }
    // Two empty fields: the contact and the cause (a lone line break is empty too).
    assert_eq!(text.matches("（未記入）").count(), 2, "{text}");
    assert_eq!(text.matches('\u{c}').count(), 2, "two pages expected:\n{text}");
}

#[test]
fn same_input_same_bytes() {
    let doc = full_document();
    assert_eq!(render_pdf(&doc, fonts()).unwrap(), render_pdf(&doc, fonts()).unwrap());
}

#[test]
fn user_text_is_never_markup() {
    let hostile = [
        "#set page(width: 1pt)",
        "*bold* _emph_ `raw`",
        "$x^2$",
        "a < b ] c \\ d",
        "#import \"@preview/cetz:0.3.0\"",
        "\")] #panic(\"boom\")",
        "= not a heading",
        "<label> @ref // comment",
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855e3b0c44298fc1c149afbf4c8996fb924",
    ];
    let mut doc = full_document();
    doc.title = hostile[0].into();
    doc.addressee = Some(hostile[1].into());
    doc.marks.push(Mark { label: hostile[2].into(), checked: true });
    doc.sections = vec![Section {
        heading: hostile[6].into(),
        fields: hostile.iter().enumerate().map(|(i, v)| field(&format!("f{i}"), v, v)).collect(),
    }];
    let pdf = render_pdf(&doc, fonts()).unwrap();
    assert_eq!(media_boxes(&pdf), [(595, 842)]);
    let Some(text) = pdf_text(&pdf) else { return };
    for expected in hostile {
        assert!(text.contains(&squeeze(expected)), "{expected:?} not printed literally:\n{text}");
    }
}

#[test]
fn noto_cjk_alone_is_enough() {
    let dir = Path::new("/usr/share/fonts/opentype/noto");
    if !dir.is_dir() {
        eprintln!("fonts-noto-cjk not installed: skipped");
        return;
    }
    let fonts = Fonts::from_dir(dir).unwrap();
    let (body, heading) = fonts.chosen();
    assert_eq!(body[0], "Noto Serif CJK JP");
    assert_eq!(heading[0], "Noto Sans CJK JP");
    let pdf = render_pdf(&full_document(), &fonts).unwrap();
    assert!(contains(&pdf, b"NotoSerifCJKjp") || contains(&pdf, b"NotoSerifCJK"));
    if let Some(text) = pdf_text(&pdf) {
        assert!(text.contains("個人情報の漏えい等の報告"), "{text}");
    }
}

#[test]
fn fonts_are_shared_between_threads() {
    fn shareable<T: Clone + Send + Sync>(_: &T) {}
    shareable(fonts());
    let families = fonts().families();
    assert!(families.iter().any(|f| f == &fonts().chosen().0[0]), "{families:?}");
}

#[test]
fn no_japanese_font_is_a_clear_error() {
    let empty = tempfile::tempdir().unwrap();
    let error = Fonts::from_dir(empty.path()).unwrap_err();
    assert!(matches!(error, Error::NoJapaneseFont { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("fonts-ipaexfont"), "{message}");
    assert!(message.contains("fonts-noto-cjk"), "{message}");
    assert!(message.contains("MAMORU_FONT_DIR"), "{message}");
    assert!(message.contains(&empty.path().display().to_string()), "{message}");

    let error = Fonts::from_dir(&empty.path().join("nosuch")).unwrap_err();
    assert!(matches!(error, Error::FontDir { .. }), "{error:?}");
}
