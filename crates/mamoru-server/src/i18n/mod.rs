//! Japanese first, English beside it: the UI's words, and how dates and values are shown.
//!
//! Every text a page shows comes from [`messages::MESSAGES`] through [`Tr::t`]; a test checks
//! that every key a template uses exists in both languages. Times are stored in UTC and shown
//! in Asia/Tokyo.

mod messages;
mod messages_alert;
mod messages_backup;
mod messages_bcp;
mod messages_case;
mod messages_inspection;
mod messages_plan;
mod messages_readiness;
mod messages_training;
mod messages_vendor;
mod messages_vuln;
mod problems;

use jiff::Timestamp;
use jiff::tz::TimeZone;

pub(crate) use problems::problem_text;

/// The UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Lang {
    /// 日本語, the default.
    #[default]
    Ja,
    /// English.
    En,
}

impl Lang {
    /// Reads a `lang` cookie or parameter value; anything unknown is Japanese.
    pub(crate) fn from_code(code: &str) -> Self {
        if code == "en" { Lang::En } else { Lang::Ja }
    }

    /// `ja` or `en`, for `<html lang>` and links.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }
}

/// The translator templates call: `{{ tr.t("nav.assets") }}`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Tr {
    pub(crate) lang: Lang,
}

impl Tr {
    pub(crate) fn new(lang: Lang) -> Self {
        Tr { lang }
    }

    /// The text for `key`; a missing key shows itself, so it is noticed (and the test fails).
    pub(crate) fn t<'a>(&self, key: &'a str) -> &'a str {
        match messages::lookup(key) {
            Some((ja, en)) => match self.lang {
                Lang::Ja => ja,
                Lang::En => en,
            },
            None => key,
        }
    }

    /// Picks the Japanese or English form of a domain label (`{{ tr.pick(c.ja(), c.en()) }}`).
    pub(crate) fn pick<'a>(&self, ja: &'a str, en: &'a str) -> &'a str {
        match self.lang {
            Lang::Ja => ja,
            Lang::En => en,
        }
    }

    /// A time in Asia/Tokyo, to the minute: `2026-11-25 15:30`.
    pub(crate) fn time(&self, ts: &Timestamp) -> String {
        ts.to_zoned(tokyo()).strftime("%Y-%m-%d %H:%M").to_string()
    }

    /// An optional time, or a dash.
    pub(crate) fn time_opt(&self, ts: &Option<Timestamp>) -> String {
        ts.as_ref().map_or_else(|| "—".to_owned(), |t| self.time(t))
    }

    /// Yes or no.
    pub(crate) fn yes_no(&self, b: impl std::borrow::Borrow<bool>) -> &'static str {
        match (self.lang, *b.borrow()) {
            (Lang::Ja, true) => "はい",
            (Lang::Ja, false) => "いいえ",
            (Lang::En, true) => "Yes",
            (Lang::En, false) => "No",
        }
    }

    /// A count with thousands separators: `10,000`.
    pub(crate) fn num(&self, n: &u64) -> String {
        let s = n.to_string();
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    }

    /// The field's label, for error lists (`ip` → `IPアドレス`).
    pub(crate) fn field(&self, field: &str) -> String {
        messages::field_label(field, self.lang)
    }

    /// A validation problem in this language.
    pub(crate) fn problem(&self, p: &mamoru_domain::Problem) -> String {
        problem_text(self.lang, p)
    }
}

/// Asia/Tokyo. Japan has had no daylight saving since 1951, so a fixed +09:00 is exact and
/// needs no time-zone database.
pub(crate) fn tokyo() -> TimeZone {
    TimeZone::fixed(jiff::tz::offset(9))
}

/// Today's date in Asia/Tokyo.
pub(crate) fn today() -> jiff::civil::Date {
    Timestamp::now().to_zoned(tokyo()).date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_times() {
        let tr = Tr::new(Lang::Ja);
        assert_eq!(tr.num(&10_000), "10,000");
        assert_eq!(tr.num(&999), "999");
        let t: Timestamp = "2026-11-25T15:30:00Z".parse().unwrap();
        assert_eq!(tr.time(&t), "2026-11-26 00:30");
        assert_eq!(Tr::new(Lang::En).yes_no(true), "Yes");
    }
}
