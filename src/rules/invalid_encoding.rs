//! `invalid-encoding` (error): The file is not valid UTF-8 (Latin-1, Windows-1252, UTF-16).
//!
//! Why: Positions and text would be wrong.
//!
//! Fix: save the file as UTF-8.
//!
//! Checked in `parse::decode` (src/parse/mod.rs); this file holds its documentation and
//! names where the check lives.
//!
//! Documented with real output in docs/format.md#invalid-encoding; fixtures in
//! tests/fixtures/rules/invalid-encoding/.
