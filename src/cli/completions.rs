//! `lessons completions SHELL` and `lessons man`: generated from the clap
//! definition, so they never drift from the commands.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, CommandFactory};

use super::{Cli, CliError, EXIT_OK};
use crate::Error;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write `lessons.1` and a page per command (`lessons-check.1`, ...)
    /// into this folder instead of printing `lessons.1`.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub fn completions(args: &CompletionsArgs) -> Result<i32, CliError> {
    let mut command = Cli::command();
    // Generated into memory: clap_complete panics when a write fails, and
    // a closed pipe (`lessons completions bash | head`) must not panic.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "lessons", &mut script);
    let mut out = std::io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(EXIT_OK)
}

pub fn man(args: &ManArgs) -> Result<i32, CliError> {
    let command = Cli::command();
    match &args.out {
        None => {
            let mut out = std::io::stdout().lock();
            clap_mangen::Man::new(command).render(&mut out)?;
            out.flush()?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|source| Error::Io {
                path: dir.clone(),
                source,
            })?;
            clap_mangen::generate_to(command, dir).map_err(|source| Error::Io {
                path: dir.clone(),
                source,
            })?;
            println!("wrote the manual pages to {}", dir.display());
        }
    }
    Ok(EXIT_OK)
}
