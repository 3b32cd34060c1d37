//! The log-source mapping (`data/logsources.yml`, extendable with a user's file): which
//! events a Sigma `logsource` covers and which Sigma field names are spelled differently in
//! them. Rules are grouped by log source; an event is evaluated only against the groups
//! whose conditions it meets.

use serde::Deserialize;
use serde_json::Value;

use crate::LogEvent;

const BUILTIN: &str = include_str!("../../data/logsources.yml");

#[derive(Debug, thiserror::Error)]
#[error("{file}: {reason}")]
pub struct MappingError {
    pub file: String,
    pub reason: String,
}

/// A Sigma log source as rules name it, lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Deserialize)]
pub struct LogSourceKey {
    pub product: Option<String>,
    pub category: Option<String>,
    pub service: Option<String>,
}

impl LogSourceKey {
    pub fn new(product: Option<&str>, category: Option<&str>, service: Option<&str>) -> Self {
        let norm = |s: Option<&str>| s.map(|s| s.trim().to_ascii_lowercase());
        LogSourceKey { product: norm(product), category: norm(category), service: norm(service) }
    }

    fn normalised(self) -> Self {
        LogSourceKey::new(self.product.as_deref(), self.category.as_deref(), self.service.as_deref())
    }
}

impl std::fmt::Display for LogSourceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = [("product", &self.product), ("category", &self.category), ("service", &self.service)]
            .iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}: {v}")))
            .collect();
        if parts.is_empty() { f.write_str("(none)") } else { f.write_str(&parts.join(", ")) }
    }
}

#[derive(Debug, Clone)]
enum Wanted {
    Present,
    AnyOf(Vec<String>),
}

/// One way for an event to belong to a log source.
#[derive(Debug, Clone)]
pub(crate) struct Alternative {
    conditions: Vec<(String, Wanted)>,
    pub(crate) renames: Vec<(String, String)>,
    /// The [`key_bit`]s of the fields its conditions name: an event that lacks one of
    /// them (a syslog source's `program` on an EVTX event) is turned away without a lookup.
    needs: u64,
}

impl Alternative {
    fn admits<'m>(&'m self, event: &mut Lookups<'m, '_>) -> bool {
        if self.needs & !event.keys != 0 {
            return false;
        }
        self.conditions.iter().all(|(field, wanted)| match (wanted, event.text(field)) {
            (_, None) => false,
            (Wanted::Present, Some(_)) => true,
            (Wanted::AnyOf(values), Some(v)) => values.iter().any(|w| w.eq_ignore_ascii_case(v)),
        })
    }

    fn channels(&self) -> Option<&[String]> {
        self.any_of("Channel")
    }

    /// The values `field` must have one of, when the alternative names them.
    fn any_of(&self, field: &str) -> Option<&[String]> {
        self.conditions.iter().find_map(|(f, w)| match w {
            Wanted::AnyOf(values) if f == field => Some(values.as_slice()),
            _ => None,
        })
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Source {
    pub(crate) key: LogSourceKey,
    pub(crate) alternatives: Vec<Alternative>,
}

/// The whole table, with an index by channel and event id so most events test only a few
/// entries.
#[derive(Debug, Clone)]
pub struct Mapping {
    pub(crate) sources: Vec<Source>,
    /// Indexes into `channels`, by each channel's name as the table spells it and in lower
    /// case: events mostly spell it as the table does, and are then looked up as they are.
    by_channel: FastMap<String, usize>,
    channels: Vec<ChannelRoutes>,
    without_channel: Vec<(usize, usize)>,
}

/// A map hashed with foldhash: looked up several times for every event.
type FastMap<K, V> = hashbrown::HashMap<K, V, foldhash::fast::FixedState>;

/// The alternatives of one channel: Security's name it with some thirty categories, each
/// for its own event ids, and testing every one cost a Security event 0.3 µs.
#[derive(Debug, Clone, Default)]
struct ChannelRoutes {
    /// Alternatives that name event ids, by id (lower-cased, as compared).
    by_id: FastMap<String, Vec<(usize, usize)>>,
    /// The others.
    any_id: Vec<(usize, usize)>,
}

#[derive(Deserialize)]
struct FileDef {
    sources: Vec<SourceDef>,
}

#[derive(Deserialize)]
struct SourceDef {
    logsource: LogSourceKey,
    when: Vec<serde_json::Map<String, Value>>,
}

impl Mapping {
    /// The mapping shipped with Mamoru.
    pub fn builtin() -> Self {
        let mut m = Mapping {
            sources: Vec::new(),
            by_channel: FastMap::default(),
            channels: Vec::new(),
            without_channel: Vec::new(),
        };
        m.extend(BUILTIN, "builtin logsources.yml").expect("the built-in mapping is valid (tested)");
        m
    }

    /// Adds a user's entries; an entry for a log source already present replaces it.
    pub fn extend(&mut self, yaml: &str, file: &str) -> Result<(), MappingError> {
        let err = |reason: String| MappingError { file: file.to_string(), reason };
        let def: FileDef = yaml_serde::from_str(yaml).map_err(|e| err(e.to_string()))?;
        for (i, source) in def.sources.into_iter().enumerate() {
            let key = source.logsource.normalised();
            if key == LogSourceKey::default() {
                return Err(err(format!("sources[{i}]: logsource names no product, category or service")));
            }
            let mut alternatives = Vec::new();
            for (j, when) in source.when.into_iter().enumerate() {
                alternatives.push(alternative(when).map_err(|r| err(format!("sources[{i}].when[{j}]: {r}")))?);
            }
            if alternatives.is_empty() {
                return Err(err(format!("sources[{i}] ({key}): `when` is empty")));
            }
            match self.sources.iter_mut().find(|s| s.key == key) {
                Some(existing) => existing.alternatives = alternatives,
                None => self.sources.push(Source { key, alternatives }),
            }
        }
        self.reindex();
        Ok(())
    }

    fn reindex(&mut self) {
        self.by_channel.clear();
        self.channels.clear();
        self.without_channel.clear();
        for (s, source) in self.sources.iter().enumerate() {
            for (a, alt) in source.alternatives.iter().enumerate() {
                match alt.channels() {
                    Some(channels) => {
                        for c in channels {
                            let lower = c.to_ascii_lowercase();
                            let index = match self.by_channel.get(&lower) {
                                Some(&i) => i,
                                None => {
                                    self.channels.push(ChannelRoutes::default());
                                    self.by_channel.insert(lower, self.channels.len() - 1);
                                    self.channels.len() - 1
                                }
                            };
                            self.by_channel.entry(c.clone()).or_insert(index);
                            let routes = &mut self.channels[index];
                            match alt.any_of("EventID") {
                                Some(ids) => {
                                    for id in ids {
                                        routes.by_id.entry(id.to_ascii_lowercase()).or_default().push((s, a));
                                    }
                                }
                                None => routes.any_id.push((s, a)),
                            }
                        }
                    }
                    None => self.without_channel.push((s, a)),
                }
            }
        }
    }

    pub(crate) fn source_of(&self, key: &LogSourceKey) -> Option<usize> {
        self.sources.iter().position(|s| &s.key == key)
    }

    /// The (source, alternative) pairs an event belongs to, at most one alternative per source.
    pub(crate) fn routes(&self, event: &LogEvent, out: &mut Vec<(usize, usize)>) {
        out.clear();
        // A Sysmon event meets some thirty alternatives, each asking for its channel and id.
        let mut lookups = Lookups::new(event);
        // The channel's alternatives for the event's id, in the table's order: the first
        // alternative of a source is the one used.
        let channel = lookups
            .text("Channel")
            .and_then(|c| self.by_channel.get(c).or_else(|| self.by_channel.get(&c.to_ascii_lowercase())));
        if let Some(&channel) = channel {
            let routes = &self.channels[channel];
            out.extend_from_slice(&routes.any_id);
            let by_id = lookups.text("EventID").and_then(|id| match id.bytes().any(|b| b.is_ascii_uppercase()) {
                true => routes.by_id.get(&id.to_ascii_lowercase()),
                false => routes.by_id.get(id),
            });
            if let Some(by_id) = by_id {
                out.extend_from_slice(by_id);
                out.sort_unstable();
            }
        }
        // Then the alternatives that name no channel; of each source, the first admitted.
        out.extend_from_slice(&self.without_channel);
        let mut kept = 0;
        for i in 0..out.len() {
            let (s, a) = out[i];
            if !out[..kept].iter().any(|(seen, _)| *seen == s) && self.sources[s].alternatives[a].admits(&mut lookups) {
                out[kept] = (s, a);
                kept += 1;
            }
        }
        out.truncate(kept);
    }

    pub(crate) fn renames(&self, source: usize, alternative: usize) -> &[(String, String)] {
        &self.sources[source].alternatives[alternative].renames
    }

    pub fn len(&self) -> usize {
        self.sources.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }
}

/// An event's values of the fields the conditions name, each looked up (and a number
/// written out) once per event rather than once per condition.
struct Lookups<'m, 'e> {
    event: &'e LogEvent,
    /// One bit per [`key_bit`] of the event's keys: most conditions name fields of other
    /// formats (`program`, `log_format` on an EVTX event), and a clear bit answers "absent"
    /// without hashing the name.
    keys: u64,
    seen: Vec<(&'m str, Option<std::borrow::Cow<'e, str>>)>,
}

impl<'m, 'e> Lookups<'m, 'e> {
    fn new(event: &'e LogEvent) -> Self {
        let keys = event.fields.keys().fold(0, |bits, k| bits | key_bit(k));
        Lookups { event, keys, seen: Vec::with_capacity(4) }
    }

    fn text(&mut self, field: &'m str) -> Option<&str> {
        if self.keys & key_bit(field) == 0 {
            return None;
        }
        let i = match self.seen.iter().position(|(f, _)| *f == field) {
            Some(i) => i,
            None => {
                self.seen.push((field, self.event.text(field)));
                self.seen.len() - 1
            }
        };
        self.seen[i].1.as_deref()
    }
}

/// A cheap signature of a field name: its length and its first and last bytes.
fn key_bit(name: &str) -> u64 {
    let b = name.as_bytes();
    let (first, last) = (b.first().copied().unwrap_or(0), b.last().copied().unwrap_or(0));
    1 << ((b.len() * 7 + usize::from(first) * 3 + usize::from(last)) % 64)
}

fn alternative(when: serde_json::Map<String, Value>) -> Result<Alternative, String> {
    let mut conditions = Vec::new();
    let mut renames = Vec::new();
    for (field, value) in when {
        if field == "fields" {
            let Value::Object(map) = value else { return Err("`fields` must map Sigma names to event names".into()) };
            for (from, to) in map {
                let Value::String(to) = to else { return Err(format!("fields.{from} must be a field name")) };
                renames.push((from, to));
            }
            continue;
        }
        let wanted = match value {
            Value::String(s) if s == "*" => Wanted::Present,
            Value::Array(items) => Wanted::AnyOf(items.iter().map(scalar).collect::<Result<_, _>>()?),
            other => Wanted::AnyOf(vec![scalar(&other)?]),
        };
        conditions.push((field, wanted));
    }
    if conditions.is_empty() {
        return Err("an alternative needs at least one field condition".into());
    }
    let needs = conditions.iter().fold(0, |bits, (field, _)| bits | key_bit(field));
    Ok(Alternative { conditions, renames, needs })
}

fn scalar(v: &Value) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(format!("a condition value must be text or a number, not {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::from_json_line;

    #[test]
    fn the_builtin_mapping_loads_and_routes_sysmon_and_security() {
        let m = Mapping::builtin();
        assert!(m.len() > 80);
        let mut out = Vec::new();
        let sysmon =
            from_json_line(r#"{"Event":{"System":{"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational"}}}"#)
                .unwrap();
        m.routes(&sysmon, &mut out);
        let keys: Vec<String> = out.iter().map(|(s, _)| m.sources[*s].key.to_string()).collect();
        assert!(keys.contains(&"product: windows, category: process_creation".to_string()), "{keys:?}");
        assert!(keys.contains(&"product: windows, service: sysmon".to_string()), "{keys:?}");

        let security = from_json_line(r#"{"Event":{"System":{"EventID":4688,"Channel":"SECURITY"}}}"#).unwrap();
        m.routes(&security, &mut out);
        let (s, a) = out
            .iter()
            .copied()
            .find(|(s, _)| m.sources[*s].key.category.as_deref() == Some("process_creation"))
            .unwrap();
        assert!(m.renames(s, a).contains(&("Image".into(), "NewProcessName".into())));
    }

    /// What `routes` finds through its index: every alternative tested in the table's order,
    /// those naming a channel first, and the first one admitted of each source kept.
    fn routes_tested_one_by_one(m: &Mapping, event: &LogEvent) -> Vec<(usize, usize)> {
        let mut lookups = Lookups::new(event);
        let mut out: Vec<(usize, usize)> = Vec::new();
        for with_channel in [true, false] {
            for (s, source) in m.sources.iter().enumerate() {
                for (a, alt) in source.alternatives.iter().enumerate() {
                    if alt.channels().is_some() == with_channel
                        && !out.iter().any(|(seen, _)| *seen == s)
                        && alt.admits(&mut lookups)
                    {
                        out.push((s, a));
                    }
                }
            }
        }
        out
    }

    #[test]
    fn the_index_by_channel_and_id_finds_what_testing_every_alternative_finds() {
        let m = Mapping::builtin();
        let mut events = Vec::new();
        for alt in m.sources.iter().flat_map(|s| &s.alternatives) {
            for channel in alt.channels().unwrap_or(&[]) {
                let ids = alt.any_of("EventID").map(<[String]>::to_vec).unwrap_or_else(|| vec!["1".into()]);
                for id in ids {
                    // As written, in upper case, with the id as text, and with no id.
                    let upper = channel.to_uppercase();
                    events.push(format!(r#"{{"Event":{{"System":{{"EventID":{id},"Channel":"{channel}"}}}}}}"#));
                    events.push(format!(r#"{{"Event":{{"System":{{"EventID":"{id}","Channel":"{upper}"}}}}}}"#));
                    events.push(format!(r#"{{"Event":{{"System":{{"Channel":"{channel}"}}}}}}"#));
                }
            }
        }
        events.push(r##"{"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Kernel-File"}},"EventID":12,"Channel":"Microsoft-Windows-Kernel-File/Analytic"}}}"##.into());
        events.push(r#"{"log_format":"syslog","program":"sshd","message":"x"}"#.into());
        assert!(events.len() > 200, "{}", events.len());
        let mut out = Vec::new();
        let mut routed = 0;
        for json in &events {
            let event = from_json_line(json).unwrap();
            m.routes(&event, &mut out);
            assert_eq!(out, routes_tested_one_by_one(&m, &event), "{json}");
            routed += usize::from(!out.is_empty());
        }
        assert!(routed > 200, "{routed} of {} events routed", events.len());
    }

    #[test]
    fn kernel_file_events_are_file_access_and_file_rename_and_others_are_not() {
        // The taxonomy names an ETW provider for these, not a channel.
        let m = Mapping::builtin();
        let keys = |json: &str| {
            let mut out = Vec::new();
            m.routes(&from_json_line(json).unwrap(), &mut out);
            out.iter().map(|(s, _)| m.sources[*s].key.to_string()).collect::<Vec<_>>()
        };
        let etw = keys(
            r##"{"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Kernel-File"}},"EventID":12,"Channel":"Microsoft-Windows-Kernel-File/Analytic"}}}"##,
        );
        assert!(etw.contains(&"product: windows, category: file_access".to_string()), "{etw:?}");
        assert!(etw.contains(&"product: windows, category: file_rename".to_string()), "{etw:?}");
        let sysmon = keys(
            r##"{"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon"}},"EventID":11,"Channel":"Microsoft-Windows-Sysmon/Operational"}}}"##,
        );
        assert!(!sysmon.iter().any(|k| k.contains("file_access") || k.contains("file_rename")), "{sysmon:?}");
    }

    #[test]
    fn conditions_on_fields_of_every_name_see_the_fields_the_event_has() {
        let mut m = Mapping::builtin();
        let names = ["a", "program", "log_format", "devid", "Provider_Name", "x1", "x2", "EventID"];
        let yaml: String = names
            .iter()
            .map(|n| format!("  - logsource: {{product: test, service: {n}}}\n    when: [{{{n}: \"*\"}}]\n"))
            .collect();
        m.extend(&format!("sources:\n{yaml}"), "fields.yml").unwrap();
        let mut out = Vec::new();
        for name in names {
            let event = from_json_line(&format!(r#"{{"{name}": "v", "other": 1}}"#)).unwrap();
            m.routes(&event, &mut out);
            let services: Vec<&str> = out.iter().filter_map(|(s, _)| m.sources[*s].key.service.as_deref()).collect();
            assert_eq!(services, [name.to_ascii_lowercase()], "{name}");
        }
    }

    #[test]
    fn a_user_file_replaces_an_entry_and_bad_files_name_the_entry() {
        let mut m = Mapping::builtin();
        let n = m.len();
        m.extend(
            "sources:\n  - logsource: {product: windows, service: security}\n    when: [{Channel: MySecurity}]\n",
            "mine.yml",
        )
        .unwrap();
        assert_eq!(m.len(), n);
        let e = from_json_line(r#"{"Event":{"System":{"EventID":1,"Channel":"MySecurity"}}}"#).unwrap();
        let mut out = Vec::new();
        m.routes(&e, &mut out);
        assert_eq!(out.len(), 1);
        let bad =
            m.extend("sources:\n  - logsource: {product: x}\n    when: [{fields: {a: b}}]\n", "bad.yml").unwrap_err();
        assert_eq!(bad.to_string(), "bad.yml: sources[0].when[0]: an alternative needs at least one field condition");
        assert!(m.extend("sources: [", "broken.yml").unwrap_err().to_string().starts_with("broken.yml: "));
    }
}
