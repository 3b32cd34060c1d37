//! Evidence files on a case: stored with their SHA-256, read back only when the digest still
//! matches, and handed from person to person on the record.

use mamoru_domain::access::Action;
use mamoru_domain::incident::EVIDENCE_MAX_BYTES;
use mamoru_domain::{CaseId, EvidenceId, Problem};
use mamoru_store::{Custody, Evidence, NewEvidence};

use super::record::invalid;
use crate::error::{Error, Result};
use crate::{App, Principal};

impl App {
    /// Stores an evidence file on a case. Files over [`EVIDENCE_MAX_BYTES`] and empty files
    /// are refused, naming the field.
    pub async fn add_evidence(
        &self,
        p: &Principal,
        id: CaseId,
        name: &str,
        media_type: &str,
        content: Vec<u8>,
        note: &str,
    ) -> Result<Evidence> {
        self.case_to_work(p, id, Action::RespondIncidents).await?;
        if content.len() as u64 > EVIDENCE_MAX_BYTES {
            return Err(invalid("file", Problem::TooLarge { max_bytes: EVIDENCE_MAX_BYTES }));
        }
        if content.is_empty() {
            return Err(invalid("file", Problem::Required));
        }
        // Keep the base name only: a browser may send a path, and the name is shown and used
        // as the download's file name.
        let name = name.rsplit(['/', '\\']).next().unwrap_or(name).trim();
        let name = if name.is_empty() { "evidence.bin" } else { name };
        let media_type = if media_type.trim().is_empty() { "application/octet-stream" } else { media_type.trim() };
        let note = mamoru_domain::values::optional_text(note, 2_000).map_err(|p| invalid("note", p))?;
        let file = NewEvidence { name, media_type, content, note: note.as_deref() };
        Ok(self.store.add_evidence(p.org, id, file, &p.actor()).await?)
    }

    /// An evidence file's record and bytes (the read is recorded in its chain of custody).
    pub async fn evidence_file(&self, p: &Principal, id: EvidenceId) -> Result<(Evidence, Vec<u8>)> {
        // Reading is seeing the case, and the check comes first: a refused read must leave no
        // "exported" entry in the chain of custody.
        let ev = self.store.evidence(p.org, id).await?;
        self.case(p, ev.case).await?;
        Ok(self.store.evidence_content(p.org, id, &p.actor()).await?)
    }

    /// An evidence file's chain of custody.
    pub async fn custody(&self, p: &Principal, case: CaseId, id: EvidenceId) -> Result<Vec<Custody>> {
        self.case(p, case).await?;
        if !self.store.case_evidence(p.org, case).await?.iter().any(|e| e.id == id) {
            return Err(Error::NotFound("evidence"));
        }
        Ok(self.store.custody(p.org, id).await?)
    }

    /// Records that an evidence file was handed over or received (to the police, a forensic
    /// firm), with to whom.
    pub async fn hand_over_evidence(
        &self,
        p: &Principal,
        case: CaseId,
        id: EvidenceId,
        action: &str,
        note: &str,
    ) -> Result<()> {
        self.case_to_work(p, case, Action::RespondIncidents).await?;
        if !self.store.case_evidence(p.org, case).await?.iter().any(|e| e.id == id) {
            return Err(Error::NotFound("evidence"));
        }
        let action = match action.trim() {
            a @ ("handed_over" | "received" | "verified") => a,
            other => return Err(invalid("action", Problem::Unknown(other.to_owned()))),
        };
        let note = mamoru_domain::values::optional_text(note, 2_000).map_err(|p| invalid("note", p))?;
        Ok(self.store.add_custody(p.org, id, action, note.as_deref(), &p.actor()).await?)
    }
}
