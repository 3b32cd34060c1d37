//! The API's JSON shapes. Domain types stay free of serde; these are converted by hand, so a
//! change inside Mamoru cannot silently change what scripts receive. Keys are only ever
//! added, never renamed.

use mamoru_domain::access::{Grant, Scope};
use mamoru_domain::facility::FacilityInput;
use mamoru_domain::{AssetInput, Facility, Party, Policy};
use mamoru_store::{AssetListItem, AuditEntry, ChainEntry, FeedStatus, Finding, User};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A facility.
#[derive(Serialize, ToSchema)]
pub(crate) struct FacilityView {
    pub(crate) id: i64,
    pub(crate) name: String,
    /// `hospital`, `clinic`, `visiting_nurse`, `pharmacy`, or null when not set.
    pub(crate) kind: Option<&'static str>,
    pub(crate) beds: Option<u32>,
    /// JIS X 0401 code, 1–47.
    pub(crate) prefecture_code: Option<u8>,
    /// The prefecture's Japanese name.
    pub(crate) prefecture: Option<&'static str>,
    /// `private` or `public`.
    pub(crate) operator: &'static str,
    pub(crate) address: Option<String>,
    pub(crate) phone: Option<String>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

impl From<Facility> for FacilityView {
    fn from(f: Facility) -> Self {
        let d = f.draft;
        FacilityView {
            id: f.id.get(),
            name: d.name,
            kind: d.kind.map(|k| k.code()),
            beds: d.beds,
            prefecture_code: d.prefecture.map(|p| p.code()),
            prefecture: d.prefecture.map(|p| p.ja()),
            operator: d.operator.code(),
            address: d.address,
            phone: d.phone,
            created_at: f.created_at.to_string(),
            updated_at: f.updated_at.to_string(),
        }
    }
}

/// A facility to create or replace. Values are validated as in the UI (Japanese labels or
/// codes both work for `kind`, `prefecture` and `operator`).
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct FacilityBody {
    pub(crate) name: String,
    pub(crate) kind: Option<String>,
    pub(crate) beds: Option<u32>,
    /// A name (`大阪府`, `Osaka`) or JIS code as text.
    pub(crate) prefecture: Option<String>,
    pub(crate) operator: Option<String>,
    pub(crate) address: Option<String>,
    pub(crate) phone: Option<String>,
}

impl FacilityBody {
    pub(crate) fn input(self) -> FacilityInput {
        FacilityInput {
            name: self.name,
            kind: self.kind.unwrap_or_default(),
            beds: self.beds.map(|b| b.to_string()).unwrap_or_default(),
            prefecture: self.prefecture.unwrap_or_default(),
            operator: self.operator.unwrap_or_default(),
            address: self.address.unwrap_or_default(),
            phone: self.phone.unwrap_or_default(),
        }
    }
}

/// An asset of the register.
#[derive(Serialize, ToSchema)]
pub(crate) struct AssetView {
    pub(crate) id: i64,
    pub(crate) facility_id: i64,
    pub(crate) facility: String,
    pub(crate) name: String,
    /// `vpn`, `firewall`, `router`, `switch`, `server`, `pc`, `emr`, `pacs`, `medical_device`, `other`.
    pub(crate) category: &'static str,
    /// The category's Japanese label.
    pub(crate) category_label: &'static str,
    pub(crate) vendor: Option<String>,
    pub(crate) product: Option<String>,
    pub(crate) version: Option<String>,
    pub(crate) cpe: Option<String>,
    pub(crate) ip: Option<String>,
    pub(crate) location: Option<String>,
    pub(crate) network_zone: Option<String>,
    pub(crate) internet_facing: bool,
    pub(crate) remote_maintenance: bool,
    pub(crate) remote_vendor_id: Option<i64>,
    pub(crate) remote_vendor: Option<String>,
    pub(crate) no_active_scan: bool,
    pub(crate) owner: Option<String>,
    pub(crate) maintenance_vendor_id: Option<i64>,
    pub(crate) maintenance_vendor: Option<String>,
    /// `YYYY-MM-DD`.
    pub(crate) support_end: Option<String>,
    /// `YYYY-MM-DD`.
    pub(crate) last_updated: Option<String>,
    pub(crate) notes: Option<String>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

impl From<AssetListItem> for AssetView {
    fn from(i: AssetListItem) -> Self {
        let a = i.asset;
        let d = a.draft;
        AssetView {
            id: a.id.get(),
            facility_id: a.facility_id.get(),
            facility: i.facility_name,
            name: d.name,
            category: d.category.code(),
            category_label: d.category.ja(),
            vendor: d.vendor,
            product: d.product,
            version: d.version,
            cpe: d.cpe.map(|c| c.to_string()),
            ip: d.ip.map(|i| i.to_string()),
            location: d.location,
            network_zone: d.network_zone,
            internet_facing: d.internet_facing,
            remote_maintenance: d.remote_maintenance,
            remote_vendor_id: a.remote_vendor.map(|p| p.get()),
            remote_vendor: i.remote_vendor_name,
            no_active_scan: d.no_active_scan,
            owner: d.owner,
            maintenance_vendor_id: a.maintenance_vendor.map(|p| p.get()),
            maintenance_vendor: i.maintenance_vendor_name,
            support_end: d.support_end.map(|x| x.to_string()),
            last_updated: d.last_updated.map(|x| x.to_string()),
            notes: d.notes,
            created_at: a.created_at.to_string(),
            updated_at: a.updated_at.to_string(),
        }
    }
}

/// An asset to create or replace (every field; missing ones become empty).
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct AssetBody {
    pub(crate) facility_id: i64,
    pub(crate) name: String,
    /// A code (`vpn`) or a label (`VPN装置`).
    pub(crate) category: String,
    pub(crate) vendor: Option<String>,
    pub(crate) product: Option<String>,
    pub(crate) version: Option<String>,
    pub(crate) cpe: Option<String>,
    pub(crate) ip: Option<String>,
    pub(crate) location: Option<String>,
    pub(crate) network_zone: Option<String>,
    pub(crate) internet_facing: Option<bool>,
    pub(crate) remote_maintenance: Option<bool>,
    pub(crate) remote_vendor_id: Option<i64>,
    /// Null means "yes for medical devices, otherwise no".
    pub(crate) no_active_scan: Option<bool>,
    pub(crate) owner: Option<String>,
    pub(crate) maintenance_vendor_id: Option<i64>,
    /// `YYYY-MM-DD` (other forms the UI accepts work too).
    pub(crate) support_end: Option<String>,
    pub(crate) last_updated: Option<String>,
    pub(crate) notes: Option<String>,
}

impl AssetBody {
    pub(crate) fn input(&self) -> AssetInput {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let flag = |v: Option<bool>| v.map(|b| if b { "yes" } else { "no" }.to_owned()).unwrap_or_default();
        AssetInput {
            name: self.name.clone(),
            category: self.category.clone(),
            vendor: text(&self.vendor),
            product: text(&self.product),
            version: text(&self.version),
            cpe: text(&self.cpe),
            ip: text(&self.ip),
            location: text(&self.location),
            network_zone: text(&self.network_zone),
            internet_facing: flag(self.internet_facing),
            remote_maintenance: flag(self.remote_maintenance),
            no_active_scan: flag(self.no_active_scan),
            owner: text(&self.owner),
            support_end: text(&self.support_end),
            last_updated: text(&self.last_updated),
            notes: text(&self.notes),
        }
    }
}

/// A page of assets.
#[derive(Serialize, ToSchema)]
pub(crate) struct AssetPage {
    pub(crate) items: Vec<AssetView>,
    /// Assets matching in all.
    pub(crate) total: u64,
    pub(crate) offset: u64,
    pub(crate) limit: u32,
}

/// What an import did or (with `dry_run`) would do.
#[derive(Serialize, ToSchema)]
pub(crate) struct ImportResult {
    pub(crate) created: usize,
    pub(crate) updated: usize,
    pub(crate) unchanged: usize,
    pub(crate) facilities_created: Vec<String>,
    pub(crate) vendors_created: Vec<String>,
    pub(crate) dry_run: bool,
}

/// A vendor or outside party.
#[derive(Serialize, ToSchema)]
pub(crate) struct PartyView {
    pub(crate) id: i64,
    pub(crate) name: String,
    /// `vendor`, `internal`, `mhlw`, `prefecture`, `police`, `ppc`, `insurer`, `isac`, `other`.
    pub(crate) kind: &'static str,
    pub(crate) notes: Option<String>,
}

impl From<Party> for PartyView {
    fn from(p: Party) -> Self {
        PartyView { id: p.id.get(), name: p.draft.name, kind: p.draft.kind.code(), notes: p.draft.notes }
    }
}

/// A party to create or replace.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PartyBody {
    pub(crate) name: String,
    pub(crate) kind: String,
    pub(crate) notes: Option<String>,
}

/// A contact of the chain.
#[derive(Serialize, ToSchema)]
pub(crate) struct ContactView {
    pub(crate) id: i64,
    pub(crate) party_id: Option<i64>,
    pub(crate) party: Option<String>,
    /// Null: every facility of the organisation.
    pub(crate) facility_id: Option<i64>,
    pub(crate) name: String,
    pub(crate) title: Option<String>,
    /// `first_contact`, `security_manager`, `executive`, `vendor_support`, `report_to`, `advisor`, `other`.
    pub(crate) role: &'static str,
    pub(crate) phone: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) hours: Option<String>,
    pub(crate) order: u32,
    pub(crate) notes: Option<String>,
}

impl From<ChainEntry> for ContactView {
    fn from(e: ChainEntry) -> Self {
        let c = e.contact;
        ContactView {
            id: c.id.get(),
            party_id: c.party_id.map(|p| p.get()),
            party: e.party.map(|p| p.draft.name),
            facility_id: c.facility_id.map(|f| f.get()),
            name: c.draft.name,
            title: c.draft.title,
            role: c.draft.role.code(),
            phone: c.draft.phone,
            email: c.draft.email,
            hours: c.draft.hours,
            order: c.draft.order,
            notes: c.draft.notes,
        }
    }
}

/// A contact to create or replace.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ContactBody {
    pub(crate) party_id: Option<i64>,
    pub(crate) facility_id: Option<i64>,
    pub(crate) name: String,
    pub(crate) title: Option<String>,
    pub(crate) role: String,
    pub(crate) phone: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) hours: Option<String>,
    pub(crate) order: Option<u32>,
    pub(crate) notes: Option<String>,
}

/// A user account (no secrets).
#[derive(Serialize, ToSchema)]
pub(crate) struct UserView {
    pub(crate) id: i64,
    pub(crate) email: String,
    pub(crate) display_name: String,
    pub(crate) totp_enabled: bool,
    pub(crate) disabled: bool,
    pub(crate) last_login_at: Option<String>,
    pub(crate) grants: Vec<GrantView>,
}

/// A role in a scope.
#[derive(Serialize, ToSchema)]
pub(crate) struct GrantView {
    /// `admin`, `manager`, `staff`, `auditor`.
    pub(crate) role: &'static str,
    /// Null: the whole organisation.
    pub(crate) facility_id: Option<i64>,
}

pub(crate) fn grant_views(grants: &[Grant]) -> Vec<GrantView> {
    grants
        .iter()
        .map(|g| GrantView {
            role: g.role.code(),
            facility_id: match g.scope {
                Scope::Organization => None,
                Scope::Facility(f) => Some(f.get()),
            },
        })
        .collect()
}

impl From<User> for UserView {
    fn from(u: User) -> Self {
        UserView {
            id: u.id.get(),
            grants: grant_views(&u.grants),
            email: u.email,
            display_name: u.display_name,
            totp_enabled: u.totp_enabled,
            disabled: u.disabled,
            last_login_at: u.last_login_at.map(|t| t.to_string()),
        }
    }
}

/// Who the caller is.
#[derive(Serialize, ToSchema)]
pub(crate) struct MeView {
    pub(crate) user_id: Option<i64>,
    pub(crate) email: String,
    pub(crate) display_name: String,
    pub(crate) organization_id: i64,
    pub(crate) grants: Vec<GrantView>,
}

/// An audit-log entry.
#[derive(Serialize, ToSchema)]
pub(crate) struct AuditView {
    pub(crate) id: i64,
    /// RFC 3339, UTC.
    pub(crate) at: String,
    pub(crate) actor: String,
    pub(crate) actor_user_id: Option<i64>,
    pub(crate) origin: String,
    pub(crate) action: String,
    pub(crate) entity: String,
    pub(crate) entity_id: Option<i64>,
    pub(crate) facility_id: Option<i64>,
    pub(crate) summary: String,
    #[schema(value_type = Object)]
    pub(crate) before: Option<serde_json::Value>,
    #[schema(value_type = Object)]
    pub(crate) after: Option<serde_json::Value>,
}

impl From<AuditEntry> for AuditView {
    fn from(e: AuditEntry) -> Self {
        AuditView {
            id: e.id,
            at: e.at.to_string(),
            actor: e.actor,
            actor_user_id: e.actor_user_id.map(|u| u.get()),
            origin: e.origin,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
            facility_id: e.facility_id.map(|f| f.get()),
            summary: e.summary,
            before: e.before,
            after: e.after,
        }
    }
}

/// A vulnerability finding: one vulnerability on one asset. The keys of the CLI's JSON and
/// the CSV export (`asset` is the asset's name, `cve` the vulnerability id) mean the same here.
#[derive(Serialize, ToSchema)]
pub(crate) struct FindingView {
    pub(crate) id: i64,
    /// The asset's name.
    pub(crate) asset: String,
    pub(crate) asset_id: i64,
    /// The asset's category code, e.g. `vpn`.
    pub(crate) asset_category: String,
    pub(crate) internet_facing: bool,
    /// The facility's name.
    pub(crate) facility: String,
    pub(crate) facility_id: i64,
    /// The CVE, or the JVNDB id when there is no CVE.
    pub(crate) cve: String,
    /// Listed in CISA's Known Exploited Vulnerabilities catalogue.
    pub(crate) kev: bool,
    /// Known to be used by ransomware (CISA).
    pub(crate) ransomware: bool,
    /// EPSS probability of exploitation within 30 days, 0–1.
    pub(crate) epss: Option<f64>,
    /// The highest CVSS base score.
    pub(crate) cvss: Option<f64>,
    /// 1 (most urgent) to 5.
    pub(crate) priority: u8,
    /// Why that priority (English).
    pub(crate) priority_reason: String,
    /// `YYYY-MM-DD`.
    pub(crate) due: String,
    /// `YYYY-MM-DD`, the Asia/Tokyo day it was found; `due` counts from it.
    pub(crate) found_on: String,
    /// Why the asset matched, in one line.
    pub(crate) why: String,
    /// The same in Japanese.
    pub(crate) why_ja: String,
    /// The CPE or statement matched.
    pub(crate) criteria: String,
    /// `exact`, `name` or `fuzzy` (a person should confirm or reject it).
    pub(crate) confidence: String,
    /// The advisory's source: `nvd`, `cve5`, `jvn`.
    pub(crate) source: String,
    /// The advisory matched.
    pub(crate) advisory: String,
    /// The asset's version when matched.
    pub(crate) version: Option<String>,
    /// `open`, `fixed`, `mitigated`, `accepted`, `rejected`.
    pub(crate) status: &'static str,
    /// RFC 3339, UTC.
    pub(crate) first_seen: String,
    pub(crate) last_seen: String,
    pub(crate) resolved_at: Option<String>,
    pub(crate) decision_reason: Option<String>,
    /// `YYYY-MM-DD`: until when a risk acceptance holds.
    pub(crate) decision_expires: Option<String>,
    pub(crate) decided_by: Option<String>,
    pub(crate) decided_at: Option<String>,
}

impl From<Finding> for FindingView {
    fn from(f: Finding) -> Self {
        let m = f.matched;
        FindingView {
            id: f.id.get(),
            asset: f.asset_name,
            asset_id: m.asset.get(),
            asset_category: f.asset_category,
            internet_facing: f.internet_facing,
            facility: f.facility_name,
            facility_id: m.facility.get(),
            cve: m.vuln_id,
            kev: m.kev,
            ransomware: m.ransomware,
            epss: m.epss,
            cvss: m.cvss,
            priority: m.priority,
            priority_reason: m.priority_reason,
            due: f.due.to_string(),
            found_on: f.found_on.to_string(),
            why: m.why,
            why_ja: m.why_ja,
            criteria: m.criteria,
            confidence: m.confidence,
            source: m.source,
            advisory: m.advisory_id,
            version: m.version,
            status: f.status.code(),
            first_seen: f.first_seen.to_string(),
            last_seen: f.last_seen.to_string(),
            resolved_at: f.resolved_at.map(|t| t.to_string()),
            decision_reason: f.decision_reason,
            decision_expires: f.decision_expires.map(|d| d.to_string()),
            decided_by: f.decided_by,
            decided_at: f.decided_at.map(|t| t.to_string()),
        }
    }
}

/// A decision on a finding.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DecisionBody {
    /// `open` (again), `mitigated`, `accepted` or `rejected` (not applicable); the Japanese
    /// labels work too.
    pub(crate) status: String,
    /// Why; required for mitigated, accepted and rejected.
    pub(crate) reason: Option<String>,
    /// `YYYY-MM-DD`, after today; required for accepted.
    pub(crate) expires: Option<String>,
}

/// How findings are ranked.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PolicyView {
    /// Days to act for priority 1 to 5 (five numbers, 1–3650), counted from when found.
    pub(crate) due_days: Vec<u16>,
    /// EPSS probability (0–1) from which exploitation counts as likely.
    pub(crate) epss_likely: f32,
    /// CVSS base score (0–10) from which a flaw counts as severe.
    pub(crate) cvss_severe: f32,
}

impl From<Policy> for PolicyView {
    fn from(p: Policy) -> Self {
        PolicyView { due_days: p.due_days.to_vec(), epss_likely: p.epss_likely, cvss_severe: p.cvss_severe }
    }
}

/// Advisories of one source.
#[derive(Serialize, ToSchema)]
pub(crate) struct FeedCountView {
    /// `nvd`, `cve5` or `jvn`.
    pub(crate) source: String,
    pub(crate) count: i64,
}

/// How much feed data is loaded (shared by every organisation).
#[derive(Serialize, ToSchema)]
pub(crate) struct FeedStatusView {
    pub(crate) advisories: Vec<FeedCountView>,
    /// Entries of the CISA KEV catalogue.
    pub(crate) kev: i64,
    /// CVEs with an EPSS score.
    pub(crate) epss: i64,
    /// The date of the EPSS scores.
    pub(crate) epss_date: Option<String>,
    /// When a feed was last imported.
    pub(crate) last_import: Option<String>,
}

impl From<FeedStatus> for FeedStatusView {
    fn from(s: FeedStatus) -> Self {
        FeedStatusView {
            advisories: s.advisories.into_iter().map(|(source, count)| FeedCountView { source, count }).collect(),
            kev: s.kev,
            epss: s.epss,
            epss_date: s.epss_date,
            last_import: s.last_import,
        }
    }
}
