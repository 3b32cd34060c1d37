//! Sigma rule levels, ordered so `--min-level` can compare them.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Informational,
    Low,
    Medium,
    High,
    Critical,
}

impl Level {
    pub const ALL: [Level; 5] = [Level::Critical, Level::High, Level::Medium, Level::Low, Level::Informational];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Informational => "informational",
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::Critical => "critical",
        }
    }

    pub(crate) fn from_sigma(level: Option<rsigma_parser::Level>) -> Level {
        use rsigma_parser::Level as L;
        match level {
            Some(L::Critical) => Level::Critical,
            Some(L::High) => Level::High,
            Some(L::Medium) => Level::Medium,
            Some(L::Low) => Level::Low,
            // A rule without a level is informational, as in pySigma.
            Some(L::Informational) | None => Level::Informational,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unknown level '{0}' (informational, low, medium, high or critical)")]
pub struct UnknownLevel(String);

impl FromStr for Level {
    type Err = UnknownLevel;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "informational" | "info" => Ok(Level::Informational),
            "low" => Ok(Level::Low),
            "medium" | "med" => Ok(Level::Medium),
            "high" => Ok(Level::High),
            "critical" | "crit" => Ok(Level::Critical),
            _ => Err(UnknownLevel(s.to_string())),
        }
    }
}
