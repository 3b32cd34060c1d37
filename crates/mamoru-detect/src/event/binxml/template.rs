//! A chunk's template definition, read once into the steps that fill an event from an
//! instance's values: which field each value or literal becomes, as the JSON rendering and
//! its decoding would name it.
//!
//! Only the shapes Windows writes for almost every record are taken: `Event` holding `System`
//! (elements with attributes and text) and `EventData` (`Data Name="..."` elements). A
//! template of any other shape is [`Unsupported`], and its chunk is rendered as JSON instead.

use super::Unsupported;
use super::cursor::Cursor;
use crate::event::Fields;

/// Where a field's value comes from.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Source {
    /// Text written in the template itself.
    Text(Box<str>),
    /// The instance's value at this index.
    Value(u16),
}

/// One step of filling an event.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Step {
    /// A `System` element's attribute (`Provider_Name`) or text (`EventID`), skipped when
    /// its value is empty.
    System { field: Name, source: Source, within: Option<u16> },
    /// An `EventData` member, or a leaf element of `UserData`: an empty value is the empty
    /// string. Left out, as its element, when `within` is null.
    Data { field: Name, source: Source, within: Option<u16> },
    /// Unnamed `Data` elements: their values as one array, `Data`; the value of one alone (a
    /// list of strings as an array).
    List { values: Vec<Source>, within: Option<u16> },
    /// A value that is itself BinXML: a template instance at `Place`, whose steps go on here.
    Nested(u16, Place),
}

/// A field's name and its hash in [`Fields`]' index, computed once.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Name {
    pub(super) text: Box<str>,
    pub(super) hash: u64,
}

impl Name {
    fn new(text: impl Into<Box<str>>) -> Name {
        let text = text.into();
        Name { hash: Fields::hash(&text), text }
    }
}

/// A compiled template: its steps in the order the record's JSON would list the fields.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Shape {
    pub(super) steps: Vec<Step>,
    /// The highest value index a step reads, plus one.
    pub(super) values: usize,
    /// Whether its steps name each field once and nest no other instance: then a record of
    /// it fills an empty event without asking whether a field is there already.
    pub(super) distinct: bool,
}

/// A node of the definition's tree.
#[derive(Debug)]
enum Node {
    Element(Element),
    Text(String),
    /// A substitution: the index of the instance value it stands for.
    Value(u16),
}

#[derive(Debug)]
struct Element {
    name: String,
    /// The value whose absence leaves the element out (its "dependency").
    depends_on: Option<u16>,
    attributes: Vec<(String, Vec<Node>)>,
    children: Vec<Node>,
}

/// Elements nest this deep at most in the shapes taken (`Event/EventData/Data`); deeper is
/// another shape, and the bound keeps a hostile definition from recursing far.
const MAX_DEPTH: usize = 8;

/// Where an instance's fragment stands in the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Place {
    /// The record itself: `Event`.
    Record,
    /// A value in `Event` (`<Event><System>...</System>%17</Event>`): `EventData` or `UserData`.
    Event,
    /// A value in `UserData`: the element named for the event.
    UserData,
}

/// Compiles the definition at `offset` in `chunk` (its 24-byte header first), for an
/// instance at `place`.
pub(super) fn compile(chunk: &[u8], offset: u32, place: Place) -> Result<Shape, Unsupported> {
    let start = offset as usize;
    let mut header = Cursor::new(chunk, start, chunk.len());
    header.skip(4 + 16)?; // the next definition's offset, the template's GUID
    let size = header.u32()? as usize;
    let end = start + 24 + size;
    if end > chunk.len() {
        return Err(Unsupported("a template definition runs past its chunk"));
    }
    let mut cursor = Cursor::new(chunk, start + 24, end);
    cursor.fragment_header()?;
    let root = match cursor.node(0)? {
        Some(Node::Element(root)) => root,
        _ => return Err(Unsupported("a template that is not one element")),
    };
    match cursor.u8()? {
        0x00 => {}
        _ => return Err(Unsupported("a template with more than one root")),
    }
    let mut steps = Vec::new();
    match (place, root.name.as_str()) {
        (Place::Record, "Event") => event(root, &mut steps)?,
        (Place::Event, "EventData") => event_data(root, &mut steps, None)?,
        (Place::Event, "UserData") => user_data(root, &mut steps, None)?,
        (Place::UserData, _) => lift(vec![Node::Element(root)], &mut steps, None, 0)?,
        _ => return Err(Unsupported("a template of another root than its place takes")),
    }
    Ok(Shape::new(steps))
}

/// The definition at `offset` as the same bytes in every chunk: its tokens with each name
/// written out instead of its offset in the chunk, and without the sizes that depend on where
/// names are written. Two definitions with the same key compile to the same shape, so shapes
/// are kept across chunks by key (compiling anew in each chunk cost a fifth of the reading).
/// The key is added to `key`.
pub(super) fn key(chunk: &[u8], offset: u32, key: &mut Vec<u8>) -> Result<(), Unsupported> {
    let start = offset as usize;
    let mut header = Cursor::new(chunk, start, chunk.len());
    header.skip(4)?;
    key.extend_from_slice(header.bytes(16)?); // the GUID
    let size = header.u32()? as usize;
    let mut c = Cursor::new(chunk, start + 24, start + 24 + size);
    while !c.at_end() {
        let token = c.u8()?;
        key.push(token);
        match token {
            0x00 => break,
            0x01 | 0x41 => {
                key.extend_from_slice(c.bytes(2)?); // the dependency
                c.u32()?;
                c.name_into(key)?;
                if token == 0x41 {
                    c.u32()?;
                }
            }
            0x02..=0x04 => {}
            0x05 | 0x45 => match c.u8()? {
                0x01 => {
                    let units = c.u16()? as usize;
                    key.extend_from_slice(&(units as u16).to_le_bytes());
                    key.extend_from_slice(c.bytes(units * 2)?);
                }
                _ => return Err(Unsupported("literal text of a type other than a string")),
            },
            0x06 | 0x46 => c.name_into(key)?,
            0x0d | 0x0e => key.extend_from_slice(c.bytes(3)?),
            0x0f => key.extend_from_slice(c.bytes(3)?),
            _ => return Err(Unsupported("a token other than elements, text and values")),
        }
    }
    Ok(())
}

impl Cursor<'_> {
    /// `0x0f`, version 1.1, no flags.
    pub(super) fn fragment_header(&mut self) -> Result<(), Unsupported> {
        match self.bytes(4)? {
            [0x0f, 0x01, 0x01, 0x00] => Ok(()),
            _ => Err(Unsupported("a fragment header of another version")),
        }
    }

    /// The next node, or `None` at an end-of-element or end-of-fragment token (left unread).
    fn node(&mut self, depth: usize) -> Result<Option<Node>, Unsupported> {
        match self.peek()? {
            0x01 | 0x41 => {
                if depth >= MAX_DEPTH {
                    return Err(Unsupported("elements nested too deeply"));
                }
                self.element(depth).map(|e| Some(Node::Element(e)))
            }
            0x05 | 0x45 => {
                self.u8()?;
                self.text().map(|t| Some(Node::Text(t)))
            }
            0x0d | 0x0e => {
                self.u8()?;
                let index = self.u16()?;
                // The value's type, as the instance gives it again; the `evtx` crate refuses a
                // record whose template names a type that does not exist.
                if !super::value::is_type(self.u8()?) {
                    return Err(Unsupported("a value of an unknown type"));
                }
                Ok(Some(Node::Value(index)))
            }
            0x00 | 0x04 => Ok(None),
            _ => Err(Unsupported("a token other than elements, text and values")),
        }
    }

    /// A literal value: only Unicode text is written in templates.
    fn text(&mut self) -> Result<String, Unsupported> {
        match self.u8()? {
            0x01 => {
                let units = self.u16()? as usize;
                let bytes = self.bytes(units * 2)?;
                super::value::utf16(bytes)
            }
            _ => Err(Unsupported("literal text of a type other than a string")),
        }
    }

    fn element(&mut self, depth: usize) -> Result<Element, Unsupported> {
        let token = self.u8()?;
        let dependency = self.u16()?;
        self.u32()?; // the element's size
        let name = self.name()?;
        let mut attributes = Vec::new();
        if token & 0x40 != 0 {
            self.u32()?; // the attribute list's size
            while let 0x06 | 0x46 = self.peek()? {
                self.u8()?;
                let name = self.name()?;
                let mut value = Vec::new();
                // An attribute's value is the text and values up to the next attribute or the
                // end of the start tag.
                while matches!(self.peek()?, 0x05 | 0x45 | 0x0d | 0x0e) {
                    value.extend(self.node(depth + 1)?);
                }
                attributes.push((name, value));
            }
        }
        let mut children = Vec::new();
        match self.u8()? {
            0x03 => {} // an empty element
            0x02 => {
                while let Some(node) = self.node(depth + 1)? {
                    children.push(node);
                }
                if self.u8()? != 0x04 {
                    return Err(Unsupported("an element left open"));
                }
            }
            _ => return Err(Unsupported("an element start tag not closed")),
        }
        Ok(Element { name, depends_on: (dependency != 0xffff).then_some(dependency), attributes, children })
    }
}

/// `Event`: `System`, then `EventData` or `UserData`, written here or given as a value.
fn event(root: Element, steps: &mut Vec<Step>) -> Result<(), Unsupported> {
    // The JSON path refuses a record without one.
    if !root.children.iter().any(|n| matches!(n, Node::Element(e) if e.name == "System")) {
        return Err(Unsupported("an Event without System"));
    }
    for child in root.children {
        match child {
            Node::Element(part) => match part.name.as_str() {
                "System" => system(part, steps)?,
                "EventData" => event_data(part, steps, None)?,
                "UserData" => user_data(part, steps, None)?,
                // The decoder reads nothing else of a record; what it holds is left alone.
                _ => {}
            },
            Node::Value(i) => steps.push(Step::Nested(i, Place::Event)),
            Node::Text(_) => return Err(Unsupported("text directly in Event")),
        }
    }
    Ok(())
}

/// The one dependency of an element within another's: the element is left out when its value
/// is null. Two at once are not taken.
fn within(outer: Option<u16>, inner: Option<u16>) -> Result<Option<u16>, Unsupported> {
    match (outer, inner) {
        (Some(_), Some(_)) => Err(Unsupported("an element that can be left out, in another")),
        (a, b) => Ok(a.or(b)),
    }
}

impl Shape {
    fn new(steps: Vec<Step>) -> Shape {
        let values = steps
            .iter()
            .filter_map(|step| match step {
                Step::System { source: Source::Value(i), within, .. } => Some((*i).max(within.unwrap_or(0))),
                Step::System { within: Some(d), .. } => Some(*d),
                Step::Data { source: Source::Value(i), within, .. } => Some((*i).max(within.unwrap_or(0))),
                Step::Data { within: Some(d), .. } | Step::Nested(d, _) => Some(*d),
                Step::List { values, within } => values
                    .iter()
                    .filter_map(|v| match v {
                        Source::Value(i) => Some(*i),
                        Source::Text(_) => None,
                    })
                    .chain(*within)
                    .max(),
                _ => None,
            })
            .max()
            .map_or(0, |i| usize::from(i) + 1);
        let mut names: Vec<&str> = Vec::new();
        let mut distinct = true;
        for step in &steps {
            let name = match step {
                Step::System { field, .. } | Step::Data { field, .. } => &*field.text,
                Step::List { .. } => "Data",
                Step::Nested(..) => {
                    distinct = false;
                    break;
                }
            };
            distinct &= !names.contains(&name);
            names.push(name);
        }
        Shape { steps, values, distinct }
    }
}

/// Text or one value, alone: the only content a field is made of here.
fn source(nodes: Vec<Node>) -> Result<Option<Source>, Unsupported> {
    let mut nodes = nodes.into_iter();
    match (nodes.next(), nodes.next()) {
        (None, _) => Ok(None),
        (Some(Node::Text(t)), None) => Ok(Some(Source::Text(t.into()))),
        (Some(Node::Value(i)), None) => Ok(Some(Source::Value(i))),
        _ => Err(Unsupported("content mixing text, values or elements")),
    }
}

fn system(system: Element, steps: &mut Vec<Step>) -> Result<(), Unsupported> {
    if !system.attributes.is_empty() || system.depends_on.is_some() {
        return Err(Unsupported("System with attributes or a dependency"));
    }
    for node in system.children {
        let Node::Element(element) = node else {
            return Err(Unsupported("text or a value directly in System"));
        };
        let within = element.depends_on;
        for (name, value) in element.attributes {
            if let Some(source) = source(value)? {
                steps.push(Step::System { field: Name::new(format!("{}_{name}", element.name)), source, within });
            }
        }
        if let Some(source) = source(element.children)? {
            steps.push(Step::System { field: Name::new(element.name), source, within });
        }
    }
    Ok(())
}

fn event_data(data: Element, steps: &mut Vec<Step>, outer: Option<u16>) -> Result<(), Unsupported> {
    if !data.attributes.is_empty() {
        return Err(Unsupported("EventData with attributes"));
    }
    let outer = within(outer, data.depends_on)?;
    let is_data = |node: &Node| matches!(node, Node::Element(e) if e.name == "Data");
    // Without a named `Data`, the JSON lists the values of the unnamed ones as one member,
    // `Data`, where the first of them stands; with one, it leaves the unnamed out.
    let named =
        data.children.iter().any(|n| matches!(n, Node::Element(e) if e.name == "Data" && !e.attributes.is_empty()));
    let mut list = (!named && data.children.iter().any(is_data)).then(Vec::new);
    let mut list_at = None;
    let mut names: Vec<String> = Vec::new();
    for node in data.children {
        let Node::Element(member) = node else {
            return Err(Unsupported("text or a value directly in EventData"));
        };
        let field = match member.name.as_str() {
            "Data" => match member.attributes.as_slice() {
                [(attribute, value)] if attribute == "Name" => match value.as_slice() {
                    [Node::Text(name)] if !name.is_empty() => name.clone(),
                    _ => return Err(Unsupported("a Data name that is not literal text")),
                },
                [] if named => continue,
                [] => "Data".to_owned(),
                _ => return Err(Unsupported("a Data element with other attributes")),
            },
            _ if member.attributes.is_empty() => member.name.clone(),
            _ => return Err(Unsupported("an EventData member with attributes")),
        };
        let source = source(member.children)?.unwrap_or(Source::Text("".into()));
        if let Some(list) = list.as_mut().filter(|_| member.name == "Data") {
            list_at.get_or_insert((steps.len(), member.depends_on));
            list.push(source);
            continue;
        }
        // Names given twice are numbered in the JSON (`Name_1`): not this shape.
        if names.contains(&field) {
            return Err(Unsupported("an EventData name given twice"));
        }
        names.push(field.clone());
        push_member(steps, field, source, within(outer, member.depends_on)?);
    }
    if let (Some(values), Some((at, depends_on))) = (list, list_at) {
        if names.iter().any(|n| n == "Data") {
            return Err(Unsupported("an EventData name given twice"));
        }
        // Leaving out one of several would change the list.
        if values.len() > 1 && depends_on.is_some() {
            return Err(Unsupported("a Data of a list that can be left out"));
        }
        steps.insert(at, Step::List { values, within: within(outer, depends_on)? });
    }
    Ok(())
}

/// A member named `field`: "Threat Name" is also given as ThreatName, first, as the JSON path
/// lifts it.
fn push_member(steps: &mut Vec<Step>, field: String, source: Source, within: Option<u16>) {
    if field.contains(' ') {
        steps.push(Step::Data { field: Name::new(field.replace(' ', "")), source: source.clone(), within });
    }
    steps.push(Step::Data { field: Name::new(field), source, within });
}

/// `UserData`: one element (named for the event) whose leaf elements are lifted to fields by
/// their own names, at any depth, the first of a name kept; their containers' attributes
/// (`xmlns`) are dropped. The element may be given as a value.
fn user_data(data: Element, steps: &mut Vec<Step>, outer: Option<u16>) -> Result<(), Unsupported> {
    if !data.attributes.is_empty() {
        return Err(Unsupported("UserData with attributes"));
    }
    let outer = within(outer, data.depends_on)?;
    match data.children.as_slice() {
        // Left out with its value when that is null, as the element depending on it is.
        [Node::Value(i)] if outer.is_none_or(|d| d == *i) => {
            steps.push(Step::Nested(*i, Place::UserData));
            Ok(())
        }
        _ => lift(data.children, steps, outer, 0),
    }
}

fn lift(children: Vec<Node>, steps: &mut Vec<Step>, outer: Option<u16>, depth: usize) -> Result<(), Unsupported> {
    let mut names: Vec<String> = Vec::new();
    for node in children {
        let Node::Element(element) = node else {
            return Err(Unsupported("text or a value beside elements in UserData"));
        };
        // `Data` children are a list in the JSON, and names given twice are numbered there.
        if element.name == "Data" || names.contains(&element.name) {
            return Err(Unsupported("UserData elements named Data, or a name given twice"));
        }
        names.push(element.name.clone());
        let within = within(outer, element.depends_on)?;
        let has_elements = element.children.iter().any(|n| matches!(n, Node::Element(_)));
        if has_elements {
            if depth >= 6 {
                return Err(Unsupported("UserData nested too deeply"));
            }
            lift(element.children, steps, within, depth + 1)?;
        } else if element.attributes.is_empty() {
            let source = source(element.children)?.unwrap_or(Source::Text("".into()));
            push_member(steps, element.name, source, within);
        } else if !element.children.is_empty() {
            // Its text would be lifted as a field named `#text`.
            return Err(Unsupported("a UserData leaf with attributes and content"));
        }
        // An element of attributes only (`<ServiceShutdown xmlns="..."/>`) gives no field.
    }
    Ok(())
}
