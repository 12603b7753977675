//! `front-matter-missing` (error): The file does not start with a `+++` front matter block (absent, YAML
//! `---`, spaces around `+++`, or an empty file).
//!
//! Why: Without front matter nothing can be indexed or checked.
//!
//! Fix: make the first line exactly `+++`; convert YAML to TOML.
//!
//! Checked in `parse::split` (src/parse/mod.rs); this file holds its documentation and
//! names where the check lives.
//!
//! Documented with real output in docs/format.md#front-matter-missing; fixtures in
//! tests/fixtures/rules/front-matter-missing/.
