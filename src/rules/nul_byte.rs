//! `nul-byte` (error): The file contains a NUL byte: it is binary, not Markdown.
//!
//! Why: A binary file under the roots is a mistake, not a lesson.
//!
//! Fix: remove the NUL bytes or move the file out of the roots.
//!
//! Checked in `parse::decode` (src/parse/mod.rs); this file holds its documentation and
//! names where the check lives.
//!
//! Documented with real output in docs/format.md#nul-byte; fixtures in
//! tests/fixtures/rules/nul-byte/.
