//! The dashboard's alert card: open alerts by level and the few most recently active.

use mamoru_domain::access::Action;
use mamoru_domain::{AlertLevel, AlertStatus};
use mamoru_store::{Alert, AlertQuery};

use crate::error::{Error, Result};
use crate::{App, Principal};

/// The card's figures.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AlertPanel {
    /// Open alerts (new, acknowledged, escalated) per level, indexed by
    /// [`AlertLevel::rank`]: `[informational, low, medium, high, critical]`.
    pub open_by_level: [u64; 5],
    /// Open alerts nobody has looked at yet.
    pub new: u64,
    /// Open alerts handed up and not settled.
    pub escalated: u64,
    /// The most recently active open alerts, newest first.
    pub newest: Vec<Alert>,
}

impl AlertPanel {
    /// Open alerts of `level`.
    pub fn open(&self, level: AlertLevel) -> u64 {
        self.open_by_level[usize::from(level.rank())]
    }

    /// Open alerts of every level.
    pub fn open_total(&self) -> u64 {
        self.open_by_level.iter().sum()
    }
}

impl App {
    /// The dashboard's alert card for the facilities the principal may see, with the
    /// `newest` most recently active open alerts.
    pub async fn alert_panel(&self, p: &Principal, newest: u32) -> Result<AlertPanel> {
        if !p.can_anywhere(Action::ViewInventory) {
            return Err(Error::Forbidden);
        }
        let visible = p.visible();
        let counts = self.store.alert_counts(p.org, visible.as_deref()).await?;
        let query = AlertQuery {
            visible,
            statuses: AlertStatus::ALL.iter().copied().filter(|s| s.is_open()).collect(),
            limit: Some(newest),
            ..Default::default()
        };
        Ok(AlertPanel {
            open_by_level: counts.open_by_level,
            new: counts.new,
            escalated: counts.escalated,
            newest: self.store.alerts(p.org, &query).await?,
        })
    }
}
