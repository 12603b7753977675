//! `lessons index`: bring the search index up to date (or rebuild it).

use std::io::Write;

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
    let stats = &index.stats;
    let mut out = std::io::stdout().lock();
    match args.format {
        OutputFormat::Json => {
            let mut doc = serde_json::to_value(stats).expect("plain data serializes");
            doc["elapsed_ms"] = serde_json::json!(started.elapsed().as_millis() as u64);
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&doc).expect("plain data serializes")
            )?;
        }
        OutputFormat::Human => {
            let ms = started.elapsed().as_millis();
            if let Some(why) = &stats.rebuilt {
                writeln!(
                    out,
                    "indexed {} lessons from scratch ({why}) in {ms} ms",
                    stats.lessons
                )?;
            } else if stats.changed() {
                let mut parts = vec![
                    format!("{} added", stats.added),
                    format!("{} updated", stats.updated),
                    format!("{} removed", stats.removed),
                ];
                if stats.renamed > 0 {
                    parts.push(format!("{} renamed", stats.renamed));
                }
                writeln!(
                    out,
                    "index updated: {} ({} lessons, {ms} ms)",
                    parts.join(", "),
                    stats.lessons
                )?;
            } else {
                writeln!(
                    out,
                    "index up to date: 0 added, 0 updated, 0 removed ({} lessons, {ms} ms)",
                    stats.lessons
                )?;
            }
        }
    }
    Ok(EXIT_OK)
}
