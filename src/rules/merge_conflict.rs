//! `merge-conflict` (error): The file still has git conflict markers.
//!
//! Why: Everything else about such a file is noise until it is resolved.
//!
//! Fix: resolve the conflict and delete the marker lines.
//!
//! Checked in `parse::conflict_markers` (src/parse/mod.rs); this file holds its documentation and
//! names where the check lives.
//!
//! Documented with real output in docs/format.md#merge-conflict; fixtures in
//! tests/fixtures/rules/merge-conflict/.
