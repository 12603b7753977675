//! `lessons similar`: past lessons most like a given one.

use clap::Args;

use super::search::{FilterArgs, print_results};
use super::{Cli, CliError, EXIT_OK, OutputFormat, open_index, resolve_lesson};
use crate::search::{self, Target};

#[derive(Debug, Args)]
pub struct SimilarArgs {
    /// A lesson id, or the path of a lesson file (committed or not).
    pub id_or_path: String,

    /// How many lessons to show.
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub limit: usize,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

pub fn run(cli: &Cli, args: &SimilarArgs) -> Result<i32, CliError> {
    let started = std::time::Instant::now();
    let (kb, index) = open_index(cli, false)?;
    let found = resolve_lesson(&kb, &index, &args.id_or_path)?;
    let target = Target::from_lesson(&found.lesson, &found.text);
    let results = search::similar(&index, &target, &args.filters.filters(), args.limit)?;
    print_results(cli, &results, args.format, started, "similar lessons")?;
    Ok(EXIT_OK)
}
