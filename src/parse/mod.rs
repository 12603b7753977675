//! From a file's bytes to a [`Lesson`]: encoding and file-level checks, the
//! `+++` split (done here at byte offsets so every span is a file offset),
//! the spanned TOML front matter, and the Markdown body.

mod body;
pub use body::without_comments;
pub mod front_matter;
mod plain_body;
mod plain_toml;
pub(crate) mod strict;
pub mod value;

use std::borrow::Cow;
use std::ops::Range;

use crate::diagnostic::{Diagnostic, LineIndex, Rule};
use crate::lesson::Lesson;

pub use body::parse_timeline_stamp;

/// What parsing one file produced. `lesson` is `None` when the file could not
/// be read as text at all; otherwise it holds whatever parsed.
#[derive(Debug)]
pub struct Parsed {
    pub lesson: Option<Lesson>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The text of a file as diagnostics see it: valid UTF-8 as is, anything
/// else with replacement characters (spans then index this text).
pub fn source_text(bytes: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

/// Parses one lesson file. Never panics; every problem becomes a finding.
pub fn parse(path: &str, bytes: &[u8]) -> Parsed {
    match decode(bytes) {
        Ok(text) => parse_text(path, text),
        Err(mut d) => {
            d.path = path.to_string();
            Parsed {
                lesson: None,
                diagnostics: vec![*d],
            }
        }
    }
}

/// The file as UTF-8 text, or the finding that says why it is not.
pub fn decode(bytes: &[u8]) -> Result<&str, Box<Diagnostic>> {
    encoding_problem(bytes).map_err(Box::new)
}

/// Parses the text of a lesson file (already known to be UTF-8).
pub fn parse_text(path: &str, text: &str) -> Parsed {
    let mut parsed = parse_inner(text);
    for d in &mut parsed.diagnostics {
        d.path = path.to_string();
    }
    if let Some(lesson) = &mut parsed.lesson {
        lesson.path = path.to_string();
    }
    parsed
}

fn parse_inner(text: &str) -> Parsed {
    let lines = LineIndex::new(text);
    if let Some(diagnostics) = conflict_markers(text, &lines) {
        return Parsed {
            lesson: None,
            diagnostics,
        };
    }
    let split = match split(text, &lines) {
        Ok(split) => split,
        Err(d) => {
            return Parsed {
                lesson: None,
                diagnostics: vec![*d],
            };
        }
    };
    let mut lesson = Lesson {
        opening: split.opening.clone(),
        ..Lesson::default()
    };
    let mut diagnostics = front_matter::read(
        &text[split.toml.clone()],
        split.toml.start,
        &lines,
        &mut lesson,
    );
    lesson.body = body::read(text, split.body.clone(), &lines, &mut diagnostics);
    Parsed {
        lesson: Some(lesson),
        diagnostics,
    }
}

/// UTF-16, NUL bytes and invalid UTF-8, each pointed at where it is.
// Private, and boxed by `decode`: the large error type stays local.
#[allow(clippy::result_large_err)]
fn encoding_problem(bytes: &[u8]) -> Result<&str, Diagnostic> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let which = if bytes[0] == 0xFF { "little" } else { "big" };
        let lines = LineIndex::new("");
        return Err(Diagnostic::new(
            Rule::InvalidEncoding,
            &lines,
            0..0,
            format!("the file is UTF-16 ({which}-endian byte-order mark), not UTF-8"),
        )
        .with_help("save the file as UTF-8 (in most editors: File > Save with Encoding > UTF-8)"));
    }
    if let Some(at) = memchr::memchr(0, bytes) {
        let text = source_text(bytes);
        let lines = LineIndex::new(&text);
        // Spans index the lossy text, where each invalid byte before the
        // NUL became a three-byte replacement character.
        let offset = source_text(&bytes[..at]).len();
        return Err(Diagnostic::new(
            Rule::NulByte,
            &lines,
            offset..offset,
            "the file contains a NUL byte: it is binary, not Markdown text",
        )
        .with_label("NUL byte here"));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let text = source_text(bytes);
        let lines = LineIndex::new(&text);
        // The lossy text equals the file up to the first invalid byte.
        let offset = at;
        let bad = bytes[at];
        Diagnostic::new(
            Rule::InvalidEncoding,
            &lines,
            offset..offset,
            format!("invalid UTF-8: byte 0x{bad:02X} does not start or continue a character"),
        )
        .with_label("invalid UTF-8 here")
        .with_help(
            "save the file as UTF-8; a byte like this usually means the file was saved as Latin-1 or Windows-1252",
        )
    })
}

/// Unresolved merge conflicts make every other finding noise: report the
/// markers alone.
fn conflict_markers(text: &str, lines: &LineIndex) -> Option<Vec<Diagnostic>> {
    // Almost no file has a marker: one vectorised search rules them out.
    memchr::memmem::find(text.as_bytes(), b"<<<<<<<")?;
    let mut starts = Vec::new();
    let mut has_end = false;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with("<<<<<<<") {
            starts.push(offset..offset + line.trim_end().len());
        } else if line.starts_with(">>>>>>>") {
            has_end = true;
        }
        offset += line.len();
    }
    if starts.is_empty() || !has_end {
        return None;
    }
    Some(
        starts
            .into_iter()
            .map(|span| {
                Diagnostic::new(
                    Rule::MergeConflict,
                    lines,
                    span,
                    "unresolved git merge conflict",
                )
                .with_label("conflict starts here")
                .with_help(Rule::MergeConflict.help())
            })
            .collect(),
    )
}

struct Split {
    opening: Range<usize>,
    toml: Range<usize>,
    body: Range<usize>,
}

/// Finds the `+++` lines. Only the very start of the file can open front
/// matter (after a UTF-8 BOM); the first later line that is exactly `+++`
/// closes it.
fn split(text: &str, lines: &LineIndex) -> Result<Split, Box<Diagnostic>> {
    let start = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
    let rest = &text[start..];
    let first_line = rest.split('\n').next().unwrap_or("");
    let first = first_line.strip_suffix('\r').unwrap_or(first_line);
    let opening = start..start + first.len();
    if first != "+++" {
        let d = Diagnostic::new(
            Rule::FrontMatterMissing,
            lines,
            opening.clone(),
            "the file does not start with `+++` front matter",
        );
        let d = if rest.trim().is_empty() {
            Diagnostic {
                message: "the file is empty".into(),
                ..d
            }
            .with_help("start the lesson with `lessons new TITLE`, or copy an existing lesson")
        } else if first.trim_end() == "---" {
            Diagnostic {
                message: "the front matter is YAML (`---`); lessons use TOML front matter between `+++` lines".into(),
                ..d
            }
            .with_label("YAML delimiter")
            .with_help("replace both `---` lines with `+++` and write the keys as TOML: key = \"value\"")
        } else if first.trim() == "+++" {
            d.with_label("`+++` must be alone on the line")
                .with_help("remove the spaces around `+++`")
        } else {
            d.with_label("expected `+++` here")
                .with_help("a lesson starts with a line `+++`, its TOML front matter, and a closing `+++` line")
        };
        return Err(Box::new(d));
    }
    let toml_start = (start + first_line.len() + 1).min(text.len());
    // The closing line is the first `+++` that fills a whole line.
    let bytes = text.as_bytes();
    for at in memchr::memmem::find_iter(&bytes[toml_start..], b"+++") {
        let at = toml_start + at;
        let line_start = at == toml_start || bytes[at - 1] == b'\n';
        let rest = &bytes[at + 3..];
        let eol = match rest {
            [] => Some(0),
            [b'\n', ..] => Some(1),
            [b'\r', b'\n', ..] => Some(2),
            [b'\r'] => Some(1),
            _ => None,
        };
        if let (true, Some(eol)) = (line_start, eol) {
            return Ok(Split {
                opening,
                toml: toml_start..at,
                body: at + 3 + eol..text.len(),
            });
        }
    }
    let mut d = Diagnostic::new(
        Rule::FrontMatterUnclosed,
        lines,
        opening.clone(),
        "the front matter is never closed: no line is exactly `+++`",
    )
    .with_label("front matter opened here");
    let mut offset = toml_start.min(text.len());
    for line in text[offset..].split_inclusive('\n') {
        if line.trim() == "+++" {
            // Almost closed: spaces around the delimiter.
            let span = offset..offset + line.trim_end_matches(['\n', '\r']).len();
            let mut d = Diagnostic::new(
                Rule::FrontMatterUnclosed,
                lines,
                span,
                "the front matter is never closed: this line is not exactly `+++`",
            )
            .with_label("`+++` must be alone on the line")
            .with_help("remove the spaces around `+++`");
            d.add_context(opening.clone(), "front matter opened here");
            return Err(Box::new(d));
        }
        if line.starts_with('#') && line.trim_start_matches('#').starts_with(' ') {
            let heading = offset..offset + line.trim_end().len();
            d = d
                .with_context(heading, "this Markdown heading is read as front matter")
                .with_help(
                    "add a line `+++` after the last front matter key, before the first heading",
                );
            break;
        }
        offset += line.len();
    }
    if d.help.is_none() {
        d = d.with_help("add a line that is exactly `+++` after the last front matter key");
    }
    Err(Box::new(d))
}

/// What the plain readers' tests share: the example lessons split at their
/// `+++` lines, and random documents joined from pieces.
#[cfg(test)]
pub(crate) mod examples {
    /// Each lesson of `docs/example`: its path, front matter and body.
    pub fn lessons() -> Vec<(String, String, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/example/lessons");
        let mut out = Vec::new();
        for entry in walkdir::WalkDir::new(&root) {
            let entry = entry.expect("docs/example/lessons");
            if entry.path().extension().is_none_or(|e| e != "md") {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).expect("lesson");
            let Some(rest) = text.strip_prefix("+++\n") else {
                continue;
            };
            let end = rest.find("\n+++\n").expect("closing +++");
            out.push((
                entry.path().display().to_string(),
                rest[..end + 1].to_string(),
                rest[end + 5..].to_string(),
            ));
        }
        out
    }

    /// The pieces picked, each ended by LF or (when its flag is set) CRLF.
    pub fn joined(pieces: &[&str], picks: &[(usize, bool)]) -> String {
        picks
            .iter()
            .map(|&(i, crlf)| format!("{}{}", pieces[i], if crlf { "\r\n" } else { "\n" }))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(text: &[u8]) -> Vec<&'static str> {
        parse("x.md", text)
            .diagnostics
            .iter()
            .map(|d| d.rule.name())
            .collect()
    }

    #[test]
    fn bom_and_crlf_are_accepted() {
        let text = "\u{FEFF}+++\r\nid = \"A-2024-001\"\r\n+++\r\n## Summary\r\n";
        let parsed = parse("x.md", text.as_bytes());
        let lesson = parsed.lesson.unwrap();
        assert_eq!(lesson.id.unwrap().value, "A-2024-001");
        assert_eq!(lesson.body.sections[0].title, "Summary");
    }

    /// Found by the `lesson` fuzz target: invalid UTF-8 before a NUL byte
    /// moved the finding off the NUL (into a replacement character, on an
    /// earlier line).
    #[test]
    fn nul_byte_after_invalid_utf8_points_at_the_nul() {
        let bytes = b"+++\n\xFF\xFF\xFF\xFF\n\x00\n";
        let parsed = parse("x.md", bytes);
        let d = &parsed.diagnostics[0];
        assert_eq!(d.rule.name(), "nul-byte");
        assert_eq!((d.start.line, d.start.column), (3, 1));
        let text = source_text(bytes);
        assert_eq!(&text[d.span.start..], "\0\n");
    }

    #[test]
    fn file_level_problems_have_rules() {
        assert_eq!(rules(b"\xFF\xFE+\x00"), ["invalid-encoding"]);
        assert_eq!(rules(b"+++\nid = \"\x00\"\n+++\n"), ["nul-byte"]);
        assert_eq!(
            rules(b"+++\ntitle = \"caf\xE9\"\n+++\n"),
            ["invalid-encoding"]
        );
        assert_eq!(rules(b"---\ntitle: x\n---\n"), ["front-matter-missing"]);
        assert_eq!(
            rules(b"+++\nid = 1\n## Summary\n"),
            ["front-matter-unclosed"]
        );
        assert_eq!(
            rules(b"+++\n<<<<<<< HEAD\nid = 1\n=======\nid = 2\n>>>>>>> x\n+++\n"),
            ["merge-conflict"]
        );
    }
}
