//! A loaded rule set: Sigma rules compiled by `rsigma-eval`, grouped by the log source
//! they name (a group's engines split by event id: `group.rs`), correlation rules, and what
//! could not be loaded.

mod event_ids;
mod group;
mod load;
mod locate;
mod normalize;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use rayon::prelude::*;

use rsigma_eval::{CorrelationConfig, CorrelationEngine, Engine};
use rsigma_parser::{SigmaRule, Status};
use serde::Serialize;

use crate::Level;
use crate::mapping::{LogSourceKey, Mapping};
pub(crate) use group::Group;

/// The custom attribute that carries a rule's index in [`RuleSet::rules`] through the
/// engine, so a result leads back to its file.
pub(crate) const RULE_INDEX: &str = "mamoru_rule";

/// A rule that could not be loaded: the file, the line and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleFailure {
    pub file: String,
    pub line: usize,
    pub reason: String,
}

/// What the timeline and the alerts show about a rule.
#[derive(Debug, Clone, Serialize)]
pub struct RuleInfo {
    pub id: Option<String>,
    pub title: String,
    pub level: Level,
    pub status: Option<String>,
    pub file: String,
    pub line: usize,
    pub tags: Vec<String>,
    pub author: Option<String>,
    pub logsource: String,
    pub correlation: bool,
}

/// Which rules to load.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    pub min_level: Level,
    /// Statuses to leave out (by default `deprecated` and `unsupported`).
    pub skip_status: Vec<String>,
    /// When not empty, only rules with one of these tags (e.g. `attack.t1059`).
    pub include_tags: Vec<String>,
    pub exclude_tags: Vec<String>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            min_level: Level::Informational,
            skip_status: vec!["deprecated".into(), "unsupported".into()],
            include_tags: Vec::new(),
            exclude_tags: Vec::new(),
        }
    }
}

/// The summary `mamoru rules check` prints.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LoadReport {
    pub files: usize,
    /// Rules (detection and correlation) ready to run.
    pub loaded: usize,
    pub correlations: usize,
    pub filters: usize,
    /// Left out by level, status or tag.
    pub skipped: usize,
    /// Loaded rules whose log source is not in the mapping: they are evaluated against
    /// every event of their product, as Hayabusa does.
    pub unmapped: Vec<UnmappedSource>,
    pub failed: Vec<RuleFailure>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnmappedSource {
    pub logsource: String,
    pub rules: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum GroupKey {
    Source(usize),
    Unmapped(Option<String>),
}

pub struct RuleSet {
    pub(crate) mapping: Mapping,
    pub(crate) rules: Vec<RuleInfo>,
    /// One engine per mapping source (same index); most are empty.
    pub(crate) by_source: Vec<Option<Group>>,
    /// Rules whose log source the mapping lacks, by product.
    pub(crate) unmapped: Vec<(Option<String>, Group)>,
    pub(crate) correlation: Option<crate::detector::SharedCorrelation>,
    /// Rules a correlation refers to, by index.
    pub(crate) correlated: Vec<bool>,
    /// Rules and correlations whose hits only feed correlations (`generate: false`), by index.
    pub(crate) hidden: Vec<bool>,
    /// IOC lists, each shown as one rule (its index in `rules`).
    pub(crate) iocs: Vec<(usize, crate::ioc::IocSet)>,
}

impl RuleSet {
    /// Loads every rule under `paths`. Never fails as a whole: what cannot be loaded is
    /// in the report, with file and line.
    pub fn load(paths: &[PathBuf], options: &LoadOptions, mapping: Mapping) -> (RuleSet, LoadReport) {
        let (files, failures) = load::rule_files(paths);
        Self::from_parsed(load::parse_files(&files), failures, options, mapping)
    }

    /// Loads rules given as `(name, YAML text)`, e.g. a rule set built into the binary; the
    /// name stands for the file in reports and detections.
    pub fn load_texts(texts: &[(&str, &str)], options: &LoadOptions, mapping: Mapping) -> (RuleSet, LoadReport) {
        Self::from_parsed(load::parse_texts(texts), Vec::new(), options, mapping)
    }

    fn from_parsed(
        mut parsed: load::Parsed,
        mut failures: Vec<RuleFailure>,
        options: &LoadOptions,
        mapping: Mapping,
    ) -> (RuleSet, LoadReport) {
        failures.append(&mut parsed.failures);
        let mut report = LoadReport { files: parsed.files, filters: parsed.filters.len(), ..LoadReport::default() };

        let mut rules = Vec::new();
        let mut grouped: HashMap<GroupKey, Vec<SigmaRule>> = HashMap::new();
        let mut unmapped_count: HashMap<String, usize> = HashMap::new();
        let mut origins = Vec::new();
        let mut all_rules = Vec::new();
        for (mut rule, origin) in parsed.rules {
            if !wanted(&rule, options) {
                report.skipped += 1;
                continue;
            }
            if let Err(reason) = normalize::rule(&mut rule) {
                failures.push(origin.failure(&reason));
                continue;
            }
            event_ids::rule(&mut rule);
            let key = LogSourceKey::new(
                rule.logsource.product.as_deref(),
                rule.logsource.category.as_deref(),
                rule.logsource.service.as_deref(),
            );
            let index = rules.len();
            rules.push(info(&rule, &origin, &key));
            rule.custom_attributes.insert(RULE_INDEX.into(), yaml_serde::Value::Number(index.into()));
            let group = match mapping.source_of(&key) {
                Some(s) => GroupKey::Source(s),
                None => {
                    *unmapped_count.entry(key.to_string()).or_default() += 1;
                    GroupKey::Unmapped(key.product.clone())
                }
            };
            if parsed.correlations.iter().any(|(c, _)| names(&rule, c)) {
                all_rules.push(rule.clone());
            }
            grouped.entry(group).or_default().push(rule);
            origins.push(origin);
        }

        let mut loaded = vec![true; rules.len()];
        let mut by_source: Vec<Option<Group>> = (0..mapping.len()).map(|_| None).collect();
        let mut unmapped = Vec::new();
        // Each group's rules are split by the event ids they need (`group.rs`), and every
        // engine is compiled on its own: largest first, so that the largest (process
        // creation: half the rules) starts at once and the small ones fill the other cores.
        let mut units = Vec::new();
        for (group, members) in grouped {
            units.extend(group::split(members).into_iter().map(|(ids, members)| (group.clone(), ids, members)));
        }
        units.sort_by(|a, b| b.2.len().cmp(&a.2.len()).then_with(|| (&a.0, &a.1).cmp(&(&b.0, &b.1))));
        let built: Vec<_> = units
            .into_par_iter()
            .map(|(group, ids, members)| {
                let mut engine = Engine::new();
                // rsigma builds a bloom index of up to 1 MB for every engine, which it consults
                // only with its bloom prefilter on (off by default, and in Mamoru).
                engine.set_bloom_max_bytes(0);
                let errors: Vec<(usize, String)> = engine
                    .add_rules(members.iter())
                    .into_iter()
                    .map(|(i, e)| (rule_index(&members[i]), e.to_string()))
                    .collect();
                (group, ids, engine, errors)
            })
            .collect();
        let mut groups: BTreeMap<GroupKey, Group> = BTreeMap::new();
        for (group, ids, engine, errors) in built {
            for (index, e) in errors {
                loaded[index] = false;
                failures.push(origins[index].failure(&e));
            }
            groups.entry(group).or_default().add(&ids, engine);
        }
        for (group, g) in groups {
            match group {
                GroupKey::Source(s) => by_source[s] = Some(g),
                GroupKey::Unmapped(product) => unmapped.push((product, g)),
            }
        }

        // Filters apply to whichever engine holds the rules they name.
        for (filter, origin) in &parsed.filters {
            for group in by_source.iter_mut().flatten().chain(unmapped.iter_mut().map(|(_, g)| g)) {
                if let Err(e) = group.apply_filter(filter) {
                    failures.push(origin.failure(&e.to_string()));
                    break;
                }
            }
        }

        let mut correlated = vec![false; rules.len()];
        let (correlation, hidden) =
            correlations(&parsed.correlations, &all_rules, &mut rules, &mut correlated, &mut failures);
        report.correlations =
            parsed.correlations.len() - failures.iter().filter(|f| f.reason.starts_with("correlation: ")).count();

        report.loaded = loaded.iter().filter(|l| **l).count() + report.correlations;
        let mut unmapped_list: Vec<_> =
            unmapped_count.into_iter().map(|(logsource, rules)| UnmappedSource { logsource, rules }).collect();
        unmapped_list.sort_by(|a, b| b.rules.cmp(&a.rules).then_with(|| a.logsource.cmp(&b.logsource)));
        report.unmapped = unmapped_list;
        failures.sort_by(|a, b| a.file.cmp(&b.file).then(a.line.cmp(&b.line)));
        report.failed = failures;
        let correlation = correlation.map(std::sync::Mutex::new);
        let set = RuleSet { mapping, rules, by_source, unmapped, correlation, correlated, hidden, iocs: Vec::new() };
        (set, report)
    }

    /// Adds an indicator list; its hits are detections of a rule named after the list.
    pub fn add_iocs(&mut self, name: &str, level: Level, set: crate::ioc::IocSet) {
        let index = self.rules.len();
        self.rules.push(RuleInfo {
            id: None,
            title: format!("IOC match: {name}"),
            level,
            status: None,
            file: name.to_string(),
            line: 0,
            tags: Vec::new(),
            author: None,
            logsource: "any".into(),
            correlation: false,
        });
        self.iocs.push((index, set));
    }

    pub fn rules(&self) -> &[RuleInfo] {
        &self.rules
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

/// Whether a correlation rule counts this rule (by id or name).
fn names(rule: &SigmaRule, correlation: &rsigma_parser::CorrelationRule) -> bool {
    correlation.rules.iter().any(|r| rule.id.as_deref() == Some(r.as_str()) || rule.name.as_deref() == Some(r.as_str()))
}

fn rule_index(rule: &SigmaRule) -> usize {
    rule.custom_attributes
        .get(RULE_INDEX)
        .and_then(yaml_serde::Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .expect("every loaded rule carries its index")
}

fn wanted(rule: &SigmaRule, options: &LoadOptions) -> bool {
    if Level::from_sigma(rule.level) < options.min_level {
        return false;
    }
    if let Some(status) = rule.status
        && options.skip_status.iter().any(|s| s.eq_ignore_ascii_case(status_name(status)))
    {
        return false;
    }
    let has = |tags: &[String]| rule.tags.iter().any(|t| tags.iter().any(|w| w.eq_ignore_ascii_case(t)));
    if !options.include_tags.is_empty() && !has(&options.include_tags) {
        return false;
    }
    !has(&options.exclude_tags)
}

fn status_name(status: Status) -> &'static str {
    match status {
        Status::Stable => "stable",
        Status::Test => "test",
        Status::Experimental => "experimental",
        Status::Deprecated => "deprecated",
        Status::Unsupported => "unsupported",
    }
}

fn info(rule: &SigmaRule, origin: &load::Origin, key: &LogSourceKey) -> RuleInfo {
    RuleInfo {
        id: rule.id.clone(),
        title: rule.title.clone(),
        level: Level::from_sigma(rule.level),
        status: rule.status.map(|s| status_name(s).to_string()),
        file: origin.file.clone(),
        line: origin.line,
        tags: rule.tags.clone(),
        author: rule.author.clone(),
        logsource: key.to_string(),
        correlation: false,
    }
}

/// Builds the correlation engine: the rules correlations name, then the correlations. Also
/// says which of them are hidden: a rule or correlation that correlations refer to is shown
/// on its own only if one of them says `generate: true` (Sigma's default is false, and the
/// inner correlations of a chain are not results either).
fn correlations(
    parsed: &[(rsigma_parser::CorrelationRule, load::Origin)],
    all_rules: &[SigmaRule],
    rules: &mut Vec<RuleInfo>,
    correlated: &mut [bool],
    failures: &mut Vec<RuleFailure>,
) -> (Option<CorrelationEngine>, Vec<bool>) {
    let mut hidden = vec![false; rules.len()];
    if parsed.is_empty() {
        return (None, hidden);
    }
    let shown = |id: Option<&str>, name: Option<&str>| {
        let refers = |c: &&rsigma_parser::CorrelationRule| {
            c.rules.iter().any(|r| Some(r.as_str()) == id || Some(r.as_str()) == name)
        };
        let mut referring = parsed.iter().map(|(c, _)| c).filter(refers).peekable();
        referring.peek().is_none() || referring.any(|c| c.generate)
    };
    let mut engine = CorrelationEngine::new(CorrelationConfig::default());
    for rule in all_rules {
        let index = rule_index(rule);
        // rsigma-eval finds a hit's correlations through the rule's id; a rule referred to by
        // name alone gets one (RuleSet::correlate puts the same id on its hits).
        let mut with_id = rule.clone();
        with_id.id.get_or_insert_with(|| anonymous_id(index));
        if engine.add_rule(&with_id).is_ok() {
            correlated[index] = true;
            hidden[index] = !shown(rule.id.as_deref(), rule.name.as_deref());
        }
    }
    for (n, (corr, origin)) in parsed.iter().enumerate() {
        let mut compiled = corr.clone();
        // A chain follows a fired correlation through its id as well.
        compiled.id.get_or_insert_with(|| format!("mamoru-correlation-{n}"));
        all_rules_by_default(&mut compiled, origin);
        match engine.add_correlation(&compiled) {
            Ok(()) => {
                rules.push(info_for_correlation(corr, origin));
                hidden.push(!shown(corr.id.as_deref(), corr.name.as_deref()));
            }
            Err(e) => failures.push(origin.failure(&format!("correlation: {e}"))),
        }
    }
    (Some(engine), hidden)
}

/// The id the correlation engine knows a rule without one by.
pub(crate) fn anonymous_id(index: usize) -> String {
    format!("mamoru-rule-{index}")
}

/// A temporal correlation without `condition` needs every rule it names ("All events defined
/// by the rules referred by the rule field must occur"); rsigma-eval 0.23 reads it as one.
fn all_rules_by_default(corr: &mut rsigma_parser::CorrelationRule, origin: &load::Origin) {
    use rsigma_parser::{ConditionOperator, CorrelationCondition, CorrelationType};
    if !matches!(corr.correlation_type, CorrelationType::Temporal | CorrelationType::TemporalOrdered) {
        return;
    }
    // Only a document of its own can tell a written `gte: 1` from a missing condition.
    let Ok(doc) = yaml_serde::from_str::<yaml_serde::Value>(&origin.text) else { return };
    if doc.get("correlation").is_some_and(|c| c.get("condition").is_none()) {
        let all = u64::try_from(corr.rules.len()).unwrap_or(u64::MAX);
        corr.condition = CorrelationCondition::Threshold {
            predicates: vec![(ConditionOperator::Gte, all)],
            field: None,
            percentile: None,
        };
    }
}

/// A correlation rule names no log source: it counts other rules' hits.
fn info_for_correlation(corr: &rsigma_parser::CorrelationRule, origin: &load::Origin) -> RuleInfo {
    RuleInfo {
        id: corr.id.clone(),
        title: corr.title.clone(),
        level: Level::from_sigma(corr.level),
        status: corr.status.map(|s| status_name(s).to_string()),
        file: origin.file.clone(),
        line: origin.line,
        tags: corr.tags.clone(),
        author: corr.author.clone(),
        logsource: LogSourceKey::default().to_string(),
        correlation: true,
    }
}
