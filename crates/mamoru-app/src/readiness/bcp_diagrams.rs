//! Network and system diagrams on a facility's BCP (section ネットワーク構成図・システム構成図;
//! MHLW's BCP template 2.1.4 asks for them, kept current). Any file — PDF, an image, a Visio or
//! Excel sheet — at most [`DIAGRAM_MAX`] bytes, under its base name; the store keeps its
//! SHA-256 and refuses it by name when the bytes no longer match. Adding and removing one is a
//! manager's act, like editing the BCP; the store audits both.

use mamoru_domain::access::Action;
use mamoru_domain::{FacilityId, Invalid, Problem};
use mamoru_store::{BcpDiagram, NewBcpDiagram};

use crate::error::{Error, Result};
use crate::readiness::vendor::base_name;
use crate::{App, Principal};

/// The largest diagram kept, in bytes (as for MDS/SDS files: a scanned A3 drawing fits).
pub const DIAGRAM_MAX: usize = 10 * 1024 * 1024;

/// A diagram as uploaded.
#[derive(Debug, Clone, Default)]
pub struct DiagramFile {
    /// The name the browser sent (folders are dropped).
    pub file_name: String,
    /// The media type the browser sent (recorded only; it is always served as a download).
    pub media_type: String,
    /// The bytes.
    pub content: Vec<u8>,
}

impl App {
    /// Keeps a diagram on the facility's BCP; every problem of the upload at once.
    pub async fn attach_bcp_diagram(
        &self,
        p: &Principal,
        facility: FacilityId,
        file: DiagramFile,
    ) -> Result<BcpDiagram> {
        p.require(Action::AnswerChecklist, Some(facility))?;
        let DiagramFile { file_name, media_type, content } = file;
        let mut problems = Vec::new();
        let name = base_name(&file_name);
        if name.is_none() || content.is_empty() {
            problems.push(Invalid::new("file", Problem::Required));
        } else if content.len() > DIAGRAM_MAX {
            problems.push(Invalid::new("file", Problem::TooLarge { max_bytes: DIAGRAM_MAX as u64 }));
        }
        let Some(name) = name.filter(|_| problems.is_empty()) else {
            return Err(Error::Invalid(problems));
        };
        let media_type = if media_type.trim().is_empty() { "application/octet-stream" } else { media_type.trim() };
        let file = NewBcpDiagram { name: &name, media_type, content };
        Ok(self.store.add_bcp_diagram(p.org, facility, file, &p.actor()).await?)
    }

    /// The facility's diagrams, oldest first.
    pub async fn bcp_diagrams(&self, p: &Principal, facility: FacilityId) -> Result<Vec<BcpDiagram>> {
        let facility = self.facility(p, facility).await?;
        Ok(self.store.bcp_diagrams(p.org, facility.id).await?)
    }

    /// A diagram with its bytes (checked against its SHA-256), for whoever may see the BCP.
    pub async fn bcp_diagram(&self, p: &Principal, id: i64) -> Result<(BcpDiagram, Vec<u8>)> {
        let file = self.store.bcp_diagram(p.org, id).await?;
        self.facility(p, file.facility).await.map_err(|_| Error::NotFound("BCP diagram"))?;
        Ok(self.store.bcp_diagram_content(p.org, id).await?)
    }

    /// Removes a diagram from the facility's BCP (audited with its name and digest).
    pub async fn remove_bcp_diagram(&self, p: &Principal, id: i64) -> Result<BcpDiagram> {
        let file = self.store.bcp_diagram(p.org, id).await?;
        p.require(Action::AnswerChecklist, Some(file.facility))?;
        Ok(self.store.remove_bcp_diagram(p.org, id, &p.actor()).await?)
    }
}
