//! Importing and exporting the register file.
//!
//! An import is all or nothing: a file with any bad row is refused whole, with every bad row
//! named, and the store is not touched. A good file is applied in one transaction. The web UI
//! shows a preview first (the same work, rolled back), then applies the same bytes.

use std::collections::HashMap;

use mamoru_domain::access::Action;
use mamoru_domain::{FacilityId, Problem};
use mamoru_inventory::{CsvEncoding, ExportRow, Headers, ReadOptions, RowError};
use mamoru_store::{AssetQuery, ImportSummary};

use crate::App;
use crate::auth::secret;
use crate::error::{Error, Result};
use crate::principal::Principal;

/// What an import would do, or why it cannot.
#[derive(Debug, Clone)]
pub struct Preview {
    /// The file's name.
    pub file_name: String,
    /// How the file was read (`UTF-8`, `Shift_JIS`, `xlsx`...).
    pub encoding: &'static str,
    /// Data rows in the file.
    pub rows: usize,
    /// Headers that were not recognised and are ignored.
    pub ignored_columns: Vec<String>,
    /// Every bad row; if any, nothing can be imported.
    pub errors: Vec<RowError>,
    /// What the import would do, when there are no errors.
    pub summary: Option<ImportSummary>,
}

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// CSV with headers in this language and this encoding.
    Csv(Headers, CsvEncoding),
    /// An Excel workbook.
    Xlsx(Headers),
    /// A JSON array.
    Json,
}

impl App {
    /// Reads a register file and says what importing it would do, changing nothing.
    pub async fn preview_import(
        &self,
        p: &Principal,
        file_name: &str,
        bytes: &[u8],
        default_facility: Option<FacilityId>,
    ) -> Result<Preview> {
        self.import_inner(p, file_name, bytes, default_facility, true).await
    }

    /// Imports a register file: all of it, or (with any bad row) nothing, as
    /// [`Error::Rejected`] listing every bad row.
    pub async fn import_register(
        &self,
        p: &Principal,
        file_name: &str,
        bytes: &[u8],
        default_facility: Option<FacilityId>,
    ) -> Result<ImportSummary> {
        accepted(self.import_inner(p, file_name, bytes, default_facility, false).await?)
    }

    /// Like [`App::import_register`], but changes nothing: what the import would do, or the
    /// same [`Error::Rejected`].
    pub async fn check_import(
        &self,
        p: &Principal,
        file_name: &str,
        bytes: &[u8],
        default_facility: Option<FacilityId>,
    ) -> Result<ImportSummary> {
        accepted(self.import_inner(p, file_name, bytes, default_facility, true).await?)
    }

    async fn import_inner(
        &self,
        p: &Principal,
        file_name: &str,
        bytes: &[u8],
        default_facility: Option<FacilityId>,
        dry_run: bool,
    ) -> Result<Preview> {
        if !p.can_anywhere(Action::ImportInventory) {
            return Err(Error::Forbidden);
        }
        let facilities = self.store.facilities(p.org).await?;
        let default_name = match default_facility {
            Some(id) => {
                Some(facilities.iter().find(|f| f.id == id).ok_or(Error::NotFound("facility"))?.draft.name.clone())
            }
            None => None,
        };
        let options = ReadOptions { default_facility: default_name.as_deref() };
        let parsed = mamoru_inventory::read_register(bytes, file_name, &options)?;
        let by_name: HashMap<&str, FacilityId> = facilities.iter().map(|f| (f.draft.name.as_str(), f.id)).collect();
        let mut errors = parsed.errors;
        for line in &parsed.entries {
            let allowed = match by_name.get(line.entry.facility.as_str()) {
                Some(id) => p.can(Action::ImportInventory, Some(*id)),
                None => p.can(Action::CreateFacility, None),
            };
            if !allowed {
                let what = match by_name.contains_key(line.entry.facility.as_str()) {
                    true => format!("importing into facility {:?}", line.entry.facility),
                    false => format!("creating facility {:?}", line.entry.facility),
                };
                errors.push(RowError {
                    line: line.line,
                    column: None,
                    field: Some("facility"),
                    problem: Problem::NotAllowed(what),
                });
            }
        }
        errors.sort_by_key(|e| e.line);
        let mut preview = Preview {
            file_name: file_name.to_owned(),
            encoding: parsed.encoding,
            rows: parsed.rows,
            ignored_columns: parsed.ignored_columns,
            errors,
            summary: None,
        };
        if preview.errors.is_empty() {
            let entries: Vec<_> = parsed.entries.into_iter().map(|l| l.entry).collect();
            let summary =
                self.store.import_register(p.org, &entries, &parsed.columns, file_name, &p.actor(), dry_run).await?;
            if !dry_run {
                self.rematch_after_change(p, None).await;
            }
            preview.summary = Some(summary);
        }
        Ok(preview)
    }

    /// Keeps an uploaded file between preview and confirmation; returns its token.
    pub async fn stash_import(&self, p: &Principal, file_name: &str, bytes: &[u8]) -> Result<String> {
        let user = p.user_id.ok_or(Error::Forbidden)?;
        let token = secret::random_token(24);
        // Abandoned previews are dropped after a day.
        let day_ago = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24);
        self.store.purge_stashed_imports(day_ago).await?;
        self.store.stash_import(p.org, user, &token, file_name, bytes).await?;
        Ok(token)
    }

    /// The file stashed under `token` by this principal.
    pub async fn stashed_import(&self, p: &Principal, token: &str) -> Result<(String, Vec<u8>)> {
        let user = p.user_id.ok_or(Error::Forbidden)?;
        self.store.stashed_import(p.org, user, token).await?.ok_or(Error::NotFound("uploaded file"))
    }

    /// Forgets a stashed file.
    pub async fn drop_stashed_import(&self, token: &str) -> Result<()> {
        Ok(self.store.drop_stashed_import(token).await?)
    }

    /// The register of every facility the principal may see, as a file. The export is audited.
    pub async fn export_register(&self, p: &Principal, format: ExportFormat) -> Result<Vec<u8>> {
        let rows = self.export_rows(p).await?;
        let bytes = match format {
            ExportFormat::Csv(headers, encoding) => mamoru_inventory::write_csv(&rows, headers, encoding)?,
            ExportFormat::Xlsx(headers) => mamoru_inventory::write_xlsx(&rows, headers)?,
            ExportFormat::Json => mamoru_inventory::write_json(&rows),
        };
        let summary = format!("{} assets", rows.len());
        self.store.record(Some(p.org), &p.actor(), "inventory.export", "inventory", None, summary).await?;
        Ok(bytes)
    }

    async fn export_rows(&self, p: &Principal) -> Result<Vec<ExportRow>> {
        const PAGE: u32 = 1_000;
        let mut rows = Vec::new();
        loop {
            let query = AssetQuery { offset: rows.len() as u64, limit: Some(PAGE), ..Default::default() };
            let (items, total) = self.list_assets(p, query).await?;
            let done = items.len() < PAGE as usize;
            rows.extend(items.into_iter().map(|i| ExportRow {
                facility: i.facility_name,
                asset: i.asset.draft,
                maintenance_vendor: i.maintenance_vendor_name,
                remote_vendor: i.remote_vendor_name,
            }));
            if done || rows.len() as u64 >= total {
                return Ok(rows);
            }
        }
    }
}

/// The summary of a file without bad rows; otherwise every bad row, as a refusal.
fn accepted(preview: Preview) -> Result<ImportSummary> {
    match preview.summary {
        Some(summary) if preview.errors.is_empty() => Ok(summary),
        _ => Err(Error::Rejected { file: preview.file_name, errors: preview.errors }),
    }
}
