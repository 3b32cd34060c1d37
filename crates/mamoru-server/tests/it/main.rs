//! HTTP tests against the real server on a free port, with a real SQLite store.
//!
//! `support` starts servers and signs users in; the other modules are grouped by what a user
//! does: logging in, keeping the register, importing, staying inside one's organisation, the
//! API, vulnerability findings, detection alerts.

mod accounts;
mod alerts;
mod alerts_api;
mod api;
mod backups;
mod bcp;
mod cases_api;
mod cases_web;
mod import;
mod inspection;
mod login;
mod plans;
mod readiness;
mod register;
mod support;
mod tenancy;
mod training;
mod vendor_sheet;
mod vulns;
mod vulns_api;
