//! Integration tests of the detection engine over ../shared/data (skipped, with a message,
//! where that folder is missing).

mod context;
mod correlation;
mod crosscheck;
mod damaged;
mod decoding;
mod fuzzing;
mod regression;
mod spec_conditions;
mod spec_encodings;
mod spec_modifiers;
mod spec_support;
mod support;
mod timeline;
