//! How an asset reached an advisory's key, and what that says of the match: its own CPE or
//! an exact alias is as good as a name can be; a partial or word-level product match needs a
//! person to confirm it.

use super::Confidence;

/// How an asset reached a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum KeyHow {
    Cpe,
    Alias,
    Partial,
    Generic,
}

impl KeyHow {
    pub(super) fn confidence(self) -> Confidence {
        match self {
            Self::Cpe | Self::Alias => Confidence::Name,
            Self::Partial | Self::Generic => Confidence::Fuzzy,
        }
    }

    pub(super) fn note(self) -> &'static str {
        match self {
            Self::Cpe | Self::Alias => "",
            Self::Partial => "; product name matched an alias only in part",
            Self::Generic => "; product name matched the CPE product's words, not an alias",
        }
    }

    pub(super) fn note_ja(self) -> &'static str {
        match self {
            Self::Cpe | Self::Alias => "",
            Self::Partial => "。製品名は別名表の一部とだけ一致（要確認）",
            Self::Generic => "。製品名はCPE製品名の単語と一致（別名表にはない。要確認）",
        }
    }
}
