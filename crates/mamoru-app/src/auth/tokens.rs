//! Personal API tokens for scripts and other tools: `Authorization: Bearer mmr_…`.

use jiff::{SignedDuration, Timestamp};
use mamoru_domain::TokenId;
use mamoru_store::{ApiToken, NewApiToken};

use crate::auth::login::principal;
use crate::auth::secret;
use crate::error::{Error, Result};
use crate::principal::Principal;
use crate::{App, Client};

/// A token just made: the only time its secret is shown.
#[derive(Debug, Clone)]
pub struct NewToken {
    /// Its id.
    pub id: TokenId,
    /// The token itself.
    pub token: String,
}

/// Every token starts with this, so secret scanners and people can recognise one.
pub(crate) const PREFIX: &str = "mmr_";

impl App {
    /// Makes a token for the principal's own account, valid for `days` (or until revoked).
    pub async fn create_api_token(&self, p: &Principal, name: &str, days: Option<u32>) -> Result<NewToken> {
        let user = p.user_id.ok_or(Error::Forbidden)?;
        let name = mamoru_domain::values::required_text(name, 100).map_err(|e| Error::invalid("name", e))?;
        let token = format!("{PREFIX}{}", secret::random_token(32));
        let expires = days.map(|d| Timestamp::now() + SignedDuration::from_hours(24 * i64::from(d.clamp(1, 3650))));
        let digest = secret::digest(&token);
        let new = NewApiToken { user, name: &name, token_hash: &digest, prefix: &token[..12], expires_at: expires };
        let id = self.store.create_api_token(p.org, &new, &p.actor()).await?;
        Ok(NewToken { id, token })
    }

    /// The principal's own tokens.
    pub async fn api_tokens(&self, p: &Principal) -> Result<Vec<ApiToken>> {
        let user = p.user_id.ok_or(Error::Forbidden)?;
        Ok(self.store.api_tokens(p.org, user).await?)
    }

    /// Revokes one of the principal's own tokens.
    pub async fn revoke_api_token(&self, p: &Principal, id: TokenId) -> Result<()> {
        let user = p.user_id.ok_or(Error::Forbidden)?;
        Ok(self.store.revoke_api_token(p.org, user, id, &p.actor()).await?)
    }

    /// The principal of a bearer token, or [`Error::SessionEnded`] for an unknown, revoked or
    /// expired token, or a disabled account.
    pub async fn authenticate_token(&self, token: &str, client: &Client) -> Result<Principal> {
        if !token.starts_with(PREFIX) {
            return Err(Error::SessionEnded);
        }
        let now = Timestamp::now();
        let found = self.store.api_token_by_hash(&secret::digest(token)).await?;
        let Some(t) = found.filter(|t| t.revoked_at.is_none() && t.expires_at.is_none_or(|e| e > now)) else {
            return Err(Error::SessionEnded);
        };
        let user = self.store.user_by_id(t.user_id).await?.filter(|u| !u.disabled).ok_or(Error::SessionEnded)?;
        if t.last_used_at.is_none_or(|l| now.duration_since(l) >= SignedDuration::from_secs(60)) {
            self.store.touch_api_token(t.id, now).await?;
        }
        Ok(principal(&user, client.origin("api")))
    }
}
