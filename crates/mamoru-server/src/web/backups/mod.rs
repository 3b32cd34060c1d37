//! Backups: the protected systems of each facility with their last verified restore, a job with
//! its history and the buttons to run it now, the form that defines a job, and the annual
//! backup report for the ministry (a printable page and a PDF).
//!
//! Shared here: how a restore status is coloured, and how durations, sizes and the policy read.

pub(crate) mod form;
pub(crate) mod job;
pub(crate) mod list;
pub(crate) mod report;
mod report_doc;

use mamoru_app::Principal;
use mamoru_app::backup::JobRun;
use mamoru_domain::BackupJobId;
use mamoru_domain::backup::{RestoreStatus, RunCause};
use tokio::task::JoinHandle;

use crate::i18n::{Lang, Tr};
use crate::state::AppState;

/// What a person starts from a page or the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Start {
    /// The backup, then the offline copy and retention.
    Backup,
    /// A restore test, timed.
    RestoreTest,
}

/// Starts a run on its own task, so that it finishes and is recorded even when the browser
/// or a proxy gives up waiting (a restore test of a large system takes many minutes, longer
/// than a proxy's read timeout); the caller waits on the handle as long as it likes.
pub(crate) fn start(
    state: &AppState,
    p: &Principal,
    id: BackupJobId,
    what: Start,
) -> JoinHandle<Result<JobRun, mamoru_app::Error>> {
    let (app, p, settings) = (state.app.clone(), p.clone(), state.backup.clone());
    tokio::spawn(async move {
        match what {
            Start::Backup => app.run_backup_job(&p, id, RunCause::Manual, &settings).await,
            Start::RestoreTest => app.run_restore_test(&p, id, RunCause::Manual, &settings).await,
        }
    })
}

/// The badge class of a restore status: red when a person must act (overdue, failed, never
/// tested), amber when due soon, green when verified within the policy.
pub(crate) fn status_class(s: RestoreStatus) -> &'static str {
    match s {
        RestoreStatus::Fresh => "ok",
        RestoreStatus::DueSoon => "warn",
        RestoreStatus::Overdue | RestoreStatus::Never | RestoreStatus::Failed => "bad",
    }
}

/// A duration for people: `0.8秒`, `42秒`, `3分05秒`, `1時間02分` (or the English forms).
pub(crate) fn duration(lang: Lang, ms: u64) -> String {
    let secs = ms / 1000;
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    match lang {
        Lang::Ja if h > 0 => format!("{h}時間{m:02}分"),
        Lang::Ja if m > 0 => format!("{m}分{s:02}秒"),
        Lang::Ja if secs >= 10 => format!("{s}秒"),
        Lang::Ja => format!("{:.1}秒", ms as f64 / 1000.0),
        Lang::En if h > 0 => format!("{h} h {m:02} min"),
        Lang::En if m > 0 => format!("{m} min {s:02} s"),
        Lang::En if secs >= 10 => format!("{s} s"),
        Lang::En => format!("{:.1} s", ms as f64 / 1000.0),
    }
}

/// A size for people, in powers of 1024: `512 B`, `3.4 MB`, `1.2 GB`.
pub(crate) fn size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = bytes as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 { format!("{bytes} B") } else { format!("{v:.1} {}", UNITS[unit]) }
}

/// The restore-test policy: `30日ごと` / `every 30 days`.
pub(crate) fn policy(tr: &Tr, days: u32) -> String {
    match tr.lang {
        Lang::Ja => format!("{days}日ごと"),
        Lang::En => format!("every {days} days"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_sizes_read_as_people_say_them() {
        assert_eq!(duration(Lang::Ja, 800), "0.8秒");
        assert_eq!(duration(Lang::Ja, 42_000), "42秒");
        assert_eq!(duration(Lang::Ja, 185_000), "3分05秒");
        assert_eq!(duration(Lang::Ja, 3_720_000), "1時間02分");
        assert_eq!(duration(Lang::En, 185_000), "3 min 05 s");
        assert_eq!(size(512), "512 B");
        assert_eq!(size(3 * 1024 * 1024 + 400 * 1024), "3.4 MB");
    }

    #[test]
    fn red_is_for_what_needs_a_person() {
        for s in RestoreStatus::ALL {
            assert_eq!(status_class(*s) == "bad", s.needs_action(), "{s:?}");
        }
        assert_eq!(status_class(RestoreStatus::DueSoon), "warn");
    }
}
