//! A closed case, anonymized for an ISAC or a training scenario.
//!
//! Only what helps others defend is kept, generalised so that no facility, patient or member
//! of staff can be told: the kind and size band of facility and its region (not its
//! prefecture), the month it happened, how long each step took (in days from awareness),
//! which first-hour steps were taken, the breach-report categories and a band of the number
//! of people, and the indicators an attacker leaves (public addresses, domains, URLs,
//! hashes, file names). The free-text cause and prevention are included after removing
//! addresses, phone numbers, mail addresses and internal host names, and flagged for a
//! person to read before sharing: software cannot promise a name is not in them.

use jiff::Timestamp;
use mamoru_domain::CaseId;
use mamoru_domain::access::Action;
use mamoru_domain::appi::{People, day_number, tokyo_date};
use mamoru_domain::incident::{CaseStatus, EntryKind, IocKind};
use serde_json::{Value, json};

use super::appi::appi_view;
use super::record::invalid;
use crate::error::Result;
use crate::{App, Principal};

impl App {
    /// The anonymized summary of a closed case (see the module documentation).
    pub async fn case_anonymized(&self, p: &Principal, id: CaseId) -> Result<Value> {
        let view = self.case_view(p, id).await?;
        p.require(Action::ReportIncidents, Some(view.case.facility))?;
        let case = &view.case;
        if case.status != CaseStatus::Closed {
            return Err(invalid("status", mamoru_domain::Problem::NotAllowed("only a closed case is shared".into())));
        }
        let facility = self.store.facility(p.org, case.facility).await?;
        let appi = appi_view(case, facility.draft.operator, &view.entries, Timestamp::now());
        let aware_on = tokyo_date(case.aware_at);
        let day = |t: Timestamp| day_number(aware_on, tokyo_date(t));
        let f = &facility.draft;
        let stages: Vec<Value> = view
            .entries
            .iter()
            .filter(|e| e.kind == EntryKind::Status)
            .filter_map(|e| {
                let to = CaseStatus::ALL
                    .iter()
                    .find(|s| e.text.ends_with(s.ja()) || e.text.contains(&format!("→ {}（", s.ja())))?;
                Some(json!({ "day": day(e.at), "stage": to.code() }))
            })
            .collect();
        let first_hour: Vec<Value> = view
            .entries
            .iter()
            .filter(|e| e.kind == EntryKind::Checklist)
            .filter_map(|e| Some(json!({ "item": e.reference.clone()?, "day": day(e.at) })))
            .collect();
        let iocs: Vec<Value> = view
            .iocs
            .iter()
            .filter(|i| shareable(i.kind, &i.value))
            .map(|i| json!({ "kind": i.kind.code(), "value": i.value }))
            .collect();
        let (categories, people) = match (&appi.facts, &appi.obligation) {
            (Some(facts), Some(o)) => (
                json!(o.categories.iter().map(|c| c.number()).collect::<Vec<_>>()),
                json!(match facts.people {
                    People::Known(n) => people_band(n),
                    People::MayExceed => "may_exceed_threshold",
                    People::Unknown => "unknown",
                }),
            ),
            _ => (Value::Null, Value::Null),
        };
        let scrubbed = |key: &str| case.fields.get(key).map(|t| scrub(t));
        Ok(json!({
            "schema": "mamoru.case.anonymized/1",
            "facility": {
                "kind": f.kind.map(|k| k.code()),
                "beds": f.beds.map(beds_band),
                "region": f.prefecture.map(|p| region(p.code())),
                "operator": f.operator.code(),
            },
            "severity": case.severity.code(),
            "month": format!("{:04}-{:02}", aware_on.year(), aware_on.month()),
            "source": case.source.code(),
            "days_open": case.closed_at.map(day),
            "stages": stages,
            "first_hour": first_hour,
            "appi": { "categories": categories, "people": people, "regime": appi.regime.code() },
            "systems": view.scope.iter().filter(|s| s.kind == "system").map(|s| s.label.clone()).collect::<Vec<_>>(),
            "iocs": iocs,
            "cause": scrubbed("cause"),
            "prevention": scrubbed("prevention"),
            "review_required": true,
        }))
    }
}

/// Indicators an attacker leaves are worth sharing; the facility's own addresses and mail
/// boxes are not (they would name it).
fn shareable(kind: IocKind, value: &str) -> bool {
    match kind {
        IocKind::Ip => {
            let ip = value.split('/').next().unwrap_or(value);
            match ip.parse::<std::net::IpAddr>() {
                Ok(std::net::IpAddr::V4(v4)) => !(v4.is_private() || v4.is_loopback() || v4.is_link_local()),
                Ok(std::net::IpAddr::V6(v6)) => !(v6.is_loopback() || (v6.segments()[0] & 0xfe00) == 0xfc00),
                Err(_) => false,
            }
        }
        IocKind::Domain | IocKind::Url | IocKind::Hash | IocKind::File => true,
        IocKind::Email | IocKind::Other => false,
    }
}

fn people_band(n: u64) -> &'static str {
    match n {
        0..=1 => "1",
        2..=100 => "2-100",
        101..=1_000 => "101-1000",
        1_001..=10_000 => "1001-10000",
        _ => "over_10000",
    }
}

fn beds_band(beds: u32) -> &'static str {
    match beds {
        0 => "0",
        1..=19 => "1-19",
        20..=199 => "20-199",
        200..=399 => "200-399",
        _ => "400+",
    }
}

/// The region of a prefecture by its JIS code (the eight regions of school geography).
fn region(code: u8) -> &'static str {
    match code {
        1 => "hokkaido",
        2..=7 => "tohoku",
        8..=14 => "kanto",
        15..=23 => "chubu",
        24..=30 => "kinki",
        31..=35 => "chugoku",
        36..=39 => "shikoku",
        _ => "kyushu_okinawa",
    }
}

/// Removes what names a place or a person from free text: mail addresses, phone numbers,
/// private IP addresses and Windows-style host names (`PC-01`, `EMR-SV01`).
fn scrub(text: &str) -> String {
    text.split_inclusive(char::is_whitespace)
        .map(|token| {
            let word = token.trim_end();
            let tail = &token[word.len()..];
            let core = word.trim_matches(|c: char| "()（）「」、。,.:;".contains(c));
            let private_ip = core.parse::<std::net::Ipv4Addr>().is_ok_and(|ip| ip.is_private());
            let phone = core.chars().filter(char::is_ascii_digit).count() >= 9
                && core.chars().all(|c| c.is_ascii_digit() || c == '-' || c == '+');
            let host = core.contains('-')
                && core.len() >= 4
                && core.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
                && core.chars().any(|c| c.is_ascii_digit());
            if core.contains('@') || private_ip || phone || host {
                format!("{}{tail}", word.replace(core, "[削除]"))
            } else {
                token.to_owned()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_attackers_traces_are_shared() {
        assert!(shareable(IocKind::Ip, "203.0.113.9"));
        assert!(!shareable(IocKind::Ip, "192.168.1.20"));
        assert!(!shareable(IocKind::Ip, "10.0.0.0/8"));
        assert!(shareable(IocKind::Hash, "44d88612fea8a8f36de82e1278abb02f"));
        assert!(!shareable(IocKind::Email, "staff@minato.example"));
    }

    #[test]
    fn free_text_loses_addresses_numbers_and_host_names() {
        let t = scrub(
            "EMR-SV01 (192.168.10.5) が暗号化。担当 yamada@minato.example 03-1234-5678 に連絡。VPN装置の脆弱性。",
        );
        assert!(
            !t.contains("EMR-SV01") && !t.contains("192.168") && !t.contains("yamada@") && !t.contains("1234"),
            "{t}"
        );
        assert!(t.contains("VPN装置の脆弱性"), "{t}");
    }

    #[test]
    fn bands() {
        assert_eq!(
            (people_band(1), people_band(1_001), beds_band(250), region(13)),
            ("1", "1001-10000", "200-399", "kanto")
        );
    }
}
