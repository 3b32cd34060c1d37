//! Ordering of vendor version strings.
//!
//! Vendors number their releases in many ways: FortiOS `6.0.4 build0231`, Cisco ASA
//! `9.8(4)17`, Ivanti `22.7R2.3`, PAN-OS `10.2.9-h1`, Windows `10.0.19045.3803`. One set of
//! rules orders all of them well enough to test version ranges:
//!
//! 1. The string is trimmed, full-width ASCII (`６．０．４`) is folded to half-width, and letters
//!    are compared without case. Anything that is not an ASCII letter or digit separates
//!    components (`.` `-` `_` `(` `)` space, and also `,` `/` or Japanese text).
//! 2. Components are runs of digits or runs of letters; `22.7R2` is `22 . 7 R 2`.
//!    A leading `v`, `ver`, `version`, `rev` or `revision` before the first number is dropped
//!    (`V5.36` = `5.36`), and the word `build` is dropped but marks the number after it as a
//!    build number, so `6.0.4 build0231` = `6.0.4-build0231` = `6.0.4-0231`.
//! 3. Components compare left to right: numbers numerically (`6.0.10` > `6.0.9`, any length,
//!    leading zeros ignored), words alphabetically. At one position a number sorts after a
//!    word, and a missing component sits between them: pre-release words (`dev` < `alpha` <
//!    `beta` < `pre`/`preview` < `rc`) sort before the release (`1.0rc1` < `1.0`), while any
//!    other word — hotfix and patch markers such as `h`, `p`, `patch`, `R`, `sp` — sorts after
//!    it but before the next number (`10.2.9` < `10.2.9-h1` < `10.2.10`, `9.1R9.2` < `9.1R15`).
//!    Missing trailing components are smaller (`6.0` < `6.0.1`, `9.8(4)` < `9.8(4)17`), except
//!    that zeros at the end or before a word do not count (`6.0` = `6.0.0`, `1.0rc1` = `1rc1`).
//!
//! [`compare`] orders any two strings: valid versions by these rules, strings that are not
//! versions (see [`Version::parse`]) before all versions and among themselves byte by byte.
//! It is a total order, so it can sort and be used in ranges without surprises.

use std::cmp::Ordering;
use std::fmt;

/// The longest version string accepted, in characters.
pub const MAX_LEN: usize = 128;

/// Why a string is not a version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// Nothing but spaces.
    #[error("the version is empty")]
    Empty,
    /// Longer than [`MAX_LEN`] characters: a description pasted into the version field.
    #[error("the version is {len} characters long; at most {MAX_LEN} are accepted")]
    TooLong {
        /// Its length in characters.
        len: usize,
    },
    /// A control character (line break, tab, NUL...).
    #[error("the version contains a control character")]
    Control,
    /// No digit at all (`不明`, `latest`, `-`).
    #[error("the version has no number in it")]
    NoDigits,
}

/// What a component is; the derived order is the order of classes at one position, with a
/// missing component ranking between `Pre` and `Word`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// A pre-release word, with its rank among them.
    Pre(u8),
    /// Any other word.
    Word,
    /// A number.
    Num,
}

#[derive(Debug, Clone, Copy)]
struct Tok {
    /// Byte range in [`Version::norm`]; for numbers leading zeros are already skipped.
    start: u8,
    end: u8,
    kind: Kind,
    /// Preceded by a build-like separator (`-`, `_`, `+`, space, or the word `build`) rather
    /// than by `.`, a parenthesis or nothing; `12.1-55.18` is build 55.18 of `12.1`.
    dash: bool,
    /// Whether it counts in comparisons: zeros before a word or the end do not
    /// (`6.0` = `6`, `1.0rc1` = `1rc1`).
    counts: bool,
}

/// A parsed version string. Ordering follows the rules in the [module documentation](self).
///
/// Equality is equality in that order, so `6.0` equals `6.0.0` and `6.0.4 build0231` equals
/// `6.0.4-build0231`; [`Version::as_str`] keeps the text as written.
#[derive(Clone)]
pub struct Version {
    raw: Box<str>,
    /// The components' characters, lowercased and concatenated.
    norm: Box<str>,
    toks: Box<[Tok]>,
}

const PRE_RELEASE: [(&str, u8); 7] =
    [("dev", 0), ("alpha", 1), ("beta", 2), ("pre", 3), ("preview", 3), ("rc", 4), ("snapshot", 0)];

/// Words before the first number that only say "version".
const LEADING_NOISE: [&str; 5] = ["v", "ver", "version", "rev", "revision"];

impl Version {
    /// Parses a version string.
    ///
    /// Refuses what cannot be a version: an empty string, more than [`MAX_LEN`] characters,
    /// control characters, or no digit at all.
    pub fn parse(s: &str) -> Result<Self, VersionError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(VersionError::Empty);
        }
        let len = t.chars().count();
        if len > MAX_LEN {
            return Err(VersionError::TooLong { len });
        }
        if t.chars().any(char::is_control) {
            return Err(VersionError::Control);
        }
        // First split into runs of digits and runs of letters, noting what separated them.
        let mut norm = String::with_capacity(t.len());
        let mut runs: Vec<(usize, usize, bool, bool)> = Vec::new(); // (start, end, digits, dash)
        let mut dash = false;
        let mut current: Option<(usize, bool)> = None;
        for c in t.chars() {
            let c = fold_width(c);
            if c.is_ascii_alphanumeric() {
                let digit = c.is_ascii_digit();
                match current {
                    Some((start, d)) if d != digit => {
                        runs.push((start, norm.len(), d, dash));
                        dash = false;
                        current = Some((norm.len(), digit));
                    }
                    Some(_) => {}
                    None => current = Some((norm.len(), digit)),
                }
                norm.push(c.to_ascii_lowercase());
            } else {
                if let Some((start, d)) = current.take() {
                    runs.push((start, norm.len(), d, dash));
                    dash = false;
                }
                if !matches!(c, '.' | '(' | ')') {
                    dash = true;
                }
            }
        }
        if let Some((start, d)) = current {
            runs.push((start, norm.len(), d, dash));
        }
        // Then classify them, dropping the words that carry no order.
        let mut toks: Vec<Tok> = Vec::with_capacity(runs.len());
        let mut after_build = false;
        for (start, end, digit, dash) in runs {
            let word = &norm[start..end];
            if !digit && word == "build" {
                after_build = true;
                continue;
            }
            if !digit && toks.is_empty() && LEADING_NOISE.contains(&word) {
                continue;
            }
            let kind = if digit {
                Kind::Num
            } else {
                PRE_RELEASE.iter().find(|(w, _)| *w == word).map_or(Kind::Word, |&(_, rank)| Kind::Pre(rank))
            };
            let mut begin = start;
            if digit {
                // Leading zeros do not count; keep one digit of an all-zero number.
                while begin + 1 < end && norm.as_bytes()[begin] == b'0' {
                    begin += 1;
                }
            }
            // At most MAX_LEN characters, each folded to one ASCII byte, so offsets fit in u8.
            toks.push(Tok { start: begin as u8, end: end as u8, kind, dash: dash || after_build, counts: true });
            after_build = false;
        }
        if !toks.iter().any(|t| t.kind == Kind::Num) {
            return Err(VersionError::NoDigits);
        }
        // A run of zeros followed by a word or by nothing does not count, so that `6.0` equals
        // `6.0.0` and `1.0rc1` stays below `1.0` (a canonical form keeps the order total).
        let zero = |t: &Tok| t.kind == Kind::Num && &norm[t.start as usize..t.end as usize] == "0";
        let mut i = 0;
        while i < toks.len() {
            if zero(&toks[i]) {
                let j = (i..toks.len()).find(|&j| !zero(&toks[j])).unwrap_or(toks.len());
                if toks.get(j).is_none_or(|t| t.kind != Kind::Num) {
                    toks[i..j].iter_mut().for_each(|t| t.counts = false);
                }
                i = j;
            } else {
                i += 1;
            }
        }
        Ok(Self { raw: t.into(), norm: norm.into(), toks: toks.into() })
    }

    /// The version as written (trimmed).
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    fn text(&self, t: &Tok) -> &str {
        &self.norm[t.start as usize..t.end as usize]
    }

    fn cmp_tok(&self, a: &Tok, other: &Self, b: &Tok) -> Ordering {
        match (a.kind, b.kind) {
            (Kind::Num, Kind::Num) => {
                let (x, y) = (self.text(a), other.text(b));
                x.len().cmp(&y.len()).then_with(|| x.cmp(y))
            }
            (Kind::Word, Kind::Word) => self.text(a).cmp(other.text(b)),
            (x, y) => x.cmp(&y),
        }
    }

    /// Whether the first `n` components of both are equal.
    fn same_prefix(&self, other: &Self, n: usize) -> bool {
        self.toks.len() >= n
            && other.toks.len() >= n
            && (0..n).all(|i| self.cmp_tok(&self.toks[i], other, &other.toks[i]) == Ordering::Equal)
    }

    /// Whether this is `line` or a release within it: `line` followed by an update (a word
    /// and its number) or a build number (`6.0.4 build0231`, `10.1.6-h3` and `22.7R2` are in
    /// lines `6.0.4`, `10.1.6` and `22.7`; `6.0.4.1`, `9.8(4)17` and `15.4(3)M7a` are not in
    /// `6.0.4`, `9.8(4)` and `15.4(3)M7`).
    pub(crate) fn is_in_line(&self, line: &Self) -> bool {
        if self == line {
            return true;
        }
        let n = line.toks.len();
        let update = match (self.toks.get(n), self.toks.get(n + 1)) {
            (Some(t), _) if t.kind == Kind::Num => t.dash,
            (Some(_), Some(next)) => next.kind == Kind::Num,
            _ => false,
        };
        update && self.same_prefix(line, n)
    }

    /// Whether this is `base` itself or `base` with a build number only (`6.0.4 build0231`,
    /// `10.2.0.7-34sv`), not a later hotfix (`10.2.9-h1`).
    pub(crate) fn is_build_of(&self, base: &Self) -> bool {
        if self == base {
            return true;
        }
        let n = base.toks.len();
        self.same_prefix(base, n) && self.toks.get(n).is_some_and(|t| t.kind == Kind::Num && t.dash)
    }
}

/// Folds full-width ASCII (U+FF01–U+FF5E) and the ideographic space to ASCII.
pub(crate) fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let mut a = self.toks.iter().filter(|t| t.counts);
        let mut b = other.toks.iter().filter(|t| t.counts);
        loop {
            let ord = match (a.next(), b.next()) {
                (Some(a), Some(b)) => self.cmp_tok(a, other, b),
                // A missing component: after pre-release words, before everything else.
                (Some(a), None) => {
                    if matches!(a.kind, Kind::Pre(_)) {
                        Ordering::Less
                    } else {
                        Ordering::Greater
                    }
                }
                (None, Some(b)) => {
                    if matches!(b.kind, Kind::Pre(_)) {
                        Ordering::Greater
                    } else {
                        Ordering::Less
                    }
                }
                (None, None) => return Ordering::Equal,
            };
            if ord != Ordering::Equal {
                return ord;
            }
        }
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl fmt::Debug for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Version({:?})", self.raw)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl std::str::FromStr for Version {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Orders two version strings by the rules in the [module documentation](self).
///
/// Total over all strings: strings that [`Version::parse`] refuses sort before every
/// version, and among themselves by their bytes.
pub fn compare(a: &str, b: &str) -> Ordering {
    match (Version::parse(a), Version::parse(b)) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        (Ok(_), Err(_)) => Ordering::Greater,
        (Err(_), Ok(_)) => Ordering::Less,
        (Err(_), Err(_)) => a.cmp(b),
    }
}
