//! The dashboard's "VPN and remote-access devices" panel: the devices intruders came in
//! through at Japanese hospitals, each with its worst open finding.

use jiff::civil::Date;
use mamoru_domain::access::Action;
use mamoru_domain::{Asset, FindingStatus};
use mamoru_store::{Finding, FindingQuery};

use crate::error::{Error, Result};
use crate::{App, Principal};

/// One perimeter device and what is open on it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceRow {
    /// The device.
    pub asset: Asset,
    /// Its facility's name.
    pub facility: String,
    /// Its open findings, most urgent first.
    pub open: Vec<Finding>,
}

impl DeviceRow {
    /// How many open findings are known exploited.
    pub fn kev(&self) -> usize {
        self.open.iter().filter(|f| f.matched.kev).count()
    }

    /// The most urgent open finding.
    pub fn worst(&self) -> Option<&Finding> {
        self.open.first()
    }
}

/// The panel's figures.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct VulnPanel {
    /// Perimeter devices (at most 500), worst first.
    pub devices: Vec<DeviceRow>,
    /// Open findings per priority 1..=5, across every visible asset.
    pub open_by_priority: [usize; 5],
    /// Open known-exploited findings anywhere.
    pub open_kev: usize,
    /// Open findings past their due date.
    pub overdue: usize,
    /// Whether any advisory has been imported at all (else the panel says how to).
    pub feeds_loaded: bool,
}

impl App {
    /// The dashboard's vulnerability panel as of `today` (Asia/Tokyo).
    pub async fn vuln_panel(&self, p: &Principal, today: Date) -> Result<VulnPanel> {
        if !p.can_anywhere(Action::ViewInventory) {
            return Err(Error::Forbidden);
        }
        let visible = p.visible();
        let counts = self.store.open_finding_counts(p.org, visible.as_deref(), today).await?;
        let as_usize = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        let mut panel = VulnPanel {
            open_by_priority: counts.by_priority.map(as_usize),
            open_kev: as_usize(counts.kev),
            overdue: as_usize(counts.overdue),
            feeds_loaded: self.store.has_advisories().await?,
            ..Default::default()
        };
        // Only the perimeter's findings are listed; the rest are counted above.
        let open = FindingQuery {
            visible: visible.clone(),
            statuses: vec![FindingStatus::Open],
            perimeter_only: true,
            ..Default::default()
        };
        let findings = self.store.findings(p.org, &open).await?;
        let names = self.store.facilities(p.org).await?;
        for asset in self.store.perimeter_assets(p.org, visible.as_deref()).await? {
            let open: Vec<Finding> = findings.iter().filter(|f| f.matched.asset == asset.id).cloned().collect();
            let facility =
                names.iter().find(|f| f.id == asset.facility_id).map(|f| f.draft.name.clone()).unwrap_or_default();
            panel.devices.push(DeviceRow { asset, facility, open });
        }
        // Worst first: by the most urgent finding, then devices with nothing open.
        panel
            .devices
            .sort_by_key(|d| (d.worst().map_or(u8::MAX, |f| f.matched.priority), std::cmp::Reverse(d.open.len())));
        Ok(panel)
    }
}
