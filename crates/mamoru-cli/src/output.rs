//! Messages for people at a terminal: Japanese when the locale is Japanese, else English.

/// Whether to speak Japanese (`LANG`/`LC_ALL`/`LC_MESSAGES` start with `ja`).
pub(crate) fn japanese() -> bool {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .is_some_and(|v| v.starts_with("ja"))
}

/// Picks the Japanese or English text.
pub(crate) fn say<'a>(ja: &'a str, en: &'a str) -> &'a str {
    if japanese() { ja } else { en }
}
