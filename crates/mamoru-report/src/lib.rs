//! Printable Japanese documents (incident reports and the like): one [`Document`]
//! shape, rendered as plain text ([`Document::to_text`]) or as an A4 PDF
//! ([`render_pdf`]) typeset in-process by Typst with Japanese fonts ([`Fonts`]).

mod document;
mod fonts;
mod render;

pub use document::{Document, Field, Mark, Section};
pub use fonts::Fonts;
pub use render::render_pdf;

use std::path::PathBuf;

/// What can go wrong while loading fonts or rendering.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No font that can print Japanese was found where we looked.
    #[error(
        "no font with Japanese coverage found in {searched}: install fonts-ipaexfont (Debian) or fonts-noto-cjk, or set MAMORU_FONT_DIR"
    )]
    NoJapaneseFont {
        /// The directories searched, as printed.
        searched: String,
    },
    /// A font directory named explicitly could not be read.
    #[error("font directory {}: {source}", path.display())]
    FontDir {
        /// The directory.
        path: PathBuf,
        /// Why it could not be read.
        source: std::io::Error,
    },
    /// The document could not be turned into the template's JSON input.
    #[error("document {kind}: cannot serialise: {source}")]
    Serialize {
        /// The document's kind.
        kind: String,
        /// The serialiser's error.
        source: serde_json::Error,
    },
    /// Typst reported an error while typesetting.
    #[error("document {kind}: typesetting failed: {message}")]
    Typeset {
        /// The document's kind.
        kind: String,
        /// Typst's first error, with the source text it points at when known.
        message: String,
    },
    /// The typeset document could not be written as PDF.
    #[error("document {kind}: pdf export failed: {message}")]
    Export {
        /// The document's kind.
        kind: String,
        /// Typst's first export error.
        message: String,
    },
}
