//! What every handler shares.

use mamoru_app::App;

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Mark cookies `Secure` (serve over HTTPS, directly or behind a proxy). Off only for
    /// plain-HTTP use on a loopback address.
    pub secure_cookies: bool,
    /// The largest register file accepted for import, in bytes.
    pub max_upload: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig { secure_cookies: true, max_upload: 10 * 1024 * 1024 }
    }
}

/// The state handlers receive. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The application.
    pub app: App,
    /// HTTP settings.
    pub config: ServerConfig,
    /// Where backups and restore tests started from a page keep their working files (the
    /// ransomware guard's manifests, the scratch folder); none until [`AppState::with_backup`].
    pub backup: mamoru_app::backup::BackupSettings,
}

impl AppState {
    /// Bundles the application and the HTTP settings.
    pub fn new(app: App, config: ServerConfig) -> Self {
        AppState { app, config, backup: Default::default() }
    }

    /// The same state, with runs started from a page using `settings` (`mamoru serve` passes
    /// the data directory's `backup-state`, as its scheduler uses).
    pub fn with_backup(mut self, settings: mamoru_app::backup::BackupSettings) -> Self {
        self.backup = settings;
        self
    }
}
