//! JVNRSS 3.2 (`getVulnOverviewList`, the JVNDB RSS data feed): RSS 1.0 `item`s carrying
//! mod_sec `sec:identifier`, `sec:references`, `sec:cpe` and `sec:cvss`.

use quick_xml::events::BytesStart;

use super::xml::{Ev, Xml, local};
use super::{Status, new_advisory, non_empty, parse_score, push_unique};
use crate::Error;
use crate::advisory::{Advisory, Affected, Cvss};
use crate::feed::is_cve_id;

/// The `item` being read and where it started, for messages.
struct Record {
    index: usize,
    start: u64,
    adv: Advisory,
    date: Option<String>,
    /// `id` of the `sec:references` being read.
    reference_id: String,
    /// `vendor` and `product` of the `sec:cpe` being read.
    cpe: (String, String),
}

impl Record {
    fn bad(&self, x: &Xml<'_>, reason: String) -> Error {
        let record = if self.adv.id.is_empty() {
            format!("item[{}]", self.index)
        } else {
            format!("item[{}] {}", self.index, self.adv.id)
        };
        Error::BadRecord { file: x.file().to_owned(), record, reason }
    }
}

/// Reads the `item`s up to the end of the root, and the status the API added.
pub(super) fn read(x: &mut Xml<'_>) -> Result<(Vec<Advisory>, Option<Status>), Error> {
    let mut advisories = Vec::new();
    let mut status = None;
    let mut rec: Option<Record> = None;
    while let Some(ev) = x.next()? {
        match ev {
            Ev::Open(e) => match (local(&e), rec.as_mut()) {
                // Only the RDF's own items: the channel's title and link are not an item's.
                ("item", None) if x.enclosing() == Some("RDF") => {
                    rec = Some(Record {
                        index: advisories.len(),
                        start: x.position(),
                        adv: new_advisory(),
                        date: None,
                        reference_id: String::new(),
                        cpe: (String::new(), String::new()),
                    });
                }
                ("Status", _) if status.is_none() => status = Some(Status::read(&e, x)?),
                (name, Some(r)) => open(x, r, name, &e)?,
                _ => {}
            },
            Ev::Close { name, text } => match (x.top(), rec.as_mut()) {
                (Some("RDF"), Some(_)) if name == "item" => {
                    if let Some(mut r) = rec.take() {
                        if r.adv.id.is_empty() {
                            let line = x.line_at(r.start);
                            return Err(r.bad(x, format!("no sec:identifier (the item that starts on line {line})")));
                        }
                        if r.adv.modified.is_none() {
                            r.adv.modified = r.date.take();
                        }
                        advisories.push(r.adv);
                    }
                }
                (Some("item"), Some(r)) => close(r, &name, &text),
                _ => {}
            },
        }
    }
    Ok((advisories, status))
}

/// The mod_sec elements keep their data in attributes.
fn open(x: &Xml<'_>, r: &mut Record, name: &str, e: &BytesStart<'_>) -> Result<(), Error> {
    let attr = |key: &str| -> Result<String, Error> { Ok(x.attr(e, key)?.unwrap_or_default().trim().to_owned()) };
    match name {
        "references" => r.reference_id = attr("id")?,
        "cpe" => r.cpe = (attr("vendor")?, attr("product")?),
        "cvss" => {
            // Temporal and environmental scores are not base scores.
            let kind = attr("type")?;
            if !kind.is_empty() && !kind.eq_ignore_ascii_case("base") {
                return Ok(());
            }
            let raw = attr("score")?;
            let Some(score) = parse_score(&raw) else {
                return Err(r.bad(x, format!("sec:cvss score {raw:?} is not a number from 0 to 10")));
            };
            let (version, vector) = (attr("version")?, attr("vector")?);
            r.adv.cvss.push(Cvss { version, score, vector, source: "IPA".to_owned() });
        }
        _ => {}
    }
    Ok(())
}

/// An element of the item closed.
fn close(r: &mut Record, name: &str, text: &str) {
    let adv = &mut r.adv;
    match name {
        "identifier" => text.trim().clone_into(&mut adv.id),
        "title" => adv.title = non_empty(text),
        "description" => text.trim().clone_into(&mut adv.description),
        // The item's own page on JVN iPedia comes first among the references.
        "link" => {
            if let Some(link) = non_empty(text).filter(|l| !adv.references.contains(l)) {
                adv.references.insert(0, link);
            }
        }
        "references" => {
            let id = std::mem::take(&mut r.reference_id);
            if id.starts_with("CWE-") {
                push_unique(&mut adv.cwes, &id);
            } else {
                // The CVE appears twice (source CVE and NVD); both carry the id.
                if is_cve_id(&id) {
                    push_unique(&mut adv.aliases, &id);
                }
                push_unique(&mut adv.references, text);
            }
        }
        "cpe" => {
            let (vendor, product) = std::mem::take(&mut r.cpe);
            let mut cpes = Vec::new();
            push_unique(&mut cpes, text);
            // The overview names products without versions: JVN says the product is
            // affected and leaves which versions to the detail.
            adv.affected.push(Affected { vendor, product, cpes, versions: Vec::new(), default_affected: true });
        }
        "issued" => adv.published = non_empty(text),
        "modified" => adv.modified = non_empty(text),
        "date" => r.date = non_empty(text),
        _ => {}
    }
}
