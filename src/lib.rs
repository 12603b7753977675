//! `lessons`: a git-native knowledge base of incident lessons learned.
//!
//! The public API is what the binary and the tests need: [`cli::main`],
//! and the format's model, parser, rules and configuration ([`lesson`],
//! [`parse`], [`rules`], [`diagnostic`], [`config`]). Everything else is
//! `pub(crate)`, so an unused item is a compiler warning.
//!
//! Data flows one way: files (`repo`) -> [`parse`] (front matter with
//! spans, Markdown sections) -> validate ([`rules`], driven by `check`) ->
//! index -> search and report -> output (`emit`); docs/architecture.md is
//! the map. The binary is a thin shell over [`cli`].

pub(crate) mod allowlist;
pub(crate) mod causes;
pub(crate) mod check;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub(crate) mod emit;
pub(crate) mod feedback;
#[doc(hidden)]
pub mod fuzzing;
pub(crate) mod index;
pub mod lesson;
pub mod parse;
pub mod practice;
pub(crate) mod repo;
pub(crate) mod report;
pub mod rules;
pub(crate) mod scaffold;
pub(crate) mod search;
pub mod sensitive;
pub(crate) mod text;
pub(crate) mod time;
pub(crate) mod timing;
pub mod tlp;

use std::path::PathBuf;

/// Failures that stop a command (exit code 2). Findings about lessons are
/// not errors: they are [`diagnostic::Diagnostic`]s.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `lessons.toml` (or `.lessons-allow`) is unusable; its findings say
    /// where.
    #[error("{} is invalid", .0.file())]
    Config(config::ConfigError),
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Git(String),
    #[error("{0}")]
    Usage(String),
    /// The search index could not be opened, updated or read.
    #[error("search index: {0}")]
    Index(#[from] index::IndexError),
    /// A search query that does not parse; `position` is a byte offset.
    #[error("malformed query: {message}")]
    Query {
        query: String,
        position: usize,
        message: String,
    },
    /// No lesson has this id (or path).
    #[error("{0}")]
    NotFound(String),
    /// The lesson asked for is above `--max-tlp`: it is not shown.
    #[error(
        "{lesson} is TLP:{level}, above --max-tlp {max}, so it is not shown (TLP:{level}: {})",
        level.audience()
    )]
    AboveMaxTlp {
        lesson: String,
        level: tlp::Tlp,
        max: tlp::Tlp,
    },
}
