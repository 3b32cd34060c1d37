//! Telling what a file is, and turning text files into a `String`.
//!
//! Excel in Japan writes CSV as Shift_JIS (Microsoft's CP932), as UTF-8 with a BOM ("CSV
//! UTF-8"), and "Unicode text" as UTF-16LE with a BOM; other tools write UTF-8 without one.
//! Nothing in a CSV says which, so the bytes decide: a BOM first, then whether the bytes are
//! valid UTF-8 (Japanese Shift_JIS text almost never is), and Shift_JIS last. A file that is
//! none of these is refused rather than decoded with replacement characters, which would be
//! stored as garbage.

use encoding_rs::{DecoderResult, SHIFT_JIS};

use crate::error::Error;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
const UTF16LE_BOM: &[u8] = b"\xFF\xFE";
const ZIP: &[u8] = b"PK\x03\x04";
/// The OLE compound file header of Excel 97-2003 `.xls` workbooks.
const CFB: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// What a file turned out to be.
#[derive(Debug)]
pub(crate) enum Decoded {
    /// Delimited text.
    Text(Text),
    /// An xlsx workbook (a zip), to be read by calamine.
    Xlsx,
}

/// A text file's decoded content.
#[derive(Debug)]
pub(crate) struct Text {
    /// The text, without a BOM.
    pub(crate) text: String,
    /// How it was encoded, for [`Parsed::encoding`](crate::Parsed::encoding).
    pub(crate) encoding: &'static str,
    /// Excel's "Unicode text" is always tab-separated, whatever its header holds.
    pub(crate) tab_separated: bool,
}

/// Decides what `bytes` are and decodes text.
pub(crate) fn decode(bytes: &[u8], file: &str) -> Result<Decoded, Error> {
    let empty = || Error::Empty { file: file.to_owned() };
    if bytes.is_empty() {
        return Err(empty());
    }
    if bytes.starts_with(ZIP) {
        return Ok(Decoded::Xlsx);
    }
    if bytes.starts_with(CFB) {
        return Err(Error::LegacyXls { file: file.to_owned() });
    }
    let not_text = |line| Error::NotText { file: file.to_owned(), line };
    let (text, encoding, tab_separated) = if let Some(rest) = bytes.strip_prefix(UTF8_BOM) {
        // The BOM says UTF-8: a bad byte after it is damage, not another encoding.
        let text = std::str::from_utf8(rest).map_err(|e| not_text(line_at(rest, e.valid_up_to())))?;
        (text.to_owned(), "UTF-8 (BOM)", false)
    } else if let Some(rest) = bytes.strip_prefix(UTF16LE_BOM) {
        (utf16le(rest).map_err(not_text)?, "UTF-16LE", true)
    } else {
        match std::str::from_utf8(bytes) {
            Ok(text) => (text.to_owned(), "UTF-8", false),
            // Valid multi-byte UTF-8 before the bad byte: a damaged UTF-8 file, so say where.
            Err(e) if !bytes[..e.valid_up_to()].is_ascii() => {
                return Err(not_text(line_at(bytes, e.valid_up_to())));
            }
            Err(_) => (shift_jis(bytes).map_err(not_text)?, "Shift_JIS", false),
        }
    };
    if let Some(at) = text.find('\0') {
        // NUL never appears in a register; it does in binary files that happen to decode.
        return Err(not_text(line_at(text.as_bytes(), at)));
    }
    if text.trim().is_empty() {
        return Err(empty());
    }
    Ok(Decoded::Text(Text { text, encoding, tab_separated }))
}

/// Decodes CP932, failing with the line of the first malformed byte.
fn shift_jis(bytes: &[u8]) -> Result<String, usize> {
    let mut decoder = SHIFT_JIS.new_decoder_without_bom_handling();
    let capacity = decoder.max_utf8_buffer_length_without_replacement(bytes.len()).ok_or(1usize)?;
    let mut text = String::with_capacity(capacity);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut text, true);
    match result {
        DecoderResult::InputEmpty => Ok(text),
        // `extra` bytes after the bad sequence were read too; the line is the bad byte's.
        DecoderResult::Malformed(_, extra) => Err(line_at(bytes, read.saturating_sub(usize::from(extra) + 1))),
        // Cannot happen with the capacity asked for; refuse rather than truncate.
        DecoderResult::OutputFull => Err(line_at(bytes, read)),
    }
}

/// Decodes UTF-16LE, failing with the line of the first unpaired surrogate or odd byte.
fn utf16le(bytes: &[u8]) -> Result<String, usize> {
    let units = bytes.chunks_exact(2).map(|p| u16::from_le_bytes([p[0], p[1]]));
    let mut text = String::with_capacity(bytes.len());
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => text.push(c),
            Err(_) => return Err(line_at(text.as_bytes(), text.len())),
        }
    }
    if bytes.len() % 2 == 1 {
        return Err(line_at(text.as_bytes(), text.len()));
    }
    Ok(text)
}

/// The 1-based line that byte `at` is on.
fn line_at(bytes: &[u8], at: usize) -> usize {
    let end = at.min(bytes.len());
    bytes[..end].iter().filter(|b| **b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8]) -> (String, &'static str) {
        match decode(bytes, "t.csv") {
            Ok(Decoded::Text(t)) => (t.text, t.encoding),
            other => panic!("{other:?}"),
        }
    }

    fn error(bytes: &[u8]) -> String {
        decode(bytes, "t.csv").unwrap_err().to_string()
    }

    #[test]
    fn encodings() {
        assert_eq!(text("名称\n".as_bytes()), ("名称\n".into(), "UTF-8"));
        assert_eq!(text(b"\xEF\xBB\xBFa"), ("a".into(), "UTF-8 (BOM)"));
        // 名称 in Shift_JIS.
        assert_eq!(text(b"\x96\xbc\x8f\xcc\r\n"), ("名称\r\n".into(), "Shift_JIS"));
        assert_eq!(text(b"\xFF\xFEa\0\t\0b\0"), ("a\tb".into(), "UTF-16LE"));
        assert!(matches!(decode(b"PK\x03\x04rest", "x"), Ok(Decoded::Xlsx)));
    }

    #[test]
    fn refusals_say_where() {
        assert_eq!(error(b""), "t.csv: the file is empty");
        assert_eq!(error(b"\xEF\xBB\xBF \r\n"), "t.csv: the file is empty");
        assert!(error(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1").contains(".xls"));
        // UTF-8 Japanese, then a stray byte on line 2.
        let mut damaged = "名称\nab".as_bytes().to_vec();
        damaged.push(0xFF);
        assert!(error(&damaged).contains("line 2:"), "{}", error(&damaged));
        // Shift_JIS with an invalid trail byte on line 3.
        assert!(error(b"a\nb\n\x96\x00").contains("line 3:"));
        // A lead byte cut off by the end of the line is on that line, not the next.
        assert!(error(b"a\n\x96\nb").contains("line 2:"), "{}", error(b"a\n\x96\nb"));
        assert!(error(b"a\nb\0").contains("line 2:"));
        assert!(error(b"\xFF\xFEa\0\x00\xD8").contains("line 1:"));
        assert!(error(b"\xFF\xFEa\0b").contains("line 1:"));
    }
}
