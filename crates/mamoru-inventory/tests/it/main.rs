//! The integration suite: register files as hospitals send them in, entries and errors out,
//! and exports that read back the same.

mod bad_rows;
mod garbage;
mod registers;
mod round_trip;
mod support;
mod xlsx;
