//! `stale-allow` (warning): an entry of `.lessons-allow` accepts a finding
//! that is no longer there: the text was changed, the lesson moved or was
//! removed.
//!
//! Why: `.lessons-allow` is the reviewed record of accepted findings; an
//! entry that accepts nothing misleads the next reviewer, and a file full
//! of them is not read.
//!
//! Fix: remove the line, or run `lessons check --write-allowlist` again
//! (after reviewing what it accepts).
//!
//! Judged only for the files `check` selected (`--changed` does not call
//! the entries of other files stale). The entries are read by `allowlist`;
//! fixtures in tests/fixtures/rules/stale-allow/.

use crate::allowlist::{Entry, FILE_NAME};
use crate::diagnostic::{Diagnostic, LineIndex, Rule};

/// The finding for an entry that accepted nothing.
pub(crate) fn finding(entry: &Entry, lines: &LineIndex) -> Diagnostic {
    let mut d = Diagnostic::new(
        Rule::StaleAllow,
        lines,
        entry.span.clone(),
        format!(
            "{FILE_NAME} accepts a `{}` finding in {} that is no longer there",
            entry.rule.name(),
            entry.path
        ),
    );
    d.path = FILE_NAME.to_string();
    d.label = Some("accepts nothing".into());
    d.help = Some(Rule::StaleAllow.help().into());
    d
}
