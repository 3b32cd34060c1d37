//! Parsing of the small values people type into forms and spreadsheets.
//!
//! Japanese users type full-width digits (`２０２５/３/３１`), Japanese era dates
//! (`令和7年3月31日`) and flags such as `○` or `あり`; all of that is accepted here, in one
//! place, so the web form and the CSV import accept exactly the same inputs.

use jiff::civil::Date;

use crate::invalid::Problem;

/// Maps full-width ASCII (U+FF01..U+FF5E) and the ideographic space to their ASCII forms.
///
/// Only used on structured values (numbers, dates, addresses, flags), never on names, where
/// the user's own spelling is kept verbatim.
pub fn narrow(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// Trims a text field; an empty result is `None`. Fails when longer than `max` characters.
pub fn optional_text(s: &str, max: usize) -> Result<Option<String>, Problem> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.chars().count() > max {
        return Err(Problem::TooLong { max });
    }
    Ok(Some(t.to_owned()))
}

/// Like [`optional_text`], but the value must be present.
pub fn required_text(s: &str, max: usize) -> Result<String, Problem> {
    optional_text(s, max)?.ok_or(Problem::Required)
}

/// Parses a yes/no flag; empty means `None`.
pub fn parse_flag(s: &str) -> Result<Option<bool>, Problem> {
    let t = narrow(s).trim().to_lowercase();
    match t.as_str() {
        "" => Ok(None),
        "はい" | "yes" | "y" | "true" | "1" | "○" | "〇" | "◯" | "あり" | "有" | "on" => Ok(Some(true)),
        "いいえ" | "no" | "n" | "false" | "0" | "×" | "✕" | "なし" | "無" | "off" | "-" => Ok(Some(false)),
        _ => Err(Problem::BadFlag(s.trim().to_owned())),
    }
}

/// Parses a whole number in `min..=max`; empty means `None`. Accepts `1,200` and full-width digits.
pub fn parse_count(s: &str, min: i64, max: i64) -> Result<Option<i64>, Problem> {
    let t: String = narrow(s).trim().chars().filter(|c| *c != ',').collect();
    let t = t.trim_end_matches('床').trim();
    if t.is_empty() {
        return Ok(None);
    }
    let n: i64 = t.parse().map_err(|_| Problem::NotANumber(s.trim().to_owned()))?;
    if n < min || n > max {
        return Err(Problem::OutOfRange { min, max });
    }
    Ok(Some(n))
}

/// Parses a date; empty means `None`.
///
/// Accepted: `2025-03-31`, `2025/3/31`, `2025.3.31`, `2025年3月31日`, and Japanese era dates
/// `令和7年3月31日`, `R7.3.31`, `平成31年4月30日`, `H31/4/30` (元年 for year 1).
/// A trailing time, as Excel sometimes writes (`2025/03/31 0:00:00`), is ignored.
pub fn parse_date(s: &str) -> Result<Option<Date>, Problem> {
    let raw = s.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let bad = || Problem::BadDate(raw.to_owned());
    let t = narrow(raw);
    let t = t.split_whitespace().next().unwrap_or("");
    let (era_start, rest) = split_era(t);
    let rest = rest.replace('元', "1");
    let parts: Vec<&str> = rest.split(['-', '/', '.', '年', '月', '日']).filter(|p| !p.is_empty()).collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    let (y, m, d): (i16, i8, i8) =
        (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
    let year = match era_start {
        Some(first) => {
            if !(1..=99).contains(&y) {
                return Err(bad());
            }
            first + y - 1
        }
        None if (1900..=2200).contains(&y) => y,
        None => return Err(bad()),
    };
    Date::new(year, m, d).map(Some).map_err(|_| bad())
}

/// Splits a Japanese era prefix off a date, returning the Gregorian year of the era's year 1.
fn split_era(t: &str) -> (Option<i16>, &str) {
    const ERAS: [(&str, i16); 8] = [
        ("令和", 2019),
        ("平成", 1989),
        ("昭和", 1926),
        ("R", 2019),
        ("H", 1989),
        ("S", 1926),
        ("r", 2019),
        ("h", 1989),
    ];
    for (prefix, first) in ERAS {
        if let Some(rest) = t.strip_prefix(prefix) {
            return (Some(first), rest);
        }
    }
    (None, t)
}

/// Checks the shape of an e-mail address (one `@`, a dot in the domain, no spaces) and lowercases it.
pub fn parse_email(s: &str) -> Result<String, Problem> {
    let t = s.trim().to_lowercase();
    let bad = || Problem::BadEmail(s.trim().to_owned());
    let (local, domain) = t.split_once('@').ok_or_else(bad)?;
    let ok = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && t.len() <= 254
        && !t.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok { Ok(t) } else { Err(bad()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> String {
        match parse_date(s) {
            Ok(Some(d)) => d.to_string(),
            Ok(None) => "none".into(),
            Err(_) => "error".into(),
        }
    }

    #[test]
    fn dates_in_every_accepted_form() {
        assert_eq!(date("2025-03-31"), "2025-03-31");
        assert_eq!(date("2025/3/31"), "2025-03-31");
        assert_eq!(date("２０２５／３／３１"), "2025-03-31");
        assert_eq!(date("2025年3月31日"), "2025-03-31");
        assert_eq!(date("令和7年3月31日"), "2025-03-31");
        assert_eq!(date("令和元年5月1日"), "2019-05-01");
        assert_eq!(date("R7.3.31"), "2025-03-31");
        assert_eq!(date("H31/4/30"), "2019-04-30");
        assert_eq!(date("2025/03/31 0:00:00"), "2025-03-31");
        assert_eq!(date("  "), "none");
    }

    #[test]
    fn impossible_dates_are_refused() {
        for s in ["2025-02-30", "31/12/2025", "2025-13-01", "令和0年1月1日", "yesterday", "99999-1-1", "1800-01-01"]
        {
            assert_eq!(date(s), "error", "{s}");
        }
    }

    #[test]
    fn flags() {
        for s in ["はい", "YES", "1", "○", "あり", "ｙｅｓ"] {
            assert_eq!(parse_flag(s), Ok(Some(true)), "{s}");
        }
        for s in ["いいえ", "no", "0", "×", "なし"] {
            assert_eq!(parse_flag(s), Ok(Some(false)), "{s}");
        }
        assert_eq!(parse_flag(""), Ok(None));
        assert!(matches!(parse_flag("maybe"), Err(Problem::BadFlag(_))));
    }

    #[test]
    fn counts() {
        assert_eq!(parse_count("1,200", 0, 5000), Ok(Some(1200)));
        assert_eq!(parse_count("４００床", 0, 5000), Ok(Some(400)));
        assert_eq!(parse_count("", 0, 5000), Ok(None));
        assert_eq!(parse_count("-1", 0, 5000), Err(Problem::OutOfRange { min: 0, max: 5000 }));
        assert!(matches!(parse_count("many", 0, 5000), Err(Problem::NotANumber(_))));
    }

    #[test]
    fn texts_are_trimmed_and_bounded() {
        assert_eq!(optional_text("  x  ", 5), Ok(Some("x".into())));
        assert_eq!(optional_text("   ", 5), Ok(None));
        assert_eq!(required_text("", 5), Err(Problem::Required));
        assert_eq!(optional_text("電子カルテサーバ", 3), Err(Problem::TooLong { max: 3 }));
        // Quotes and SQL are only text.
        assert_eq!(optional_text("'); DROP TABLE assets;--", 100), Ok(Some("'); DROP TABLE assets;--".into())));
    }

    #[test]
    fn emails() {
        assert_eq!(parse_email(" Admin@Example.JP "), Ok("admin@example.jp".into()));
        for s in ["admin", "a@b", "a b@c.jp", "@c.jp", "a@.jp"] {
            assert!(parse_email(s).is_err(), "{s}");
        }
    }
}
