//! The rules of one log source, split by the event ids they can match.
//!
//! Most rules of a Windows service name the event ids they are about (`service: security`
//! with `EventID: 4625`). rsigma's candidate pass looks up every field of an event for the
//! literals of every rule in its engine, so in one engine a 4624 logon paid for the literals
//! of the 5145 share rules, and the 5145 events for the logon rules'. Rules whose conditions
//! can only hold for a few event ids are instead put in engines by id: two rules that share
//! an id, or are linked through others that do, share an engine, and every other rule goes
//! to one engine for any id. An event meets the any-id engine and at most one other, and
//! each rule is compiled once: a copy per id took 207 MB instead of 178 MB for Hayabusa's
//! converted rules (their process creation rules all name 1 and 4688), and an engine per
//! distinct set of ids made 205 engines of them.
//!
//! Which ids a rule needs is read from its detection and condition ([`needed_ids`]), and
//! only where that is certain: anything the analysis does not follow puts the rule in the
//! any-id engine, where it was before. `detector/tests.rs` checks the split against
//! evaluating every rule of a group on its own.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rsigma_eval::{Engine, EvalError, EvaluationResult, Event, EventValue};
use rsigma_parser::{ConditionExpr, Detection, FilterRule, Quantifier, SigmaRule, SigmaValue};

use crate::event::View;

/// A rule of more event ids than this stays in the any-id engine, which every event meets.
const MAX_IDS: usize = 16;

/// The event ids an engine's rules need; empty for the any-id engine.
pub(super) type Ids = BTreeSet<u32>;

/// The compiled rules of one log source.
#[derive(Default)]
pub(crate) struct Group {
    /// Rules that may match an event of any id.
    any: Option<Engine>,
    /// Rules that can only match events of a few ids, an engine per linked set of ids.
    engines: Vec<Engine>,
    /// For each id, the place in `engines` of the engine whose ids include it.
    by_id: HashMap<u32, usize>,
}

/// A group's rules, sorted into the engines they will be compiled into, each with the ids
/// its rules need (none for the any-id engine, which comes first).
pub(super) fn split(rules: Vec<SigmaRule>) -> Vec<(Ids, Vec<SigmaRule>)> {
    let needs: Vec<Option<Ids>> =
        rules.iter().map(|rule| needed_ids(rule).filter(|ids| !ids.is_empty() && ids.len() <= MAX_IDS)).collect();
    // Ids linked by the rules that name several, each set under the smallest id in it.
    let mut root: HashMap<u32, u32> = HashMap::new();
    for ids in needs.iter().flatten() {
        let first = *ids.first().expect("not empty");
        for &other in ids {
            let (a, b) = (find(&mut root, first), find(&mut root, other));
            if a != b {
                root.insert(a.max(b), a.min(b));
            }
        }
    }
    let mut engines: BTreeMap<Option<u32>, (Ids, Vec<SigmaRule>)> = BTreeMap::new();
    for (rule, ids) in rules.into_iter().zip(needs) {
        let key = ids.as_ref().map(|ids| find(&mut root, *ids.first().expect("not empty")));
        let engine = engines.entry(key).or_default();
        engine.0.extend(ids.unwrap_or_default());
        engine.1.push(rule);
    }
    engines.into_values().collect()
}

/// The id that stands for `id`'s set of linked ids (a union-find with path compression).
fn find(root: &mut HashMap<u32, u32>, id: u32) -> u32 {
    let up = *root.entry(id).or_insert(id);
    if up == id {
        return id;
    }
    let top = find(root, up);
    root.insert(id, top);
    top
}

impl Group {
    /// Adds the engine compiled from the rules [`split`] gave for `ids`.
    pub(super) fn add(&mut self, ids: &Ids, engine: Engine) {
        if ids.is_empty() {
            self.any = Some(engine);
            return;
        }
        for id in ids {
            self.by_id.insert(*id, self.engines.len());
        }
        self.engines.push(engine);
    }

    /// Every engine of the group.
    #[cfg(test)]
    pub(crate) fn engines(&self) -> impl Iterator<Item = &Engine> {
        self.any.iter().chain(&self.engines)
    }

    pub(super) fn apply_filter(&mut self, filter: &FilterRule) -> Result<(), EvalError> {
        self.any.iter_mut().chain(&mut self.engines).try_for_each(|engine| engine.apply_filter(filter))
    }

    /// The hits of the group's rules on one event, added to `out`.
    pub(crate) fn evaluate(&self, view: &View<'_>, out: &mut Vec<EvaluationResult>) {
        if let Some(engine) = &self.any {
            engine.evaluate_into(view, out);
        }
        if self.engines.is_empty() {
            return;
        }
        // The id as the rules compare it: their literals are whole numbers written as text
        // (`rules::event_ids`), equal only to an integer or to that same text.
        let id = match view.get_field("EventID") {
            Some(EventValue::Int(n)) => u32::try_from(n).ok(),
            Some(EventValue::Str(s)) => s.parse().ok(),
            None | Some(EventValue::Null | EventValue::Bool(_) | EventValue::Map(_)) => None,
            // A list of ids, or a fraction: any engine may concern it.
            Some(EventValue::Array(_) | EventValue::Float(_)) => {
                self.engines.iter().for_each(|engine| engine.evaluate_into(view, out));
                return;
            }
        };
        if let Some(&engine) = id.and_then(|id| self.by_id.get(&id)) {
            self.engines[engine].evaluate_into(view, out);
        }
    }
}

/// The event ids a rule can only match one of; `None` when it may match others, or the
/// analysis cannot tell. A list of conditions holds when one of them does.
pub(super) fn needed_ids(rule: &SigmaRule) -> Option<Ids> {
    let named = &rule.detection.named;
    let mut all = Ids::new();
    for condition in &rule.detection.conditions {
        all.extend(in_condition(condition, named)?);
    }
    (!rule.detection.conditions.is_empty()).then_some(all)
}

type Named = HashMap<String, Detection>;

fn in_condition(condition: &ConditionExpr, named: &Named) -> Option<Ids> {
    match condition {
        ConditionExpr::Identifier(name) => in_detection(named.get(name)?),
        ConditionExpr::And(parts) => all_of(parts.iter().map(|c| in_condition(c, named))),
        ConditionExpr::Or(parts) => any_of(parts.iter().map(|c| in_condition(c, named))),
        // `not x` holds for events of any id.
        ConditionExpr::Not(_) => None,
        ConditionExpr::Selector { quantifier, pattern } => {
            let chosen = named.iter().filter(|(name, _)| pattern.matches_detection_name(name));
            match quantifier {
                // One of them holds: its ids, whichever it is.
                Quantifier::Any | Quantifier::Count(1..) => any_of(chosen.map(|(_, d)| in_detection(d))),
                Quantifier::All => all_of(chosen.map(|(_, d)| in_detection(d))),
                Quantifier::Count(0) => None,
            }
        }
    }
}

fn in_detection(detection: &Detection) -> Option<Ids> {
    match detection {
        Detection::AllOf(items) => all_of(
            items
                .iter()
                .filter(|item| item.field.name.as_deref() == Some("EventID") && item.field.modifiers.is_empty())
                .map(|item| item.values.iter().map(whole_number).collect::<Option<Ids>>()),
        ),
        Detection::AnyOf(parts) => any_of(parts.iter().map(in_detection)),
        Detection::And(parts) => all_of(parts.iter().map(in_detection)),
        // Keywords, and array blocks (whose fields are the array's members).
        _ => None,
    }
}

/// A literal that only the id it writes equals: digits as `u32` writes them (no sign, no
/// leading zero, no wildcard).
fn whole_number(value: &SigmaValue) -> Option<u32> {
    let SigmaValue::String(s) = value else { return None };
    let text = s.as_plain()?;
    let id: u32 = text.parse().ok()?;
    (id.to_string() == text).then_some(id)
}

/// The ids of a conjunction: those every part that knows its ids allows; `None` when no
/// part knows.
fn all_of(parts: impl Iterator<Item = Option<Ids>>) -> Option<Ids> {
    parts.flatten().reduce(|a, b| a.intersection(&b).copied().collect())
}

/// The ids of a disjunction: every part's, if every part knows its own (and there is one).
fn any_of(mut parts: impl Iterator<Item = Option<Ids>>) -> Option<Ids> {
    let first = parts.next()??;
    parts.try_fold(first, |mut all, part| {
        all.extend(part?);
        Some(all)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsigma_parser::parse_sigma_yaml;

    fn ids(detection: &str) -> Option<Vec<u32>> {
        let yaml = format!("title: t\nlogsource: {{product: windows, service: security}}\ndetection:\n{detection}\n");
        let mut rule = parse_sigma_yaml(&yaml).unwrap().rules.remove(0);
        super::super::event_ids::rule(&mut rule);
        needed_ids(&rule).map(|ids| ids.into_iter().collect())
    }

    #[test]
    fn a_selection_of_ids_is_needed_by_the_conditions_that_require_it() {
        let sel = "  selection:\n    EventID: [4624, 4625]\n    LogonType: 3\n";
        assert_eq!(ids(&format!("{sel}  condition: selection")), Some(vec![4624, 4625]));
        assert_eq!(
            ids(&format!("{sel}  filter:\n    TargetUserName: x\n  condition: selection and not filter")),
            Some(vec![4624, 4625])
        );
        assert_eq!(
            ids(&format!("{sel}  other:\n    EventID: 4625\n  condition: selection and other")),
            Some(vec![4625])
        );
        assert_eq!(
            ids(&format!("{sel}  other:\n    EventID: 5145\n  condition: selection or other")),
            Some(vec![4624, 4625, 5145])
        );
        assert_eq!(ids(&format!("{sel}  condition: all of them")), Some(vec![4624, 4625]));
        assert_eq!(
            ids("  selection_a:\n    EventID: 1\n  selection_b:\n    EventID: 2\n  condition: 1 of selection_*"),
            Some(vec![1, 2])
        );
        assert_eq!(
            ids("  selection:\n    - EventID: 1\n      A: x\n    - EventID: 2\n      B: y\n  condition: selection"),
            Some(vec![1, 2])
        );
    }

    #[test]
    fn rules_linked_by_an_id_share_an_engine_and_the_rest_go_to_any_id() {
        let rule = |title: &str, detection: &str| {
            let yaml = format!("title: {title}\nlogsource: {{product: windows}}\ndetection:\n{detection}\n");
            let mut rule = parse_sigma_yaml(&yaml).unwrap().rules.remove(0);
            super::super::event_ids::rule(&mut rule);
            rule
        };
        let ids = |list: &str| format!("  selection:\n    EventID: [{list}]\n  condition: selection");
        let rules = vec![
            rule("sysmon and security", &ids("1, 4688")),
            rule("logons", &ids("4624, 4625")),
            rule("security only", &ids("4688")),
            rule("no id", "  selection:\n    Image: x\n  condition: selection"),
            rule("failed logons and kerberos", &ids("4625, 4771")),
            rule("shares", &ids("5145")),
        ];
        let engines: Vec<(Vec<u32>, Vec<String>)> = split(rules)
            .into_iter()
            .map(|(ids, rules)| (ids.into_iter().collect(), rules.into_iter().map(|r| r.title).collect()))
            .collect();
        let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            engines,
            vec![
                (vec![], names(&["no id"])),
                (vec![1, 4688], names(&["sysmon and security", "security only"])),
                (vec![4624, 4625, 4771], names(&["logons", "failed logons and kerberos"])),
                (vec![5145], names(&["shares"])),
            ]
        );
    }

    #[test]
    fn whatever_may_hold_for_another_id_is_left_to_every_event() {
        // No id at all; an id only negated; a part without ids in a disjunction.
        assert_eq!(ids("  selection:\n    LogonType: 3\n  condition: selection"), None);
        assert_eq!(ids("  selection:\n    EventID: 4624\n  condition: not selection"), None);
        assert_eq!(ids("  a:\n    EventID: 4624\n  b:\n    LogonType: 3\n  condition: a or b"), None);
        assert_eq!(ids("  a:\n    EventID: 4624\n  b:\n    LogonType: 3\n  condition: 1 of them"), None);
        assert_eq!(ids("  selection:\n    - EventID: 1\n    - B: y\n  condition: selection"), None);
        assert_eq!(ids("  keywords:\n    - mimikatz\n  condition: keywords"), None);
        // Ids that are not exact literals: a wildcard, a modifier, a leading zero.
        assert_eq!(ids("  selection:\n    EventID: '46*'\n  condition: selection"), None);
        assert_eq!(ids("  selection:\n    EventID|gt: 4000\n  condition: selection"), None);
        assert_eq!(ids("  selection:\n    EventID: '04624'\n  condition: selection"), None);
        // `them` leaves out `_` names, so `all of them` cannot be narrowed by one.
        assert_eq!(ids("  _a:\n    EventID: 1\n  b:\n    X: y\n  condition: all of them"), None);
    }
}
