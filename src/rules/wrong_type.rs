//! `wrong-type` (error): A value of the wrong TOML type (a quoted date, a string for an array...).
//!
//! Why: The value cannot be used as the format means it.
//!
//! Fix: write the value with the expected type.
//!
//! Checked in `parse::value` (src/parse/value.rs); this file holds its documentation and
//! names where the check lives.
//!
//! Documented with real output in docs/format.md#wrong-type; fixtures in
//! tests/fixtures/rules/wrong-type/.
