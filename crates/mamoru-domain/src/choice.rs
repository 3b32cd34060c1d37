//! Closed lists of choices (facility kinds, asset categories, roles...) with a stable code
//! for storage, Japanese and English labels, and the spellings people type for them.

/// Declares a choice enum with `code`, `ja`, `en`, `ALL`, `from_code` and `parse`.
///
/// `parse` accepts the code, either label and the listed aliases, ignoring case, surrounding
/// space and full-width forms, so `ＶＰＮ` and `vpn` both find the VPN category.
macro_rules! choice_enum {
    (
        $(#[$doc:meta])*
        pub enum $name:ident {
            $(
                $(#[$vdoc:meta])*
                $variant:ident => ($code:literal, $ja:literal, $en:literal $(, [$($alias:literal),* $(,)?])?)
            ),+ $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            /// Every choice, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code used in storage, URLs and JSON.
            pub const fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The Japanese label.
            pub const fn ja(self) -> &'static str {
                match self { $($name::$variant => $ja),+ }
            }

            /// The English label.
            pub const fn en(self) -> &'static str {
                match self { $($name::$variant => $en),+ }
            }

            /// The choice whose storage code is `code`.
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }

            /// Parses what a person typed: code, label or a known alias.
            pub fn parse(s: &str) -> Result<Self, $crate::invalid::Problem> {
                let wanted = $crate::choice::fold(s);
                $(
                    let spellings: &[&str] = &[$code, $ja, $en $($(, $alias)*)?];
                    if spellings.iter().any(|v| $crate::choice::fold(v) == wanted) {
                        return Ok($name::$variant);
                    }
                )+
                Err($crate::invalid::Problem::UnknownChoice {
                    given: s.trim().to_owned(),
                    expected: [$($ja),+].join(", "),
                })
            }
        }
    };
}

pub(crate) use choice_enum;

/// Normalises a spelling for comparison: narrow forms, no spaces, lowercase.
pub(crate) fn fold(s: &str) -> String {
    crate::values::narrow(s).chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}
