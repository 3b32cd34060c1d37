//! VULDEF documents (`getVulnDetailInfo`, the JVNDB detail data feed): one `Vulinfo` per
//! JVNDB entry, with the vendor's affected products in Japanese and free-text versions.

use quick_xml::events::BytesStart;

use super::xml::{Ev, Xml, local};
use super::{Status, new_advisory, non_empty, parse_score, push_unique};
use crate::Error;
use crate::advisory::{Advisory, Affected, AffectedVersion, Cvss};
use crate::feed::is_cve_id;

/// The `Vulinfo` being read and where it started, for messages.
struct Record {
    index: usize,
    start: u64,
    adv: Advisory,
    date_public: Option<String>,
}

impl Record {
    fn bad(&self, x: &Xml<'_>, reason: String) -> Error {
        let record = if self.adv.id.is_empty() {
            format!("Vulinfo[{}]", self.index)
        } else {
            format!("Vulinfo[{}] {}", self.index, self.adv.id)
        };
        Error::BadRecord { file: x.file().to_owned(), record, reason }
    }
}

/// A `RelatedItem`: a reference, a CVE or a CWE depending on its type and id.
#[derive(Default)]
struct Related {
    kind: String,
    id: String,
    url: String,
}

/// A `Cvss` element: version, base score, vector.
type CvssDraft = (String, Option<f32>, String);

#[derive(Default)]
struct State {
    advisories: Vec<Advisory>,
    status: Option<Status>,
    rec: Option<Record>,
    /// The `AffectedItem` being read and the status its versions get.
    item: Option<(Affected, &'static str)>,
    cvss: Option<CvssDraft>,
    related: Option<Related>,
    /// `RangeBegin`/`RangeEnd` of the `VersionNumber` being read, in JVN's own wording.
    range: String,
}

/// Reads the `Vulinfo`s up to the end of the root, and the status the API added.
pub(super) fn read(x: &mut Xml<'_>) -> Result<(Vec<Advisory>, Option<Status>), Error> {
    let mut r = State::default();
    while let Some(ev) = x.next()? {
        match ev {
            Ev::Open(e) => r.open(x, &e)?,
            Ev::Close { name, text } => r.close(x, &name, &text)?,
        }
    }
    Ok((r.advisories, r.status))
}

impl State {
    fn open(&mut self, x: &Xml<'_>, e: &BytesStart<'_>) -> Result<(), Error> {
        match (local(e), self.rec.as_ref()) {
            ("Vulinfo", Some(rec)) => return Err(rec.bad(x, "a Vulinfo inside a Vulinfo".to_owned())),
            ("Vulinfo", None) => {
                let index = self.advisories.len();
                self.rec = Some(Record { index, start: x.position(), adv: new_advisory(), date_public: None });
            }
            ("AffectedItem", Some(_)) => {
                let state = match x.attr(e, "affectedstatus")?.as_deref().map(str::trim) {
                    None | Some("" | "vulnerable") => "affected",
                    Some("notvulnerable") => "unaffected",
                    Some(_) => "unknown",
                };
                self.item = Some((Affected::default(), state));
            }
            ("Cvss", Some(_)) => {
                let version = x.attr(e, "version")?.unwrap_or_default().trim().to_owned();
                self.cvss = Some((version, None, String::new()));
            }
            ("RelatedItem", Some(_)) => {
                let kind = x.attr(e, "type")?.unwrap_or_default().trim().to_owned();
                self.related = Some(Related { kind, ..Related::default() });
            }
            ("VersionNumber", Some(_)) => self.range.clear(),
            ("Status", _) if self.status.is_none() => self.status = Some(Status::read(e, x)?),
            _ => {}
        }
        Ok(())
    }

    fn close(&mut self, x: &Xml<'_>, name: &str, text: &str) -> Result<(), Error> {
        let Some(rec) = self.rec.as_mut() else { return Ok(()) };
        let adv = &mut rec.adv;
        match (name, x.top().unwrap_or_default()) {
            ("VulinfoID", "Vulinfo") => text.trim().clone_into(&mut adv.id),
            ("Title", "VulinfoData") => adv.title = non_empty(text),
            ("Overview", "VulinfoDescription") => text.trim().clone_into(&mut adv.description),
            ("DateFirstPublished", "VulinfoData") => adv.published = non_empty(text),
            ("DateLastUpdated", "VulinfoData") => adv.modified = non_empty(text),
            ("DatePublic", "VulinfoData") => rec.date_public = non_empty(text),
            (_, "AffectedItem" | "VersionNumber") | ("AffectedItem", _) => self.affected(name, text),
            (_, "Cvss") | ("Cvss", _) => {
                if let Err(reason) = self.score(name, text)
                    && let Some(rec) = &self.rec
                {
                    return Err(rec.bad(x, reason));
                }
            }
            (_, "RelatedItem") | ("RelatedItem", _) => self.related(name, text),
            ("Vulinfo", _) => {
                if let Some(mut rec) = self.rec.take() {
                    if rec.adv.id.is_empty() {
                        let line = x.line_at(rec.start);
                        return Err(rec.bad(x, format!("no VulinfoID (the Vulinfo that starts on line {line})")));
                    }
                    // Without a first-published date the public date is the best there is.
                    if rec.adv.published.is_none() {
                        rec.adv.published = rec.date_public.take();
                    }
                    self.advisories.push(rec.adv);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// An element closing inside (or being) an `AffectedItem`.
    fn affected(&mut self, name: &str, text: &str) {
        let (Some(rec), Some((a, state))) = (self.rec.as_mut(), self.item.as_mut()) else { return };
        match name {
            "Name" => text.trim().clone_into(&mut a.vendor),
            "ProductName" => text.trim().clone_into(&mut a.product),
            "Cpe" => push_unique(&mut a.cpes, text),
            "RangeBegin" => self.range.push_str(&format!(" {} から", text.trim())),
            "RangeEnd" => self.range.push_str(&format!(" {} まで", text.trim())),
            "VersionNumber" => {
                let version = format!("{}{}", text.trim(), self.range).trim().to_owned();
                if !version.is_empty() {
                    a.versions.push(AffectedVersion { version, status: (*state).to_owned(), ..Default::default() });
                }
            }
            "AffectedItem" => {
                // JVN lists no version when every version is affected (or none is known).
                a.default_affected = a.versions.is_empty() && *state == "affected";
                rec.adv.affected.push(std::mem::take(a));
                self.item = None;
            }
            _ => {}
        }
    }

    /// An element closing inside (or being) a `Cvss`; a bad score is the record's fault.
    fn score(&mut self, name: &str, text: &str) -> Result<(), String> {
        let (Some(rec), Some((version, score, vector))) = (self.rec.as_mut(), self.cvss.as_mut()) else {
            return Ok(());
        };
        match name {
            // VULDEF 3.x writes the base score as <Base>, 2.0 as <Score>.
            "Base" | "Score" if !text.trim().is_empty() => {
                *score = parse_score(text);
                if score.is_none() {
                    return Err(format!("CVSS score {:?} is not a number from 0 to 10", text.trim()));
                }
            }
            "Vector" => text.trim().clone_into(vector),
            "Cvss" => {
                // A Cvss without a base score says nothing the engine can use.
                if let Some(score) = *score {
                    let version = std::mem::take(version);
                    let vector = std::mem::take(vector);
                    rec.adv.cvss.push(Cvss { version, score, vector, source: "IPA".to_owned() });
                }
                self.cvss = None;
            }
            _ => {}
        }
        Ok(())
    }

    /// An element closing inside (or being) a `RelatedItem`.
    fn related(&mut self, name: &str, text: &str) {
        let (Some(rec), Some(rel)) = (self.rec.as_mut(), self.related.as_mut()) else { return };
        let adv = &mut rec.adv;
        match name {
            "VulinfoID" => text.trim().clone_into(&mut rel.id),
            "URL" => text.trim().clone_into(&mut rel.url),
            "RelatedItem" if rel.kind == "cwe" => {
                if rel.id.starts_with("CWE-") {
                    push_unique(&mut adv.cwes, &rel.id);
                }
                self.related = None;
            }
            "RelatedItem" => {
                // CVEs come as advisory items (cve.org, NVD) whose id is the CVE.
                if is_cve_id(&rel.id) {
                    push_unique(&mut adv.aliases, &rel.id);
                }
                push_unique(&mut adv.references, &rel.url);
                self.related = None;
            }
            _ => {}
        }
    }
}
