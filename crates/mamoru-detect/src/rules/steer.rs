//! Steering rsigma-eval's candidate index away from the fields that only say what kind of
//! event it is (`EventID`, `Channel`, `Provider_Name`).
//!
//! The index gates each rule on one necessary condition, and of the conditions an `and`
//! offers it takes an exact value over a substring. `EventID: 4688` or `Channel: Security`
//! is exact, so a rule such as `{EventID: 4688, CommandLine|contains: mimikatz}` was tried
//! on every 4688 event, and Hayabusa's converted rules (each starts `Channel: … and
//! EventID: …`) on every event of their channel: five times the scan time of the same rules
//! in SigmaHQ's form. The log-source routing already sends a group only the events of its
//! channels, so these fields are the worst gate there is.
//!
//! The rewrite keeps the rule's meaning and only hides these conditions from the index:
//! `not not X` is `X` to the evaluator, and the index cannot see through a `not`. Typing
//! items of a selection that also has other items move into a selection of their own named
//! `_mamoru_type_…` (a leading `_` keeps it out of `them`), and the condition asks for
//! both; a selection of typing items alone that is and-ed with something else is wrapped
//! as it is. Whatever a rule's other conditions are, it still has to meet its typing ones,
//! evaluated after them.
//!
//! `EventID: 4688` written as a number is compared as a number, which the index cannot gate
//! on at all (only on the field being there), so a rule of event ids alone was tried on
//! every event of its log source. Event ids are compared as text instead; `LogEvent::new`
//! makes that the same comparison.

use rsigma_parser::{ConditionExpr, Detection, DetectionItem, SelectorPattern, SigmaRule};

/// Fields whose value says which kind of event it is, not what happened.
const TYPING_FIELDS: [&str; 3] = ["EventID", "Channel", "Provider_Name"];

pub(super) fn rule(rule: &mut SigmaRule) {
    for detection in rule.detection.named.values_mut() {
        event_ids_as_text(detection);
    }
    let selectors = selector_patterns(&rule.detection.conditions);
    let mut split = Vec::new();
    let mut names: Vec<String> = rule.detection.named.keys().cloned().collect();
    names.sort();
    for name in names {
        let typing_name = format!("_mamoru_type_{name}");
        // A selector naming the selection would see it without its typing items; one that
        // would name the new selection would see it twice.
        if rule.detection.named.contains_key(&typing_name)
            || selectors.iter().any(|p| p.matches_detection_name(&name) || p.matches_detection_name(&typing_name))
        {
            continue;
        }
        let Some(Detection::AllOf(items)) = rule.detection.named.get_mut(&name) else { continue };
        if !items.iter().any(is_typing) || !items.iter().any(gates) {
            continue;
        }
        let (typing, rest): (Vec<DetectionItem>, Vec<DetectionItem>) =
            std::mem::take(items).into_iter().partition(is_typing);
        *items = rest;
        rule.detection.named.insert(typing_name.clone(), Detection::AllOf(typing));
        split.push((name, typing_name));
    }
    let typing_only: Vec<String> = rule
        .detection
        .named
        .iter()
        .filter(|(name, d)| {
            !name.starts_with("_mamoru_type_")
                && matches!(d, Detection::AllOf(items) if !items.is_empty() && items.iter().all(is_typing))
        })
        .map(|(name, _)| name.clone())
        .collect();
    let named = &rule.detection.named;
    for condition in &mut rule.detection.conditions {
        rewrite(condition, &Context { split: &split, typing_only: &typing_only, named });
    }
}

/// `EventID: 4688` is compared as a number, which the index cannot gate on (a number has
/// many spellings), so a rule of event ids alone was tried on every event of its channel.
/// As text it gates on the id. The two agree on Mamoru's events, whose `EventID` is always
/// a number when it reads as one (`LogEvent::new`).
fn event_ids_as_text(detection: &mut Detection) {
    use rsigma_parser::{SigmaString, SigmaValue};
    match detection {
        Detection::AllOf(items) => {
            for item in
                items.iter_mut().filter(|i| i.field.modifiers.is_empty() && i.field.name.as_deref() == Some("EventID"))
            {
                for value in &mut item.values {
                    if let SigmaValue::Integer(n) = value
                        && *n >= 0
                    {
                        *value = SigmaValue::String(SigmaString::new(&n.to_string()));
                    }
                }
            }
        }
        Detection::AnyOf(subs) | Detection::And(subs) => subs.iter_mut().for_each(event_ids_as_text),
        _ => {}
    }
}

fn is_typing(item: &DetectionItem) -> bool {
    item.field.modifiers.is_empty() && item.field.name.as_deref().is_some_and(|n| TYPING_FIELDS.contains(&n))
}

/// An item the index can gate on better than on a typing field: a value compared as text
/// (exact, or a part of it), not a pattern, a number range or a presence test.
fn gates(item: &DetectionItem) -> bool {
    use rsigma_parser::{Modifier, SigmaValue};
    let weak =
        [Modifier::Re, Modifier::Cidr, Modifier::Gt, Modifier::Gte, Modifier::Lt, Modifier::Lte, Modifier::Exists];
    !is_typing(item)
        && item.field.name.is_some()
        && !item.field.modifiers.iter().any(|m| weak.contains(m))
        && !item.values.is_empty()
        && item.values.iter().all(|v| matches!(v, SigmaValue::String(s) if s.as_plain().is_some_and(|p| p.len() >= 3)))
}

fn selector_patterns(conditions: &[ConditionExpr]) -> Vec<SelectorPattern> {
    fn walk(c: &ConditionExpr, out: &mut Vec<SelectorPattern>) {
        match c {
            ConditionExpr::And(parts) | ConditionExpr::Or(parts) => parts.iter().for_each(|p| walk(p, out)),
            ConditionExpr::Not(inner) => walk(inner, out),
            ConditionExpr::Identifier(_) => {}
            ConditionExpr::Selector { pattern, .. } => out.push(pattern.clone()),
        }
    }
    let mut out = Vec::new();
    conditions.iter().for_each(|c| walk(c, &mut out));
    out
}

/// `not not c`: `c` to the evaluator, nothing to the candidate index.
fn hidden(c: ConditionExpr) -> ConditionExpr {
    ConditionExpr::Not(Box::new(ConditionExpr::Not(Box::new(c))))
}

struct Context<'a> {
    /// Selections whose typing items moved out, with the name they moved to.
    split: &'a [(String, String)],
    /// Selections of typing items alone.
    typing_only: &'a [String],
    named: &'a std::collections::HashMap<String, Detection>,
}

impl Context<'_> {
    /// Whether the index finds a gate in `c` better than a typing field (so hiding the
    /// typing conditions beside it does not leave the rule tried on every event).
    fn gated(&self, c: &ConditionExpr) -> bool {
        match c {
            ConditionExpr::Identifier(n) => self.named.get(n).is_some_and(detection_gated),
            ConditionExpr::And(parts) => parts.iter().any(|p| self.gated(p)),
            ConditionExpr::Or(parts) => !parts.is_empty() && parts.iter().all(|p| self.gated(p)),
            ConditionExpr::Not(_) => false,
            ConditionExpr::Selector { quantifier, pattern } => {
                let mut selected =
                    self.named.iter().filter(|(n, _)| pattern.matches_detection_name(n)).map(|(_, d)| d).peekable();
                match quantifier {
                    rsigma_parser::Quantifier::All => selected.any(detection_gated),
                    rsigma_parser::Quantifier::Count(0) => false,
                    _ => selected.peek().is_some() && selected.all(detection_gated),
                }
            }
        }
    }
}

fn detection_gated(d: &Detection) -> bool {
    match d {
        Detection::AllOf(items) => items.iter().any(gates),
        Detection::AnyOf(subs) => !subs.is_empty() && subs.iter().all(detection_gated),
        _ => false,
    }
}

fn rewrite(condition: &mut ConditionExpr, cx: &Context<'_>) {
    match condition {
        ConditionExpr::Identifier(name) => {
            if let Some((_, typing)) = cx.split.iter().find(|(n, _)| n == name) {
                let strong = ConditionExpr::Identifier(name.clone());
                *condition = ConditionExpr::And(vec![strong, hidden(ConditionExpr::Identifier(typing.clone()))]);
            }
        }
        ConditionExpr::Not(inner) => rewrite(inner, cx),
        ConditionExpr::Or(parts) => parts.iter_mut().for_each(|p| rewrite(p, cx)),
        ConditionExpr::And(parts) => {
            parts.iter_mut().for_each(|p| rewrite(p, cx));
            let is_typing_only =
                |p: &ConditionExpr| matches!(p, ConditionExpr::Identifier(n) if cx.typing_only.contains(n));
            if parts.iter().any(|p| !is_typing_only(p) && cx.gated(p)) {
                // Typing conditions last: the others decide most events sooner.
                let (typing, mut rest): (Vec<_>, Vec<_>) = std::mem::take(parts).into_iter().partition(is_typing_only);
                rest.extend(typing.into_iter().map(hidden));
                *parts = rest;
            }
        }
        ConditionExpr::Selector { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use rsigma_eval::{Engine, JsonEvent};
    use rsigma_parser::{Detection, SigmaRule, parse_sigma_yaml};
    use serde_json::json;

    fn parsed(detection: &str) -> SigmaRule {
        let yaml = format!("title: t\nlogsource: {{product: windows}}\ndetection:\n{detection}\n");
        parse_sigma_yaml(&yaml).unwrap().rules.remove(0)
    }

    /// Whether the rule, steered or not, fires on each event; both must agree.
    fn fires(detection: &str, events: &[serde_json::Value]) -> Vec<bool> {
        let plain = parsed(detection);
        let mut steered = plain.clone();
        super::rule(&mut steered);
        let run = |rule: &SigmaRule| {
            let mut engine = Engine::new();
            engine.add_rule(rule).unwrap();
            events.iter().map(|e| !engine.evaluate(&JsonEvent::borrow(e)).is_empty()).collect::<Vec<_>>()
        };
        let (before, after) = (run(&plain), run(&steered));
        assert_eq!(before, after, "steering changed what {detection} matches");
        after
    }

    #[test]
    fn typing_items_move_out_of_a_selection_and_are_still_required() {
        let detection = "  selection:\n    EventID: 4688\n    CommandLine|contains: mimikatz\n  condition: selection";
        let mut rule = parsed(detection);
        super::rule(&mut rule);
        assert_eq!(rule.detection.conditions[0].to_string(), "(selection and not not _mamoru_type_selection)");
        let events = [
            json!({"EventID": 4688, "CommandLine": "x mimikatz"}),
            json!({"EventID": 1, "CommandLine": "x mimikatz"}),
            json!({"CommandLine": "x mimikatz"}),
            json!({"EventID": 4688, "CommandLine": "notepad"}),
        ];
        assert_eq!(fires(detection, &events), [true, false, false, false]);
    }

    #[test]
    fn a_typing_only_selection_beside_another_is_hidden_and_kept() {
        let detection = "  file_event:\n    EventID: 11\n    Channel: Microsoft-Windows-Sysmon/Operational\n  selection:\n    TargetFilename|endswith: .ntds.cleartext\n  condition: file_event and selection";
        let mut rule = parsed(detection);
        super::rule(&mut rule);
        assert_eq!(rule.detection.conditions[0].to_string(), "(selection and not not file_event)");
        let sysmon = "Microsoft-Windows-Sysmon/Operational";
        let events = [
            json!({"EventID": 11, "Channel": sysmon, "TargetFilename": "C:\\a.ntds.cleartext"}),
            json!({"EventID": 11, "Channel": "Security", "TargetFilename": "C:\\a.ntds.cleartext"}),
            json!({"EventID": 12, "Channel": sysmon, "TargetFilename": "C:\\a.ntds.cleartext"}),
            json!({"EventID": 11, "Channel": sysmon, "TargetFilename": "C:\\a.txt"}),
        ];
        assert_eq!(fires(detection, &events), [true, false, false, false]);
    }

    #[test]
    fn rules_the_index_could_not_gate_better_are_left_alone() {
        // Only a typing selection: it is the best gate there is.
        let alone = "  selection:\n    EventID: 1102\n  condition: selection";
        // The other conjunct is a negation, which gives the index nothing.
        let negated = "  sel:\n    EventID: 4624\n  filter:\n    LogonType: 3\n  condition: sel and not filter";
        // A regex gates on presence only, worse than an event id.
        let pattern = "  selection:\n    EventID: 1\n    CommandLine|re: 'a.*b'\n  condition: selection";
        for detection in [alone, negated, pattern] {
            let (plain, mut steered) = (parsed(detection), parsed(detection));
            super::rule(&mut steered);
            assert_eq!(plain.detection.conditions, steered.detection.conditions, "{detection}");
            assert_eq!(plain.detection.named.len(), steered.detection.named.len(), "{detection}");
        }
    }

    #[test]
    fn event_ids_are_compared_as_text() {
        let mut rule = parsed("  selection:\n    EventID: [4800, 4801]\n  condition: selection");
        super::rule(&mut rule);
        let Some(Detection::AllOf(items)) = rule.detection.named.get("selection") else { panic!() };
        let values: Vec<Option<String>> = items[0]
            .values
            .iter()
            .map(|v| match v {
                rsigma_parser::SigmaValue::String(s) => s.as_plain(),
                _ => None,
            })
            .collect();
        assert_eq!(values, [Some("4800".to_string()), Some("4801".to_string())]);
        // Numbers of other fields keep Sigma's numeric comparison.
        let mut rule = parsed("  selection:\n    LogonType: 3\n  condition: selection");
        super::rule(&mut rule);
        let Some(Detection::AllOf(items)) = rule.detection.named.get("selection") else { panic!() };
        assert_eq!(items[0].values, [rsigma_parser::SigmaValue::Integer(3)]);
    }

    #[test]
    fn selections_named_by_a_selector_keep_their_typing_items() {
        // `1 of selection_*` would see selection_a without its EventID and fire on a wrong id.
        let detection = "  selection_a:\n    EventID: 1\n    Image|endswith: \\\\a.exe\n  selection_b:\n    Image|endswith: \\\\b.exe\n  condition: 1 of selection_*";
        let events = [json!({"EventID": 1, "Image": "C:\\a.exe"}), json!({"EventID": 2, "Image": "C:\\a.exe"})];
        assert_eq!(fires(detection, &events), [true, false]);
        let mut rule = parsed(detection);
        super::rule(&mut rule);
        assert!(!rule.detection.named.keys().any(|n| n.starts_with("_mamoru_type_")));
        // `them` names every selection (but not a `_` one), so none is split either.
        let them = "  sel:\n    EventID: 1\n    Image|endswith: \\\\a.exe\n  other:\n    User: bob\n  condition: sel and 1 of them";
        let events = [
            json!({"EventID": 1, "Image": "C:\\a.exe", "User": "x"}),
            json!({"EventID": 2, "Image": "C:\\a.exe", "User": "bob"}),
        ];
        assert_eq!(fires(them, &events), [true, false]);
        let mut rule = parsed(them);
        super::rule(&mut rule);
        assert_eq!(rule.detection.named.len(), 2);
    }
}
