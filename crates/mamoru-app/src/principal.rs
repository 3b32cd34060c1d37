//! Who is acting: a logged-in user, an API token's owner, or the command line.

use mamoru_domain::access::{self, Action, Grant, Role, Scope, Visible};
use mamoru_domain::{FacilityId, OrgId, UserId};
use mamoru_store::Actor;

use crate::error::{Error, Result};

/// An authenticated actor within one organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    /// The user, if a user acts.
    pub user_id: Option<UserId>,
    /// The user's e-mail, or `cli (…)`.
    pub name: String,
    /// The display name.
    pub display_name: String,
    /// The organisation acted in.
    pub org: OrgId,
    /// What the actor may do.
    pub grants: Vec<Grant>,
    /// Where the request came from, for the audit log (`web 192.0.2.1`, `api …`, `cli`).
    pub origin: String,
}

impl Principal {
    /// The command line: someone with access to the data directory acts as an
    /// administrator of `org`.
    pub fn cli(org: OrgId) -> Self {
        let actor = Actor::cli();
        Principal {
            user_id: None,
            display_name: actor.name.clone(),
            name: actor.name,
            org,
            grants: vec![Grant { role: Role::Admin, scope: Scope::Organization }],
            origin: actor.origin,
        }
    }

    /// Mamoru itself acting for `org` (the demo, live log receivers): an administrator,
    /// recorded in the audit log as `system`.
    pub fn system(org: OrgId) -> Self {
        let actor = Actor::system();
        Principal {
            user_id: None,
            display_name: actor.name.clone(),
            name: actor.name,
            org,
            grants: vec![Grant { role: Role::Admin, scope: Scope::Organization }],
            origin: actor.origin,
        }
    }

    /// The audit-log actor.
    pub fn actor(&self) -> Actor {
        Actor { user_id: self.user_id, name: self.name.clone(), origin: self.origin.clone() }
    }

    /// Whether the principal may do `action` on `facility` (`None`: organisation-wide).
    pub fn can(&self, action: Action, facility: Option<FacilityId>) -> bool {
        access::allowed(&self.grants, action, facility)
    }

    /// Like [`Principal::can`], as an error.
    pub fn require(&self, action: Action, facility: Option<FacilityId>) -> Result<()> {
        if self.can(action, facility) { Ok(()) } else { Err(Error::Forbidden) }
    }

    /// The facilities on which the principal may do `action`.
    pub fn facilities_for(&self, action: Action) -> Visible {
        access::facilities_for(&self.grants, action)
    }

    /// Whether the principal may do `action` on at least one facility (for showing a menu
    /// entry or a button before a facility is chosen).
    pub fn can_anywhere(&self, action: Action) -> bool {
        self.grants.iter().any(|g| g.role.permits(action))
    }

    /// The facilities the principal may see, as a store filter (`None`: all).
    pub fn visible(&self) -> Option<Vec<FacilityId>> {
        match self.facilities_for(Action::ViewInventory) {
            Visible::All => None,
            Visible::Only(ids) => Some(ids),
        }
    }

    /// The highest role the principal holds anywhere, for display.
    pub fn top_role(&self) -> Option<Role> {
        self.grants.iter().map(|g| g.role).min()
    }
}
