//! The contact chain (連絡体制): vendors and outside parties, and the people or desks to call.
//!
//! An on-site inspection checks that the chain reaches the maintenance vendors, MHLW and the
//! police (checklist item 3-①, "事業者、厚生労働省、警察等"); [`chain_gaps`] says which of
//! those a facility's chain still lacks.

use crate::choice::choice_enum;
use crate::facility::NAME_MAX;
use crate::ids::{ContactId, FacilityId, OrgId, PartyId};
use crate::invalid::{Checker, Invalid, Problem};
use crate::values::{optional_text, parse_count, parse_email, required_text};

choice_enum! {
    /// What kind of party a vendor or outside body is.
    pub enum PartyKind {
        /// A maintenance vendor or system vendor (保守業者).
        Vendor => ("vendor", "保守業者・ベンダー", "Vendor", ["保守業者", "ベンダー", "業者", "保守会社", "メーカー"]),
        /// The organisation's own departments.
        Internal => ("internal", "院内", "Internal", ["自施設", "法人本部"]),
        /// The Ministry of Health, Labour and Welfare's incident desk.
        Mhlw => ("mhlw", "厚生労働省", "MHLW", ["厚労省"]),
        /// The prefecture or the public health centre (保健所).
        Prefecture => ("prefecture", "都道府県・保健所", "Prefecture / health centre", ["都道府県", "保健所"]),
        /// The prefectural police cyber-crime desk.
        Police => ("police", "警察", "Police", ["サイバー犯罪相談窓口", "都道府県警察"]),
        /// The Personal Information Protection Commission.
        Ppc => ("ppc", "個人情報保護委員会", "PPC"),
        /// The cyber insurer.
        Insurer => ("insurer", "保険会社", "Insurer", ["サイバー保険"]),
        /// An information-sharing body (医療ISAC, CISSMED...).
        Isac => ("isac", "ISAC・情報共有", "ISAC", ["医療ISAC", "CISSMED"]),
        /// Anyone else.
        Other => ("other", "その他", "Other"),
    }
}

choice_enum! {
    /// A contact's place in the chain, which orders the printed chart.
    pub enum ChainRole {
        /// Who staff call first when something looks wrong.
        FirstContact => ("first_contact", "第一報の受付", "First contact", ["第一報", "システム担当"]),
        /// 医療情報システム安全管理責任者.
        SecurityManager => ("security_manager", "安全管理責任者", "Security manager", ["医療情報システム安全管理責任者"]),
        /// The director or management, who decide.
        Executive => ("executive", "管理者・経営層", "Director / management", ["院長", "管理者", "経営層"]),
        /// A vendor's support desk.
        VendorSupport => ("vendor_support", "保守窓口", "Vendor support", ["保守", "サポート窓口"]),
        /// An authority to report to.
        ReportTo => ("report_to", "報告先", "Report to", ["届出先"]),
        /// Someone to ask for advice (ISAC, insurer, initial-response team).
        Advisor => ("advisor", "相談先", "Advisor", ["相談"]),
        /// Anything else.
        Other => ("other", "その他", "Other"),
    }
}

/// A stored vendor or outside party.
#[derive(Debug, Clone, PartialEq)]
pub struct Party {
    /// Its id.
    pub id: PartyId,
    /// The organisation whose chain it belongs to.
    pub org_id: OrgId,
    /// The validated fields.
    pub draft: PartyDraft,
}

/// A party's fields, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct PartyDraft {
    /// Its name, unique in the organisation (e.g. `ABCメディカルシステムズ株式会社`).
    pub name: String,
    /// What kind of party it is.
    pub kind: PartyKind,
    /// Free notes (contract number, support contract period...).
    pub notes: Option<String>,
}

impl PartyDraft {
    /// Validates a party form.
    pub fn parse(name: &str, kind: &str, notes: &str) -> Result<Self, Vec<Invalid>> {
        let mut c = Checker::default();
        let name = c.check("name", required_text(name, NAME_MAX));
        let kind = c.check("kind", PartyKind::parse(kind));
        let notes = c.check_opt("notes", optional_text(notes, 2000));
        c.finish(|| Some(Self { name: name?, kind: kind?, notes }))
    }
}

/// A stored contact.
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    /// Its id.
    pub id: ContactId,
    /// The organisation.
    pub org_id: OrgId,
    /// The party the contact works for; `None` for the organisation's own staff.
    pub party_id: Option<PartyId>,
    /// The facility whose chain it is in; `None` for every facility of the organisation.
    pub facility_id: Option<FacilityId>,
    /// The validated fields.
    pub draft: ContactDraft,
}

/// A contact's fields, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactDraft {
    /// A person or a desk (e.g. `サイバー攻撃相談窓口`).
    pub name: String,
    /// Department or title.
    pub title: Option<String>,
    /// Place in the chain.
    pub role: ChainRole,
    /// Phone number.
    pub phone: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// When they can be reached (e.g. `平日 9:00-17:00`, `24時間`).
    pub hours: Option<String>,
    /// Escalation order within the role: 1 is called first.
    pub order: u32,
    /// Free notes.
    pub notes: Option<String>,
}

/// A contact form as typed.
#[derive(Debug, Clone, Default)]
pub struct ContactInput {
    /// Name.
    pub name: String,
    /// Department or title.
    pub title: String,
    /// Chain role: code or label.
    pub role: String,
    /// Phone.
    pub phone: String,
    /// E-mail.
    pub email: String,
    /// Hours.
    pub hours: String,
    /// Escalation order.
    pub order: String,
    /// Notes.
    pub notes: String,
}

impl ContactDraft {
    /// Validates a contact form; a contact needs a phone number or an e-mail address.
    pub fn parse(input: &ContactInput) -> Result<Self, Vec<Invalid>> {
        let mut c = Checker::default();
        let name = c.check("name", required_text(&input.name, NAME_MAX));
        let title = c.check_opt("title", optional_text(&input.title, NAME_MAX));
        let role = c.check("role", ChainRole::parse(&input.role));
        let phone = c.check_opt("phone", optional_text(&input.phone, 50));
        let email =
            c.check_opt("email", optional_text(&input.email, 254).and_then(|e| e.map(|e| parse_email(&e)).transpose()));
        let hours = c.check_opt("hours", optional_text(&input.hours, 100));
        let order = c.check_opt("order", parse_count(&input.order, 1, 99));
        let notes = c.check_opt("notes", optional_text(&input.notes, 2000));
        if phone.is_none() && email.is_none() && !c.has("phone") && !c.has("email") {
            c.push(Invalid::new("phone", Problem::Required));
        }
        c.finish(|| {
            Some(Self {
                name: name?,
                title,
                role: role?,
                phone,
                email,
                hours,
                order: order.map_or(1, |o| o as u32),
                notes,
            })
        })
    }

    /// The form values that reproduce this draft.
    pub fn to_input(&self) -> ContactInput {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        ContactInput {
            name: self.name.clone(),
            title: text(&self.title),
            role: self.role.code().to_owned(),
            phone: text(&self.phone),
            email: text(&self.email),
            hours: text(&self.hours),
            order: self.order.to_string(),
            notes: text(&self.notes),
        }
    }
}

/// The parties a facility's chain must reach for checklist item 3-①, in that order.
pub const REQUIRED_PARTIES: [PartyKind; 3] = [PartyKind::Vendor, PartyKind::Mhlw, PartyKind::Police];

/// Which required parties a chain lacks, given the kinds of party its contacts belong to
/// (`None` for the organisation's own staff).
///
/// The chain also needs someone inside to call first; that gap is reported as
/// [`PartyKind::Internal`].
pub fn chain_gaps(contact_party_kinds: impl IntoIterator<Item = Option<PartyKind>>) -> Vec<PartyKind> {
    let present: Vec<Option<PartyKind>> = contact_party_kinds.into_iter().collect();
    let has_internal = present.iter().any(|k| matches!(k, None | Some(PartyKind::Internal)));
    let mut gaps: Vec<PartyKind> = Vec::new();
    if !has_internal {
        gaps.push(PartyKind::Internal);
    }
    gaps.extend(REQUIRED_PARTIES.into_iter().filter(|k| !present.contains(&Some(*k))));
    gaps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contact_needs_a_way_to_reach_it() {
        let mut i =
            ContactInput { name: "情報システム課".into(), role: "第一報".into(), ..Default::default() };
        let e = ContactDraft::parse(&i).unwrap_err();
        assert_eq!((e[0].field, &e[0].problem), ("phone", &Problem::Required));
        i.phone = "06-0000-0000".into();
        let c = ContactDraft::parse(&i).unwrap();
        assert_eq!((c.role, c.order), (ChainRole::FirstContact, 1));
    }

    #[test]
    fn bad_email_and_order_are_named() {
        let i = ContactInput {
            name: "x".into(),
            role: "報告先".into(),
            email: "nobody".into(),
            order: "0".into(),
            ..Default::default()
        };
        let fields: Vec<_> = ContactDraft::parse(&i).unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["email", "order"]);
    }

    #[test]
    fn gaps_in_the_chain() {
        assert_eq!(chain_gaps([]), [PartyKind::Internal, PartyKind::Vendor, PartyKind::Mhlw, PartyKind::Police]);
        assert_eq!(chain_gaps([None, Some(PartyKind::Vendor), Some(PartyKind::Police)]), [PartyKind::Mhlw]);
        assert!(
            chain_gaps([
                Some(PartyKind::Internal),
                Some(PartyKind::Vendor),
                Some(PartyKind::Mhlw),
                Some(PartyKind::Police)
            ])
            .is_empty()
        );
    }
}
