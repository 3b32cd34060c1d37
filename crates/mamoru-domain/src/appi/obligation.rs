//! Whether a leak must be reported to the PPC and the people told, and by whom: the
//! questions of the PPC's report form, answered from the facts of the case.
//!
//! Sources: APPI Art. 26(1) (report; a contractor that tells its outsourcer is relieved),
//! Art. 26(2) (notify the individuals), Enforcement Rules Art. 7 (reportable events, private
//! businesses, as amended from 2024-04-01); for public bodies Art. 68(1)/(2) and Rules Art. 43;
//! PPC 通則編 3-5-1 to 3-5-4.

use super::{Category, Regime};
use crate::choice::choice_enum;
use crate::invalid::{Invalid, Problem};

choice_enum! {
    /// Whether a leak, loss or damage (漏えい・滅失・毀損) happened.
    pub enum Occurrence {
        /// It happened.
        Occurred => ("occurred", "発生した", "Occurred", ["yes", "はい"]),
        /// It may have happened (発生したおそれ): this counts the same (Rules Art. 7).
        MayHaveOccurred => ("may_have_occurred", "発生したおそれがある", "May have occurred", ["suspected", "おそれ"]),
        /// It did not happen (e.g. the attacker was stopped before reaching personal data).
        NotOccurred => ("not_occurred", "発生していない", "Did not occur", ["no", "いいえ"]),
    }
}

choice_enum! {
    /// Who is asking: the business whose data it is, or a party to an outsourcing.
    pub enum Role {
        /// The business handling the data itself.
        Business => ("business", "自ら取り扱う事業者", "The business itself", ["self"]),
        /// The business that outsourced the handling (委託元).
        Outsourcer => ("outsourcer", "委託元", "Outsourcer"),
        /// The contractor handling the data for another (委託先), e.g. an EHR vendor.
        Contractor => ("contractor", "委託先", "Contractor", ["vendor"]),
    }
}

/// How many people's data is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum People {
    /// A known number.
    Known(u64),
    /// Not known, but it may exceed the regime's threshold (a whole database, say): counts
    /// as category 4, since the rules count "may have" events.
    MayExceed,
    /// Not known, with no sign that it exceeds the threshold.
    Unknown,
}

/// The facts of one case, as the person in charge answers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreachFacts {
    /// Whether a leak, loss or damage happened.
    pub occurrence: Occurrence,
    /// The data includes sensitive personal information (要配慮個人情報): medical records,
    /// diagnoses and test results are.
    pub sensitive: bool,
    /// The data's misuse may cause financial damage (card numbers, bank logins).
    pub financial: bool,
    /// It may have been caused by an act with improper purpose against the business:
    /// unauthorised access, ransomware, theft by staff.
    pub improper_purpose: bool,
    /// With `improper_purpose`: the data includes information the business was obtaining and
    /// meant to keep as personal data (web-form skimming), covered since 2024-04-01.
    pub obtaining: bool,
    /// How many people.
    pub people: People,
    /// Public bodies: the data includes sensitive data defined by a local ordinance.
    pub ordinance_sensitive: bool,
    /// All the data concerned was protected by strong encryption (高度な暗号化) and the key
    /// was not taken with it: the rules then exempt the event.
    pub encrypted: bool,
    /// Which part of the law applies.
    pub regime: Regime,
    /// Who is asking.
    pub role: Role,
    /// A contractor has told its outsourcer of the event.
    pub notified_outsourcer: bool,
}

impl Default for BreachFacts {
    /// A case where nothing is known yet to have happened.
    fn default() -> Self {
        Self {
            occurrence: Occurrence::NotOccurred,
            sensitive: false,
            financial: false,
            improper_purpose: false,
            obtaining: false,
            people: People::Unknown,
            ordinance_sensitive: false,
            encrypted: false,
            regime: Regime::Private,
            role: Role::Business,
            notified_outsourcer: false,
        }
    }
}

impl BreachFacts {
    /// Facts that contradict each other; [`decide`] ignores the meaningless ones.
    pub fn validate(&self) -> Result<(), Vec<Invalid>> {
        let mut errors = Vec::new();
        if self.notified_outsourcer && self.role != Role::Contractor {
            errors.push(Invalid::new(
                "notified_outsourcer",
                Problem::NotAllowed("only a contractor (委託先) notifies an outsourcer".into()),
            ));
        }
        if self.ordinance_sensitive && self.regime == Regime::Private {
            errors.push(Invalid::new(
                "ordinance_sensitive",
                Problem::NotAllowed(
                    "ordinance-defined sensitive data (条例要配慮個人情報) is for public bodies only".into(),
                ),
            ));
        }
        if self.obtaining && !self.improper_purpose {
            errors.push(Invalid::new(
                "obtaining",
                Problem::NotAllowed("data being obtained counts only for an act with improper purpose".into()),
            ));
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

/// Why the decision is what it is, one reason per finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// Stable code, e.g. `category_1`, `encrypted`, `contractor_relieved`.
    pub code: &'static str,
    /// Japanese text naming the article.
    pub ja: String,
    /// English text naming the article.
    pub en: String,
}

impl Reason {
    fn new(code: &'static str, ja: impl Into<String>, en: impl Into<String>) -> Self {
        Self { code, ja: ja.into(), en: en.into() }
    }
}

/// What the law asks of this case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Obligation {
    /// The event must be reported to the PPC (by someone).
    pub reportable: bool,
    /// The one asking must report it themselves (false for a contractor that told its
    /// outsourcer).
    pub must_report: bool,
    /// The reportable categories found, in order.
    pub categories: Vec<Category>,
    /// Why, one reason per finding.
    pub reasons: Vec<Reason>,
    /// The individuals must be notified (Art. 26(2) / 68(2)), unless that is impossible and
    /// an alternative such as a public announcement protects them.
    pub notify_individuals: bool,
    /// Who reports, in Japanese.
    pub reporter: String,
    /// Who reports, in English.
    pub reporter_en: String,
}

/// Decides the duty to report and notify for a case. Total: contradictory facts (see
/// [`BreachFacts::validate`]) are read in the way that makes sense.
pub fn decide(facts: &BreachFacts) -> Obligation {
    let f = facts;
    let (act, rule) = (f.regime.act_article(), f.regime.rules_article());
    let mut reasons = Vec::new();
    let mut categories = Vec::new();
    let none = |reasons: Vec<Reason>| Obligation {
        reportable: false,
        must_report: false,
        categories: Vec::new(),
        reasons,
        notify_individuals: false,
        reporter: "報告・本人通知の義務なし".into(),
        reporter_en: "no duty to report or notify".into(),
    };
    match f.occurrence {
        Occurrence::NotOccurred => {
            return none(vec![Reason::new(
                "not_occurred",
                "漏えい・滅失・毀損は発生しておらず、そのおそれもない",
                "no leak, loss or damage occurred or may have occurred",
            )]);
        }
        Occurrence::MayHaveOccurred => reasons.push(Reason::new(
            "may_have_occurred",
            format!("発生したおそれがある場合も報告対象（規則{rule}条）"),
            format!("an event that may have occurred counts (Rules Art. {rule})"),
        )),
        Occurrence::Occurred => {}
    }
    if f.encrypted {
        return none(vec![Reason::new(
            "encrypted",
            format!("高度な暗号化その他の必要な措置が講じられた個人データは対象外（規則{rule}条1号かっこ書）"),
            format!("data protected by strong encryption is exempt (Rules Art. {rule}(1))"),
        )]);
    }
    // Reasons that are not categories follow the categories.
    let mut notes = Vec::new();
    let mut found = |c: Category, ja: String, en: String| {
        categories.push(c);
        reasons.push(Reason { code: CODES[usize::from(c.number()) - 1], ja, en });
    };
    if f.sensitive {
        found(
            Category::Sensitive,
            format!("要配慮個人情報（診療情報など）が含まれる: 規則{rule}条1号（1人でも対象）"),
            format!(
                "sensitive personal information (medical data) is included: Rules Art. {rule}(1), even for one person"
            ),
        );
    }
    if f.financial {
        found(
            Category::Financial,
            format!("不正に利用されると財産的被害が生じるおそれがある: 規則{rule}条2号（1人でも対象）"),
            format!("misuse may cause financial damage: Rules Art. {rule}(2), even for one person"),
        );
    }
    if f.improper_purpose {
        let obtaining = match f.obtaining {
            true => (
                "（取得しようとしている個人情報を含む: 2024年4月改正）",
                " (including data being obtained, since 2024-04)",
            ),
            false => ("", ""),
        };
        found(
            Category::ImproperPurpose,
            format!(
                "不正の目的をもって行われたおそれがある行為による{}: 規則{rule}条3号（1人でも対象、確報60日）",
                obtaining.0
            ),
            format!(
                "possibly caused by an act with improper purpose{}: Rules Art. {rule}(3), even for one person; final report in 60 days",
                obtaining.1
            ),
        );
    }
    let limit = f.regime.threshold();
    match f.people {
        People::Known(n) if n > limit => found(
            Category::LargeScale,
            format!("本人の数が{n}人で{limit}人を超える: 規則{rule}条4号"),
            format!("{n} people, more than {limit}: Rules Art. {rule}(4)"),
        ),
        People::MayExceed => found(
            Category::LargeScale,
            format!("本人の数が{limit}人を超えるおそれがある: 規則{rule}条4号"),
            format!("the number of people may exceed {limit}: Rules Art. {rule}(4)"),
        ),
        People::Known(n) => notes.push(Reason::new(
            "people_within_threshold",
            format!("本人の数は{n}人で{limit}人以下（4号には当たらない）"),
            format!("{n} people, not more than {limit} (not item 4)"),
        )),
        People::Unknown => notes.push(Reason::new(
            "people_unknown",
            format!("本人の数は不明: {limit}人を超えるおそれが分かれば4号に当たる"),
            format!("number of people unknown: item 4 applies once it may exceed {limit}"),
        )),
    }
    if f.ordinance_sensitive && f.regime == Regime::Public {
        found(
            Category::OrdinanceSensitive,
            "条例要配慮個人情報が含まれる: 規則43条5号（1人でも対象）".into(),
            "ordinance-defined sensitive information is included: Rules Art. 43(5), even for one person".into(),
        );
    }
    reasons.append(&mut notes);
    if categories.is_empty() {
        reasons.push(Reason::new(
            "no_category",
            format!("規則{rule}条各号のいずれにも当たらない（報告義務なし、記録と再発防止は必要）"),
            format!("none of the items of Rules Art. {rule} applies (no duty to report; keep a record and prevent recurrence)"),
        ));
        return none(reasons);
    }
    let relieved = f.role == Role::Contractor && f.notified_outsourcer && f.regime == Regime::Private;
    let (reporter, reporter_en) = match (f.regime, f.role) {
        (Regime::Public, _) => (
            format!("行政機関の長等が個人情報保護委員会に報告する（法{act}条1項）"),
            format!("the head of the public body reports to the PPC (Art. {act}(1))"),
        ),
        (Regime::Private, Role::Contractor) if relieved => {
            reasons.push(Reason::new(
                "contractor_relieved",
                "委託先は委託元に通知したため報告義務を免れる（法26条1項ただし書）",
                "the contractor notified its outsourcer and is relieved of reporting (Art. 26(1) proviso)",
            ));
            ("委託元が報告する（委託先は委託元へ通知済み）".into(), "the outsourcer reports (the contractor has notified it)".into())
        }
        (Regime::Private, Role::Contractor) => (
            "委託先も報告する（委託元と連名可）。委託元に通知すれば委託先の報告義務は免除（法26条1項ただし書）".into(),
            "the contractor reports too (jointly with the outsourcer if it likes), unless it notifies the outsourcer (Art. 26(1) proviso)".into(),
        ),
        (Regime::Private, Role::Outsourcer) => (
            "委託元として個人情報保護委員会に報告する（委託先と連名可、法26条1項）".into(),
            "the outsourcer reports to the PPC (jointly with the contractor if it likes; Art. 26(1))".into(),
        ),
        (Regime::Private, Role::Business) => (
            "自ら個人情報保護委員会に報告する（法26条1項）".into(),
            "the business reports to the PPC itself (Art. 26(1))".into(),
        ),
    };
    reasons.push(Reason::new(
        "notify_individuals",
        format!("本人への通知が必要（法{act}条2項。困難な場合は公表など代わりの措置）"),
        format!(
            "the individuals must be notified (Art. {act}(2); where impossible, an alternative such as a public notice)"
        ),
    ));
    Obligation {
        reportable: true,
        must_report: !relieved,
        categories,
        reasons,
        notify_individuals: true,
        reporter,
        reporter_en,
    }
}

/// The reason codes of categories 1–5.
const CODES: [&str; 5] = ["category_1", "category_2", "category_3", "category_4", "category_5"];

#[cfg(test)]
mod tests {
    use super::*;

    fn occurred() -> BreachFacts {
        BreachFacts { occurrence: Occurrence::Occurred, people: People::Known(1), ..BreachFacts::default() }
    }

    fn cats(f: &BreachFacts) -> Vec<u8> {
        decide(f).categories.iter().map(|c| c.number()).collect()
    }

    #[test]
    fn each_category_alone() {
        assert_eq!(cats(&BreachFacts { sensitive: true, ..occurred() }), [1]);
        assert_eq!(cats(&BreachFacts { financial: true, ..occurred() }), [2]);
        assert_eq!(cats(&BreachFacts { improper_purpose: true, ..occurred() }), [3]);
        assert_eq!(cats(&BreachFacts { people: People::Known(5_000), ..occurred() }), [4]);
        assert_eq!(cats(&BreachFacts { people: People::MayExceed, ..occurred() }), [4]);
        let public = BreachFacts { regime: Regime::Public, ordinance_sensitive: true, ..occurred() };
        assert_eq!(cats(&public), [5]);
        let o = decide(&BreachFacts { sensitive: true, ..occurred() });
        assert!(o.reportable && o.must_report && o.notify_individuals);
        assert!(o.reasons[0].ja.contains("要配慮個人情報（診療情報など）が含まれる: 規則7条1号（1人でも対象）"));
        // Nothing applies: one person's name and address, no bad intent.
        let o = decide(&occurred());
        assert!(!o.reportable && !o.notify_individuals && o.categories.is_empty());
        assert!(o.reasons.iter().any(|r| r.code == "no_category"));
    }

    #[test]
    fn thresholds_per_regime() {
        let n = |regime, n| cats(&BreachFacts { regime, people: People::Known(n), ..occurred() });
        assert_eq!(n(Regime::Private, 1_000), [0u8; 0]);
        assert_eq!(n(Regime::Private, 1_001), [4]);
        assert_eq!(n(Regime::Public, 100), [0u8; 0]);
        assert_eq!(n(Regime::Public, 101), [4]);
        // Category 5 means nothing for a private business.
        let private = BreachFacts { ordinance_sensitive: true, ..occurred() };
        assert!(!decide(&private).reportable);
        assert_eq!(private.validate().unwrap_err()[0].field, "ordinance_sensitive");
    }

    #[test]
    fn occurrence_and_encryption() {
        let ransomware =
            BreachFacts { sensitive: true, improper_purpose: true, people: People::MayExceed, ..occurred() };
        assert_eq!(cats(&ransomware), [1, 3, 4]);
        let maybe = BreachFacts { occurrence: Occurrence::MayHaveOccurred, ..ransomware };
        let o = decide(&maybe);
        assert_eq!(o.categories.len(), 3);
        assert_eq!(o.reasons[0].code, "may_have_occurred");
        let none = decide(&BreachFacts { occurrence: Occurrence::NotOccurred, ..ransomware });
        assert!(!none.reportable && none.reasons[0].code == "not_occurred");
        let encrypted = decide(&BreachFacts { encrypted: true, ..ransomware });
        assert!(!encrypted.reportable && !encrypted.notify_individuals);
        assert_eq!(encrypted.reasons[0].code, "encrypted");
    }

    #[test]
    fn who_reports() {
        let leak = BreachFacts { sensitive: true, ..occurred() };
        let contractor = BreachFacts { role: Role::Contractor, ..leak };
        let o = decide(&contractor);
        assert!(o.must_report && o.reporter.contains("委託先も報告"));
        let told = decide(&BreachFacts { notified_outsourcer: true, ..contractor });
        assert!(told.reportable && !told.must_report && told.notify_individuals);
        assert!(told.reasons.iter().any(|r| r.code == "contractor_relieved"));
        assert!(told.reporter.starts_with("委託元が報告"));
        assert!(decide(&BreachFacts { role: Role::Outsourcer, ..leak }).reporter.contains("委託元として"));
        let wrong = BreachFacts { notified_outsourcer: true, ..leak };
        assert_eq!(wrong.validate().unwrap_err()[0].field, "notified_outsourcer");
        assert!(decide(&wrong).must_report);
        let skimming = BreachFacts { improper_purpose: true, obtaining: true, ..occurred() };
        assert!(skimming.validate().is_ok());
        assert!(decide(&skimming).reasons[0].ja.contains("取得しようとしている"));
        assert!(BreachFacts { obtaining: true, ..occurred() }.validate().is_err());
        let public = decide(&BreachFacts { regime: Regime::Public, ..leak });
        assert!(public.reporter.contains("法68条1項") && public.reasons[0].ja.contains("規則43条1号"));
    }
}
