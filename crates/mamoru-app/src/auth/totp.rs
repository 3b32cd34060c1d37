//! TOTP second factor (RFC 6238: SHA-1, 6 digits, 30-second steps, one step of skew), the
//! kind every authenticator app reads from a QR code.

use rand::RngCore;
use totp_rs::{Builder, Secret, Totp};

/// The issuer shown in authenticator apps.
pub const ISSUER: &str = "Mamoru";

/// A new random 160-bit secret, base32 as stored and as typed into an app by hand.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    Secret::new(Box::new(bytes)).to_base32()
}

fn totp(secret_base32: &str, account: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret_base32).ok()?;
    Builder::new()
        .with_secret(secret)
        .with_account_name(account.replace(':', "_"))
        .with_issuer(Some(ISSUER))
        .build()
        .ok()
}

/// The `otpauth://` URI an authenticator app scans.
pub fn uri(secret_base32: &str, account: &str) -> Option<String> {
    totp(secret_base32, account)?.to_url().ok()
}

/// The time step a code is valid for at `unix_seconds` (±1 step), if it is valid at all.
/// The caller must refuse a step already used, so a code works once.
pub fn check(secret_base32: &str, code: &str, unix_seconds: u64) -> Option<u64> {
    let code: String = mamoru_domain::values::narrow(code).chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    totp(secret_base32, "x")?.check(&code, unix_seconds)
}

/// The code for `unix_seconds`, for tests and the command line's `--totp-code` helper.
pub fn code_at(secret_base32: &str, unix_seconds: u64) -> Option<String> {
    Some(totp(secret_base32, "x")?.generate(unix_seconds).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_vector_and_skew() {
        // RFC 6238 appendix B, SHA-1 secret "12345678901234567890", T = 59 s -> 94287082 (8 digits);
        // with 6 digits the code is its last six digits.
        let secret = Secret::new(Box::new(*b"12345678901234567890")).to_base32();
        assert_eq!(code_at(&secret, 59).as_deref(), Some("287082"));
        assert_eq!(check(&secret, "287082", 59), Some(1));
        assert_eq!(check(&secret, "287 082", 80), Some(1), "previous step still accepted");
        assert_eq!(check(&secret, "287082", 120), None, "two steps later it is too old");
        assert_eq!(check(&secret, "２８７０８２", 59), Some(1), "full-width digits");
        assert_eq!(check(&secret, "28708", 59), None);
        assert_eq!(check("not base32!", "287082", 59), None);
    }

    #[test]
    fn uri_for_apps() {
        let s = new_secret();
        let u = uri(&s, "nurse@example.jp").unwrap();
        assert!(u.starts_with("otpauth://totp/Mamoru:nurse%40example.jp?"), "{u}");
        assert!(u.contains(&format!("secret={s}")), "{u}");
    }
}
