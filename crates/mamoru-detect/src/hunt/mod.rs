//! Scanning files and folders: EVTX files chunk by chunk, JSON lines and syslog text in
//! blocks of lines, all on the rayon pool, so one large file uses every core as well as
//! many small ones do. A damaged file or record becomes a warning and the scan goes on.

mod chunk;

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use evtx::{EvtxFileHeader, EvtxParser, ParserSettings};
use rayon::prelude::*;
use serde::Serialize;

use crate::detector::{Detection, Pending};
use crate::event::{SyslogOptions, from_json_line, from_syslog_line};
use crate::{LogEvent, RuleSet};

use self::chunk::{CHUNK_SIZE, CHUNKS_PER_UNIT, Scan, file_header};

const EVTX_MAGIC: &[u8] = b"ElfFile\0";
/// Lines per unit of work for text logs.
const LINES_PER_BLOCK: usize = 4096;

/// A problem with the input that did not stop the scan.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Warning {
    pub file: String,
    /// "chunk 3", "record 1234" or "line 17".
    pub place: Option<String>,
    pub reason: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.place {
            Some(place) => write!(f, "{}: {place}: {}", self.file, self.reason),
            None => write!(f, "{}: {}", self.file, self.reason),
        }
    }
}

#[derive(Debug, Clone)]
pub struct HuntOptions {
    pub syslog: SyslogOptions,
}

#[derive(Debug, Default)]
pub struct HuntResult {
    /// In time order (events without a time last).
    pub detections: Vec<Detection>,
    pub warnings: Vec<Warning>,
    pub files: usize,
    pub events: u64,
    pub bytes: u64,
}

/// The files a scan of `paths` reads: files as given, folders walked for `.evtx`, `.json`,
/// `.jsonl`, `.ndjson`, `.log` and `.txt`; sorted.
pub fn input_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Warning>) {
    let (mut files, unreadable) = crate::files::collect(paths, |p| {
        matches!(
            p.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref(),
            Some("evtx" | "json" | "jsonl" | "ndjson" | "log" | "txt")
        )
    });
    files.dedup();
    let warnings = unreadable
        .into_iter()
        .map(|u| Warning { file: u.path.display().to_string(), place: None, reason: u.reason })
        .collect();
    (files, warnings)
}

/// One piece of work for a core.
enum Unit {
    /// `count` chunks from the one at `first` (from 0) of an EVTX file, read by the core that
    /// scans them.
    Chunks {
        file: Arc<str>,
        path: Arc<Path>,
        /// The file's header, which the chunks' parser is given with them.
        header: Arc<[u8]>,
        first: u64,
        count: u64,
    },
    Lines {
        file: Arc<str>,
        first_line: usize,
        lines: Vec<String>,
        json: bool,
    },
    Failed(Warning),
}

/// What one unit gives back.
#[derive(Default)]
struct Partial {
    detections: Vec<Detection>,
    pending: Vec<Pending>,
    warnings: Vec<Warning>,
    events: u64,
}

/// How far a [`Partial`] had got, to take back what came after.
#[derive(Clone, Copy)]
struct Mark {
    detections: usize,
    pending: usize,
    events: u64,
}

impl Partial {
    fn mark(&self) -> Mark {
        Mark { detections: self.detections.len(), pending: self.pending.len(), events: self.events }
    }

    /// Takes back the events scanned since `mark` (warnings are not given while scanning).
    fn roll_back(&mut self, mark: Mark) {
        self.detections.truncate(mark.detections);
        self.pending.truncate(mark.pending);
        self.events = mark.events;
    }

    fn absorb(&mut self, other: Partial) {
        self.detections.extend(other.detections);
        self.pending.extend(other.pending);
        self.warnings.extend(other.warnings);
        self.events += other.events;
    }
}

/// Scans `files` with `rules`. `progress` is called with the number of bytes finished,
/// from any thread.
pub fn hunt(files: &[PathBuf], rules: &RuleSet, options: &HuntOptions, progress: &(dyn Fn(u64) + Sync)) -> HuntResult {
    let bytes = AtomicU64::new(0);
    // Each chunk is parsed and rendered on the core scanning it, not on threads of the parser.
    let settings = ParserSettings::default().num_threads(1);
    let units = files.iter().flat_map(|f| units_of(f)).enumerate();
    let mut partials: Vec<(usize, Partial)> = units
        .par_bridge()
        .map(|(n, unit)| {
            let (partial, size) = run(unit, rules, options, &settings);
            bytes.fetch_add(size, Ordering::Relaxed);
            progress(size);
            (n, partial)
        })
        .collect();
    // Back in the order of the input, whatever order the cores finished in: the sorts below
    // are stable, so events that tie (copies of one log in two files, correlated hits in
    // the same second) keep the order they were written in, the same on every run.
    partials.sort_unstable_by_key(|(n, _)| *n);
    let mut all = Partial::default();
    for (_, p) in partials {
        all.absorb(p);
    }
    let mut result = HuntResult {
        detections: all.detections,
        warnings: all.warnings,
        files: files.len(),
        events: all.events,
        bytes: bytes.into_inner(),
    };
    result.detections.extend(rules.correlate_all(all.pending));
    sort_timeline(&mut result.detections);
    sort_warnings(&mut result.warnings);
    result
}

/// Units finish in any order; warnings are listed by file, then by place in it.
fn sort_warnings(warnings: &mut [Warning]) {
    warnings.sort_by(|a, b| (&a.file, place_order(&a.place)).cmp(&(&b.file, place_order(&b.place))));
}

/// "chunk 12" after "chunk 9": the word, then the number; a file's own warnings first.
fn place_order(place: &Option<String>) -> Option<(&str, u64, &str)> {
    let place = place.as_deref()?;
    let (word, number) = place.rsplit_once(' ').unwrap_or((place, ""));
    Some((word, number.parse().unwrap_or(u64::MAX), place))
}

/// Time order; events without a time last; ties by computer, rule and record, then in the
/// order they come in (the sort is stable).
pub fn sort_timeline(detections: &mut [Detection]) {
    detections.sort_by(|a, b| {
        (a.timestamp.is_none(), a.timestamp, &a.computer, a.rule, a.record_id).cmp(&(
            b.timestamp.is_none(),
            b.timestamp,
            &b.computer,
            b.rule,
            b.record_id,
        ))
    });
}

fn units_of(path: &Path) -> Box<dyn Iterator<Item = Unit> + Send> {
    let file: Arc<str> = path.display().to_string().into();
    let failed = |reason: String| -> Box<dyn Iterator<Item = Unit> + Send> {
        Box::new(std::iter::once(Unit::Failed(Warning { file: file.to_string(), place: None, reason })))
    };
    let mut head = [0u8; 8];
    let n = match File::open(path).and_then(|mut f| f.read(&mut head)) {
        Ok(n) => n,
        Err(e) => return failed(e.to_string()),
    };
    if n == 0 {
        return failed("the file is empty".into());
    }
    if head[..n] == EVTX_MAGIC[..n.min(8)] && n == 8 {
        return match EvtxParser::from_path(path).and_then(|p| Ok((p, file_header(path)?))) {
            Ok((parser, file_header)) => {
                // The chunks the parser would read: every whole 64 KiB after the header, in
                // runs each read by the core that scans it (reading them one after another on
                // one thread held the other cores back on a large file).
                let len = std::fs::metadata(path).map_or(0, |m| m.len());
                let header = parser.header();
                let chunks = len.saturating_sub(u64::from(header.header_block_size)) / CHUNK_SIZE;
                let cut = cut_short(header, len)
                    .map(|reason| Unit::Failed(Warning { file: file.to_string(), place: None, reason }));
                let path: Arc<Path> = path.into();
                Box::new(
                    (0..chunks)
                        .step_by(CHUNKS_PER_UNIT as usize)
                        .map(move |first| Unit::Chunks {
                            file: file.clone(),
                            path: path.clone(),
                            header: file_header.clone(),
                            first,
                            count: CHUNKS_PER_UNIT.min(chunks - first),
                        })
                        .chain(cut),
                )
            }
            Err(e) => failed(format!("not a readable EVTX file: {e}")),
        };
    }
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("evtx")) {
        return failed("not an EVTX file (the header signature is missing)".into());
    }
    let json = head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    match File::open(path) {
        Ok(f) => Box::new(line_blocks(file, BufReader::new(f), json)),
        Err(e) => failed(e.to_string()),
    }
}

/// The parser stops without a word at a chunk the file cuts short (a copy that did not
/// finish, a header with nothing after it); the records lost there must be reported.
fn cut_short(header: &EvtxFileHeader, len: u64) -> Option<String> {
    let body = len.saturating_sub(u64::from(header.header_block_size));
    let (whole, rest) = (body / CHUNK_SIZE, body % CHUNK_SIZE);
    (rest > 0 || whole < u64::from(header.chunk_count)).then(|| {
        let rest = if rest > 0 { format!(" and {rest} bytes of another") } else { String::new() };
        format!(
            "the file is cut short: chunk count {} in its header, {whole} whole chunks in the file{rest}",
            header.chunk_count
        )
    })
}

fn line_blocks(file: Arc<str>, reader: BufReader<File>, json: bool) -> impl Iterator<Item = Unit> + Send {
    let mut lines = reader.split(b'\n').enumerate().peekable();
    std::iter::from_fn(move || {
        let first_line = lines.peek()?.0 + 1;
        let mut block = Vec::with_capacity(LINES_PER_BLOCK);
        for (_, line) in lines.by_ref().take(LINES_PER_BLOCK) {
            match line {
                // Text logs are not always UTF-8 (Shift_JIS devices); keep what can be read.
                Ok(bytes) => block.push(String::from_utf8_lossy(&bytes).into_owned()),
                Err(e) => {
                    return Some(Unit::Failed(Warning {
                        file: file.to_string(),
                        place: Some(format!("line {}", first_line + block.len())),
                        reason: e.to_string(),
                    }));
                }
            }
        }
        Some(Unit::Lines { file: file.clone(), first_line, lines: block, json })
    })
}

fn run(unit: Unit, rules: &RuleSet, options: &HuntOptions, settings: &ParserSettings) -> (Partial, u64) {
    let mut out = Partial::default();
    match unit {
        Unit::Failed(w) => {
            out.warnings.push(w);
            (out, 0)
        }
        Unit::Chunks { file, path, header, first, count } => {
            let scan = Scan { file: &file, path: &path, header: &header, rules, settings };
            let size = scan.chunks(first, count, &mut out);
            (out, size)
        }
        Unit::Lines { file, first_line, lines, json } => {
            let mut size = 0;
            for (i, line) in lines.iter().enumerate() {
                size += line.len() as u64 + 1;
                if line.trim().is_empty() {
                    continue;
                }
                if json {
                    match from_json_line(line) {
                        Ok(event) => scan_event(&event, &file, rules, &mut out),
                        Err(e) => out.warnings.push(Warning {
                            file: file.to_string(),
                            place: Some(format!("line {}", first_line + i)),
                            reason: e.to_string(),
                        }),
                    }
                } else {
                    scan_event(&from_syslog_line(line, &options.syslog), &file, rules, &mut out);
                }
            }
            (out, size)
        }
    }
}

fn scan_event(event: &LogEvent, file: &Arc<str>, rules: &RuleSet, out: &mut Partial) {
    out.events += 1;
    let (detections, pending) = rules.detect(event);
    out.detections.extend(detections.into_iter().map(|mut d| {
        d.origin = Some(file.clone());
        d
    }));
    out.pending.extend(pending.map(|mut p| {
        p.origin = Some(file.clone());
        p
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_of_a_file_are_listed_by_place_whatever_order_the_cores_finished_in() {
        let w = |file: &str, place: Option<&str>| Warning {
            file: file.into(),
            place: place.map(Into::into),
            reason: "r".into(),
        };
        let mut warnings = vec![
            w("b.evtx", Some("chunk 12")),
            w("a.evtx", Some("chunk 10")),
            w("b.evtx", Some("chunk 9")),
            w("b.evtx", None),
            w("a.evtx", Some("chunk 2")),
            w("b.evtx", Some("record 7")),
        ];
        sort_warnings(&mut warnings);
        let order: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            order,
            [
                "a.evtx: chunk 2: r",
                "a.evtx: chunk 10: r",
                "b.evtx: r",
                "b.evtx: chunk 9: r",
                "b.evtx: chunk 12: r",
                "b.evtx: record 7: r"
            ]
        );
    }
}
