//! A new repository's key costs what restic's keys cost (scrypt N=2^15, 32 MiB), not rustic's
//! 128 MiB at every open, and restic opens it.

use std::process::Command;

use mamoru_backup::{BackupRepo, Error, Password};

/// The process's peak resident memory so far, in KiB (Linux).
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn a_new_repository_opens_within_restics_memory_and_restic_opens_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("repo");
    let r = BackupRepo::new(&path, Password::new("鍵の合言葉"));
    r.init().unwrap();
    let keys: Vec<_> = std::fs::read_dir(path.join("keys")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(keys.len(), 1, "{keys:?}");
    let key: serde_json::Value = serde_json::from_slice(&std::fs::read(&keys[0]).unwrap()).unwrap();
    assert_eq!((key["kdf"].as_str(), key["N"].as_u64(), key["r"].as_u64()), (Some("scrypt"), Some(1 << 15), Some(8)));

    let before = peak_kib();
    assert!(r.snapshots().unwrap().is_empty());
    // rustic's own keys (N=2^17) need 128 MiB here.
    let grown = peak_kib().saturating_sub(before);
    assert!(grown < 64 * 1024, "opening grew the peak by {grown} KiB");

    let wrong = BackupRepo::new(&path, Password::new("違う"));
    assert!(matches!(wrong.snapshots(), Err(Error::WrongPassword { .. })));

    let out = Command::new("restic")
        .args(["-r", path.to_str().unwrap(), "--no-cache", "key", "list"])
        .env("RESTIC_PASSWORD", "鍵の合言葉")
        .output()
        .unwrap_or_else(|e| panic!("cannot run `restic` ({e}): install Debian's restic (scripts/lib/deps.sh does)"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("mamoru"));
}

#[test]
fn a_copy_created_by_mamoru_gets_a_key_at_restics_cost_too() {
    let dir = tempfile::tempdir().unwrap();
    let src = BackupRepo::new(dir.path().join("src"), Password::new("元"));
    src.init().unwrap();
    let dest_path = dir.path().join("copy");
    let dest = BackupRepo::new(&dest_path, Password::new("写し"));
    src.copy_to(&dest, mamoru_backup::OfflineKind::Removable).unwrap();
    let keys: Vec<_> = std::fs::read_dir(dest_path.join("keys")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(keys.len(), 1, "{keys:?}");
    let key: serde_json::Value = serde_json::from_slice(&std::fs::read(&keys[0]).unwrap()).unwrap();
    assert_eq!(key["N"].as_u64(), Some(1 << 15), "{key}");
    assert!(dest.snapshots().unwrap().is_empty());
}
