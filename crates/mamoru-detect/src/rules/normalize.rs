//! Rewrites applied to each parsed rule before it is compiled, where rsigma-eval 0.23.0
//! reads the Sigma specification differently (each case has a test in
//! `tests/it/spec_*.rs` quoting the specification):
//!
//! - `base64offset`: the specification's three shifted encodings, each cut to the
//!   characters that do not depend on the bytes around the value (rsigma keeps the last
//!   character, so a value followed by more text was missed); matched case-sensitively, as
//!   base64 is;
//! - `windash`: "converts the aforementioned characters interchangeably", so an option
//!   written `/c` also matches `-c` and the other dashes (rsigma expands `-` only): a `/`
//!   that starts a word is written as `-`, which rsigma then expands to all five;
//! - `'|all':` keywords must all appear (rsigma read them as a whole-value match);
//! - `expand`: Mamoru has no placeholder values, and "if the tool isn't able to handle
//!   placeholders, it must reject the rule".

use base64::Engine as _;
use rsigma_parser::{Detection, DetectionItem, Modifier, SigmaRule, SigmaString, SigmaValue};

/// Rewrites the rule in place; `Err` is the reason to refuse it.
pub(super) fn rule(rule: &mut SigmaRule) -> Result<(), String> {
    for detection in rule.detection.named.values_mut() {
        detection_tree(detection)?;
    }
    Ok(())
}

fn detection_tree(detection: &mut Detection) -> Result<(), String> {
    match detection {
        Detection::AllOf(items) => items.iter_mut().try_for_each(item),
        Detection::AnyOf(children) => children.iter_mut().try_for_each(detection_tree),
        _ => Ok(()),
    }
}

fn item(item: &mut DetectionItem) -> Result<(), String> {
    let modifiers = &item.field.modifiers;
    if modifiers.contains(&Modifier::Expand) {
        return Err("uses a placeholder (|expand), and Mamoru has no placeholder values to fill in".into());
    }
    let keyword = item.field.name.as_deref().is_none_or(str::is_empty);
    let matches_part = [Modifier::Contains, Modifier::StartsWith, Modifier::EndsWith, Modifier::Re]
        .iter()
        .any(|m| modifiers.contains(m));
    if keyword && modifiers.contains(&Modifier::All) && !matches_part {
        item.field.modifiers.push(Modifier::Contains);
    }
    if item.field.modifiers.contains(&Modifier::WindAsh) {
        for value in &mut item.values {
            if let SigmaValue::String(s) = value
                && s.original.contains('/')
            {
                *s = SigmaString::new(&slash_options_as_dashes(&s.original));
            }
        }
    }
    if item.field.modifiers.contains(&Modifier::Base64Offset) {
        base64offset(item);
    }
    Ok(())
}

/// `cmd /c` -> `cmd -c`; a `/` inside a word (a path, a URL) is left alone.
fn slash_options_as_dashes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut at_word_start = true;
    for c in s.chars() {
        out.push(if c == '/' && at_word_start { '-' } else { c });
        at_word_start = c.is_whitespace();
    }
    out
}

/// Replaces `[utf16…|]base64offset[|contains]` by `contains|cased` over the encodings.
fn base64offset(item: &mut DetectionItem) {
    let plain: Option<Vec<String>> = item
        .values
        .iter()
        .map(|v| match v {
            SigmaValue::String(s) => s.as_plain(),
            _ => None,
        })
        .collect();
    // Wildcards cannot be encoded; such rules keep rsigma's reading.
    let Some(plain) = plain else { return };
    let modifiers = &item.field.modifiers;
    let encode = |text: &str| -> Vec<u8> {
        if modifiers.contains(&Modifier::Wide) {
            text.encode_utf16().flat_map(u16::to_le_bytes).collect()
        } else if modifiers.contains(&Modifier::Utf16be) {
            text.encode_utf16().flat_map(u16::to_be_bytes).collect()
        } else if modifiers.contains(&Modifier::Utf16) {
            [0xff, 0xfe].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect()
        } else {
            text.as_bytes().to_vec()
        }
    };
    let mut values = Vec::new();
    for text in &plain {
        for shifted in shifted_encodings(&encode(text)) {
            if !values.contains(&shifted) {
                values.push(shifted);
            }
        }
    }
    item.values = values.iter().map(|v| SigmaValue::String(SigmaString::new(v))).collect();
    // Any one shift of any value is a match (`|all` over values would need "one shift of
    // each", which a flat value list cannot say; no SigmaHQ rule combines them).
    item.field.modifiers = vec![Modifier::Contains, Modifier::Cased];
}

/// The three encodings of `bytes` at offsets 0, 1 and 2, cut to their stable middle
/// (the specification's table; pySigma's `start_offsets` (0, 2, 3) and end offsets by
/// `(len + shift) % 3`: none, 3, 2 characters).
fn shifted_encodings(bytes: &[u8]) -> Vec<String> {
    let start = [0usize, 2, 3];
    let end_cut = [0usize, 3, 2];
    (0..3)
        .filter_map(|shift| {
            let mut padded = vec![b' '; shift];
            padded.extend_from_slice(bytes);
            let encoded = base64::engine::general_purpose::STANDARD.encode(&padded);
            let cut = end_cut[(bytes.len() + shift) % 3];
            let end = encoded.len().checked_sub(cut)?;
            (start[shift] < end).then(|| encoded[start[shift]..end].to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifted_encodings_match_the_specification_example() {
        // Worked out by hand: " /bin/bash" encodes as "IC9iaW4vYmFzaA==", whose first two
        // and last three characters depend on the bytes around the value.
        assert_eq!(shifted_encodings(b"/bin/bash"), ["L2Jpbi9iYXNo", "9iaW4vYmFza", "vYmluL2Jhc2"]);
    }

    #[test]
    fn only_slashes_that_start_a_word_become_dashes() {
        assert_eq!(slash_options_as_dashes("/c cmd /k C:/Windows/x"), "-c cmd -k C:/Windows/x");
    }
}
