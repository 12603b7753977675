//! A lesson file's bytes through `lessons check` and all its outputs.
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| lessons::fuzzing::lesson(bytes));
