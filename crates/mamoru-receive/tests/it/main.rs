//! The receivers against real sockets and a real folder.

mod folder;
mod syslog;
