//! A small streaming walker over quick-xml events: it keeps the stack of open elements and
//! their text, resolves references, and turns every way a document can be broken into an
//! [`Error`] that names the file and the line.

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use crate::Error;

/// Deeper than any MyJVN document (they nest about six levels); bounds the stack.
const MAX_DEPTH: usize = 64;

/// One step through the document below the root.
pub(super) enum Ev<'a> {
    /// An element opened (also for `<empty/>` elements, which close on the next step).
    Open(BytesStart<'a>),
    /// An element closed, with its own text (trimmed by the reader of it, not here).
    /// [`Xml::top`] is now the element around it.
    Close { name: String, text: String },
}

/// The local name of an element: `Title` for `vuldef:Title`.
pub(super) fn local<'e>(e: &'e BytesStart<'_>) -> &'e str {
    let name = e.name().into_inner();
    name.rsplit_once(':').map_or(name, |(_, l)| l)
}

/// Whether the element declares a JVN namespace (`http://jvn.jp/...`,
/// `http://jvndb.jvn.jp/myjvn/...`) under any prefix.
pub(super) fn declares_jvn_namespace(e: &BytesStart<'_>) -> bool {
    e.html_attributes().with_checks(false).flatten().any(|a| {
        let key = a.key.as_ref();
        (key == "xmlns" || key.starts_with("xmlns:")) && {
            let v = a.value.trim();
            let v = v.strip_prefix("https://").or_else(|| v.strip_prefix("http://")).unwrap_or(v);
            v.starts_with("jvn.jp/") || v.starts_with("jvndb.jvn.jp/")
        }
    })
}

/// The document being walked, and the file it came from.
pub(super) struct Xml<'a> {
    reader: Reader<&'a [u8]>,
    bytes: &'a [u8],
    file: &'a str,
    /// Open elements: local name and the text seen directly inside so far.
    stack: Vec<(String, String)>,
    /// The last `Open` was an empty element: close it on the next step.
    close_pending: bool,
}

impl<'a> Xml<'a> {
    pub(super) fn new(bytes: &'a [u8], file: &'a str) -> Self {
        Self { reader: Reader::from_reader(bytes), bytes, file, stack: Vec::new(), close_pending: false }
    }

    /// Reads up to the root element and returns it (already open).
    pub(super) fn root(&mut self) -> Result<BytesStart<'a>, Error> {
        loop {
            match self.event()? {
                Event::Start(e) => {
                    self.stack.push((local(&e).to_owned(), String::new()));
                    return Ok(e);
                }
                Event::Empty(e) => {
                    self.stack.push((local(&e).to_owned(), String::new()));
                    self.close_pending = true;
                    return Ok(e);
                }
                Event::Eof => return Err(self.malformed("no XML root element")),
                Event::Decl(d) => {
                    // Without a decoder only UTF-8 is read; MyJVN always answers in UTF-8.
                    if let Some(Ok(enc)) = d.encoding() {
                        let enc = enc.trim().to_ascii_lowercase();
                        if enc != "utf-8" && enc != "utf8" {
                            return Err(self.malformed(&format!("declares encoding {enc}; only UTF-8 is read")));
                        }
                    }
                }
                Event::DocType(d) => {
                    // Entity declarations are how billion-laughs and XXE files start; MyJVN
                    // never sends a DOCTYPE at all.
                    if d.to_ascii_uppercase().contains("<!ENTITY") {
                        return Err(self.malformed("DOCTYPE declares entities, which are refused"));
                    }
                }
                Event::Text(t) if t.trim().is_empty() => {}
                Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) => {
                    return Err(self.malformed("text before the root element"));
                }
                Event::End(_) => return Err(self.malformed("closing tag before the root element")),
                Event::Comment(_) | Event::PI(_) => {}
            }
        }
    }

    /// The next step inside the root; `None` once the root has closed.
    pub(super) fn next(&mut self) -> Result<Option<Ev<'a>>, Error> {
        if self.close_pending {
            self.close_pending = false;
            return Ok(self.pop());
        }
        while !self.stack.is_empty() {
            match self.event()? {
                Event::Start(e) => {
                    self.push(&e)?;
                    return Ok(Some(Ev::Open(e)));
                }
                Event::Empty(e) => {
                    self.push(&e)?;
                    self.close_pending = true;
                    return Ok(Some(Ev::Open(e)));
                }
                Event::End(_) => return Ok(self.pop()),
                Event::Text(t) => {
                    let t = t.xml10_content();
                    self.append(&t);
                }
                Event::CData(t) => {
                    let t = t.xml10_content();
                    self.append(&t);
                }
                Event::GeneralRef(r) => {
                    let c = match r.resolve_char_ref() {
                        Ok(Some(c)) => c,
                        Ok(None) => match &*r {
                            "amp" => '&',
                            "lt" => '<',
                            "gt" => '>',
                            "quot" => '"',
                            "apos" => '\'',
                            // Undeclared (and declared ones are refused with the DOCTYPE).
                            other => return Err(self.malformed(&format!("undefined entity &{other};"))),
                        },
                        Err(e) => return Err(self.malformed(&e.to_string())),
                    };
                    self.append(c.encode_utf8(&mut [0; 4]));
                }
                Event::Eof => {
                    let open = self.stack.last().map(|(n, _)| n.clone()).unwrap_or_default();
                    return Err(self.malformed(&format!("the file ends inside <{open}> (truncated?)")));
                }
                Event::DocType(_) | Event::Decl(_) => return Err(self.malformed("declaration inside the root element")),
                Event::Comment(_) | Event::PI(_) => {}
            }
        }
        Ok(None)
    }

    /// Skips what remains of the root, then checks nothing but whitespace follows it.
    pub(super) fn finish(&mut self) -> Result<(), Error> {
        while self.next()?.is_some() {}
        loop {
            match self.event()? {
                Event::Eof => return Ok(()),
                Event::Text(t) if t.trim().is_empty() => {}
                Event::Comment(_) | Event::PI(_) => {}
                _ => return Err(self.malformed("content after the root element")),
            }
        }
    }

    /// The local name of the innermost open element (after a `Close`, the one around it).
    pub(super) fn top(&self) -> Option<&str> {
        self.stack.last().map(|(n, _)| n.as_str())
    }

    /// After an `Open`: the local name of the element around the one just opened.
    pub(super) fn enclosing(&self) -> Option<&str> {
        self.stack.len().checked_sub(2).and_then(|i| self.stack.get(i)).map(|(n, _)| n.as_str())
    }

    /// An attribute by local name (`rdf:about` is `about`), references resolved. Values are
    /// read leniently: the JVNDB RSS feed writes `retCd= 0` unquoted.
    pub(super) fn attr(&self, e: &BytesStart<'_>, name: &str) -> Result<Option<String>, Error> {
        for a in e.html_attributes().with_checks(false) {
            let Ok(a) = a else { continue };
            if a.key.local_name().as_ref() == name {
                return match a.normalized_value(XmlVersion::Implicit1_0) {
                    Ok(v) => Ok(Some(v.into_owned())),
                    Err(err) => Err(self.malformed(&format!("attribute {name}: {err}"))),
                };
            }
        }
        Ok(None)
    }

    /// The 1-based line of a byte offset, for messages.
    pub(super) fn line_at(&self, pos: u64) -> usize {
        let end = usize::try_from(pos).unwrap_or(usize::MAX).min(self.bytes.len());
        self.bytes.get(..end).map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count()) + 1
    }

    /// Where the reader is now, as a byte offset.
    pub(super) fn position(&self) -> u64 {
        self.reader.buffer_position()
    }

    pub(super) fn file(&self) -> &str {
        self.file
    }

    /// A `Malformed` error at the reader's position.
    pub(super) fn malformed(&self, what: &str) -> Error {
        let pos = self.reader.buffer_position();
        Error::Malformed {
            file: self.file.to_owned(),
            reason: format!("{what} at line {}, byte {pos}", self.line_at(pos)),
        }
    }

    fn event(&mut self) -> Result<Event<'a>, Error> {
        self.reader.read_event().map_err(|err| {
            if let quick_xml::Error::Encoding(_) = err
                && let Err(bad) = std::str::from_utf8(self.bytes)
            {
                // The reader's offsets are per event; the exact byte is cheap to find.
                let pos = bad.valid_up_to() as u64;
                let what = match bad.error_len() {
                    None => "the file ends inside a UTF-8 character (truncated?)",
                    Some(_) => "bytes that are not UTF-8 (MyJVN answers in UTF-8)",
                };
                return Error::Malformed {
                    file: self.file.to_owned(),
                    reason: format!("{what} at line {}, byte {pos}", self.line_at(pos)),
                };
            }
            // Syntax errors are found at end of input; error_position points at the markup.
            let pos = self.reader.error_position();
            Error::Malformed {
                file: self.file.to_owned(),
                reason: format!("broken XML at line {}, byte {pos}: {err}", self.line_at(pos)),
            }
        })
    }

    fn push(&mut self, e: &BytesStart<'_>) -> Result<(), Error> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.malformed(&format!("elements nested deeper than {MAX_DEPTH} levels")));
        }
        self.stack.push((local(e).to_owned(), String::new()));
        Ok(())
    }

    fn pop(&mut self) -> Option<Ev<'a>> {
        self.stack.pop().map(|(name, text)| Ev::Close { name, text })
    }

    fn append(&mut self, text: &str) {
        if let Some((_, t)) = self.stack.last_mut() {
            t.push_str(text);
        }
    }
}
