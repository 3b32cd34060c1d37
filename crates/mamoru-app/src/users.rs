//! Accounts: administrators manage users; everyone manages their own password and TOTP.

use mamoru_domain::access::{Action, Grant, Role, Scope};
use mamoru_domain::values::{parse_email, required_text};
use mamoru_domain::{OrgId, Problem, UserId, password as policy};
use mamoru_store::{Actor, NewUser, Organization, User};

use crate::App;
use crate::auth::{password, secret, totp};
use crate::error::{Error, Result};
use crate::principal::Principal;

/// A TOTP secret being set up: shown once as a QR code and as text.
#[derive(Debug, Clone)]
pub struct TotpSetup {
    /// The base32 secret, for typing into an app by hand.
    pub secret: String,
    /// The `otpauth://` URI for the QR code.
    pub uri: String,
}

impl App {
    /// Creates an organisation (command line and demo only: no principal can).
    pub async fn create_org(&self, name: &str) -> Result<OrgId> {
        let name = required_text(name, 200).map_err(|e| Error::invalid("name", e))?;
        self.store.create_org(&name, &Actor::cli()).await.map_err(Error::conflict_on("name"))
    }

    /// The principal's organisation.
    pub async fn org(&self, p: &Principal) -> Result<Organization> {
        Ok(self.store.org(p.org).await?)
    }

    /// Requires (or stops requiring) TOTP for every user of the organisation.
    pub async fn set_require_totp(&self, p: &Principal, require: bool) -> Result<()> {
        p.require(Action::ManageOrganization, None)?;
        Ok(self.store.set_require_totp(p.org, require, &p.actor()).await?)
    }

    /// The organisation's users.
    pub async fn users(&self, p: &Principal) -> Result<Vec<User>> {
        p.require(Action::ManageUsers, None)?;
        Ok(self.store.users(p.org).await?)
    }

    /// One user.
    pub async fn user(&self, p: &Principal, id: UserId) -> Result<User> {
        if p.user_id != Some(id) {
            p.require(Action::ManageUsers, None).map_err(|_| Error::NotFound("user"))?;
        }
        Ok(self.store.user(p.org, id).await?)
    }

    /// Creates a user with an initial password.
    pub async fn create_user(
        &self,
        p: &Principal,
        email: &str,
        display_name: &str,
        initial_password: &str,
        grants: &[Grant],
    ) -> Result<UserId> {
        p.require(Action::ManageUsers, None)?;
        let mut errors = Vec::new();
        let email = parse_email(email).map_err(|e| errors.push(mamoru_domain::Invalid::new("email", e))).ok();
        let display = required_text(display_name, 100)
            .map_err(|e| errors.push(mamoru_domain::Invalid::new("display_name", e)))
            .ok();
        if let Err(e) = policy::check(initial_password, email.as_deref().unwrap_or("")) {
            errors.push(mamoru_domain::Invalid::new("password", e));
        }
        if grants.is_empty() {
            errors.push(mamoru_domain::Invalid::new("role", Problem::Required));
        }
        let (Some(email), Some(display_name), true) = (email, display, errors.is_empty()) else {
            return Err(Error::Invalid(errors));
        };
        let password_hash = password::hash(initial_password).await?;
        let new = NewUser { email, display_name, password_hash, grants: grants.to_vec() };
        self.store.create_user(p.org, &new, &p.actor()).await.map_err(Error::conflict_on("email"))
    }

    /// Changes a user's name, roles and whether the account is disabled. The organisation
    /// always keeps an active administrator, and nobody can disable themselves.
    pub async fn update_user(
        &self,
        p: &Principal,
        id: UserId,
        display_name: &str,
        grants: &[Grant],
        disabled: bool,
    ) -> Result<()> {
        p.require(Action::ManageUsers, None)?;
        let display_name = required_text(display_name, 100).map_err(|e| Error::invalid("display_name", e))?;
        if grants.is_empty() {
            return Err(Error::invalid("role", Problem::Required));
        }
        if disabled && p.user_id == Some(id) {
            return Err(Error::invalid("disabled", Problem::NotAllowed("disabling your own account".into())));
        }
        let users = self.store.users(p.org).await?;
        let admin_left = users.iter().any(|u| {
            let (grants, disabled) = if u.id == id { (grants, disabled) } else { (&u.grants[..], u.disabled) };
            !disabled && grants.contains(&Grant { role: Role::Admin, scope: Scope::Organization })
        });
        if !admin_left {
            return Err(Error::LastAdmin);
        }
        Ok(self.store.update_user(p.org, id, &display_name, grants, disabled, &p.actor()).await?)
    }

    /// Gives a user a new generated password (shown once) and ends their sessions.
    pub async fn reset_password(&self, p: &Principal, id: UserId) -> Result<String> {
        p.require(Action::ManageUsers, None)?;
        self.store.user(p.org, id).await?;
        let new = secret::readable_password();
        let hash = password::hash(&new).await?;
        self.store.set_password(p.org, id, &hash, None, &p.actor()).await?;
        Ok(new)
    }

    /// Turns off a user's TOTP (after a lost phone); they set it up again at next login.
    pub async fn reset_totp(&self, p: &Principal, id: UserId) -> Result<()> {
        p.require(Action::ManageUsers, None)?;
        Ok(self.store.set_totp(p.org, id, None, false, &p.actor()).await?)
    }

    /// Changes the principal's own password; `keep_session` (the current cookie token)
    /// stays logged in, every other session ends.
    pub async fn change_own_password(
        &self,
        p: &Principal,
        current: &str,
        new: &str,
        keep_session: Option<&str>,
    ) -> Result<()> {
        let id = p.user_id.ok_or(Error::Forbidden)?;
        let user = self.store.user(p.org, id).await?;
        if !password::verify(current, &user.password_hash).await? {
            return Err(Error::invalid("current_password", Problem::NotAllowed("wrong current password".into())));
        }
        policy::check(new, &user.email).map_err(|e| Error::invalid("new_password", e))?;
        let hash = password::hash(new).await?;
        let keep = keep_session.map(secret::digest);
        Ok(self.store.set_password(p.org, id, &hash, keep.as_deref(), &p.actor()).await?)
    }

    /// Starts TOTP set-up: a new secret, not yet required at login.
    pub async fn begin_totp(&self, p: &Principal) -> Result<TotpSetup> {
        let id = p.user_id.ok_or(Error::Forbidden)?;
        let user = self.store.user(p.org, id).await?;
        let secret = totp::new_secret();
        let uri = totp::uri(&secret, &user.email).ok_or(Error::Forbidden)?;
        self.store.set_totp(p.org, id, Some(&secret), false, &p.actor()).await?;
        Ok(TotpSetup { secret, uri })
    }

    /// The set-up in progress, if any (to show the QR code again after a wrong code).
    pub async fn pending_totp(&self, p: &Principal) -> Result<Option<TotpSetup>> {
        let id = p.user_id.ok_or(Error::Forbidden)?;
        let user = self.store.user(p.org, id).await?;
        Ok(match (user.totp_enabled, user.totp_secret) {
            (false, Some(secret)) => totp::uri(&secret, &user.email).map(|uri| TotpSetup { secret, uri }),
            _ => None,
        })
    }

    /// Finishes TOTP set-up with a code from the app; from now on login asks for one.
    pub async fn confirm_totp(&self, p: &Principal, code: &str) -> Result<()> {
        let id = p.user_id.ok_or(Error::Forbidden)?;
        let user = self.store.user(p.org, id).await?;
        let secret = user.totp_secret.ok_or(Error::BadTotp)?;
        let now = jiff::Timestamp::now().as_second().max(0) as u64;
        let step = totp::check(&secret, code, now).ok_or(Error::BadTotp)?;
        self.store.set_totp(p.org, id, Some(&secret), true, &p.actor()).await?;
        self.store.use_totp_step(id, step as i64).await?;
        Ok(())
    }

    /// Turns on TOTP for a user with a new secret and no confirming code, for provisioning
    /// from the command line; the set-up is handed to the user to scan.
    pub async fn provision_totp(&self, p: &Principal, id: UserId) -> Result<TotpSetup> {
        p.require(Action::ManageUsers, None)?;
        let user = self.store.user(p.org, id).await?;
        let secret = totp::new_secret();
        let uri = totp::uri(&secret, &user.email).ok_or(Error::Forbidden)?;
        self.store.set_totp(p.org, id, Some(&secret), true, &p.actor()).await?;
        Ok(TotpSetup { secret, uri })
    }

    /// Turns off the principal's own TOTP, unless the organisation requires it.
    pub async fn disable_own_totp(&self, p: &Principal, current_password: &str) -> Result<()> {
        let id = p.user_id.ok_or(Error::Forbidden)?;
        if self.store.org(p.org).await?.require_totp {
            return Err(Error::invalid(
                "totp",
                Problem::NotAllowed("the organisation requires two-factor login".into()),
            ));
        }
        let user = self.store.user(p.org, id).await?;
        if !password::verify(current_password, &user.password_hash).await? {
            return Err(Error::invalid("current_password", Problem::NotAllowed("wrong current password".into())));
        }
        Ok(self.store.set_totp(p.org, id, None, false, &p.actor()).await?)
    }
}
