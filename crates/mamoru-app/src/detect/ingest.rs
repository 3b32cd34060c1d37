//! Storing detections as alerts: from a detection list (a live receiver, a caller that ran
//! the engine itself) or from log files scanned here.

use std::path::PathBuf;
use std::sync::Arc;

use jiff::Timestamp;
use mamoru_detect::hunt::{HuntOptions, Warning, hunt, input_files};
use mamoru_detect::{Detection, RuleSet};
use mamoru_domain::access::Action;
use mamoru_domain::{AlertId, FacilityId};

use super::to_new;
use crate::error::Result;
use crate::{App, Principal};

/// What storing logs or detections did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IngestSummary {
    /// Log files read (0 when detections were given).
    pub files: usize,
    /// Events read.
    pub events: u64,
    /// Detections the rules made.
    pub detections: usize,
    /// Alerts opened.
    pub created: Vec<AlertId>,
    /// Open alerts that detections joined (their counts grew).
    pub updated: Vec<AlertId>,
    /// Detections that suppression rules silenced.
    pub suppressed: u64,
    /// Files, chunks and records that could not be read (the rest were).
    pub warnings: Vec<Warning>,
}

impl App {
    /// Stores a facility's detections as alerts, grouped with the open alerts of the same
    /// rule and computer, and queues messages for new alerts at the organisation's level.
    /// `rules` is the set the detections came from (their rule index points into it).
    pub async fn ingest_detections(
        &self,
        p: &Principal,
        facility: FacilityId,
        rules: &RuleSet,
        detections: &[Detection],
    ) -> Result<IngestSummary> {
        self.may_ingest(p, facility).await?;
        let now = Timestamp::now();
        let new: Vec<_> = detections.iter().filter_map(|d| to_new(rules.rules(), d, now)).collect();
        let policy = self.store.notification_settings(p.org).await?.policy;
        let stored = self.store.ingest_detections(p.org, facility, &new, &policy, &p.actor()).await?;
        if !stored.created.is_empty() {
            self.queue_alert_messages_of(p.org, now).await?;
        }
        Ok(IngestSummary {
            detections: detections.len(),
            created: stored.created,
            updated: stored.updated,
            suppressed: stored.suppressed,
            ..Default::default()
        })
    }

    /// Scans log files and folders (EVTX, JSON lines, syslog) with `rules` on every core and
    /// stores the detections as alerts of `facility`. Unreadable files and records are
    /// warnings in the summary; the rest is stored.
    pub async fn ingest_paths(
        &self,
        p: &Principal,
        facility: FacilityId,
        rules: Arc<RuleSet>,
        paths: &[PathBuf],
        options: HuntOptions,
    ) -> Result<IngestSummary> {
        // Refused before minutes of scanning, not after.
        self.may_ingest(p, facility).await?;
        let paths = paths.to_vec();
        let scanning = rules.clone();
        let result = tokio::task::spawn_blocking(move || {
            let (files, mut warnings) = input_files(&paths);
            let mut result = hunt(&files, &scanning, &options, &|_| {});
            warnings.append(&mut result.warnings);
            result.warnings = warnings;
            result
        })
        .await?;
        let mut summary = self.ingest_detections(p, facility, &rules, &result.detections).await?;
        summary.files = result.files;
        summary.events = result.events;
        summary.warnings = result.warnings;
        Ok(summary)
    }

    async fn may_ingest(&self, p: &Principal, facility: FacilityId) -> Result<()> {
        p.require(Action::IngestLogs, Some(facility))?;
        // A facility of another organisation is not found, whatever the grants say.
        self.store.facility(p.org, facility).await?;
        Ok(())
    }
}
