//! `lessons index`: bring the search index up to date (or rebuild it).

use clap::Args;

use super::{Cli, CliError, EXIT_OK, OutputFormat, open_index};

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Build the index from scratch.
    #[arg(long)]
    pub rebuild: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

pub fn run(cli: &Cli, args: &IndexArgs) -> Result<i32, CliError> {
    let started = std::time::Instant::now();
    let (_, index) = open_index(cli, args.rebuild)?;
    let cx = crate::emit::Context {
        elapsed_ms: started.elapsed().as_millis(),
        ..super::emit_context(cli)
    };
    super::emit(&crate::emit::index::Synced(&index.stats), args.format, &cx)?;
    Ok(EXIT_OK)
}
