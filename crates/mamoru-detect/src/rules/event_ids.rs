//! `EventID: 4688` is compared as text, not as a number.
//!
//! rsigma-eval's candidate index gates a rule on the literals its conditions need, and a
//! number gives it none (`4688`, `4688.0` and `"04688"` are all equal to it), so a rule of
//! event ids alone was tried on every event of its log source. As text the id is an exact
//! literal the index can look up. The two comparisons agree on Mamoru's events, whose
//! `EventID` is always written as the whole number it reads as (`LogEvent::new`).
//!
//! Until the index learnt to wait for every selective clause of a conjunction (third change
//! in `vendor/rsigma-eval/MAMORU-PATCH.md`) a rewrite here also hid `EventID`, `Channel` and
//! `Provider_Name` conditions from it behind `not not`, or it would gate
//! `{EventID: 4688, CommandLine|contains: mimikatz}` on the event id alone. With the clauses
//! that rewrite made no difference (same detections, scan times within noise on the corpus
//! with both rule sets) and was removed.

use rsigma_parser::{Detection, SigmaRule, SigmaString, SigmaValue};

pub(super) fn rule(rule: &mut SigmaRule) {
    for detection in rule.detection.named.values_mut() {
        as_text(detection);
    }
}

fn as_text(detection: &mut Detection) {
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
        Detection::AnyOf(subs) | Detection::And(subs) => subs.iter_mut().for_each(as_text),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use rsigma_eval::{Engine, JsonEvent};
    use rsigma_parser::{Detection, SigmaRule, SigmaValue, parse_sigma_yaml};
    use serde_json::json;

    fn parsed(detection: &str) -> SigmaRule {
        let yaml = format!("title: t\nlogsource: {{product: windows}}\ndetection:\n{detection}\n");
        parse_sigma_yaml(&yaml).unwrap().rules.remove(0)
    }

    fn values(rule: &SigmaRule) -> Vec<SigmaValue> {
        let Some(Detection::AllOf(items)) = rule.detection.named.get("selection") else { panic!() };
        items[0].values.clone()
    }

    #[test]
    fn event_ids_are_compared_as_text() {
        let mut rule = parsed("  selection:\n    EventID: [4800, 4801]\n  condition: selection");
        super::rule(&mut rule);
        let text: Vec<Option<String>> = values(&rule)
            .iter()
            .map(|v| match v {
                SigmaValue::String(s) => s.as_plain(),
                _ => None,
            })
            .collect();
        assert_eq!(text, [Some("4800".to_string()), Some("4801".to_string())]);
        // Numbers of other fields keep Sigma's numeric comparison.
        let mut rule = parsed("  selection:\n    LogonType: 3\n  condition: selection");
        super::rule(&mut rule);
        assert_eq!(values(&rule), [SigmaValue::Integer(3)]);
    }

    #[test]
    fn a_rule_matches_the_same_events_with_its_ids_as_text() {
        let detection = "  selection:\n    EventID: 4688\n    CommandLine|contains: mimikatz\n  condition: selection";
        let plain = parsed(detection);
        let mut text = plain.clone();
        super::rule(&mut text);
        // Mamoru's events carry the id as a number (`LogEvent::new`).
        let events = [
            json!({"EventID": 4688, "CommandLine": "x mimikatz"}),
            json!({"EventID": 1, "CommandLine": "x mimikatz"}),
            json!({"CommandLine": "x mimikatz"}),
            json!({"EventID": 4688, "CommandLine": "notepad"}),
        ];
        let fires = |rule: &SigmaRule| {
            let mut engine = Engine::new();
            engine.add_rule(rule).unwrap();
            events.iter().map(|e| !engine.evaluate(&JsonEvent::borrow(e)).is_empty()).collect::<Vec<_>>()
        };
        assert_eq!(fires(&plain), [true, false, false, false]);
        assert_eq!(fires(&text), fires(&plain));
    }
}
