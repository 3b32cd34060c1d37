//! CPE 2.3 names (NISTIR 7695), as the asset register stores them.
//!
//! Only the syntax is checked here; matching names against advisories is the `vuln` engine's
//! job. The legacy CPE 2.2 URI form (`cpe:/o:fortinet:fortios:6.0.4`), still common in older
//! spreadsheets, is accepted and converted.

use std::fmt;

use crate::invalid::Problem;

/// The attribute names of a CPE 2.3 name, in order.
pub const ATTRIBUTES: [&str; 11] = [
    "part",
    "vendor",
    "product",
    "version",
    "update",
    "edition",
    "language",
    "sw_edition",
    "target_sw",
    "target_hw",
    "other",
];

/// A syntactically valid CPE 2.3 name, kept in its formatted-string form (lowercase).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cpe23 {
    /// The eleven attributes as they appear between the colons (escapes kept).
    attrs: [String; 11],
}

impl Cpe23 {
    /// Parses a formatted string (`cpe:2.3:o:fortinet:fortios:6.0.4:*:*:*:*:*:*:*`) or a 2.2 URI.
    ///
    /// A formatted string with fewer than eleven attributes is padded with `*` (ANY), as
    /// people often cut the trailing wildcards.
    pub fn parse(s: &str) -> Result<Self, Problem> {
        let t = s.trim();
        let lower = t.to_lowercase();
        if let Some(rest) = lower.strip_prefix("cpe:2.3:") {
            Self::from_formatted(rest)
        } else if let Some(rest) = lower.strip_prefix("cpe:/") {
            Self::from_uri(rest)
        } else {
            Err(Problem::BadCpe("must start with cpe:2.3: (or cpe:/ for CPE 2.2)".into()))
        }
    }

    fn from_formatted(rest: &str) -> Result<Self, Problem> {
        let parts = split_unescaped(rest);
        if parts.len() > 11 {
            return Err(Problem::BadCpe(format!("{} attributes; a CPE 2.3 name has 11", parts.len())));
        }
        let mut attrs: [String; 11] = Default::default();
        for (i, slot) in attrs.iter_mut().enumerate() {
            let value = parts.get(i).map(String::as_str).unwrap_or("*");
            check_attribute(ATTRIBUTES[i], value)?;
            *slot = value.to_owned();
        }
        check_part(&attrs[0])?;
        Ok(Self { attrs })
    }

    fn from_uri(rest: &str) -> Result<Self, Problem> {
        let parts: Vec<&str> = rest.split(':').collect();
        if parts.len() > 7 {
            return Err(Problem::BadCpe("too many components for a CPE 2.2 URI".into()));
        }
        let mut attrs: [String; 11] = Default::default();
        for (i, slot) in attrs.iter_mut().enumerate() {
            let raw = if i < 7 { parts.get(i).copied().unwrap_or("") } else { "" };
            *slot = uri_component_to_formatted(raw)
                .ok_or_else(|| Problem::BadCpe(format!("bad percent-encoding in {}", ATTRIBUTES[i])))?;
            check_attribute(ATTRIBUTES[i], slot)?;
        }
        check_part(&attrs[0])?;
        Ok(Self { attrs })
    }

    /// `a` (application), `o` (operating system) or `h` (hardware); `*` or `-` if unspecified.
    pub fn part(&self) -> &str {
        &self.attrs[0]
    }

    /// The vendor attribute, e.g. `fortinet`.
    pub fn vendor(&self) -> &str {
        &self.attrs[1]
    }

    /// The product attribute, e.g. `fortios`.
    pub fn product(&self) -> &str {
        &self.attrs[2]
    }

    /// The version attribute, e.g. `6.0.4`.
    pub fn version(&self) -> &str {
        &self.attrs[3]
    }

    /// Every attribute in order (see [`ATTRIBUTES`]).
    pub fn attributes(&self) -> &[String; 11] {
        &self.attrs
    }
}

impl fmt::Display for Cpe23 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cpe:2.3:{}", self.attrs.join(":"))
    }
}

/// Splits on colons that are not escaped by a backslash.
fn split_unescaped(s: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let last = parts.last_mut().expect("never empty");
                last.push('\\');
                if let Some(next) = chars.next() {
                    last.push(next);
                }
            }
            ':' => parts.push(String::new()),
            _ => parts.last_mut().expect("never empty").push(c),
        }
    }
    parts
}

fn check_part(part: &str) -> Result<(), Problem> {
    match part {
        "a" | "o" | "h" | "*" | "-" => Ok(()),
        other => Err(Problem::BadCpe(format!("part {other:?} must be a, o or h"))),
    }
}

/// One attribute value: `*`, `-`, or characters from the formatted-string alphabet, with
/// `*`/`?` wildcards only at either end and anything else non-alphanumeric escaped.
fn check_attribute(name: &str, value: &str) -> Result<(), Problem> {
    if value.is_empty() {
        return Err(Problem::BadCpe(format!("{name} is empty (use * for any)")));
    }
    if value == "*" || value == "-" {
        return Ok(());
    }
    let chars: Vec<char> = value.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let at_edge = i == 0 || i == chars.len() - 1;
        match c {
            '\\' => {
                if i + 1 >= chars.len() {
                    return Err(Problem::BadCpe(format!("{name} ends with a lone backslash")));
                }
                i += 1;
            }
            c if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') => {}
            '*' | '?' if at_edge => {}
            c => {
                return Err(Problem::BadCpe(format!("{name} contains {c:?}, which must be escaped with a backslash")));
            }
        }
        i += 1;
    }
    Ok(())
}

/// Converts one CPE 2.2 URI component to the 2.3 formatted form: empty is ANY, percent
/// escapes are decoded, and punctuation is backslash-escaped.
fn uri_component_to_formatted(raw: &str) -> Option<String> {
    if raw.is_empty() {
        return Some("*".into());
    }
    if raw == "-" {
        return Some("-".into());
    }
    let bytes = raw.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = if bytes[i] == b'%' {
            let hex = raw.get(i + 1..i + 3)?;
            i += 3;
            u8::from_str_radix(hex, 16).ok()? as char
        } else {
            i += 1;
            bytes[i - 1] as char
        };
        if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
            out.push(c);
        } else {
            out.push('\\');
            out.push(c);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> String {
        Cpe23::parse(s).map(|c| c.to_string()).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn err(s: &str) -> String {
        Cpe23::parse(s).map(|c| c.to_string()).expect_err(s).to_string()
    }

    #[test]
    fn formatted_strings() {
        let c = Cpe23::parse("cpe:2.3:o:fortinet:fortios:6.0.4:*:*:*:*:*:*:*").unwrap();
        assert_eq!((c.part(), c.vendor(), c.product(), c.version()), ("o", "fortinet", "fortios", "6.0.4"));
        assert_eq!(ok("CPE:2.3:o:Fortinet:FortiOS:6.0.4"), "cpe:2.3:o:fortinet:fortios:6.0.4:*:*:*:*:*:*:*");
        assert_eq!(
            ok(r"cpe:2.3:o:cisco:ios:12.2\(58\)se:*:*:*:*:*:*:*"),
            r"cpe:2.3:o:cisco:ios:12.2\(58\)se:*:*:*:*:*:*:*"
        );
        assert_eq!(ok("cpe:2.3:a:vendor:prod:1.*:*:*:*:*:*:*:*"), "cpe:2.3:a:vendor:prod:1.*:*:*:*:*:*:*:*");
    }

    #[test]
    fn uri_form_is_converted() {
        assert_eq!(ok("cpe:/o:fortinet:fortios:6.0.4"), "cpe:2.3:o:fortinet:fortios:6.0.4:*:*:*:*:*:*:*");
        assert_eq!(
            ok("cpe:/a:cisco:adaptive_security_appliance_software:9.8%284%2917"),
            r"cpe:2.3:a:cisco:adaptive_security_appliance_software:9.8\(4\)17:*:*:*:*:*:*:*"
        );
    }

    #[test]
    fn bad_names_say_what_is_wrong() {
        assert!(err("fortios 6.0.4").contains("must start with"));
        assert!(err("cpe:2.3:x:fortinet:fortios").contains("part"));
        assert!(err("cpe:2.3:o:fortinet:forti os:6").contains("escaped"));
        assert!(err("cpe:2.3:o:fortinet::6").contains("product is empty"));
        assert!(err("cpe:2.3:o:a:b:c:d:e:f:g:h:i:j:k").contains("attributes"));
        assert!(err("cpe:2.3:o:a:b:1\\").contains("backslash"));
        assert!(err("cpe:2.3:o:a:b:1*2").contains("escaped"));
    }
}
