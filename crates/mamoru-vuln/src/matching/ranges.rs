//! Version tests shared by NVD criteria and vendor statements, and the interned strings and
//! versions they refer to.

use std::collections::HashMap;

use crate::version::Version;

/// Parsed versions, each stored once (ranges repeat the same bounds thousands of times).
#[derive(Debug, Default)]
pub(crate) struct Versions {
    list: Vec<Version>,
    ids: HashMap<Box<str>, u32>,
}

impl Versions {
    /// The id of `s` parsed, or `None` if it is not a version.
    pub(crate) fn intern(&mut self, s: &str) -> Option<u32> {
        let s = unescape(s.trim());
        if let Some(&id) = self.ids.get(s.as_str()) {
            return Some(id);
        }
        let v = Version::parse(&s).ok()?;
        let id = u32::try_from(self.list.len()).ok()?;
        self.list.push(v);
        self.ids.insert(s.into(), id);
        Some(id)
    }

    pub(crate) fn get(&self, id: u32) -> &Version {
        &self.list[id as usize]
    }
}

/// Strings stored once and referred to by number (CPE attributes repeat across criteria).
#[derive(Debug, Default)]
pub(crate) struct Strings {
    list: Vec<Box<str>>,
    ids: HashMap<Box<str>, u32>,
}

impl Strings {
    pub(crate) fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        // More than four billion distinct strings cannot be held in memory anyway.
        let id = u32::try_from(self.list.len()).unwrap_or(u32::MAX);
        self.list.push(s.into());
        self.ids.insert(s.into(), id);
        id
    }

    /// The id of `s` if it was ever interned (lookups must not grow the table).
    pub(crate) fn get(&self, s: &str) -> Option<u32> {
        self.ids.get(s).copied()
    }

    pub(crate) fn str(&self, id: u32) -> &str {
        self.list.get(id as usize).map_or("", |s| s)
    }
}

/// Drops CPE backslash escapes (`9.8\(4\)17` is `9.8(4)17`).
pub(crate) fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// One end of a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bound {
    Open,
    Incl(u32),
    Excl(u32),
}

/// What versions a criterion or statement covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Test {
    /// Every version (`*` without a range, or NA `-`).
    Any,
    /// A range; an inclusive end also covers builds of it (`≤ 6.0.4` covers `6.0.4 build0231`).
    Between(Bound, Bound),
    /// One release and its updates and builds (`10.1.6` with update `*`: `10.1.6-h3` too).
    Line(u32),
    /// One release and its builds only (`10.2.0` with update `-`; `10.2.0 h1`).
    Build(u32),
    /// A concrete version the engine cannot read: nothing is known to match it.
    Never,
}

impl Test {
    /// Whether the test needs the asset's version at all.
    pub(crate) fn needs_version(self) -> bool {
        !matches!(self, Self::Any)
    }

    pub(crate) fn contains(self, v: &Version, vs: &Versions) -> bool {
        match self {
            Self::Any => true,
            Self::Never => false,
            Self::Line(x) => v.is_in_line(vs.get(x)),
            Self::Build(x) => v.is_build_of(vs.get(x)),
            Self::Between(lo, hi) => {
                let above = match lo {
                    Bound::Open => true,
                    Bound::Incl(a) => v >= vs.get(a),
                    // A build of the excluded start is that release, so it is excluded too.
                    Bound::Excl(a) => v > vs.get(a) && !v.is_build_of(vs.get(a)),
                };
                above
                    && match hi {
                        Bound::Open => true,
                        Bound::Incl(b) => v <= vs.get(b) || v.is_build_of(vs.get(b)),
                        Bound::Excl(b) => v < vs.get(b),
                    }
            }
        }
    }

    /// The test in words: `6.0.0 ≤ v < 6.0.5`, `v ≤ 5.4.13`, `2.0.0`.
    pub(crate) fn describe(self, vs: &Versions) -> String {
        let s = |id: u32| vs.get(id).as_str().to_owned();
        match self {
            Self::Any => "any version".into(),
            Self::Never => "an unreadable version".into(),
            Self::Line(x) => format!("{} (any update)", s(x)),
            Self::Build(x) => s(x),
            Self::Between(lo, hi) => {
                let lo = match lo {
                    Bound::Open => String::new(),
                    Bound::Incl(a) => format!("{} ≤ ", s(a)),
                    Bound::Excl(a) => format!("{} < ", s(a)),
                };
                match hi {
                    Bound::Open if lo.is_empty() => "any version".into(),
                    Bound::Open => format!("{lo}v"),
                    Bound::Incl(b) => format!("{lo}v ≤ {}", s(b)),
                    Bound::Excl(b) => format!("{lo}v < {}", s(b)),
                }
            }
        }
    }
}
