//! The password policy for Mamoru's own accounts.
//!
//! It follows the MHLW checklist item 2-⑦ (at least 8 characters mixing letters, digits and
//! symbols; 13 characters or more need no mixing), and adds a floor against the obvious.

use crate::invalid::Problem;

/// The shortest password accepted.
pub const MIN_LEN: usize = 8;
/// From this length on, no character mix is required.
pub const PASSPHRASE_LEN: usize = 13;

/// Checks a new password; `email` is the account's, which the password must not contain.
pub fn check(password: &str, email: &str) -> Result<(), Problem> {
    let len = password.chars().count();
    if len < MIN_LEN {
        return Err(Problem::WeakPassword("shorter than 8 characters"));
    }
    if len > 256 {
        return Err(Problem::TooLong { max: 256 });
    }
    let local = email.split('@').next().unwrap_or("").to_lowercase();
    if local.len() >= 3 && password.to_lowercase().contains(&local) {
        return Err(Problem::WeakPassword("contains the account name"));
    }
    let distinct = {
        let mut c: Vec<char> = password.chars().collect();
        c.sort_unstable();
        c.dedup();
        c.len()
    };
    if distinct < 4 {
        return Err(Problem::WeakPassword("too few different characters"));
    }
    if len >= PASSPHRASE_LEN {
        return Ok(());
    }
    let classes = [
        password.chars().any(|c| c.is_alphabetic()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_alphanumeric()),
    ];
    if classes.iter().filter(|c| **c).count() < 3 {
        return Err(Problem::WeakPassword("under 13 characters it must mix letters, digits and symbols"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        assert!(check("Mamoru#2026", "admin@example.jp").is_ok());
        assert!(check("correct horse battery", "admin@example.jp").is_ok());
        assert!(check("short1!", "a@b.jp").is_err());
        assert!(check("password12", "a@b.jp").is_err());
        assert!(check("aaaaaaaaaaaaaaaa", "a@b.jp").is_err());
        assert!(check("tanaka-2026!x", "tanaka@example.jp").is_err());
    }
}
