//! The rules of the format: one file per rule, named after it
//! (`missing-key` is `rules/missing_key.rs`), holding its check and saying
//! what it catches, why and how to fix it. `check_lesson` runs the
//! per-file rules, `check_knowledge_base` the rules that need every lesson
//! (`duplicate-id`, `unknown-related`).
//!
//! Rules found while reading a file (syntax, unknown keys, value types,
//! encodings, file-level problems) are checked by `parse`, `repo`, `check`
//! and `config`, which run before a lesson exists; their files here hold
//! their documentation and say where the check lives.
//!
//! Adding a rule: its file here (and its `mod` line), its entry in the
//! `rules!` list of `diagnostic.rs` (name, level, summary, help), its
//! fixtures in `tests/fixtures/rules/<name>/` and its section in
//! docs/format.md (its examples are the fixtures' real output);
//! tests/cli/rule_docs.rs fails until all four agree.

mod blame_language;
mod config_invalid;
mod date_order;
mod duplicate_id;
mod duplicate_section;
mod file_too_large;
mod final_incomplete;
mod front_matter_missing;
mod front_matter_unclosed;
mod invalid_encoding;
mod invalid_value;
mod merge_conflict;
mod missing_key;
mod missing_section;
mod nul_byte;
pub(crate) mod personal_data;
mod review_overdue;
pub(crate) mod secret;
pub(crate) mod stale_allow;
mod surface_cause;
mod symlink_outside;
mod timeline_order;
mod toml_syntax;
mod too_long;
mod unknown_cause_key;
mod unknown_key;
mod unknown_related;
mod unreadable_file;
mod wrong_type;

use std::collections::HashMap;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, LineIndex, Position, Related, Rule, suggest};
use crate::lesson::{ACTION_STATUSES, Action, LESSON_STATUSES, Lesson, Moment, Sp};

/// Runs every per-lesson rule.
pub fn check_lesson(
    lesson: &Lesson,
    config: &Config,
    lines: &LineIndex,
    out: &mut Vec<Diagnostic>,
) {
    let mut ctx = Ctx { config, lines, out };
    if lesson.front_matter_parsed {
        missing_key::check(&mut ctx, lesson);
        invalid_value::check(&mut ctx, lesson);
        date_order::check(&mut ctx, lesson);
        final_incomplete::check(&mut ctx, lesson);
        unknown_cause_key::check(&mut ctx, lesson);
    }
    missing_section::check(&mut ctx, lesson);
    duplicate_section::check(&mut ctx, lesson);
    timeline_order::check(&mut ctx, lesson);
    too_long::check(&mut ctx, lesson);
    blame_language::check(&mut ctx, lesson);
    if lesson.front_matter_parsed {
        surface_cause::check(&mut ctx, lesson);
        review_overdue::check(&mut ctx, lesson);
    }
}

struct Ctx<'c, 'l, 'a> {
    config: &'c Config,
    lines: &'l LineIndex<'a>,
    out: &'c mut Vec<Diagnostic>,
}

impl<'a> Ctx<'_, '_, 'a> {
    /// The text of the file at `span`, as written (for messages).
    fn source(&self, span: &std::ops::Range<usize>) -> &'a str {
        self.lines.text().get(span.clone()).unwrap_or("")
    }

    fn report(
        &mut self,
        rule: Rule,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.out
            .push(Diagnostic::new(rule, self.lines, span, message));
        self.out.last_mut().expect("just pushed")
    }

    /// `invalid-value` when `value` is not in `allowed`, with a suggestion.
    fn vocabulary<S: AsRef<str>>(
        &mut self,
        what: &str,
        value: &Sp<String>,
        allowed: &[S],
        config_key: Option<&str>,
    ) {
        if allowed.iter().any(|a| a.as_ref() == value.value) {
            return;
        }
        let list = allowed
            .iter()
            .map(AsRef::as_ref)
            .collect::<Vec<&str>>()
            .join(", ");
        let help = match suggest(&value.value, allowed.iter().map(AsRef::as_ref)) {
            Some(s) => format!("did you mean \"{s}\"?"),
            None => format!("use one of: {list}"),
        };
        let label = match config_key {
            Some(key) => format!("not in the `{key}` vocabulary"),
            None => format!("expected one of {list}"),
        };
        let d = self.report(
            Rule::InvalidValue,
            value.span.clone(),
            format!("{what} \"{}\" is not one of {list}", value.value),
        );
        d.label = Some(label);
        d.help = Some(help);
    }

    /// `invalid-value` when `value` is blank; `what` names it (built only
    /// then: this runs for every item of every list).
    fn not_blank(&mut self, what: impl FnOnce() -> String, value: &Sp<String>) {
        if value.value.trim().is_empty() {
            self.report(
                Rule::InvalidValue,
                value.span.clone(),
                format!("{} is empty", what()),
            )
            .label = Some("expected text".into());
        }
    }
}

/// Whether an inline `lessons:allow RULE` comment accepts a finding of
/// `rule` at `offset` (the practice rules; the sensitive-content rules
/// count what they accept, in their own files).
fn allows(text: &str, offset: usize, rule: Rule) -> bool {
    crate::allowlist::allowed_inline(text, offset, rule.name())
}

/// Whether the first line of the front matter is a comment accepting
/// `rule` for the whole file (`# lessons:allow blame-language`): a lesson
/// about blame itself may quote its language throughout.
fn file_allows(text: &str, lesson: &Lesson, rule: Rule) -> bool {
    let after = lesson.opening.end.min(text.len());
    let start = text[after..]
        .find('\n')
        .map_or(text.len(), |i| after + i + 1);
    let line = text[start..].lines().next().unwrap_or("");
    line.trim_start().starts_with('#') && allows(text, start, rule)
}

/// `^[a-z0-9]+(-[a-z0-9]+)*$`, without a regex per call.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// The first non-blank line of the body (where body-wide findings point),
/// or the end of the file when the body is blank.
fn first_body_line(text: &str, body: &std::ops::Range<usize>) -> std::ops::Range<usize> {
    let body_text = text.get(body.clone()).unwrap_or("");
    let skipped = body_text.len() - body_text.trim_start().len();
    let start = (body.start + skipped).min(text.len());
    let start = if start == text.len() {
        // Blank body: point at the start of the last line.
        text.trim_end().rfind('\n').map_or(0, |i| i + 1)
    } else {
        // Back up to the start of that line.
        text[..start]
            .rfind('\n')
            .map_or(0, |i| i + 1)
            .max(body.start.min(start))
    };
    let end = text[start..]
        .find(['\n', '\r'])
        .map_or(text.len(), |n| start + n);
    start..end
}

/// What the knowledge-base-wide rules need of a lesson: a slim record, so
/// checking 100,000 lessons does not hold 100,000 lesson models at once.
#[derive(Debug, Clone)]
pub struct IdSite {
    pub path: String,
    pub id: Option<Sp<String>>,
    /// Where the lesson's `id` value is, as a line and column.
    pub id_position: Position,
    pub related: Vec<Sp<String>>,
}

/// Each id and the first lesson (in path order) that has it. Hashed with
/// Fx: a check of 100,000 lessons looks up every id and every `related`.
type Ids<'s> = HashMap<&'s str, &'s IdSite, rustc_hash::FxBuildHasher>;

/// `duplicate-id` (on the later file in path order, pointing at the first)
/// and `unknown-related`, over every lesson; `sites` are in path order.
/// `report_on` says which files findings may be reported on. The findings'
/// lines and columns are left for the caller to resolve.
pub fn check_knowledge_base(
    sites: &[&IdSite],
    report_on: impl Fn(&str) -> bool,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // The first lesson (in path order) with each id.
    let mut first: Ids = HashMap::with_capacity_and_hasher(sites.len(), Default::default());
    duplicate_id::check(sites, &report_on, &mut first, &mut out);
    unknown_related::check(sites, &report_on, &first, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_slug("expired-certificate"));
        assert!(is_slug("a1"));
        assert!(!is_slug("Expired"));
        assert!(!is_slug("a--b"));
        assert!(!is_slug("-a"));
    }
}
