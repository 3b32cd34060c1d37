//! Indicators of compromise (hashes, IP addresses and ranges, domains, URLs) matched
//! against the same events as the Sigma rules.
//!
//! A list is plain text (one indicator per line, `#` comments) or CSV whose first column
//! is the indicator (a header row and further columns, such as a type or a note, are
//! allowed). The kind of each indicator is recognised from its form. Every string value of
//! an event is searched once with one automaton over all indicators; a hit counts only at
//! token boundaries, so `evil.com` matches `www.evil.com` and `https://evil.com/x` but not
//! `notevil.com`, and an IP address does not match inside a longer number.

use std::net::IpAddr;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use ipnet::IpNet;
use serde::Serialize;

use crate::event::Fields;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IocKind {
    Md5,
    Sha1,
    Sha256,
    Ip,
    Cidr,
    Domain,
    Url,
    /// A file name (`mimikatz.exe`): a name with an executable or archive extension.
    File,
}

impl IocKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IocKind::Md5 => "md5",
            IocKind::Sha1 => "sha1",
            IocKind::Sha256 => "sha256",
            IocKind::Ip => "ip",
            IocKind::Cidr => "cidr",
            IocKind::Domain => "domain",
            IocKind::Url => "url",
            IocKind::File => "file",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Indicator {
    pub kind: IocKind,
    /// Lower-cased, as matched.
    pub value: String,
    /// The rest of the CSV row (a note, a source), if any.
    pub note: Option<String>,
}

/// A line of a list that is not an indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IocSkipped {
    pub line: usize,
    pub text: String,
}

/// One indicator found in one field of an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IocHit {
    pub indicator: usize,
    pub field: String,
    pub value: String,
}

/// Compiled indicator lists.
#[derive(Debug, Default)]
pub struct IocSet {
    indicators: Vec<Indicator>,
    automaton: Option<AhoCorasick>,
    /// Index in `indicators` for each automaton pattern.
    patterns: Vec<usize>,
    ranges: Vec<(IpNet, usize)>,
}

impl IocSet {
    /// Reads a list; lines that are not indicators are returned so the caller can name them.
    pub fn parse(text: &str) -> (Vec<Indicator>, Vec<IocSkipped>) {
        let mut found = Vec::new();
        let mut skipped = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim().trim_start_matches('\u{feff}');
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (first, rest) = split_first_field(line);
            match classify(first) {
                Some((kind, value)) => {
                    let note = rest.map(|r| r.trim().trim_matches('"').to_string()).filter(|r| !r.is_empty());
                    found.push(Indicator { kind, value, note });
                }
                // A CSV header ("indicator,type,...") is not an error.
                None if i == 0 && first.chars().all(|c| c.is_ascii_alphabetic() || c == '_' || c == ' ') => {}
                None => skipped.push(IocSkipped { line: i + 1, text: line.chars().take(120).collect() }),
            }
        }
        (found, skipped)
    }

    pub fn new(mut indicators: Vec<Indicator>) -> Self {
        indicators.sort_by(|a, b| a.value.cmp(&b.value));
        indicators.dedup_by(|a, b| a.value == b.value);
        let mut patterns = Vec::new();
        let mut needles = Vec::new();
        let mut ranges = Vec::new();
        for (i, ind) in indicators.iter().enumerate() {
            if ind.kind == IocKind::Cidr {
                if let Ok(net) = ind.value.parse::<IpNet>() {
                    ranges.push((net, i));
                }
            } else {
                patterns.push(i);
                needles.push(ind.value.clone());
            }
        }
        // Overlapping search so an indicator inside another (a domain inside a URL) is found
        // too. The default (non-DFA) automaton keeps memory small for large lists.
        let automaton = (!needles.is_empty())
            .then(|| {
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .build(&needles)
                    .ok()
            })
            .flatten();
        IocSet { indicators, automaton, patterns, ranges }
    }

    pub fn indicators(&self) -> &[Indicator] {
        &self.indicators
    }

    pub fn is_empty(&self) -> bool {
        self.indicators.is_empty()
    }

    /// Every indicator in the event's string values, at most one hit per indicator.
    pub fn scan(&self, fields: &Fields) -> Vec<IocHit> {
        let mut hits: Vec<IocHit> = Vec::new();
        fields.visit_strings(&mut |field, value| {
            if let Some(ac) = &self.automaton {
                for m in ac.find_overlapping_iter(value) {
                    let index = self.patterns[m.pattern().as_usize()];
                    let kind = self.indicators[index].kind;
                    if at_boundaries(value, m.start(), m.end(), kind) && !hits.iter().any(|h| h.indicator == index) {
                        hits.push(IocHit { indicator: index, field: field.to_string(), value: value.to_string() });
                    }
                }
            }
            if !self.ranges.is_empty()
                && let Ok(ip) = value.trim().parse::<IpAddr>()
            {
                for (net, index) in &self.ranges {
                    if net.contains(&ip) && !hits.iter().any(|h| h.indicator == *index) {
                        hits.push(IocHit { indicator: *index, field: field.to_string(), value: value.to_string() });
                    }
                }
            }
        });
        hits
    }
}

fn split_first_field(line: &str) -> (&str, Option<&str>) {
    let cut = line.find([',', '\t', ';']);
    match cut {
        Some(i) => (line[..i].trim().trim_matches('"'), Some(&line[i + 1..])),
        None => (line, None),
    }
}

/// What an indicator is, from its form; `None` for anything else.
fn classify(raw: &str) -> Option<(IocKind, String)> {
    // Defanged forms from threat reports: hxxp://, evil[.]com.
    let value = raw.trim().replace("[.]", ".").replace("hxxp", "http").to_ascii_lowercase();
    if value.is_empty() || value.contains(' ') {
        return None;
    }
    if value.chars().all(|c| c.is_ascii_hexdigit()) {
        return match value.len() {
            32 => Some((IocKind::Md5, value)),
            40 => Some((IocKind::Sha1, value)),
            64 => Some((IocKind::Sha256, value)),
            _ => None,
        };
    }
    if value.parse::<IpAddr>().is_ok() {
        return Some((IocKind::Ip, value));
    }
    if value.contains('/') && value.parse::<IpNet>().is_ok() {
        return Some((IocKind::Cidr, value));
    }
    if value.contains("://") {
        return Some((IocKind::Url, value));
    }
    let domain_like = value.contains('.')
        && value
            .split('.')
            .all(|label| !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && value.rsplit('.').next().is_some_and(|tld| tld.chars().any(|c| c.is_ascii_alphabetic()));
    const FILE_EXTENSIONS: [&str; 14] =
        ["exe", "dll", "sys", "ps1", "bat", "cmd", "vbs", "js", "hta", "scr", "msi", "lnk", "iso", "zip"];
    let extension = value.rsplit('.').next().unwrap_or("");
    match domain_like {
        true if value.matches('.').count() == 1 && FILE_EXTENSIONS.contains(&extension) => Some((IocKind::File, value)),
        true => Some((IocKind::Domain, value)),
        false => None,
    }
}

/// Whether a hit at `start..end` stands on its own in `text`.
fn at_boundaries(text: &str, start: usize, end: usize, kind: IocKind) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    match kind {
        IocKind::Md5 | IocKind::Sha1 | IocKind::Sha256 => !before.is_some_and(word) && !after.is_some_and(word),
        IocKind::Ip => {
            let ip_char = |c: char| c.is_ascii_hexdigit() || c == '.' || c == ':';
            !before.is_some_and(ip_char) && !after.is_some_and(|c| c.is_ascii_digit() || c == '.')
        }
        // A subdomain may precede (`.`), nothing word-like may follow but a port or a path.
        IocKind::Domain | IocKind::File => {
            // "evil.com." (a fully qualified name) is evil.com; "evil.com.example.net" is not.
            let continues = text[end..].strip_prefix('.').and_then(|r| r.chars().next()).is_some_and(word);
            !before.is_some_and(|c| word(c) || c == '-') && !after.is_some_and(|c| word(c) || c == '-') && !continues
        }
        IocKind::Url => !before.is_some_and(word),
        IocKind::Cidr => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(v: serde_json::Value) -> Fields {
        Fields::from(v.as_object().cloned().unwrap_or_default())
    }

    fn set(text: &str) -> IocSet {
        let (found, skipped) = IocSet::parse(text);
        assert!(skipped.is_empty(), "{skipped:?}");
        IocSet::new(found)
    }

    #[test]
    fn kinds_are_recognised_and_bad_lines_are_named() {
        let (found, skipped) = IocSet::parse(
            "indicator,note\n# a comment\nd41d8cd98f00b204e9800998ecf8427e,empty file\n10.1.2.3\n203.0.113.0/24\nevil[.]example.com\nhxxps://bad.example.net/x\nnot an indicator\n",
        );
        let kinds: Vec<_> = found.iter().map(|i| i.kind).collect();
        assert_eq!(kinds, [IocKind::Md5, IocKind::Ip, IocKind::Cidr, IocKind::Domain, IocKind::Url]);
        assert_eq!(found[0].note.as_deref(), Some("empty file"));
        assert_eq!(found[3].value, "evil.example.com");
        assert_eq!(IocSet::parse("mimikatz.exe").0[0].kind, IocKind::File);
        assert_eq!(skipped, [IocSkipped { line: 8, text: "not an indicator".into() }]);
    }

    #[test]
    fn hashes_match_inside_sysmon_hash_lists_only_whole() {
        let s = set("D41D8CD98F00B204E9800998ECF8427E\n");
        let hit = json!({"Hashes": "SHA1=AA,MD5=D41D8CD98F00B204E9800998ECF8427E,IMPHASH=00"});
        assert_eq!(s.scan(&fields(hit)).len(), 1);
        assert!(s.scan(&fields(json!({"Hashes": "MD5=D41D8CD98F00B204E9800998ECF8427E00"}))).is_empty());
    }

    #[test]
    fn domains_match_subdomains_and_urls_but_not_lookalikes() {
        let s = set("evil.com\n");
        assert_eq!(s.scan(&fields(json!({"QueryName": "www.evil.com"})))[0].field, "QueryName");
        assert_eq!(s.scan(&fields(json!({"url": "https://evil.com/x"}))).len(), 1);
        assert!(s.scan(&fields(json!({"QueryName": "notevil.com"}))).is_empty());
        assert!(s.scan(&fields(json!({"QueryName": "evil.community"}))).is_empty());
        assert!(s.scan(&fields(json!({"QueryName": "evil.com.example.net"}))).is_empty());
        assert_eq!(s.scan(&fields(json!({"QueryName": "evil.com."}))).len(), 1);
    }

    #[test]
    fn addresses_and_ranges() {
        let s = set("10.1.2.3\n203.0.113.0/24\n");
        assert_eq!(s.scan(&fields(json!({"DestinationIp": "10.1.2.3"}))).len(), 1);
        assert!(s.scan(&fields(json!({"DestinationIp": "10.1.2.30"}))).is_empty());
        assert!(s.scan(&fields(json!({"x": "110.1.2.3"}))).is_empty());
        assert_eq!(s.scan(&fields(json!({"srcip": "203.0.113.77"}))).len(), 1);
        assert!(s.scan(&fields(json!({"srcip": "203.0.114.1"}))).is_empty());
        let nested = json!({"source": {"ip": "10.1.2.3"}});
        assert_eq!(s.scan(&fields(nested))[0].field, "source.ip");
    }
}
