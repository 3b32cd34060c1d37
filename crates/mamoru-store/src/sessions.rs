//! Login sessions. The cookie holds a random token; only its SHA-256 is stored, so a copy of
//! the database does not let anyone log in.

use jiff::Timestamp;
use mamoru_domain::UserId;

use crate::Store;
use crate::db::{Exec, Row, args};
use crate::error::Result;
use crate::time::{format_ts, parse_ts};

/// A session.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// SHA-256 of the cookie token, hex.
    pub token_hash: String,
    /// Whose session.
    pub user_id: UserId,
    /// The token forms must carry (CSRF synchroniser token).
    pub csrf_token: String,
    /// False while the session waits for the TOTP code.
    pub verified: bool,
    /// When it began.
    pub created_at: Timestamp,
    /// The last request.
    pub last_seen_at: Timestamp,
    /// When it ends, whatever happens.
    pub expires_at: Timestamp,
    /// The client address at login.
    pub ip: Option<String>,
    /// The browser at login.
    pub user_agent: Option<String>,
}

const COLUMNS: &str = "token_hash, user_id, csrf_token, verified, created_at, last_seen_at, expires_at, ip, user_agent";

impl Store {
    /// Stores a new session.
    pub async fn create_session(&self, s: &Session) -> Result<()> {
        self.pool
            .conn()
            .await?
            .execute(
                "INSERT INTO sessions (token_hash, user_id, csrf_token, verified, created_at, last_seen_at, expires_at, ip, user_agent)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                    .into(),
                args![
                    s.token_hash.as_str(),
                    s.user_id.get(),
                    s.csrf_token.as_str(),
                    s.verified,
                    format_ts(s.created_at),
                    format_ts(s.last_seen_at),
                    format_ts(s.expires_at),
                    s.ip.clone(),
                    s.user_agent.clone(),
                ],
            )
            .await?;
        Ok(())
    }

    /// The session with this token hash, if it exists.
    pub async fn session(&self, token_hash: &str) -> Result<Option<Session>> {
        let sql = format!("SELECT {COLUMNS} FROM sessions WHERE token_hash = $1");
        let row = self.pool.conn().await?.fetch_optional(sql.into(), args![token_hash]).await?;
        row.as_ref().map(session_from_row).transpose()
    }

    /// Notes activity on a session.
    pub async fn touch_session(&self, token_hash: &str, at: Timestamp) -> Result<()> {
        self.pool
            .conn()
            .await?
            .execute(
                "UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2".into(),
                args![format_ts(at), token_hash],
            )
            .await?;
        Ok(())
    }

    /// Ends a session.
    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        self.pool.conn().await?.execute("DELETE FROM sessions WHERE token_hash = $1".into(), args![token_hash]).await?;
        Ok(())
    }

    /// Removes sessions that ended before `now`, or idle since before `idle_since`.
    pub async fn purge_sessions(&self, now: Timestamp, idle_since: Timestamp) -> Result<u64> {
        self.pool
            .conn()
            .await?
            .execute(
                "DELETE FROM sessions WHERE expires_at < $1 OR last_seen_at < $2".into(),
                args![format_ts(now), format_ts(idle_since)],
            )
            .await
    }
}

fn session_from_row(r: &Row) -> Result<Session> {
    Ok(Session {
        token_hash: r.text("token_hash")?,
        user_id: UserId::new(r.int("user_id")?),
        csrf_token: r.text("csrf_token")?,
        verified: r.bool("verified")?,
        created_at: parse_ts(&r.text("created_at")?)?,
        last_seen_at: parse_ts(&r.text("last_seen_at")?)?,
        expires_at: parse_ts(&r.text("expires_at")?)?,
        ip: r.opt_text("ip")?,
        user_agent: r.opt_text("user_agent")?,
    })
}
