//! The vulnerability engine against the sample feeds in ../shared/data/vuln and hand-made cases.

mod feeds;
mod jvn;
mod matching;
mod versions;
