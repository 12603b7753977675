//! `lessons actions`: improvement actions across lessons.

use clap::{Args, ValueEnum};

use super::{Cli, CliError, EXIT_OK, open_facts};
use crate::report::{self, ActionFilter};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ActionsFormat {
    Table,
    Json,
}

impl From<ActionsFormat> for crate::emit::Format {
    fn from(f: ActionsFormat) -> Self {
        match f {
            ActionsFormat::Table => crate::emit::Format::Human,
            ActionsFormat::Json => crate::emit::Format::Json,
        }
    }
}

#[derive(Debug, Args)]
pub struct ActionsArgs {
    /// Only open or in-progress actions whose due date has passed.
    #[arg(long)]
    pub overdue: bool,

    /// Only done actions completed more than `[practice] verify_after_days`
    /// (default 30) days ago that no one has verified yet.
    #[arg(long)]
    pub unverified: bool,

    /// Only actions of this owner (repeatable; case does not matter).
    #[arg(long, value_name = "O")]
    pub owner: Vec<String>,

    /// Only actions with this status: open, in-progress, done, dropped (repeatable).
    #[arg(long, value_name = "S")]
    pub status: Vec<String>,

    /// Judge "overdue" as of this date instead of today (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = crate::time::parse_date)]
    pub as_of: Option<jiff::civil::Date>,

    /// Leave out actions of lessons above this TLP sharing level: CLEAR,
    /// GREEN, AMBER, AMBER+STRICT or RED.
    #[arg(long, value_name = "LEVEL", value_parser = crate::tlp::Tlp::parse_flag)]
    pub max_tlp: Option<crate::tlp::Tlp>,

    /// Only actions of lessons that inform this business function: a value
    /// of the `functions` vocabulary (repeatable).
    #[arg(long, value_name = "NAME")]
    pub function: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ActionsFormat::Table)]
    pub format: ActionsFormat,
}

pub fn run(cli: &Cli, args: &ActionsArgs) -> Result<i32, CliError> {
    crate::search::vocab::check_values(
        "--status",
        "action status",
        &args.status,
        crate::search::vocab::ACTION_STATUSES,
    )?;
    let (kb, _index, file) = open_facts(cli)?;
    super::report::check_functions(&kb.config, &args.function)?;
    let facts = file.decode()?;
    let today = crate::time::today()?;
    let filter = ActionFilter {
        overdue: args.overdue,
        unverified: args.unverified,
        // lessons.toml holds it to 1..=3650.
        verify_after_days: u32::try_from(kb.config.practice.verify_after_days).unwrap_or(u32::MAX),
        owners: args.owner.clone(),
        statuses: args.status.clone(),
        as_of: args.as_of,
        max_tlp: args.max_tlp,
        functions: args.function.clone(),
    };
    let rows = report::actions(&facts, &filter, today);
    let actions = crate::emit::report::Actions {
        rows: &rows,
        as_of: args.as_of.unwrap_or(today),
        overdue_only: args.overdue,
        unverified_only: args.unverified,
        max_tlp: args.max_tlp,
    };
    super::emit(&actions, args.format, &super::emit_context(cli))?;
    Ok(EXIT_OK)
}
