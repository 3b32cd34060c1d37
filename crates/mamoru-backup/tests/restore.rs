//! Mamoru's own restore loop on real files: contents, modes, times, symbolic and hard links
//! come back as restic brings them back, and a damaged pack is an error naming the pack and
//! its file while every other file is still restored.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

use mamoru_backup::{BackupRepo, BackupRequest, Error, Password};

const PASSWORD: &str = "復元の合言葉";

fn noise(seed: u64, n: usize) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// A tree with what a file server holds: nested folders, many small files sharing chunks,
/// large ones spanning packs, an empty file, modes, links.
fn source(dir: &Path) -> PathBuf {
    let src = dir.join("共有");
    std::fs::create_dir_all(src.join("画像/2026年")).unwrap();
    std::fs::create_dir_all(src.join("空のフォルダ")).unwrap();
    for i in 0..30u64 {
        std::fs::write(src.join(format!("画像/2026年/{i:02}.bin")), noise(i + 1, 300_000 + i as usize * 7)).unwrap();
    }
    // The same content twice: one blob, written into two files.
    std::fs::write(src.join("画像/copy-a.bin"), noise(99, 3 << 20)).unwrap();
    std::fs::write(src.join("画像/copy-b.bin"), noise(99, 3 << 20)).unwrap();
    std::fs::write(src.join("big.bin"), noise(5, 40 << 20)).unwrap();
    std::fs::write(src.join("記録.txt"), "外来 内科 受付\n".repeat(20_000)).unwrap();
    std::fs::write(src.join("空.txt"), b"").unwrap();
    std::fs::set_permissions(src.join("記録.txt"), std::fs::Permissions::from_mode(0o640)).unwrap();
    std::fs::set_permissions(src.join("画像/copy-b.bin"), std::fs::Permissions::from_mode(0o400)).unwrap();
    std::os::unix::fs::symlink("記録.txt", src.join("リンク")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/どこにもない", src.join("dangling")).unwrap();
    std::fs::hard_link(src.join("記録.txt"), src.join("記録-hard.txt")).unwrap();
    let old = filetime_of(2001, &src);
    for p in ["記録.txt", "big.bin", "空.txt", "画像/2026年"] {
        set_mtime(&src.join(p), old);
    }
    src
}

fn filetime_of(year: i64, _: &Path) -> i64 {
    (year - 1970) * 365 * 86_400
}

fn set_mtime(p: &Path, secs: i64) {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs as u64);
    std::fs::File::open(p).unwrap().set_times(std::fs::FileTimes::new().set_modified(t).set_accessed(t)).unwrap();
}

/// Every entry below `a` is below `b` too, the same: type, content, mode, mtime, link target.
fn assert_same_tree(a: &Path, b: &Path) {
    let mut stack = vec![PathBuf::new()];
    let mut seen = 0;
    while let Some(rel) = stack.pop() {
        for e in std::fs::read_dir(a.join(&rel)).unwrap() {
            let rel = rel.join(e.unwrap().file_name());
            let (pa, pb) = (a.join(&rel), b.join(&rel));
            let (ma, mb) = (std::fs::symlink_metadata(&pa).unwrap(), std::fs::symlink_metadata(&pb).unwrap());
            seen += 1;
            assert_eq!(ma.file_type(), mb.file_type(), "{rel:?}");
            if ma.file_type().is_symlink() {
                assert_eq!(std::fs::read_link(&pa).unwrap(), std::fs::read_link(&pb).unwrap(), "{rel:?}");
                continue;
            }
            assert_eq!(ma.mode(), mb.mode(), "mode of {rel:?}");
            assert_eq!(ma.mtime(), mb.mtime(), "mtime of {rel:?}");
            if ma.is_dir() {
                stack.push(rel);
            } else {
                assert_eq!(ma.len(), mb.len(), "{rel:?}");
                assert!(std::fs::read(&pa).unwrap() == std::fs::read(&pb).unwrap(), "{rel:?} differs");
                assert_eq!(ma.nlink(), mb.nlink(), "links of {rel:?}");
            }
        }
    }
    assert!(seen > 30, "only {seen} entries compared");
}

fn restic(args: &[&str]) {
    let out =
        Command::new("restic").args(args).arg("--no-cache").env("RESTIC_PASSWORD", PASSWORD).output().unwrap_or_else(
            |e| panic!("cannot run `restic` ({e}): install Debian's restic (scripts/lib/deps.sh does)"),
        );
    assert!(out.status.success(), "restic {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn restore_brings_back_contents_modes_times_and_links_like_restic() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    let r = BackupRepo::new(&repo, Password::new(PASSWORD));
    r.init().unwrap();
    let src = source(dir.path());
    r.backup(&BackupRequest { paths: vec![src.clone()], ..Default::default() }).unwrap();

    let ours = dir.path().join("ours");
    let out = r.restore("latest", &ours).unwrap();
    assert_eq!(out.files, 36);
    let inside = src.strip_prefix("/").unwrap();
    assert_same_tree(&src, &ours.join(inside));
    // Restoring again over the first restore replaces everything in place.
    r.restore("latest", &ours).unwrap();
    assert_same_tree(&src, &ours.join(inside));

    // The restore test uses the same loop and reports its verification time apart.
    let test = r.restore_test(Some(dir.path())).unwrap();
    assert!(test.ok && test.files == 36, "{test:?}");
    assert!(test.check_seconds > 0.0 && test.check_seconds < test.seconds, "{test:?}");

    let by_restic = dir.path().join("restic");
    restic(&["-r", repo.to_str().unwrap(), "restore", "latest", "--target", by_restic.to_str().unwrap()]);
    assert_same_tree(&by_restic.join(inside), &ours.join(inside));
}

#[test]
fn a_damaged_pack_is_an_error_naming_it_and_its_file_and_the_rest_is_restored() {
    let dir = tempfile::tempdir().unwrap();
    let r = BackupRepo::new(dir.path().join("repo"), Password::new(PASSWORD));
    r.init().unwrap();
    let src = source(dir.path());
    r.backup(&BackupRequest { paths: vec![src.clone()], ..Default::default() }).unwrap();
    // The biggest pack: chunks of the random files.
    let mut packs: Vec<_> = std::fs::read_dir(r.path().join("data"))
        .unwrap()
        .flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap())
        .map(|f| f.unwrap().path())
        .collect();
    packs.sort_by_key(|p| p.metadata().unwrap().len());
    let pack = packs.last().unwrap();
    let mut bytes = std::fs::read(pack).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x10;
    std::fs::write(pack, bytes).unwrap();

    let target = dir.path().join("target");
    let e = r.restore("latest", &target).unwrap_err();
    let Error::Repository { message, .. } = &e else { panic!("{e:?}") };
    let id = pack.file_name().unwrap().to_str().unwrap();
    assert!(message.contains(&format!("pack {id}")), "{message}");
    let (_, named) = message.split_once("files not restored: ").unwrap_or_else(|| panic!("{message}"));
    let named: Vec<&str> = named.split(", ").collect();
    // One flipped byte spoils one chunk: its file (or the files sharing it) is named, and every
    // other file comes back whole. The two names of the hard-linked file share its fate.
    let back = target.join(src.strip_prefix("/").unwrap());
    let mut whole = 0;
    for rel in ["記録.txt", "記録-hard.txt", "big.bin", "画像/copy-a.bin", "画像/copy-b.bin"]
        .into_iter()
        .map(String::from)
        .chain((0..30).map(|i| format!("画像/2026年/{i:02}.bin")))
    {
        let same = std::fs::read(src.join(&rel)).unwrap() == std::fs::read(back.join(&rel)).unwrap();
        let linked = if rel.starts_with("記録") { vec!["記録.txt", "記録-hard.txt"] } else { vec![rel.as_str()] };
        let spoiled = named.iter().any(|n| linked.iter().any(|l| n.ends_with(&format!("共有/{l}"))));
        assert!(same != spoiled, "{rel}: same {same}, named {spoiled}: {message}");
        whole += usize::from(same);
    }
    assert!(!named.is_empty() && whole >= 35 - 2 * named.len(), "{message}");
}
