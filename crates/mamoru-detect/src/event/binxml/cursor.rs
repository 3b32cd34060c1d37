//! Reading a chunk's bytes in place, positions counted from the chunk's start (as BinXML's
//! own offsets are), every read checked.

use super::Unsupported;

const SHORT: Unsupported = Unsupported("a structure that runs past its end");

pub(super) struct Cursor<'a> {
    /// The whole chunk: names are looked up anywhere in it.
    chunk: &'a [u8],
    pos: usize,
    /// Where the structure being read ends.
    end: usize,
}

impl<'a> Cursor<'a> {
    /// Reading from `pos` up to `end`, in `chunk`.
    pub(super) fn new(chunk: &'a [u8], pos: usize, end: usize) -> Self {
        Cursor { chunk, pos, end: end.min(chunk.len()) }
    }

    pub(super) fn pos(&self) -> usize {
        self.pos
    }

    pub(super) fn at_end(&self) -> bool {
        self.pos >= self.end
    }

    pub(super) fn bytes(&mut self, n: usize) -> Result<&'a [u8], Unsupported> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.end).ok_or(SHORT)?;
        let bytes = &self.chunk[self.pos..end];
        self.pos = end;
        Ok(bytes)
    }

    pub(super) fn skip(&mut self, n: usize) -> Result<(), Unsupported> {
        self.bytes(n).map(|_| ())
    }

    pub(super) fn peek(&self) -> Result<u8, Unsupported> {
        if self.pos < self.end { Ok(self.chunk[self.pos]) } else { Err(SHORT) }
    }

    pub(super) fn u8(&mut self) -> Result<u8, Unsupported> {
        Ok(self.bytes(1)?[0])
    }

    pub(super) fn u16(&mut self) -> Result<u16, Unsupported> {
        Ok(u16::from_le_bytes(self.bytes(2)?.try_into().expect("two bytes")))
    }

    pub(super) fn u32(&mut self) -> Result<u32, Unsupported> {
        Ok(u32::from_le_bytes(self.bytes(4)?.try_into().expect("four bytes")))
    }

    pub(super) fn u64(&mut self) -> Result<u64, Unsupported> {
        Ok(u64::from_le_bytes(self.bytes(8)?.try_into().expect("eight bytes")))
    }

    /// A name: the offset of its entry in the chunk, the entry itself following when it is
    /// written here for the first time.
    pub(super) fn name(&mut self) -> Result<String, Unsupported> {
        let offset = self.u32()? as usize;
        let name = name_at(self.chunk, offset)?;
        if offset == self.pos {
            // The link to the next name and the hash, the length, the text and its NUL.
            self.skip(8 + name.1 * 2 + 2)?;
        }
        Ok(name.0)
    }
}

impl Cursor<'_> {
    /// A name as [`Cursor::name`] reads it, its UTF-16 text (and length) added to `key`.
    pub(super) fn name_into(&mut self, key: &mut Vec<u8>) -> Result<(), Unsupported> {
        let offset = self.u32()? as usize;
        let mut entry = Cursor::new(self.chunk, offset, self.chunk.len());
        entry.skip(6)?;
        let units = entry.u16()? as usize;
        key.extend_from_slice(&(units as u16).to_le_bytes());
        key.extend_from_slice(entry.bytes(units * 2)?);
        if offset == self.pos {
            self.skip(8 + units * 2 + 2)?;
        }
        Ok(())
    }
}

/// The name whose entry is at `offset`, and its length in UTF-16 units.
fn name_at(chunk: &[u8], offset: usize) -> Result<(String, usize), Unsupported> {
    let mut entry = Cursor::new(chunk, offset, chunk.len());
    entry.skip(6)?;
    let units = entry.u16()? as usize;
    let text = super::value::utf16(entry.bytes(units * 2)?)?;
    // The JSON renderer writes names as they are: one that JSON would have to escape breaks
    // the record there, and such a chunk is left to it.
    if text.chars().any(|c| c < ' ' || c == '"' || c == '\\') {
        return Err(Unsupported("a name that JSON would have to escape"));
    }
    Ok((text, units))
}
