//! Feed files: which format a file is, and its records in the engine's own types.
//!
//! Detection looks at the bytes, never at the file name: feeds are renamed, gzipped and
//! saved by browsers under any name.

use std::io::Read;

use serde::Serialize;
use serde::de::{DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::Error;
use crate::advisory::{Advisory, Epss, Kev};

mod cve5;
mod epss;
mod jvn;
mod kev;
mod nvd;
mod walk;

pub use walk::{Loaded, Outcome, load_dir, read_path, walk_files};

/// The largest file [`read`] accepts, compressed or not.
pub const MAX_FILE_BYTES: u64 = 1 << 30;
/// The most a gzip file may expand to.
pub const MAX_GUNZIPPED_BYTES: u64 = 512 << 20;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";

/// The formats the engine reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// An NVD CVE API 2.0 response page (`vulnerabilities[]` of `{ "cve": ... }`).
    NvdApi,
    /// One NVD record: a `{ "cve": ... }` item or the bare `cve` object.
    NvdRecord,
    /// A CVE JSON 5.x record.
    Cve5,
    /// The CISA KEV catalogue as JSON.
    KevJson,
    /// The CISA KEV catalogue as CSV.
    KevCsv,
    /// A FIRST EPSS scores CSV (plain or gzip).
    Epss,
    /// MyJVN `getVulnDetailInfo` (VULDEF XML).
    JvnDetail,
    /// MyJVN `getVulnOverviewList` or the JVNDB RSS feed (JVNRSS XML).
    JvnOverview,
}

impl Format {
    /// A short human name for reports.
    pub fn label(self) -> &'static str {
        match self {
            Self::NvdApi => "NVD API 2.0 page",
            Self::NvdRecord => "NVD record",
            Self::Cve5 => "CVE 5 record",
            Self::KevJson => "CISA KEV (JSON)",
            Self::KevCsv => "CISA KEV (CSV)",
            Self::Epss => "EPSS scores",
            Self::JvnDetail => "JVN vulnerability details",
            Self::JvnOverview => "JVN overview list",
        }
    }
}

/// What one feed file holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Feed {
    /// The format detected from the bytes.
    pub format: Format,
    /// NVD, CVE 5 and JVN records.
    pub advisories: Vec<Advisory>,
    /// The KEV catalogue's entries (KEV files only; an advisory's own KEV note is on the advisory).
    pub kev: Vec<Kev>,
    /// EPSS scores (EPSS files only).
    pub epss: Vec<Epss>,
}

impl Feed {
    pub(crate) fn new(format: Format) -> Self {
        Self { format, advisories: Vec::new(), kev: Vec::new(), epss: Vec::new() }
    }

    /// How many records of any kind the file held.
    pub fn records(&self) -> usize {
        self.advisories.len() + self.kev.len() + self.epss.len()
    }
}

/// Reads one feed file of any supported format, detected from `bytes` (gzip, an optional UTF-8
/// BOM, XML, JSON, EPSS or KEV CSV). `file` only names the file in errors.
///
/// A file that is no feed at all (a licence, a JSON Schema, a plain CVE list) gives
/// [`Error::UnknownFormat`]; callers walking a directory skip those.
pub fn read(bytes: &[u8], file: &str) -> Result<Feed, Error> {
    check_size(bytes.len() as u64, MAX_FILE_BYTES, file)?;
    if bytes.starts_with(&GZIP_MAGIC) {
        let plain = gunzip(bytes, file)?;
        if plain.starts_with(&GZIP_MAGIC) {
            return Err(malformed(file, "gzip inside gzip; unpack the outer layer first"));
        }
        return read_plain(&plain, file);
    }
    read_plain(bytes, file)
}

fn check_size(size: u64, max: u64, file: &str) -> Result<(), Error> {
    if size > max { Err(Error::TooLarge { file: file.to_owned(), size, max }) } else { Ok(()) }
}

/// Decompresses into memory, stopping one byte past the limit so a gzip bomb costs no more.
fn gunzip(bytes: &[u8], file: &str) -> Result<Vec<u8>, Error> {
    let mut plain = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .take(MAX_GUNZIPPED_BYTES + 1)
        .read_to_end(&mut plain)
        .map_err(|e| malformed(file, format!("broken gzip data: {e}")))?;
    // At least this big; the true size is not worth inflating the rest to learn.
    check_size(plain.len() as u64, MAX_GUNZIPPED_BYTES, file)?;
    Ok(plain)
}

fn read_plain(bytes: &[u8], file: &str) -> Result<Feed, Error> {
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    if bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff") {
        return Err(malformed(file, "UTF-16 text; feeds are read as UTF-8 (save the file as UTF-8)"));
    }
    let Some(start) = bytes.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Err(unknown(file, "an empty file"));
    };
    let text = &bytes[start..];
    match text.first() {
        Some(b'<') => jvn::read(bytes, file),
        Some(b'{' | b'[') => read_json(bytes, file),
        _ => read_text(bytes, text, file),
    }
}

/// Text formats are told apart by their first line.
fn read_text(bytes: &[u8], text: &[u8], file: &str) -> Result<Feed, Error> {
    let first = text.split(|&b| b == b'\n').next().unwrap_or_default();
    if first.starts_with(b"#model_version") || first.starts_with(b"cve,epss") {
        epss::read(bytes, file)
    } else if first.starts_with(b"cveID,vendorProject") {
        kev::read_csv(bytes, file)
    } else {
        Err(unknown(file, describe_text(text)))
    }
}

/// Why a text that is no feed is none, so the person who dropped it in knows what it is.
fn describe_text(text: &[u8]) -> String {
    let head = &text[..text.len().min(8 * 1024)];
    if head.starts_with(b"PK\x03\x04") {
        return "a zip archive; unpack it and import the files inside".to_owned();
    }
    if head.starts_with(b"%PDF") {
        return "a PDF document, not a feed".to_owned();
    }
    let utf8 = match std::str::from_utf8(head) {
        Ok(s) => s,
        // A multi-byte character cut by the 8 KiB window is still text.
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default(),
        Err(_) => return "binary data, not a feed".to_owned(),
    };
    if utf8.contains('\0') {
        return "binary data, not a feed".to_owned();
    }
    let first = utf8.lines().next().unwrap_or_default().trim();
    let lower = utf8.chars().take(2048).collect::<String>().to_lowercase();
    if is_cve_id(first) {
        "a plain list of CVE ids, not a feed".to_owned()
    } else if first.starts_with("cpe:") {
        "a plain list of CPE names, not a feed".to_owned()
    } else if ["licen", "copyright", "permission is hereby granted"].iter().any(|w| lower.contains(w)) {
        "licence text, not a feed".to_owned()
    } else if first.starts_with('#') || first.starts_with("---") {
        "Markdown text, not a feed".to_owned()
    } else if first.contains(',') {
        let shown: String = first.chars().take(80).collect();
        format!("CSV with header `{shown}`, which is neither an EPSS nor a KEV file")
    } else {
        "plain text, not a feed".to_owned()
    }
}

/// How much of a JSON file the first look reads.
const SNIFF_BYTES: usize = 64 * 1024;

fn read_json(bytes: &[u8], file: &str) -> Result<Feed, Error> {
    // The distinguishing keys come first in every feed; only odd files need the whole look.
    let sniff = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let kind = match Probe::kind(sniff) {
        Ok(kind) => kind,
        Err(_) if sniff.len() < bytes.len() => Probe::kind(bytes).map_err(|e| json_error(file, e))?,
        Err(e) => return Err(json_error(file, e)),
    };
    match kind {
        Kind::NvdPage => nvd::read_page(bytes, file),
        Kind::NvdItem => nvd::read_record(bytes, file, true),
        Kind::NvdBare => nvd::read_record(bytes, file, false),
        Kind::Cve5 => cve5::read(bytes, file),
        Kind::Kev => kev::read_json(bytes, file),
        Kind::Not(reason) => Err(unknown(file, reason)),
    }
}

/// What the first look at a JSON file found.
enum Kind {
    NvdPage,
    NvdItem,
    NvdBare,
    Cve5,
    Kev,
    Not(String),
}

/// The top-level keys that tell JSON feeds apart, noted while serde_json walks the object;
/// the walk stops (with [`STOP`]) as soon as the first record shows what the file is.
#[derive(Default)]
struct Probe {
    schema_url: Option<String>,
    schema_body: bool,
    nvd_format: Option<String>,
    first: Option<First>,
    cve5: bool,
    kev: bool,
    cve_object: bool,
    nvd_fields: bool,
    cve_id: bool,
    osv: bool,
    legacy_nvd: bool,
    cve4: bool,
    csaf: bool,
    stix: bool,
    array: bool,
    keys: Vec<String>,
}

/// The first element of a top-level `vulnerabilities` array.
#[derive(Clone, Copy, PartialEq)]
enum First {
    NvdItem,
    Kev,
    Other,
}

const STOP: &str = "probe decided";

impl Probe {
    fn kind(bytes: &[u8]) -> Result<Kind, serde_json::Error> {
        let mut probe = Probe::default();
        let walked = (&mut probe).deserialize(&mut serde_json::Deserializer::from_slice(bytes));
        match (probe.verdict(), walked) {
            (Some(kind), _) => Ok(kind),
            (None, Err(e)) => Err(e),
            (None, Ok(())) => Ok(Kind::Not(probe.unrecognised())),
        }
    }

    fn verdict(&self) -> Option<Kind> {
        let not = |reason: &str| Some(Kind::Not(reason.to_owned()));
        let schema_url = self.schema_url.as_deref().unwrap_or_default();
        if self.schema_url.is_some() && self.schema_body {
            return not("a JSON Schema, not a feed");
        }
        if schema_url.contains("jvn.jp") {
            return not("a MyJVN API 4.0 JSON response; Mamoru reads MyJVN's XML responses");
        }
        match (self.nvd_format.as_deref(), self.first) {
            (Some("NVD_CVE"), _) | (_, Some(First::NvdItem)) => return Some(Kind::NvdPage),
            (Some(other), _) => {
                return Some(Kind::Not(format!("an NVD API response of format {other}, not CVE records")));
            }
            (None, _) => {}
        }
        if self.cve5 {
            Some(Kind::Cve5)
        } else if self.kev || self.first == Some(First::Kev) {
            Some(Kind::Kev)
        } else if self.cve_object {
            Some(Kind::NvdItem)
        } else if self.osv {
            not("an OSV record, not a feed Mamoru reads")
        } else if self.nvd_fields || self.cve_id {
            Some(Kind::NvdBare)
        } else if self.legacy_nvd {
            not("an NVD 1.1 JSON feed (retired in 2023); use pages of the NVD CVE API 2.0")
        } else if self.cve4 {
            not("a CVE JSON 4.0 record; Mamoru reads CVE JSON 5 records")
        } else if self.csaf {
            not("a CSAF advisory, not a feed Mamoru reads")
        } else if self.stix {
            not("a STIX bundle, not a feed Mamoru reads")
        } else if self.array {
            not("a JSON array, not a feed (expected an NVD API page, an NVD or CVE 5 record, or the KEV catalogue)")
        } else {
            None
        }
    }

    fn unrecognised(&self) -> String {
        if self.keys.is_empty() {
            return "an empty JSON object".to_owned();
        }
        let more = if self.keys.len() > 5 { ", ..." } else { "" };
        format!(
            "JSON with top-level keys {}{more}: not an NVD, CVE 5 or KEV feed",
            self.keys[..self.keys.len().min(5)].join(", ")
        )
    }
}

impl<'de> DeserializeSeed<'de> for &mut Probe {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(Top(self))
    }
}

/// A string value, or `None` for anything else (skipped).
fn text<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<String>, A::Error> {
    Ok(match map.next_value::<serde_json::Value>()? {
        serde_json::Value::String(s) => Some(s),
        _ => None,
    })
}

/// Accepts any scalar a probe visitor does not care about.
macro_rules! skip_scalars {
    () => {
        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
            Ok(())
        }
        fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
            Ok(())
        }
        fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
            Ok(())
        }
        fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
            Ok(())
        }
        fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<(), E> {
            Ok(())
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
            Ok(())
        }
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("any JSON value")
        }
    };
}

fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

struct Top<'a>(&'a mut Probe);

impl<'de> Visitor<'de> for Top<'_> {
    type Value = ();
    skip_scalars!();

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        self.0.array = true;
        Err(A::Error::custom(STOP))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let p = self.0;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "$schema" => p.schema_url = Some(text(&mut map)?.unwrap_or_default()),
                "format" => p.nvd_format = text(&mut map)?.filter(|f| f.starts_with("NVD_")),
                "dataType" => p.cve5 |= text(&mut map)?.as_deref() == Some("CVE_RECORD"),
                "id" => p.cve_id |= text(&mut map)?.as_deref().is_some_and(is_cve_id),
                "type" => p.stix |= text(&mut map)?.as_deref() == Some("bundle"),
                "vulnerabilities" => map.next_value_seed(Look(&mut *p, At::Vulns))?,
                "cve" => map.next_value_seed(Look(&mut *p, At::Cve { in_item: false }))?,
                _ => {
                    let flag = match key.as_str() {
                        "properties" | "definitions" | "$defs" => Some(&mut p.schema_body),
                        "cveMetadata" => Some(&mut p.cve5),
                        "catalogVersion" => Some(&mut p.kev),
                        "sourceIdentifier" | "vulnStatus" => Some(&mut p.nvd_fields),
                        "schema_version" => Some(&mut p.osv),
                        "CVE_Items" | "CVE_data_type" => Some(&mut p.legacy_nvd),
                        "CVE_data_meta" | "data_type" => Some(&mut p.cve4),
                        "document" | "product_tree" => Some(&mut p.csaf),
                        _ => None,
                    };
                    if let Some(flag) = flag {
                        *flag = true;
                    }
                    map.next_value::<IgnoredAny>()?;
                }
            }
            if p.keys.len() <= 5 {
                p.keys.push(key);
            }
        }
        Ok(())
    }
}

/// A value below the top level that the probe looks into.
#[derive(Clone, Copy)]
enum At {
    /// `vulnerabilities: [...]`: its first element tells an NVD page from the KEV catalogue.
    Vulns,
    FirstItem,
    /// A `cve` value: an object makes the file NVD (CSAF's `vulnerabilities[].cve` is a string).
    Cve {
        in_item: bool,
    },
}

struct Look<'a>(&'a mut Probe, At);

impl<'de> DeserializeSeed<'de> for Look<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Look<'_> {
    type Value = ();
    skip_scalars!();

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if let At::Vulns = self.1
            && seq.next_element_seed(Look(&mut *self.0, At::FirstItem))?.is_none()
        {
            return Ok(());
        }
        drain_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let p = self.0;
        match self.1 {
            At::Vulns => return drain_map(map),
            At::Cve { in_item: true } => p.first = Some(First::NvdItem),
            At::Cve { in_item: false } => p.cve_object = true,
            At::FirstItem => {
                p.first = Some(First::Other);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "cve" => map.next_value_seed(Look(&mut *p, At::Cve { in_item: true }))?,
                        "cveID" => {
                            p.first = Some(First::Kev);
                            return Err(A::Error::custom(STOP));
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                return Ok(());
            }
        }
        Err(A::Error::custom(STOP))
    }
}

pub(crate) fn malformed(file: &str, reason: impl Into<String>) -> Error {
    Error::Malformed { file: file.to_owned(), reason: reason.into() }
}

pub(crate) fn unknown(file: &str, reason: impl Into<String>) -> Error {
    Error::UnknownFormat { file: file.to_owned(), reason: reason.into() }
}

pub(crate) fn bad_record(file: &str, record: impl Into<String>, reason: impl Into<String>) -> Error {
    Error::BadRecord { file: file.to_owned(), record: record.into(), reason: reason.into() }
}

/// A whole-file JSON error, worded by what went wrong.
pub(crate) fn json_error(file: &str, e: serde_json::Error) -> Error {
    use serde_json::error::Category;
    match e.classify() {
        Category::Eof => malformed(file, format!("the JSON ends early, the file is probably truncated ({e})")),
        Category::Syntax => malformed(file, format!("not valid JSON: {e}")),
        Category::Data | Category::Io => malformed(file, e.to_string()),
    }
}

/// `CVE-YYYY-NNNN`, with four to nineteen digits in the number as the CVE program allows.
pub(crate) fn is_cve_id(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("CVE-") else { return false };
    let Some((year, num)) = rest.split_once('-') else { return false };
    year.len() == 4
        && (4..=19).contains(&num.len())
        && year.bytes().all(|b| b.is_ascii_digit())
        && num.bytes().all(|b| b.is_ascii_digit())
}

/// A CPE 2.3 formatted string: the prefix, a part, and thirteen fields in all (`\:` is a
/// quoted colon inside a field).
pub(crate) fn is_cpe23(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("cpe:2.3:") else { return false };
    if !matches!(rest.as_bytes().first(), Some(b'a' | b'o' | b'h' | b'*' | b'-')) {
        return false;
    }
    let mut fields = 3;
    let mut escaped = false;
    for b in rest.bytes() {
        match b {
            _ if escaped => escaped = false,
            b'\\' => escaped = true,
            b':' => fields += 1,
            _ => {}
        }
    }
    fields == 13
}

/// `YYYY-MM-DD`, a real date.
pub(crate) fn is_date(s: &str) -> bool {
    s.len() == 10 && s.parse::<jiff::civil::Date>().is_ok()
}

/// The `CWE-nnn` a weakness text starts with, if any (`NVD-CWE-noinfo` and prose give none).
pub(crate) fn cwe_of(s: &str) -> Option<&str> {
    let digits = s.strip_prefix("CWE-")?.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0).then(|| &s[..4 + digits])
}

/// Adds `item` unless it is already there; lists here are short, so a scan beats hashing.
pub(crate) fn push_unique(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|x| x == item) {
        list.push(item.to_owned());
    }
}

/// A `{ "lang": ..., "value": ... }` text, as NVD and CVE 5 write descriptions.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct LangText {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    value: String,
}

/// The English text if there is one, else the first.
pub(crate) fn english(texts: &[LangText]) -> String {
    let pick = texts
        .iter()
        .find(|t| t.lang == "en")
        .or_else(|| texts.iter().find(|t| t.lang.get(..2).is_some_and(|l| l.eq_ignore_ascii_case("en"))))
        .or_else(|| texts.first());
    pick.map(|t| t.value.clone()).unwrap_or_default()
}

/// A reference with its URL (other fields ignored).
#[derive(Debug, serde::Deserialize)]
pub(crate) struct UrlRef {
    #[serde(default)]
    url: String,
}

pub(crate) fn urls(refs: &[UrlRef], into: &mut Vec<String>) {
    for r in refs.iter().filter(|r| !r.url.is_empty()) {
        push_unique(into, &r.url);
    }
}
