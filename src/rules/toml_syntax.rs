//! `toml-syntax` (error): The front matter is not valid TOML 1.0.
//!
//! Why: No key can be read reliably.
//!
//! Fix: correct the syntax at the position shown.
//!
//! Checked in `parse::front_matter::read` (src/parse/front_matter.rs); this file holds its documentation and
//! names where the check lives.
//!
//! Documented with real output in docs/format.md#toml-syntax; fixtures in
//! tests/fixtures/rules/toml-syntax/.
