//! The command line: clap definitions, and one module per command. Commands
//! return an exit code; errors are rendered here, once.

mod check;

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::Error;

/// Exit codes fixed by the CLI contract.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "lessons",
    version,
    about = "A git-native knowledge base of incident lessons learned",
    long_about = "Validate, search and report on incident lessons learned: Markdown files with TOML front matter in a git repository."
)]
pub struct Cli {
    /// The knowledge base root (the folder holding lessons.toml and the
    /// lesson roots). Default: the nearest ancestor with a lessons.toml,
    /// else the top of the git work tree, else the current directory.
    #[arg(long, global = true, value_name = "PATH")]
    pub repo: Option<PathBuf>,

    /// When to colour human output. `auto` colours a terminal unless
    /// NO_COLOR is set.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate lessons against the format (all, the PATHs, or those changed since BASE)
    Check(check::CheckArgs),
}

/// Runs the command line and returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    let result = match &cli.command {
        Command::Check(args) => check::run(&cli, args),
    };
    match result {
        Ok(code) => code,
        Err(CliError::BrokenPipe) => EXIT_OK,
        Err(CliError::Lessons(e)) => {
            report_error(&e, color_enabled(cli.color, &std::io::stderr()));
            EXIT_ERROR
        }
    }
}

/// What a command can fail with.
#[derive(Debug)]
pub enum CliError {
    Lessons(Error),
    /// The reader of our output went away (`lessons check | head`): stop
    /// quietly, as other Unix tools do.
    BrokenPipe,
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        CliError::Lessons(e)
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            CliError::BrokenPipe
        } else {
            CliError::Lessons(Error::Io {
                path: PathBuf::from("<stdout>"),
                source: e,
            })
        }
    }
}

/// Whether to colour output written to `stream`.
pub fn color_enabled(choice: ColorChoice, stream: &impl std::io::IsTerminal) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            stream.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

fn report_error(e: &Error, color: bool) {
    let mut err = std::io::stderr().lock();
    match e {
        Error::Config(config) => {
            let report = crate::check::CheckReport {
                files_checked: 0,
                errors: config.diagnostics.len(),
                warnings: 0,
                files: Vec::new(),
            };
            let _ = crate::emit::human::render_source(
                &config.diagnostics,
                &config.source,
                color,
                &mut err,
            );
            let _ = writeln!(
                err,
                "error: lessons.toml has {}; fix it before lessons can be checked",
                if report.errors == 1 {
                    "1 problem".to_string()
                } else {
                    format!("{} problems", report.errors)
                }
            );
        }
        other => {
            let _ = writeln!(err, "error: {other}");
        }
    }
}
