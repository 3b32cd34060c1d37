//! The two EVTX decoders over every record of the shared samples: the streaming one that
//! `hunt` and JSON lines use, and the tree one over `serde_json::Value`, must make the same
//! event of each record (fields in the same order, the same time).

use std::sync::Arc;

use evtx::{EvtxParser, ParserSettings};
use mamoru_detect::event::{from_evtx_json, from_evtx_json_bytes, from_json_line};

use crate::fuzzing::walk;
use crate::support::shared;

/// The shared EVTX samples, in name order.
fn sample_files() -> Option<Vec<std::path::PathBuf>> {
    let dir = shared("evtx")?;
    let mut files = Vec::new();
    walk(&dir, "evtx", &mut files);
    files.sort();
    Some(files)
}

#[test]
fn every_shared_evtx_record_decodes_alike_on_both_paths() {
    let Some(files) = sample_files() else { return };
    let settings = Arc::new(ParserSettings::default().num_threads(1));
    let mut records = 0;
    for file in &files {
        let Ok(parser) = EvtxParser::from_path(file) else { continue };
        for chunk in parser.into_chunks() {
            let Ok(mut chunk) = chunk else { continue };
            let Ok(mut chunk) = chunk.parse(settings.clone()) else { continue };
            for record in chunk.iter() {
                let Ok(bytes) = record.and_then(|r| r.into_json_bytes()) else { continue };
                let streamed = from_evtx_json_bytes(&bytes.data).unwrap();
                let tree = from_evtx_json(serde_json::from_slice(&bytes.data).unwrap()).unwrap();
                let place = format!("{} record {}", file.display(), bytes.event_record_id);
                assert_eq!(streamed.fields, tree.fields, "{place}");
                assert_eq!(streamed.timestamp, tree.timestamp, "{place}");
                // An `evtx_dump -o jsonl` line of the record reads the same again.
                let line = String::from_utf8(bytes.data).unwrap();
                assert_eq!(from_json_line(&line).unwrap().fields, tree.fields, "{place}");
                records += 1;
            }
        }
    }
    assert!(records > 20_000, "{records} records");
}

/// `hunt` renders a chunk at a time with the `evtx` crate's chunk renderer (the one
/// `evtx_dump` uses); every record of the shared samples comes out of it as the record
/// renderer above gives it, byte for byte, so the decoders' agreement holds for both.
#[test]
fn the_chunk_renderer_gives_each_record_the_record_renderers_bytes() {
    let Some(files) = sample_files() else { return };
    let settings = ParserSettings::default().num_threads(1);
    let mut compared = 0;
    for file in &files {
        let Ok(parser) = EvtxParser::from_path(file) else { continue };
        let mut by_record: Vec<(u64, Vec<u8>)> = Vec::new();
        for chunk in parser.with_configuration(settings.clone()).into_chunks() {
            let Ok(mut chunk) = chunk else { continue };
            let Ok(mut chunk) = chunk.parse(Arc::new(settings.clone())) else { continue };
            for record in chunk.iter() {
                if let Ok(bytes) = record.and_then(|r| r.into_json_bytes()) {
                    by_record.push((bytes.event_record_id, bytes.data));
                }
            }
        }
        let mut parser = EvtxParser::from_path(file).unwrap().with_configuration(settings.clone());
        let mut rendered: Vec<(u64, Vec<u8>)> = Vec::new();
        for chunk in parser.chunks_json_bytes(false) {
            rendered.extend(chunk.records().map(|(id, json)| (id, json.to_vec())));
        }
        by_record.sort();
        rendered.sort();
        assert_eq!(rendered.len(), by_record.len(), "{}", file.display());
        for (a, b) in rendered.iter().zip(&by_record) {
            assert!(a == b, "{} record {}", file.display(), a.0);
        }
        compared += rendered.len();
    }
    assert!(compared > 20_000, "{compared} records");
}
