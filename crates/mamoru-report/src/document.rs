//! The document model and its plain-text form.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What an empty value prints as, in the PDF and in the text.
pub(crate) const EMPTY: &str = "（未記入）";

/// A document: a title, who it is to and from, and sections of labelled fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// Stable key naming the kind of document, e.g. `ppc_report`.
    pub kind: String,
    /// The title, e.g. `個人情報の漏えい等の報告`.
    pub title: String,
    /// A line under the title.
    #[serde(default)]
    pub subtitle: Option<String>,
    /// Who it is addressed to, e.g. `個人情報保護委員会 御中`.
    #[serde(default)]
    pub addressee: Option<String>,
    /// The date as printed, e.g. `2026年11月25日`; never taken from the clock.
    pub date: String,
    /// Check boxes printed under the title, e.g. 速報 ☑ 確報 ☐.
    #[serde(default)]
    pub marks: Vec<Mark>,
    /// The body, in order.
    #[serde(default)]
    pub sections: Vec<Section>,
    /// A line printed at the foot of every page, beside the page number.
    #[serde(default)]
    pub footer: Option<String>,
}

/// A labelled check box.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    /// The text beside the box.
    pub label: String,
    /// Whether the box is ticked.
    pub checked: bool,
}

/// A headed group of fields, printed as a two-column table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// The section's heading.
    pub heading: String,
    /// The rows, in order.
    #[serde(default)]
    pub fields: Vec<Field>,
}

/// One labelled value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    /// Stable key, unique within the document; what [`Document::apply_edits`] matches.
    pub key: String,
    /// The label as printed.
    pub label: String,
    /// The value; may span several lines. Empty (or blank) prints as `（未記入）`.
    #[serde(default)]
    pub value: String,
}

impl Field {
    /// Whether the value is empty or only white space.
    pub fn is_empty(&self) -> bool {
        self.value.trim().is_empty()
    }
}

impl Document {
    /// The document as plain text: stable, for snapshot tests and a `.txt` download.
    ///
    /// Single-line values follow their label after `：`; multi-line values start on
    /// the next line, indented by two spaces. Lines end in `\n`, never in spaces.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let mut line = |s: &str| {
            out.push_str(s.trim_end());
            out.push('\n');
        };
        line(&self.title);
        if let Some(subtitle) = &self.subtitle {
            line(subtitle);
        }
        if !self.marks.is_empty() {
            let marks: Vec<String> =
                self.marks.iter().map(|m| format!("{} {}", if m.checked { '☑' } else { '☐' }, m.label)).collect();
            line(&marks.join("　"));
        }
        line("");
        line(&self.date);
        if let Some(addressee) = &self.addressee {
            line(addressee);
        }
        for section in &self.sections {
            line("");
            line(&format!("■ {}", section.heading));
            for field in &section.fields {
                let value = field.value.replace("\r\n", "\n");
                let value = value.trim_end_matches('\n');
                if field.is_empty() {
                    line(&format!("{}：{EMPTY}", field.label));
                } else if value.contains('\n') {
                    line(&format!("{}：", field.label));
                    for l in value.split('\n') {
                        line(&format!("  {l}"));
                    }
                } else {
                    line(&format!("{}：{value}", field.label));
                }
            }
        }
        if let Some(footer) = &self.footer {
            line("");
            line(footer);
        }
        out
    }

    /// Replaces the values of the fields whose keys appear in `edits` (people edit a
    /// draft before export). Keys that name no field are ignored.
    pub fn apply_edits(&mut self, edits: &BTreeMap<String, String>) {
        for field in self.sections.iter_mut().flat_map(|s| s.fields.iter_mut()) {
            if let Some(value) = edits.get(&field.key) {
                field.value.clone_from(value);
            }
        }
    }

    /// The first field with this key.
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields().find(|f| f.key == key)
    }

    /// The fields left empty (or blank), in document order.
    pub fn missing(&self) -> Vec<&Field> {
        self.fields().filter(|f| f.is_empty()).collect()
    }

    fn fields(&self) -> impl Iterator<Item = &Field> {
        self.sections.iter().flat_map(|s| s.fields.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(key: &str, label: &str, value: &str) -> Field {
        Field { key: key.into(), label: label.into(), value: value.into() }
    }

    fn small() -> Document {
        Document {
            kind: "test".into(),
            title: "個人情報の漏えい等の報告".into(),
            subtitle: Some("（速報）".into()),
            addressee: Some("個人情報保護委員会 御中".into()),
            date: "2026年11月25日".into(),
            marks: vec![Mark { label: "速報".into(), checked: true }, Mark { label: "確報".into(), checked: false }],
            sections: vec![
                Section {
                    heading: "報告者".into(),
                    fields: vec![
                        field("org", "事業者の名称", "医療法人 守会 まもる病院"),
                        field("phone", "電話番号", ""),
                    ],
                },
                Section {
                    heading: "事案の概要".into(),
                    fields: vec![field(
                        "summary",
                        "概要",
                        "電子カルテ端末がランサムウェアに感染。\r\n\n外部への送信は調査中。\n",
                    )],
                },
            ],
            footer: Some("まもる病院 情報システム室".into()),
        }
    }

    #[test]
    fn to_text_is_stable() {
        let expected = "\
個人情報の漏えい等の報告
（速報）
☑ 速報　☐ 確報

2026年11月25日
個人情報保護委員会 御中

■ 報告者
事業者の名称：医療法人 守会 まもる病院
電話番号：（未記入）

■ 事案の概要
概要：
  電子カルテ端末がランサムウェアに感染。

  外部への送信は調査中。

まもる病院 情報システム室
";
        assert_eq!(small().to_text(), expected);
    }

    #[test]
    fn edits_replace_values_by_key() {
        let mut doc = small();
        assert_eq!(doc.missing().iter().map(|f| f.key.as_str()).collect::<Vec<_>>(), ["phone"]);
        let edits = BTreeMap::from([
            ("phone".to_string(), "03-0000-0000".to_string()),
            ("org".to_string(), "  ".to_string()),
            ("nosuch".to_string(), "ignored".to_string()),
        ]);
        doc.apply_edits(&edits);
        assert_eq!(doc.field("phone").map(|f| f.value.as_str()), Some("03-0000-0000"));
        assert_eq!(doc.missing().iter().map(|f| f.key.as_str()).collect::<Vec<_>>(), ["org"]);
        assert!(doc.field("nosuch").is_none());
        assert!(doc.to_text().contains("事業者の名称：（未記入）\n"));
    }
}
