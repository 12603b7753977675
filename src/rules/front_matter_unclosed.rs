//! `front-matter-unclosed` (error): The front matter is opened by `+++` but no later line is exactly `+++`.
//!
//! Why: The whole file would be read as TOML.
//!
//! Fix: add a `+++` line after the last key.
//!
//! Checked in `parse::split` (src/parse/mod.rs); this file holds its documentation and
//! names where the check lives.
//!
//! Documented with real output in docs/format.md#front-matter-unclosed; fixtures in
//! tests/fixtures/rules/front-matter-unclosed/.
