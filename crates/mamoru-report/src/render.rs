//! Typesetting a [`Document`] with Typst: a `World` that serves the template, the
//! document as JSON and the fonts, and nothing else.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, PackageError, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_pdf::PdfOptions;

use crate::fonts::Inner;
use crate::{Document, Error, Fonts};

const TEMPLATE: &str = include_str!("document.typ");

/// Built once: the standard library is the same for every document.
static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// Renders the document as an A4 PDF.
///
/// The same document and fonts give the same bytes: the PDF carries no date and
/// its identifier derives from the document's kind.
pub fn render_pdf(doc: &Document, fonts: &Fonts) -> Result<Vec<u8>, Error> {
    render_with(TEMPLATE, doc, fonts)
}

/// Renders with another template: tests use it to see how errors read.
fn render_with(template: &str, doc: &Document, fonts: &Fonts) -> Result<Vec<u8>, Error> {
    let serialize = |source| Error::Serialize { kind: doc.kind.clone(), source };
    let doc_json = serde_json::to_vec(doc).map_err(serialize)?;
    let fonts_json = serde_json::to_vec(&serde_json::json!({
        "body": fonts.inner.body,
        "heading": fonts.inner.heading,
    }))
    .map_err(serialize)?;
    let world = ReportWorld {
        fonts: &fonts.inner,
        main: Source::new(file_id("/main.typ"), template.to_string()),
        doc_json: Bytes::new(doc_json),
        fonts_json: Bytes::new(fonts_json),
    };
    let compiled = typst::compile(&world).output;
    let result = compiled
        .map_err(|errors| Error::Typeset { kind: doc.kind.clone(), message: describe(&world, &errors) })
        .and_then(|paged| {
            let options = PdfOptions {
                ident: Smart::Custom(format!("mamoru-report/{}", doc.kind)),
                creator: Smart::Custom(Some("Mamoru".into())),
                timestamp: None,
                ..PdfOptions::default()
            };
            typst_pdf::pdf(&paged, &options)
                .map_err(|errors| Error::Export { kind: doc.kind.clone(), message: describe(&world, &errors) })
        });
    // Typst memoises across compilations; a server renders many documents, so drop
    // what the last few renders did not use.
    typst::comemo::evict(10);
    result
}

fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("fixed virtual paths are valid");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// The first error's message, with the text its span points at when there is one.
fn describe(world: &ReportWorld<'_>, errors: &[SourceDiagnostic]) -> String {
    let Some(first) = errors.first() else {
        return "unknown error".into();
    };
    let mut message = first.message.to_string();
    let snippet = first.span.id().zip(world.range(first.span)).and_then(|(id, range)| {
        let bytes = world.file(id).ok()?;
        let text = std::str::from_utf8(bytes.as_slice().get(range)?).ok()?.trim().to_string();
        Some(text)
    });
    if let Some(snippet) = snippet.filter(|s| !s.is_empty()) {
        let short: String = snippet.chars().take(80).collect();
        message.push_str(&format!(" (at `{short}`)"));
    }
    message
}

struct ReportWorld<'a> {
    fonts: &'a Inner,
    main: Source,
    doc_json: Bytes,
    fonts_json: Bytes,
}

impl World for ReportWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.store.book()
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() { Ok(self.main.clone()) } else { Err(self.missing(id)) }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.clone()));
        }
        if *id.root() != VirtualRoot::Project {
            return Err(self.missing(id));
        }
        match id.vpath().get_with_slash() {
            "/doc.json" => Ok(self.doc_json.clone()),
            "/fonts.json" => Ok(self.fonts_json.clone()),
            _ => Err(self.missing(id)),
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.store.font(index)
    }

    /// Documents carry their date as text; nothing may depend on the clock.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

impl ReportWorld<'_> {
    fn missing(&self, id: FileId) -> FileError {
        if let VirtualRoot::Package(package) = id.root() {
            // No downloads, no package cache: the template is self-contained.
            FileError::Package(PackageError::Other(Some(format!("packages are not available: {package}").into())))
        } else {
            FileError::NotFound(id.vpath().get_with_slash().into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn broken(template: &str) -> String {
        let fonts = Fonts::discover().expect("Japanese fonts (scripts/lib/deps.sh installs them)");
        let doc = Document {
            kind: "test".into(),
            title: "題".into(),
            subtitle: None,
            addressee: None,
            date: "2026年11月25日".into(),
            marks: vec![],
            sections: vec![],
            footer: None,
        };
        match render_with(template, &doc, &fonts) {
            Err(error @ Error::Typeset { .. }) => error.to_string(),
            other => panic!("expected a typesetting error, got {other:?}"),
        }
    }

    #[test]
    fn errors_name_the_source_they_point_at() {
        let message = broken("#let doc = json(\"/doc.json\")\n#doc.nosuch\n");
        assert!(message.starts_with("document test: typesetting failed: "), "{message}");
        assert!(message.contains("nosuch"), "{message}");
        assert!(message.contains("(at `"), "{message}");
    }

    #[test]
    fn packages_and_other_files_are_refused() {
        let message = broken("#import \"@preview/cetz:0.3.0\": *\n");
        assert!(message.contains("packages are not available"), "{message}");
        let message = broken("#read(\"/etc/passwd\")\n");
        assert!(message.contains("not found"), "{message}");
    }

    #[test]
    fn the_clock_is_not_available() {
        let message = broken("#datetime.today().display()\n");
        assert!(message.contains("typesetting failed"), "{message}");
    }
}
