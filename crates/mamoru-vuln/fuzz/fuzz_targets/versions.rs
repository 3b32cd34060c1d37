//! Feeds arbitrary strings to version parsing and ordering: parsing must never panic, and
//! `compare` must be a total order — antisymmetric, and transitive on every triple.
//!
//! Run with `cargo +nightly fuzz run versions` from `crates/mamoru-vuln/`.
#![no_main]

use std::cmp::Ordering;

use libfuzzer_sys::fuzz_target;
use mamoru_vuln::version::{Version, compare};

fuzz_target!(|data: &[u8]| {
    // Three strings separated by NUL bytes; the text need not be valid UTF-8.
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(3, '\0');
    let (a, b, c) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    for s in [a, b, c] {
        if let Ok(v) = Version::parse(s) {
            assert_eq!(v.as_str(), s.trim());
            assert_eq!(compare(s, s), Ordering::Equal);
        }
    }
    let (ab, bc, ac) = (compare(a, b), compare(b, c), compare(a, c));
    assert_eq!(ab, compare(b, a).reverse(), "{a:?} {b:?}");
    assert_eq!(bc, compare(c, b).reverse(), "{b:?} {c:?}");
    if ab != Ordering::Greater && bc != Ordering::Greater {
        assert_ne!(ac, Ordering::Greater, "{a:?} <= {b:?} <= {c:?}");
    }
    if ab == Ordering::Equal && bc == Ordering::Equal {
        assert_eq!(ac, Ordering::Equal, "{a:?} = {b:?} = {c:?}");
    }
});
