//! Reading rule files: every `.yml`/`.yaml` under the given paths, one YAML document at a
//! time so that a broken document is reported with its file and line and the others load.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use rsigma_parser::{CorrelationRule, FilterRule, SigmaRule, parse_sigma_yaml};

use super::{RuleFailure, locate};

/// Where a document came from: the file as the user named it and its first line.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    pub(crate) file: String,
    pub(crate) line: usize,
    pub(crate) text: std::sync::Arc<str>,
}

impl Origin {
    pub(crate) fn failure(&self, reason: &str) -> RuleFailure {
        let line = locate::line_of(&self.text, reason).map_or(self.line, |l| self.line + l - 1);
        RuleFailure { file: self.file.clone(), line, reason: reason.to_string() }
    }
}

#[derive(Default)]
pub(crate) struct Parsed {
    pub(crate) rules: Vec<(SigmaRule, Origin)>,
    pub(crate) correlations: Vec<(CorrelationRule, Origin)>,
    pub(crate) filters: Vec<(FilterRule, Origin)>,
    pub(crate) failures: Vec<RuleFailure>,
    pub(crate) files: usize,
}

/// Rule files under `paths` (files are taken as given, folders walked), sorted so that
/// loading order, and with it the output order, is the same on every machine.
pub(crate) fn rule_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<RuleFailure>) {
    let (files, unreadable) =
        crate::files::collect(paths, |p| matches!(p.extension().and_then(|e| e.to_str()), Some("yml" | "yaml")));
    let failures = unreadable
        .into_iter()
        .map(|u| RuleFailure { file: u.path.display().to_string(), line: 0, reason: u.reason })
        .collect();
    (files, failures)
}

pub(crate) fn parse_files(files: &[PathBuf]) -> Parsed {
    let per_file: Vec<Parsed> = files.par_iter().map(|f| parse_file(f)).collect();
    let mut all = Parsed { files: files.len(), ..Parsed::default() };
    for p in per_file {
        all.rules.extend(p.rules);
        all.correlations.extend(p.correlations);
        all.filters.extend(p.filters);
        all.failures.extend(p.failures);
    }
    all
}

fn parse_file(path: &Path) -> Parsed {
    let file = path.display().to_string();
    let mut parsed = Parsed::default();
    let text = match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(_) => {
                parsed.failures.push(RuleFailure { file, line: 1, reason: "the file is not UTF-8 text".into() });
                return parsed;
            }
        },
        Err(e) => {
            parsed.failures.push(RuleFailure { file, line: 0, reason: e.to_string() });
            return parsed;
        }
    };
    parse_text(&file, &text, &mut parsed);
    parsed
}

/// Rules given as text (embedded rule sets), each under the name it is shown with.
pub(crate) fn parse_texts(texts: &[(&str, &str)]) -> Parsed {
    let mut parsed = Parsed { files: texts.len(), ..Parsed::default() };
    for (name, text) in texts {
        parse_text(name, text, &mut parsed);
    }
    parsed
}

fn parse_text(file: &str, text: &str, parsed: &mut Parsed) {
    for (line, doc) in documents(text) {
        let origin = Origin { file: file.to_string(), line, text: doc.into() };
        parse_document(&origin, parsed);
    }
}

/// Splits a file at `---` lines, keeping each document's first line. A file that uses
/// collection actions (`action: global` / `repeat`) is parsed whole: its documents depend
/// on each other.
fn documents(text: &str) -> Vec<(usize, &str)> {
    if text.lines().any(|l| l.starts_with("action:")) {
        return vec![(1, text)];
    }
    let mut docs = Vec::new();
    let mut start = 0;
    let mut start_line = 1;
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if line.trim_end() == "---" {
            docs.push((start_line, &text[start..offset]));
            start = offset + line.len();
            start_line = i + 2;
        }
        offset += line.len();
    }
    docs.push((start_line, &text[start..]));
    docs.retain(|(_, d)| d.lines().any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#')));
    docs
}

fn parse_document(origin: &Origin, out: &mut Parsed) {
    match parse_sigma_yaml(&origin.text) {
        Ok(collection) => {
            let produced = collection.rules.len() + collection.correlations.len() + collection.filters.len();
            if produced == 0 {
                let reason =
                    collection.errors.first().cloned().unwrap_or_else(|| "the document is not a Sigma rule".into());
                out.failures.push(origin.failure(&reason));
            }
            out.rules.extend(collection.rules.into_iter().map(|r| (r, origin.clone())));
            out.correlations.extend(collection.correlations.into_iter().map(|r| (r, origin.clone())));
            out.filters.extend(collection.filters.into_iter().map(|r| (r, origin.clone())));
        }
        Err(e) => out.failures.push(origin.failure(&e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_keep_their_first_line() {
        let text = "title: a\n---\n# only a comment\n---\ntitle: b\nx: 1\n";
        let docs = documents(text);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0], (1, "title: a\n"));
        assert_eq!(docs[1], (5, "title: b\nx: 1\n"));
    }
}
