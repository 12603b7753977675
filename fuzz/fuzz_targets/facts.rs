//! A facts file (the index's side file for reports) through the reader,
//! a round trip, the report and the action list.
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| lessons::fuzzing::facts(bytes));
