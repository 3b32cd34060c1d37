//! The facility's cyber-attack BCP, laid out after MHLW's template (医療情報システム部門等に
//! おける事業継続計画(BCP)のひな形, 2024-06; shared/reference/japan-regulation.md "BCP
//! template contents"), pre-filled from the records: the ledger from the asset register, the
//! backup table from the backup jobs (what, generations, offline copy, the last restore test
//! and its measured duration) and each system's measured restore time against its target.
//!
//! Editing the text, the per-system targets and fallbacks, and recording an approval is a
//! manager's act ([`Action::AnswerChecklist`]: the BCP is what the checklist's 3-③ asks for);
//! the store audits every save.

use jiff::civil::Date;
use mamoru_domain::access::Action;
use mamoru_domain::backup::ResultKind;
use mamoru_domain::readiness::bcp::{self, RtoCheck, Section};
use mamoru_domain::readiness::fiscal::tokyo_day;
use mamoru_domain::readiness::rules::Bcp;
use mamoru_domain::values::{optional_text, parse_count, parse_date};
use mamoru_domain::{AssetCategory, AssetId, Checker, Facility, FacilityId, Invalid, OrgId, Problem};
use mamoru_store::{BackupJobQuery, BackupResultQuery, BcpDiagram, BcpInput, BcpPlan, BcpSystem, Drill};

use crate::error::{Error, Result};
use crate::{App, Principal, today};

/// One device of the ledger section, from the register.
#[derive(Debug, Clone)]
pub struct LedgerRow {
    /// Its name.
    pub name: String,
    /// サーバ, 端末PC, …
    pub category: AssetCategory,
    /// Where it is.
    pub location: Option<String>,
    /// Reached by a vendor's remote maintenance.
    pub remote_maintenance: bool,
}

/// One row of the backup table, from a backup job.
#[derive(Debug, Clone)]
pub struct BackupRow {
    /// The system.
    pub system: String,
    /// What is backed up (the job's sources).
    pub what: String,
    /// The generations kept, as the retention policy reads.
    pub generations: String,
    /// The offline copy's kind, if one is configured.
    pub offline: Option<&'static str>,
    /// The last passed restore test: its day and measured duration in ms.
    pub last_restore: Option<(Date, u64)>,
}

/// One system's row: target, measured restore time, risk and fallback.
#[derive(Debug, Clone)]
pub struct SystemRow {
    /// The saved row (defaults when nothing was saved yet).
    pub plan: BcpSystem,
    /// Needed to keep treating patients (from its backup job).
    pub needed_for_care: bool,
    /// The last passed restore test: its day and measured duration in ms.
    pub last_restore: Option<(Date, u64)>,
    /// Measured against the target.
    pub check: RtoCheck,
}

/// A facility's BCP as the page and the PDF show it.
#[derive(Debug, Clone)]
pub struct BcpView {
    /// The facility.
    pub facility: Facility,
    /// Today.
    pub as_of: Date,
    /// The stored BCP (`None`: nothing saved yet, the sections show the template's text).
    pub plan: Option<BcpPlan>,
    /// Every section with its text.
    pub sections: Vec<(Section, String)>,
    /// The asset ledger.
    pub ledger: Vec<LedgerRow>,
    /// The systems: backup jobs first, then servers of the register without a job.
    pub systems: Vec<SystemRow>,
    /// The backup table.
    pub backups: Vec<BackupRow>,
    /// The network and system diagrams kept on it, oldest first.
    pub diagrams: Vec<BcpDiagram>,
    /// The facility's drills, newest first.
    pub drills: Vec<Drill>,
    /// The fact checklist 3-③ and inspection point 3 read.
    pub fact: Option<Bcp>,
}

impl BcpView {
    /// Whether the last review is older than a year (or there is none).
    pub fn review_overdue(&self) -> bool {
        let reviewed = self.plan.as_ref().and_then(|p| p.input.approved.as_ref()).map(|(d, _)| *d);
        !bcp::within_year(reviewed, self.as_of)
    }

    /// Whether a drill was held within the year.
    pub fn drilled_within_year(&self) -> bool {
        bcp::within_year(self.fact.and_then(|f| f.drilled_on), self.as_of)
    }
}

/// The BCP form as typed: every section's text, and the approval.
#[derive(Debug, Clone, Default)]
pub struct BcpForm {
    /// Section code → text.
    pub sections: Vec<(String, String)>,
    /// The day of the review (approval); empty for a draft.
    pub reviewed_on: String,
    /// Who approved it.
    pub approved_by: String,
}

/// One system's row as typed.
#[derive(Debug, Clone, Default)]
pub struct SystemForm {
    /// The system's name.
    pub system: String,
    /// Target recovery time in minutes.
    pub rto_minutes: String,
    /// The risk when it stops.
    pub risk: String,
    /// The manual fallback.
    pub fallback: String,
}

impl App {
    /// The facility's BCP, pre-filled from the register and the backup jobs.
    pub async fn bcp_view(&self, p: &Principal, facility: FacilityId) -> Result<BcpView> {
        let facility = self.facility(p, facility).await?;
        let org = p.org;
        let as_of = today();
        let plan = self.store.bcp(org, facility.id).await?;
        let sections = Section::ALL
            .iter()
            .map(|s| {
                let saved = plan.as_ref().and_then(|p| p.input.sections.get(s.code()).cloned());
                (*s, saved.unwrap_or_else(|| s.template().to_owned()))
            })
            .collect();
        let assets = self.facility_assets(p, facility.id).await?;
        let ledger: Vec<LedgerRow> = assets
            .iter()
            .map(|a| LedgerRow {
                name: a.asset.draft.name.clone(),
                category: a.asset.draft.category,
                location: a.asset.draft.location.clone(),
                remote_maintenance: a.asset.draft.remote_maintenance,
            })
            .collect();
        let saved = self.store.bcp_systems(org, facility.id).await?;
        let row_of = |name: &str| {
            saved
                .iter()
                .find(|s| s.system == name)
                .cloned()
                .unwrap_or_else(|| BcpSystem { system: name.to_owned(), ..Default::default() })
        };
        let backups = self.backup_rows(org, facility.id).await?;
        let mut systems: Vec<SystemRow> = backups
            .iter()
            .map(|(b, care, _)| {
                let plan = row_of(&b.system);
                let measured = b.last_restore.map(|(_, ms)| ms);
                SystemRow {
                    check: bcp::rto_check(plan.rto_minutes, measured),
                    plan,
                    needed_for_care: *care,
                    last_restore: b.last_restore,
                }
            })
            .collect();
        // Servers of the register that no backup job covers, and saved rows without a job, are
        // systems too: with no restore test they show red.
        let covered: Vec<AssetId> = backups.iter().filter_map(|(_, _, asset)| *asset).collect();
        let servers = assets
            .iter()
            .filter(|a| a.asset.draft.category == AssetCategory::Server && !covered.contains(&a.asset.id))
            .map(|a| a.asset.draft.name.clone());
        for name in servers.chain(saved.iter().map(|s| s.system.clone())) {
            if !systems.iter().any(|s| s.plan.system == name) {
                let plan = row_of(&name);
                systems.push(SystemRow {
                    check: bcp::rto_check(plan.rto_minutes, None),
                    plan,
                    needed_for_care: false,
                    last_restore: None,
                });
            }
        }
        let drills = self.store.drills(org, Some(facility.id)).await?;
        let fact = self.bcp_fact(org, facility.id, as_of).await?;
        let diagrams = self.store.bcp_diagrams(org, facility.id).await?;
        Ok(BcpView {
            facility,
            as_of,
            plan,
            sections,
            ledger,
            systems,
            backups: backups.into_iter().map(|(b, _, _)| b).collect(),
            diagrams,
            drills,
            fact,
        })
    }

    /// Saves the BCP's text and approval; every problem of the form at once.
    pub async fn save_bcp(&self, p: &Principal, facility: FacilityId, form: &BcpForm) -> Result<i64> {
        p.require(Action::AnswerChecklist, Some(facility))?;
        let mut c = Checker::default();
        let mut input = BcpInput::default();
        for (code, text) in &form.sections {
            let Some(section) = Section::from_code(code) else {
                c.push(Invalid::new("section", Problem::Unknown(format!("section {code}"))));
                continue;
            };
            if let Some(t) = c.check_opt("section", optional_text(text, 20_000)) {
                input.sections.insert(section.code().to_owned(), t);
            }
        }
        let reviewed = c.check_opt("reviewed_on", parse_date(&form.reviewed_on));
        if reviewed.is_some_and(|d| d > today()) {
            c.push(Invalid::new("reviewed_on", Problem::InFuture));
        }
        let approver = c.check_opt("approved_by", optional_text(&form.approved_by, 200));
        match (reviewed, approver) {
            (Some(d), Some(who)) => input.approved = Some((d, who)),
            (Some(_), None) => c.push(Invalid::new("approved_by", Problem::Required)),
            (None, Some(_)) if !c.has("reviewed_on") => c.push(Invalid::new("reviewed_on", Problem::Required)),
            _ => {}
        }
        let input = c.finish(|| Some(input)).map_err(Error::Invalid)?;
        Ok(self.store.save_bcp(p.org, facility, &input, &p.actor()).await?)
    }

    /// Saves one system's target, risk and fallback; every problem of the form at once.
    pub async fn save_bcp_system(&self, p: &Principal, facility: FacilityId, form: &SystemForm) -> Result<()> {
        p.require(Action::AnswerChecklist, Some(facility))?;
        let mut c = Checker::default();
        let system = c.check_opt("system", optional_text(&form.system, 200));
        if system.is_none() && !c.has("system") {
            c.push(Invalid::new("system", Problem::Required));
        }
        // A week is the longest target that still means "recover", not "rebuild".
        let rto = c.check_opt("rto_minutes", parse_count(&form.rto_minutes, 1, 60 * 24 * 30));
        let risk = c.check_opt("risk", optional_text(&form.risk, 2_000)).unwrap_or_default();
        let fallback = c.check_opt("fallback", optional_text(&form.fallback, 2_000)).unwrap_or_default();
        let row = c
            .finish(|| Some(BcpSystem { system: system?, rto_minutes: rto.map(|m| m as u32), risk, fallback }))
            .map_err(Error::Invalid)?;
        Ok(self.store.save_bcp_system(p.org, facility, &row, &p.actor()).await?)
    }

    /// The BCP fact of checklist 3-③ and inspection point 3 (`None` while Mamoru holds no
    /// BCP and no drill, so the rule asks the person).
    pub(crate) async fn bcp_fact(&self, org: OrgId, facility: FacilityId, as_of: Date) -> Result<Option<Bcp>> {
        let plan = self.store.bcp(org, facility).await?;
        let drills: Vec<Date> = self.store.drills(org, Some(facility)).await?.iter().map(|d| d.held_on).collect();
        let reviewed = plan.as_ref().and_then(|p| p.input.approved.as_ref()).map(|(d, _)| *d);
        Ok(bcp::fact(plan.is_some(), reviewed, &drills, as_of))
    }

    /// The backup table with whether each system is needed for care and its register asset.
    async fn backup_rows(&self, org: OrgId, facility: FacilityId) -> Result<Vec<(BackupRow, bool, Option<AssetId>)>> {
        let jobs =
            self.store.backup_jobs(org, &BackupJobQuery { facility: Some(facility), ..Default::default() }).await?;
        let mut rows = Vec::with_capacity(jobs.len());
        for job in jobs {
            let query = BackupResultQuery {
                jobs: Some(vec![job.id]),
                kind: Some(ResultKind::RestoreTest),
                ok_only: true,
                limit: Some(1),
                ..Default::default()
            };
            let tested = self.store.backup_results(org, &query).await?;
            let last_restore = tested.first().map(|r| (tokyo_day(r.result.started_at), r.result.duration_ms));
            let row = BackupRow {
                system: job.spec.name.clone(),
                what: job.spec.sources.join("、"),
                generations: job.spec.retention.to_string(),
                offline: job.spec.offline.as_ref().map(|(_, kind)| kind.ja()),
                last_restore,
            };
            rows.push((row, job.spec.needed_for_care, job.spec.asset));
        }
        Ok(rows)
    }
}
