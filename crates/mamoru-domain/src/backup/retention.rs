//! How many generations a job keeps, in the short form the backup engine reads
//! (`daily=7,weekly=4,monthly=12,yearly=5`, also `last=N` and `within=Nd`).

use std::fmt;

use crate::invalid::Problem;
use crate::values::narrow;

/// Generations to keep; every rule `None` means the job forgets nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Retention {
    /// The newest N snapshots.
    pub last: Option<u32>,
    /// The newest snapshot of each of the last N days that have one.
    pub daily: Option<u32>,
    /// … of each of the last N weeks.
    pub weekly: Option<u32>,
    /// … of each of the last N months.
    pub monthly: Option<u32>,
    /// … of each of the last N years.
    pub yearly: Option<u32>,
    /// Every snapshot within N days of the newest.
    pub within_days: Option<u32>,
}

/// Keys in the order the short form writes them, with their Japanese spellings.
const KEYS: [(&str, &str, &str); 6] = [
    ("last", "最新", "最新{}世代"),
    ("daily", "日次", "日次{}"),
    ("weekly", "週次", "週次{}"),
    ("monthly", "月次", "月次{}"),
    ("yearly", "年次", "年次{}"),
    ("within", "期間", "直近{}日分"),
];

impl Retention {
    /// Reads the short form; empty means keep everything. Japanese keys (`日次=7,週次=4`) and
    /// full-width characters are accepted; a rule of 0 is refused (it keeps nothing).
    pub fn parse(s: &str) -> Result<Self, Problem> {
        let text = narrow(s).replace('、', ",");
        let mut r = Retention::default();
        let bad = |why: String| Problem::UnknownChoice { given: s.trim().to_owned(), expected: why };
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) =
                part.split_once('=').ok_or_else(|| bad("daily=7,weekly=4,monthly=12,yearly=5".into()))?;
            let key = key.trim().to_lowercase();
            let index = KEYS
                .iter()
                .position(|k| k.0 == key || k.1 == key)
                .ok_or_else(|| bad("last, daily, weekly, monthly, yearly, within (日次, 週次, 月次, 年次)".into()))?;
            let value = value.trim();
            let digits = if index == 5 { value.trim_end_matches(['d', '日']) } else { value };
            let n: u32 = digits.parse().map_err(|_| Problem::NotANumber(value.to_owned()))?;
            if n == 0 {
                return Err(Problem::OutOfRange { min: 1, max: i64::from(u32::MAX) });
            }
            let slot = r.slot_mut(index);
            if slot.replace(n).is_some() {
                return Err(Problem::Duplicate(KEYS[index].0.to_owned()));
            }
        }
        Ok(r)
    }

    /// Whether no rule is set (nothing is ever forgotten).
    pub fn is_empty(&self) -> bool {
        self.slots().iter().all(Option::is_none)
    }

    /// The short form, as the engine reads it; empty when nothing is set.
    pub fn code(&self) -> String {
        let parts: Vec<String> = KEYS
            .iter()
            .zip(self.slots())
            .filter_map(|(k, v)| {
                v.map(|n| if k.0 == "within" { format!("within={n}d") } else { format!("{}={n}", k.0) })
            })
            .collect();
        parts.join(",")
    }

    /// In Japanese: `日次7・週次4・月次12・年次5`, or `全世代を保持` when nothing is set.
    pub fn ja(&self) -> String {
        if self.is_empty() {
            return "全世代を保持".into();
        }
        let parts: Vec<String> =
            KEYS.iter().zip(self.slots()).filter_map(|(k, v)| v.map(|n| k.2.replace("{}", &n.to_string()))).collect();
        parts.join("・")
    }

    fn slots(&self) -> [Option<u32>; 6] {
        [self.last, self.daily, self.weekly, self.monthly, self.yearly, self.within_days]
    }

    fn slot_mut(&mut self, index: usize) -> &mut Option<u32> {
        match index {
            0 => &mut self.last,
            1 => &mut self.daily,
            2 => &mut self.weekly,
            3 => &mut self.monthly,
            4 => &mut self.yearly,
            _ => &mut self.within_days,
        }
    }
}

impl fmt::Display for Retention {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_form_round_trips() {
        let r = Retention::parse("daily=7, weekly=4,monthly=12,yearly=5").unwrap();
        assert_eq!(
            r,
            Retention { daily: Some(7), weekly: Some(4), monthly: Some(12), yearly: Some(5), ..Default::default() }
        );
        assert_eq!(r.code(), "daily=7,weekly=4,monthly=12,yearly=5");
        assert_eq!(r.ja(), "日次7・週次4・月次12・年次5");
        assert_eq!(Retention::parse("日次＝７、週次=4").unwrap().code(), "daily=7,weekly=4");
        assert_eq!(Retention::parse("last=3,within=10d").unwrap().code(), "last=3,within=10d");
        assert!(Retention::parse("").unwrap().is_empty());
        assert_eq!(Retention::parse("").unwrap().ja(), "全世代を保持");
    }

    #[test]
    fn refuses_what_would_keep_nothing_or_is_unclear() {
        assert!(matches!(Retention::parse("daily=0"), Err(Problem::OutOfRange { .. })));
        assert!(matches!(Retention::parse("daily=7,daily=3"), Err(Problem::Duplicate(_))));
        assert!(matches!(Retention::parse("hourly=3"), Err(Problem::UnknownChoice { .. })));
        assert!(matches!(Retention::parse("daily"), Err(Problem::UnknownChoice { .. })));
        assert!(matches!(Retention::parse("daily=seven"), Err(Problem::NotANumber(_))));
    }
}
