//! The demo's backup jobs and their history, so the backup card and the annual report have
//! something true-to-life to show: the hospital's EMR verified last week, its PACS overdue,
//! its accounting system's last restore test failed, the file server never tested and its last
//! backup failed, the clinic's EMR due soon.
//!
//! The history is recorded, not run: a history of weeks cannot be made in the seconds the demo
//! takes to start. Each such result says so (a message starting `（デモ）`, `"demo": true` in
//! its details). No alert is raised: the demo's alert list is the detection engine's own.
//!
//! The jobs themselves are real: their sources are small sample folders made under the demo's
//! files folder, with their repositories, offline copies and password file beside them, so
//! "back up now" and "restore test now" in the demo run for real without reading or writing
//! the machine's own folders. The PACS job keeps an S3 address of the example domain: a run
//! fails as an unreachable repository would.

use std::path::{Path, PathBuf};

use jiff::{SignedDuration, Timestamp};
use mamoru_domain::backup::{JobInput, ResultKind, RunCause};
use mamoru_domain::{AssetId, BackupJobId, FacilityId, OrgId};
use mamoru_store::{Actor, AssetQuery, NewBackupResult};
use serde_json::json;

use crate::App;
use crate::error::{Error, Result};

/// One recorded step: kind, days ago, whether it passed, duration, files, bytes, message.
struct Step(ResultKind, f64, bool, u64, u64, u64, &'static str);

pub(super) async fn seed(app: &App, org: OrgId, hospital: FacilityId, clinic: FacilityId, files: &Path) -> Result<()> {
    let actor = Actor::system();
    let files = std::path::absolute(files).map_err(|e| Error::Files(format!("{}: {e}", files.display())))?;
    let password_file = sample_files(&files).map_err(|e| Error::Files(format!("{}: {e}", files.display())))?;
    let pass = password_file.display().to_string();
    let at = |sub: &str| files.join(sub).display().to_string();
    let assets = app.store.list_assets(org, &AssetQuery { limit: Some(1_000), ..Default::default() }).await?.0;
    let asset = |name: &str| assets.iter().find(|a| a.asset.draft.name == name).map(|a| a.asset.id);
    let now = Timestamp::now();
    let job = |facility, name: &str, kind: &str, needed: bool, asset: Option<AssetId>| JobInput {
        facility: Some(facility),
        name: name.into(),
        kind: kind.into(),
        needed_for_care: if needed { "はい" } else { "いいえ" }.into(),
        asset,
        ..Default::default()
    };
    let emr = JobInput {
        sources: format!("{}\n{}", at("sources/emr/data"), at("sources/emr/db-dump")),
        repository: at("repos/emr"),
        password_file: pass.clone(),
        offline_repository: at("offline/emr"),
        offline_kind: "removable".into(),
        schedule: "毎日 02:00".into(),
        retention: "daily=7,weekly=4,monthly=12,yearly=5".into(),
        ..job(hospital, "電子カルテ", "emr", true, asset("電子カルテサーバ"))
    };
    let pacs = JobInput {
        sources: at("sources/pacs"),
        repository: "s3:https://backup.minato.example.jp/pacs".into(),
        password_file: pass.clone(),
        offline_repository: "s3:https://worm.minato.example.jp/pacs-lock".into(),
        offline_kind: "object-lock".into(),
        schedule: "毎週日曜 01:00".into(),
        retention: "weekly=8,monthly=12,yearly=3".into(),
        ..job(hospital, "PACS・画像", "pacs", true, asset("PACSサーバ"))
    };
    let receipt = JobInput {
        sources: at("sources/iji"),
        repository: at("repos/iji"),
        password_file: pass.clone(),
        offline_repository: at("offline/iji"),
        offline_kind: "network".into(),
        schedule: "毎日 03:00".into(),
        retention: "daily=14,monthly=12".into(),
        ..job(hospital, "医事会計・レセプト", "accounting", true, None)
    };
    let share = JobInput {
        sources: at("sources/share"),
        repository: at("repos/share"),
        password_file: pass.clone(),
        schedule: "毎日 22:00".into(),
        retention: "daily=14".into(),
        ..job(hospital, "ファイルサーバ（共有フォルダ）", "file_server", false, asset("ファイルサーバ"))
    };
    let clinic_emr = JobInput {
        sources: at("sources/clinic-emr"),
        repository: at("repos/clinic-emr"),
        password_file: pass.clone(),
        offline_repository: at("offline/clinic-emr"),
        offline_kind: "removable".into(),
        schedule: "毎日 13:00".into(),
        retention: "daily=7,monthly=6".into(),
        ..job(clinic, "電子カルテ（クリニック）", "emr", true, asset("レセプトコンピュータ"))
    };

    use ResultKind::{Backup, Copy, Forget, RestoreTest};
    const GB: u64 = 1 << 30;
    let daily = |size: u64, files: u64, days: u32, copy: bool| {
        let mut steps = Vec::new();
        for d in (1..=days).rev() {
            let ago = f64::from(d) - 0.2;
            steps.push(Step(
                Backup,
                ago,
                true,
                240_000 + u64::from(d) * 3_000,
                files,
                size,
                "（デモ）バックアップ完了",
            ));
            if copy {
                steps.push(Step(Copy, ago - 0.01, true, 95_000, 0, 0, "（デモ）オフラインコピー更新"));
            }
            steps.push(Step(Forget, ago - 0.02, true, 12_000, 0, 0, "（デモ）世代整理"));
        }
        steps
    };
    let mut emr_steps = daily(48 * GB, 182_340, 10, true);
    emr_steps.push(Step(
        RestoreTest,
        36.0,
        true,
        905_000,
        181_902,
        47 * GB,
        "（デモ）復元テスト成功: 181,902 ファイルを照合",
    ));
    emr_steps.push(Step(
        RestoreTest,
        6.1,
        true,
        872_000,
        182_115,
        48 * GB,
        "（デモ）復元テスト成功: 182,115 ファイルを照合",
    ));
    let mut pacs_steps = Vec::new();
    for w in (0..6).rev() {
        let ago = f64::from(w) * 7.0 + 3.9;
        pacs_steps.push(Step(Backup, ago, true, 2_760_000, 1_204_551, 610 * GB, "（デモ）バックアップ完了"));
        pacs_steps.push(Step(
            Copy,
            ago - 0.05,
            true,
            1_980_000,
            0,
            0,
            "（デモ）オフラインコピー更新（S3 Object Lock）",
        ));
    }
    pacs_steps.push(Step(
        RestoreTest,
        41.0,
        true,
        6_720_000,
        1_150_004,
        580 * GB,
        "（デモ）復元テスト成功（1/10 抽出）",
    ));
    let mut receipt_steps = daily(9 * GB, 51_220, 7, true);
    receipt_steps.push(Step(
        RestoreTest,
        24.0,
        true,
        483_000,
        50_870,
        9 * GB,
        "（デモ）復元テスト成功: 50,870 ファイルを照合",
    ));
    receipt_steps.push(Step(
        RestoreTest,
        2.1,
        false,
        301_000,
        51_220,
        9 * GB,
        "（デモ）復元テスト失敗: 2/51,220 ファイルが不一致 (restore test failed): pack 3fa29c1e の読み取りに失敗",
    ));
    let mut share_steps = daily(120 * GB, 402_118, 3, false);
    share_steps.push(Step(
        Backup,
        0.9,
        false,
        4_000,
        0,
        0,
        "（デモ）バックアップ失敗 (backup failed): 共有フォルダ: Permission denied (os error 13)",
    ));
    let mut clinic_steps = daily(3 * GB, 20_410, 5, true);
    clinic_steps.push(Step(
        RestoreTest,
        25.0,
        true,
        220_000,
        20_102,
        3 * GB,
        "（デモ）復元テスト成功: 20,102 ファイルを照合",
    ));

    for (input, steps) in [
        (emr, emr_steps),
        (pacs, pacs_steps),
        (receipt, receipt_steps),
        (share, share_steps),
        (clinic_emr, clinic_steps),
    ] {
        let spec = input.parse().expect("the demo backup job is valid");
        let id = app.store.create_backup_job(org, &spec, &actor).await?;
        record(app, org, id, now, &steps, &actor).await?;
    }
    Ok(())
}

async fn record(app: &App, org: OrgId, job: BackupJobId, now: Timestamp, steps: &[Step], actor: &Actor) -> Result<()> {
    for Step(kind, days_ago, ok, ms, files, bytes, message) in steps {
        #[allow(clippy::cast_possible_truncation)] // a few weeks in seconds
        let started = now - SignedDuration::from_secs((days_ago * 86_400.0) as i64);
        let result = NewBackupResult {
            kind: *kind,
            cause: if *kind == ResultKind::RestoreTest { RunCause::Manual } else { RunCause::Schedule },
            started_at: started,
            finished_at: started + SignedDuration::from_millis(i64::try_from(*ms).unwrap_or(0)),
            duration_ms: *ms,
            ok: *ok,
            snapshot_id: None,
            files: (*files > 0).then_some(*files),
            bytes: (*bytes > 0).then_some(*bytes),
            message: (*message).to_owned(),
            details: json!({ "demo": true, "note": "デモ用の記録です（実際のバックアップではありません）" }),
        };
        app.store.record_backup_result(org, job, &result, actor).await?;
    }
    Ok(())
}

/// A sample file's name and content.
type SampleFile = (&'static str, &'static [u8]);

/// Makes the sample folders the demo's jobs back up (kept when they exist, so a restarted demo
/// finds its repositories and files as it left them) and the repositories' password file;
/// returns the password file.
fn sample_files(root: &Path) -> std::io::Result<PathBuf> {
    let samples: [(&str, &[SampleFile]); 6] = [
        (
            "sources/emr/data",
            &[("患者基本情報.csv", b"patient_id,name\n000001,(demo)\n"), ("診療録_2026-11.txt", b"(demo record)\n")],
        ),
        ("sources/emr/db-dump", &[("emr.sql", b"-- demo dump\n"), ("空のファイル.txt", b"")]),
        ("sources/pacs", &[("CT_000001.dcm", b"DICM(demo)")]),
        ("sources/iji", &[("レセプト_2026-10.csv", b"month,count\n2026-10,1234\n")]),
        ("sources/share", &[("業務手順書.txt", b"(demo)\n")]),
        ("sources/clinic-emr", &[("カルテ.txt", b"(demo)\n")]),
    ];
    for (dir, entries) in samples {
        let dir = root.join(dir);
        std::fs::create_dir_all(&dir)?;
        for (name, content) in entries {
            let file = dir.join(name);
            if !file.exists() {
                std::fs::write(&file, content)?;
            }
        }
    }
    let password_file = root.join("backup.pass");
    if !password_file.exists() {
        std::fs::write(&password_file, format!("{}\n", crate::auth::secret::readable_password()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&password_file, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    Ok(password_file)
}
