//! The 47 prefectures, with their JIS X 0401 codes.

use crate::invalid::Problem;

/// A prefecture (都道府県), identified by its JIS X 0401 code 1..=47.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Prefecture(u8);

/// (JIS code, Japanese name, English name), in code order.
const PREFECTURES: [(u8, &str, &str); 47] = [
    (1, "北海道", "Hokkaido"),
    (2, "青森県", "Aomori"),
    (3, "岩手県", "Iwate"),
    (4, "宮城県", "Miyagi"),
    (5, "秋田県", "Akita"),
    (6, "山形県", "Yamagata"),
    (7, "福島県", "Fukushima"),
    (8, "茨城県", "Ibaraki"),
    (9, "栃木県", "Tochigi"),
    (10, "群馬県", "Gunma"),
    (11, "埼玉県", "Saitama"),
    (12, "千葉県", "Chiba"),
    (13, "東京都", "Tokyo"),
    (14, "神奈川県", "Kanagawa"),
    (15, "新潟県", "Niigata"),
    (16, "富山県", "Toyama"),
    (17, "石川県", "Ishikawa"),
    (18, "福井県", "Fukui"),
    (19, "山梨県", "Yamanashi"),
    (20, "長野県", "Nagano"),
    (21, "岐阜県", "Gifu"),
    (22, "静岡県", "Shizuoka"),
    (23, "愛知県", "Aichi"),
    (24, "三重県", "Mie"),
    (25, "滋賀県", "Shiga"),
    (26, "京都府", "Kyoto"),
    (27, "大阪府", "Osaka"),
    (28, "兵庫県", "Hyogo"),
    (29, "奈良県", "Nara"),
    (30, "和歌山県", "Wakayama"),
    (31, "鳥取県", "Tottori"),
    (32, "島根県", "Shimane"),
    (33, "岡山県", "Okayama"),
    (34, "広島県", "Hiroshima"),
    (35, "山口県", "Yamaguchi"),
    (36, "徳島県", "Tokushima"),
    (37, "香川県", "Kagawa"),
    (38, "愛媛県", "Ehime"),
    (39, "高知県", "Kochi"),
    (40, "福岡県", "Fukuoka"),
    (41, "佐賀県", "Saga"),
    (42, "長崎県", "Nagasaki"),
    (43, "熊本県", "Kumamoto"),
    (44, "大分県", "Oita"),
    (45, "宮崎県", "Miyazaki"),
    (46, "鹿児島県", "Kagoshima"),
    (47, "沖縄県", "Okinawa"),
];

impl Prefecture {
    /// Every prefecture, north to south (JIS order).
    pub fn all() -> impl Iterator<Item = Prefecture> {
        (1..=47).map(Prefecture)
    }

    /// The prefecture with JIS code `code`, if there is one.
    pub fn from_code(code: u8) -> Option<Self> {
        (1..=47).contains(&code).then_some(Self(code))
    }

    /// The JIS X 0401 code (01 Hokkaido .. 47 Okinawa).
    pub fn code(self) -> u8 {
        self.0
    }

    /// The Japanese name, e.g. `大阪府`.
    pub fn ja(self) -> &'static str {
        PREFECTURES[usize::from(self.0 - 1)].1
    }

    /// The English name, e.g. `Osaka`.
    pub fn en(self) -> &'static str {
        PREFECTURES[usize::from(self.0 - 1)].2
    }

    /// Parses a prefecture from its Japanese name (with or without 都/道/府/県),
    /// its English name, or its JIS code.
    pub fn parse(s: &str) -> Result<Self, Problem> {
        let t = crate::values::narrow(s);
        let t = t.trim();
        if let Ok(code) = t.parse::<u8>() {
            return Self::from_code(code).ok_or_else(|| unknown(s));
        }
        let lower = t.to_lowercase();
        let lower = lower.strip_suffix(" prefecture").unwrap_or(&lower);
        PREFECTURES
            .iter()
            .find(|(_, ja, en)| *ja == t || short_ja(ja) == t || en.to_lowercase() == lower)
            .map(|(code, _, _)| Self(*code))
            .ok_or_else(|| unknown(s))
    }
}

/// `東京都` → `東京`, `北海道` stays whole (道 is part of its everyday name).
fn short_ja(ja: &str) -> &str {
    if ja == "北海道" {
        return ja;
    }
    ja.strip_suffix(['都', '府', '県']).unwrap_or(ja)
}

fn unknown(s: &str) -> Problem {
    Problem::UnknownChoice {
        given: s.trim().to_owned(),
        expected: "a prefecture name such as 東京都 or Osaka, or its JIS code 1-47".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_and_codes() {
        assert_eq!(Prefecture::parse("大阪府").unwrap().code(), 27);
        assert_eq!(Prefecture::parse("大阪").unwrap().code(), 27);
        assert_eq!(Prefecture::parse("osaka").unwrap().ja(), "大阪府");
        assert_eq!(Prefecture::parse("Tokyo Prefecture").unwrap().code(), 13);
        assert_eq!(Prefecture::parse("13").unwrap().ja(), "東京都");
        assert_eq!(Prefecture::parse("北海道").unwrap().code(), 1);
        assert_eq!(Prefecture::parse("沖縄県").unwrap().en(), "Okinawa");
        assert!(Prefecture::parse("48").is_err());
        assert!(Prefecture::parse("大坂").is_err());
    }

    #[test]
    fn every_name_round_trips() {
        for p in Prefecture::all() {
            assert_eq!(Prefecture::parse(p.ja()), Ok(p));
            assert_eq!(Prefecture::parse(p.en()), Ok(p));
        }
    }
}
