//! Finding fonts on disk and choosing the Japanese families to print with.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use typst::text::{FontBook, FontFlags, FontInfo};
use typst::utils::LazyHash;
use typst_kit::fonts::FontStore;

use crate::Error;

/// Families preferred for body text, best first: Mincho reads best in print.
const BODY: [&str; 4] = ["IPAexMincho", "Noto Serif CJK JP", "IPAexGothic", "Noto Sans CJK JP"];
/// Families preferred for titles, headings and labels: Gothic stands out.
const HEADING: [&str; 4] = ["IPAexGothic", "Noto Sans CJK JP", "IPAexMincho", "Noto Serif CJK JP"];

/// Characters a font must have to count as Japanese: kana of both kinds, a kanji, the full stop.
const JAPANESE: [char; 4] = ['あ', 'ア', '漢', '。'];

/// The fonts found on this machine and the families chosen for documents.
///
/// Scanning reads only the fonts' tables; a font file is read whole the first time a
/// document uses it and then kept. Cheap to clone (shared), `Send + Sync`.
#[derive(Clone)]
pub struct Fonts {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) store: FontStore,
    /// Families for body text, best first; the rest are fallbacks for missing glyphs.
    pub(crate) body: Vec<String>,
    /// Families for headings and labels, best first.
    pub(crate) heading: Vec<String>,
}

impl Fonts {
    /// Finds fonts in `MAMORU_FONT_DIR` (if set), then in `/usr/share/fonts`,
    /// `/usr/local/share/fonts` and `~/.local/share/fonts`. Japanese fonts from
    /// `MAMORU_FONT_DIR` win over the system's.
    ///
    /// Fails if `MAMORU_FONT_DIR` is set but unreadable, or if no font with Japanese
    /// coverage is found.
    pub fn discover() -> Result<Fonts, Error> {
        let mut dirs = Vec::new();
        let mut preferred = None;
        if let Some(dir) = std::env::var_os("MAMORU_FONT_DIR").filter(|d| !d.is_empty()) {
            let dir = PathBuf::from(dir);
            check_dir(&dir)?;
            preferred = Some(dir.clone());
            dirs.push(dir);
        }
        dirs.push("/usr/share/fonts".into());
        dirs.push("/usr/local/share/fonts".into());
        if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
            dirs.push(Path::new(&home).join(".local/share/fonts"));
        }
        // Missing system directories are normal (containers, minimal installs).
        let present: Vec<&Path> = dirs.iter().map(PathBuf::as_path).filter(|d| d.is_dir()).collect();
        Self::load(&dirs, &present, preferred.as_deref())
    }

    /// Uses only the fonts found (recursively) in `dir`.
    pub fn from_dir(dir: &Path) -> Result<Fonts, Error> {
        check_dir(dir)?;
        Self::load(&[dir.to_path_buf()], &[dir], Some(dir))
    }

    /// Every font family found, sorted, each once.
    pub fn families(&self) -> Vec<String> {
        let book = self.inner.store.book();
        let names: BTreeSet<&str> = infos(book).map(|(_, info)| info.family.as_str()).collect();
        names.into_iter().map(String::from).collect()
    }

    /// The families documents print in: body text first, then headings.
    pub fn chosen(&self) -> (&[String], &[String]) {
        (&self.inner.body, &self.inner.heading)
    }

    fn load(searched: &[PathBuf], dirs: &[&Path], preferred: Option<&Path>) -> Result<Fonts, Error> {
        let mut store = FontStore::new();
        // Where each font came from, by index in the book, to rank MAMORU_FONT_DIR's first.
        let mut from_preferred = Vec::new();
        for &dir in dirs {
            for entry in typst_kit::fonts::scan(dir) {
                from_preferred.push(preferred == Some(dir));
                store.push(entry);
            }
        }
        let body = choose(store.book(), &from_preferred, &BODY, true);
        let heading = choose(store.book(), &from_preferred, &HEADING, false);
        if body.is_empty() {
            let searched: Vec<String> = searched.iter().map(|d| d.display().to_string()).collect();
            return Err(Error::NoJapaneseFont { searched: searched.join(", ") });
        }
        Ok(Fonts { inner: Arc::new(Inner { store, body, heading }) })
    }
}

impl fmt::Debug for Fonts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fonts")
            .field("body", &self.inner.body)
            .field("heading", &self.inner.heading)
            .finish_non_exhaustive()
    }
}

fn check_dir(dir: &Path) -> Result<(), Error> {
    let error = |source| Error::FontDir { path: dir.to_path_buf(), source };
    let meta = std::fs::metadata(dir).map_err(error)?;
    if !meta.is_dir() {
        return Err(error(std::io::Error::other("not a directory")));
    }
    Ok(())
}

fn infos(book: &LazyHash<FontBook>) -> impl Iterator<Item = (usize, &FontInfo)> {
    (0..).map_while(|i| book.info(i).map(|info| (i, info)))
}

/// The families with Japanese coverage, ranked: from `MAMORU_FONT_DIR` first, then
/// by the preference list, then serif or sans as the role wants, then by name.
fn choose(book: &LazyHash<FontBook>, from_preferred: &[bool], preference: &[&str], serif: bool) -> Vec<String> {
    let mut ranked: Vec<(bool, usize, bool, String)> = Vec::new();
    for (i, info) in infos(book) {
        if !JAPANESE.iter().all(|&c| info.coverage.contains(c as u32)) {
            continue;
        }
        let rank = (
            !from_preferred.get(i).copied().unwrap_or(false),
            preference.iter().position(|p| p.eq_ignore_ascii_case(&info.family)).unwrap_or(preference.len()),
            info.flags.contains(FontFlags::SERIF) != serif,
            info.family.clone(),
        );
        ranked.push(rank);
    }
    ranked.sort();
    // Other CJK families (Noto's Chinese and Korean cuts) draw some kanji differently:
    // they are a last resort, used only when nothing known or chosen is there.
    let known = |(from_env, rank, ..): &(bool, usize, bool, String)| !from_env || *rank < preference.len();
    if ranked.iter().any(known) {
        ranked.retain(known);
    }
    let mut seen = BTreeSet::new();
    ranked.into_iter().filter_map(|(.., family)| seen.insert(family.clone()).then_some(family)).collect()
}
