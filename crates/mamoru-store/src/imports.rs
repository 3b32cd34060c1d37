//! Register files held between the preview and the confirmation of a web import.

use jiff::Timestamp;
use mamoru_domain::{OrgId, UserId};

use crate::Store;
use crate::db::{Exec, args};
use crate::error::Result;
use crate::time::{format_ts, now};

impl Store {
    /// Keeps an uploaded file under `token` until it is confirmed or purged.
    pub async fn stash_import(
        &self,
        org: OrgId,
        user: UserId,
        token: &str,
        file_name: &str,
        content: &[u8],
    ) -> Result<()> {
        self.pool
            .conn()
            .await?
            .execute(
                "INSERT INTO pending_imports (token, org_id, user_id, file_name, content, created_at) VALUES ($1, $2, $3, $4, $5, $6)"
                    .into(),
                args![token, org.get(), user.get(), file_name, content.to_vec(), now()],
            )
            .await?;
        Ok(())
    }

    /// The file stashed under `token` by this user, with its name.
    pub async fn stashed_import(&self, org: OrgId, user: UserId, token: &str) -> Result<Option<(String, Vec<u8>)>> {
        let row = self
            .pool
            .conn()
            .await?
            .fetch_optional(
                "SELECT file_name, content FROM pending_imports WHERE token = $1 AND org_id = $2 AND user_id = $3"
                    .into(),
                args![token, org.get(), user.get()],
            )
            .await?;
        row.map(|r| Ok((r.text("file_name")?, r.bytes("content")?))).transpose()
    }

    /// Forgets a stashed file.
    pub async fn drop_stashed_import(&self, token: &str) -> Result<()> {
        self.pool.conn().await?.execute("DELETE FROM pending_imports WHERE token = $1".into(), args![token]).await?;
        Ok(())
    }

    /// Forgets stashed files older than `before`.
    pub async fn purge_stashed_imports(&self, before: Timestamp) -> Result<u64> {
        self.pool
            .conn()
            .await?
            .execute("DELETE FROM pending_imports WHERE created_at < $1".into(), args![format_ts(before)])
            .await
    }
}
