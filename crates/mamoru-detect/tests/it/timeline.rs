//! `hunt`'s timeline is the same on every run: the cores finish their pieces of work in any
//! order, and events that tie on everything the timeline sorts by keep the order of the
//! input (the files in name order, each from its start).

use std::path::PathBuf;

use serde_json::json;

use crate::spec_support::{load, rule};
use crate::support::scan;

#[test]
fn ties_keep_the_order_of_the_files_on_every_run() {
    let loaded = load(&[("r.yml", &rule("    selection:\n        User: bob\n    condition: selection\n"))]);
    // One event copied into many files: every copy ties on time, computer, rule and record,
    // and only the file tells them apart. Many small files make many pieces of work.
    let line = json!({"@timestamp": "2024-05-01T10:00:00Z", "host": "pc1", "User": "bob"}).to_string();
    let files: Vec<PathBuf> = (0..40)
        .map(|i| {
            let file = loaded.dir.path().join(format!("copy-{i:02}.jsonl"));
            std::fs::write(&file, format!("{line}\n{line}\n")).unwrap();
            file
        })
        .collect();
    let expected: Vec<String> = files.iter().flat_map(|f| [f.display().to_string(), f.display().to_string()]).collect();
    for run in 0..5 {
        let result = scan(&files, &loaded.set);
        let origins: Vec<String> =
            result.detections.iter().map(|d| d.origin.as_deref().unwrap_or_default().to_owned()).collect();
        assert_eq!(origins, expected, "run {run}: the timeline's ties are out of the files' order");
    }
}
