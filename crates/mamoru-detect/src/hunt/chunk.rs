//! A run of chunks of an EVTX file, read and scanned by the core it was given to.
//!
//! Each chunk is first read, from the file only up to its free space (`event::live_size`; the
//! chunks of small logs are mostly empty), straight from its BinXML (`event::ChunkReader`, the
//! core's own, which keeps the templates it compiled from one run to the next). A chunk it refuses (see
//! `event/binxml`) has the detections of its first records taken back, and is rendered as
//! JSON and decoded from that instead, as below; on a Security log the first way takes a
//! record from 2.7 µs to 0.9 µs (`examples/scan_phases.rs`).
//!
//! The chunks left are rendered as `evtx_dump` renders them: the `evtx` crate's chunk renderer reads
//! each record straight from the chunk's bytes into one buffer for the whole chunk, through
//! its compiled templates. Iterating `EvtxRecord`s and rendering each on its own cost 1.4 µs
//! a record on a Security log against 1.1 µs (`examples/scan_phases.rs`), and building the
//! record structures the renderer then did not use was most of the difference.
//!
//! That renderer is reached through `EvtxParser::chunks_json_bytes`, which the crate marks as
//! meant for its own command line (`#[doc(hidden)]`); the workspace pins `evtx` to one version,
//! and `the_chunk_renderer_gives_each_record_the_record_renderers_bytes` and the hunt tests
//! over `../shared/data/evtx` would catch a change in what it gives. A refused chunk goes to
//! a parser of its own over the file's header and that chunk, or, when the whole run of
//! [`CHUNKS_PER_UNIT`] chunks was refused, the run to one parser: the crate keeps its compiled
//! templates per parser, and a parser per chunk cost 0.15–0.25 µs more a record.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;

use evtx::err::EvtxError;
use evtx::{EvtxParser, ParserSettings, RenderedChunkItem};

use super::{Partial, Warning, scan_event};
use crate::RuleSet;
use crate::event::{ChunkReader, from_evtx_json_bytes, live_size};

thread_local! {
    /// Each core's reader, which keeps the templates it has compiled from one run to the next
    /// (the chunks of a log share most of theirs), and its buffer for a run: a new one for
    /// every run was fresh memory to fault in, a tenth of a scan of `big.evtx`.
    static READER: std::cell::RefCell<(ChunkReader, Vec<u8>)> = std::cell::RefCell::default();
}

/// EVTX chunks are 64 KiB, after a file header of 4 KiB (as the `evtx` crate reads them).
pub(super) const CHUNK_SIZE: u64 = 65_536;
pub(super) const FILE_HEADER_SIZE: u64 = 4_096;

/// An EVTX file's header, as the parser of each of its chunks is given it.
pub(super) fn file_header(path: &Path) -> std::io::Result<Arc<[u8]>> {
    let mut header = Vec::with_capacity(FILE_HEADER_SIZE as usize);
    File::open(path)?.take(FILE_HEADER_SIZE).read_to_end(&mut header)?;
    Ok(header.into())
}

/// Chunks a unit of work scans together: 512 KiB, read at once.
pub(super) const CHUNKS_PER_UNIT: u64 = 8;

/// An EVTX file being scanned, and what its chunks are scanned with.
pub(super) struct Scan<'a> {
    /// The file's name in warnings and detections.
    pub(super) file: &'a Arc<str>,
    pub(super) path: &'a Path,
    /// Its first [`FILE_HEADER_SIZE`] bytes.
    pub(super) header: &'a [u8],
    pub(super) rules: &'a RuleSet,
    pub(super) settings: &'a ParserSettings,
}

impl Scan<'_> {
    /// Scans `count` chunks from the one at `first` (from 0); returns their size.
    pub(super) fn chunks(&self, first: u64, count: u64, out: &mut Partial) -> u64 {
        let mut run = Partial::default();
        if self.run(first, count, &mut run) {
            out.absorb(run);
        } else {
            // A record failed and the run cannot say in which chunk (the renderer does not
            // tell its chunks apart): scanned again chunk by chunk, for the warning's place.
            // Damaged files only.
            for index in first..first + count {
                self.run(index, 1, out);
            }
        }
        count * CHUNK_SIZE
    }

    /// Scans the run into `out`; false when a warning could not be given its chunk.
    fn run(&self, first: u64, count: u64, out: &mut Partial) -> bool {
        READER.with_borrow_mut(|(reader, data)| {
            // Each chunk straight from its BinXML where it can be; the others as JSON.
            let mut left = Vec::new();
            let file = File::open(self.path);
            for index in first..first + count {
                let mark = out.mark();
                let read = file
                    .as_ref()
                    .ok()
                    .and_then(|file| read_live(file, index, data).ok())
                    .map(|()| reader.read(data, &mut |event| scan_event(event, self.file, self.rules, out)));
                if !matches!(read, Some(Ok(()))) {
                    out.roll_back(mark);
                    left.push(index);
                }
            }
            self.run_left(first, count, &left, data, out)
        })
    }

    /// Scans the chunks the BinXML reader left, read whole, as JSON.
    fn run_left(&self, first: u64, count: u64, left: &[u64], data: &mut Vec<u8>, out: &mut Partial) -> bool {
        let (first, count) = match left {
            [] => return true,
            // All of them: one parser, which compiles the templates they share once.
            _ if left.len() as u64 == count => (first, count),
            _ => return left.iter().all(|&index| self.run_left(index, 1, &[index], data, out)),
        };
        if let Err(reason) = read_chunks(self.path, self.header, first, count, data) {
            out.warnings.push(self.warning(first, reason));
            return true;
        }
        self.run_json(first, count, std::mem::take(data), out)
    }

    // Numbered from 0, as the `evtx` crate's own messages number them.
    fn warning(&self, chunk: u64, reason: String) -> Warning {
        Warning { file: self.file.to_string(), place: Some(format!("chunk {chunk}")), reason }
    }

    /// Scans the run in `data` (the file's header and the run's chunks) through the `evtx`
    /// crate's JSON rendering; false when a warning could not be given its chunk.
    fn run_json(&self, first: u64, count: u64, data: Vec<u8>, out: &mut Partial) -> bool {
        let Scan { file, rules, settings, .. } = *self;
        // The parser skips chunks of zeros (dirty files have them between full ones) and reports
        // a chunk whose header is damaged; checksums are not checked, as with its defaults.
        let mut parser = match EvtxParser::from_buffer(data) {
            Ok(parser) => parser.with_configuration(settings.clone()),
            Err(e) => {
                out.warnings.push(self.warning(first, e.to_string()));
                return true;
            }
        };
        for rendered in parser.chunks_json_bytes(false) {
            let mut start = 0;
            for item in &rendered.items {
                match item {
                    RenderedChunkItem::Record { event_record_id, end } => {
                        // Each record's JSON ends with a newline.
                        let json = &rendered.data[start..end - 1];
                        start = *end;
                        match from_evtx_json_bytes(json) {
                            Ok(event) => scan_event(&event, file, rules, out),
                            Err(e) => out.warnings.push(Warning {
                                file: file.to_string(),
                                place: Some(format!("record {event_record_id}")),
                                reason: e.to_string(),
                            }),
                        }
                    }
                    RenderedChunkItem::Failed(EvtxError::FailedToParseChunk { chunk_id, source }) => {
                        out.warnings.push(self.warning(first + chunk_id, source.to_string()))
                    }
                    RenderedChunkItem::Failed(e) => match in_the_file(e, first, count) {
                        Some((chunk, reason)) => {
                            out.warnings.push(self.warning(chunk, format!("a record could not be read: {reason}")))
                        }
                        None => return false,
                    },
                }
            }
        }
        true
    }
}

/// A failed record's chunk, and the reason with its place in the real file's numbering (the
/// parser sees a file of the run's chunks only); `None` when the error does not say which
/// chunk of a run of several.
fn in_the_file(e: &EvtxError, first: u64, count: u64) -> Option<(u64, String)> {
    match e {
        EvtxError::FailedToReadRecordAt { chunk: Some(n), offset, .. } => {
            let index = first + n;
            let in_file = FILE_HEADER_SIZE + index * CHUNK_SIZE + offset;
            Some((
                index,
                format!("Failed to read the record at offset {offset:#x} of chunk {index} (file offset {in_file:#x})"),
            ))
        }
        e => (count == 1).then(|| (first, e.to_string())),
    }
}

/// The chunk at `index`, up to its free space (`event::live_size`), into `data`; all of it when
/// its header is not a chunk's.
fn read_live(file: &File, index: u64, data: &mut Vec<u8>) -> std::io::Result<()> {
    let at = FILE_HEADER_SIZE + index * CHUNK_SIZE;
    data.resize(512, 0);
    read_at(file, at, data)?;
    let size = live_size(data).unwrap_or(CHUNK_SIZE as usize);
    // Only the live bytes are zeroed before they are read over (zeroing whole runs of a
    // sparse file cost a tenth of its scan).
    data.resize(size, 0);
    read_at(file, at + 512, &mut data[512..])
}

/// Fills `buf` from `offset` of `file`, in one call where the system has one (no seek).
#[cfg(unix)]
fn read_at(file: &File, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(not(unix))]
fn read_at(mut file: &File, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
    file.seek(SeekFrom::Start(offset))?;
    file.read_exact(buf)
}

/// The file's header and `count` chunks from the one at `first` after it, into `data`.
fn read_chunks(path: &Path, header: &[u8], first: u64, count: u64, data: &mut Vec<u8>) -> Result<(), String> {
    let size = header.len() + (count * CHUNK_SIZE) as usize;
    data.clear();
    data.reserve(size);
    data.extend_from_slice(header);
    // Read into the spare capacity: filling it with zeros first cost a tenth of a scan of a
    // sparse file (`big.evtx`), whose chunks are mostly empty space.
    File::open(path)
        .and_then(|mut f| {
            f.seek(SeekFrom::Start(FILE_HEADER_SIZE + first * CHUNK_SIZE))?;
            f.take(count * CHUNK_SIZE).read_to_end(data)
        })
        .map_err(|e| format!("the chunk could not be read: {e}"))?;
    if data.len() < size {
        // The runs cover whole chunks of the file as it was when the scan began.
        return Err("the chunk could not be read: the file got shorter during the scan".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunk_is_read_up_to_its_free_space_and_a_blank_one_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chunks.evtx");
        let mut bytes = vec![0u8; FILE_HEADER_SIZE as usize];
        let mut chunk = vec![7u8; CHUNK_SIZE as usize];
        chunk[..8].copy_from_slice(b"ElfChnk\0");
        chunk[48..52].copy_from_slice(&1000u32.to_le_bytes());
        bytes.extend(&chunk);
        bytes.extend(std::iter::repeat_n(0u8, CHUNK_SIZE as usize));
        std::fs::write(&path, &bytes).unwrap();
        let file = File::open(&path).unwrap();
        let mut data = Vec::new();

        read_live(&file, 0, &mut data).unwrap();
        assert_eq!(data, chunk[..1000]);
        read_live(&file, 1, &mut data).unwrap();
        assert_eq!(data.len(), CHUNK_SIZE as usize);
        assert!(data.iter().all(|&b| b == 0));
        assert!(read_live(&file, 2, &mut data).is_err());
    }

    #[test]
    fn a_run_is_read_after_the_header_and_a_file_that_shrank_is_named_so() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("two-chunks.evtx");
        let mut bytes = vec![b'h'; FILE_HEADER_SIZE as usize];
        bytes.extend(std::iter::repeat_n(1u8, CHUNK_SIZE as usize));
        bytes.extend(std::iter::repeat_n(2u8, CHUNK_SIZE as usize));
        std::fs::write(&path, &bytes).unwrap();
        let header = [b'H'; FILE_HEADER_SIZE as usize];

        let mut run = vec![9; 3];
        read_chunks(&path, &header, 1, 1, &mut run).unwrap();
        assert_eq!(run.len(), (FILE_HEADER_SIZE + CHUNK_SIZE) as usize);
        assert!(run[..FILE_HEADER_SIZE as usize].iter().all(|&b| b == b'H'));
        assert!(run[FILE_HEADER_SIZE as usize..].iter().all(|&b| b == 2));

        // Three chunks asked of a file that now holds two.
        assert_eq!(
            read_chunks(&path, &header, 0, 3, &mut run).unwrap_err(),
            "the chunk could not be read: the file got shorter during the scan"
        );
        let missing = dir.path().join("gone.evtx");
        assert!(
            read_chunks(&missing, &header, 0, 1, &mut run).unwrap_err().starts_with("the chunk could not be read: ")
        );
    }
}
