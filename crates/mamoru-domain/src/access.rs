//! Roles and what they allow.
//!
//! A user holds grants: a role at the organisation (every facility) or at one facility.
//! [`allowed`] is the one place that decides; handlers ask it, never the role directly.

use crate::choice::choice_enum;
use crate::ids::FacilityId;

choice_enum! {
    /// What a user may do, from most to least.
    pub enum Role {
        /// Everything, including accounts and organisation settings.
        Admin => ("admin", "管理者", "Admin"),
        /// Maintains the register and contact chain, imports, reads the audit log.
        Manager => ("manager", "責任者", "Manager"),
        /// Keeps assets and contacts up to date.
        Staff => ("staff", "担当者", "Staff"),
        /// Reads everything in scope, including the audit log; changes nothing.
        Auditor => ("auditor", "監査（閲覧のみ）", "Auditor (read-only)", ["監査", "閲覧"]),
    }
}

/// Where a grant applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The whole organisation: every facility, and organisation-wide settings.
    Organization,
    /// One facility.
    Facility(FacilityId),
}

/// A role held in a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Grant {
    /// The role.
    pub role: Role,
    /// Where it applies.
    pub scope: Scope,
}

/// Something a user may try to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read facilities, assets and contacts.
    ViewInventory,
    /// Create or edit an asset.
    EditAsset,
    /// Delete an asset.
    DeleteAsset,
    /// Import a register file.
    ImportInventory,
    /// Edit a facility's details.
    EditFacility,
    /// Create a facility (organisation scope only).
    CreateFacility,
    /// Edit vendors and contacts.
    EditContacts,
    /// Read the audit log.
    ViewAudit,
    /// Create users and change their roles.
    ManageUsers,
    /// Change organisation settings such as the two-factor requirement.
    ManageOrganization,
    /// Decide on a vulnerability finding: mitigated, risk accepted, not applicable.
    DecideFindings,
    /// Store a facility's logs as alerts (`mamoru ingest`, a log upload).
    IngestLogs,
    /// Acknowledge, escalate or re-open a detection alert.
    TriageAlerts,
    /// Mark a detection alert a false positive, which adds a suppression rule (or remove one).
    SuppressAlerts,
    /// Open an incident case and work on it: timeline, tasks, evidence, contacts, indicators.
    RespondIncidents,
    /// Decide the breach-report duty, export the reports, close a case, share it anonymized.
    ReportIncidents,
    /// Answer MHLW's cybersecurity checklist for a facility (はい/いいえ, 確認日, 目標日): a
    /// declaration the inspector reads, so a manager's.
    AnswerChecklist,
    /// Define and change backup jobs: what is backed up where, schedules, generations, the
    /// offline copy and the restore-test policy.
    ManageBackups,
    /// Run a backup job or its restore test now.
    RunBackups,
}

impl Action {
    /// Whether the action changes data (auditors may do none of these).
    pub fn is_write(self) -> bool {
        !matches!(self, Action::ViewInventory | Action::ViewAudit)
    }

    /// Whether the action only makes sense for the whole organisation.
    fn organisation_only(self) -> bool {
        matches!(self, Action::CreateFacility | Action::ManageOrganization)
    }
}

impl Role {
    /// Whether this role permits `action` somewhere.
    pub fn permits(self, action: Action) -> bool {
        use Action::*;
        match self {
            Role::Admin => true,
            Role::Manager => !matches!(action, ManageUsers | ManageOrganization),
            // Deciding that a vulnerability may stay, or that a kind of alert is noise from now
            // on, is a manager's call; staff look at alerts and pass them on.
            // Staff are often the ones at the screen when the ransom note appears: they open
            // the case and write the timeline; what is reported to whom is a manager's call.
            // Staff run the monthly restore drill and a backup before maintenance; where the
            // data goes and how long it is kept is a manager's call.
            Role::Staff => {
                matches!(
                    action,
                    ViewInventory | EditAsset | EditContacts | TriageAlerts | RespondIncidents | RunBackups
                )
            }
            Role::Auditor => matches!(action, ViewInventory | ViewAudit),
        }
    }
}

/// Decides whether grants allow `action` on `target` (`None` = organisation-wide).
pub fn allowed(grants: &[Grant], action: Action, target: Option<FacilityId>) -> bool {
    grants.iter().any(|g| {
        g.role.permits(action)
            && match (g.scope, target) {
                (Scope::Organization, _) => true,
                (Scope::Facility(_), _) if action.organisation_only() => false,
                (Scope::Facility(f), Some(t)) => f == t,
                (Scope::Facility(_), None) => false,
            }
    })
}

/// The facilities a user may see: all of them, or a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visible {
    /// Every facility of the organisation.
    All,
    /// Only these.
    Only(Vec<FacilityId>),
}

impl Visible {
    /// Whether `facility` is visible.
    pub fn contains(&self, facility: FacilityId) -> bool {
        match self {
            Visible::All => true,
            Visible::Only(ids) => ids.contains(&facility),
        }
    }
}

/// The facilities on which `grants` allow `action`.
pub fn facilities_for(grants: &[Grant], action: Action) -> Visible {
    let mut ids = Vec::new();
    for g in grants.iter().filter(|g| g.role.permits(action)) {
        match g.scope {
            Scope::Organization => return Visible::All,
            Scope::Facility(f) if !ids.contains(&f) => ids.push(f),
            Scope::Facility(_) => {}
        }
    }
    Visible::Only(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: FacilityId = FacilityId::new(1);
    const B: FacilityId = FacilityId::new(2);

    fn at(role: Role, f: FacilityId) -> Grant {
        Grant { role, scope: Scope::Facility(f) }
    }

    fn org(role: Role) -> Grant {
        Grant { role, scope: Scope::Organization }
    }

    #[test]
    fn auditors_only_read() {
        let g = [org(Role::Auditor)];
        assert!(allowed(&g, Action::ViewInventory, Some(A)));
        assert!(allowed(&g, Action::ViewAudit, None));
        for a in
            [Action::EditAsset, Action::DeleteAsset, Action::ImportInventory, Action::EditContacts, Action::ManageUsers]
        {
            assert!(!allowed(&g, a, Some(A)), "{a:?}");
        }
    }

    #[test]
    fn facility_grants_stay_in_their_facility() {
        let g = [at(Role::Manager, A)];
        assert!(allowed(&g, Action::EditAsset, Some(A)));
        assert!(!allowed(&g, Action::EditAsset, Some(B)));
        assert!(!allowed(&g, Action::EditAsset, None));
        assert!(!allowed(&[at(Role::Admin, A)], Action::CreateFacility, Some(A)));
        assert_eq!(facilities_for(&g, Action::ViewInventory), Visible::Only(vec![A]));
    }

    #[test]
    fn staff_edit_but_do_not_import_or_delete() {
        let g = [org(Role::Staff)];
        assert!(allowed(&g, Action::EditAsset, Some(A)));
        assert!(!allowed(&g, Action::ImportInventory, Some(A)));
        assert!(!allowed(&g, Action::DeleteAsset, Some(A)));
        assert!(!allowed(&g, Action::ViewAudit, None));
    }

    #[test]
    fn staff_triage_alerts_but_managers_suppress_them() {
        assert!(allowed(&[at(Role::Staff, A)], Action::TriageAlerts, Some(A)));
        assert!(!allowed(&[at(Role::Staff, A)], Action::TriageAlerts, Some(B)));
        assert!(!allowed(&[org(Role::Staff)], Action::SuppressAlerts, Some(A)));
        assert!(!allowed(&[org(Role::Staff)], Action::IngestLogs, Some(A)));
        assert!(allowed(&[at(Role::Manager, A)], Action::SuppressAlerts, Some(A)));
        assert!(allowed(&[at(Role::Manager, A)], Action::IngestLogs, Some(A)));
        assert!(!allowed(&[org(Role::Auditor)], Action::TriageAlerts, Some(A)));
    }

    #[test]
    fn staff_run_backups_but_managers_define_them() {
        assert!(allowed(&[at(Role::Staff, A)], Action::RunBackups, Some(A)));
        assert!(!allowed(&[at(Role::Staff, A)], Action::RunBackups, Some(B)));
        assert!(!allowed(&[org(Role::Staff)], Action::ManageBackups, Some(A)));
        assert!(allowed(&[at(Role::Manager, A)], Action::ManageBackups, Some(A)));
        assert!(!allowed(&[org(Role::Auditor)], Action::RunBackups, Some(A)));
    }

    #[test]
    fn only_admins_manage_users() {
        assert!(allowed(&[org(Role::Admin)], Action::ManageUsers, None));
        assert!(!allowed(&[org(Role::Manager)], Action::ManageUsers, None));
        assert_eq!(facilities_for(&[at(Role::Staff, A), org(Role::Auditor)], Action::ViewInventory), Visible::All);
        assert_eq!(facilities_for(&[at(Role::Auditor, A)], Action::EditAsset), Visible::Only(vec![]));
    }
}
