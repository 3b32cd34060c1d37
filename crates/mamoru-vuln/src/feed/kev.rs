//! The CISA Known Exploited Vulnerabilities catalogue, as JSON or as CSV (the same columns).

use serde::Deserialize;

use super::nvd::each_item;
use super::{Feed, Format, bad_record, is_cve_id, is_date, malformed};
use crate::Error;
use crate::advisory::Kev;

/// `known_exploited_vulnerabilities.json`.
pub(super) fn read_json(bytes: &[u8], file: &str) -> Result<Feed, Error> {
    let mut feed = Feed::new(Format::KevJson);
    each_item(bytes, file, "vulnerabilities", |i, raw: Row| {
        feed.kev.push(
            raw.into_kev()
                .map_err(|(id, reason)| bad_record(file, name(format!("vulnerabilities[{i}]"), id), reason))?,
        );
        Ok(())
    })?;
    Ok(feed)
}

/// `known_exploited_vulnerabilities.csv`: columns are found by their header, so CISA adding
/// one (as it did with `cwes`) changes nothing.
pub(super) fn read_csv(bytes: &[u8], file: &str) -> Result<Feed, Error> {
    let mut reader = csv::Reader::from_reader(bytes);
    let headers = reader.headers().map_err(|e| malformed(file, format!("line 1: {e}")))?.clone();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let required = |name: &str| column(name).ok_or_else(|| malformed(file, format!("line 1: no `{name}` column")));
    let (cve, date_added) = (required("cveID")?, required("dateAdded")?);
    let optional =
        ["vendorProject", "product", "vulnerabilityName", "dueDate", "knownRansomwareCampaignUse", "requiredAction"]
            .map(column);
    let mut feed = Feed::new(Format::KevCsv);
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                return Err(match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => bad_record(file, format!("line {line}"), "not UTF-8 text"),
                    csv::ErrorKind::UnequalLengths { expected_len, len, .. } => bad_record(
                        file,
                        format!("line {line}"),
                        format!("{len} fields where the header has {expected_len}"),
                    ),
                    _ => malformed(file, e.to_string()),
                });
            }
        }
        let text = |at: Option<usize>| at.and_then(|at| record.get(at)).unwrap_or_default().to_owned();
        let opt = |at: Option<usize>| Some(text(at)).filter(|s| !s.is_empty());
        let [vendor, product, name_col, due, ransomware, action] = optional;
        let row = Row {
            cve_id: opt(Some(cve)),
            vendor_project: text(vendor),
            product: text(product),
            vulnerability_name: text(name_col),
            date_added: opt(Some(date_added)),
            due_date: opt(due),
            known_ransomware_campaign_use: opt(ransomware),
            required_action: text(action),
        };
        let line = record.position().map_or(0, csv::Position::line);
        feed.kev
            .push(row.into_kev().map_err(|(id, reason)| bad_record(file, name(format!("line {line}"), id), reason))?);
    }
    Ok(feed)
}

/// `vulnerabilities[3] CVE-2023-1234` when the id is sound, else just the place.
fn name(place: String, id: Option<String>) -> String {
    match id {
        Some(id) => format!("{place} {id}"),
        None => place,
    }
}

/// One catalogue entry as CISA writes it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Row {
    #[serde(rename = "cveID")]
    cve_id: Option<String>,
    #[serde(default)]
    vendor_project: String,
    #[serde(default)]
    product: String,
    #[serde(default)]
    vulnerability_name: String,
    date_added: Option<String>,
    due_date: Option<String>,
    known_ransomware_campaign_use: Option<String>,
    #[serde(default)]
    required_action: String,
}

impl Row {
    /// The entry, or why not: (the CVE id if it was sound, the reason).
    fn into_kev(self) -> Result<Kev, (Option<String>, String)> {
        let cve = match self.cve_id {
            Some(id) if is_cve_id(&id) => id,
            Some(id) => return Err((None, format!("cveID `{id}` is not a CVE id"))),
            None => return Err((None, "no cveID".to_owned())),
        };
        let date_added = match self.date_added {
            Some(date) if is_date(&date) => date,
            Some(date) => return Err((Some(cve), format!("dateAdded `{date}` is not a YYYY-MM-DD date"))),
            None => return Err((Some(cve), "no dateAdded".to_owned())),
        };
        let due_date = self.due_date.filter(|d| !d.is_empty());
        if let Some(due) = due_date.as_deref().filter(|d| !is_date(d)) {
            return Err((Some(cve), format!("dueDate `{due}` is not a YYYY-MM-DD date")));
        }
        Ok(Kev {
            cve,
            date_added,
            due_date,
            ransomware: self.known_ransomware_campaign_use.filter(|r| !r.is_empty()),
            vendor: self.vendor_project,
            product: self.product,
            name: self.vulnerability_name,
            required_action: self.required_action,
        })
    }
}
