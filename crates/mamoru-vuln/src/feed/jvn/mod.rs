//! MyJVN API 3.x ("hnd") XML: `getVulnDetailInfo` and the JVNDB detail data feed (VULDEF),
//! `getVulnOverviewList` and the JVNDB RSS data feed (JVNRSS 3.2, RSS 1.0 + mod_sec).
//!
//! Every other MyJVN answer (vendor and product lists, statistics, alerts, their data feeds)
//! is recognised and refused with a hint, and an API error answer (`status:Status` with
//! `retCd` 1) is reported with the API's own message. Elements are matched on local names
//! because the prefixes differ between VULDEF 2.0, 3.1 and 3.2 documents.

mod detail;
mod overview;
mod xml;

use quick_xml::events::BytesStart;

use self::xml::{Ev, Xml, declares_jvn_namespace, local};
use super::{Feed, Format};
use crate::Error;
use crate::advisory::{Advisory, Source};

/// What the API said about its own answer: the MyJVN common `status:Status` element.
#[derive(Debug, Default)]
struct Status {
    method: String,
    ret_cd: String,
    err_cd: String,
    err_msg: String,
    /// Only the data feeds carry `lt`; API answers carry paging attributes instead.
    data_feed: bool,
}

impl Status {
    fn read(e: &BytesStart<'_>, x: &Xml<'_>) -> Result<Self, Error> {
        Ok(Self {
            method: x.attr(e, "method")?.unwrap_or_default(),
            ret_cd: x.attr(e, "retCd")?.unwrap_or_default(),
            err_cd: x.attr(e, "errCd")?.unwrap_or_default(),
            err_msg: x.attr(e, "errMsg")?.unwrap_or_default(),
            data_feed: x.attr(e, "lt")?.is_some(),
        })
    }

    /// An API error answer becomes `Malformed` with the API's message; a success passes.
    fn check(&self, file: &str) -> Result<(), Error> {
        let failed = match self.ret_cd.trim().parse::<i64>() {
            Ok(code) => code != 0,
            // A missing or garbled retCd: trust the error fields instead.
            Err(_) => !self.err_cd.trim().is_empty() || !self.err_msg.trim().is_empty(),
        };
        if !failed {
            return Ok(());
        }
        let msg = if self.err_msg.trim().is_empty() { "(no message)" } else { self.err_msg.trim() };
        let code = if self.err_cd.trim().is_empty() { String::new() } else { format!(" {}", self.err_cd.trim()) };
        let method = if self.method.is_empty() { "MyJVN API" } else { self.method.as_str() };
        Err(Error::Malformed {
            file: file.to_owned(),
            reason: format!("{method} answered with error{code} (retCd {}): {msg}", self.ret_cd.trim()),
        })
    }
}

/// Reads one MyJVN XML document: advisories from the vulnerability answers, an error for
/// everything else.
pub(crate) fn read(bytes: &[u8], file: &str) -> Result<Feed, Error> {
    let mut x = Xml::new(bytes, file);
    let root = x.root()?;
    let root_local = local(&root).to_owned();
    let root_name = root.name().as_ref().to_owned();
    // Namespace URIs, not prefixes, say whether a document is MyJVN's.
    let jvn_ns = declares_jvn_namespace(&root);
    let (advisories, status) = match root_local.as_str() {
        "VULDEF-Document" => {
            let (advisories, status) = detail::read(&mut x)?;
            (Some((Format::JvnDetail, advisories)), status)
        }
        "RDF" if jvn_ns => {
            let (advisories, status) = overview::read(&mut x)?;
            (Some((Format::JvnOverview, advisories)), status)
        }
        "Status" if jvn_ns => (None, Some(Status::read(&root, &x)?)),
        "Result" | "feed" if jvn_ns => (None, find_status(&mut x)?),
        _ => {
            return Err(Error::UnknownFormat {
                file: file.to_owned(),
                reason: format!("XML that is not a MyJVN response (root <{root_name}>)"),
            });
        }
    };
    x.finish()?;
    if let Some(status) = &status {
        status.check(file)?;
    }
    if let Some((format, advisories)) = advisories {
        let mut feed = Feed::new(format);
        feed.advisories = advisories;
        return Ok(feed);
    }
    let method = status.as_ref().map(|s| s.method.as_str()).unwrap_or_default();
    match method {
        // A search with no hits answers with a bare status inside <Result>.
        "getVulnDetailInfo" => Ok(Feed::new(Format::JvnDetail)),
        "getVulnOverviewList" => Ok(Feed::new(Format::JvnOverview)),
        _ => {
            let what = match status {
                Some(s) if !s.method.is_empty() && s.data_feed => format!("MyJVN {} data feed", s.method),
                Some(s) if !s.method.is_empty() => format!("MyJVN {} response", s.method),
                _ if root_local == "feed" => "MyJVN alert feed".to_owned(),
                _ => format!("MyJVN <{root_name}> document"),
            };
            Err(Error::NotAdvisories {
                file: file.to_owned(),
                what,
                hint: "import getVulnDetailInfo or getVulnOverviewList results instead".to_owned(),
            })
        }
    }
}

/// Reads a non-advisory MyJVN document to its end (so a broken one is still reported as
/// broken) and keeps its status.
fn find_status(x: &mut Xml<'_>) -> Result<Option<Status>, Error> {
    let mut status = None;
    while let Some(ev) = x.next()? {
        if let Ev::Open(e) = ev
            && local(&e) == "Status"
            && status.is_none()
        {
            status = Some(Status::read(&e, x)?);
        }
    }
    Ok(status)
}

/// An empty JVN advisory for a reader to fill in.
fn new_advisory() -> Advisory {
    Advisory::new(String::new(), Source::Jvn)
}

/// Pushes a trimmed, non-empty value unless it is already there (JVN repeats a CVE once
/// for cve.org and once for NVD).
fn push_unique(list: &mut Vec<String>, value: &str) {
    let value = value.trim();
    if !value.is_empty() && !list.iter().any(|v| v == value) {
        list.push(value.to_owned());
    }
}

/// A CVSS score as the feeds write it (`9.8`, `10`), checked to be one.
fn parse_score(text: &str) -> Option<f32> {
    text.trim().parse::<f32>().ok().filter(|s| (0.0..=10.0).contains(s))
}

/// Trimmed text, or `None` when there is none.
fn non_empty(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_owned())
}
