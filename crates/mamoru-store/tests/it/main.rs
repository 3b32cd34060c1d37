//! The store suite. Every test runs on SQLite, and on PostgreSQL when
//! `MAMORU_TEST_POSTGRES_URL` names a server (the test script starts one; CI must).

mod alerts;
mod assets;
mod audit;
mod backups;
mod bcp;
mod cases;
mod contacts;
mod findings;
mod import;
mod migrations;
mod plans;
mod readiness;
mod support;
mod tenancy;
mod training;
mod users;
mod vendor_sheets;
