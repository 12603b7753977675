//! `unknown-key` (error): A key the format does not define, outside `[extra]`; a close match is
//! suggested.
//!
//! Why: A misspelt key silently drops its value.
//!
//! Fix: correct the spelling, or move the data under `[extra]`.
//!
//! Checked in `parse::front_matter` (src/parse/front_matter.rs); this file holds its documentation and
//! names where the check lives.
//!
//! Documented with real output in docs/format.md#unknown-key; fixtures in
//! tests/fixtures/rules/unknown-key/.
