//! The candidate index may only skip rules that cannot match. rsigma's index gates each
//! rule on witnesses drawn from its detection, and Mamoru's patch (`vendor/rsigma-eval`,
//! change 3) asks for every selective clause of a conjunction instead of one; a group also
//! sends an event only to the engines of rules that can match its event id
//! (`rules/group.rs`). A mistake in either loses detections without an error, so both are
//! checked here against evaluating every rule of a group on its own.

use std::path::PathBuf;
use std::sync::Arc;

use evtx::{EvtxParser, ParserSettings};

use crate::event::from_evtx_json_bytes;
use crate::{LoadOptions, Mapping, RuleSet};

fn shared(rel: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipped: {} is missing", p.display());
        None
    }
}

#[test]
fn the_candidate_index_never_skips_a_rule_that_would_match() {
    let (Some(rules), Some(samples)) = (shared("sigma/rules/windows"), shared("evtx")) else { return };
    let options = LoadOptions { skip_status: Vec::new(), ..LoadOptions::default() };
    let (set, _) = RuleSet::load(&[rules], &options, Mapping::builtin());
    let (files, _) =
        crate::files::collect(&[samples], |p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("evtx")));
    let settings = Arc::new(ParserSettings::default().num_threads(1));
    let (mut events, mut matches, mut candidates_skipped) = (0usize, 0usize, 0usize);
    let mut routes = Vec::new();
    for file in &files {
        let Ok(parser) = EvtxParser::from_path(file) else { continue };
        for chunk in parser.into_chunks() {
            let Ok(mut data) = chunk else { continue };
            let Ok(mut chunk) = data.parse(settings.clone()) else { continue };
            for record in chunk.iter() {
                let Ok(bytes) = record.and_then(|r| r.into_json_bytes()) else { continue };
                let Ok(event) = from_evtx_json_bytes(&bytes.data) else { continue };
                events += 1;
                set.mapping.routes(&event, &mut routes);
                for &(source, alternative) in &routes {
                    let Some(group) = &set.by_source[source] else { continue };
                    let view = event.view(set.mapping.renames(source, alternative));
                    let mut results = Vec::new();
                    group.evaluate(&view, &mut results);
                    let mut indexed: Vec<usize> = results.iter().filter_map(super::rule_of).collect();
                    indexed.sort_unstable();
                    // Every rule of the group, in whichever engine.
                    let mut every: Vec<usize> = group
                        .engines()
                        .flat_map(|engine| engine.rules())
                        .filter_map(|rule| rsigma_eval::evaluate_rule(rule, &view))
                        .filter_map(|r| super::rule_of(&r))
                        .collect();
                    every.sort_unstable();
                    assert!(
                        indexed.windows(2).all(|w| w[0] != w[1]),
                        "{} record {}: a rule was reported twice",
                        file.display(),
                        bytes.event_record_id
                    );
                    for rule in &every {
                        assert!(
                            indexed.binary_search(rule).is_ok(),
                            "{} record {}: {} matches on its own but the index skipped it",
                            file.display(),
                            bytes.event_record_id,
                            set.rules[*rule].file
                        );
                    }
                    matches += every.len();
                    candidates_skipped += group.engines().map(|e| e.rules().len()).sum::<usize>() - every.len();
                }
            }
        }
    }
    // The check meant something: many events, rules of many kinds matching.
    assert!(events > 20_000, "{events} events");
    assert!(matches > 1_000, "{matches} matches");
    assert!(candidates_skipped > 0);
}
