//! Feeds arbitrary bytes to the register reader: it must answer, never panic.
//!
//! Run with `cargo +nightly fuzz run read_register` from `crates/mamoru-inventory/`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = mamoru_inventory::read_register(data, "fuzz.csv", &Default::default()) {
        for e in &parsed.errors {
            let _ = e.to_string();
        }
    }
});
