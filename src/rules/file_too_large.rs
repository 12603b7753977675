//! `file-too-large` (error): The file is larger than `max_file_size` and is not parsed.
//!
//! Why: A pasted log dump must not slow down every run.
//!
//! Fix: move logs out of the lesson and link them.
//!
//! Checked in `check::check_bytes` (src/check.rs) and the index, which skips such files; this file holds its documentation and
//! names where the check lives.
//!
//! Documented with real output in docs/format.md#file-too-large; fixtures in
//! tests/fixtures/rules/file-too-large/.
