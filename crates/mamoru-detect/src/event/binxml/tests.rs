use std::collections::BTreeMap;
use std::path::PathBuf;

use evtx::{EvtxParser, ParserSettings, RenderedChunkItem};

use super::*;
use crate::event::from_evtx_json_bytes;

const FILE_HEADER_SIZE: usize = 4_096;

/// The events the JSON path gives for one chunk, or `None` when a record fails there.
fn through_json(header: &[u8], chunk: &[u8]) -> Option<Vec<LogEvent>> {
    let mut data = header.to_vec();
    data.extend_from_slice(chunk);
    let mut parser = EvtxParser::from_buffer(data).ok()?.with_configuration(ParserSettings::default().num_threads(1));
    let mut events = Vec::new();
    for rendered in parser.chunks_json_bytes(false) {
        let mut start = 0;
        for item in &rendered.items {
            let RenderedChunkItem::Record { end, .. } = item else {
                eprintln!("JSON path: {item:?}");
                return None;
            };
            match from_evtx_json_bytes(&rendered.data[start..end - 1]) {
                Ok(event) => events.push(event),
                Err(e) => {
                    eprintln!("JSON path: {e}: {}", String::from_utf8_lossy(&rendered.data[start..end - 1]));
                    return None;
                }
            }
            start = *end;
        }
    }
    Some(events)
}

/// Reads every chunk of every EVTX file under `dirs` both ways; returns how many chunks were
/// read here and, by reason, how many were left to the JSON path.
fn compare(dirs: &[PathBuf]) -> (usize, BTreeMap<&'static str, usize>) {
    let (files, _) = crate::files::collect(dirs, |p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("evtx")));
    let mut reader = ChunkReader::default();
    let (mut read, mut left) = (0, BTreeMap::new());
    for file in &files {
        // As `hunt` does, files whose header the `evtx` crate refuses are not read further.
        let bytes = std::fs::read(file).unwrap();
        if EvtxParser::from_path(file).is_err() || bytes.len() < FILE_HEADER_SIZE {
            continue;
        }
        let header = &bytes[..FILE_HEADER_SIZE];
        // Whole chunks only, as `hunt` scans them (it warns of a file cut short).
        for (n, chunk) in bytes[FILE_HEADER_SIZE..].chunks_exact(CHUNK_SIZE).enumerate() {
            let mut events = Vec::new();
            // As `hunt` reads it: up to its free space.
            let given = live_size(chunk).map_or(chunk, |n| &chunk[..n.min(chunk.len())]);
            match reader.read(given, &mut |event| events.push(event.clone())) {
                Err(Unsupported(why)) => {
                    *left.entry(why).or_default() += 1;
                }
                Ok(()) => {
                    read += 1;
                    let expected = through_json(header, chunk)
                        .unwrap_or_else(|| panic!("{} chunk {n}: read here, refused as JSON", file.display()));
                    assert_eq!(events.len(), expected.len(), "{} chunk {n}", file.display());
                    for (i, (a, b)) in events.iter().zip(&expected).enumerate() {
                        assert_eq!(
                            serde_json::to_string(&a.fields).unwrap(),
                            serde_json::to_string(&b.fields).unwrap(),
                            "{} chunk {n} record {i}",
                            file.display()
                        );
                        assert_eq!(a.timestamp, b.timestamp);
                        assert_eq!(a.format, b.format);
                    }
                }
            }
        }
    }
    (read, left)
}

#[test]
fn each_chunk_read_here_gives_the_events_the_json_path_gives() {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/evtx");
    if !shared.exists() {
        eprintln!("skipped: {} is missing", shared.display());
        return;
    }
    // More folders to hold the paths equal over, for whoever has larger logs at hand.
    let mut dirs = vec![shared];
    dirs.extend(std::env::var_os("MAMORU_EVTX_CHECK").iter().flat_map(std::env::split_paths));
    let (read, left) = compare(&dirs);
    eprintln!("{read} chunks read from BinXML; left to JSON: {left:#?}");
    // Most of the samples' chunks take the fast path: a change that refuses them all would
    // pass the comparison above while losing the speed.
    let refused: usize = left.values().sum();
    assert!(read > 2 * refused, "{read} chunks read here, {refused} refused");
}

#[test]
fn utf16_text_reads_as_the_standard_library_reads_it_wherever_its_nul_or_other_scripts_fall() {
    // The word-at-a-time paths change at multiples of eight code units and at the first
    // unit that is not ASCII or is NUL: every length up to 40 units, with a NUL, an accent, a
    // kana or half of a surrogate pair put at each place in turn.
    let odd: [&[u16]; 5] = [&[0], &[0xe9], &[0x30a2], &[0xd83d, 0xde00], &[0xd83d]];
    for len in 0..40 {
        for at in 0..=len {
            for insert in odd {
                let mut units: Vec<u16> = (0..len).map(|i| b'a' as u16 + (i % 26) as u16).collect();
                units.splice(at..at, insert.iter().copied());
                let bytes: Vec<u8> = units.iter().flat_map(|u| u.to_le_bytes()).collect();
                let cut = units.iter().position(|&u| u == 0).unwrap_or(units.len());
                let expected = String::from_utf16(&units[..cut]);

                let text = value::until_nul(&bytes);
                assert_eq!(text.len(), 2 * cut, "{units:x?}");
                let mut got = String::from("before:");
                let clean = value::push_utf16(text, &mut got);
                match expected {
                    Ok(expected) => {
                        assert!(clean, "{units:x?}");
                        assert_eq!(got, format!("before:{expected}"), "{units:x?}");
                    }
                    Err(_) => assert!(!clean, "an unpaired surrogate passed in {units:x?}"),
                }
            }
        }
    }
}
