//! The watched folder: polled every few seconds. Text logs (syslog lines or JSON lines) are
//! followed like `tail -F`: only what was appended since the last poll is read, and a file
//! that shrank (rotated or truncated) is read again from the start. An EVTX file is read
//! whole once its size has stopped changing, and again only if it changes.
//!
//! What has been read is kept in a small state file (one line per file: size, modification
//! time, offset), so a restart does not read everything twice.

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

use evtx::EvtxParser;
use mamoru_detect::LogEvent;
use mamoru_detect::event::{SyslogOptions, from_evtx_json, from_log_line};
use tokio::sync::mpsc::Sender;

use crate::{BATCH, Received};

/// Largest piece of a text log read in one poll; the rest waits for the next.
const MAX_READ: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Seen {
    size: u64,
    modified: u64,
    /// For text: bytes consumed. For EVTX: equal to `size` once read.
    offset: u64,
}

/// A problem with one file; the watcher goes on with the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    pub file: String,
    pub reason: String,
}

pub struct Watcher {
    dir: PathBuf,
    options: SyslogOptions,
    state_file: Option<PathBuf>,
    seen: HashMap<PathBuf, Seen>,
    /// EVTX sizes from the previous poll, to wait until a copy has finished.
    growing: HashMap<PathBuf, u64>,
}

impl Watcher {
    /// `state_file` keeps what was read across restarts (none: read everything present).
    pub fn new(dir: PathBuf, options: SyslogOptions, state_file: Option<PathBuf>) -> Self {
        let seen = state_file.as_deref().map(load_state).unwrap_or_default();
        Watcher { dir, options, state_file, seen, growing: HashMap::new() }
    }

    /// Polls every `interval` until the channel closes.
    pub async fn run(mut self, interval: Duration, tx: Sender<Received>) {
        loop {
            let (watcher, batches) = tokio::task::spawn_blocking(move || {
                let (batches, problems) = self.poll();
                for p in problems {
                    tracing::warn!(file = %p.file, reason = %p.reason, "watched folder: a file could not be read");
                }
                (self, batches)
            })
            .await
            .expect("the folder poll does not panic");
            self = watcher;
            for batch in batches {
                if tx.send(batch).await.is_err() {
                    return;
                }
            }
            tokio::time::sleep(interval).await;
        }
    }

    /// One round: the events that are new since the last round.
    pub fn poll(&mut self) -> (Vec<Received>, Vec<FileProblem>) {
        let mut batches = Vec::new();
        let mut problems = Vec::new();
        let mut files = Vec::new();
        list(&self.dir, &mut files);
        files.sort();
        for path in files {
            let Ok(meta) = std::fs::metadata(&path) else { continue };
            let modified =
                meta.modified().ok().and_then(|m| m.duration_since(UNIX_EPOCH).ok()).map_or(0, |d| d.as_secs());
            let size = meta.len();
            let before = self.seen.get(&path).copied().unwrap_or_default();
            if before.size == size && before.modified == modified {
                continue;
            }
            let name = path.display().to_string();
            let result = if is_evtx(&path) {
                // A file still being copied grows between polls; wait for it to settle.
                if self.growing.insert(path.clone(), size) != Some(size) {
                    continue;
                }
                self.growing.remove(&path);
                read_evtx(&path).map(|events| (events, size))
            } else {
                let start = if size < before.offset { 0 } else { before.offset };
                read_lines(&path, start, &self.options)
            };
            match result {
                Ok((events, offset)) => {
                    for chunk in events.chunks(BATCH) {
                        batches.push(Received { origin: name.clone(), sender: None, events: chunk.to_vec() });
                    }
                    self.seen.insert(path, Seen { size, modified, offset });
                }
                Err(reason) => {
                    // Not retried until the file changes again.
                    self.seen.insert(path, Seen { size, modified, offset: size });
                    problems.push(FileProblem { file: name, reason });
                }
            }
        }
        if let Some(state) = &self.state_file
            && let Err(e) = save_state(state, &self.seen)
        {
            problems.push(FileProblem {
                file: state.display().to_string(),
                reason: format!("cannot save the watch state: {e}"),
            });
        }
        (batches, problems)
    }
}

fn list(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let hidden = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            list(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn is_evtx(path: &Path) -> bool {
    let mut head = [0u8; 8];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok() && &head == b"ElfFile\0"
}

fn read_evtx(path: &Path) -> Result<Vec<LogEvent>, String> {
    let mut parser = EvtxParser::from_path(path).map_err(|e| format!("not a readable EVTX file: {e}"))?;
    let mut events = Vec::new();
    let mut bad = 0usize;
    for record in parser.records_json_value() {
        match record.ok().map(|r| from_evtx_json(r.data)) {
            Some(Ok(event)) => events.push(event),
            _ => bad += 1,
        }
    }
    if bad > 0 {
        tracing::warn!(file = %path.display(), records = bad, "watched folder: damaged EVTX records were skipped");
    }
    Ok(events)
}

/// Reads whole lines from `start`; returns the events and the offset after the last line.
fn read_lines(path: &Path, start: u64, options: &SyslogOptions) -> Result<(Vec<LogEvent>, u64), String> {
    let mut file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    file.seek(SeekFrom::Start(start)).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(MAX_READ).read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    // A line still being written waits for its newline.
    let Some(end) = bytes.iter().rposition(|b| *b == b'\n') else { return Ok((Vec::new(), start)) };
    let text = String::from_utf8_lossy(&bytes[..end]);
    let events = text.lines().filter(|l| !l.trim().is_empty()).map(|l| from_log_line(l, options)).collect();
    Ok((events, start + end as u64 + 1))
}

fn load_state(path: &Path) -> HashMap<PathBuf, Seen> {
    let Ok(text) = std::fs::read_to_string(path) else { return HashMap::new() };
    text.lines()
        .filter_map(|line| {
            let mut parts = line.splitn(4, '\t');
            let size = parts.next()?.parse().ok()?;
            let modified = parts.next()?.parse().ok()?;
            let offset = parts.next()?.parse().ok()?;
            Some((PathBuf::from(parts.next()?), Seen { size, modified, offset }))
        })
        .collect()
}

fn save_state(path: &Path, seen: &HashMap<PathBuf, Seen>) -> std::io::Result<()> {
    let mut lines: Vec<String> =
        seen.iter().map(|(p, s)| format!("{}\t{}\t{}\t{}", s.size, s.modified, s.offset, p.display())).collect();
    lines.sort();
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, lines.join("\n") + "\n")?;
    std::fs::rename(tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_survives_a_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("state.tsv");
        let mut seen = HashMap::new();
        seen.insert(PathBuf::from("/var/log/fw 1.log"), Seen { size: 10, modified: 20, offset: 9 });
        save_state(&file, &seen).unwrap();
        assert_eq!(load_state(&file), seen);
    }
}
