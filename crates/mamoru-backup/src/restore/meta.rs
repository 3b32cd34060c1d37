//! Owners, modes and times, set once every file's content is in (a write would move the time,
//! and a read-only mode would stop the write), children before their folders (creating a child
//! moves its folder's time).

use std::os::unix::fs::PermissionsExt;
use std::time::SystemTime;

use filetime::FileTime;

use super::plan::Entry;

// Go's `os.FileMode` bits, which the restic format stores, and their POSIX counterparts.
const GO_SETUID: u32 = 1 << 23;
const GO_SETGID: u32 = 1 << 22;
const GO_STICKY: u32 = 1 << 20;

/// Applies each entry's metadata, last entry first; failures go to `problems`.
pub(super) fn apply(entries: &[Entry], problems: &mut Vec<String>) {
    for e in entries.iter().rev() {
        // As restic: the owner only where the process may set it (as root); elsewhere the
        // restoring user owns the files, which is no error.
        if e.meta.uid.is_some() || e.meta.gid.is_some() {
            let _ = std::os::unix::fs::lchown(&e.path, e.meta.uid, e.meta.gid);
        }
        if !e.symlink
            && let Some(go) = e.meta.mode
            && let Err(err) = std::fs::set_permissions(&e.path, std::fs::Permissions::from_mode(posix_mode(go)))
        {
            problems.push(format!("{}: cannot set the mode: {err}", e.path.display()));
        }
        if let Some(mtime) = e.meta.mtime {
            let atime = e.meta.atime.unwrap_or(mtime);
            let (a, m) = (FileTime::from(SystemTime::from(atime)), FileTime::from(SystemTime::from(mtime)));
            if let Err(err) = filetime::set_symlink_file_times(&e.path, a, m) {
                problems.push(format!("{}: cannot set the times: {err}", e.path.display()));
            }
        }
    }
}

/// The permission bits of a Go file mode, with set-user-id, set-group-id and sticky.
fn posix_mode(go: u32) -> u32 {
    let mut mode = go & 0o777;
    for (bit, posix) in [(GO_SETUID, 0o4000), (GO_SETGID, 0o2000), (GO_STICKY, 0o1000)] {
        if go & bit != 0 {
            mode |= posix;
        }
    }
    mode
}

#[cfg(test)]
mod tests {
    use super::posix_mode;

    #[test]
    fn go_modes_map_to_posix_bits() {
        assert_eq!(posix_mode(0o644), 0o644);
        assert_eq!(posix_mode((1 << 31) | 0o755), 0o755);
        assert_eq!(posix_mode((1 << 23) | (1 << 20) | 0o700), 0o5700);
    }
}
