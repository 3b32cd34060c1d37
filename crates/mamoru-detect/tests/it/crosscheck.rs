//! Where Mamoru's detections differ from Chainsaw's and Hayabusa's on ../shared/data/evtx with
//! SigmaHQ's rules, and why. `scripts/crosscheck-detect.py` runs the three tools and lists every
//! difference by class; each class is pinned here on one or more of its events, with what
//! Mamoru finds and the reason the peer does not (or does more).
//!
//! Last run: Chainsaw 2.16.4 (SigmaHQ rules/windows through its sigma-event-logs-all mapping):
//! 711 detections in common, 461 Mamoru only, 0 Chainsaw only. Hayabusa 4.0.0 (its converted
//! core rules, compared by the SigmaHQ id they derive from, on rules both load): 953 in common,
//! 57 Mamoru only, 27 Hayabusa only.

use crate::support::{scan, shared, sigmahq};

/// The records of `file` (under ../shared/data/evtx) on which rule `id` fires, with every
/// SigmaHQ rule loaded; None, with a message, when the data is missing.
fn fired(file: &str, id: &str) -> Option<Vec<u64>> {
    let path = shared(&format!("evtx/{file}"))?;
    let (rules, _) = sigmahq()?;
    let result = scan(&[path], rules);
    let mut records: Vec<u64> = result
        .detections
        .iter()
        .filter(|d| rules.rules()[d.rule].id.as_deref() == Some(id))
        .filter_map(|d| d.record_id)
        .collect();
    records.sort_unstable();
    Some(records)
}

#[track_caller]
fn check(file: &str, id: &str, expected: &[u64]) {
    if let Some(found) = fired(file, id) {
        assert_eq!(found, expected, "rule {id} on {file}");
    }
}

const PANACHE: &str = "EVTX-ATTACK-SAMPLES/AutomatedTestingTools/PanacheSysmon_vs_AtomicRedTeam01.evtx";
const SQL_4688: &str = "EVTX-to-MITRE-Attack/TA0002-Execution/T1059.003-Windows Command Shell/ID4688-SQL Server payload injectection for reverse shell (MSF).evtx";
const AUDIT_4719: &str = "EVTX-to-MITRE-Attack/TA0005-Defense Evasion/T1562.002-Disable Windows Event Logging/ID4719-Audit policy deactivation.evtx";
const DEFENDER: &str = "EVTX-to-MITRE-Attack/Antivirus/ID1116-1117-Defender threat detected.evtx";
const WMI_PERSISTENCE: &str = "DeepBlueCLI/evtx/wmi-event-filter-persistance.evtx";
const SLIVER_SECURITY: &str = "DeepBlueCLI/evtx/sliver-security.evtx";

// --- Chainsaw ---------------------------------------------------------------------------

/// `chainsaw lint` refuses 116 of the 2,407 rules of rules/windows: it knows 7 modifiers
/// (no windash, cidr, fieldref, ...), no keyword lists, and its integer parser fails on some
/// values. Mamoru loads them all (through rsigma-eval).
#[test]
fn chainsaw_cannot_load_windash_cidr_or_keyword_rules() {
    // windash: `-s`, `/s`, `–s` ... for regsvr32's flags.
    check(PANACHE, "b236190c-1c61-41e9-84b3-3fe03f6d76b0", &[4033, 4038]);
    // cidr: the source address is outside the private ranges.
    check(
        "omerbenamram-evtx/samples/Security_short_selected.evtx",
        "f88e112a-21aa-44bd-9b01-6ee2a2bbbed1",
        &[319457832],
    );
    // A keyword list ("keyless identifiers cannot be converted"): mimidrv.sys in a Defender alert.
    check(DEFENDER, "06d71506-7beb-4f22-8888-e2e5e2ca7fd8", &[171, 173]);
    // "failed to parse identifier ... InvalidDigit" on the rule's port list.
    check(
        "EVTX-ATTACK-SAMPLES/Command and Control/DE_sysmon-3-rdp-tun.evtx",
        "ed74fe75-7594-4b4b-ae38-e38e3fd2eb23",
        &[1940901, 1940919],
    );
}

/// Chainsaw's mapping file drops some rules by title (`exclusions`), among them
/// "WMI Event Subscription", as too noisy for its defaults. Mamoru runs every rule it loads.
#[test]
fn chainsaw_excludes_rules_by_title() {
    check(PANACHE, "0f06a3a5-6a09-413f-8743-e6cf35561297", &[4055, 4056, 4057, 4058, 4059, 4060]);
}

/// Chainsaw puts a Provider precondition before a logsource (service: security =
/// Microsoft-Windows-Security-Auditing), where Sigma's taxonomy names the channel. Event 1102
/// "the audit log was cleared" is in the Security channel but written by
/// Microsoft-Windows-Eventlog, so Chainsaw never runs "Security Eventlog Cleared" on it.
/// Likewise its wmi_event is Sysmon's only, while Mamoru also reads WMI-Activity 5861 (the
/// consumer's text is in PossibleCause).
#[test]
fn chainsaw_preconditions_go_by_provider_not_channel() {
    check("DeepBlueCLI/evtx/eventlog-dac.evtx", "d99b79d2-0a6f-4f46-ad8b-260b6e17f982", &[39395]);
    check(SLIVER_SECURITY, "d99b79d2-0a6f-4f46-ad8b-260b6e17f982", &[245030]);
    check(WMI_PERSISTENCE, "fe21810c-2a8c-478f-8dd3-5a287fb2a0e0", &[894]);
}

/// Chainsaw reads a Sigma field only through its mapping's field list, always at
/// Event.EventData.<same name>: on Security 4688 the Sysmon names (Image, ParentImage,
/// IntegrityLevel) are not renamed to NewProcessName, ParentProcessName, MandatoryLabel as
/// Mamoru's logsources.yml does, so process_creation rules miss Windows' own process auditing.
#[test]
fn chainsaw_does_not_rename_sysmon_fields_on_4688() {
    let sql: Vec<u64> = (1331261..=1331397).step_by(2).collect();
    // sqlservr.exe (ParentProcessName) starting cmd.exe (NewProcessName).
    check(SQL_4688, "869b9ca7-9ea2-4a5a-8325-e80e62f75445", &sql);
    // conhost.exe 0xffffffff -ForceV1 with MandatoryLabel S-1-16-12288 (High).
    check(SLIVER_SECURITY, "3037d961-21e9-4732-b27a-637bcc7bf539", &[245082, 245093, 245117]);
}

/// A field missing from Chainsaw's field list (SubcategoryGuid, SubStatus, SourceUser,
/// FilterOrigin) is looked up at the document's top level and never found; Chainsaw then also
/// fails `not filter` over it, so "selection and not filter_main_guid" never fires. Sigma says
/// a filter on an absent field does not match, so the selection alone decides.
#[test]
fn chainsaw_fails_filters_on_fields_its_mapping_lacks() {
    check(
        AUDIT_4719,
        "69aeb277-f15f-4d2d-b32a-55e883609563",
        &[
            109449, 109453, 109454, 109455, 109456, 109457, 109458, 109459, 109460, 109461, 109462, 109464, 109467,
            109468, 109469, 109473, 109475,
        ],
    );
    // SubStatus 0xC0000072 (account disabled), an alternative Chainsaw cannot read.
    check(
        "omerbenamram-evtx/samples/Security_with_size_t.evtx",
        "9eb99343-d336-4020-a3cd-67f3819e68ee",
        &[441, 442, 451, 462],
    );
}

/// Chainsaw does not apply Sigma's escapes (`\\` is one backslash, `\*` and `\?` literal
/// characters) and takes a wildcard inside a contains value literally: it looks for four
/// backslashes in `\\\\127.0.0.1\\ADMIN$`, for `ipconfig*|*find` as written.
#[test]
fn chainsaw_takes_sigma_escapes_and_inner_wildcards_literally() {
    // cmd.exe /Q /c exitr 1> \\127.0.0.1\ADMIN$\__1681918663.78 2>&1
    check(
        "DeepBlueCLI/evtx/metasploit-sysmon.evtx",
        "058f4380-962d-40a5-afce-50207d36d7e2",
        &[30461, 30467, 30468, 30469, 30470, 30473, 30474, 30475, 30476, 30478],
    );
    // ShareName \\*\ADMIN$ with a literal star.
    check(
        "EVTX-to-MITRE-Attack/EVTX_full_APT_attack_steps/ID5145-4624-DonPAPI full extraction.evtx",
        "252902e3-5830-4cf6-bf21-c22083dfd5cf",
        &[1160050, 1160054, 1160770, 1160774],
    );
    // tasklist | findstr, matched by 'tasklist*|*find'.
    check("DeepBlueCLI/evtx/metasploit-sysmon.evtx", "ccb5742c-c248-4982-8c5c-5571b9275ad3", &[30495]);
    // Description '\?' is a literal question mark.
    check(
        "EVTX-ATTACK-SAMPLES/AutomatedTestingTools/Malware/DE_timestomp_and_dll_sideloading_and_RunPersist.evtx",
        "9637e8a5-7131-4f7f-bdc7-2b05d8670c43",
        &[6577],
    );
}

/// Chainsaw compares typed values: EventID 1116 in the rule against "1116" as text (this
/// Defender export holds every value as text), Initiated 'true' against a boolean. Sigma
/// compares them as the text the event shows.
#[test]
fn chainsaw_compares_numbers_and_booleans_by_type() {
    check(DEFENDER, "57b649ef-ff42-4fb0-8bf6-62da243a1708", &[171, 172, 173, 175, 176, 177]);
    check(PANACHE, "c7e91a02-d771-4a6d-a700-42587e0b1095", &[4043]);
}

/// Chainsaw gives up on a file at its first damaged record ("failed to parse document");
/// Mamoru warns about that record and reads the rest.
#[test]
fn chainsaw_stops_at_a_damaged_record() {
    check(
        "omerbenamram-evtx/samples/sample-with-zero-data-size-event.evtx",
        "acfa2210-0d71-4eeb-b477-afab494d596c",
        &[42, 46, 444],
    );
}

/// Windows pads LogonProcessName to a fixed width ("NtLmSsp ", "Advapi  ") and SigmaHQ rules
/// name it bare; Mamoru trims that one field when it decodes the record (Hayabusa trims every
/// value, Chainsaw none).
#[test]
fn padded_logon_process_names_match_for_mamoru_and_hayabusa_only() {
    check(SLIVER_SECURITY, "8eef149c-bd26-49f2-9e5a-9b00e3af499b", &[245062]);
}

// --- Hayabusa ---------------------------------------------------------------------------

/// Hayabusa compares these GUIDs case-sensitively: the event says
/// {0cce9210-69ae-...}, the rules {0CCE9210-69AE-...}. So its generic "Windows Event Auditing
/// Disabled" fires on all 30 changes (the filter never excludes) and the critical rule, which
/// selects on the same GUIDs, on none. Sigma's strings are case-insensitive: Mamoru fires
/// the critical rule on the 13 important subcategories and the generic one on the 17 others.
#[test]
fn hayabusa_compares_guids_case_sensitively() {
    check(
        AUDIT_4719,
        "ab4561b1-6c7e-48a7-ad08-087cfb9ce8f1",
        &[109446, 109447, 109448, 109450, 109451, 109452, 109463, 109465, 109466, 109470, 109471, 109472, 109474],
    );
}

/// "WMI Persistence" leaves out the SCM Event Provider's own registration (5859) with
/// `Provider: SCM Event Provider`, a UserData field. Hayabusa reads `Provider` as the record's
/// System provider (Microsoft-Windows-WMI-Activity), so the filter fails and it reports those
/// 11 registrations; Mamoru reports only the real binding.
#[test]
fn hayabusa_reads_provider_from_the_system_header() {
    check(WMI_PERSISTENCE, "0b7889b4-5577-4521-a60a-3376ee7f9f7b", &[894]);
}

/// Hayabusa trims every value before matching; Mamoru keeps a trailing space that is part of
/// a command line (`CommandLine|endswith: ' '` rules depend on it). This Edge command line
/// ends in "mimikatz_trunk.zip ", so `endswith: .zip` does not match.
#[test]
fn hayabusa_trims_command_lines_and_mamoru_does_not() {
    check(
        "EVTX-to-MITRE-Attack/TA0002-Execution/T1204-User execution/ID4688-Edge payload download via command.evtx",
        "94771a71-ba41-4b6e-a757-b531372eaab6",
        &[],
    );
}

/// Hayabusa's converter turns Sysmon's `Initiated: 'true'` into WFP's Direction %%14593 and
/// C:\ paths into \device\harddiskvolume?\ ones. Mamoru renames 5156 fields but not values:
/// rules that ask for Initiated do not run on 5156, because their C:\ path filters would never
/// exclude anything there (lsass.exe's Kerberos traffic fired "Uncommon Outbound Kerberos
/// Connection" 11 times when Initiated was derived). WFP has SigmaHQ rules of its own.
#[test]
fn wfp_events_run_their_own_rules_not_sysmon_initiated_ones() {
    let tunnel = "EVTX-ATTACK-SAMPLES/Command and Control/DE_RDP_Tunnel_5156.evtx";
    check(tunnel, "e54979bd-c5f9-4d6c-967b-a04b19ac4c74", &[]);
    check(tunnel, "ed74fe75-7594-4b4b-ae38-e38e3fd2eb23", &[]);
    check(tunnel, "5bed80b6-b3e8-428e-a3ae-d3c757589e41", &[227727, 227728, 227741, 227742]);
}

/// Hayabusa enables a rule only if its converted form names a channel of the scanned files;
/// keyword rules name none, so "Mimikatz Use" runs only with `-A`. Mamoru runs keyword rules
/// on every Windows event (here the mimispool printer driver's install).
#[test]
fn hayabusa_skips_keyword_rules_without_a_channel() {
    check(
        "EVTX-to-MITRE-Attack/TA0004-Privilege Escalation/T1574-DLL side-loading/ID316,300,301,316,823,848-Mimispool printer server instal.evtx",
        "06d71506-7beb-4f22-8888-e2e5e2ca7fd8",
        &[4, 6, 7, 8, 150, 151, 152, 154, 155],
    );
}

/// Hayabusa handles `\\` before a letter but not before a wildcard or an escaped one:
/// `\\\\*\\*\\*` (CrackMapExec, above), `\\\\\?\\GLOBALROOT` here, `\\\\\*\\ADMIN$` (above).
#[test]
fn hayabusa_misreads_escapes_next_to_wildcards() {
    check(PANACHE, "c73124a7-3e89-44a3-bdc1-25fe4df754b1", &[4131, 4132]);
}

/// Hayabusa's windash tries the value as written and with its first dash turned into `/`,
/// never the other way: `' /accepteula'` does not find `-accepteula`. The specification makes
/// the characters interchangeable, so Mamoru finds cmd.exe starting
/// `procdump.exe -accepteula -ma lsass.exe` ("Renamed ProcDump Execution": the image is not
/// procdump's).
#[test]
fn hayabusa_windash_only_turns_dashes_into_slashes() {
    check(PANACHE, "4a0b2c7e-7cb2-495d-8b63-5f268e7bfd67", &[4124]);
}

/// The 4688 renames Mamoru's mapping gives, which Hayabusa's converter gives too: the RDP
/// session hijack runs tscon.exe at System integrity (MandatoryLabel S-1-16-16384).
#[test]
fn integrity_level_reads_the_mandatory_label_of_4688() {
    check(
        "EVTX-to-MITRE-Attack/TA0008-Lateral Movement/T1021.001-Remote Desktop Protocol/ID4688-4778 RDP hijack command execution.evtx",
        "224f140f-3553-4cd1-af78-13d81bf9f7cc",
        &[1829538],
    );
}
