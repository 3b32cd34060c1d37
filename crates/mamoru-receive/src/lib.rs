//! Live inputs for the detection engine.
//!
//! - [`syslog`]: a receiver on one port for UDP datagrams and TCP streams (newline framing
//!   or RFC 6587 octet counting), so a facility's UTM or firewall can send to Mamoru directly;
//! - [`folder`]: a watched folder, polled (it works on SMB/NFS shares where change
//!   notifications do not), that reads lines appended to text logs and every new EVTX file.
//!
//! Both hand batches of decoded events ([`Received`]) to a channel; what to do with them
//! (rules, alerts) is the caller's business. No database, no rules here.

pub mod folder;
pub mod syslog;

use mamoru_detect::LogEvent;

/// A batch of events from one sender or one file.
#[derive(Debug)]
pub struct Received {
    /// `udp:192.0.2.1:514`, `tcp:192.0.2.1:50122` or the file's path.
    pub origin: String,
    /// The sending host, for syslog; `None` for a file.
    pub sender: Option<std::net::IpAddr>,
    pub events: Vec<LogEvent>,
}

/// Events are handed over in batches of at most this many.
pub const BATCH: usize = 1000;
