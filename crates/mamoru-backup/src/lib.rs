//! Mamoru's backup engine.
//!
//! `guard` notices mass encryption before a backup runs: it compares the source folder with
//! what it looked like at the last backup (sizes, times, and the entropy of each file's first
//! bytes) and says when an unusual share of files changed or turned into random-looking data,
//! so that retention does not forget the older, good generations.

pub mod guard;
