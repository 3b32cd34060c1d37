//! Assets: every device and system in a facility's register (台帳).

use std::net::IpAddr;

use jiff::Timestamp;
use jiff::civil::Date;

use crate::choice::choice_enum;
use crate::cpe::Cpe23;
use crate::facility::{NAME_MAX, opt};
use crate::ids::{AssetId, FacilityId, OrgId, PartyId};
use crate::invalid::{Checker, Invalid, Problem};
use crate::values::{narrow, optional_text, parse_date, parse_flag, required_text};

choice_enum! {
    /// What an asset is. Network categories come first: they are what attackers enter through.
    pub enum AssetCategory {
        /// A VPN or remote-access appliance.
        Vpn => ("vpn", "VPN装置", "VPN appliance", ["VPN", "VPN機器", "SSL-VPN", "リモートアクセス装置"]),
        /// A UTM or firewall.
        Firewall => ("firewall", "UTM/ファイアウォール", "UTM / firewall", ["UTM", "ファイアウォール", "FW", "UTM/FW", "UTM・ファイアウォール"]),
        /// A router, including remote-maintenance routers.
        Router => ("router", "ルータ", "Router", ["ルーター"]),
        /// A switch or wireless access point.
        Switch => ("switch", "スイッチ/無線AP", "Switch / wireless AP", ["スイッチ", "L2スイッチ", "L3スイッチ", "無線AP", "無線LAN", "アクセスポイント"]),
        /// A server.
        Server => ("server", "サーバ", "Server", ["サーバー", "NAS"]),
        /// A client PC.
        Pc => ("pc", "端末PC", "PC", ["端末", "パソコン", "クライアントPC", "ノートPC", "端末ＰＣ"]),
        /// The electronic medical record system.
        Emr => ("emr", "電子カルテ", "EMR", ["電子カルテシステム", "EHR", "電カル"]),
        /// Picture archiving and communication system.
        Pacs => ("pacs", "PACS", "PACS", ["画像管理システム"]),
        /// A networked medical device (modality, monitor, pump...).
        MedicalDevice => ("medical_device", "医療機器", "Medical device", ["モダリティ", "医用機器"]),
        /// Anything else.
        Other => ("other", "その他", "Other"),
    }
}

impl AssetCategory {
    /// Network devices: the checklist's ネットワーク機器 target class.
    pub fn is_network_device(self) -> bool {
        matches!(self, Self::Vpn | Self::Firewall | Self::Router | Self::Switch)
    }

    /// Devices on the perimeter, where known-exploited vulnerabilities are most urgent.
    pub fn is_perimeter(self) -> bool {
        matches!(self, Self::Vpn | Self::Firewall | Self::Router)
    }
}

/// A stored asset.
#[derive(Debug, Clone, PartialEq)]
pub struct Asset {
    /// Its id.
    pub id: AssetId,
    /// The organisation it belongs to.
    pub org_id: OrgId,
    /// The facility it is in.
    pub facility_id: FacilityId,
    /// The validated fields.
    pub draft: AssetDraft,
    /// The vendor that maintains it.
    pub maintenance_vendor: Option<PartyId>,
    /// The vendor that uses its remote-maintenance line, if it has one.
    pub remote_vendor: Option<PartyId>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When its record last changed.
    pub updated_at: Timestamp,
}

/// An asset's own fields, validated. References to the facility and vendors are kept apart,
/// because resolving a name to an id needs the store.
#[derive(Debug, Clone, PartialEq)]
pub struct AssetDraft {
    /// Its name, unique within the facility (e.g. `本館VPN装置`).
    pub name: String,
    /// What it is.
    pub category: AssetCategory,
    /// Manufacturer (メーカー), as written on the device.
    pub vendor: Option<String>,
    /// Product or model.
    pub product: Option<String>,
    /// Software or firmware version.
    pub version: Option<String>,
    /// The CPE 2.3 name, when known; vulnerability matching prefers it.
    pub cpe: Option<Cpe23>,
    /// Its IP address.
    pub ip: Option<IpAddr>,
    /// Where it is installed.
    pub location: Option<String>,
    /// Network zone, e.g. `電子カルテ系`, `DMZ`, `保守回線`.
    pub network_zone: Option<String>,
    /// Reachable from the internet.
    pub internet_facing: bool,
    /// Has a remote-maintenance line.
    pub remote_maintenance: bool,
    /// Must never be scanned actively (medical devices can fail under scans).
    pub no_active_scan: bool,
    /// The person or department responsible.
    pub owner: Option<String>,
    /// When vendor support ends.
    pub support_end: Option<Date>,
    /// When its software or firmware was last updated.
    pub last_updated: Option<Date>,
    /// Free notes.
    pub notes: Option<String>,
}

/// An asset form as typed, every field text; vendor references are names.
#[derive(Debug, Clone, Default)]
pub struct AssetInput {
    /// Name.
    pub name: String,
    /// Category: code, label or alias.
    pub category: String,
    /// Manufacturer.
    pub vendor: String,
    /// Product.
    pub product: String,
    /// Version.
    pub version: String,
    /// CPE 2.3 or 2.2 URI.
    pub cpe: String,
    /// IP address.
    pub ip: String,
    /// Location.
    pub location: String,
    /// Network zone.
    pub network_zone: String,
    /// Internet-facing flag.
    pub internet_facing: String,
    /// Remote-maintenance flag.
    pub remote_maintenance: String,
    /// Never-scan flag; empty means "yes for medical devices".
    pub no_active_scan: String,
    /// Owner.
    pub owner: String,
    /// Support end date.
    pub support_end: String,
    /// Last software update date.
    pub last_updated: String,
    /// Notes.
    pub notes: String,
}

impl AssetDraft {
    /// Validates a form, returning every problem found.
    pub fn parse(input: &AssetInput) -> Result<Self, Vec<Invalid>> {
        let mut c = Checker::default();
        let name = c.check("name", required_text(&input.name, NAME_MAX));
        let category = c.check("category", required_text(&input.category, 100).and_then(|c| AssetCategory::parse(&c)));
        let vendor = c.check_opt("vendor", optional_text(&input.vendor, NAME_MAX));
        let product = c.check_opt("product", optional_text(&input.product, NAME_MAX));
        let version = c.check_opt("version", optional_text(&input.version, 100));
        let cpe = c.check_opt("cpe", opt(&input.cpe, Cpe23::parse));
        let ip = c.check_opt("ip", opt(&input.ip, parse_ip));
        let location = c.check_opt("location", optional_text(&input.location, NAME_MAX));
        let network_zone = c.check_opt("network_zone", optional_text(&input.network_zone, 100));
        let internet_facing = c.check_opt("internet_facing", parse_flag(&input.internet_facing));
        let remote_maintenance = c.check_opt("remote_maintenance", parse_flag(&input.remote_maintenance));
        let no_active_scan = c.check_opt("no_active_scan", parse_flag(&input.no_active_scan));
        let owner = c.check_opt("owner", optional_text(&input.owner, NAME_MAX));
        let support_end = c.check_opt("support_end", parse_date(&input.support_end));
        let last_updated = c.check_opt("last_updated", parse_date(&input.last_updated));
        let notes = c.check_opt("notes", optional_text(&input.notes, 2000));
        c.finish(|| {
            Some(AssetDraft {
                name: name?,
                category: category?,
                vendor,
                product,
                version,
                cpe,
                ip,
                location,
                network_zone,
                internet_facing: internet_facing.unwrap_or(false),
                remote_maintenance: remote_maintenance.unwrap_or(false),
                // Scanning can stop a modality or a monitor: unless told otherwise, don't.
                no_active_scan: no_active_scan.unwrap_or(category == Some(AssetCategory::MedicalDevice)),
                owner,
                support_end,
                last_updated,
                notes,
            })
        })
    }

    /// The form values that reproduce this draft, for editing.
    pub fn to_input(&self) -> AssetInput {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let flag = |b: bool| if b { "yes" } else { "no" }.to_owned();
        let date = |d: &Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
        AssetInput {
            name: self.name.clone(),
            category: self.category.code().to_owned(),
            vendor: text(&self.vendor),
            product: text(&self.product),
            version: text(&self.version),
            cpe: self.cpe.as_ref().map(ToString::to_string).unwrap_or_default(),
            ip: self.ip.map(|i| i.to_string()).unwrap_or_default(),
            location: text(&self.location),
            network_zone: text(&self.network_zone),
            internet_facing: flag(self.internet_facing),
            remote_maintenance: flag(self.remote_maintenance),
            no_active_scan: flag(self.no_active_scan),
            owner: text(&self.owner),
            support_end: date(&self.support_end),
            last_updated: date(&self.last_updated),
            notes: text(&self.notes),
        }
    }

    /// Whether vendor support has ended on `today`.
    pub fn support_ended(&self, today: Date) -> bool {
        self.support_end.is_some_and(|end| end < today)
    }
}

/// Parses an IPv4 or IPv6 address, accepting full-width digits.
pub fn parse_ip(s: &str) -> Result<IpAddr, Problem> {
    narrow(s).trim().parse().map_err(|_| Problem::BadIp(s.trim().to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vpn() -> AssetInput {
        AssetInput {
            name: "本館VPN装置".into(),
            category: "VPN装置".into(),
            vendor: "Fortinet".into(),
            product: "FortiGate 60E".into(),
            version: "6.0.4".into(),
            cpe: "cpe:2.3:o:fortinet:fortios:6.0.4".into(),
            ip: "203.0.113.10".into(),
            internet_facing: "はい".into(),
            support_end: "令和8年3月31日".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_vpn_appliance() {
        let d = AssetDraft::parse(&vpn()).unwrap();
        assert_eq!(d.category, AssetCategory::Vpn);
        assert!(d.category.is_perimeter());
        assert!(d.internet_facing);
        assert!(!d.no_active_scan);
        assert_eq!(d.cpe.unwrap().product(), "fortios");
        assert_eq!(d.support_end.unwrap().to_string(), "2026-03-31");
    }

    #[test]
    fn medical_devices_are_not_scanned_unless_told() {
        let mut i = AssetInput { name: "CT".into(), category: "医療機器".into(), ..Default::default() };
        assert!(AssetDraft::parse(&i).unwrap().no_active_scan);
        i.no_active_scan = "いいえ".into();
        assert!(!AssetDraft::parse(&i).unwrap().no_active_scan);
    }

    #[test]
    fn every_bad_field_is_named() {
        let i = AssetInput {
            category: "toaster".into(),
            ip: "10.0.0.300".into(),
            cpe: "fortios".into(),
            internet_facing: "perhaps".into(),
            support_end: "2025-02-30".into(),
            ..Default::default()
        };
        let fields: Vec<_> = AssetDraft::parse(&i).unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "category", "cpe", "ip", "internet_facing", "support_end"]);
    }

    #[test]
    fn categories_from_what_people_type() {
        for (s, c) in [
            ("ＶＰＮ", AssetCategory::Vpn),
            ("utm", AssetCategory::Firewall),
            ("ルーター", AssetCategory::Router),
            ("パソコン", AssetCategory::Pc),
            ("電子カルテ", AssetCategory::Emr),
            ("Medical device", AssetCategory::MedicalDevice),
        ] {
            assert_eq!(AssetCategory::parse(s), Ok(c), "{s}");
        }
    }

    #[test]
    fn absent_columns_keep_their_values() {
        let old = AssetDraft::parse(&vpn()).unwrap();
        let mut new = AssetDraft::parse(&AssetInput {
            name: "本館VPN装置".into(),
            category: "VPN装置".into(),
            version: "7.2.8".into(),
            ..Default::default()
        })
        .unwrap();
        new.keep_absent(&old, |f| ["name", "category", "version", "ip"].contains(&f));
        assert_eq!(new.version.as_deref(), Some("7.2.8"));
        assert_eq!(new.vendor.as_deref(), Some("Fortinet"), "absent: kept");
        assert!(new.internet_facing, "absent: kept");
        assert_eq!(new.ip, None, "present but empty: cleared");
    }

    #[test]
    fn input_round_trips() {
        let d = AssetDraft::parse(&vpn()).unwrap();
        assert_eq!(AssetDraft::parse(&d.to_input()).unwrap(), d);
    }
}

/// The canonical field keys of a register line, in export order; a register file may have
/// any subset besides `name` and `category`.
pub const REGISTER_FIELDS: [&str; 19] = [
    "facility",
    "name",
    "category",
    "vendor",
    "product",
    "version",
    "cpe",
    "ip",
    "internet_facing",
    "location",
    "network_zone",
    "remote_maintenance",
    "remote_vendor",
    "no_active_scan",
    "owner",
    "maintenance_vendor",
    "support_end",
    "last_updated",
    "notes",
];

impl AssetDraft {
    /// Keeps `old`'s value of every field whose column the file did not have (`has` says
    /// which it had), so a file with a few columns changes only those. An empty cell in a
    /// column the file has still clears the value.
    pub fn keep_absent(&mut self, old: &AssetDraft, has: impl Fn(&str) -> bool) {
        macro_rules! keep {
            ($($field:ident),*) => {
                $(if !has(stringify!($field)) {
                    self.$field = old.$field.clone();
                })*
            };
        }
        keep!(
            vendor,
            product,
            version,
            cpe,
            ip,
            location,
            network_zone,
            internet_facing,
            no_active_scan,
            owner,
            support_end,
            last_updated,
            notes
        );
        // A named remote vendor implies the line exists, even without the flag's column.
        if !has("remote_maintenance") && !has("remote_vendor") {
            self.remote_maintenance = old.remote_maintenance;
        }
    }
}

/// One line of a register file: an asset with its facility and vendors named, not yet resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct RegisterEntry {
    /// The facility's name; a facility not yet known is created.
    pub facility: String,
    /// The asset's own fields.
    pub asset: AssetDraft,
    /// The maintenance vendor's name.
    pub maintenance_vendor: Option<String>,
    /// The name of the vendor using the remote-maintenance line.
    pub remote_vendor: Option<String>,
}
