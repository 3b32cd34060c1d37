//! Damaged EVTX samples: each problem is a warning that names the file and the chunk (or
//! record) in the file's own numbering, however the scan split the file into runs of chunks.

use crate::support::{scan, shared, sigmahq};

fn warnings_of(sample: &str) -> Vec<String> {
    let Some(file) = shared(&format!("evtx/omerbenamram-evtx/samples/{sample}")) else { return Vec::new() };
    let Some((rules, _)) = sigmahq() else { return Vec::new() };
    let result = scan(&[file], rules);
    result.warnings.iter().map(|w| format!("{}: {}", w.place.as_deref().unwrap_or("-"), w.reason)).collect()
}

#[test]
fn damaged_chunks_and_records_are_placed_in_the_file() {
    let Some(_) = shared("evtx/omerbenamram-evtx/samples") else { return };
    assert_eq!(
        warnings_of("sample_with_a_bad_chunk_magic.evtx"),
        [
            "chunk 6: Failed to parse chunk header",
            "chunk 7: a record could not be read: Failed to read the record at offset 0x2060 of chunk 7 (file offset 0x73060)",
            "chunk 10: Failed to parse chunk header",
        ]
    );
    // A record the parser names by id only: its chunk is found by scanning the run again
    // chunk by chunk.
    assert_eq!(
        warnings_of("2-vss_0-Microsoft-Windows-TerminalServices-RemoteConnectionManager%4Operational.evtx"),
        [
            "chunk 1: a record could not be read: Failed to parse record number 463011",
            "chunk 1: a record could not be read: Failed to read the record at offset 0x8088 of chunk 1 (file offset 0x19088)",
        ]
    );
}
