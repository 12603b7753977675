//! `lessons causes`: the cause-key taxonomy, and keys to merge.

use std::io::Write;

use clap::{Args, ValueEnum};

use super::{Cli, CliError, EXIT_OK, open_facts};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CausesFormat {
    Table,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct CausesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = CausesFormat::Table)]
    pub format: CausesFormat,
}

pub fn run(cli: &Cli, args: &CausesArgs) -> Result<i32, CliError> {
    let (kb, _index, file) = open_facts(cli)?;
    let facts = file.decode()?;
    let settings = crate::search::Settings::from_config(&kb.config);
    let taxonomy = crate::causes::taxonomy(&facts, &settings.synonyms, &settings.catch_all_keys);
    let mut out = std::io::stdout().lock();
    match args.format {
        CausesFormat::Table => out.write_all(crate::emit::causes::table(&taxonomy).as_bytes())?,
        CausesFormat::Markdown => {
            out.write_all(crate::emit::causes::markdown(&taxonomy).as_bytes())?
        }
        CausesFormat::Json => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&taxonomy).expect("plain data serializes")
        )?,
    }
    out.flush()?;
    Ok(EXIT_OK)
}
