//! Every output of every command. One interface, [`Emit`]: a command's
//! result knows which [`Format`]s it has and writes itself in one of them;
//! `cli` picks the format from its flags and hands it stdout. Emitters only
//! render; they never decide what is a finding, a hit or a recurrence.

pub mod causes;
mod check;
mod escape;
pub mod feedback;
pub mod github;
pub mod hits;
pub mod human;
pub mod index;
pub mod json;
pub mod progress;
pub mod report;
pub mod sarif;
pub mod scorecard;
pub mod show;
pub mod views;

use std::io::Write;

pub use escape::{markdown_cell, markdown_code, markdown_text, terminal_block};

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
    // The pretty printer makes a write per quote, comma and indentation: to
    // a buffer of a known type those are inlined copies, where each was a
    // call through `dyn Write` (a report's JSON is millions of them).
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut buffered, value).map_err(std::io::Error::from)?;
    buffered.write_all(b"\n")?;
    buffered.flush()
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
