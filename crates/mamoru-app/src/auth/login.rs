//! Logging in and out, and finding who a session belongs to.
//!
//! Login is two steps when the user has TOTP on: the password opens a *pending* session that
//! can do nothing but present a code, and a good code replaces it with a new, verified
//! session (a fresh token, so a token seen before the second factor is worthless after it).

use jiff::{SignedDuration, Timestamp};
use mamoru_domain::backoff;
use mamoru_store::{Actor, Session, User};

use crate::auth::{password, secret, totp};
use crate::error::{Error, Result};
use crate::principal::Principal;
use crate::{App, Client};

/// What the password step leads to.
#[derive(Debug, Clone)]
pub enum LoginStep {
    /// Logged in.
    Done(SessionInfo),
    /// The password was right; now the TOTP code. The session can do nothing else.
    NeedTotp(SessionInfo),
}

/// A session the client should keep in its cookie.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    /// The cookie value. Only its digest is stored.
    pub token: String,
    /// The CSRF token its forms must carry.
    pub csrf: String,
    /// When it ends at the latest.
    pub expires_at: Timestamp,
}

/// What a verified session says about its user, besides the principal.
#[derive(Debug, Clone)]
pub struct SessionState {
    /// The CSRF token forms must carry.
    pub csrf: String,
    /// The organisation requires TOTP and this user has not set it up yet: the UI must send
    /// them to enrolment before anything else.
    pub must_enrol_totp: bool,
    /// The user's e-mail, for the page header.
    pub email: String,
}

/// How long a pending (password-only) session waits for its TOTP code.
const PENDING: SignedDuration = SignedDuration::from_mins(5);
/// Activity is written at most this often, so page views don't each cost a write.
const TOUCH_EVERY: SignedDuration = SignedDuration::from_secs(60);

impl App {
    /// The password step of a login.
    pub async fn login(&self, email: &str, password_given: &str, client: &Client) -> Result<LoginStep> {
        let now = Timestamp::now();
        let Some(user) = self.store.user_by_email(email.trim()).await? else {
            // Same work as a real check, so timing does not tell which e-mails exist.
            password::verify(password_given, password::DECOY).await?;
            return Err(Error::BadCredentials);
        };
        if let Some(until) = user.locked_until.filter(|u| *u > now) {
            return Err(Error::LockedOut { until });
        }
        let ok = password::verify(password_given, &user.password_hash).await?;
        if !ok || user.disabled {
            self.login_failed(&user, now, client, "wrong password").await?;
            return Err(Error::BadCredentials);
        }
        if user.totp_enabled && user.totp_secret.is_some() {
            let info = self.new_session(&user, false, now, now + PENDING, client).await?;
            return Ok(LoginStep::NeedTotp(info));
        }
        self.login_succeeded(&user, now, client).await?;
        let info = self.new_session(&user, true, now, now + self.config.session_max, client).await?;
        Ok(LoginStep::Done(info))
    }

    /// The TOTP step: a good code turns the pending session into a new verified one.
    pub async fn login_totp(&self, pending_token: &str, code: &str, client: &Client) -> Result<SessionInfo> {
        let now = Timestamp::now();
        let hash = secret::digest(pending_token);
        let session = self.store.session(&hash).await?.filter(|s| !s.verified && s.expires_at > now);
        let Some(session) = session else { return Err(Error::SessionEnded) };
        let user = self.store.user_by_id(session.user_id).await?.ok_or(Error::SessionEnded)?;
        if let Some(until) = user.locked_until.filter(|u| *u > now) {
            return Err(Error::LockedOut { until });
        }
        let step = user.totp_secret.as_deref().and_then(|s| totp::check(s, code, now.as_second().max(0) as u64));
        let fresh = match step {
            Some(step) => self.store.use_totp_step(user.id, step as i64).await?,
            None => false,
        };
        if !fresh || user.disabled {
            self.login_failed(&user, now, client, "wrong two-factor code").await?;
            return Err(Error::BadTotp);
        }
        self.store.delete_session(&hash).await?;
        self.login_succeeded(&user, now, client).await?;
        self.new_session(&user, true, now, now + self.config.session_max, client).await
    }

    /// The e-mail of a pending session's user, for the TOTP page; `None` if it has ended.
    pub async fn pending_login(&self, pending_token: &str) -> Result<Option<String>> {
        let now = Timestamp::now();
        let session = self.store.session(&secret::digest(pending_token)).await?;
        let Some(s) = session.filter(|s| !s.verified && s.expires_at > now) else { return Ok(None) };
        Ok(self.store.user_by_id(s.user_id).await?.map(|u| u.email))
    }

    /// The principal of a verified session, or [`Error::SessionEnded`].
    pub async fn authenticate_session(&self, token: &str, client: &Client) -> Result<(Principal, SessionState)> {
        let now = Timestamp::now();
        let hash = secret::digest(token);
        let Some(session) = self.store.session(&hash).await? else { return Err(Error::SessionEnded) };
        let idle_end = session.last_seen_at + self.config.session_idle;
        if !session.verified || session.expires_at <= now || idle_end <= now {
            self.store.delete_session(&hash).await?;
            return Err(Error::SessionEnded);
        }
        let user = self.store.user_by_id(session.user_id).await?.ok_or(Error::SessionEnded)?;
        if user.disabled {
            self.store.delete_session(&hash).await?;
            return Err(Error::SessionEnded);
        }
        if now.duration_since(session.last_seen_at) >= TOUCH_EVERY {
            self.store.touch_session(&hash, now).await?;
        }
        let org = self.store.org(user.org_id).await?;
        let state = SessionState {
            csrf: session.csrf_token.clone(),
            must_enrol_totp: org.require_totp && !user.totp_enabled,
            email: user.email.clone(),
        };
        Ok((principal(&user, client.origin("web")), state))
    }

    /// Ends a session.
    pub async fn logout(&self, token: &str) -> Result<()> {
        Ok(self.store.delete_session(&secret::digest(token)).await?)
    }

    async fn new_session(
        &self,
        user: &User,
        verified: bool,
        now: Timestamp,
        expires_at: Timestamp,
        client: &Client,
    ) -> Result<SessionInfo> {
        let token = secret::random_token(32);
        let csrf = secret::random_token(32);
        self.store
            .create_session(&Session {
                token_hash: secret::digest(&token),
                user_id: user.id,
                csrf_token: csrf.clone(),
                verified,
                created_at: now,
                last_seen_at: now,
                expires_at,
                ip: client.ip.clone(),
                user_agent: client.user_agent.clone(),
            })
            .await?;
        Ok(SessionInfo { token, csrf, expires_at })
    }

    async fn login_failed(&self, user: &User, now: Timestamp, client: &Client, why: &str) -> Result<()> {
        let failures = user.failed_logins.saturating_add(1);
        self.store.record_login_failure(user.id, failures, backoff::locked_until(failures, now)).await?;
        let actor = Actor { user_id: Some(user.id), name: user.email.clone(), origin: client.origin("web") };
        let summary = format!("{why} ({failures} in a row)");
        self.store.record(Some(user.org_id), &actor, "auth.login_failed", "user", Some(user.id.get()), summary).await?;
        Ok(())
    }

    async fn login_succeeded(&self, user: &User, now: Timestamp, client: &Client) -> Result<()> {
        self.store.record_login_success(user.id, now).await?;
        let actor = Actor { user_id: Some(user.id), name: user.email.clone(), origin: client.origin("web") };
        self.store
            .record(Some(user.org_id), &actor, "auth.login", "user", Some(user.id.get()), user.email.clone())
            .await?;
        Ok(())
    }
}

/// The principal a user acts as.
pub(crate) fn principal(user: &User, origin: String) -> Principal {
    Principal {
        user_id: Some(user.id),
        name: user.email.clone(),
        display_name: user.display_name.clone(),
        org: user.org_id,
        grants: user.grants.clone(),
        origin,
    }
}
