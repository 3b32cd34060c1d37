//! Findings as people see them: listed for the facilities they may see, decided on, ranked
//! by an editable policy, exported.

use jiff::civil::Date;
use mamoru_domain::access::Action;
use mamoru_domain::{FacilityId, FindingId, FindingStatus, Invalid, Policy, Problem};
use mamoru_store::{Decision, FeedStatus, Finding, FindingQuery};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::{App, Principal};

/// One finding in the shape the CLI, the API and the CSV export share. The keys are a
/// contract: add keys, never rename them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingReport {
    /// The stored finding's id (absent for `vuln match`, which stores nothing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// The asset's name.
    pub asset: String,
    /// Its facility.
    pub facility: String,
    /// The CVE (or JVNDB id).
    pub cve: String,
    /// In CISA KEV.
    pub kev: bool,
    /// Used by ransomware (CISA).
    pub ransomware: bool,
    /// EPSS probability.
    pub epss: Option<f64>,
    /// Highest CVSS base score.
    pub cvss: Option<f64>,
    /// 1 = most urgent.
    pub priority: u8,
    /// Why that priority.
    pub priority_reason: String,
    /// Due date (`YYYY-MM-DD`).
    pub due: String,
    /// Why the asset matched.
    pub why: String,
    /// The same in Japanese.
    pub why_ja: String,
    /// `exact`, `name` or `fuzzy`.
    pub confidence: String,
    /// The advisory's source (`nvd`, `cve5`, `jvn`).
    pub source: String,
    /// The advisory matched.
    pub advisory: String,
    /// The asset's version when matched.
    pub version: Option<String>,
    /// `open`, `fixed`, `mitigated`, `accepted`, `rejected`.
    pub status: String,
}

impl FindingReport {
    /// A stored finding.
    pub fn of(f: &Finding) -> Self {
        let m = &f.matched;
        Self {
            id: Some(f.id.get()),
            asset: f.asset_name.clone(),
            facility: f.facility_name.clone(),
            cve: m.vuln_id.clone(),
            kev: m.kev,
            ransomware: m.ransomware,
            epss: m.epss,
            cvss: m.cvss,
            priority: m.priority,
            priority_reason: m.priority_reason.clone(),
            due: f.due.to_string(),
            why: m.why.clone(),
            why_ja: m.why_ja.clone(),
            confidence: m.confidence.clone(),
            source: m.source.clone(),
            advisory: m.advisory_id.clone(),
            version: m.version.clone(),
            status: f.status.code().to_owned(),
        }
    }
}

/// The columns of the CSV export, in order.
pub const CSV_COLUMNS: [&str; 17] = [
    "priority",
    "due",
    "facility",
    "asset",
    "version",
    "cve",
    "kev",
    "ransomware",
    "epss",
    "cvss",
    "status",
    "confidence",
    "source",
    "advisory",
    "priority_reason",
    "why",
    "why_ja",
];

/// Findings as CSV (UTF-8 with BOM, which Excel in Japan opens correctly).
pub fn findings_csv(reports: &[FindingReport]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let _ = w.write_record(CSV_COLUMNS);
    for r in reports {
        let num = |v: Option<f64>| v.map(|v| format!("{v}")).unwrap_or_default();
        let _ = w.write_record([
            r.priority.to_string(),
            r.due.clone(),
            r.facility.clone(),
            r.asset.clone(),
            r.version.clone().unwrap_or_default(),
            r.cve.clone(),
            r.kev.to_string(),
            r.ransomware.to_string(),
            num(r.epss),
            num(r.cvss),
            r.status.clone(),
            r.confidence.clone(),
            r.source.clone(),
            r.advisory.clone(),
            r.priority_reason.clone(),
            r.why.clone(),
            r.why_ja.clone(),
        ]);
    }
    w.into_inner().unwrap_or_default()
}

/// A decision as typed in a form.
#[derive(Debug, Clone, Default)]
pub struct DecisionInput {
    /// `open`, `mitigated`, `accepted` or `rejected` (or their labels).
    pub status: String,
    /// Why.
    pub reason: String,
    /// Until when an acceptance holds (`YYYY-MM-DD`, 令和…).
    pub expires: String,
}

impl App {
    /// Findings among the facilities the principal may see, most urgent first.
    pub async fn findings(&self, p: &Principal, mut query: FindingQuery) -> Result<Vec<Finding>> {
        if !p.can_anywhere(Action::ViewInventory) {
            return Err(Error::Forbidden);
        }
        query.visible = p.visible();
        Ok(self.store.findings(p.org, &query).await?)
    }

    /// The open findings of one facility.
    pub async fn facility_findings(&self, p: &Principal, facility: FacilityId) -> Result<Vec<Finding>> {
        p.require(Action::ViewInventory, Some(facility)).map_err(|_| Error::NotFound("facility"))?;
        let query =
            FindingQuery { facility: Some(facility), statuses: vec![FindingStatus::Open], ..Default::default() };
        Ok(self.store.findings(p.org, &query).await?)
    }

    /// One finding.
    pub async fn finding(&self, p: &Principal, id: FindingId) -> Result<Finding> {
        let f = self.store.finding(p.org, id).await?;
        p.require(Action::ViewInventory, Some(f.matched.facility)).map_err(|_| Error::NotFound("finding"))?;
        Ok(f)
    }

    /// Records a person's decision: re-open, mitigated, risk accepted (with a reason and an
    /// expiry) or not applicable (with a reason).
    pub async fn decide_finding(&self, p: &Principal, id: FindingId, input: &DecisionInput, today: Date) -> Result<()> {
        let f = self.finding(p, id).await?;
        p.require(Action::DecideFindings, Some(f.matched.facility))?;
        if f.status == FindingStatus::Fixed {
            // Nothing to decide: the device no longer matches; if it comes back it re-opens.
            let fixed = Problem::NotAllowed("the finding is fixed (the device no longer matches)".into());
            return Err(Error::Invalid(vec![Invalid::new("status", fixed)]));
        }
        let decision = parse_decision(input, today).map_err(Error::Invalid)?;
        Ok(self.store.decide_finding(p.org, id, &decision, &p.actor()).await?)
    }

    /// The organisation's ranking policy.
    pub async fn vuln_policy(&self, p: &Principal) -> Result<Policy> {
        if !p.can_anywhere(Action::ViewInventory) {
            return Err(Error::Forbidden);
        }
        Ok(self.store.vuln_policy(p.org).await?)
    }

    /// Changes the ranking policy and re-ranks every finding by it.
    pub async fn set_vuln_policy(&self, p: &Principal, policy: Policy) -> Result<()> {
        p.require(Action::ManageOrganization, None)?;
        let policy = policy.validate().map_err(Error::Invalid)?;
        self.store.set_vuln_policy(p.org, &policy, &p.actor()).await?;
        self.rematch(p.org, None, &p.actor()).await?;
        Ok(())
    }

    /// How much feed data is loaded.
    pub async fn feed_status(&self) -> Result<FeedStatus> {
        Ok(self.store.feed_status().await?)
    }
}

fn parse_decision(input: &DecisionInput, today: Date) -> Result<Decision, Vec<Invalid>> {
    let mut problems = Vec::new();
    let status =
        FindingStatus::parse(&input.status).map_err(|p| problems.push(Invalid::new("status", p))).ok().filter(|s| {
            // Fixed is what matching says, not a person.
            let chosen = *s != FindingStatus::Fixed;
            if !chosen {
                problems.push(Invalid::new(
                    "status",
                    Problem::UnknownChoice {
                        given: input.status.clone(),
                        expected: "未対応, 緩和策実施, リスク受容, 誤検知".into(),
                    },
                ));
            }
            chosen
        });
    let reason = Some(input.reason.trim().to_owned()).filter(|r| !r.is_empty());
    let expires = mamoru_domain::values::parse_date(&input.expires)
        .map_err(|p| problems.push(Invalid::new("expires", p)))
        .ok()
        .flatten();
    if let Some(s) = status {
        if s.is_decision() && reason.is_none() {
            problems.push(Invalid::new("reason", Problem::Required));
        }
        if s == FindingStatus::Accepted {
            match expires {
                None => problems.push(Invalid::new("expires", Problem::Required)),
                Some(d) if d <= today => problems.push(Invalid::new("expires", Problem::NotAfter(today))),
                Some(_) => {}
            }
        }
    }
    match (status, problems.is_empty()) {
        (Some(status), true) => {
            Ok(Decision { status, reason, expires: expires.filter(|_| status == FindingStatus::Accepted) })
        }
        _ => Err(problems),
    }
}
