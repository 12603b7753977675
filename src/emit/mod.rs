//! Every output of every command. One interface, [`Emit`]: a command's
//! result knows which [`Format`]s it has and writes itself in one of them;
//! `cli` picks the format from its flags and hands it stdout. Emitters only
//! render; they never decide what is a finding, a hit or a recurrence.

pub mod causes;
mod check;
pub mod feedback;
pub mod github;
pub mod hits;
pub mod human;
pub mod index;
pub mod json;
pub mod progress;
pub mod report;
pub mod sarif;
pub mod show;

use std::io::Write;

/// Every output format of every command (each command offers some).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For people at a terminal (`human`, or `table` for reports).
    Human,
    Json,
    /// GitHub workflow commands (annotations).
    Github,
    Sarif,
    Markdown,
    Csv,
    Html,
}

/// What an emitter may need besides the value it writes.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// Colour for a terminal.
    pub color: bool,
    /// Where the knowledge base sits in its git work tree, for formats that
    /// GitHub reads (see [`repo_path`]).
    pub prefix: String,
    /// How long the command took, for the human summary line.
    pub elapsed_ms: u128,
}

/// A command's result, written in one of its formats (each output has
/// some of them; `cli` offers only those in its `--format` flag).
pub trait Emit {
    /// Writes the output in `format`; a format it does not have is an
    /// error (a bug in `cli`).
    fn emit(&self, format: Format, cx: &Context, out: &mut dyn Write) -> std::io::Result<()>;
}

/// The error for a format an output does not have: a bug in `cli`.
pub(crate) fn unsupported(format: Format) -> std::io::Error {
    std::io::Error::other(format!("this output has no {format:?} format"))
}

/// Pretty JSON and a final newline, streamed (a report at 100,000 lessons
/// is tens of megabytes).
pub fn write_json(value: &impl serde::Serialize, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(std::io::Error::from)?;
    out.write_all(b"\n")
}

/// Joins a knowledge-base-relative path onto the path of the knowledge base
/// inside its git work tree, for formats that GitHub reads (annotations and
/// code scanning want paths relative to the repository).
pub fn repo_path(prefix: &str, path: &str) -> String {
    if prefix.is_empty() {
        path.to_string()
    } else {
        format!("{}/{path}", prefix.trim_end_matches('/'))
    }
}

/// Text for a Markdown table cell: no line breaks, no table pipes, no raw
/// HTML (lesson text must not inject markup into a PR comment or summary).
pub fn markdown_cell(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

/// Untrusted text (a lesson title, an action summary) as inert Markdown
/// inline text: CommonMark punctuation escaped, HTML entities, no line
/// breaks, table pipes escaped, and no `@mention` or `#123` reference for
/// GitHub to act on (a word joiner follows `@` and `#`).
pub fn markdown_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' | '\n' => out.push(' '),
            '@' | '#' => {
                out.push('\\');
                out.push(c);
                out.push('\u{2060}');
            }
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '!' | '~' | '|' | '$' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A Markdown code span holding `s` whatever backticks it contains; in a
/// table cell (`in_table`), pipes are escaped as GitHub requires there.
pub fn markdown_code(s: &str, in_table: bool) -> String {
    let s = s.replace(['\r', '\n'], " ");
    let s = if in_table { s.replace('|', "\\|") } else { s };
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untrusted_text_is_inert() {
        let t = markdown_text("Cert | `x` <img src=y> **b** [l](http://e) @org/team #12 a\\b");
        for bad in ["<img", "**", "[l](", " @org", " #12", "`x`"] {
            assert!(!t.contains(bad), "{bad} in {t}");
        }
        assert!(t.contains("\\|"));
        assert_eq!(markdown_code("a`b", false), "``a`b``");
        assert_eq!(markdown_code("`a", false), "`` `a ``");
        assert_eq!(markdown_code("a|b", true), "`a\\|b`");
    }
}
