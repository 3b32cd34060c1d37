//! Shared helpers: fixture files, and a one-line description of an entry for data-driven checks.

use std::path::Path;

use mamoru_inventory::{Line, Parsed, ReadOptions, read_register};

/// The bytes of a file in `tests/data/`.
pub(crate) fn data(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Reads a fixture with default options; it must be readable.
pub(crate) fn read(name: &str) -> Parsed {
    read_with(name, &ReadOptions::default())
}

/// Reads a fixture; it must be readable.
pub(crate) fn read_with(name: &str, options: &ReadOptions<'_>) -> Parsed {
    read_register(&data(name), name, options).unwrap_or_else(|e| panic!("{e}"))
}

/// An entry on one line: where, what, and the values that matter for security.
pub(crate) fn describe(l: &Line) -> String {
    let e = &l.entry;
    let a = &e.asset;
    let text = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let date = |d: Option<jiff::civil::Date>| d.map_or("-".into(), |d| d.to_string());
    let flag = |b: bool| if b { "y" } else { "n" };
    format!(
        "{} {}/{} {} ver={} ip={} net={} remote={}:{} noscan={} eos={} upd={}",
        l.line,
        e.facility,
        a.name,
        a.category.code(),
        text(&a.version),
        a.ip.map_or("-".into(), |ip| ip.to_string()),
        flag(a.internet_facing),
        flag(a.remote_maintenance),
        text(&e.remote_vendor),
        flag(a.no_active_scan),
        date(a.support_end),
        date(a.last_updated),
    )
}

/// Reads `file` and checks that it is valid and holds exactly the `expected` entries.
pub(crate) fn check(file: &str, expected: &[&str]) -> Parsed {
    let parsed = read(file);
    let errors: Vec<String> = parsed.errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors, Vec::<String>::new(), "{file}");
    let got: Vec<String> = parsed.entries.iter().map(describe).collect();
    assert_eq!(got, expected, "{file}");
    assert_eq!(parsed.rows, expected.len(), "{file}");
    parsed
}
