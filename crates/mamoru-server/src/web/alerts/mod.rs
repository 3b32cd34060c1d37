//! Detection alerts: the list, one alert with its triage forms, and the suppression rules
//! that false positives leave behind. Shared here: how a rule's tags and an alert's state are
//! shown.

pub(crate) mod detail;
pub(crate) mod list;
pub(crate) mod suppressions;

use mamoru_domain::AlertStatus;

/// A rule tag as a page shows it: ATT&CK techniques by their id, linked to MITRE's page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tag {
    /// What the badge says: `T1070.001`, `defense-evasion`, or the tag as written.
    pub(crate) text: String,
    /// MITRE ATT&CK's page of a technique.
    pub(crate) url: Option<String>,
}

impl Tag {
    /// Reads a Sigma tag: `attack.t1070.001` is a technique, `attack.defense_evasion` a tactic.
    pub(crate) fn of(tag: &str) -> Self {
        let Some(rest) = tag.strip_prefix("attack.") else { return Tag { text: tag.to_owned(), url: None } };
        let technique = rest.strip_prefix(['t', 'T']).filter(|n| {
            let (main, sub) = n.split_once('.').unwrap_or((n, "000"));
            let digits = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_digit());
            digits(main, 4) && digits(sub, 3)
        });
        match technique {
            Some(n) => Tag {
                text: format!("T{n}"),
                url: Some(format!("https://attack.mitre.org/techniques/T{}/", n.replace('.', "/"))),
            },
            None => Tag { text: rest.replace('_', "-"), url: None },
        }
    }

    /// Every tag of a rule.
    pub(crate) fn all(tags: &[String]) -> Vec<Tag> {
        tags.iter().map(|t| Tag::of(t)).collect()
    }
}

/// The badge class of a state: new and escalated ask for attention, a false positive is done.
pub(crate) fn status_class(s: AlertStatus) -> &'static str {
    match s {
        AlertStatus::New => "warn",
        AlertStatus::Escalated => "bad",
        AlertStatus::Acknowledged => "",
        AlertStatus::FalsePositive => "ok",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attack_tags_become_technique_ids_with_links() {
        let t = Tag::of("attack.t1070.001");
        assert_eq!(t.text, "T1070.001");
        assert_eq!(t.url.as_deref(), Some("https://attack.mitre.org/techniques/T1070/001/"));
        assert_eq!(Tag::of("attack.T1110").url.as_deref(), Some("https://attack.mitre.org/techniques/T1110/"));
        assert_eq!(Tag::of("attack.defense_evasion"), Tag { text: "defense-evasion".into(), url: None });
        assert_eq!(Tag::of("attack.t10x"), Tag { text: "t10x".into(), url: None });
        assert_eq!(Tag::of("cve.2021-44228"), Tag { text: "cve.2021-44228".into(), url: None });
    }
}
