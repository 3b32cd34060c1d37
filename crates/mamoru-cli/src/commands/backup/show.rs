//! The table forms of `mamoru backup` results.

use std::fmt::Write as _;

use mamoru_backup::{RestoreTestReport, SnapshotInfo, VerifyReport};

/// Bytes in binary units, one decimal.
pub(super) fn bytes(n: u64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < units.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 { format!("{n} B") } else { format!("{v:.1} {}", units[u]) }
}

pub(super) fn snapshots(snaps: &[SnapshotInfo]) -> String {
    let mut out = String::new();
    for s in snaps {
        let _ = writeln!(
            out,
            "{}  {}  {}  {} files  {}  [{}]  {}",
            &s.id[..8],
            s.time,
            s.host,
            s.files,
            bytes(s.bytes),
            s.tags.join(","),
            s.paths.join(" ")
        );
    }
    let _ = writeln!(out, "{} snapshots", snaps.len());
    out
}

pub(super) fn verify(r: &VerifyReport) -> String {
    let mut out = String::new();
    for w in &r.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    for e in &r.errors {
        let _ = writeln!(out, "error: {e}");
    }
    for d in &r.damaged {
        let _ = writeln!(out, "damaged pack {} (data/{}/{})", d.pack, &d.pack[..2], d.pack);
        if d.files.is_empty() {
            let _ = writeln!(out, "  affected files: unknown (the index or the trees are damaged too)");
        }
        for f in &d.files {
            let _ = writeln!(out, "  affected: snapshot {} file {}", f.snapshot, f.path);
        }
    }
    let what = if r.read_data { "structure and data" } else { "structure (no data read)" };
    let _ = writeln!(out, "{}: {what}", if r.ok { "OK" } else { "DAMAGED" });
    out
}

pub(super) fn restore_test(r: &RestoreTestReport) -> String {
    let mut out = String::new();
    if let Some(e) = &r.restore_error {
        let _ = writeln!(out, "restore stopped: {e}");
    }
    for f in &r.failed {
        let _ = writeln!(out, "failed: {}: {}", f.path, f.reason);
    }
    let _ = writeln!(
        out,
        "{}: snapshot {}  {}/{} files intact  {}  {:.1} s",
        if r.ok { "OK" } else { "FAILED" },
        &r.snapshot[..8],
        r.files_ok,
        r.files,
        bytes(r.bytes),
        r.seconds
    );
    out
}
