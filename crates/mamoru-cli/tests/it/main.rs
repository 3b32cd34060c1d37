//! Tests of the `mamoru` binary itself: each runs the built binary in its own directory.

mod appi;
mod backup;
mod backup_generations;
mod backup_jobs;
mod backup_s3;
mod cases;
mod demo;
mod help;
mod hunt;
mod ingest;
mod inventory;
mod live;
mod readiness;
mod readiness_roadmap;
mod readiness_training;
mod support;
mod tidy;
mod user;
mod vuln;
