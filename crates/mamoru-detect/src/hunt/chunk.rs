//! One chunk of an EVTX file, read and scanned by the core it was given to.
//!
//! The chunk is rendered as `evtx_dump` renders it: the `evtx` crate's chunk renderer reads
//! each record straight from the chunk's bytes into one buffer for the whole chunk, through
//! its compiled templates. Iterating `EvtxRecord`s and rendering each on its own cost 1.4 µs
//! a record on a Security log against 1.1 µs (`examples/scan_phases.rs`), and building the
//! record structures the renderer then did not use was most of the difference.
//!
//! That renderer is reached through `EvtxParser::chunks_json_bytes`, which the crate marks as
//! meant for its own command line (`#[doc(hidden)]`); the workspace pins `evtx` to one version,
//! and `every_shared_evtx_record_decodes_alike_on_both_paths` and the hunt tests over
//! `../shared/data/evtx` would catch a change in what it gives. Each chunk goes to a parser of
//! its own, over the file's header and that one chunk, so that one large file still spreads
//! over every core.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;

use evtx::err::{ChunkError, EvtxError};
use evtx::{EvtxChunkHeader, EvtxParser, ParserSettings, RenderedChunkItem};

use super::{Partial, Warning, scan_event};
use crate::RuleSet;
use crate::event::from_evtx_json_bytes;

const CHUNK_MAGIC: &[u8] = b"ElfChnk\0";
/// EVTX chunks are 64 KiB, after a file header of 4 KiB (as the `evtx` crate reads them).
pub(super) const CHUNK_SIZE: u64 = 65_536;
pub(super) const FILE_HEADER_SIZE: u64 = 4_096;

/// An EVTX file's header, as the parser of each of its chunks is given it.
pub(super) fn file_header(path: &Path) -> std::io::Result<Arc<[u8]>> {
    let mut header = Vec::with_capacity(FILE_HEADER_SIZE as usize);
    File::open(path)?.take(FILE_HEADER_SIZE).read_to_end(&mut header)?;
    Ok(header.into())
}

/// Scans the chunk at `index` (from 0) of the EVTX file at `path`; returns its size.
pub(super) fn scan_chunk(
    file: &Arc<str>,
    path: &Path,
    header: &[u8],
    index: u64,
    rules: &RuleSet,
    settings: &ParserSettings,
    out: &mut Partial,
) -> u64 {
    // Numbered from 0, as the `evtx` crate's own messages number them.
    let chunk_warning =
        |reason: String| Warning { file: file.to_string(), place: Some(format!("chunk {index}")), reason };
    let data = match read_chunk(path, header, index) {
        Ok(Some(data)) => data,
        // Dirty files can have empty chunks between full ones.
        Ok(None) => return CHUNK_SIZE,
        Err(reason) => {
            out.warnings.push(chunk_warning(reason));
            return CHUNK_SIZE;
        }
    };
    let mut parser = match EvtxParser::from_buffer(data) {
        Ok(parser) => parser.with_configuration(settings.clone()),
        Err(e) => {
            out.warnings.push(chunk_warning(e.to_string()));
            return CHUNK_SIZE;
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
                RenderedChunkItem::Failed(EvtxError::FailedToParseChunk { source, .. }) => {
                    out.warnings.push(chunk_warning(source.to_string()))
                }
                RenderedChunkItem::Failed(e) => {
                    let e = in_the_file(e, index);
                    out.warnings.push(chunk_warning(format!("a record could not be read: {e}")))
                }
            }
        }
    }
    CHUNK_SIZE
}

/// The chunk's parser sees a file of one chunk; where a record's place is given, it is put
/// back in the real file's numbering.
fn in_the_file(e: &EvtxError, index: u64) -> String {
    match e {
        EvtxError::FailedToReadRecordAt { chunk: Some(_), offset, .. } => {
            let in_file = FILE_HEADER_SIZE + index * CHUNK_SIZE + offset;
            format!("Failed to read the record at offset {offset:#x} of chunk {index} (file offset {in_file:#x})")
        }
        e => e.to_string(),
    }
}

/// The file's header and the chunk at `index` after it, as one buffer; `None` for a chunk of
/// zeros. The chunk's header is checked (its magic), as the `evtx` crate's own reader checks
/// it, and its checksums are not, as with the parser's default settings.
fn read_chunk(path: &Path, header: &[u8], index: u64) -> Result<Option<Vec<u8>>, String> {
    let mut data = Vec::with_capacity(header.len() + CHUNK_SIZE as usize);
    data.extend_from_slice(header);
    data.resize(header.len() + CHUNK_SIZE as usize, 0);
    File::open(path)
        .and_then(|mut f| {
            f.seek(SeekFrom::Start(FILE_HEADER_SIZE + index * CHUNK_SIZE))?;
            f.read_exact(&mut data[header.len()..])
        })
        .map_err(|e| format!("the chunk could not be read: {e}"))?;
    let chunk = &data[header.len()..];
    // A chunk that starts with its magic is not empty; only the others are scanned for zeros.
    if !chunk.starts_with(CHUNK_MAGIC) && chunk.iter().all(|b| *b == 0) {
        return Ok(None);
    }
    EvtxChunkHeader::from_bytes(chunk).map_err(|e| ChunkError::from(e).to_string())?;
    Ok(Some(data))
}
