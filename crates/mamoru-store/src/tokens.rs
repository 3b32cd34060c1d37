//! Personal API tokens. As with sessions, only a SHA-256 of the token is stored; the user
//! sees the token once, when it is made.

use jiff::Timestamp;
use mamoru_domain::{OrgId, TokenId, UserId};
use serde_json::json;

use crate::Store;
use crate::audit::{Actor, Change, append};
use crate::db::{Exec, Row, args};
use crate::error::{Error, Result};
use crate::time::{format_ts, now, parse_opt_ts, parse_ts};

/// A token, without its secret.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiToken {
    /// Its id.
    pub id: TokenId,
    /// Whose token.
    pub user_id: UserId,
    /// What the user called it.
    pub name: String,
    /// The first characters of the token, to recognise it.
    pub prefix: String,
    /// When it was made.
    pub created_at: Timestamp,
    /// When it was last used.
    pub last_used_at: Option<Timestamp>,
    /// When it stops working, if ever.
    pub expires_at: Option<Timestamp>,
    /// When it was revoked.
    pub revoked_at: Option<Timestamp>,
}

/// A token to store: its owner, name, and the digest of its secret.
#[derive(Debug, Clone)]
pub struct NewApiToken<'a> {
    /// Whose token.
    pub user: UserId,
    /// What the user calls it.
    pub name: &'a str,
    /// SHA-256 of the token, hex.
    pub token_hash: &'a str,
    /// The first characters of the token, to recognise it.
    pub prefix: &'a str,
    /// When it stops working, if ever.
    pub expires_at: Option<Timestamp>,
}

const COLUMNS: &str = "t.id, t.user_id, t.name, t.prefix, t.created_at, t.last_used_at, t.expires_at, t.revoked_at";

impl Store {
    /// Stores a new token for `user`.
    pub async fn create_api_token(&self, org: OrgId, token: &NewApiToken<'_>, actor: &Actor) -> Result<TokenId> {
        let NewApiToken { user, name, token_hash, prefix, expires_at } = *token;
        let mut tx = self.pool.write().await?;
        let owner = tx
            .fetch_optional(
                "SELECT email FROM users WHERE org_id = $1 AND id = $2".into(),
                args![org.get(), user.get()],
            )
            .await?
            .ok_or(Error::NotFound { what: "user" })?
            .text("email")?;
        let row = tx
            .fetch_one(
                "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
                    .into(),
                args![user.get(), name, token_hash, prefix, now(), expires_at.map(format_ts)],
            )
            .await?;
        let id = TokenId::new(row.int("id")?);
        let change = Change {
            action: "token.create",
            entity: "api_token",
            entity_id: Some(id.get()),
            facility_id: None,
            summary: format!("{owner}: {name}"),
            before: None,
            after: Some(json!({ "user_id": user.get(), "name": name, "prefix": prefix })),
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The user's tokens, newest first.
    pub async fn api_tokens(&self, org: OrgId, user: UserId) -> Result<Vec<ApiToken>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id
             WHERE u.org_id = $1 AND t.user_id = $2 ORDER BY t.id DESC"
        );
        let rows = self.pool.conn().await?.fetch_all(sql.into(), args![org.get(), user.get()]).await?;
        rows.iter().map(token_from_row).collect()
    }

    /// The token with this hash, if it exists (revoked or expired ones included; the caller decides).
    pub async fn api_token_by_hash(&self, token_hash: &str) -> Result<Option<ApiToken>> {
        let sql = format!("SELECT {COLUMNS} FROM api_tokens t WHERE t.token_hash = $1");
        let row = self.pool.conn().await?.fetch_optional(sql.into(), args![token_hash]).await?;
        row.as_ref().map(token_from_row).transpose()
    }

    /// Notes a use of a token.
    pub async fn touch_api_token(&self, id: TokenId, at: Timestamp) -> Result<()> {
        self.pool
            .conn()
            .await?
            .execute("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2".into(), args![format_ts(at), id.get()])
            .await?;
        Ok(())
    }

    /// Revokes one of the user's tokens.
    pub async fn revoke_api_token(&self, org: OrgId, user: UserId, id: TokenId, actor: &Actor) -> Result<()> {
        let mut tx = self.pool.write().await?;
        let sql = format!(
            "SELECT {COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id
             WHERE u.org_id = $1 AND t.user_id = $2 AND t.id = $3"
        );
        let token = tx
            .fetch_optional(sql.into(), args![org.get(), user.get(), id.get()])
            .await?
            .as_ref()
            .map(token_from_row)
            .transpose()?
            .ok_or(Error::NotFound { what: "API token" })?;
        tx.execute("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2".into(), args![now(), id.get()]).await?;
        let change = Change {
            action: "token.revoke",
            entity: "api_token",
            entity_id: Some(id.get()),
            facility_id: None,
            summary: token.name.clone(),
            before: None,
            after: None,
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await
    }
}

fn token_from_row(r: &Row) -> Result<ApiToken> {
    Ok(ApiToken {
        id: TokenId::new(r.int("id")?),
        user_id: UserId::new(r.int("user_id")?),
        name: r.text("name")?,
        prefix: r.text("prefix")?,
        created_at: parse_ts(&r.text("created_at")?)?,
        last_used_at: parse_opt_ts(r.opt_text("last_used_at")?)?,
        expires_at: parse_opt_ts(r.opt_text("expires_at")?)?,
        revoked_at: parse_opt_ts(r.opt_text("revoked_at")?)?,
    })
}
