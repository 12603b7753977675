//! Reviewed exceptions to the sensitive-content rules (`secret`,
//! `personal-data`): an
//! inline `lessons:allow RULE` comment on the line of the finding, and the
//! fingerprint file `.lessons-allow` at the knowledge base root, written by
//! `lessons check --write-allowlist` after review.
//!
//! The file holds the rule, a fingerprint of the match
//! ([`crate::sensitive::fingerprint`]) and the path, never the match, so
//! accepting a finding does not copy it to a second place. Entries that
//! accept nothing any more are reported (`stale-allow`), so the file stays
//! a true record of what was reviewed.

use std::ops::Range;
use std::path::Path;

use crate::config::ConfigError;
use crate::diagnostic::{Diagnostic, LineIndex, Rule};

pub const FILE_NAME: &str = ".lessons-allow";

/// The rules a finding of which can be accepted.
pub const RULES: &[Rule] = &[Rule::Secret, Rule::PersonalData];

/// Whether the line holding byte `offset` of `text`, or a line just above
/// it that holds only a comment, says `lessons:allow` for `rule`: an HTML
/// comment in Markdown (`<!-- lessons:allow secret -->`) or a `#` comment
/// in the front matter or a code block (`# lessons:allow secret`). The
/// line above serves blocks a comment cannot share a line with (a private
/// key); a code fence between the comment and the block's first line is
/// passed over.
pub fn allowed_inline(text: &str, offset: usize, rule: &str) -> bool {
    let offset = offset.min(text.len());
    let bytes = text.as_bytes();
    let mut start = memchr::memrchr(b'\n', &bytes[..offset]).map_or(0, |i| i + 1);
    let end = memchr::memchr(b'\n', &bytes[offset..]).map_or(text.len(), |i| offset + i);
    if comment_allows(&text[start..end], rule) {
        return true;
    }
    let mut fence_passed = false;
    while start > 0 {
        let above_end = start - 1;
        let above_start = memchr::memrchr(b'\n', &bytes[..above_end]).map_or(0, |i| i + 1);
        let above = text[above_start..above_end].trim();
        let fence = above.starts_with("```") || above.starts_with("~~~");
        if fence && !fence_passed {
            fence_passed = true;
            start = above_start;
            continue;
        }
        let only_comment = (above.starts_with("<!--") && above.ends_with("-->"))
            || above.starts_with('#') && !above.starts_with("##");
        return only_comment && comment_allows(above, rule);
    }
    false
}

/// Whether `line` has a `lessons:allow` comment naming `rule`.
fn comment_allows(line: &str, rule: &str) -> bool {
    const MARKER: &str = "lessons:allow";
    let mut from = 0;
    while let Some(at) = line[from..].find(MARKER).map(|i| from + i) {
        from = at + MARKER.len();
        let before = line[..at].trim_end();
        if !(before.ends_with("<!--") || before.ends_with('#')) {
            continue;
        }
        let rest = &line[from..];
        let rest = rest.split("-->").next().unwrap_or(rest);
        if rest
            .split(|c: char| c.is_whitespace() || c == ',')
            .any(|word| word == rule)
        {
            return true;
        }
    }
    false
}

/// One accepted finding of `.lessons-allow`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub rule: Rule,
    pub fingerprint: String,
    /// Root-relative, `/`-separated.
    pub path: String,
    /// The entry's line in the file.
    pub span: Range<usize>,
}

/// `.lessons-allow`, as read.
#[derive(Debug, Clone, Default)]
pub struct Allowlist {
    pub source: String,
    pub entries: Vec<Entry>,
}

impl Allowlist {
    /// Reads `.lessons-allow` from `root`; empty when there is none. A line
    /// that is not an entry is a `config-invalid` finding at its place: a
    /// typo must not silently stop accepting (or start rejecting) findings.
    pub fn load(root: &Path) -> Result<Allowlist, crate::Error> {
        let path = root.join(FILE_NAME);
        match std::fs::read(&path) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                Allowlist::parse(&text).map_err(crate::Error::Config)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Allowlist::default()),
            Err(source) => Err(crate::Error::Io { path, source }),
        }
    }

    /// Parses the text of a `.lessons-allow`: `RULE FINGERPRINT PATH` per
    /// line; `#` starts a comment line.
    pub fn parse(text: &str) -> Result<Allowlist, ConfigError> {
        let lines = LineIndex::new(text);
        let mut entries = Vec::new();
        let mut diagnostics = Vec::new();
        let mut offset = 0;
        for raw in text.split_inclusive('\n') {
            let line_start = offset;
            offset += raw.len();
            let line = raw.trim_end_matches(['\n', '\r']);
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let lead = line.len() - trimmed.len();
            let span = line_start + lead..line_start + line.len();
            let mut bad = |at: Range<usize>, message: String, help: &str| {
                let mut d = Diagnostic::new(Rule::ConfigInvalid, &lines, at, message);
                d.path = FILE_NAME.to_string();
                d.help = Some(help.to_string());
                diagnostics.push(d);
            };
            let mut words = trimmed.splitn(3, [' ', '\t']);
            let (Some(rule), Some(fingerprint), Some(path)) =
                (words.next(), words.next(), words.next())
            else {
                bad(
                    span,
                    format!("{FILE_NAME}: an entry is `RULE FINGERPRINT PATH`"),
                    "write entries with `lessons check --write-allowlist`, or remove the line",
                );
                continue;
            };
            let path = path.trim();
            let Some(rule) = RULES.iter().copied().find(|r| r.name() == rule) else {
                let at = span.start..span.start + rule.len();
                let names: Vec<&str> = RULES.iter().map(|r| r.name()).collect();
                bad(
                    at,
                    format!(
                        "{FILE_NAME}: `{rule}` is not a rule whose findings can be accepted ({})",
                        names.join(", ")
                    ),
                    "the first word of an entry names the rule",
                );
                continue;
            };
            if fingerprint.len() != 16 || !fingerprint.bytes().all(|b| b.is_ascii_hexdigit()) {
                let at = span.start + rule.name().len() + 1;
                bad(
                    at..at + fingerprint.len(),
                    // Not quoted: someone may have pasted the secret itself.
                    format!("{FILE_NAME}: the second word is not a fingerprint (16 hex digits)"),
                    "copy the entry `lessons check --write-allowlist` wrote; never write the secret itself here",
                );
                continue;
            }
            entries.push(Entry {
                rule,
                fingerprint: fingerprint.to_ascii_lowercase(),
                path: path.to_string(),
                span,
            });
        }
        if diagnostics.is_empty() {
            Ok(Allowlist {
                source: text.to_string(),
                entries,
            })
        } else {
            Err(ConfigError {
                // Shown with the findings: a pasted secret is masked.
                source: crate::sensitive::mask_secrets(text).into_owned(),
                diagnostics,
            })
        }
    }

    /// The index of the entry accepting `fingerprint` of `rule` in `path`.
    pub fn find(&self, rule: Rule, path: &str, fingerprint: &str) -> Option<usize> {
        self.entries
            .iter()
            .position(|e| e.rule == rule && e.fingerprint == fingerprint && e.path == path)
    }
}

/// A finding to write to `.lessons-allow`, with the note written above
/// it for the reviewer (where, and what, masked).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Accepted {
    pub path: String,
    pub rule: Rule,
    pub fingerprint: String,
    pub note: String,
}

/// The text of a `.lessons-allow` accepting `accepted` (sorted, one entry
/// per rule, path and fingerprint).
pub fn render(accepted: &[Accepted]) -> String {
    let mut sorted: Vec<&Accepted> = accepted.iter().collect();
    sorted.sort();
    sorted.dedup_by(|a, b| a.path == b.path && a.rule == b.rule && a.fingerprint == b.fingerprint);
    let mut out = String::from(
        "# Findings of `lessons check` accepted after review, one per line:\n\
         # RULE FINGERPRINT PATH. The fingerprint is a hash of the matched text,\n\
         # never the text. Written by `lessons check --write-allowlist`; review\n\
         # changes to this file like code. Remove a line to report the finding again.\n",
    );
    for a in sorted {
        out.push_str(&format!(
            "\n# {}\n{} {} {}\n",
            a.note.replace('\n', " "),
            a.rule.name(),
            a.fingerprint,
            a.path
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_comments_on_the_line_or_alone_above_it() {
        let text = "a\nkey AKIA <!-- lessons:allow secret -->\nb";
        assert!(allowed_inline(text, 6, "secret"));
        assert!(!allowed_inline(text, 6, "personal-data"));
        assert!(!allowed_inline(text, 0, "secret"));
        let text = "x\n<!-- lessons:allow personal-data, secret -->\n-----BEGIN KEY";
        assert!(allowed_inline(text, text.len() - 3, "secret"));
        let text = "<!-- lessons:allow secret -->\n```pem\n-----BEGIN KEY";
        assert!(allowed_inline(text, text.len() - 3, "secret"));
        let text = "<!-- lessons:allow secret -->\n```\n```\n-----BEGIN KEY";
        assert!(!allowed_inline(text, text.len() - 3, "secret"));
        let text = "+++\n# lessons:allow secret\ntoken = \"abc\"\n";
        assert!(allowed_inline(text, 30, "secret"));
        // Prose that mentions the marker is not a comment.
        assert!(!allowed_inline(
            "use lessons:allow secret here",
            0,
            "secret"
        ));
        // A comment above that is followed by text is not alone.
        let text = "<!-- lessons:allow secret --> intro\nkey here";
        assert!(!allowed_inline(text, text.len() - 2, "secret"));
        // Only the line above, not two lines above.
        let text = "<!-- lessons:allow secret -->\n\nkey";
        assert!(!allowed_inline(text, text.len() - 1, "secret"));
    }

    #[test]
    fn the_file_round_trips_and_reports_bad_lines() {
        let accepted = [Accepted {
            path: "lessons/a b.md".into(),
            rule: Rule::Secret,
            fingerprint: "0123456789abcdef".into(),
            note: "lessons/a b.md:3: AWS access key id `AKIA****`".into(),
        }];
        let text = render(&accepted);
        let list = Allowlist::parse(&text).unwrap();
        assert_eq!(list.entries.len(), 1);
        assert_eq!(list.entries[0].path, "lessons/a b.md");
        assert_eq!(
            list.find(Rule::Secret, "lessons/a b.md", "0123456789abcdef"),
            Some(0)
        );
        let err =
            Allowlist::parse("# ok\nsecret zz lessons/a.md\nsecrets 0123456789abcdef x\nsecret\n")
                .unwrap_err();
        let at: Vec<(usize, usize)> = err
            .diagnostics
            .iter()
            .map(|d| (d.start.line, d.start.column))
            .collect();
        assert_eq!(at, [(2, 8), (3, 1), (4, 1)]);
    }
}
