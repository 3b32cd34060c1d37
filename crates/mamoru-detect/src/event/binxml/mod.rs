//! EVTX records read straight from their BinXML into events, without rendering them as JSON
//! first: the fast path of `hunt`.
//!
//! Almost every record of a Windows log is one instance of a template: the template (written
//! once per chunk) lays out `Event/System` and `EventData` or `UserData` (in the template, or
//! as a nested instance given as a value), and the instance gives the values. Each template is
//! compiled once into the steps that put its values into an event's fields ([`template`]),
//! under the names the JSON path gives them
//! ([`from_evtx_json_bytes`](crate::event::from_evtx_json_bytes) over the `evtx` crate's
//! rendering), and each record is then its values, converted as that renderer converts them
//! ([`value`]). Compiled shapes are kept by their content, so the chunks of a log that share
//! templates compile them once. On a Security log a record took 2.7 µs to render as JSON and
//! decode, and takes 0.9 µs here (`examples/scan_phases.rs`).
//!
//! A chunk holding anything else (a damaged record, a record of raw elements, a template of
//! another shape, a value of a type not read here) is [`Unsupported`] as a whole, and the
//! caller renders it as JSON: that path stays the reference, and reports damage with the
//! `evtx` crate's messages. `tests::each_chunk_read_here_gives_the_events_the_json_path_gives`
//! holds the two paths equal over every EVTX file in `../shared/data`, and the `events` fuzz
//! target over mutated ones.

mod cursor;
mod template;
mod value;

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use jiff::Timestamp;
use serde_json::Value;

use self::cursor::Cursor;
use self::template::{Place, Shape, Source, Step};
use self::value::{Empty, Slot};
use super::evtx::{time_of, trim_padding};
use super::fields::How;
use super::{Fields, Format, LogEvent};

/// Why a chunk is left to the JSON path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsupported(pub &'static str);

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// A chunk's size and the size of its header, where its records start.
const CHUNK_SIZE: usize = 65_536;
const CHUNK_HEADER_SIZE: usize = 512;
const RECORD_HEADER_SIZE: usize = 24;

/// How much of a chunk its records can use, from its first 512 bytes: up to its free space
/// (a chunk of a small log is mostly empty), or `None` when it is not a chunk's header. Reading
/// only that much of each chunk saved a tenth of a scan of `big.evtx`.
pub fn live_size(header: &[u8]) -> Option<usize> {
    if header.len() < CHUNK_HEADER_SIZE || &header[..8] != b"ElfChnk\0" {
        return None;
    }
    let free = u32::from_le_bytes(header[48..52].try_into().expect("four bytes")) as usize;
    Some(free.clamp(CHUNK_HEADER_SIZE, CHUNK_SIZE))
}

/// What is kept from one chunk to the next: buffers, so that a record allocates nothing.
#[derive(Default)]
pub struct ChunkReader {
    /// The chunk's templates compiled so far, by offset and place.
    shapes: HashMap<(u32, Place), Rc<Shape>, foldhash::fast::RandomState>,
    /// Every chunk's, by place and [`template::key`].
    known: HashMap<Box<[u8]>, Rc<Shape>, foldhash::fast::RandomState>,
    key: Vec<u8>,
    slots: Vec<Slot>,
    /// The fields of the last event, emptied for the next.
    fields: Fields,
    /// The record's time, when its `TimeCreated_SystemTime` is a FILETIME.
    time: Option<Timestamp>,
    /// The names of the chunk's table read so far.
    seen: HashSet<usize, foldhash::fast::RandomState>,
}

impl ChunkReader {
    /// Gives the event of each record of `chunk` (64 KiB, its header first, or only its first
    /// [`live_size`] bytes) to `each`, in record order. On `Err` the chunk is to be read as
    /// JSON instead, and the events given so far (of its first records) are to be taken back.
    pub fn read(&mut self, chunk: &[u8], each: &mut dyn FnMut(&LogEvent)) -> Result<(), Unsupported> {
        self.shapes.clear();
        self.read_records(chunk, each)
    }

    fn read_records(&mut self, chunk: &[u8], each: &mut dyn FnMut(&LogEvent)) -> Result<(), Unsupported> {
        if !(CHUNK_HEADER_SIZE..=CHUNK_SIZE).contains(&chunk.len()) {
            return Err(Unsupported("a chunk cut short"));
        }
        if live_size(chunk).is_none() {
            // The `evtx` crate skips chunks of zeros (dirty logs have them between full ones).
            // Or-ing 64 bytes at a time: a byte-by-byte test with an early exit was not vectorized.
            let blank =
                chunk.len() == CHUNK_SIZE && chunk.chunks_exact(64).all(|run| run.iter().fold(0, |a, &b| a | b) == 0);
            return if blank { Ok(()) } else { Err(Unsupported("a chunk's magic missing")) };
        }
        self.check_names(chunk)?;
        let mut header = Cursor::new(chunk, 32, CHUNK_HEADER_SIZE);
        let last_record_id = header.u64()?;
        header.skip(8)?; // the header's size, the last record's offset
        // A chunk given only up to its free space ends there; whatever its records point to
        // past that end (in a damaged chunk) makes it `Unsupported`, and it is read whole.
        let live_end = (header.u32()? as usize).min(chunk.len());
        // Records follow one another from the header to the free space, as the `evtx` crate
        // walks them; anything it would skip or report sends the chunk to it.
        let mut offset = CHUNK_HEADER_SIZE;
        while offset < live_end {
            let mut record = Cursor::new(chunk, offset, chunk.len());
            if record.bytes(4)? != b"\x2a\x2a\0\0" {
                return Err(Unsupported("a record without its magic"));
            }
            let size = record.u32()? as usize;
            let id = record.u64()?;
            // The `evtx` crate refuses a record whose header's time is not one.
            if value::time_of_filetime(record.u64()?).is_none() {
                return Err(Unsupported("a record whose header's time is not one"));
            }
            let binxml_end = offset + size.checked_sub(4).filter(|&s| s >= RECORD_HEADER_SIZE).ok_or(BAD_SIZE)?;
            if binxml_end > chunk.len() {
                return Err(BAD_SIZE);
            }
            let event = self.record(chunk, offset + RECORD_HEADER_SIZE, binxml_end)?;
            each(&event);
            self.fields = event.fields;
            if id == last_record_id {
                break;
            }
            offset += size;
        }
        Ok(())
    }

    /// The chunk's table of names, read as the `evtx` crate reads it before any record: a
    /// chunk whose table it cannot read is one it reports.
    fn check_names(&mut self, chunk: &[u8]) -> Result<(), Unsupported> {
        self.seen.clear();
        for i in 0..64 {
            let mut offset = Cursor::new(chunk, 128 + 4 * i, CHUNK_HEADER_SIZE).u32()? as usize;
            while offset > 0 && self.seen.insert(offset) {
                let mut entry = Cursor::new(chunk, offset, CHUNK_SIZE);
                let next = entry.u32()? as usize;
                entry.skip(2)?; // the hash
                let units = entry.u16()? as usize;
                if !value::is_utf16(entry.bytes(units * 2)?) {
                    return Err(Unsupported("a name that is not UTF-16"));
                }
                entry.skip(2)?; // the NUL
                offset = next;
            }
        }
        Ok(())
    }

    /// One record: a fragment holding one template instance.
    fn record(&mut self, chunk: &[u8], start: usize, end: usize) -> Result<LogEvent, Unsupported> {
        let mut fields = std::mem::take(&mut self.fields);
        fields.clear();
        self.slots.clear();
        self.time = None;
        let result = self.fragment(chunk, start, end, Place::Record, &mut fields, 0);
        if let Err(e) = result {
            self.fields = fields;
            return Err(e);
        }
        trim_padding(&mut fields);
        // The time as the FILETIME gave it, without writing it out and reading it back.
        let time = self.time.or_else(|| time_of(&fields));
        Ok(LogEvent::from_fields(fields, time, Format::Evtx))
    }

    /// A fragment of one template instance, from `start` to `end`, into `fields`.
    fn fragment(
        &mut self,
        chunk: &[u8],
        start: usize,
        end: usize,
        place: Place,
        fields: &mut Fields,
        depth: usize,
    ) -> Result<(), Unsupported> {
        let mut r = Cursor::new(chunk, start, end);
        // A nested fragment may start with its instance, without the fragment's header.
        if depth == 0 || r.peek()? == 0x0f {
            r.fragment_header()?;
        }
        if r.u8()? != 0x0c || r.u8()? != 0x01 {
            return Err(Unsupported("a fragment that is not a template instance"));
        }
        r.u32()?; // the template's id
        let definition = r.u32()?;
        if definition as usize == r.pos() {
            // Defined here, where it is first used: skip over it.
            r.skip(4 + 16)?;
            let size = r.u32()? as usize;
            r.skip(size)?;
        }
        let shape = match self.shapes.get(&(definition, place)) {
            Some(shape) => shape.clone(),
            None => {
                self.key.clear();
                self.key.push(place as u8);
                template::key(chunk, definition, &mut self.key)?;
                let shape = match self.known.get(self.key.as_slice()) {
                    Some(shape) => shape.clone(),
                    None => {
                        // Bounded against a log of endless distinct templates.
                        if self.known.len() >= MAX_KNOWN {
                            self.known.clear();
                        }
                        let shape = Rc::new(template::compile(chunk, definition, place)?);
                        self.known.insert(self.key.as_slice().into(), shape.clone());
                        shape
                    }
                };
                self.shapes.insert((definition, place), shape.clone());
                shape
            }
        };
        let count = r.u32()? as usize;
        if count < shape.values {
            return Err(Unsupported("an instance with fewer values than its template reads"));
        }
        let descriptors = r.bytes(count.checked_mul(4).ok_or(BAD_SIZE)?)?;
        // This instance's values follow those of the instances it is nested in.
        let first = self.slots.len();
        let mut at = r.pos();
        for d in descriptors.chunks_exact(4) {
            let len = usize::from(u16::from_le_bytes([d[0], d[1]]));
            value::check(d[2], len)?;
            self.slots.push(Slot { kind: d[2], start: at, len });
            at += len;
        }
        r.skip(at - r.pos())?;
        if !r.at_end() && r.u8()? != 0x00 {
            return Err(Unsupported("a fragment with more after its instance"));
        }
        self.fill(chunk, &shape, first, fields, depth)?;
        self.slots.truncate(first);
        Ok(())
    }

    /// Runs `shape`'s steps over the values from `first` on.
    fn fill(
        &mut self,
        chunk: &[u8],
        shape: &Shape,
        first: usize,
        fields: &mut Fields,
        depth: usize,
    ) -> Result<(), Unsupported> {
        // A field is replaced as `System` members are, or kept as members of the data are;
        // in a shape that names each once, simply added.
        let (replace, keep_first) =
            if shape.distinct && depth == 0 { (How::New, How::New) } else { (How::Replace, How::KeepFirst) };
        for step in &shape.steps {
            let slot = |i: u16| self.slots[first + usize::from(i)];
            let left_out = |within: &Option<u16>| within.is_some_and(|d| slot(d).kind == value::kind::NULL);
            match step {
                Step::System { field, source, within } => {
                    if left_out(within) {
                        continue;
                    }
                    let name = (&*field.text, field.hash);
                    match source {
                        Source::Text(t) if t.is_empty() => {}
                        Source::Text(t) => fields.insert_text_with(name.0, name.1, replace, |text| text.push_str(t)),
                        Source::Value(i) => {
                            let t = value::put(chunk, slot(*i), fields, name, replace, Empty::Skip)?;
                            if t.is_some() && name.0 == "TimeCreated_SystemTime" {
                                self.time = t;
                            }
                        }
                    }
                }
                Step::Data { field, source, within } => {
                    if left_out(within) {
                        continue;
                    }
                    let name = (&*field.text, field.hash);
                    match source {
                        Source::Text(t) => fields.insert_text_with(name.0, name.1, keep_first, |text| text.push_str(t)),
                        Source::Value(i) => {
                            value::put(chunk, slot(*i), fields, name, keep_first, Empty::Blank)?;
                        }
                    }
                }
                Step::List { values, within } => {
                    if left_out(within) {
                        continue;
                    }
                    if let [one] = values.as_slice() {
                        match one {
                            Source::Text(t) => fields.insert_str_if_absent("Data", t),
                            Source::Value(i) if slot(*i).kind == value::kind::STRING_ARRAY => {
                                fields.insert_if_absent("Data", value::strings(chunk, slot(*i))?)
                            }
                            Source::Value(i) => {
                                value::put(
                                    chunk,
                                    slot(*i),
                                    fields,
                                    ("Data", Fields::hash("Data")),
                                    How::KeepFirst,
                                    Empty::Blank,
                                )?;
                            }
                        }
                        continue;
                    }
                    let mut list = Vec::with_capacity(values.len());
                    for source in values {
                        list.push(match source {
                            Source::Text(t) => Value::String(t.to_string()),
                            Source::Value(i) => value::json(chunk, slot(*i))?,
                        });
                    }
                    fields.insert_if_absent("Data", Value::Array(list));
                }
                Step::Nested(i, place) => {
                    let s = slot(*i);
                    match s.kind {
                        value::kind::NULL => {}
                        value::kind::BINXML if depth < MAX_NESTING && s.len > 0 => {
                            self.fragment(chunk, s.start, s.start + s.len, *place, fields, depth + 1)?
                        }
                        _ => return Err(Unsupported("a nested value that is not one fragment")),
                    }
                }
            }
        }
        Ok(())
    }
}

/// Shapes kept across chunks at most (a Windows log has tens of templates).
const MAX_KNOWN: usize = 4_096;

/// Instances nest one in another this deep at most here (EventData in Event is one).
const MAX_NESTING: usize = 4;

const BAD_SIZE: Unsupported = Unsupported("a record whose size does not fit its chunk");

#[cfg(test)]
mod tests;
