//! An instance's values as the fields they become: the text, numbers and booleans that the
//! `evtx` crate's JSON renderer writes for them, and that decoding that JSON gives back.

use jiff::Timestamp;
use serde_json::{Number, Value};

use super::Unsupported;
use crate::event::Fields;
use crate::event::fields::How;

/// Where one value lies in the chunk, and its type.
#[derive(Debug, Clone, Copy)]
pub(super) struct Slot {
    pub(super) kind: u8,
    pub(super) start: usize,
    pub(super) len: usize,
}

/// What an empty value (null, or a string or binary of nothing: the JSON renderer writes no
/// text for it) becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Empty {
    /// No field (a `System` element or attribute).
    Skip,
    /// The empty string (an `EventData` member).
    Blank,
}

/// Value types (MS-EVEN6 2.2.3.3).
pub(super) mod kind {
    pub(in crate::event::binxml) const NULL: u8 = 0x00;
    pub(in crate::event::binxml) const STRING: u8 = 0x01;
    pub(in crate::event::binxml) const INT8: u8 = 0x03;
    pub(in crate::event::binxml) const UINT8: u8 = 0x04;
    pub(in crate::event::binxml) const INT16: u8 = 0x05;
    pub(in crate::event::binxml) const UINT16: u8 = 0x06;
    pub(in crate::event::binxml) const INT32: u8 = 0x07;
    pub(in crate::event::binxml) const UINT32: u8 = 0x08;
    pub(in crate::event::binxml) const INT64: u8 = 0x09;
    pub(in crate::event::binxml) const UINT64: u8 = 0x0a;
    pub(in crate::event::binxml) const BOOL: u8 = 0x0d;
    pub(in crate::event::binxml) const BINARY: u8 = 0x0e;
    pub(in crate::event::binxml) const GUID: u8 = 0x0f;
    pub(in crate::event::binxml) const SIZE_T: u8 = 0x10;
    pub(in crate::event::binxml) const FILETIME: u8 = 0x11;
    pub(in crate::event::binxml) const SID: u8 = 0x13;
    pub(in crate::event::binxml) const HEX_INT32: u8 = 0x14;
    pub(in crate::event::binxml) const HEX_INT64: u8 = 0x15;
    pub(in crate::event::binxml) const BINXML: u8 = 0x21;
    pub(in crate::event::binxml) const STRING_ARRAY: u8 = 0x81;
}

/// Whether `kind` is a value type at all (MS-EVEN6 2.2.3.3, as the `evtx` crate lists them).
pub(super) fn is_type(kind: u8) -> bool {
    matches!(kind, 0x00..=0x15 | 0x20 | 0x21 | 0x23 | 0x81..=0x95)
}

/// Whether values of `kind` sized `len` are read here; the others (ANSI text, floats, system
/// times, arrays, nested BinXML) send their chunk to the JSON renderer.
pub(super) fn check(kind: u8, len: usize) -> Result<(), Unsupported> {
    let fits = match kind {
        kind::NULL | kind::STRING | kind::BINARY => kind != kind::STRING || len.is_multiple_of(2),
        kind::INT8 | kind::UINT8 => len == 1,
        kind::INT16 | kind::UINT16 => len == 2,
        kind::INT32 | kind::UINT32 | kind::BOOL | kind::HEX_INT32 => len == 4,
        kind::INT64 | kind::UINT64 | kind::FILETIME | kind::HEX_INT64 => len == 8,
        kind::SIZE_T => len == 4 || len == 8,
        kind::GUID => len == 16,
        kind::SID => len >= 8,
        kind::BINXML => true,
        // Read only as the sole unnamed `Data` ([`strings`]).
        kind::STRING_ARRAY => len.is_multiple_of(2),
        _ => return Err(Unsupported("a value of a type read only as JSON")),
    };
    if fits { Ok(()) } else { Err(Unsupported("a value whose size does not fit its type")) }
}

/// Puts the value in `slot` of `chunk` under `name` (with its hash) as [`Fields::insert`]
/// would put its JSON (or as `how` says); returns the time when it is one.
pub(super) fn put(
    chunk: &[u8],
    slot: Slot,
    fields: &mut Fields,
    (name, hash): (&str, u64),
    how: How,
    empty: Empty,
) -> Result<Option<Timestamp>, Unsupported> {
    let bytes = &chunk[slot.start..slot.start + slot.len];
    let le = |n: usize| -> [u8; 8] {
        let mut b = [0; 8];
        b[..n].copy_from_slice(&bytes[..n]);
        b
    };
    let le4 = || u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    let json = |fields: &mut Fields, value: Value| fields.insert_hashed(name, hash, how, value);
    let number = |fields: &mut Fields, n: Number| json(fields, Value::Number(n));
    let is_empty = match slot.kind {
        kind::NULL => true,
        kind::STRING => bytes.len() < 2 || bytes[..2] == [0, 0],
        kind::BINARY => bytes.is_empty(),
        _ => false,
    };
    if is_empty {
        if empty == Empty::Blank {
            fields.insert_text_with(name, hash, how, |_| {});
        }
        return Ok(None);
    }
    match slot.kind {
        kind::STRING => {
            let mut clean = true;
            fields.insert_text_with(name, hash, how, |text| clean = push_utf16(until_nul(bytes), text));
            if !clean {
                return Err(UNPAIRED);
            }
        }
        kind::INT8 => number(fields, (bytes[0] as i8).into()),
        kind::UINT8 => number(fields, bytes[0].into()),
        kind::INT16 => number(fields, i16::from_le_bytes([bytes[0], bytes[1]]).into()),
        kind::UINT16 => number(fields, u16::from_le_bytes([bytes[0], bytes[1]]).into()),
        kind::INT32 => number(fields, (le4() as i32).into()),
        kind::UINT32 => number(fields, le4().into()),
        kind::INT64 => number(fields, i64::from_le_bytes(le(8)).into()),
        kind::UINT64 => number(fields, u64::from_le_bytes(le(8)).into()),
        kind::BOOL => match le4() as i32 {
            0 => json(fields, Value::Bool(false)),
            1 => json(fields, Value::Bool(true)),
            other => number(fields, other.into()),
        },
        kind::BINARY => fields.insert_text_with(name, hash, how, |text| {
            for b in bytes {
                text.push(HEX_UPPER[usize::from(b >> 4)] as char);
                text.push(HEX_UPPER[usize::from(b & 0xf)] as char);
            }
        }),
        kind::GUID => fields.insert_text_with(name, hash, how, |text| {
            text.push('{');
            for (i, &at) in [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15].iter().enumerate() {
                if matches!(i, 4 | 6 | 8 | 10) {
                    text.push('-');
                }
                text.push(HEX_LOWER[usize::from(bytes[at] >> 4)] as char);
                text.push(HEX_LOWER[usize::from(bytes[at] & 0xf)] as char);
            }
            text.push('}');
        }),
        kind::SIZE_T | kind::HEX_INT32 | kind::HEX_INT64 => {
            fields.insert_text_with(name, hash, how, |text| hex(u64::from_le_bytes(le(slot.len)), text))
        }
        kind::FILETIME => {
            let ticks = u64::from_le_bytes(le(8));
            let (time, written) = filetime(ticks)?;
            fields.insert_text_with(name, hash, how, |text| text.push_str(written.as_str()));
            return Ok(Some(time));
        }
        // As many sub-authorities as it says: the `evtx` crate reads them past the end of a
        // shorter value.
        kind::SID if bytes.len() != 8 + 4 * usize::from(bytes[1]) => {
            return Err(Unsupported("a SID whose size does not fit its count"));
        }
        kind::SID => fields.insert_text_with(name, hash, how, |text| sid(bytes, text)),
        _ => return Err(Unsupported("a value of a type read only as JSON")),
    }
    Ok(None)
}

/// A list of strings, each ended by a NUL, as the JSON renderer lists them (one alone as it is).
pub(super) fn strings(chunk: &[u8], slot: Slot) -> Result<Value, Unsupported> {
    let bytes = &chunk[slot.start..slot.start + slot.len];
    if bytes.len() < 2 || !bytes.len().is_multiple_of(2) || bytes[bytes.len() - 2..] != [0, 0] {
        return Err(Unsupported("a list of strings not ended by a NUL"));
    }
    let mut items = Vec::new();
    let mut rest = &bytes[..bytes.len() - 2];
    loop {
        let text = until_nul(rest);
        let end = text.len();
        let mut item = String::new();
        if !push_utf16(text, &mut item) {
            return Err(UNPAIRED);
        }
        items.push(Value::String(item));
        if end == rest.len() {
            break;
        }
        rest = &rest[end + 2..];
    }
    // One string is written as a string, not a list of one.
    Ok(if items.len() == 1 { items.pop().expect("one") } else { Value::Array(items) })
}

/// The value in `slot` as the JSON renderer writes it in a list (an empty one as `""`).
pub(super) fn json(chunk: &[u8], slot: Slot) -> Result<Value, Unsupported> {
    let mut one = Fields::default();
    put(chunk, slot, &mut one, ("", Fields::hash("")), How::New, Empty::Blank)?;
    Ok(one.get("").map_or(Value::Null, |v| v.to_json()))
}

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";
const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";

/// The UTF-16 code units up to the first NUL, as the renderer cuts strings.
pub(super) fn until_nul(bytes: &[u8]) -> &[u8] {
    // Eight code units at a time while none is NUL (a zero lane sets its top bit in
    // `x - 1 & !x`), then one at a time.
    const ONE: u128 = 0x0001_0001_0001_0001_0001_0001_0001_0001;
    const TOP: u128 = 0x8000_8000_8000_8000_8000_8000_8000_8000;
    let at = 16 * words(bytes).take_while(|&x| x.wrapping_sub(ONE) & !x & TOP == 0).count();
    let units = at / 2 + bytes[at..].chunks_exact(2).take_while(|u| u != &[0, 0]).count();
    &bytes[..2 * units]
}

/// How many bytes of UTF-16LE text its leading ASCII takes (a whole number of code units).
fn ascii_prefix(bytes: &[u8]) -> usize {
    // ASCII code units are those whose bits above the lowest seven are all clear.
    const HIGH: u128 = 0xff80_ff80_ff80_ff80_ff80_ff80_ff80_ff80;
    let at = 16 * words(bytes).take_while(|&x| x & HIGH == 0).count();
    at + 2 * bytes[at..].chunks_exact(2).take_while(|u| u[1] == 0 && u[0] < 0x80).count()
}

/// UTF-16LE text as words of eight code units, each code unit a 16-bit lane (the first in the
/// lowest bits); a shorter tail is left out.
fn words(bytes: &[u8]) -> impl Iterator<Item = u128> + '_ {
    bytes.chunks_exact(16).map(|w| u128::from_le_bytes(w.try_into().expect("16 bytes")))
}

/// UTF-16LE text up to its first NUL as UTF-8, as the `evtx` crate reads names and text in
/// templates.
pub(super) fn utf16(bytes: &[u8]) -> Result<String, Unsupported> {
    let mut s = String::with_capacity(bytes.len() / 2);
    if push_utf16(until_nul(bytes), &mut s) { Ok(s) } else { Err(UNPAIRED) }
}

/// Whether UTF-16LE text up to its first NUL is well formed (no unpaired surrogate).
pub(super) fn is_utf16(bytes: &[u8]) -> bool {
    let units = until_nul(bytes).chunks_exact(2).map(|u| u16::from_le_bytes([u[0], u[1]]));
    char::decode_utf16(units).all(|c| c.is_ok())
}

/// Appends UTF-16LE text as UTF-8; false when it held an unpaired surrogate (written as
/// U+FFFD: the JSON path may not agree, so the caller gives up the chunk).
pub(super) fn push_utf16(bytes: &[u8], out: &mut String) -> bool {
    // Nearly all text in event logs is ASCII: its leading run is narrowed here, a piece at a
    // time through a buffer on the stack (a loop the compiler vectorizes, and a check of the
    // ASCII that is cheap), and only what follows is decoded.
    let ascii = ascii_prefix(bytes);
    let mut narrow = [0u8; 256];
    for piece in bytes[..ascii].chunks(2 * narrow.len()) {
        let n = piece.len() / 2;
        for (to, unit) in narrow.iter_mut().zip(piece.chunks_exact(2)) {
            *to = unit[0];
        }
        out.push_str(std::str::from_utf8(&narrow[..n]).expect("ASCII"));
    }
    let rest = &bytes[ascii..];
    if rest.is_empty() {
        return true;
    }
    let mut decoder = encoding_rs::UTF_16LE.new_decoder_without_bom_handling();
    out.reserve(decoder.max_utf8_buffer_length(rest.len()).unwrap_or(rest.len() * 3 / 2 + 4));
    // With that room reserved the whole text is decoded at once.
    let (_, _, replaced) = decoder.decode_to_string(rest, out, true);
    !replaced
}

const UNPAIRED: Unsupported = Unsupported("text with an unpaired surrogate");

/// A time written out: `2019-03-19T23:34:25.1234567Z`.
struct Written([u8; 28]);

impl Written {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("digits and ASCII")
    }
}

const TICKS_PER_SECOND: u64 = 10_000_000;

/// The instant a FILETIME (100 ns ticks from 1601-01-01 UTC) counts to, as the `evtx` crate
/// converts it; `None` past what a time can hold.
pub(super) fn time_of_filetime(ticks: u64) -> Option<Timestamp> {
    // Seconds from 1601-01-01 to 1970-01-01.
    const TO_UNIX: i64 = 11_644_473_600;
    let seconds = (ticks / TICKS_PER_SECOND) as i64 - TO_UNIX;
    Timestamp::new(seconds, ((ticks % TICKS_PER_SECOND) * 100) as i32).ok()
}

/// A FILETIME as the renderer writes it, and as a time.
fn filetime(ticks: u64) -> Result<(Timestamp, Written), Unsupported> {
    let time = time_of_filetime(ticks).ok_or(OUT_OF_RANGE)?;
    let fraction = (ticks % TICKS_PER_SECOND) as u32;
    let t = jiff::tz::Offset::UTC.to_datetime(time);
    if !(1601..=9999).contains(&t.year()) {
        return Err(OUT_OF_RANGE);
    }
    let mut out = *b"0000-00-00T00:00:00.0000000Z";
    let digits = |out: &mut [u8], mut value: u32| {
        for b in out.iter_mut().rev() {
            *b = b'0' + (value % 10) as u8;
            value /= 10;
        }
    };
    digits(&mut out[0..4], t.year() as u32);
    digits(&mut out[5..7], t.month() as u32);
    digits(&mut out[8..10], t.day() as u32);
    digits(&mut out[11..13], t.hour() as u32);
    digits(&mut out[14..16], t.minute() as u32);
    digits(&mut out[17..19], t.second() as u32);
    digits(&mut out[20..27], fraction);
    Ok((time, Written(out)))
}

const OUT_OF_RANGE: Unsupported = Unsupported("a time out of the range read here");

/// A SID as `S-1-5-21-...`.
fn sid(bytes: &[u8], out: &mut String) {
    let authority = u64::from_be_bytes([0, 0, bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7]]);
    out.push_str("S-");
    decimal(u64::from(bytes[0]), out);
    out.push('-');
    decimal(authority, out);
    for sub in bytes[8..].chunks_exact(4).take(usize::from(bytes[1])) {
        out.push('-');
        decimal(u64::from(u32::from_le_bytes(sub.try_into().expect("4"))), out);
    }
}

/// `n` in decimal (`write!` cost a tenth of reading a Security record, most of it in SIDs).
fn decimal(mut n: u64, out: &mut String) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&digits[at..]).expect("digits"));
}

/// `n` as `0x` and its lowercase hex digits, as the renderer writes hex integers.
fn hex(n: u64, out: &mut String) {
    let mut digits = [0u8; 16];
    let mut at = digits.len();
    let mut n = n;
    loop {
        at -= 1;
        digits[at] = HEX_LOWER[(n & 0xf) as usize];
        n >>= 4;
        if n == 0 {
            break;
        }
    }
    out.push_str("0x");
    out.push_str(std::str::from_utf8(&digits[at..]).expect("hex digits"));
}
