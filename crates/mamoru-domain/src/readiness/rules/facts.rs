//! What the evidence rules look at: a plain snapshot of one facility that the application
//! fills from the store (and, where Mamoru does not keep the records yet, leaves `None`).

use jiff::civil::Date;

use crate::asset::AssetCategory;
use crate::contact::{ChainRole, PartyKind};
use crate::readiness::Target;

/// Everything the rules may look at for one facility, as of one day.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    /// The day the answers are proposed for (today in Japan, or the end of a past fiscal year).
    pub as_of: Date,
    /// The asset register.
    pub register: Register,
    /// Assets flagged as having a remote-maintenance line.
    pub remote_devices: Vec<RemoteDevice>,
    /// Vendors named in the register as maintenance or remote-maintenance vendors.
    pub vendors: Vec<String>,
    /// Whether any vulnerability feed has been loaded (without one, no finding means nothing).
    pub vuln_feeds_loaded: bool,
    /// Open vulnerability findings on network devices that are past their due date.
    pub overdue_network: Vec<OverdueFinding>,
    /// Mamoru's own accounts that may act on the facility.
    pub accounts: Vec<Account>,
    /// Whether the organisation requires two-factor login.
    pub two_factor_required: bool,
    /// The facility's contact chain (its own contacts and the organisation-wide ones).
    pub chain: Vec<ChainContact>,
    /// Backups of the facility's systems; `None` while Mamoru keeps no backup records for it.
    pub backups: Option<Vec<BackupSystem>>,
    /// The cyber-attack BCP; `None` while Mamoru keeps no BCP records.
    pub bcp: Option<Bcp>,
    /// The security manager recorded for the facility (the training page), if any.
    pub security_manager: Option<ManagerRecord>,
}

/// The facility's recorded 医療情報システム安全管理責任者.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagerRecord {
    /// The person's name.
    pub name: String,
    /// Dedicated (専任), as 200-bed hospitals need for 診療録管理体制加算.
    pub dedicated: bool,
    /// The day of appointment, if recorded.
    pub appointed_on: Option<Date>,
}

/// The register's coverage of the checklist's device classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Register {
    /// Servers (EMR and PACS systems count: they run on servers).
    pub servers: u32,
    /// Terminal PCs.
    pub pcs: u32,
    /// Network devices: VPN, UTM/firewall, router, switch/wireless AP.
    pub network: u32,
    /// Medical devices and others, which no class of the checklist names.
    pub other: u32,
    /// The last day the register was changed or re-imported.
    pub last_reviewed: Option<Date>,
}

impl Register {
    /// Counts one asset of `category`.
    pub fn count(&mut self, category: AssetCategory) {
        match class_of(category) {
            Some(Target::Server) => self.servers += 1,
            Some(Target::Pc) => self.pcs += 1,
            Some(Target::Network) => self.network += 1,
            _ => self.other += 1,
        }
    }

    /// Every asset counted.
    pub fn total(&self) -> u32 {
        self.servers + self.pcs + self.network + self.other
    }
}

/// The checklist's device class of a register category, if it has one.
pub fn class_of(category: AssetCategory) -> Option<Target> {
    match category {
        AssetCategory::Server | AssetCategory::Emr | AssetCategory::Pacs => Some(Target::Server),
        AssetCategory::Pc => Some(Target::Pc),
        c if c.is_network_device() => Some(Target::Network),
        _ => None,
    }
}

/// An asset with a remote-maintenance line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteDevice {
    /// The asset's name.
    pub asset: String,
    /// The vendor that uses the line, if recorded.
    pub vendor: Option<String>,
}

/// An open finding past its due date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverdueFinding {
    /// The asset's name.
    pub asset: String,
    /// The CVE or JVNDB id.
    pub vuln_id: String,
    /// When it was due.
    pub due: Date,
    /// Listed in CISA's Known Exploited Vulnerabilities catalogue.
    pub kev: bool,
}

/// One of Mamoru's accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Its e-mail.
    pub name: String,
    /// Disabled accounts cannot log in.
    pub disabled: bool,
    /// Whether login asks for a TOTP code.
    pub two_factor: bool,
    /// The day of its last login.
    pub last_login: Option<Date>,
    /// The day it was created.
    pub created: Date,
}

/// One entry of the contact chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainContact {
    /// The contact's name.
    pub name: String,
    /// Its role in the chain.
    pub role: ChainRole,
    /// The outside party it belongs to (`None`: the organisation's own staff).
    pub party: Option<(String, PartyKind)>,
}

/// A system's backups, as the backup module will report them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSystem {
    /// The system (e.g. `電子カルテ`).
    pub system: String,
    /// Whether care cannot continue without it (the checklist's 3-② asks for these).
    pub needed_for_care: bool,
    /// Generations kept (世代管理: the latest and earlier ones).
    pub generations: u32,
    /// Whether a copy is offline or non-appendable (immutable), which 診療録管理体制加算's
    /// Q&A (2024-05-31) accepts as "offline".
    pub offline_or_immutable: bool,
    /// The last day a restore test passed.
    pub last_restore_test_passed: Option<Date>,
}

/// The facility's cyber-attack BCP, as a BCP module will report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Bcp {
    /// When the BCP was adopted, if it exists.
    pub adopted_on: Option<Date>,
    /// The last drill based on it.
    pub drilled_on: Option<Date>,
}
