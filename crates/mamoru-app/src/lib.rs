//! Mamoru's application layer: what the web UI, the REST API and the command line do, with
//! the permission checks, validation and audit that every one of them needs.
//!
//! The server and the CLI are thin: they parse a request, call an [`App`] method with the
//! acting [`Principal`], and render the result. Every method that reads or changes an
//! organisation's data takes that principal and checks its grants first; the store then
//! scopes the SQL to the principal's organisation, so a forgotten check cannot leak across
//! tenants.
#![deny(missing_docs)]

pub mod audit;
pub mod auth;
pub mod backup;
pub mod demo;
pub mod detect;
mod error;
pub mod import;
pub mod incident;
pub mod inventory;
pub mod mail;
pub mod notify;
mod principal;
pub mod readiness;
pub mod users;
pub mod vuln;

use std::sync::Arc;

use jiff::SignedDuration;
use mamoru_store::Store;

pub use error::{Error, Result};
pub use principal::Principal;

/// Today's date in Asia/Tokyo, where legal and patching deadlines are counted. Japan has had
/// no daylight saving since 1951, so a fixed +09:00 is exact.
pub fn today() -> jiff::civil::Date {
    let tokyo = jiff::tz::TimeZone::fixed(jiff::tz::offset(9));
    jiff::Timestamp::now().to_zoned(tokyo).date()
}

/// A time as a person types it in Japan: `2026-11-20T10:00` (a browser's `datetime-local`).
pub fn tokyo_minute(t: jiff::Timestamp) -> String {
    let tokyo = jiff::tz::TimeZone::fixed(jiff::tz::offset(9));
    t.to_zoned(tokyo).strftime("%Y-%m-%dT%H:%M").to_string()
}

/// Settings of the application.
#[derive(Debug, Clone)]
pub struct Config {
    /// A session ends after this long without a request.
    pub session_idle: SignedDuration,
    /// A session ends this long after login, whatever happens.
    pub session_max: SignedDuration,
}

impl Default for Config {
    fn default() -> Self {
        Config { session_idle: SignedDuration::from_hours(2), session_max: SignedDuration::from_hours(12) }
    }
}

/// The application: the store and the settings. Cheap to clone.
#[derive(Debug, Clone)]
pub struct App {
    store: Store,
    config: Arc<Config>,
    /// The backup jobs this process is running now.
    backup_runs: backup::Runs,
}

impl App {
    /// Wraps an open store.
    pub fn new(store: Store, config: Config) -> Self {
        App { store, config: Arc::new(config), backup_runs: Default::default() }
    }

    /// The store, for health checks and maintenance.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.config
    }
}

/// Where a request comes from, for sessions and the audit log.
#[derive(Debug, Clone, Default)]
pub struct Client {
    /// The client's IP address.
    pub ip: Option<String>,
    /// The browser's User-Agent.
    pub user_agent: Option<String>,
}

impl Client {
    /// `web 192.0.2.1`, `api 192.0.2.1`.
    pub(crate) fn origin(&self, channel: &str) -> String {
        match &self.ip {
            Some(ip) => format!("{channel} {ip}"),
            None => channel.to_owned(),
        }
    }
}
