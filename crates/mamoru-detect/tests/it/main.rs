//! Integration tests of the detection engine over ../shared/data (skipped, with a message,
//! where that folder is missing).

mod regression;
mod support;
