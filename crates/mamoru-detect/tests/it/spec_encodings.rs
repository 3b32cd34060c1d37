//! The value modifiers that change what is searched for (encodings, dashes, regular
//! expressions, networks, placeholders, field references), written from
//! sigma-appendix-modifiers.md (`modifiers`) and sigma-rules-specification.md (`rules`).

use mamoru_detect::LoadOptions;
use serde_json::json;

use crate::spec_support::{base64, check, load_with, rule, utf16be, utf16le};

// modifiers, "base64": "The value is encoded with Base64." 'whoami' is six bytes, so its
// encoding has no padding and can be found inside a longer encoded text.
#[test]
fn base64_searches_the_encoded_value() {
    assert_eq!(base64(b"whoami"), "d2hvYW1p");
    check(
        "
        exact:
            Payload|base64: 'cmd'
        inside:
            CommandLine|base64|contains: 'whoami'
        condition: exact or inside
        ",
        &[
            (json!({"Payload": "Y21k"}), true),
            (json!({"Payload": "cmd"}), false),
            (json!({"CommandLine": format!("powershell -enc {}", base64(b"whoami /all"))}), true),
            (json!({"CommandLine": "powershell whoami"}), false),
        ],
    );
}

// modifiers, "base64offset": "If a value might appear somewhere in a base64-encoded string
// the representation might change depending on the position of the value ... There are
// three variants for shifts by zero to two bytes".
// rsigma-eval 0.23.0 alone fails this (src/rules/normalize.rs rewrites the rule): keeps the last encoded character: it depends on the
// bytes after the value, so a value followed by more text is missed at most shifts.
#[test]
fn base64offset_finds_the_value_at_every_shift() {
    let encoded = |prefix: &str| json!({"CommandLine": base64(format!("{prefix}http://evil.example/x").as_bytes())});
    check(
        "
        selection:
            CommandLine|base64offset|contains: 'http://'
        condition: selection
        ",
        &[
            (encoded(""), true),
            (encoded("a"), true),
            (encoded("ab"), true),
            (encoded("abc"), true),
            (json!({"CommandLine": base64(b"htXp://evil.example/x")}), false),
            (json!({"CommandLine": base64(b"ftp://evil.example/x")}), false),
        ],
    );
}

// modifiers, "utf16le": "Transforms value to UTF16-LE encoding, e.g. `cmd` > `63 00 6d 00 64
// 00`"; "wide: an alias for the `utf16le` modifier"; combined with base64offset as SigmaHQ
// rules do for PowerShell's -EncodedCommand.
// rsigma-eval 0.23.0 alone fails this, as base64offset above (src/rules/normalize.rs).
#[test]
fn utf16le_and_wide_with_base64offset() {
    for modifier in ["utf16le", "wide"] {
        let detection = format!(
            "selection:\n    CommandLine|{modifier}|base64offset|contains: 'Invoke-Mimikatz'\ncondition: selection\n"
        );
        let encoded = |text: &str| json!({"CommandLine": format!("powershell -e {}", base64(&utf16le(text)))});
        check(
            &detection,
            &[
                // Prefixes of 0, 1 and 2 UTF-16 characters shift the value by 0, 2 and 1
                // bytes; text follows it each time.
                (encoded("Invoke-Mimikatz -DumpCreds"), true),
                (encoded("xInvoke-Mimikatz -DumpCreds"), true),
                (encoded("xyInvoke-Mimikatz -DumpCreds"), true),
                (encoded("Invoke-Mimidogz"), false),
                // The same text encoded as UTF-8 is not the UTF-16 form.
                (json!({"CommandLine": base64(b"Invoke-Mimikatz")}), false),
            ],
        );
    }
}

// modifiers, "utf16be": "Transforms value to UTF16-BE encoding, e.g. `cmd` > `00 63 00 6d 00 64`".
#[test]
fn utf16be_with_base64offset() {
    let encoded = |bytes: Vec<u8>| json!({"Data": base64(&bytes)});
    check(
        "
        selection:
            Data|utf16be|base64offset|contains: 'cmd'
        condition: selection
        ",
        &[
            (encoded(utf16be("cmd /c x")), true),
            (encoded(utf16be("acmd /c x")), true),
            (encoded(utf16be("abcmd /c x")), true),
            (encoded(utf16le("cmd /c x")), false),
        ],
    );
}

// modifiers, "utf16": "Prepends a byte order mark and encodes UTF16, e.g. `cmd` > `FF FE 63
// 00 6d 00 64 00`".
#[test]
fn utf16_prepends_a_byte_order_mark() {
    let with_bom = |text: &str| {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(utf16le(text));
        json!({"Data": base64(&bytes)})
    };
    check(
        "
        selection:
            Data|utf16|base64offset|contains: 'cmd'
        condition: selection
        ",
        &[(with_bom("cmd /c x"), true), (json!({"Data": base64(&utf16le("cmd /c x"))}), false)],
    );
}

// modifiers, "windash": "Creates all possible permutations of the `-`, `/`, `–` (en dash),
// `—` (em dash), and `―` (horizontal bar) characters".
#[test]
fn windash_accepts_every_dash_for_a_dash() {
    check(
        "
        selection:
            CommandLine|windash|contains: ' -exec bypass'
        condition: selection
        ",
        &[
            (json!({"CommandLine": "powershell -exec bypass"}), true),
            (json!({"CommandLine": "powershell /exec bypass"}), true),
            (json!({"CommandLine": "powershell \u{2013}exec bypass"}), true),
            (json!({"CommandLine": "powershell \u{2014}exec bypass"}), true),
            (json!({"CommandLine": "powershell \u{2015}exec bypass"}), true),
            (json!({"CommandLine": "powershell +exec bypass"}), false),
            (json!({"CommandLine": "powershell exec bypass"}), false),
        ],
    );
}

// modifiers, "windash": "converts the aforementioned characters interchangeably": a rule
// written with `/` also matches `-` and the other dashes.
// rsigma-eval 0.23.0 alone fails this (src/rules/normalize.rs rewrites the rule): replaces `-` only.
#[test]
fn windash_accepts_every_dash_for_a_slash() {
    check(
        "
        selection:
            CommandLine|windash|contains: ' /c '
        condition: selection
        ",
        &[
            (json!({"CommandLine": "cmd /c whoami"}), true),
            (json!({"CommandLine": "cmd -c whoami"}), true),
            (json!({"CommandLine": "cmd \u{2013}c whoami"}), true),
            (json!({"CommandLine": "cmd +c whoami"}), false),
        ],
    );
}

// modifiers, "re": "Regex is matched case-sensitive by default"; sub-modifier "`i`:
// (insensitive) to enable case-insensitive matching"; flavour PCRE with character classes,
// alternation and quantifiers.
#[test]
fn re_is_case_sensitive_unless_i() {
    check(
        "
        selection:
            CommandLine|re: 'who[a-z]mi( /all|/priv)?$'
        condition: selection
        ",
        &[
            (json!({"CommandLine": "cmd /c whoami /all"}), true),
            (json!({"CommandLine": "whoxmi"}), true),
            (json!({"CommandLine": "WHOAMI"}), false),
            (json!({"CommandLine": "who1mi"}), false),
        ],
    );
    check(
        "
        selection:
            CommandLine|re|i: 'who[a-z]mi'
        condition: selection
        ",
        &[(json!({"CommandLine": "WHOAMI"}), true), (json!({"CommandLine": "who1mi"}), false)],
    );
}

// modifiers, "re": a pattern that does not parse is its rule's load error, with the file,
// line and reason, although patterns are compiled only when first matched (a wildcard value
// becomes a pattern the same way); the other rules load and match.
#[test]
fn a_regex_that_does_not_parse_fails_its_rule_at_load_and_the_others_match() {
    let loaded = load_with(
        &[
            ("good.yml", &rule("sel:\n    CommandLine|re|i: '^cmd\\s+/c'\ncondition: sel\n")),
            ("wildcard.yml", &rule("sel:\n    Image: 'C:\\Windows\\System32\\rundll?2.exe'\ncondition: sel\n")),
            ("bad.yml", &rule("sel:\n    CommandLine|re: 'cmd(/c'\ncondition: sel\n")),
        ],
        &LoadOptions::default(),
    );
    assert_eq!(loaded.failed_files(), ["bad.yml"], "{:#?}", loaded.report.failed);
    let failure = &loaded.report.failed[0];
    assert!(
        failure.line >= 1 && failure.reason.contains("regex") && failure.reason.contains("unclosed"),
        "{failure:?}"
    );
    assert!(loaded.fires(&json!({"CommandLine": "CMD  /c whoami"})));
    assert!(loaded.fires(&json!({"Image": "C:\\Windows\\System32\\RUNDLL32.EXE"})));
    assert!(!loaded.fires(&json!({"CommandLine": "powershell", "Image": "C:\\Windows\\System32\\rundll32.exe.bak"})));
}

// modifiers, "re" sub-modifier "`m`: (multi line) to match across multiple lines. `^` /`$`
// match the start/end of line".
#[test]
fn re_m_anchors_at_every_line() {
    let text = json!({"Script": "line1\nIEX stuff\nline3"});
    check(
        "sel:\n    Script|re|m: '^IEX.*$'\ncondition: sel\n",
        &[(text.clone(), true), (json!({"Script": "a IEX"}), false)],
    );
    check("sel:\n    Script|re: '^IEX.*$'\ncondition: sel\n", &[(text, false), (json!({"Script": "IEX x"}), true)]);
}

// modifiers, "re" sub-modifier "`s`: (single line) to enable that dot (`.`) matches all
// characters, including the newline character".
#[test]
fn re_s_lets_the_dot_match_a_newline() {
    let text = json!({"Script": "Invoke-\nExpression"});
    check("sel:\n    Script|re|s: 'Invoke-.Expression'\ncondition: sel\n", &[(text.clone(), true)]);
    check("sel:\n    Script|re: 'Invoke-.Expression'\ncondition: sel\n", &[(text, false)]);
}

// modifiers, "cidr": "The value is handled as a CIDR network range specification by
// backends. Supports both IPv4 and IPv6 notations. Example: `DestinationIp|cidr: 10.0.0.0/8`".
#[test]
fn cidr_matches_v4_and_v6_ranges() {
    check(
        "
        selection:
            DestinationIp|cidr:
                - '10.0.0.0/8'
                - '192.168.0.0/16'
                - '2001:db8::/32'
        condition: selection
        ",
        &[
            (json!({"DestinationIp": "10.1.2.3"}), true),
            (json!({"DestinationIp": "192.168.255.1"}), true),
            (json!({"DestinationIp": "11.0.0.1"}), false),
            (json!({"DestinationIp": "192.169.0.1"}), false),
            (json!({"DestinationIp": "2001:db8:1::5"}), true),
            (json!({"DestinationIp": "2001:0DB8:0000::1"}), true),
            (json!({"DestinationIp": "2001:db9::1"}), false),
            (json!({"DestinationIp": "not an address"}), false),
        ],
    );
}

// rules, "Placeholders": "`field: %name%` handles `%name%` as literal value".
#[test]
fn percent_signs_without_expand_are_literal() {
    check(
        "
        selection:
            User: '%Administrators%'
        condition: selection
        ",
        &[(json!({"User": "%Administrators%"}), true), (json!({"User": "Administrator"}), false)],
    );
}

// rules, "Placeholders": "Placeholders must be handled appropriately by a tool that uses
// Sigma rules. If the tool isn't able to handle placeholders, it must reject the rule."
// Mamoru has no placeholder values to fill in, so an `expand` rule is refused by name, and
// the other rules still load.
// rsigma-eval 0.23.0 alone fails this (src/rules/normalize.rs rewrites the rule): loads the rule and fills `%name%` from the event's
// field of that name.
#[test]
fn expand_rules_are_rejected_without_placeholder_values() {
    let loaded = load_with(
        &[
            ("expand.yml", &rule("sel:\n    User|expand: '%Administrators%'\ncondition: sel\n")),
            ("plain.yml", &rule("sel:\n    User: 'bob'\ncondition: sel\n")),
        ],
        &LoadOptions::default(),
    );
    assert_eq!(loaded.failed_files(), ["expand.yml"], "{:#?}", loaded.report.failed);
    assert_eq!(loaded.report.loaded, 1);
    assert!(!loaded.fires(&json!({"User": "%Administrators%"})));
    assert!(!loaded.fires(&json!({"User": ""})));
    assert!(loaded.fires(&json!({"User": "bob"})));
}

// modifiers, "fieldref": "Modifies a plain string into a field reference. A field reference
// can be used to compare fields of matched events directly at query/matching time."
#[test]
fn fieldref_compares_two_fields_of_the_event() {
    check(
        "
        selection:
            TargetUserName|fieldref: SubjectUserName
        condition: selection
        ",
        &[
            (json!({"TargetUserName": "bob", "SubjectUserName": "bob"}), true),
            (json!({"TargetUserName": "bob", "SubjectUserName": "alice"}), false),
            (json!({"TargetUserName": "bob"}), false),
        ],
    );
}

// modifiers, "fieldref": "Can be conbine[d] with the `neq` modifier."
#[test]
fn fieldref_with_neq_wants_different_fields() {
    check(
        "
        selection:
            TargetUserName|fieldref|neq: SubjectUserName
        condition: selection
        ",
        &[
            (json!({"TargetUserName": "bob", "SubjectUserName": "alice"}), true),
            (json!({"TargetUserName": "bob", "SubjectUserName": "bob"}), false),
        ],
    );
}
