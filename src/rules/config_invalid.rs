//! `config-invalid` (error): `lessons.toml` is not valid TOML, has an unknown key, or a bad value.
//!
//! Why: Every rule reads its vocabularies and limits from it.
//!
//! Fix: correct `lessons.toml` (the help names the key).
//!
//! Checked in `config` (src/config.rs); this file holds its documentation and
//! names where the check lives.
//!
//! Documented with real output in docs/format.md#config-invalid; fixtures in
//! tests/fixtures/rules/config-invalid/.
