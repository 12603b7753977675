//! `lessons`: a git-native knowledge base of incident lessons learned.
//!
//! Data flows one way: files ([`repo`]) -> [`parse`] (front matter with
//! spans, Markdown sections) -> validate ([`rules`], driven by [`check`]) ->
//! output ([`emit`]). The binary is a thin shell over [`cli`].

pub mod causes;
pub mod check;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod emit;
pub mod feedback;
pub mod index;
pub mod lesson;
pub mod parse;
pub mod repo;
pub mod report;
pub mod rules;
pub mod scaffold;
pub mod search;
pub mod text;
pub mod time;
pub mod timing;

use std::path::PathBuf;

/// Failures that stop a command (exit code 2). Findings about lessons are
/// not errors: they are [`diagnostic::Diagnostic`]s.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `lessons.toml` is unusable; its findings say where.
    #[error("lessons.toml is invalid")]
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
}
