//! Whatever is uploaded, the reader answers and never panics.
//!
//! A small deterministic generator (xorshift) stands in for a fuzzer in the normal test run;
//! `fuzz/` has the cargo-fuzz target for longer runs.

use mamoru_inventory::{Headers, ReadOptions, read_register, write_xlsx};

use crate::support::data;

/// xorshift64*: deterministic, so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a [u8]]) -> &'a [u8] {
        items[self.below(items.len())]
    }
}

/// Pieces that steer random input into the reader's interesting paths.
const PIECES: &[&[u8]] = &[
    b",",
    b"\t",
    b"\"",
    b"\"\"",
    b"\r\n",
    b"\n",
    b"\r",
    b"'=",
    b" ",
    b"\0",
    "施設".as_bytes(),
    "名称".as_bytes(),
    "種別".as_bytes(),
    "IPアドレス".as_bytes(),
    "サポート終了日".as_bytes(),
    b"name",
    b"category",
    b"facility",
    b"VPN",
    "医療機器".as_bytes(),
    "はい".as_bytes(),
    b"10.0.0.1",
    b"2025-02-30",
    "令和7年3月31日".as_bytes(),
    b"cpe:2.3:o:fortinet:fortios:6.0.4",
    b"cpe:/a:%zz",
    b"\x96\xbc\x8f\xcc",
    b"\x82",
    b"\xff",
    b"\xe7\xab",
    "ＩＰ（v4）".as_bytes(),
    b"(",
    b")",
];

const PREFIXES: &[&[u8]] =
    &[b"", b"", b"\xEF\xBB\xBF", b"\xFF\xFE", b"PK\x03\x04", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"];

fn try_read(bytes: &[u8]) {
    for options in [ReadOptions::default(), ReadOptions { default_facility: Some("本院") }] {
        match read_register(bytes, "fuzz.csv", &options) {
            Ok(parsed) => {
                let _ = parsed.errors.iter().map(ToString::to_string).count();
                assert!(parsed.entries.len() + parsed.errors.len() >= parsed.entries.len());
                assert!(parsed.entries.windows(2).all(|w| w[0].line < w[1].line));
                assert!(parsed.errors.iter().all(|e| e.line >= 1));
                assert!(parsed.entries.len() <= parsed.rows);
            }
            Err(e) => assert!(e.to_string().starts_with("fuzz.csv: "), "{e}"),
        }
    }
}

#[test]
fn random_bytes() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3_000 {
        let mut bytes = rng.pick(PREFIXES).to_vec();
        let len = rng.below(200);
        for _ in 0..len {
            if rng.below(3) == 0 {
                bytes.push(rng.next() as u8);
            } else {
                bytes.extend_from_slice(rng.pick(PIECES));
            }
        }
        try_read(&bytes);
    }
}

#[test]
fn random_utf16() {
    let mut rng = Rng(42);
    for _ in 0..500 {
        let mut bytes = b"\xFF\xFE".to_vec();
        let text: String = (0..rng.below(100))
            .map(|_| ['名', '称', '種', '別', '\t', '\n', '"', 'a', '\u{D7FF}'][rng.below(9)])
            .collect();
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        if rng.below(4) == 0 {
            // An unpaired surrogate or an odd byte.
            bytes.extend_from_slice(if rng.below(2) == 0 { b"\x00\xD8" } else { b"x" });
        }
        try_read(&bytes);
    }
}

#[test]
fn truncated_and_damaged_files() {
    let files =
        ["minato_ja_utf8bom.csv", "minato_ja_sjis.csv", "minato_ja_utf16.txt", "register_en.csv", "bad_rows.csv"];
    let mut rng = Rng(7);
    for file in files {
        let bytes = data(file);
        for end in 0..bytes.len() {
            try_read(&bytes[..end]);
        }
        for _ in 0..300 {
            let mut damaged = bytes.clone();
            for _ in 0..=rng.below(4) {
                let at = rng.below(damaged.len());
                damaged[at] = rng.next() as u8;
            }
            try_read(&damaged);
        }
    }
}

#[test]
fn truncated_and_damaged_workbooks() {
    let parsed = read_register(&data("minato_ja_utf8bom.csv"), "x.csv", &ReadOptions::default()).unwrap();
    let rows: Vec<_> = parsed
        .entries
        .into_iter()
        .map(|l| mamoru_inventory::ExportRow {
            facility: l.entry.facility,
            asset: l.entry.asset,
            maintenance_vendor: l.entry.maintenance_vendor,
            remote_vendor: l.entry.remote_vendor,
        })
        .collect();
    let bytes = write_xlsx(&rows, Headers::Japanese).unwrap();
    let step = (bytes.len() / 400).max(1);
    for end in (0..bytes.len()).step_by(step) {
        try_read(&bytes[..end]);
    }
    let mut rng = Rng(11);
    for _ in 0..300 {
        let mut damaged = bytes.clone();
        for _ in 0..=rng.below(3) {
            let at = rng.below(damaged.len());
            damaged[at] = rng.next() as u8;
        }
        try_read(&damaged);
    }
}
