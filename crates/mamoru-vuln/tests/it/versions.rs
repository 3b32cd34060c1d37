//! Version ordering over real vendor schemes.

use std::cmp::Ordering::{self, Equal, Greater, Less};

use mamoru_vuln::version::{MAX_LEN, Version, VersionError, compare};

#[track_caller]
fn check(a: &str, b: &str, expected: Ordering) {
    assert_eq!(compare(a, b), expected, "{a} vs {b}");
    assert_eq!(compare(b, a), expected.reverse(), "{b} vs {a}");
}

#[track_caller]
fn ascending(list: &[&str]) {
    for (i, a) in list.iter().enumerate() {
        for b in &list[i + 1..] {
            check(a, b, Less);
        }
    }
}

#[test]
fn fortios_releases_and_builds() {
    ascending(&["5.6.7", "6.0", "6.0.4", "6.0.4 build0231", "6.0.4 build0232", "6.0.5", "6.0.9", "6.0.10", "6.2.0"]);
    check("6.0.4 build0231", "6.0.4-build0231", Equal);
    check("6.0.4,build0231", "v6.0.4 build231", Equal);
    check("FortiOS 6.0.4", "6.0.4", Less); // a product name is not a version: the word sorts first
}

#[test]
fn cisco_asa_trains() {
    ascending(&["9.8", "9.8(4)", "9.8(4)17", "9.8(4)20", "9.8(5)", "9.9(2)74", "9.10(1)42", "9.12"]);
    // NVD writes ASA versions with dots.
    check("9.8(4)20", "9.8.4.20", Equal);
    check("9.8(4)17", "9.8.4.20", Less);
}

#[test]
fn ivanti_releases() {
    ascending(&["9.1R1", "9.1R9.2", "9.1R15", "22.7", "22.7R1", "22.7R2", "22.7R2.3", "22.7R2.4", "22.7R3"]);
    check("22.7R2.3", "22.7r2.3", Equal);
    check("22.7R2.3 build 1644", "22.7R2.3", Greater);
}

#[test]
fn pan_os_hotfixes() {
    ascending(&["10.2.9", "10.2.9-h1", "10.2.9-h2", "10.2.9-h10", "10.2.10", "10.2.10-h1", "11.0.0"]);
    check("10.2.9-h1", "10.2.9 h1", Equal);
}

#[test]
fn windows_builds() {
    ascending(&["10.0.14393.4470", "10.0.19044.1415", "10.0.19045.2251", "10.0.19045.3803", "10.0.19045.4046"]);
}

#[test]
fn numbers_case_separators_and_width() {
    check("6.0.10", "6.0.9", Greater);
    check("6.0", "6.0.1", Less);
    check("6.0", "6.0.0", Equal);
    check("6.0.04", "6.0.4", Equal);
    check("5.36 PATCH1", "5.36_patch1", Equal);
    check("６．０．４", "6.0.4", Equal);
    check("Ver.6.0.4", "6.0.4", Equal);
    check("123456789012345678901234567890", "123456789012345678901234567891", Less);
    check("99999999999999999999.1", "100000000000000000000", Less);
}

#[test]
fn pre_releases_before_and_patches_after() {
    ascending(&["1.0dev", "1.0alpha", "1.0alpha2", "1.0beta1", "1.0pre1", "1.0rc1", "1.0rc2", "1.0", "1.0p1", "1.0.1"]);
    ascending(&["4.0", "4.0a", "4.0e", "4.1"]); // Siemens-style letter releases
    ascending(&["5.36", "5.36 patch1", "5.36 patch2", "5.37"]);
    check("4.35(ABPS.3)C0", "4.35\\(abps.3\\)c0", Equal);
}

#[test]
fn absurd_input_is_refused_but_still_ordered() {
    assert_eq!(Version::parse(""), Err(VersionError::Empty));
    assert_eq!(Version::parse("   "), Err(VersionError::Empty));
    assert_eq!(Version::parse("不明"), Err(VersionError::NoDigits));
    assert_eq!(Version::parse("latest"), Err(VersionError::NoDigits));
    assert_eq!(Version::parse("6.0\n4"), Err(VersionError::Control));
    let long = "1.".repeat(MAX_LEN);
    assert!(matches!(Version::parse(&long), Err(VersionError::TooLong { .. })));
    assert!(Version::parse(&"9".repeat(MAX_LEN)).is_ok());
    // Not versions sort first, so an unknown version is never "newer" than a fix.
    check("不明", "0.1", Less);
    check("abc", "abd", Less);
}

#[test]
fn parsed_versions_sort_and_keep_their_text() {
    let mut v: Vec<Version> =
        ["6.0.10", "6.0.4 build0231", "6.0.9", "6.0.4"].iter().map(|s| s.parse().unwrap()).collect();
    v.sort();
    let text: Vec<&str> = v.iter().map(Version::as_str).collect();
    assert_eq!(text, ["6.0.4", "6.0.4 build0231", "6.0.9", "6.0.10"]);
    assert_eq!(v[0].to_string(), "6.0.4");
}

#[test]
fn compare_is_a_total_order_on_a_mixed_sample() {
    let sample = [
        "",
        "不明",
        "1",
        "1.0",
        "1.0.0",
        "1.0rc1",
        "1.0-h1",
        "1.0.1",
        "1.0 build2",
        "1.0-2",
        "1.0.a",
        "1.0a",
        "R81",
        "v1",
        "9.8(4)17",
        "9.8.4.17",
        "22.7R2",
        "22.7r2.0",
        "10.2.9-h1",
        "10.2.10",
        "x",
        "1..",
        "-1",
        "0",
        "00",
    ];
    for a in sample {
        for b in sample {
            assert_eq!(compare(a, b), compare(b, a).reverse(), "{a:?} {b:?}");
            for c in sample {
                if compare(a, b) != Greater && compare(b, c) != Greater {
                    assert_ne!(compare(a, c), Greater, "{a:?} <= {b:?} <= {c:?}");
                }
            }
        }
    }
}
