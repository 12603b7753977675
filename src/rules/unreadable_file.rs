//! `unreadable-file` (error): A lesson file or folder cannot be read: permissions, a broken symbolic
//! link, a pipe, socket or device, or a path that is not UTF-8.
//!
//! Why: A lesson CI cannot read must not pass silently.
//!
//! Fix: make it readable, restore or remove the link, or move the special file.
//!
//! Checked in `repo` (the walk, src/repo/mod.rs) and `check::check_file` (src/check.rs); this file holds its documentation and
//! names where the check lives.
//!
//! Documented with real output in docs/format.md#unreadable-file; fixtures in
//! tests/fixtures/rules/unreadable-file/.
