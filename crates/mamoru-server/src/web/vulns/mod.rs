//! Vulnerabilities: the findings list and its CSV, one finding with its decision form, and the
//! ranking policy. Shared here: how a finding is shown (labels, percentages, reasons in
//! Japanese).

pub(crate) mod detail;
pub(crate) mod list;
pub(crate) mod policy;

use jiff::civil::Date;
use mamoru_store::Finding;

use crate::i18n::{Lang, Tr};

/// A finding with what a table row shows, already worded for the viewer.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    /// The finding.
    pub(crate) f: Finding,
    /// Open and past its due date.
    pub(crate) overdue: bool,
    /// The EPSS probability as a percentage, or a dash.
    pub(crate) epss: String,
    /// The CVSS base score, or a dash.
    pub(crate) cvss: String,
    /// How sure the match is, in words.
    pub(crate) confidence: &'static str,
    /// The advisory's source, by name.
    pub(crate) source: &'static str,
    /// Where it stands, in words.
    pub(crate) status: &'static str,
    /// Why it has its priority, in the viewer's language.
    pub(crate) reason: String,
}

impl Row {
    /// Words a finding for `tr` as of `today` (Asia/Tokyo).
    pub(crate) fn new(tr: Tr, f: Finding, today: Date) -> Self {
        Row {
            overdue: f.status.is_active() && f.due < today,
            epss: f.matched.epss.map_or_else(|| "—".to_owned(), |e| format!("{:.1}%", e * 100.0)),
            cvss: f.matched.cvss.map_or_else(|| "—".to_owned(), |c| format!("{c:.1}")),
            confidence: tr.t(confidence_key(&f.matched.confidence)),
            source: source_label(&f.matched.source),
            status: tr.pick(f.status.ja(), f.status.en()),
            reason: priority_reason(tr.lang, &f.matched.priority_reason),
            f,
        }
    }

    /// Words every finding of a list.
    pub(crate) fn all(tr: Tr, findings: Vec<Finding>, today: Date) -> Vec<Row> {
        findings.into_iter().map(|f| Row::new(tr, f, today)).collect()
    }

    /// The NVD page of the vulnerability, when it has a CVE id.
    pub(crate) fn nvd_url(&self) -> Option<String> {
        let id = &self.f.matched.vuln_id;
        id.starts_with("CVE-").then(|| format!("https://nvd.nist.gov/vuln/detail/{id}"))
    }

    /// The JVN iPedia page, when the match rests on (or the vulnerability is) a JVNDB entry.
    pub(crate) fn jvn_url(&self) -> Option<String> {
        let m = &self.f.matched;
        [m.advisory_id.as_str(), m.vuln_id.as_str()].into_iter().find_map(jvn_url)
    }

    /// A name match on a product name alone may be another product: a person should confirm.
    pub(crate) fn needs_review(&self) -> bool {
        self.f.matched.confidence == "fuzzy"
    }
}

/// `JVNDB-2019-000123` → its JVN iPedia page.
fn jvn_url(id: &str) -> Option<String> {
    let rest = id.strip_prefix("JVNDB-")?;
    let (year, number) = rest.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (year.len() == 4 && digits(year) && digits(number))
        .then(|| format!("https://jvndb.jvn.jp/ja/contents/{year}/{id}.html"))
}

/// An advisory source's name as people know it.
pub(crate) fn source_label(source: &str) -> &'static str {
    match source {
        "nvd" => "NVD",
        "cve5" => "CVE (JSON 5)",
        "jvn" => "JVN iPedia",
        _ => "—",
    }
}

/// The message key of a match's confidence.
fn confidence_key(confidence: &str) -> &'static str {
    match confidence {
        "exact" => "vulns.confidence_exact",
        "name" => "vulns.confidence_name",
        _ => "vulns.confidence_fuzzy",
    }
}

/// The ranking's reason in `lang`. The policy words it in English from a few fixed parts;
/// they are recognised and put back together, and anything else is shown as stored.
pub(crate) fn priority_reason(lang: Lang, reason: &str) -> String {
    let (base, ransomware) = match reason.strip_suffix("; used by ransomware") {
        Some(b) => (b, true),
        None => (reason, false),
    };
    let kind = [
        ("known exploited", "vulns.reason_kev"),
        ("exploitation likely", "vulns.reason_epss"),
        ("severe", "vulns.reason_severe"),
        ("high CVSS", "vulns.reason_cvss"),
        ("no sign of exploitation", "vulns.reason_low"),
    ]
    .into_iter()
    .find(|(prefix, _)| base.starts_with(prefix));
    let Some((_, kind)) = kind else { return reason.to_owned() };
    let place = if !base.contains(" on ") {
        None
    } else if base.contains("internet-facing") {
        Some("vulns.place_internet")
    } else if base.contains("perimeter") {
        Some("vulns.place_perimeter")
    } else if base.contains("remote-maintenance") {
        Some("vulns.place_remote")
    } else {
        None
    };
    let tr = Tr::new(lang);
    let mut out = match (place, lang) {
        (Some(p), Lang::Ja) => format!("{}で、{}", tr.t(p), tr.t(kind)),
        (Some(p), Lang::En) => format!("{} on {}", tr.t(kind), tr.t(p)),
        (None, _) => tr.t(kind).to_owned(),
    };
    if ransomware {
        out.push_str(tr.t("vulns.reason_ransomware"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_worded_in_japanese() {
        let r =
            priority_reason(Lang::Ja, "known exploited (CISA KEV) on an internet-facing device; used by ransomware");
        assert_eq!(r, "インターネット公開の機器で、既知の悪用あり（KEV）。ランサムウェアに使われています");
        assert_eq!(
            priority_reason(Lang::En, "known exploited (CISA KEV) on a perimeter device"),
            "known exploited (KEV) on a VPN, UTM or router"
        );
        assert_eq!(priority_reason(Lang::Ja, "high CVSS score"), "CVSSの評価が高い（7.0以上または深刻）");
        assert_eq!(priority_reason(Lang::Ja, "something new"), "something new");
    }

    #[test]
    fn jvn_links() {
        assert_eq!(
            jvn_url("JVNDB-2019-000123").as_deref(),
            Some("https://jvndb.jvn.jp/ja/contents/2019/JVNDB-2019-000123.html")
        );
        assert_eq!(jvn_url("CVE-2018-13379"), None);
        assert_eq!(jvn_url("JVNDB-19-x"), None);
    }
}
