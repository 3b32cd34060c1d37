//! User accounts and their role grants.
//!
//! Secrets (the password hash, the TOTP secret) are stored here but never written to the
//! audit log: its snapshots name only whether two-factor login is on.

use jiff::Timestamp;
use mamoru_domain::access::{Grant, Role, Scope};
use mamoru_domain::{FacilityId, OrgId, UserId};
use serde_json::{Value, json};

use crate::Store;
use crate::audit::{Actor, Change, append};
use crate::db::{Exec, Row, Tx, args};
use crate::error::{Error, Result};
use crate::time::{format_ts, now, parse_opt_ts, parse_ts};

/// A user account.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// Its id.
    pub id: UserId,
    /// The organisation it belongs to.
    pub org_id: OrgId,
    /// Login name, lowercase, unique across organisations.
    pub email: String,
    /// The name shown in the UI and the audit log.
    pub display_name: String,
    /// The Argon2id PHC string.
    pub password_hash: String,
    /// The TOTP secret (base32), once enrolment has started.
    pub totp_secret: Option<String>,
    /// Whether login asks for a TOTP code.
    pub totp_enabled: bool,
    /// Consecutive failed logins.
    pub failed_logins: u32,
    /// No login is tried before this time.
    pub locked_until: Option<Timestamp>,
    /// The last successful login.
    pub last_login_at: Option<Timestamp>,
    /// A disabled account cannot log in or use tokens.
    pub disabled: bool,
    /// When it was created.
    pub created_at: Timestamp,
    /// What it may do.
    pub grants: Vec<Grant>,
}

/// A new account.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Login name (already lowercased and checked).
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// The Argon2id PHC string.
    pub password_hash: String,
    /// Roles.
    pub grants: Vec<Grant>,
}

const COLUMNS: &str = "id, org_id, email, display_name, password_hash, totp_secret, totp_enabled, failed_logins,
    locked_until, last_login_at, disabled, created_at";

impl Store {
    /// Creates an account.
    pub async fn create_user(&self, org: OrgId, user: &NewUser, actor: &Actor) -> Result<UserId> {
        let mut tx = self.pool.write().await?;
        check_grants(&mut tx, org, &user.grants).await?;
        let t = now();
        let row = tx
            .fetch_one(
                "INSERT INTO users (org_id, email, display_name, password_hash, totp_enabled, failed_logins, disabled, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, FALSE, 0, FALSE, $5, $5) RETURNING id"
                    .into(),
                args![org.get(), user.email.as_str(), user.display_name.as_str(), user.password_hash.as_str(), t],
            )
            .await
            .map_err(|e| e.conflict_as(|| format!("user {}", user.email)))?;
        let id = UserId::new(row.int("id")?);
        write_grants(&mut tx, id, &user.grants).await?;
        let after = get(&mut tx, org, id).await?;
        append(&mut tx, Some(org), actor, change("user.create", None, Some(&after))).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// One user of the organisation.
    pub async fn user(&self, org: OrgId, id: UserId) -> Result<User> {
        get(&mut self.pool.conn().await?, org, id).await
    }

    /// The user with this login name, in any organisation (for login).
    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        let sql = format!("SELECT {COLUMNS} FROM users WHERE email = $1");
        let mut conn = self.pool.conn().await?;
        let Some(row) = conn.fetch_optional(sql.into(), args![email.to_lowercase()]).await? else {
            return Ok(None);
        };
        let mut user = user_from_row(&row)?;
        user.grants = grants(&mut conn, user.id).await?;
        Ok(Some(user))
    }

    /// The user with this id, in any organisation (for sessions and tokens).
    pub async fn user_by_id(&self, id: UserId) -> Result<Option<User>> {
        let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
        let mut conn = self.pool.conn().await?;
        let Some(row) = conn.fetch_optional(sql.into(), args![id.get()]).await? else {
            return Ok(None);
        };
        let mut user = user_from_row(&row)?;
        user.grants = grants(&mut conn, user.id).await?;
        Ok(Some(user))
    }

    /// Every user of the organisation, by e-mail.
    pub async fn users(&self, org: OrgId) -> Result<Vec<User>> {
        let sql = format!("SELECT {COLUMNS} FROM users WHERE org_id = $1 ORDER BY email");
        let mut conn = self.pool.conn().await?;
        let rows = conn.fetch_all(sql.into(), args![org.get()]).await?;
        let mut users: Vec<User> = rows.iter().map(user_from_row).collect::<Result<_>>()?;
        for u in &mut users {
            u.grants = grants(&mut conn, u.id).await?;
        }
        Ok(users)
    }

    /// Changes a user's display name, roles and whether the account is disabled.
    pub async fn update_user(
        &self,
        org: OrgId,
        id: UserId,
        display_name: &str,
        grants: &[Grant],
        disabled: bool,
        actor: &Actor,
    ) -> Result<()> {
        let mut tx = self.pool.write().await?;
        check_grants(&mut tx, org, grants).await?;
        let before = get(&mut tx, org, id).await?;
        tx.execute(
            "UPDATE users SET display_name = $1, disabled = $2, updated_at = $3 WHERE org_id = $4 AND id = $5".into(),
            args![display_name, disabled, now(), org.get(), id.get()],
        )
        .await?;
        tx.execute("DELETE FROM grants WHERE user_id = $1".into(), args![id.get()]).await?;
        write_grants(&mut tx, id, grants).await?;
        if disabled {
            tx.execute("DELETE FROM sessions WHERE user_id = $1".into(), args![id.get()]).await?;
        }
        let after = get(&mut tx, org, id).await?;
        append(&mut tx, Some(org), actor, change("user.update", Some(&before), Some(&after))).await?;
        tx.commit().await
    }

    /// Sets a new password hash and ends the user's other sessions.
    pub async fn set_password(
        &self,
        org: OrgId,
        id: UserId,
        hash: &str,
        keep_session: Option<&str>,
        actor: &Actor,
    ) -> Result<()> {
        let mut tx = self.pool.write().await?;
        let user = get(&mut tx, org, id).await?;
        tx.execute(
            "UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = NULL, updated_at = $2
             WHERE org_id = $3 AND id = $4"
                .into(),
            args![hash, now(), org.get(), id.get()],
        )
        .await?;
        tx.execute(
            "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2".into(),
            args![id.get(), keep_session.unwrap_or("")],
        )
        .await?;
        let change = Change {
            action: "user.password",
            entity: "user",
            entity_id: Some(id.get()),
            facility_id: None,
            summary: user.email.clone(),
            before: None,
            after: None,
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await
    }

    /// Stores a TOTP secret (or clears it) and whether login asks for a code.
    pub async fn set_totp(
        &self,
        org: OrgId,
        id: UserId,
        secret: Option<&str>,
        enabled: bool,
        actor: &Actor,
    ) -> Result<()> {
        let mut tx = self.pool.write().await?;
        let before = get(&mut tx, org, id).await?;
        tx.execute(
            "UPDATE users SET totp_secret = $1, totp_enabled = $2, totp_last_step = NULL, updated_at = $3 WHERE org_id = $4 AND id = $5".into(),
            args![secret, enabled, now(), org.get(), id.get()],
        )
        .await?;
        if before.totp_enabled != enabled {
            let after = get(&mut tx, org, id).await?;
            append(&mut tx, Some(org), actor, change("user.totp", Some(&before), Some(&after))).await?;
        }
        tx.commit().await
    }

    /// Marks a TOTP time step as used, unless it (or a later one) already was: a code works once.
    pub async fn use_totp_step(&self, id: UserId, step: i64) -> Result<bool> {
        let changed = self
            .pool
            .conn()
            .await?
            .execute(
                "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)".into(),
                args![step, id.get()],
            )
            .await?;
        Ok(changed == 1)
    }

    /// Records a failed login: the new failure count and how long the account must wait.
    pub async fn record_login_failure(&self, id: UserId, failures: u32, locked_until: Option<Timestamp>) -> Result<()> {
        let mut conn = self.pool.conn().await?;
        conn.execute(
            "UPDATE users SET failed_logins = $1, locked_until = $2 WHERE id = $3".into(),
            args![i64::from(failures), locked_until.map(format_ts), id.get()],
        )
        .await?;
        Ok(())
    }

    /// Records a successful login: failures reset.
    pub async fn record_login_success(&self, id: UserId, at: Timestamp) -> Result<()> {
        let mut conn = self.pool.conn().await?;
        conn.execute(
            "UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = $1 WHERE id = $2".into(),
            args![format_ts(at), id.get()],
        )
        .await?;
        Ok(())
    }
}

async fn get(ex: &mut impl Exec, org: OrgId, id: UserId) -> Result<User> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE org_id = $1 AND id = $2");
    let row = ex.fetch_optional(sql.into(), args![org.get(), id.get()]).await?;
    let mut user = row.as_ref().map(user_from_row).transpose()?.ok_or(Error::NotFound { what: "user" })?;
    user.grants = grants(ex, id).await?;
    Ok(user)
}

async fn grants(ex: &mut impl Exec, user: UserId) -> Result<Vec<Grant>> {
    let rows = ex
        .fetch_all(
            "SELECT role, facility_id FROM grants WHERE user_id = $1 ORDER BY role, facility_id".into(),
            args![user.get()],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let role = r.text("role")?;
            Ok(Grant {
                role: Role::from_code(&role).ok_or_else(|| Error::Corrupt(format!("role {role}")))?,
                scope: match r.opt_int("facility_id")? {
                    Some(f) => Scope::Facility(FacilityId::new(f)),
                    None => Scope::Organization,
                },
            })
        })
        .collect()
}

/// Facility grants must name the organisation's own facilities.
async fn check_grants(tx: &mut Tx, org: OrgId, grants: &[Grant]) -> Result<()> {
    for g in grants {
        if let Scope::Facility(f) = g.scope {
            crate::facilities::ensure_in_org(tx, org, f).await?;
        }
    }
    Ok(())
}

async fn write_grants(tx: &mut Tx, user: UserId, grants: &[Grant]) -> Result<()> {
    let mut seen: Vec<Grant> = Vec::new();
    for g in grants {
        if seen.contains(g) {
            continue;
        }
        seen.push(*g);
        let facility = match g.scope {
            Scope::Organization => None,
            Scope::Facility(f) => Some(f.get()),
        };
        tx.execute(
            "INSERT INTO grants (user_id, role, facility_id) VALUES ($1, $2, $3)".into(),
            args![user.get(), g.role.code(), facility],
        )
        .await?;
    }
    Ok(())
}

fn change(action: &'static str, before: Option<&User>, after: Option<&User>) -> Change {
    let user = after.or(before).expect("a change has a before or an after");
    Change {
        action,
        entity: "user",
        entity_id: Some(user.id.get()),
        facility_id: None,
        summary: user.email.clone(),
        before: before.map(snapshot),
        after: after.map(snapshot),
    }
}

/// The account as the audit log shows it: no secrets.
fn snapshot(u: &User) -> Value {
    let grants: Vec<Value> = u
        .grants
        .iter()
        .map(|g| {
            let facility = match g.scope {
                Scope::Organization => None,
                Scope::Facility(f) => Some(f.get()),
            };
            json!({ "role": g.role.code(), "facility_id": facility })
        })
        .collect();
    json!({
        "email": u.email,
        "display_name": u.display_name,
        "totp_enabled": u.totp_enabled,
        "disabled": u.disabled,
        "grants": grants,
    })
}

fn user_from_row(r: &Row) -> Result<User> {
    Ok(User {
        id: UserId::new(r.int("id")?),
        org_id: OrgId::new(r.int("org_id")?),
        email: r.text("email")?,
        display_name: r.text("display_name")?,
        password_hash: r.text("password_hash")?,
        totp_secret: r.opt_text("totp_secret")?,
        totp_enabled: r.bool("totp_enabled")?,
        failed_logins: r.int("failed_logins")?.clamp(0, i64::from(u32::MAX)) as u32,
        locked_until: parse_opt_ts(r.opt_text("locked_until")?)?,
        last_login_at: parse_opt_ts(r.opt_text("last_login_at")?)?,
        disabled: r.bool("disabled")?,
        created_at: parse_ts(&r.text("created_at")?)?,
        grants: Vec::new(),
    })
}
