//! What ranking a match needs besides the match: KEV, EPSS and the advisory's CVSS, gathered
//! the same way whether findings are stored (`mamoru vuln findings`) or computed on the spot
//! (`mamoru vuln match`).

use std::collections::HashMap;

use mamoru_domain::Signals;
use mamoru_vuln::{Advisory, Kev};

/// What is known about each vulnerability besides the advisory: KEV listings and EPSS.
#[derive(Debug, Default)]
pub(crate) struct Intel {
    /// CISA KEV by CVE.
    pub(crate) kev: HashMap<String, Kev>,
    /// EPSS probability by CVE.
    pub(crate) epss: HashMap<String, f32>,
    /// Per advisory (id, source): its best CVSS score and the record's own KEV note.
    pub(crate) advisories: HashMap<(String, String), (Option<f32>, Option<Kev>)>,
}

impl Intel {
    /// Remembers what ranking needs of an advisory, so the advisory itself can be dropped.
    pub(crate) fn note(&mut self, a: &Advisory) {
        let cvss = a.best_cvss().map(|c| c.score);
        self.advisories.insert((a.id.clone(), a.source.as_str().to_owned()), (cvss, a.kev.clone()));
    }

    /// The signals of vulnerability `id` as matched through advisory (`advisory`, `source`).
    /// The KEV catalogue is authoritative; a record's own KEV note counts when the catalogue
    /// was not imported.
    pub(crate) fn signals(&self, id: &str, advisory: &str, source: &str) -> Signals {
        let (cvss, own_kev) =
            self.advisories.get(&(advisory.to_owned(), source.to_owned())).cloned().unwrap_or_default();
        let kev = self.kev.get(id);
        let listed = kev.is_some() || own_kev.is_some();
        let ransomware = kev.is_some_and(Kev::ransomware_known) || own_kev.as_ref().is_some_and(Kev::ransomware_known);
        Signals { kev: listed, ransomware, epss: self.epss.get(id).copied(), cvss }
    }
}

/// A score as people read it: the engine keeps scores as `f32`, whose nearest `f64` prints
/// as 9.800000190734863; six decimals are more than any feed gives.
pub(crate) fn score(v: f32) -> f64 {
    (f64::from(v) * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    #[test]
    fn scores_print_as_written() {
        assert_eq!(super::score(9.8).to_string(), "9.8");
        assert_eq!(super::score(0.97565).to_string(), "0.97565");
    }
}
