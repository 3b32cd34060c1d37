//! Feeds arbitrary bytes to the feed reader (every format, detection included): it must
//! answer with a feed or an error naming the file, never panic.
//!
//! Run with `cargo +nightly fuzz run read_feed` from `crates/mamoru-vuln/`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match mamoru_vuln::feed::read(data, "fuzz.json") {
        Ok(feed) => {
            let _ = feed.records();
        }
        Err(e) => assert!(e.to_string().starts_with("fuzz.json: ")),
    }
});
