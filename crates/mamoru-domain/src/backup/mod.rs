//! Backups of the systems a facility needs to keep treating patients: what each system is,
//! when it is backed up, how many generations are kept, which offline copy exists, and
//! whether a restore has been shown to work recently enough.
//!
//! MHLW's guideline (6.0) and the on-site checklist ask that the data and systems needed to
//! continue care are backed up with generations and an offline copy — on removable media, on a
//! segmented network, or on storage that cannot be rewritten — and that restoring them is
//! practised. The ransomware cases showed why the last part matters most: backups existed but
//! had never been restored. So a job's health here is the age of its last *verified restore*,
//! not of its last backup.
//!
//! Times are parameters; schedules are read in Japan time (a fixed +09:00: Japan has had no
//! daylight saving since 1951).

mod job;
mod retention;
mod schedule;
mod status;

use crate::choice::choice_enum;

pub use job::{JobInput, JobSpec, RESTORE_MAX_AGE_DEFAULT};
pub use retention::Retention;
pub use schedule::Schedule;
pub use status::{RestorePolicy, RestoreStatus, restore_status};

choice_enum! {
    /// The kind of system a backup job protects.
    pub enum SystemKind {
        /// Electronic medical records.
        Emr => ("emr", "電子カルテ", "Electronic medical records", ["EMR", "電子カルテシステム", "カルテ"]),
        /// Picture archiving (PACS) and other imaging.
        Pacs => ("pacs", "PACS・画像", "PACS / imaging", ["PACS", "画像", "画像システム", "画像サーバ"]),
        /// A departmental system (laboratory, pharmacy, radiology, dialysis...).
        Departmental => ("departmental", "部門システム", "Departmental system", ["部門"]),
        /// A file server.
        FileServer => ("file_server", "ファイルサーバ", "File server", ["ファイルサーバー", "file-server", "NAS"]),
        /// Medical accounting and claims (レセプト).
        Accounting => ("accounting", "会計・レセプト", "Accounting / claims", ["会計", "レセプト", "医事会計", "レセコン"]),
        /// Anything else.
        Other => ("other", "その他", "Other"),
    }
}

choice_enum! {
    /// What makes a copy "offline" in MHLW's sense. The codes and Japanese labels are the
    /// backup engine's (`mamoru_backup::OfflineKind`), so a record written by either reads in
    /// the other and the copy record and the annual report use the same words.
    pub enum OfflineKind {
        /// A disk or tape taken out after the copy and kept apart.
        Removable => ("removable", "取り外し可能な媒体", "Removable media", ["外付けディスク", "外付けHDD", "テープ", "RDX"]),
        /// A backup network segmented from the systems it protects.
        Network => ("network", "分離されたバックアップ用ネットワーク", "Segmented backup network", ["分離されたネットワーク", "分離ネットワーク", "segmented"]),
        /// Write-once media or a WORM storage appliance.
        Worm => ("worm", "追記不能な媒体（WORM）", "Write-once media (WORM)", ["WORM", "追記不能", "追記不能な媒体"]),
        /// S3-compatible storage with Object Lock (a form of 追記不能).
        ObjectLock => ("object-lock", "追記不能なストレージ（S3 Object Lock）", "S3 Object Lock", ["objectlock", "object lock", "s3 object lock"]),
    }
}

choice_enum! {
    /// What a recorded result is the result of.
    pub enum ResultKind {
        /// A backup of the sources into the job's repository.
        Backup => ("backup", "バックアップ", "Backup"),
        /// A copy of the latest snapshot into the offline repository.
        Copy => ("copy", "オフラインコピー", "Offline copy"),
        /// A structural and data check of the repository.
        Verify => ("verify", "検証", "Verify"),
        /// A restore of the latest snapshot into a scratch folder, every file compared.
        RestoreTest => ("restore_test", "復元テスト", "Restore test", ["restore-test"]),
        /// Old generations removed by the retention policy.
        Forget => ("forget", "世代整理", "Retention"),
    }
}

choice_enum! {
    /// What started a run.
    pub enum RunCause {
        /// The scheduler (`mamoru serve`, or `mamoru backup job run-due` from a timer).
        Schedule => ("schedule", "定期実行", "Scheduled"),
        /// A person, from the web page or the command line.
        Manual => ("manual", "手動", "Manual"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offline_kinds_use_the_engine_codes() {
        let codes: Vec<_> = OfflineKind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(codes, ["removable", "network", "worm", "object-lock"]);
        assert_eq!(OfflineKind::parse("WORM"), Ok(OfflineKind::Worm));
        assert_eq!(OfflineKind::parse("分離されたネットワーク"), Ok(OfflineKind::Network));
        assert_eq!(SystemKind::parse("レセプト"), Ok(SystemKind::Accounting));
        assert_eq!(SystemKind::parse("ＰＡＣＳ"), Ok(SystemKind::Pacs));
        assert_eq!(ResultKind::from_code("restore_test"), Some(ResultKind::RestoreTest));
    }
}
