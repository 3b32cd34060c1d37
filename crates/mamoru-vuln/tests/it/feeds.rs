//! Feed readers (NVD, CVE 5, KEV, EPSS), format detection and the directory loader, over the
//! real sample files in ../shared/data/vuln and damaged copies of them.

use std::io::Write;
use std::path::{Path, PathBuf};

use mamoru_vuln::advisory::Operator;
use mamoru_vuln::feed::{self, Feed, Format, Outcome};
use mamoru_vuln::{Error, Source};

const VULN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/vuln");

fn path(rel: &str) -> PathBuf {
    Path::new(VULN).join(rel)
}

fn bytes(rel: &str) -> Vec<u8> {
    std::fs::read(path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn read(rel: &str) -> Feed {
    feed::read_path(&path(rel)).unwrap_or_else(|e| panic!("{e}"))
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(data).unwrap();
    gz.finish().unwrap()
}

fn json(rel: &str) -> serde_json::Value {
    serde_json::from_slice(&bytes(rel)).unwrap()
}

/// A scratch directory removed again when the test ends.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("mamoru-vuln-feeds-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn nvd_page_holds_the_same_30_records_as_the_single_files() {
    let page = read("nvd-api-2.0/page-shared.json");
    assert_eq!(page.format, Format::NvdApi);
    assert_eq!(page.advisories.len(), 30);
    assert!(page.kev.is_empty() && page.epss.is_empty());
    for advisory in &page.advisories {
        assert_eq!(advisory.source, Source::Nvd);
        let single = read(&format!("nvd-api-2.0/records/{}.json", advisory.id));
        assert_eq!(single.format, Format::NvdRecord);
        assert_eq!(single.advisories, std::slice::from_ref(advisory), "{}", advisory.id);
    }
    let single = read("nvd-api-2.0/single-entry.json");
    assert_eq!((single.format, single.advisories.len()), (Format::NvdApi, 1));
    assert_eq!(single.advisories[0].id, "CVE-2022-1576");
}

#[test]
fn every_bare_nvd_record_reads_under_its_own_id() {
    for (dir, expected) in [("nvd-api-2.0/kev-vpn", 107), ("nvd-api-2.0/windows-and-and-configs", 5)] {
        let files = feed::walk_files(&path(dir)).unwrap();
        assert_eq!(files.len(), expected);
        let mut with_kev = 0;
        for file in files {
            let feed = feed::read_path(&file).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!((feed.format, feed.advisories.len()), (Format::NvdRecord, 1));
            let advisory = &feed.advisories[0];
            assert_eq!(Some(advisory.id.as_str()), file.file_stem().and_then(|s| s.to_str()));
            assert!(!advisory.description.is_empty() && advisory.status.is_some(), "{}", advisory.id);
            with_kev += usize::from(advisory.kev.is_some());
        }
        if dir.ends_with("kev-vpn") {
            // CVE-2023-24489 is an older stored NVD version, from before CISA listed it.
            assert_eq!(with_kev, 106);
        }
    }
}

#[test]
fn nvd_fortios_path_traversal_in_detail() {
    let feed = read("nvd-api-2.0/kev-vpn/CVE-2018-13379.json");
    let a = &feed.advisories[0];
    assert_eq!(a.title.as_deref(), Some("Fortinet FortiOS SSL VPN Path Traversal Vulnerability"));
    assert!(a.description.starts_with("An Improper Limitation of a Pathname"), "English first: {}", a.description);
    assert_eq!((a.published.as_deref(), a.status.as_deref()), (Some("2019-06-04T21:29:00.233"), Some("Analyzed")));
    let kev = a.kev.as_ref().unwrap();
    assert_eq!((kev.cve.as_str(), kev.date_added.as_str()), ("CVE-2018-13379", "2021-11-03"));
    assert_eq!(kev.due_date.as_deref(), Some("2022-05-03"));
    assert_eq!(kev.required_action, "Apply updates per vendor instructions.");
    let scores: Vec<_> = a.cvss.iter().map(|c| (c.version.as_str(), c.score, c.source.as_str())).collect();
    assert_eq!(
        scores,
        [("3.1", 9.1, "psirt@fortinet.com"), ("3.1", 9.8, "nvd@nist.gov"), ("2.0", 5.0, "nvd@nist.gov")]
    );
    assert_eq!(a.cvss[1].vector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
    assert_eq!(a.best_cvss().map(|c| c.score), Some(9.8));
    assert_eq!(a.cwes, ["CWE-22"], "the same CWE from two sources is listed once");
    assert_eq!(a.configurations.len(), 1);
    let matches = &a.configurations[0].nodes[0].cpe_match;
    assert_eq!(matches.len(), 5);
    let fortios: Vec<_> = matches
        .iter()
        .filter(|m| m.criteria.starts_with("cpe:2.3:o:fortinet:fortios:"))
        .map(|m| (m.version_start_including.as_deref(), m.version_end_excluding.as_deref()))
        .collect();
    assert_eq!(
        fortios,
        [(Some("5.4.6"), Some("5.4.13")), (Some("5.6.3"), Some("5.6.8")), (Some("6.0.0"), Some("6.0.5"))]
    );
    let advisory_refs = a.references.iter().filter(|r| r.as_str() == "https://fortiguard.com/advisory/FG-IR-18-384");
    assert_eq!(advisory_refs.count(), 1, "NVD lists the URL once per source; kept once");
}

#[test]
fn nvd_and_configurations_keep_their_platform_nodes() {
    let fortios = &read("nvd-api-2.0/kev-vpn/CVE-2022-42475.json").advisories[0];
    let and = fortios.configurations.iter().find(|c| c.operator == Operator::And).expect("an AND configuration");
    assert_eq!(and.nodes.len(), 2);
    assert!(and.nodes[0].cpe_match.iter().all(|m| m.criteria.starts_with("cpe:2.3:o:fortinet:fortios:")));
    assert!(and.nodes[1].cpe_match.iter().any(|m| m.criteria == "cpe:2.3:h:fortinet:fim-7901e:-:*:*:*:*:*:*:*"));
    assert!(and.nodes[1].cpe_match.iter().all(|m| !m.vulnerable), "the hardware is the platform, not vulnerable");

    // EternalBlue on Siemens ultrasound systems: firmware AND the device.
    let smb = &read("nvd-api-2.0/windows-and-and-configs/CVE-2017-0144.json").advisories[0];
    let acuson = smb
        .configurations
        .iter()
        .find(|c| c.nodes.iter().any(|n| n.cpe_match.iter().any(|m| m.criteria.contains(":h:siemens:acuson_p300:"))))
        .expect("the ACUSON P300 configuration");
    assert_eq!(acuson.operator, Operator::And);
    assert!(acuson.nodes[0].cpe_match.iter().any(|m| m.criteria.contains(":o:siemens:acuson_p300_firmware:13.02:")));
}

#[test]
fn nvd_cna_affected_and_weakness_placeholders() {
    let citrix = &read("nvd-api-2.0/kev-vpn/CVE-2025-5777.json").advisories[0];
    let adc = citrix.affected.iter().find(|a| a.product == "ADC").expect("NVD's copy of the CNA statement");
    assert_eq!(adc.vendor, "NetScaler");
    assert!(!adc.default_affected);
    assert_eq!(adc.versions[0].version, "14.1");
    assert_eq!(adc.versions[0].less_than.as_deref(), Some("43.56"));
    assert_eq!(citrix.cvss.iter().map(|c| c.version.as_str()).collect::<Vec<_>>(), ["4.0", "3.1"]);
    assert_eq!(citrix.best_cvss().map(|c| c.score), Some(9.3));

    let ibm = &read("nvd-api-2.0/records/CVE-2021-38859.json").advisories[0];
    assert_eq!(ibm.cwes, ["CWE-200"], "NVD-CWE-noinfo is no weakness");
}

#[test]
fn every_cve5_record_reads() {
    let files = feed::walk_files(&path("cve5")).unwrap();
    let records: Vec<_> = files.iter().filter(|f| f.extension().is_some_and(|e| e == "json")).collect();
    assert_eq!(records.len(), 2041);
    let (mut rejected, mut kev, mut with_cvss) = (0, 0, 0);
    for file in records {
        let feed = feed::read_path(file).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((feed.format, feed.advisories.len()), (Format::Cve5, 1));
        let a = &feed.advisories[0];
        assert_eq!(a.source, Source::Cve5);
        assert_eq!(Some(a.id.as_str()), file.file_stem().and_then(|s| s.to_str()));
        assert!(!a.description.is_empty(), "{}", a.id);
        if a.status.as_deref() == Some("REJECTED") {
            rejected += 1;
            assert!(a.affected.is_empty() && a.cvss.is_empty(), "{}", a.id);
        } else {
            assert_eq!(a.status.as_deref(), Some("PUBLISHED"));
        }
        kev += usize::from(a.kev.is_some());
        with_cvss += usize::from(!a.cvss.is_empty());
    }
    assert_eq!(rejected, 4);
    assert_eq!(kev, 43, "CISA's ADP notes the KEV date on 43 records");
    assert!(with_cvss > 1300, "{with_cvss}");
}

#[test]
fn cve5_fortios_path_traversal_and_adp_enrichment() {
    let a = &read("cve5/kev-vpn/2018/13xxx/CVE-2018-13379.json").advisories[0];
    assert_eq!(a.affected.len(), 1);
    assert_eq!(
        (a.affected[0].vendor.as_str(), a.affected[0].product.as_str()),
        ("Fortinet", "Fortinet FortiOS, FortiProxy")
    );
    let version = &a.affected[0].versions[0];
    assert!(version.version.starts_with("FortiOS 6.0.0 to 6.0.4, "), "{}", version.version);
    assert_eq!(version.status, "affected");
    assert_eq!(a.kev.as_ref().map(|k| k.date_added.as_str()), Some("2021-11-03"));
    assert_eq!(a.cwes, ["CWE-22"], "from the CISA ADP container; the CNA gave only prose");
    assert_eq!(a.cvss.len(), 1);
    assert_eq!((a.cvss[0].score, a.cvss[0].source.as_str()), (9.1, "fortinet"));
    assert_eq!((a.published.as_deref(), a.status.as_deref()), (Some("2019-06-04T20:18:08"), Some("PUBLISHED")));

    let asa = &read("cve5/kev-vpn/2020/3xxx/CVE-2020-3259.json").advisories[0];
    let ftd = asa
        .affected
        .iter()
        .find(|x| x.cpes.iter().any(|c| c == "cpe:2.3:a:cisco:firepower_threat_defense:6.2.3:*:*:*:*:*:*:*"))
        .expect("the ADP's CPE statement");
    assert_eq!(ftd.versions[0].less_than.as_deref(), Some("6.2.3.16"));
}

#[test]
fn kev_json_and_csv_agree() {
    let json = read("kev/known_exploited_vulnerabilities.json");
    let csv = read("kev/known_exploited_vulnerabilities.csv");
    assert_eq!((json.format, csv.format), (Format::KevJson, Format::KevCsv));
    assert_eq!(json.kev.len(), 1404);
    assert_eq!(json.kev, csv.kev);
    let fortios = json.kev.iter().find(|k| k.cve == "CVE-2018-13379").unwrap();
    assert_eq!((fortios.vendor.as_str(), fortios.product.as_str()), ("Fortinet", "FortiOS"));
    assert_eq!((fortios.date_added.as_str(), fortios.due_date.as_deref()), ("2021-11-03", Some("2022-05-03")));
    assert!(fortios.ransomware_known());
    assert_eq!(json.kev.iter().filter(|k| k.ransomware_known()).count(), 293);
}

#[test]
fn epss_scores_carry_the_file_date() {
    let feed = read("epss/example-1.csv");
    assert_eq!(feed.format, Format::Epss);
    assert_eq!(feed.epss.len(), 5);
    let first = &feed.epss[0];
    assert_eq!((first.cve.as_str(), first.score, first.percentile), ("CVE-1999-0001", 0.00383, 0.73075));
    assert!(feed.epss.iter().all(|e| e.date == "2025-02-20"));
    let gz = feed::read(&gzip(&bytes("epss/example-1.csv")), "epss_scores-2025-02-20.csv.gz").unwrap();
    assert_eq!(gz, feed);
}

#[test]
fn broken_epss_files_say_what_and_where() {
    let header = feed::read_path(&path("epss/invalid-header.csv")).unwrap_err();
    assert!(matches!(header, Error::Malformed { .. }), "{header:?}");
    let text = header.to_string();
    assert!(
        text.ends_with("invalid-header.csv: line 2: the header is `invalid,header,format`, not `cve,epss,percentile`"),
        "{text}"
    );

    let date = feed::read_path(&path("epss/missing-date.csv")).unwrap_err();
    assert!(matches!(date, Error::Malformed { .. }), "{date:?}");
    assert!(date.to_string().contains("missing-date.csv: line 1: no score_date"), "{date}");

    let no_meta = feed::read(b"cve,epss,percentile\nCVE-2024-0001,0.1,0.2\n", "e.csv").unwrap_err();
    assert!(no_meta.to_string().starts_with("e.csv: line 1: no `#model_version"), "{no_meta}");
    let meta = "#model_version:v2023.03.01,score_date:2025-02-20T00:00:00+0000\ncve,epss,percentile\n";
    for (row, reason) in [("CVE-99-1,0.1,0.2", "`CVE-99-1` is not a CVE id"), ("CVE-2024-0001,1.5,0.2", "epss `1.5`")] {
        let e = feed::read(format!("{meta}CVE-2024-0002,0.1,0.2\n{row}\n").as_bytes(), "e.csv").unwrap_err();
        let Error::BadRecord { record, reason: why, .. } = &e else { panic!("{e:?}") };
        assert_eq!(record, "line 4");
        assert!(why.contains(reason), "{why}");
    }
}

/// One of each format, as (sample file, what it reads as).
const SAMPLES: [(&str, Format); 7] = [
    ("nvd-api-2.0/page-shared.json", Format::NvdApi),
    ("nvd-api-2.0/records/CVE-2023-45109.json", Format::NvdRecord),
    ("nvd-api-2.0/kev-vpn/CVE-2018-13379.json", Format::NvdRecord),
    ("cve5/kev-vpn/2018/13xxx/CVE-2018-13379.json", Format::Cve5),
    ("kev/known_exploited_vulnerabilities.json", Format::KevJson),
    ("kev/known_exploited_vulnerabilities.csv", Format::KevCsv),
    ("epss/example-1.csv", Format::Epss),
];

#[test]
fn detection_looks_at_bytes_not_names() {
    for (rel, format) in SAMPLES {
        let original = bytes(rel);
        let expected = feed::read(&original, rel).unwrap();
        assert_eq!(expected.format, format, "{rel}");
        let mut bom = b"\xef\xbb\xbf".to_vec();
        bom.extend_from_slice(&original);
        for (variant, name) in [(original.clone(), "download (3).txt"), (gzip(&original), "feed.xml"), (bom, "x")] {
            let feed = feed::read(&variant, name).unwrap_or_else(|e| panic!("{rel} as {name}: {e}"));
            assert_eq!(feed, expected, "{rel} as {name}");
        }
    }
    // On disk too: a gzipped page under a name that says nothing.
    let dir = TempDir::new("renamed");
    let renamed = dir.0.join("nvd-page.bin");
    std::fs::write(&renamed, gzip(&bytes("nvd-api-2.0/page-shared.json"))).unwrap();
    assert_eq!(feed::read_path(&renamed).unwrap().advisories.len(), 30);
}

#[test]
fn truncated_files_are_refused_without_panic() {
    for (rel, format) in SAMPLES {
        let whole = bytes(rel);
        let whole_records = feed::read(&whole, rel).unwrap().records();
        let cuts = [1, 2, 10, 100].into_iter().chain((1..12).map(|k| whole.len() * k / 12));
        for cut in cuts.filter(|&c| c < whole.len()) {
            match feed::read(&whole[..cut], "cut.json") {
                Err(e) => {
                    assert!(e.to_string().starts_with("cut.json: "), "{e}");
                    let text = matches!(format, Format::KevCsv | Format::Epss);
                    // A text cut before its first line is complete has lost what made it a feed.
                    let lost = text && cut < 20 && matches!(e, Error::UnknownFormat { .. });
                    let expected = lost || matches!(e, Error::Malformed { .. } | Error::BadRecord { .. });
                    assert!(expected, "{rel} cut at {cut}: {e:?}");
                }
                // A CSV cut at a row boundary (or inside the last column) is still a CSV.
                Ok(feed) => {
                    assert!(matches!(format, Format::KevCsv | Format::Epss), "{rel} cut at {cut} read");
                    assert!(feed.records() < whole_records);
                }
            }
        }
        let gz = gzip(&whole);
        let e = feed::read(&gz[..gz.len() / 2], "cut.gz").unwrap_err();
        assert!(matches!(e, Error::Malformed { .. }), "{e:?}");
    }
}

/// page-shared.json with `edit` applied, read back.
fn edited_page(edit: impl FnOnce(&mut serde_json::Value)) -> Result<Feed, Error> {
    let mut page = json("nvd-api-2.0/page-shared.json");
    edit(&mut page);
    feed::read(&serde_json::to_vec(&page).unwrap(), "page.json")
}

fn bad_record(result: Result<Feed, Error>) -> (String, String) {
    match result {
        Err(e @ Error::BadRecord { .. }) => {
            assert!(e.to_string().starts_with(&format!("{}: ", e.file())), "{e}");
            let Error::BadRecord { record, reason, .. } = e else { unreachable!() };
            (record, reason)
        }
        other => panic!("expected a bad record, got {other:?}"),
    }
}

#[test]
fn a_broken_record_is_named() {
    let (record, reason) = bad_record(edited_page(|p| p["vulnerabilities"][3]["cve"]["id"] = "CVE-23-1".into()));
    assert_eq!((record.as_str(), reason.as_str()), ("vulnerabilities[3] CVE-23-1", "`CVE-23-1` is not a CVE id"));
    let (record, _) = bad_record(edited_page(|p| {
        p["vulnerabilities"][5]["cve"].as_object_mut().unwrap().remove("id");
    }));
    assert_eq!(record, "vulnerabilities[5]");
    let (record, reason) = bad_record(edited_page(|p| {
        p["vulnerabilities"][2]["cve"]["configurations"][0]["nodes"][0]["cpeMatch"][0]["criteria"] =
            "cpe:/a:x:y:1.0".into();
    }));
    let id = json("nvd-api-2.0/page-shared.json")["vulnerabilities"][2]["cve"]["id"].as_str().unwrap().to_owned();
    assert_eq!(record, format!("vulnerabilities[2] {id}"));
    assert!(reason.starts_with("configurations[0].nodes[0].cpeMatch[0]: `cpe:/a:x:y:1.0`"), "{reason}");
    let (record, reason) = bad_record(edited_page(|p| {
        p["vulnerabilities"][7]["cve"]["metrics"]["cvssMetricV31"][0]["cvssData"]["baseScore"] = "high".into();
    }));
    assert_eq!(record, "vulnerabilities[7]");
    assert!(reason.contains("invalid type"), "{reason}");

    let mut single = json("nvd-api-2.0/kev-vpn/CVE-2018-13379.json");
    single["id"] = "CVE-2018-1337X".into();
    let (record, _) = bad_record(feed::read(&serde_json::to_vec(&single).unwrap(), "one.json"));
    assert_eq!(record, "CVE-2018-1337X");

    let mut cve5 = json("cve5/kev-vpn/2018/13xxx/CVE-2018-13379.json");
    cve5["cveMetadata"]["cveId"] = "CVE-2018".into();
    assert_eq!(bad_record(feed::read(&serde_json::to_vec(&cve5).unwrap(), "c.json")).0, "CVE-2018");

    let mut kev = json("kev/known_exploited_vulnerabilities.json");
    kev["vulnerabilities"][2]["cveID"] = "CVE-2025-".into();
    let (record, reason) = bad_record(feed::read(&serde_json::to_vec(&kev).unwrap(), "kev.json"));
    assert_eq!((record.as_str(), reason.as_str()), ("vulnerabilities[2]", "cveID `CVE-2025-` is not a CVE id"));
    kev["vulnerabilities"][2]["cveID"] = "CVE-2025-1234".into();
    kev["vulnerabilities"][2]["dateAdded"] = "25/08/2025".into();
    assert_eq!(
        bad_record(feed::read(&serde_json::to_vec(&kev).unwrap(), "kev.json")).0,
        "vulnerabilities[2] CVE-2025-1234"
    );

    let csv = String::from_utf8(bytes("kev/known_exploited_vulnerabilities.csv")).unwrap();
    let (before, after) = csv.split_once("\nCVE-").unwrap();
    let (_, after) = after.split_once("\nCVE-").unwrap();
    let broken = format!("{before}\nCVE-2025-48384,Git,Git,x,2025-08-25,d,a,2025-09-15,Unknown,n,c\nCVE-XXXX-{after}");
    assert_eq!(bad_record(feed::read(broken.as_bytes(), "kev.csv")).0, "line 3");
}

fn unknown_reason(result: Result<Feed, Error>) -> String {
    match result {
        Err(Error::UnknownFormat { reason, .. }) => reason,
        other => panic!("expected an unknown format, got {other:?}"),
    }
}

#[test]
fn files_that_are_no_feed_are_told_apart() {
    for (rel, reason) in [
        ("kev/LICENSE", "licence text, not a feed"),
        ("nvd-api-2.0/LICENSE", "licence text, not a feed"),
        ("kev/known_exploited_vulnerabilities_schema.json", "a JSON Schema, not a feed"),
        ("nvd-api-2.0/schema/cve-api-json-v2.2.0.schema", "a JSON Schema, not a feed"),
        ("cpe/cpes.txt", "a plain list of CPE names, not a feed"),
        ("cpe/cves.txt", "a plain list of CVE ids, not a feed"),
        ("jvn/myjvn-np/README.md", "Markdown text, not a feed"),
    ] {
        assert_eq!(unknown_reason(feed::read_path(&path(rel))), reason, "{rel}");
    }
    let cases: [(&[u8], &str); 8] = [
        (b"", "an empty file"),
        (b" \n\t", "an empty file"),
        (b"\x00\x01\x02\xff\xfe binary", "binary data, not a feed"),
        (b"{}", "an empty JSON object"),
        (br#"{"name": "x", "items": [1, 2]}"#, "JSON with top-level keys name, items: not an NVD, CVE 5 or KEV feed"),
        (b"[{\"cve\": {}}]", "a JSON array, not a feed"),
        // CSAF's vulnerabilities[].cve is a string; it must not pass for an NVD page.
        (br#"{"document": {}, "vulnerabilities": [{"cve": "CVE-2020-1234"}]}"#, "a CSAF advisory"),
        (b"name,version\nopenssl,3.0\n", "CSV with header `name,version`"),
    ];
    for (input, reason) in cases {
        let got = unknown_reason(feed::read(input, "f"));
        assert!(got.starts_with(reason), "{:?}: {got}", String::from_utf8_lossy(input));
    }
    let e = feed::read(b"garbage", "notes.txt").unwrap_err();
    assert_eq!(e.to_string(), "notes.txt: not a vulnerability feed Mamoru reads (plain text, not a feed)");
}

#[test]
fn oversized_input_is_refused_before_parsing() {
    // A gzip bomb: one small member repeated until it inflates past the limit.
    let member = gzip(&vec![0u8; 1 << 20]);
    let bomb: Vec<u8> = member.iter().copied().cycle().take(member.len() * 513).collect();
    let e = feed::read(&bomb, "bomb.gz").unwrap_err();
    assert!(matches!(e, Error::TooLarge { max, .. } if max == feed::MAX_GUNZIPPED_BYTES), "{e:?}");
    assert!(e.to_string().starts_with("bomb.gz: "), "{e}");

    // A file over the limit is refused from its size alone (a sparse file: no disk used).
    let dir = TempDir::new("large");
    let large = dir.0.join("huge.json");
    std::fs::File::create(&large).unwrap().set_len(feed::MAX_FILE_BYTES + 1).unwrap();
    let e = feed::read_path(&large).unwrap_err();
    assert!(matches!(e, Error::TooLarge { size, .. } if size == feed::MAX_FILE_BYTES + 1), "{e:?}");
    assert_eq!(e.file(), large.display().to_string());
}

#[test]
fn load_dir_reads_the_whole_vuln_tree() {
    let loaded = feed::load_dir(Path::new(VULN));
    assert!(loaded.windows(2).all(|w| w[0].path < w[1].path), "sorted by path");
    let rel = |p: &Path| p.strip_prefix(VULN).unwrap().to_string_lossy().into_owned();
    let mut records = std::collections::BTreeMap::new();
    let (mut skipped, mut failed) = (Vec::new(), Vec::new());
    for l in &loaded {
        match &l.outcome {
            Outcome::Read(feed) => *records.entry(feed.format.label()).or_insert(0) += feed.records(),
            Outcome::Skipped(_) => skipped.push(rel(&l.path)),
            Outcome::Failed(e) => {
                assert_eq!(e.file(), l.path.display().to_string());
                failed.push(rel(&l.path));
            }
        }
    }
    // The deliberately broken EPSS fixtures fail, and MyJVN responses that carry no advisories.
    let broken = ["epss/invalid-header.csv", "epss/missing-date.csv"];
    for f in &failed {
        assert!(broken.contains(&f.as_str()) || f.starts_with("jvn/"), "unexpected failure: {f}");
    }
    assert!(broken.iter().all(|b| failed.iter().any(|f| f == b)), "{failed:?}");
    for (format, count) in [
        (Format::NvdApi, 31),
        (Format::NvdRecord, 142),
        (Format::Cve5, 2041),
        (Format::KevJson, 1404),
        (Format::KevCsv, 1404),
        (Format::Epss, 5),
    ] {
        assert_eq!(records.get(format.label()), Some(&count), "{}", format.label());
    }
    for s in [
        "cpe/cpes.txt",
        "cpe/cves.txt",
        "kev/LICENSE",
        "cve5/kev-vpn-cves-all.txt",
        "nvd-api-2.0/schema/cvss-v3.1.json",
    ] {
        assert!(skipped.iter().any(|x| x == s), "{s} not skipped");
    }
}

#[test]
fn walking_skips_hidden_entries_and_link_loops() {
    let dir = TempDir::new("walk");
    let root = &dir.0;
    for sub in ["b/deeper", "a", ".git"] {
        std::fs::create_dir_all(root.join(sub)).unwrap();
    }
    std::fs::write(root.join("b/deeper/cve.json"), bytes("nvd-api-2.0/records/CVE-2023-45109.json")).unwrap();
    std::fs::write(root.join("a/notes.txt"), "CVE-2023-45109\n").unwrap();
    std::fs::write(root.join(".git/config"), "[core]\n").unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(root, root.join("b/loop")).unwrap();
        std::os::unix::fs::symlink(root.join("missing"), root.join("a/dangling")).unwrap();
    }
    let files = feed::walk_files(root).unwrap();
    assert_eq!(files, [root.join("a/notes.txt"), root.join("b/deeper/cve.json")]);
    let loaded = feed::load_dir(root);
    assert!(matches!(&loaded[0].outcome, Outcome::Skipped(r) if r == "a plain list of CVE ids, not a feed"));
    assert!(matches!(&loaded[1].outcome, Outcome::Read(f) if f.advisories[0].id == "CVE-2023-45109"));

    let missing = root.join("nothing-here.json");
    let e = feed::read_path(&missing).unwrap_err();
    assert!(matches!(&e, Error::Malformed { reason, .. } if reason.starts_with("cannot be read")), "{e:?}");
    assert_eq!(e.file(), missing.display().to_string());
    assert!(feed::walk_files(&missing).is_err());
    let gone = feed::load_dir(&missing);
    assert!(gone.len() == 1 && matches!(gone[0].outcome, Outcome::Failed(_)));
}

#[test]
fn rejected_records_are_kept_and_late_keys_still_found() {
    let rejected = br#"{"id": "CVE-2023-0001", "sourceIdentifier": "cve@mitre.org", "vulnStatus": "Rejected",
        "descriptions": [{"lang": "en", "value": "Rejected reason: a duplicate of CVE-2023-0002."}],
        "metrics": {}, "references": []}"#;
    let feed = feed::read(rejected, "r.json").unwrap();
    assert_eq!(feed.format, Format::NvdRecord);
    assert_eq!(feed.advisories[0].status.as_deref(), Some("Rejected"));
    assert!(feed.advisories[0].configurations.is_empty() && feed.advisories[0].cvss.is_empty());

    // A CVE 5 record whose identifying keys come after 100 KB of container: the first 64 KiB
    // decide nothing, so the whole file is looked at.
    let original = json("cve5/kev-vpn/2018/13xxx/CVE-2018-13379.json");
    let mut containers = original["containers"].clone();
    containers["cna"]["descriptions"][0]["value"] = "x".repeat(100_000).into();
    let mut late = serde_json::Map::new();
    late.insert("containers".into(), containers);
    late.insert("cveMetadata".into(), original["cveMetadata"].clone());
    let bytes = serde_json::to_vec(&late).unwrap();
    assert!(bytes.len() > 100_000);
    let feed = feed::read(&bytes, "late.json").unwrap();
    assert_eq!((feed.format, feed.advisories[0].id.as_str()), (Format::Cve5, "CVE-2018-13379"));
    assert_eq!(feed.advisories[0].description.len(), 100_000);
}

#[test]
fn an_absurd_version_bound_names_the_record() {
    let mut record: serde_json::Value =
        serde_json::from_slice(&bytes("nvd-api-2.0/kev-vpn/CVE-2018-13379.json")).unwrap();
    record["configurations"][0]["nodes"][0]["cpeMatch"][0]["versionEndExcluding"] = "1.".repeat(500).into();
    let e = mamoru_vuln::feed::read(&serde_json::to_vec(&record).unwrap(), "odd.json").unwrap_err();
    let text = e.to_string();
    assert!(
        text.starts_with("odd.json: CVE-2018-13379: configurations[0].nodes[0].cpeMatch[0].versionEndExcluding"),
        "{text}"
    );
    record["configurations"][0]["nodes"][0]["cpeMatch"][0]["versionEndExcluding"] = "1.2\u{7}".into();
    assert!(mamoru_vuln::feed::read(&serde_json::to_vec(&record).unwrap(), "odd.json").is_err());
}
