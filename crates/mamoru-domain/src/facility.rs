//! Facilities: the hospitals, clinics, visiting-nurse stations and pharmacies of an organisation.

use jiff::Timestamp;

use crate::choice::choice_enum;
use crate::ids::{FacilityId, OrgId};
use crate::invalid::{Checker, Invalid, Problem};
use crate::prefecture::Prefecture;
use crate::values::{optional_text, parse_count, required_text};

choice_enum! {
    /// What kind of medical facility this is; it decides the bed rule and, later, which
    /// checklist sheet applies.
    pub enum FacilityKind {
        /// 病院: 20 beds or more (医療法 第1条の5).
        Hospital => ("hospital", "病院", "Hospital"),
        /// 診療所: no beds or up to 19.
        Clinic => ("clinic", "診療所", "Clinic", ["クリニック", "医院", "有床診療所", "無床診療所"]),
        /// 訪問看護ステーション.
        VisitingNurse => ("visiting_nurse", "訪問看護ステーション", "Visiting-nurse station", ["訪問看護", "visiting nurse"]),
        /// 薬局.
        Pharmacy => ("pharmacy", "薬局", "Pharmacy", ["調剤薬局"]),
    }
}

impl FacilityKind {
    /// The bed counts this kind allows, inclusive.
    pub fn bed_range(self) -> (u32, u32) {
        match self {
            FacilityKind::Hospital => (20, 9_999),
            FacilityKind::Clinic => (0, 19),
            FacilityKind::VisitingNurse | FacilityKind::Pharmacy => (0, 0),
        }
    }

    /// Guesses the kind from a facility's name (`…病院`, `…クリニック`, `…訪問看護ステーション`),
    /// for facilities that an import creates by name alone.
    pub fn guess_from_name(name: &str) -> Option<Self> {
        if name.contains("訪問看護") {
            Some(FacilityKind::VisitingNurse)
        } else if name.contains("薬局") {
            Some(FacilityKind::Pharmacy)
        } else if ["診療所", "クリニック", "医院"].iter().any(|k| name.contains(k)) {
            Some(FacilityKind::Clinic)
        } else if ["病院", "医療センター"].iter().any(|k| name.contains(k)) {
            Some(FacilityKind::Hospital)
        } else {
            None
        }
    }
}

choice_enum! {
    /// Who runs the facility. Public bodies fall under the administrative-organs regime of the
    /// APPI (Art. 68) instead of the private-business one (Art. 26), so breach reporting differs.
    #[derive(Default)]
    pub enum Operator {
        /// Medical corporations, individuals, and other private operators (APPI Art. 26).
        #[default]
        Private => ("private", "民間", "Private", ["医療法人", "個人", "社会医療法人"]),
        /// The state, prefectures, municipalities, local independent administrative agencies.
        Public => ("public", "公的", "Public", ["公立", "国立", "自治体", "地方独立行政法人", "公的医療機関"]),
    }
}

/// A stored facility.
#[derive(Debug, Clone, PartialEq)]
pub struct Facility {
    /// Its id.
    pub id: FacilityId,
    /// The organisation it belongs to.
    pub org_id: OrgId,
    /// The validated fields.
    pub draft: FacilityDraft,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// The fields of a facility as a person enters them, validated.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FacilityDraft {
    /// Its name, unique in the organisation.
    pub name: String,
    /// Its kind; unset for facilities created by an import that could not tell.
    pub kind: Option<FacilityKind>,
    /// Number of beds, where known.
    pub beds: Option<u32>,
    /// Prefecture it is in.
    pub prefecture: Option<Prefecture>,
    /// Private or public operator.
    pub operator: Operator,
    /// Postal address.
    pub address: Option<String>,
    /// Main phone number.
    pub phone: Option<String>,
}

/// A facility form as typed: every field is text.
#[derive(Debug, Clone, Default)]
pub struct FacilityInput {
    /// Name.
    pub name: String,
    /// Kind: code or label.
    pub kind: String,
    /// Beds.
    pub beds: String,
    /// Prefecture.
    pub prefecture: String,
    /// Operator: code or label.
    pub operator: String,
    /// Address.
    pub address: String,
    /// Phone.
    pub phone: String,
}

/// The longest name a facility, asset, party or contact may have.
pub const NAME_MAX: usize = 200;

impl FacilityDraft {
    /// Validates a form, returning every problem found.
    pub fn parse(input: &FacilityInput) -> Result<Self, Vec<Invalid>> {
        let mut c = Checker::default();
        let name = c.check("name", required_text(&input.name, NAME_MAX));
        let kind = c.check_opt("kind", opt(&input.kind, FacilityKind::parse));
        let beds = c.check_opt("beds", parse_count(&input.beds, 0, 9_999));
        let prefecture = c.check_opt("prefecture", opt(&input.prefecture, Prefecture::parse));
        let operator = c.check_opt("operator", opt(&input.operator, Operator::parse));
        let address = c.check_opt("address", optional_text(&input.address, 300));
        let phone = c.check_opt("phone", optional_text(&input.phone, 50));
        let draft = FacilityDraft {
            name: name.clone().unwrap_or_default(),
            kind,
            beds: beds.map(|b| b as u32),
            prefecture,
            operator: operator.unwrap_or_default(),
            address,
            phone,
        };
        if let Err(e) = draft.check_beds() {
            c.push(e);
        }
        c.finish(|| name.map(|_| draft))
    }

    /// A hospital has 20 beds or more, a clinic 19 or fewer, a station or pharmacy none.
    pub fn check_beds(&self) -> Result<(), Invalid> {
        let (Some(kind), Some(beds)) = (self.kind, self.beds) else {
            return Ok(());
        };
        let range = kind.bed_range();
        if beds < range.0 || beds > range.1 {
            return Err(Invalid::new("beds", Problem::BedsForKind { kind: kind.ja(), range }));
        }
        Ok(())
    }

    /// The form values that reproduce this draft, for editing.
    pub fn to_input(&self) -> FacilityInput {
        FacilityInput {
            name: self.name.clone(),
            kind: self.kind.map(|k| k.code().to_owned()).unwrap_or_default(),
            beds: self.beds.map(|b| b.to_string()).unwrap_or_default(),
            prefecture: self.prefecture.map(|p| p.code().to_string()).unwrap_or_default(),
            operator: self.operator.code().to_owned(),
            address: self.address.clone().unwrap_or_default(),
            phone: self.phone.clone().unwrap_or_default(),
        }
    }
}

/// Applies `parse` to a non-empty value; empty stays `None`.
pub(crate) fn opt<T>(s: &str, parse: impl Fn(&str) -> Result<T, Problem>) -> Result<Option<T>, Problem> {
    if s.trim().is_empty() { Ok(None) } else { parse(s).map(Some) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str, kind: &str, beds: &str) -> FacilityInput {
        FacilityInput { name: name.into(), kind: kind.into(), beds: beds.into(), ..Default::default() }
    }

    #[test]
    fn a_valid_hospital() {
        let d = FacilityDraft::parse(&FacilityInput {
            prefecture: "大阪府".into(),
            operator: "公立".into(),
            ..input("市立みなと総合病院", "病院", "400")
        })
        .unwrap();
        assert_eq!(d.kind, Some(FacilityKind::Hospital));
        assert_eq!(d.beds, Some(400));
        assert_eq!(d.operator, Operator::Public);
        assert_eq!(d.prefecture.unwrap().code(), 27);
    }

    #[test]
    fn beds_must_fit_the_kind() {
        let e = FacilityDraft::parse(&input("さくら病院", "hospital", "19")).unwrap_err();
        assert_eq!(e[0].field, "beds");
        let e = FacilityDraft::parse(&input("あおばクリニック", "診療所", "20")).unwrap_err();
        assert!(matches!(e[0].problem, Problem::BedsForKind { range: (0, 19), .. }));
        assert!(FacilityDraft::parse(&input("あおばクリニック", "クリニック", "19")).is_ok());
        assert!(FacilityDraft::parse(&input("ひまわり訪問看護", "訪問看護", "1")).is_err());
    }

    #[test]
    fn every_problem_is_reported() {
        let e = FacilityDraft::parse(&FacilityInput { prefecture: "Atlantis".into(), ..input("", "castle", "lots") })
            .unwrap_err();
        let fields: Vec<_> = e.iter().map(|i| i.field).collect();
        assert_eq!(fields, ["name", "kind", "beds", "prefecture"]);
    }

    #[test]
    fn kind_from_name() {
        assert_eq!(FacilityKind::guess_from_name("みなと総合病院"), Some(FacilityKind::Hospital));
        assert_eq!(FacilityKind::guess_from_name("さくら内科クリニック"), Some(FacilityKind::Clinic));
        assert_eq!(FacilityKind::guess_from_name("ひまわり訪問看護ステーション"), Some(FacilityKind::VisitingNurse));
        assert_eq!(FacilityKind::guess_from_name("本部"), None);
    }
}
