//! The two EVTX decoders over every record of the shared samples: the streaming one that
//! `hunt` and JSON lines use, and the tree one over `serde_json::Value`, must make the same
//! event of each record (fields in the same order, the same time).

use std::sync::Arc;

use evtx::{EvtxParser, ParserSettings};
use mamoru_detect::event::{from_evtx_json, from_evtx_json_bytes, from_json_line};

use crate::fuzzing::walk;
use crate::support::shared;

#[test]
fn every_shared_evtx_record_decodes_alike_on_both_paths() {
    let Some(dir) = shared("evtx") else { return };
    let mut files = Vec::new();
    walk(&dir, "evtx", &mut files);
    files.sort();
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
