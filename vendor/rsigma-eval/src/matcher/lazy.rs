//! Mamoru: a rule's regexes and `contains` automata, built the first time they are matched
//! rather than when the rule loads: the candidate index lets few events reach most rules.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

/// A regex pattern whose syntax is known to be valid, compiled on first use.
///
/// Compiling SigmaHQ's 322 regexes of `rules/windows` took 14 % of loading the rules, and
/// most rules meet few events their candidate index lets through: parsing the pattern (3 %
/// of the cost) still rejects a malformed one at load, with the same error as `Regex::new`.
#[derive(Debug, Clone)]
pub struct LazyRegex {
    pattern: String,
    /// `None` when compiling failed after all (a pattern over the size limits, which parsing
    /// does not check): the matcher then matches nothing.
    compiled: OnceLock<Option<Regex>>,
}

impl LazyRegex {
    /// Checks `pattern`'s syntax as `Regex::new` does; compiles nothing.
    pub fn new(pattern: impl Into<String>) -> Result<Self, regex::Error> {
        let pattern = pattern.into();
        regex_syntax::Parser::new()
            .parse(&pattern)
            .map_err(|e| regex::Error::Syntax(e.to_string()))?;
        Ok(LazyRegex {
            pattern,
            compiled: OnceLock::new(),
        })
    }

    /// The pattern, with its inline flags.
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    pub fn is_match(&self, haystack: &str) -> bool {
        self.compiled
            .get_or_init(|| Regex::new(&self.pattern).ok())
            .as_ref()
            .is_some_and(|re| re.is_match(haystack))
    }
}

impl From<Regex> for LazyRegex {
    /// An already compiled regex.
    fn from(re: Regex) -> Self {
        LazyRegex {
            pattern: re.as_str().to_owned(),
            compiled: OnceLock::from(Some(re)),
        }
    }
}

/// The automaton of an `AhoCorasickSet` matcher, built from its needles on first use.
///
/// Building them for SigmaHQ's `rules/windows` (300 lists of `contains` values) took 13 % of
/// loading the rules.
#[derive(Debug, Clone, Default)]
pub struct LazyAutomaton(OnceLock<Option<AhoCorasick>>);

impl LazyAutomaton {
    /// Whether any of `needles` (the matcher's own, always the same) occurs in `haystack`.
    pub fn is_match(&self, needles: &[String], haystack: &str) -> bool {
        match self.0.get_or_init(|| AhoCorasick::new(needles).ok()) {
            Some(automaton) => automaton.is_match(haystack),
            // An automaton that could not be built (too many states) answers as the
            // `Contains` matchers it replaced would.
            None => needles.iter().any(|n| haystack.contains(n.as_str())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_pattern_fails_at_once_with_the_error_regex_gives() {
        let lazy = LazyRegex::new("(unclosed").unwrap_err();
        let eager = Regex::new("(unclosed").unwrap_err();
        assert_eq!(lazy.to_string(), eager.to_string());
    }

    #[test]
    fn a_good_pattern_matches_as_regex_does() {
        let re = LazyRegex::new(r"(?i)^c:\\windows\\.*\.exe$").unwrap();
        assert!(re.is_match(r"C:\Windows\System32\cmd.EXE"));
        assert!(!re.is_match(r"D:\Windows\cmd.exe"));
        assert_eq!(re.as_str(), r"(?i)^c:\\windows\\.*\.exe$");
    }

    #[test]
    fn an_automaton_finds_any_of_its_needles() {
        let needles = vec!["mimikatz".to_string(), "sekurlsa::".to_string()];
        let automaton = LazyAutomaton::default();
        assert!(automaton.is_match(&needles, "run sekurlsa::logonpasswords"));
        assert!(!automaton.is_match(&needles, "whoami"));
    }
}
