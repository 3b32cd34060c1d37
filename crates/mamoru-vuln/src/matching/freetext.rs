//! Version lists written as prose by vendors and JVN.
//!
//! `FortiOS 6.0.0 to 6.0.4, 5.6.3 to 5.6.7 and 5.4.6 to 5.4.12, FortiProxy 2.0.0, 1.2.0 to
//! 1.2.8`, `FortiOS before 7.0.3`, `9.18.0 and below`, `RTX1210 Rev.14.01.38 およびそれ以前`,
//! `6.0.0 から 6.0.4 まで`: clauses are separated by commas, semicolons, `、` and `and`; a
//! clause may start with a product name, which then applies until the next one.

use crate::aliases::tokens;
use crate::version::fold_width;

/// The versions one clause covers; versions are kept as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TextRange {
    /// `all versions`.
    All,
    /// One version.
    Single(String),
    /// From (inclusive?) to (inclusive?); `None` is open.
    Between(Option<(String, bool)>, Option<(String, bool)>),
}

/// One clause: the product it names (or the last one named) and its versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Clause {
    pub(crate) product: Option<String>,
    pub(crate) range: TextRange,
}

/// Japanese phrases rewritten to the English keywords below; longer phrases first.
const JAPANESE: [(&str, &str); 17] = [
    ("全バージョン", " all "),
    ("およびそれ以前", " and_earlier "),
    ("及びそれ以前", " and_earlier "),
    ("並びにそれ以前", " and_earlier "),
    ("とそれ以前", " and_earlier "),
    ("およびそれ以降", " and_later "),
    ("及びそれ以降", " and_later "),
    ("のバージョン", " "),
    ("バージョン", " "),
    ("から", " to "),
    ("まで", " "),
    ("以前", " and_earlier "),
    ("以下", " and_earlier "),
    ("以降", " and_later "),
    ("以上", " and_later "),
    ("未満", " before_this "),
    ("より前", " before_this "),
];

/// Words after a version that make it an end or a start, not one version on its own.
const AFTER_EARLIER: [&str; 7] = ["earlier", "before", "below", "prior", "lower", "older", "and_earlier"];
const AFTER_LATER: [&str; 6] = ["later", "above", "after", "newer", "higher", "and_later"];
/// Words that carry no meaning of their own.
const FILLER: [&str; 19] = [
    "version",
    "versions",
    "ver",
    "release",
    "releases",
    "firmware",
    "software",
    "v",
    "series",
    "the",
    "of",
    "is",
    "are",
    "all",
    "ファームウェア",
    "ファームウエア",
    "ソフトウェア",
    "ソフトウエア",
    "製品",
];
const KEYWORDS: [&str; 20] = [
    "to",
    "through",
    "thru",
    "until",
    "till",
    "-",
    "and",
    "or",
    "than",
    "up",
    "from",
    "since",
    "<",
    "<=",
    "≤",
    ">",
    ">=",
    "≥",
    "before_this",
    "including",
];

/// Reads a prose version list. `products` are the product names the statement is about, so
/// that one written with digits (`USG FLEX 100`) is still read as a name.
pub(crate) fn parse(text: &str, products: &[String]) -> Vec<Clause> {
    let known: Vec<Vec<String>> = products.iter().map(|p| tokens(p)).filter(|t| !t.is_empty()).collect();
    let mut s: String = text.chars().map(fold_width).collect();
    for (ja, en) in JAPANESE {
        s = s.replace(ja, en);
    }
    for tilde in ['〜', '～', '~'] {
        s = s.replace(tilde, " to ");
    }
    let mut out = Vec::new();
    let mut product: Option<String> = None;
    for piece in s.split([',', ';', '、', '，', '；', '\n', '。']) {
        for clause in split_and(piece) {
            let (named, range) = read_clause(&clause, &known);
            if named.is_some() {
                product = named;
            }
            out.extend(range.into_iter().map(|range| Clause { product: product.clone(), range }));
        }
    }
    out
}

/// Splits at `and` / `&` / `および` unless a qualifier follows (`5.2.14 and earlier`).
fn split_and(piece: &str) -> Vec<Vec<String>> {
    let words: Vec<String> = piece.split_whitespace().map(clean).filter(|w| !w.is_empty()).collect();
    let mut out = vec![Vec::new()];
    for (i, w) in words.iter().enumerate() {
        let lw = w.to_lowercase();
        let joins = matches!(lw.as_str(), "and" | "&" | "および" | "及び" | "or");
        let qualifier = words.get(i + 1).is_some_and(|n| {
            let n = n.to_lowercase();
            AFTER_EARLIER.contains(&n.as_str()) || AFTER_LATER.contains(&n.as_str())
        });
        if joins && !qualifier {
            out.push(Vec::new());
        } else if let Some(last) = out.last_mut() {
            last.push(w.clone());
        }
    }
    out.retain(|c| !c.is_empty());
    out
}

/// Trims punctuation around a word, keeping balanced parentheses (`9.8(4)17`).
fn clean(w: &str) -> String {
    let mut w = w.trim_matches(|c: char| matches!(c, '.' | ':' | '"' | '\'' | '「' | '」' | '*')).to_owned();
    while w.ends_with(')') && w.matches(')').count() > w.matches('(').count() {
        w.pop();
    }
    while w.starts_with('(') && w.matches('(').count() > w.matches(')').count() {
        w.remove(0);
    }
    w
}

/// Whether a word is a version rather than a name: `6.0.4`, `v5.36`, `Rev.14.01.38`, `R81.20`.
fn is_version(w: &str) -> bool {
    let l = w.to_lowercase();
    let rest = ["version", "rev.", "ver.", "rev", "ver", "v", "r"].iter().find_map(|p| l.strip_prefix(p)).unwrap_or(&l);
    rest.starts_with(|c: char| c.is_ascii_digit())
}

/// Splits an operator glued to a version (`<7.0.3`).
fn split_operator(w: &str) -> (Option<&str>, &str) {
    for op in ["<=", ">=", "≤", "≥", "<", ">"] {
        if let Some(rest) = w.strip_prefix(op)
            && !rest.is_empty()
        {
            return (Some(op), rest);
        }
    }
    (None, w)
}

fn read_clause(words: &[String], known: &[Vec<String>]) -> (Option<String>, Vec<TextRange>) {
    let mut words: Vec<String> = words
        .iter()
        .flat_map(|w| {
            let (op, rest) = split_operator(w);
            op.map(str::to_owned).into_iter().chain(std::iter::once(rest.to_owned()))
        })
        .collect();
    // `5.8 (Build 1577)` is one version.
    let mut i = 0;
    while i + 2 < words.len() {
        if is_version(&words[i]) && words[i + 1].eq_ignore_ascii_case("build") && is_version(&words[i + 2]) {
            let merged = format!("{} build {}", words[i], words[i + 2]);
            words.splice(i..i + 3, [merged]);
        }
        i += 1;
    }
    // A known product name at the start, even with digits in it.
    let mut product = None;
    let clause_tokens: Vec<String> = words.iter().flat_map(|w| tokens(w)).collect();
    if let Some(k) = known.iter().filter(|k| clause_tokens.starts_with(k)).max_by_key(|k| k.len()) {
        let mut taken = 0;
        let mut n = 0;
        while n < words.len() && taken < k.len() {
            taken += tokens(&words[n]).len();
            n += 1;
        }
        product = Some(words[..n].join(" "));
        words.drain(..n);
    } else {
        let n = words.iter().take_while(|w| !is_version(w) && !is_keyword(w)).count();
        let name: Vec<&String> = words[..n].iter().filter(|w| !FILLER.contains(&w.to_lowercase().as_str())).collect();
        if !name.is_empty() && words[n..].iter().any(|w| is_version(w)) {
            product = Some(name.iter().map(|w| w.as_str()).collect::<Vec<_>>().join(" "));
        }
        if !name.is_empty() {
            words.drain(..n);
        }
    }
    (product, ranges(&words))
}

fn is_keyword(w: &str) -> bool {
    let l = w.to_lowercase();
    KEYWORDS.contains(&l.as_str()) || AFTER_EARLIER.contains(&l.as_str()) || AFTER_LATER.contains(&l.as_str())
}

fn ranges(words: &[String]) -> Vec<TextRange> {
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let has = |list: &[&str]| lower.iter().any(|w| list.contains(&w.as_str()));
    let versions: Vec<(usize, &String)> = words.iter().enumerate().filter(|(_, w)| is_version(w)).collect();
    let Some(&(first_at, first)) = versions.first() else {
        return if has(&["all"]) { vec![TextRange::All] } else { Vec::new() };
    };
    let before: Vec<&str> = lower[..first_at].iter().map(String::as_str).collect();
    let after: Vec<&str> = lower[first_at + 1..].iter().map(String::as_str).collect();
    if let Some(&(second_at, second)) = versions.get(1) {
        let between = &lower[first_at + 1..second_at];
        if between.iter().any(|w| matches!(w.as_str(), "to" | "through" | "thru" | "until" | "till" | "-")) {
            return vec![TextRange::Between(Some((line_start(first), true)), Some((second.clone(), true)))];
        }
    }
    let next = after.first().copied().unwrap_or("");
    let next2 = after.get(1).copied().unwrap_or("");
    let qualifier = if matches!(next, "and" | "or") { next2 } else { next };
    if AFTER_EARLIER.contains(&qualifier) {
        return vec![TextRange::Between(None, Some((first.clone(), true)))];
    }
    if next == "before_this" {
        return vec![TextRange::Between(None, Some((first.clone(), false)))];
    }
    if AFTER_LATER.contains(&qualifier) {
        return vec![TextRange::Between(Some((first.clone(), true)), None)];
    }
    if next == "all" || first.ends_with(".x") || first.ends_with(".X") {
        let base = first.trim_end_matches(".x").trim_end_matches(".X");
        return vec![line(base)];
    }
    let op = before.iter().rev().find(|w| is_keyword(w) || matches!(**w, "prior" | "before")).copied();
    match op {
        Some("<=" | "≤" | "through" | "thru") => return vec![TextRange::Between(None, Some((first.clone(), true)))],
        Some("to") if before.contains(&"up") => return vec![TextRange::Between(None, Some((first.clone(), true)))],
        Some("<" | "before" | "prior" | "to" | "than" | "before_this") => {
            return vec![TextRange::Between(None, Some((first.clone(), false)))];
        }
        Some(">=" | "≥" | "from" | "since") => return vec![TextRange::Between(Some((first.clone(), true)), None)],
        Some(">") => return vec![TextRange::Between(Some((first.clone(), false)), None)],
        _ => {}
    }
    versions.into_iter().map(|(_, v)| TextRange::Single(v.clone())).collect()
}

/// Whether `s` is one version and nothing else (`7.2.0`, `4.6 Patch 519`, `13.1-FIPS`), as
/// opposed to prose (`9.18.0 and below`, `FortiOS 6.0.4`, `2.1 All`).
pub(crate) fn is_plain_version(s: &str) -> bool {
    // Japanese text around a version is always prose (`7.6.2より前のバージョン`).
    if !s.is_ascii() {
        return false;
    }
    let mut words = s.split_whitespace();
    words.next().is_some_and(is_version)
        && words.all(|w| {
            let l = clean(w).to_lowercase();
            !is_keyword(&l) && !matches!(l.as_str(), "all" | "prior" | "x" | "n/a")
        })
        && crate::version::Version::parse(s).is_ok()
}

/// `6.0.x` written as a start: the line itself.
fn line_start(v: &str) -> String {
    v.trim_end_matches(".x").trim_end_matches(".X").to_owned()
}

/// A whole release line (`2.1 All`, `6.0.x`): from it up to the next one.
fn line(base: &str) -> TextRange {
    match bump(base) {
        Some(next) => TextRange::Between(Some((base.to_owned(), true)), Some((next, false))),
        None => TextRange::Single(base.to_owned()),
    }
}

/// Increments the last number of a version: `2.1` → `2.2`.
fn bump(v: &str) -> Option<String> {
    let end = v.rfind(|c: char| c.is_ascii_digit())? + 1;
    let start = v[..end].rfind(|c: char| !c.is_ascii_digit()).map_or(0, |i| i + 1);
    let n: u64 = v[start..end].parse().ok()?;
    Some(format!("{}{}{}", &v[..start], n.checked_add(1)?, &v[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, products: &[&str]) -> Vec<(Option<String>, TextRange)> {
        let products: Vec<String> = products.iter().map(|p| (*p).to_owned()).collect();
        parse(text, &products).into_iter().map(|c| (c.product, c.range)).collect()
    }

    fn between(lo: Option<(&str, bool)>, hi: Option<(&str, bool)>) -> TextRange {
        TextRange::Between(lo.map(|(v, i)| (v.to_owned(), i)), hi.map(|(v, i)| (v.to_owned(), i)))
    }

    #[test]
    fn fortinet_lists() {
        let got = read(
            "FortiOS 6.0.0 to 6.0.4, 5.6.3 to 5.6.7 and 5.4.6 to 5.4.12, FortiProxy 2.0.0, 1.2.0 to 1.2.8",
            &["FortiOS", "FortiProxy"],
        );
        let os = Some("FortiOS".to_owned());
        let proxy = Some("FortiProxy".to_owned());
        assert_eq!(
            got,
            vec![
                (os.clone(), between(Some(("6.0.0", true)), Some(("6.0.4", true)))),
                (os.clone(), between(Some(("5.6.3", true)), Some(("5.6.7", true)))),
                (os, between(Some(("5.4.6", true)), Some(("5.4.12", true)))),
                (proxy.clone(), TextRange::Single("2.0.0".into())),
                (proxy, between(Some(("1.2.0", true)), Some(("1.2.8", true)))),
            ]
        );
        assert_eq!(read("FortiOS before 7.0.3", &[])[0].1, between(None, Some(("7.0.3", false))));
        assert_eq!(read("FortiOS 6.2.0 and below.", &[])[0].1, between(None, Some(("6.2.0", true))));
        assert_eq!(read("5.2.14 and earlier", &[])[0].1, between(None, Some(("5.2.14", true))));
        assert_eq!(read("< 7.0.3", &[])[0].1, between(None, Some(("7.0.3", false))));
        assert_eq!(read("<=7.0.3", &[])[0].1, between(None, Some(("7.0.3", true))));
        assert_eq!(read("6.0.0 through 6.0.4", &[])[0].1, between(Some(("6.0.0", true)), Some(("6.0.4", true))));
        assert_eq!(read("2.1 All", &[])[0].1, between(Some(("2.1", true)), Some(("2.2", false))));
        assert_eq!(read("n/a", &[]), vec![]);
        assert!(is_plain_version("4.6 Patch 519") && is_plain_version("13.1-FIPS"));
        assert!(!is_plain_version("9.18.0 and below") && !is_plain_version("2.1 All"));
        assert!(!is_plain_version("7.6.2より前のバージョン") && !is_plain_version("FortiOS 6.0.4"));
    }

    #[test]
    fn japanese_lists() {
        assert_eq!(
            read("FortiOS 6.0.0 から 6.0.4 まで", &[])[0],
            (Some("FortiOS".into()), between(Some(("6.0.0", true)), Some(("6.0.4", true))))
        );
        assert_eq!(
            read("RTX1210 Rev.14.01.38 およびそれ以前", &[])[0],
            (Some("RTX1210".into()), between(None, Some(("Rev.14.01.38", true))))
        );
        assert_eq!(read("バージョン 3.2 以前", &[])[0].1, between(None, Some(("3.2", true))));
        assert_eq!(read("1.0.5 未満", &[])[0].1, between(None, Some(("1.0.5", false))));
        assert_eq!(read("7.6.2より前のバージョン", &[]), vec![(None, between(None, Some(("7.6.2", false))))]);
        assert_eq!(
            read("Ver.1.3.0より前のバージョン（CVE-2025-0355）", &[])[0].1,
            between(None, Some(("Ver.1.3.0", false)))
        );
        assert_eq!(read("ファームウエア 2.20 およびそれ以前", &[]), vec![(None, between(None, Some(("2.20", true))))]);
        assert_eq!(read("USG FLEX 100 4.60 から 5.35", &["USG FLEX 100"])[0].0, Some("USG FLEX 100".into()));
    }
}
