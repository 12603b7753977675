//! Findings about lesson files: the rule that fired, where, and why.
//!
//! Every check in the tool reports through [`Diagnostic`], so the output
//! formats (human, JSON, GitHub, SARIF) never have to know which step found
//! a problem. Rule names are a stable contract (`../shared/lesson-format.md`).

use std::ops::Range;

/// Severity of a finding. `--strict` promotes warnings to errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Error,
    Warning,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
        }
    }
}

macro_rules! rules {
    ($( $variant:ident => $name:literal, $level:ident, $short:literal, $help:literal; )*) => {
        /// Every rule the tool enforces. The names are stable: CI
        /// configurations and SARIF consumers key on them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule { $( $variant, )* }

        impl Rule {
            pub const ALL: &'static [Rule] = &[ $( Rule::$variant, )* ];

            /// The stable rule name, as printed and as used in JSON.
            pub fn name(self) -> &'static str {
                match self { $( Rule::$variant => $name, )* }
            }

            /// The level a finding of this rule has before `--strict`.
            pub fn default_level(self) -> Level {
                match self { $( Rule::$variant => Level::$level, )* }
            }

            /// One line saying what the rule catches.
            pub fn short_description(self) -> &'static str {
                match self { $( Rule::$variant => $short, )* }
            }

            /// How to fix a finding of this rule.
            pub fn help(self) -> &'static str {
                match self { $( Rule::$variant => $help, )* }
            }
        }
    };
}

rules! {
    FrontMatterMissing => "front-matter-missing", Error,
        "The file does not start with a `+++` front matter block.",
        "start the file with a line `+++`, the TOML front matter, and a closing `+++` line";
    FrontMatterUnclosed => "front-matter-unclosed", Error,
        "The front matter has no closing `+++` line.",
        "add a line that is exactly `+++` after the last front matter key";
    TomlSyntax => "toml-syntax", Error,
        "The front matter is not valid TOML.",
        "fix the TOML syntax at the position shown; strings need double quotes, dates are written 2024-03-12";
    MissingKey => "missing-key", Error,
        "A required key is absent.",
        "add the key; docs/format.md lists the required keys of a lesson, a cause and an action";
    UnknownKey => "unknown-key", Error,
        "A key the format does not define (outside `[extra]`).",
        "fix the spelling, or move free-form data under an `[extra]` table";
    WrongType => "wrong-type", Error,
        "A value of the wrong TOML type.",
        "write the value with the expected TOML type (string, array of strings, date...)";
    InvalidValue => "invalid-value", Error,
        "A value outside its vocabulary, pattern or length.",
        "use one of the allowed values; vocabularies are configured in lessons.toml";
    DuplicateId => "duplicate-id", Error,
        "Two lessons share an `id`.",
        "give the newer lesson the next free id";
    UnknownRelated => "unknown-related", Error,
        "`related` names an id that no lesson has.",
        "fix the id, or remove it from `related` if that lesson was never written";
    DateOrder => "date-order", Error,
        "`occurred` <= `detected` <= `contained` <= `recovered` is broken, or `reviewed` is before `occurred`.",
        "check the timestamps and their time zones; dates without a time are read as 00:00 UTC";
    FinalIncomplete => "final-incomplete", Error,
        "Status `final` without `reviewed`, a cause or an action.",
        "complete the review (date, root causes, improvement actions) or keep the status `review`";
    UnknownCauseKey => "unknown-cause-key", Error,
        "An action `addresses` a key that no cause of the lesson has.",
        "name the `key` of one of this lesson's `[[causes]]`, or add that cause";
    MissingSection => "missing-section", Error,
        "A required section is absent.",
        "add a level-2 heading (`## Name`) for the section";
    DuplicateSection => "duplicate-section", Error,
        "A required section appears twice.",
        "merge the two sections into one";
    TimelineOrder => "timeline-order", Error,
        "Dated timeline items are out of chronological order.",
        "reorder the timeline items, or fix the date or time zone of the item shown";
    TooLong => "too-long", Warning,
        "The body is longer than `max_words`.",
        "long reports are not read: keep the review concise and link raw logs from a ticket";
    InvalidEncoding => "invalid-encoding", Error,
        "The file is not valid UTF-8 text.",
        "save the file as UTF-8";
    NulByte => "nul-byte", Error,
        "The file contains NUL bytes, so it is binary, not a Markdown lesson.",
        "remove the NUL bytes, or move the binary file out of the lesson roots";
    FileTooLarge => "file-too-large", Error,
        "The file is larger than `max_file_size`.",
        "keep lessons short; link large logs or attachments instead of pasting them";
    UnreadableFile => "unreadable-file", Error,
        "The file could not be read.",
        "check the file's permissions";
    SymlinkOutside => "symlink-outside", Error,
        "A symbolic link points outside the knowledge base and is not followed.",
        "copy the lesson into the knowledge base instead of linking to it";
    MergeConflict => "merge-conflict", Error,
        "The file contains git merge-conflict markers.",
        "resolve the conflict: keep the right lines and delete the `<<<<<<<`, `=======` and `>>>>>>>` lines";
    ConfigInvalid => "config-invalid", Error,
        "`lessons.toml` has an unknown key or a bad value.",
        "fix lessons.toml; docs/format.md lists its keys";
    Secret => "secret", Error,
        "A credential (an API key, token, private key or password) in the lesson text.",
        "rotate it first, then remove it from the lesson and from history (docs/security.md); if it is a deliberate example, add `<!-- lessons:allow secret -->` on the line (`# lessons:allow secret` in the front matter)";
    PersonalData => "personal-data", Warning,
        "Personal data (an e-mail address, phone, card or social security number, IBAN, public IP address) in the lesson text.",
        "describe the person or system by role (\"the customer\", \"a payroll clerk\", \"the attacker's address\"); if it must stay, add `<!-- lessons:allow personal-data -->` on the line, allow the domain in lessons.toml, or accept it with `lessons check --write-allowlist`";
    BlameLanguage => "blame-language", Warning,
        "Hindsight or blame phrasing (\"should have\", \"careless\", \"human error\" as a cause, a participant as a cause's subject).",
        "describe what people knew and saw, and what made the action reasonable at the time: hindsight makes decisions look obvious after the event; quote speech in a `>` block, or add `<!-- lessons:allow blame-language -->` on the line (docs/practice.md)";
    SurfaceCause => "surface-cause", Warning,
        "A final lesson whose causes are all surface causes (`[practice] surface_categories`).",
        "ask why the surface cause was possible and not caught, and add that cause in a systemic category (process gap, training need, governance weakness)";
    ReviewOverdue => "review-overdue", Warning,
        "A lesson still `draft` or `review` more than `review_within_days` after it recovered.",
        "hold the review while details are fresh and finish the lesson; the deadline is `[practice] review_within_days`";
    StaleAllow => "stale-allow", Warning,
        "An entry of `.lessons-allow` matches no finding any more.",
        "remove the line from .lessons-allow (or run `lessons check --write-allowlist` again after review)";
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A 1-based line and column (column counted in Unicode scalar values, which
/// is what editors and GitHub annotations use).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// A secondary place in the same file, shown as context under the snippet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Range<usize>,
    pub message: String,
}

/// A place in another file (for `duplicate-id`, the first file with the id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub path: String,
    pub position: Position,
    pub message: String,
}

/// One finding. `span` is a byte range into the file's text; `start` and
/// `end` are the same range as lines and columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub path: String,
    pub rule: Rule,
    pub level: Level,
    pub message: String,
    pub span: Range<usize>,
    pub start: Position,
    pub end: Position,
    /// Text under the caret in human output.
    pub label: Option<String>,
    pub context: Vec<Label>,
    pub help: Option<String>,
    pub related: Option<Related>,
    /// For a finding of sensitive content (`secret`, `personal-data`): a
    /// hash of the matched text (never the text), stable across runs; what
    /// `.lessons-allow` records and SARIF reports as a partial fingerprint.
    pub fingerprint: Option<String>,
}

impl Diagnostic {
    /// A finding at `span` of the file whose text is indexed by `lines`.
    pub fn new(
        rule: Rule,
        lines: &LineIndex,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        let (start, end) = lines.range(&span);
        Diagnostic {
            path: String::new(),
            rule,
            level: rule.default_level(),
            message: message.into(),
            span,
            start,
            end,
            label: None,
            context: Vec::new(),
            help: None,
            related: None,
            fingerprint: None,
        }
    }

    /// A finding whose line and column are filled in later by
    /// [`Diagnostic::resolve`], when the file's text is at hand.
    pub fn unresolved(rule: Rule, span: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic::new(rule, &LineIndex::new(""), span, message)
    }

    /// Computes `start` and `end` from the file's text.
    pub fn resolve(&mut self, lines: &LineIndex) {
        (self.start, self.end) = lines.range(&self.span);
    }

    /// A finding about the file as a whole (unreadable, too large...).
    pub fn whole_file(rule: Rule, path: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.to_string(),
            rule,
            level: rule.default_level(),
            message: message.into(),
            span: 0..0,
            start: Position { line: 1, column: 1 },
            end: Position { line: 1, column: 1 },
            label: None,
            context: Vec::new(),
            help: None,
            related: None,
            fingerprint: None,
        }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_context(mut self, span: Range<usize>, message: impl Into<String>) -> Self {
        self.add_context(span, message);
        self
    }

    /// Adds a secondary place of the same file, shown as context.
    pub fn add_context(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.context.push(Label {
            span,
            message: message.into(),
        });
    }
}

/// Maps byte offsets of one file's text to lines and columns.
///
/// Built once per file that has findings; offsets past the end clamp to the
/// end so a bad span can never panic the renderer.
///
/// The line table is built on first use: most files have no findings, and
/// checking 100,000 of them must not pay for it.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: std::cell::OnceCell<Vec<usize>>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        LineIndex {
            text,
            line_starts: std::cell::OnceCell::new(),
        }
    }

    fn starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1));
            starts
        })
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The 1-based position of byte `offset`.
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let starts = self.starts();
        let line = match starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = starts[line];
        // A UTF-8 byte-order mark is invisible in editors: do not count it.
        let start = if start == 0 && self.text.starts_with('\u{FEFF}') {
            3.min(offset)
        } else {
            start
        };
        let column = self.text[start..offset].chars().count() + 1;
        Position {
            line: line + 1,
            column,
        }
    }

    pub fn range(&self, span: &Range<usize>) -> (Position, Position) {
        (self.position(span.start), self.position(span.end))
    }
}

/// The position of byte `offset` in `text`, without building a line table
/// (for a single lookup near the start of a file).
pub fn position_in(text: &str, offset: usize) -> Position {
    let prefix = &text.as_bytes()[..offset.min(text.len())];
    let line = memchr::memchr_iter(b'\n', prefix).count();
    let line_start = memchr::memrchr(b'\n', prefix).map_or(0, |i| i + 1);
    let line_start = if line_start == 0 && text.starts_with('\u{FEFF}') {
        3.min(prefix.len())
    } else {
        line_start
    };
    let column = String::from_utf8_lossy(&prefix[line_start..])
        .chars()
        .count()
        + 1;
    Position {
        line: line + 1,
        column,
    }
}

/// The closest candidate to `value`, if it is close enough to be a likely
/// typo ("did you mean `high`?").
pub fn suggest<'c>(value: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let lower = value.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_not_bytes() {
        let idx = LineIndex::new("ab\nçé = 1\n");
        assert_eq!(idx.position(0), Position { line: 1, column: 1 });
        assert_eq!(idx.position(3), Position { line: 2, column: 1 });
        // byte 7 is after "çé" (4 bytes) and a space
        assert_eq!(idx.position(8), Position { line: 2, column: 4 });
        assert_eq!(idx.position(999).line, 3);
    }

    #[test]
    fn rule_names_are_unique() {
        let mut names: Vec<_> = Rule::ALL.iter().map(|r| r.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Rule::ALL.len());
    }

    #[test]
    fn suggestions_need_similarity() {
        assert_eq!(suggest("hihg", ["critical", "high", "low"]), Some("high"));
        assert_eq!(suggest("zzz", ["critical", "high", "low"]), None);
    }
}
