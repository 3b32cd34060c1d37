//! MyJVN XML (API 3.x "hnd") through the public entry point: the sample answers in
//! ../shared/data/vuln/jvn and hand-made broken, hostile and unusual documents.

use mamoru_vuln::feed::{self, Feed, Format};
use mamoru_vuln::{Advisory, Error, Source};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/vuln/jvn");

fn bytes(rel: &str) -> Vec<u8> {
    let path = format!("{DATA}/{rel}");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn hnd(name: &str) -> Vec<u8> {
    bytes(&format!("myjvn-np/examples/hnd/{name}"))
}

fn read_ok(name: &str, data: &[u8]) -> Feed {
    feed::read(data, name).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn read_err(name: &str, data: &[u8]) -> Error {
    match feed::read(data, name) {
        Ok(f) => panic!("{name}: expected an error, read {} records as {:?}", f.records(), f.format),
        Err(e) => {
            assert!(e.to_string().starts_with(&format!("{name}: ")), "message does not start with the file: {e}");
            e
        }
    }
}

fn find<'a>(feed: &'a Feed, id: &str) -> &'a Advisory {
    feed.advisories.iter().find(|a| a.id == id).unwrap_or_else(|| panic!("{id} missing"))
}

fn count(data: &[u8], needle: &str) -> usize {
    data.windows(needle.len()).filter(|w| *w == needle.as_bytes()).count()
}

#[test]
fn detail_reads_japanese_title_vendor_and_free_text_versions() {
    let name = "getVulnDetailInfo_hnd_JVNDB-2021-002774.xml";
    let feed = read_ok(name, &hnd(name));
    assert_eq!(feed.format, Format::JvnDetail);
    assert_eq!(feed.advisories.len(), 1);
    let a = &feed.advisories[0];
    assert_eq!(a.id, "JVNDB-2021-002774");
    assert_eq!(a.source, Source::Jvn);
    assert_eq!(a.title.as_deref(), Some("トレンドマイクロ製 ServerProtect における認証回避の脆弱性"));
    assert!(
        a.description.starts_with("トレンドマイクロ株式会社から ServerProtect 向けのアップデート"),
        "{}",
        a.description
    );
    assert_eq!(a.aliases, ["CVE-2021-36745"]);
    assert_eq!(a.cves().collect::<Vec<_>>(), ["CVE-2021-36745"]);
    // This entry has no CVSS at all (the docs list it as CVSS=0).
    assert!(a.cvss.is_empty());
    assert_eq!(a.published.as_deref(), Some("2021-10-01T14:00:11+09:00"));
    assert_eq!(a.modified.as_deref(), Some("2021-10-01T14:00:11+09:00"));
    assert_eq!(a.affected.len(), 1);
    let item = &a.affected[0];
    assert_eq!(item.vendor, "トレンドマイクロ");
    assert_eq!(item.product, "Trend Micro ServerProtect");
    assert_eq!(item.cpes, ["cpe:/a:trendmicro:serverprotect"]);
    let versions: Vec<_> = item.versions.iter().map(|v| v.version.as_str()).collect();
    assert_eq!(
        versions,
        [
            "for EMC Celerra 5.8 (Build 1577) 未満",
            "for NetApp 5.8 (Build 1299) 未満",
            "for Storage 6.0 (Build 1284) 未満",
            "for Windows 5.8 (Build 1575) 未満",
        ]
    );
    assert!(item.versions.iter().all(|v| v.status == "affected"));
    assert!(!item.default_affected);
    // References: entities resolved, the CVE listed once per site.
    assert!(a.references.iter().any(|r| r.contains("regs=jp&prodid=1317")), "{:?}", a.references);
    assert!(a.references.contains(&"https://nvd.nist.gov/vuln/detail/CVE-2021-36745".to_owned()));
}

#[test]
fn detail_reads_both_cvss_versions_and_the_cwe() {
    let name = "getVulnDetailInfo_hnd_JVNDB-2017-009608.xml";
    let a = &read_ok(name, &hnd(name)).advisories[0];
    assert_eq!(a.title.as_deref(), Some("エアバッグコントロールユニットにおける暗号アルゴリズムの使用に関する脆弱性"));
    let scores: Vec<_> = a.cvss.iter().map(|c| (c.version.as_str(), c.score, c.vector.as_str())).collect();
    assert_eq!(
        scores,
        [("2.0", 1.9, "AV:L/AC:M/Au:N/C:P/I:N/A:N"), ("3.0", 4.7, "CVSS:3.0/AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:N/A:N")]
    );
    assert_eq!(a.best_cvss().map(|c| c.score), Some(4.7));
    assert!(a.cvss.iter().all(|c| c.source == "IPA"));
    assert_eq!(a.cwes, ["CWE-327"]);
    assert_eq!(a.aliases, ["CVE-2017-14937"]);
    // `<VersionNumber />`: JVN names the product and no version.
    let item = &a.affected[0];
    assert_eq!((item.vendor.as_str(), item.product.as_str()), ("PCU", "PCU"));
    assert!(item.versions.is_empty());
    assert!(item.default_affected);
}

#[test]
fn detail_keeps_one_affected_entry_per_vendor() {
    let name = "getVulnDetailInfo_hnd_JVNDB-2018-009328.xml";
    let a = &read_ok(name, &hnd(name)).advisories[0];
    assert_eq!(a.title.as_deref(), Some("JP1/VERITAS 製品における複数の脆弱性"));
    let vendors: Vec<_> = a.affected.iter().map(|x| (x.vendor.as_str(), x.product.as_str())).collect();
    assert_eq!(vendors, [("ベリタス", "Veritas NetBackup"), ("日立", "JP1/VERITAS NetBackup")]);
    for item in &a.affected {
        let v: Vec<_> = item.versions.iter().map(|v| v.version.as_str()).collect();
        assert_eq!(v, ["7.7", "8.0", "8.1"]);
    }
    assert_eq!(a.best_cvss().map(|c| (c.version.as_str(), c.score)), Some(("3.0", 9.8)));
    assert!(a.cvss.iter().any(|c| c.version == "2.0" && c.score == 10.0));
    // The docs count one CVE for this entry, but the sample's Related has none.
    assert!(a.aliases.is_empty(), "{:?}", a.aliases);
    assert_eq!(a.modified.as_deref(), Some("2018-11-20T12:12:04+09:00"));
}

#[test]
fn detail_with_two_vulinfo_and_three_cves() {
    let feed = read_ok("vuldef.xml", &bytes("go-myjvn-testdata/vuldef_vuldef_data1.xml"));
    let ids: Vec<_> = feed.advisories.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["JVNDB-2018-000022", "JVNDB-2018-000024"]);
    let a = find(&feed, "JVNDB-2018-000024");
    assert_eq!(a.title.as_deref(), Some("CG-WGR1200 における複数の脆弱性"));
    assert_eq!(a.aliases, ["CVE-2017-10852", "CVE-2017-10853", "CVE-2017-10854"]);
    assert_eq!(a.cwes, ["CWE-78", "CWE-19", "CWE-264"]);
    assert_eq!(a.affected[0].vendor, "株式会社コレガ");
    assert_eq!(a.affected[0].versions[0].version, "ファームウエア 2.20 およびそれ以前");
    assert_eq!(a.best_cvss().map(|c| c.score), Some(8.8));
    let b = find(&feed, "JVNDB-2018-000022");
    assert_eq!(b.affected[0].versions[0].version, "3.4.6 より前のバージョン");
    assert_eq!(b.aliases, ["CVE-2018-0546"]);
}

#[test]
fn detail_data_feed_reads_every_vulinfo() {
    let data = hnd("dataFeed_jvndb_detail_hnd.xml");
    let feed = read_ok("detail.xml", &data);
    assert_eq!(feed.format, Format::JvnDetail);
    assert_eq!(feed.advisories.len(), count(&data, "<Vulinfo>"));
    assert_eq!(feed.advisories.len(), 7);
    assert!(feed.advisories.iter().all(|a| a.id.starts_with("JVNDB-") && a.title.is_some()));
    let nec = find(&feed, "JVNDB-2025-000002");
    assert_eq!(nec.affected.len(), 11);
    assert!(nec.affected.iter().all(|x| x.vendor == "日本電気"));
    assert_eq!(nec.aliases, ["CVE-2025-0354", "CVE-2025-0355", "CVE-2025-0356"]);
    let bid = find(&feed, "JVNDB-2022-000097");
    assert_eq!(bid.affected[0].product, "電子入札コアシステム");
    assert_eq!(bid.affected[0].versions[0].version, "v6 R4 およびそれ以前のバージョン");
    assert_eq!(bid.aliases.len(), 3);
}

#[test]
fn overview_list_reads_every_item() {
    let data = hnd("getVulnOverviewList_hnd.xml");
    let feed = read_ok("overview.xml", &data);
    assert_eq!(feed.format, Format::JvnOverview);
    assert_eq!(feed.advisories.len(), count(&data, "<item "));
    let a = find(&feed, "JVNDB-2025-002953");
    assert_eq!(
        a.title.as_deref(),
        Some("WordPress 用 Sunshine Photo Cart における信頼できないデータのデシリアライゼーションに関する脆弱性")
    );
    assert_eq!(a.source, Source::Jvn);
    assert_eq!(a.aliases, ["CVE-2025-31084"]);
    assert_eq!(a.cwes, ["CWE-502"]);
    assert_eq!(a.cvss.len(), 1);
    assert_eq!((a.cvss[0].version.as_str(), a.cvss[0].score), ("3.0", 9.8));
    assert_eq!(a.cvss[0].vector, "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
    assert_eq!(a.references[0], "https://jvndb.jvn.jp/ja/contents/2025/JVNDB-2025-002953.html");
    assert_eq!(a.published.as_deref(), Some("2025-04-04T14:45:58+09:00"));
    let b = find(&feed, "JVNDB-2025-002884");
    let products: Vec<_> = b.affected.iter().map(|x| x.product.as_str()).collect();
    assert_eq!(products, ["Industrial Data Center (IDC) with Veeam", "VersaVirtual Appliance (VVA) with Veeam"]);
    assert_eq!(b.affected[0].vendor, "Rockwell Automation");
    assert_eq!(b.affected[0].cpes, ["cpe:/a:rockwellautomation:industrial_data_center_%28idc%29_with_veeam"]);
    assert!(b.cvss.is_empty());
    // The channel's own title must not leak into an item.
    assert!(feed.advisories.iter().all(|a| a.title.as_deref() != Some("JVNDB　脆弱性対策情報")));
}

#[test]
fn rss_data_feed_reads_items_despite_its_unquoted_status_attribute() {
    let data = hnd("dataFeed_jvndb_rss_hnd.xml");
    let feed = read_ok("rss.xml", &data);
    assert_eq!(feed.format, Format::JvnOverview);
    assert_eq!(feed.advisories.len(), count(&data, "<item "));
    let a = find(&feed, "JVNDB-2023-028578");
    assert_eq!(a.title.as_deref(), Some("LG Electronics の LG Simple Editor におけるパストラバーサルの脆弱性"));
    assert_eq!(a.aliases, ["CVE-2023-40496"]);
    assert_eq!(a.cwes, ["CWE-22"]);
    assert_eq!(a.affected[0].product, "LG Simple Editor");
    assert_eq!(a.best_cvss().map(|c| c.score), Some(7.5));
    assert_eq!(find(&feed, "JVNDB-2023-028577").cwes, ["CWE-749", "CWE-Other"]);
}

#[test]
fn other_myjvn_answers_are_not_advisories() {
    let cases = [
        ("getVendorList_hnd.xml", "MyJVN getVendorList response"),
        ("getProductList_hnd.xml", "MyJVN getProductList response"),
        ("getAlertList_hnd.xml", "MyJVN getAlertList response"),
        ("getStatistics_hnd_sumAll.xml", "MyJVN getStatistics response"),
        ("getStatistics_hnd_sumCvss.xml", "MyJVN getStatistics response"),
        ("getStatistics_hnd_sumJvnDb.xml", "MyJVN getStatistics response"),
        ("dataFeed_myjvn_vendor_hnd.xml", "MyJVN getVendorList data feed"),
        ("dataFeed_myjvn_product_hnd.xml", "MyJVN getProductList data feed"),
    ];
    for (name, expected) in cases {
        match read_err(name, &hnd(name)) {
            Error::NotAdvisories { what, hint, .. } => {
                assert_eq!(what, expected, "{name}");
                assert!(hint.contains("getVulnDetailInfo"), "{hint}");
            }
            e => panic!("{name}: {e}"),
        }
    }
}

const RESULT_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Result version="3.3" xmlns="http://jvndb.jvn.jp/myjvn/Results" xmlns:status="http://jvndb.jvn.jp/myjvn/Status">"#;

#[test]
fn api_error_status_is_reported_with_its_message() {
    let xml = format!(
        r#"{RESULT_HEAD}<status:Status version="3.3" method="getVulnDetailInfo" retCd="1" retMax=""
        errCd="MJERR001" errMsg="パラメタ vulnId の値が不正です" totalRes="" totalResRet="" firstRes="" /></Result>"#
    );
    match read_err("err.xml", xml.as_bytes()) {
        Error::Malformed { reason, .. } => {
            assert!(reason.contains("パラメタ vulnId の値が不正です"), "{reason}");
            assert!(reason.contains("MJERR001"), "{reason}");
        }
        e => panic!("{e}"),
    }
    // The same inside an otherwise normal VULDEF answer.
    let vuldef = r#"<VULDEF-Document xmlns="http://jvn.jp/vuldef/" xmlns:status="http://jvndb.jvn.jp/myjvn/Status">
        <status:Status method="getVulnDetailInfo" retCd="1" errCd="E" errMsg="too many requests"/></VULDEF-Document>"#;
    let e = read_err("err2.xml", vuldef.as_bytes());
    assert!(matches!(&e, Error::Malformed { reason, .. } if reason.contains("too many requests")), "{e}");
    // A bare status element as the whole answer.
    let bare =
        r#"<status:Status xmlns:status="http://jvndb.jvn.jp/myjvn/Status" retCd="1" errMsg="メソッド名が不正です"/>"#;
    let e = read_err("err3.xml", bare.as_bytes());
    assert!(matches!(&e, Error::Malformed { reason, .. } if reason.contains("メソッド名が不正です")), "{e}");
}

#[test]
fn a_search_without_hits_is_an_empty_feed() {
    for (method, format) in [("getVulnOverviewList", Format::JvnOverview), ("getVulnDetailInfo", Format::JvnDetail)] {
        let xml = format!(
            r#"{RESULT_HEAD}<status:Status version="3.3" method="{method}" retCd="0" errCd="" errMsg=""
            totalRes="0" totalResRet="0" firstRes="1"/></Result>"#
        );
        let feed = read_ok("empty.xml", xml.as_bytes());
        assert_eq!((feed.format, feed.records()), (format, 0));
    }
}

#[test]
fn xml_that_is_not_myjvn_is_an_unknown_format() {
    let cases: [(&str, &[u8]); 4] = [
        ("page.xhtml", b"<?xml version=\"1.0\"?><html><body>hi</body></html>"),
        ("news.rdf", b"<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><item/></rdf:RDF>"),
        ("atom.xml", b"<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>x</title></feed>"),
        ("vuldef_3.2.xsd", &bytes("myjvn-np/schemas/hnd/vuldef_3.2.xsd")),
    ];
    for (name, data) in cases {
        match read_err(name, data) {
            Error::UnknownFormat { reason, .. } => assert!(reason.contains("not a MyJVN response (root <"), "{reason}"),
            e => panic!("{name}: {e}"),
        }
    }
}

#[test]
fn a_vulinfo_without_id_is_a_bad_record() {
    let data = String::from_utf8(bytes("go-myjvn-testdata/vuldef_vuldef_data1.xml")).unwrap_or_default();
    let broken = data.replace("<VulinfoID>JVNDB-2018-000024</VulinfoID>", "");
    match read_err("noid.xml", broken.as_bytes()) {
        Error::BadRecord { record, reason, .. } => {
            assert_eq!(record, "Vulinfo[1]");
            assert!(reason.contains("VulinfoID") && reason.contains("line"), "{reason}");
        }
        e => panic!("{e}"),
    }
    let bad_score = data.replace("<Base>8.8</Base>", "<Base>high</Base>");
    match read_err("score.xml", bad_score.as_bytes()) {
        Error::BadRecord { record, .. } => assert_eq!(record, "Vulinfo[1] JVNDB-2018-000024"),
        e => panic!("{e}"),
    }
}

#[test]
fn an_item_without_identifier_is_a_bad_record() {
    let data = String::from_utf8(hnd("getVulnOverviewList_hnd.xml")).unwrap_or_default();
    let broken = data.replace("<sec:identifier>JVNDB-2025-002884</sec:identifier>", "");
    match read_err("noid.xml", broken.as_bytes()) {
        Error::BadRecord { record, .. } => assert_eq!(record, "item[1]"),
        e => panic!("{e}"),
    }
    let bad = data.replace(r#"score="9.8""#, r#"score="99""#);
    assert!(matches!(read_err("score.xml", bad.as_bytes()), Error::BadRecord { .. }));
}

#[test]
fn prefixed_vuldef_2_style_documents_read_the_same() {
    let xml = r#"<?xml version="1.0" encoding="utf-8"?>
<v:VULDEF-Document xmlns:v="http://jvn.jp/vuldef/" version="2.0">
  <v:Vulinfo><v:VulinfoID>JVNDB-2009-000001</v:VulinfoID><v:VulinfoData>
    <v:Title>旧形式 &amp; テスト &#x8106;弱性</v:Title>
    <v:Affected><v:AffectedItem affectedstatus="vulnerable"><v:Name>サンプル社</v:Name>
      <v:ProductName>製品</v:ProductName>
      <v:VersionNumber>v<v:RangeBegin>1.0</v:RangeBegin><v:RangeEnd>1.4</v:RangeEnd></v:VersionNumber>
    </v:AffectedItem></v:Affected>
    <v:Impact><v:Cvss version="2.0"><v:Severity>High</v:Severity><v:Score>7.5</v:Score></v:Cvss></v:Impact>
    <v:Related><v:RelatedItem type="advisory"><v:Name>CVE</v:Name><v:VulinfoID>CVE-2009-12345</v:VulinfoID>
      <v:URL>https://www.cve.org/CVERecord?id=CVE-2009-12345</v:URL></v:RelatedItem></v:Related>
    <v:DatePublic>2009-01-05</v:DatePublic>
  </v:VulinfoData></v:Vulinfo>
</v:VULDEF-Document>"#;
    let feed = read_ok("old.xml", xml.as_bytes());
    let a = &feed.advisories[0];
    assert_eq!(a.title.as_deref(), Some("旧形式 & テスト 脆弱性"));
    assert_eq!(a.affected[0].vendor, "サンプル社");
    assert_eq!(a.affected[0].versions[0].version, "v 1.0 から 1.4 まで");
    assert_eq!(a.cvss[0].score, 7.5);
    assert_eq!(a.aliases, ["CVE-2009-12345"]);
    // No DateFirstPublished: the public date stands in.
    assert_eq!(a.published.as_deref(), Some("2009-01-05"));
}

#[test]
fn entity_tricks_are_refused() {
    let laughs = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>
<VULDEF-Document><Vulinfo><VulinfoID>&lol2;</VulinfoID></Vulinfo></VULDEF-Document>"#;
    assert!(matches!(read_err("lol.xml", laughs.as_bytes()), Error::Malformed { .. }));
    let xxe = r#"<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><VULDEF-Document>&x;</VULDEF-Document>"#;
    assert!(matches!(read_err("xxe.xml", xxe.as_bytes()), Error::Malformed { .. }));
    let undeclared = "<VULDEF-Document><Vulinfo><VulinfoID>&x;</VulinfoID></Vulinfo></VULDEF-Document>";
    assert!(matches!(read_err("ent.xml", undeclared.as_bytes()), Error::Malformed { .. }));
    let deep = format!("<VULDEF-Document>{}", "<a>".repeat(10_000));
    assert!(matches!(read_err("deep.xml", deep.as_bytes()), Error::Malformed { .. }));
    let sjis = b"<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><VULDEF-Document/>";
    assert!(matches!(read_err("sjis.xml", sjis), Error::Malformed { .. }));
}

#[test]
fn truncated_files_are_malformed_at_every_cut() {
    let files = [
        ("getVulnDetailInfo_hnd_JVNDB-2021-002774.xml", 1),
        ("getVulnOverviewList_hnd.xml", 1),
        ("dataFeed_jvndb_rss_hnd.xml", 3),
        ("dataFeed_jvndb_detail_hnd.xml", 29),
        ("getVendorList_hnd.xml", 7),
    ];
    for (name, step) in files {
        let data = hnd(name);
        // Cutting after the root's closing `>` leaves a whole document; cutting at 0 leaves
        // an empty file, which is no feed at all.
        let end = data.iter().rposition(|&b| b == b'>').unwrap_or(0);
        for cut in (1..end).step_by(step) {
            match read_err(name, &data[..cut]) {
                Error::Malformed { reason, .. } => {
                    assert!(reason.contains("line") || reason.contains("no XML root"), "cut {cut}: {reason}")
                }
                e => panic!("{name} cut at {cut}: {e}"),
            }
        }
    }
}

#[test]
fn a_truncated_file_says_where() {
    let data = hnd("getVulnDetailInfo_hnd_JVNDB-2018-009328.xml");
    let e = read_err("cut.xml", &data[..data.len() / 2]);
    assert!(e.to_string().contains("truncated"), "{e}");
}

/// xorshift64*: the same mutations on every run, so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).unwrap_or(0)
    }
}

#[test]
fn random_byte_flips_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let names = [
        "getVulnDetailInfo_hnd_JVNDB-2017-009608.xml",
        "getVulnOverviewList_hnd.xml",
        "dataFeed_jvndb_rss_hnd.xml",
        "getVendorList_hnd.xml",
        "getAlertList_hnd.xml",
    ];
    for name in names {
        let original = hnd(name);
        for _ in 0..400 {
            let mut data = original.clone();
            for _ in 0..1 + rng.below(4) {
                let i = rng.below(data.len());
                match rng.below(3) {
                    0 => data[i] ^= 1 << rng.below(8),
                    1 => data[i] = b"<>&\"'/=;#x"[rng.below(10)],
                    _ => data[i] = u8::try_from(rng.below(256)).unwrap_or(0),
                }
            }
            if let Err(e) = feed::read(&data, name) {
                assert!(e.to_string().starts_with(&format!("{name}: ")), "{e}");
            }
        }
    }
}
