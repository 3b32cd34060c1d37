//! The watched folder: appended lines once, rotated files again, EVTX files once settled.

use std::io::Write;

use mamoru_detect::event::SyslogOptions;
use mamoru_receive::folder::Watcher;

fn options() -> SyslogOptions {
    SyslogOptions { year: 2025, time_zone: jiff::tz::TimeZone::get("Asia/Tokyo").unwrap(), not_after: None }
}

fn count(batches: &[mamoru_receive::Received]) -> usize {
    batches.iter().map(|b| b.events.len()).sum()
}

#[test]
fn appended_lines_are_read_once_and_a_rotated_file_again() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("fw.log");
    std::fs::write(&log, "Jun 14 15:16:01 fw app: one\nJun 14 15:16:02 fw app: two\nJun 14 15:16:03 fw app: half")
        .unwrap();
    let mut w = Watcher::new(dir.path().to_path_buf(), options(), None);
    let (batches, problems) = w.poll();
    assert!(problems.is_empty());
    assert_eq!(count(&batches), 2, "the unfinished line waits");
    assert_eq!(count(&w.poll().0), 0, "nothing new");

    let mut f = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    f.write_all(b" done\n{\"@timestamp\":\"2025-01-01T00:00:00Z\",\"msg\":\"json\"}\n").unwrap();
    drop(f);
    let (batches, _) = w.poll();
    let events: Vec<_> = batches.iter().flat_map(|b| &b.events).collect();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].fields.to_json()["message"], "half done");
    assert_eq!(events[1].fields.to_json()["msg"], "json");

    std::fs::write(&log, "Jun 14 15:17:00 fw app: after rotation\n").unwrap();
    assert_eq!(count(&w.poll().0), 1);
}

#[test]
fn state_file_prevents_reading_twice_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    std::fs::write(logs.join("a.log"), "Jun 14 15:16:01 fw app: one\n").unwrap();
    let state = dir.path().join("watch.state");
    assert_eq!(count(&Watcher::new(logs.clone(), options(), Some(state.clone())).poll().0), 1);
    assert_eq!(count(&Watcher::new(logs, options(), Some(state)).poll().0), 0);
}

#[test]
fn evtx_files_are_read_when_settled_and_damaged_ones_are_named() {
    let Some(samples) = shared("evtx/DeepBlueCLI/evtx") else { return };
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(samples.join("new-user-security.evtx"), dir.path().join("a.evtx")).unwrap();
    std::fs::write(dir.path().join("b.evtx"), b"ElfFile\0 but nothing after").unwrap();
    let mut w = Watcher::new(dir.path().to_path_buf(), options(), None);
    assert_eq!(count(&w.poll().0), 0, "first sight: the copy may still be running");
    let (batches, problems) = w.poll();
    assert!(count(&batches) > 0);
    assert!(batches.iter().all(|b| b.origin.ends_with("a.evtx")));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].file.ends_with("b.evtx"));
    assert_eq!(count(&w.poll().0), 0, "read once");
}

fn shared(rel: &str) -> Option<std::path::PathBuf> {
    let p = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipped: {} is missing", p.display());
        None
    }
}
