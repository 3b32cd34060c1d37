//! Argon2id password hashes.
//!
//! Hashing costs tens of milliseconds and 19 MiB by design, so it runs on the blocking pool,
//! never on the async workers.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::error::Result;

/// Hashes a password with Argon2id and a random salt, as a PHC string.
pub async fn hash(password: &str) -> Result<String> {
    let password = password.to_owned();
    let phc = tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .expect("argon2 with default parameters accepts any password")
    })
    .await?;
    Ok(phc)
}

/// Checks a password against a PHC string. A malformed stored hash never matches.
pub async fn verify(password: &str, phc: &str) -> Result<bool> {
    let (password, phc) = (password.to_owned(), phc.to_owned());
    Ok(tokio::task::spawn_blocking(move || {
        PasswordHash::new(&phc)
            .map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
            .unwrap_or(false)
    })
    .await?)
}

/// A hash of nothing in particular, verified against when the account does not exist, so
/// that a wrong e-mail takes as long as a wrong password.
pub const DECOY: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Lx3M2mX4Cvx2hZzXgmTk1Yq0fTG1T9S3Yv9lq8o8h6c";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_and_verify() {
        let h = hash("Mamoru#2026").await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("Mamoru#2026", &h).await.unwrap());
        assert!(!verify("mamoru#2026", &h).await.unwrap());
        assert!(!verify("x", "not a hash").await.unwrap());
        assert!(!verify("x", DECOY).await.unwrap());
    }
}
