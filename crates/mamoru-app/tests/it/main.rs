//! The application's outbound calls against real servers on free ports: alerts posted to a
//! webhook and mailed to a local SMTP server, feeds downloaded by `fetch` from a stand-in for
//! NVD, CISA and MyJVN; and detections stored as alerts and triaged.

mod alerts;
mod backups;
mod bcp;
mod detect;
mod fetch;
mod http;
mod incidents;
mod inspection;
mod mail;
mod plans;
mod readiness;
mod smtp;
mod training;
mod vendor_sheet;
