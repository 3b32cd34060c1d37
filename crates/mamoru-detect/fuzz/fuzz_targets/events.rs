//! Feeds arbitrary bytes to event decoding: a JSON line, a syslog line, an EVTX file walked
//! chunk by chunk as `hunt` walks it, and `hunt` itself over the bytes as a file.
//!
//! Run with `cargo +nightly fuzz run events` from `crates/mamoru-detect/`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| mamoru_detect_fuzz::events(data));
