//! Feeds arbitrary text to the condition parser, as the condition of a rule with the usual
//! selection names (`selection*`, `filter*`, `keywords`, `_hidden`), and runs what loads.
//!
//! Run with `cargo +nightly fuzz run condition` from `crates/mamoru-detect/`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| mamoru_detect_fuzz::condition(data));
