//! A search query through the query parser and its error message.
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| lessons::fuzzing::query(bytes));
