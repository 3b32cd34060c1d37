//! Feeds arbitrary bytes to the rule loader as a rule file: every document loads or is
//! reported with the file, never a panic; what loads is run on a few events.
//!
//! Run with `cargo +nightly fuzz run rules` from `crates/mamoru-detect/`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| mamoru_detect_fuzz::rules(data));
