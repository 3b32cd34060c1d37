//! Finding the line a rule problem is on. The parser reports YAML errors with a position;
//! for the others, the line is found from the token the message names.

/// The 1-based line within `doc` that best explains `reason`, or `None` to mean the
/// document's first line.
pub(super) fn line_of(doc: &str, reason: &str) -> Option<usize> {
    if let Some(line) = yaml_position(reason) {
        return Some(line);
    }
    let find = |needle: &str| doc.lines().position(|l| l.contains(needle)).map(|i| i + 1);
    let lower = reason.to_ascii_lowercase();
    if let Some(token) = quoted(reason) {
        for needle in [format!("|{token}"), format!("{token}:"), token.to_string()] {
            if let Some(line) = find(&needle) {
                return Some(line);
            }
        }
    }
    for (word, key) in [
        ("|expand", "|expand"),
        ("condition", "condition:"),
        ("timespan", "timespan:"),
        ("correlation", "correlation:"),
        ("group-by", "group-by:"),
        ("logsource", "logsource:"),
        ("detection", "detection:"),
        ("regex", "|re"),
        ("cidr", "|cidr"),
        ("base64", "|base64"),
        ("modifier", "|"),
    ] {
        if lower.contains(word)
            && let Some(line) = find(key)
        {
            return Some(line);
        }
    }
    None
}

/// yaml_serde writes "... at line 12 column 5".
fn yaml_position(reason: &str) -> Option<usize> {
    let at = reason.find("line ")?;
    let digits: String = reason[at + 5..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

fn quoted(reason: &str) -> Option<&str> {
    let start = reason.find('\'')? + 1;
    let len = reason[start..].find('\'')?;
    let token = &reason[start..start + len];
    (!token.is_empty() && token.len() < 80).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str =
        "title: t\nlogsource:\n  product: windows\ndetection:\n  sel:\n    Image|endswitch: x\n  condition: sel and\n";

    #[test]
    fn lines_come_from_positions_tokens_or_keys() {
        assert_eq!(line_of(DOC, "YAML parsing error: did not find expected key at line 3 column 1"), Some(3));
        assert_eq!(line_of(DOC, "Unknown modifier 'endswitch'"), Some(6));
        assert_eq!(line_of(DOC, "Condition parse error: unexpected end"), Some(7));
        assert_eq!(line_of(DOC, "something else entirely"), None);
    }
}
