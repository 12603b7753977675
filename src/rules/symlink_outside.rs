//! `symlink-outside` (error): A `.md` symbolic link under the roots points outside the knowledge base
//! and is not followed.
//!
//! Why: A lesson must not pull in files from elsewhere on the machine.
//!
//! Fix: copy the lesson into the knowledge base.
//!
//! Checked in `repo` (the walk, src/repo/mod.rs) and `check::check_file` (src/check.rs); this file holds its documentation and
//! names where the check lives.
//!
//! Documented with real output in docs/format.md#symlink-outside; fixtures in
//! tests/fixtures/rules/symlink-outside/.
