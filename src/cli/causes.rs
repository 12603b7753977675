//! `lessons causes`: the cause-key taxonomy, and keys to merge.

use clap::{Args, ValueEnum};

use super::{Cli, CliError, EXIT_OK, open_facts};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CausesFormat {
    Table,
    Json,
    Markdown,
}

impl From<CausesFormat> for crate::emit::Format {
    fn from(f: CausesFormat) -> Self {
        match f {
            CausesFormat::Table => crate::emit::Format::Human,
            CausesFormat::Json => crate::emit::Format::Json,
            CausesFormat::Markdown => crate::emit::Format::Markdown,
        }
    }
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
    super::emit(&taxonomy, args.format, &super::emit_context(cli))?;
    Ok(EXIT_OK)
}
