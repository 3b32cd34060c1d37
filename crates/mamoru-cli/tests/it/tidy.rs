//! Repository hygiene, checked by `cargo test` (after rust-analyzer's `tidy.rs`): files stay
//! small enough to hold in one's head, no trailing whitespace, no parked tests.

use std::path::{Path, PathBuf};

/// Source files may exceed this only if listed in `LONG_FILES`, with a reason.
const MAX_LINES: usize = 600;
/// (path from the workspace root, why it may be long)
const LONG_FILES: &[(&str, &str)] = &[];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            // `vendor` holds a published crate as its authors wrote it (with one patch).
            if !matches!(name.as_str(), "target" | "node_modules" | ".git" | "artifacts" | "vendor")
                && !name.starts_with("mamoru-demo")
            {
                files(&path, out);
            }
        } else if ["rs", "html", "css", "js", "mjs", "sql", "toml", "md", "sh"]
            .iter()
            .any(|e| name.ends_with(&format!(".{e}")))
        {
            out.push(path);
        }
    }
}

#[test]
fn tidy() {
    let root = workspace();
    let mut all = Vec::new();
    files(&root, &mut all);
    assert!(all.len() > 50, "found too few files under {}", root.display());
    let mut problems = Vec::new();
    for path in &all {
        let rel = path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(path).unwrap();
        for (i, line) in text.lines().enumerate() {
            if line.ends_with(' ') || line.ends_with('\t') {
                problems.push(format!("{rel}:{}: trailing whitespace", i + 1));
            }
        }
        if rel.ends_with(".rs") {
            let lines = text.lines().count();
            if lines > MAX_LINES && !LONG_FILES.iter().any(|(f, _)| *f == rel) {
                problems.push(format!("{rel}: {lines} lines; split it by responsibility (limit {MAX_LINES})"));
            }
            // Spelled apart so this file does not trip its own check.
            for banned in [concat!("#[", "ignore"), concat!("#[", "should_panic")] {
                if text.contains(banned) {
                    problems.push(format!("{rel}: {banned}] is not allowed; assert on the error instead"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "tidy:\n{}", problems.join("\n"));
}
