//! The case's documents as people fetch them: drafted from the record as it is now, as a
//! [`Document`] (for the page and the text download) or as a PDF typeset in-process.

use std::sync::{Arc, OnceLock};

use jiff::civil::Date;
use mamoru_domain::CaseId;
use mamoru_domain::access::Action;
use mamoru_domain::incident::report_field;
use mamoru_report::{Document, Fonts};

use super::appi::appi_view;
use super::drafts::{DOCUMENTS, Record, Stage, draft};
use super::record::invalid;
use crate::error::{Error, Result};
use crate::{App, Principal};

/// The Japanese fonts, found once per process (scanning the font folders takes a moment) and
/// shared by every render; a failure is kept too, so each request reports it the same way.
fn fonts() -> &'static std::result::Result<Fonts, String> {
    static FONTS: OnceLock<std::result::Result<Fonts, String>> = OnceLock::new();
    FONTS.get_or_init(|| Fonts::discover().map_err(|e| e.to_string()))
}

/// Whether a document field is a fact of the case record that people edit (the rest is
/// derived from the record and changes where it comes from).
pub fn is_editable(key: &str) -> bool {
    report_field(key).is_some()
}

impl App {
    /// The document `code` of a case, drafted now and dated today (Japan time).
    /// `stage` (`preliminary`, `final`, `both`) picks the PPC report's kind; by default it is
    /// the preliminary report until one is filed, then the final report.
    pub async fn case_document(&self, p: &Principal, id: CaseId, code: &str, stage: Option<&str>) -> Result<Document> {
        self.case_document_on(p, id, code, stage, crate::today()).await
    }

    /// Like [`App::case_document`], dated `date` (to print a document again as it was dated).
    pub async fn case_document_on(
        &self,
        p: &Principal,
        id: CaseId,
        code: &str,
        stage: Option<&str>,
        date: Date,
    ) -> Result<Document> {
        let view = self.case_view(p, id).await?;
        p.require(Action::ViewInventory, Some(view.case.facility))?;
        if !DOCUMENTS.iter().any(|d| d.code == code) {
            return Err(Error::NotFound("document"));
        }
        let facility = self.store.facility(p.org, view.case.facility).await?;
        let appi = appi_view(&view.case, facility.draft.operator, &view.entries, jiff::Timestamp::now());
        let stage = match stage.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => Stage::parse(s).ok_or_else(|| {
                invalid("stage", mamoru_domain::Problem::Unknown(format!("{s} (preliminary, final, both)")))
            })?,
            None if appi.preliminary_filed.is_some() => Stage::Final,
            None => Stage::Preliminary,
        };
        let org = self.store.org(p.org).await?;
        let record = Record {
            org_name: &org.name,
            facility: &facility,
            case: &view.case,
            appi: &appi,
            entries: &view.entries,
            scope: &view.scope,
            evidence: &view.evidence,
            tasks: &view.tasks,
            chain: &view.chain,
            date,
        };
        draft(code, &record, stage).ok_or(Error::NotFound("document"))
    }

    /// The document as a PDF, with the file name to save it under. Typesetting runs on a
    /// blocking thread; a machine without Japanese fonts gets an error that says which
    /// package to install.
    pub async fn case_document_pdf(
        &self,
        p: &Principal,
        id: CaseId,
        code: &str,
        stage: Option<&str>,
    ) -> Result<(String, Vec<u8>)> {
        let doc = Arc::new(self.case_document(p, id, code, stage).await?);
        let name = format!("case-{id}-{code}.pdf");
        let rendered = tokio::task::spawn_blocking(move || {
            let fonts = fonts().as_ref().map_err(|e| Error::Files(e.clone()))?;
            mamoru_report::render_pdf(&doc, fonts).map_err(|e| Error::Files(e.to_string()))
        })
        .await??;
        Ok((name, rendered))
    }
}
