//! Authentication: passwords, TOTP, sessions and API tokens.

mod login;
pub mod password;
pub mod secret;
mod tokens;
pub mod totp;

pub use login::{LoginStep, SessionInfo};
pub use tokens::NewToken;
