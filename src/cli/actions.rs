//! `lessons actions`: improvement actions across lessons.

use std::io::Write;

use clap::{Args, ValueEnum};

use super::{Cli, CliError, EXIT_OK, open_facts};
use crate::report::{self, ActionFilter};

fn date(s: &str) -> Result<jiff::civil::Date, String> {
    s.parse::<jiff::civil::Date>()
        .map_err(|_| format!("`{s}` is not a date; write YYYY-MM-DD"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ActionsFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct ActionsArgs {
    /// Only open or in-progress actions whose due date has passed.
    #[arg(long)]
    pub overdue: bool,

    /// Only actions of this owner (repeatable; case does not matter).
    #[arg(long, value_name = "O")]
    pub owner: Vec<String>,

    /// Only actions with this status: open, in-progress, done, dropped (repeatable).
    #[arg(long, value_name = "S")]
    pub status: Vec<String>,

    /// Judge "overdue" as of this date instead of today (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = date)]
    pub as_of: Option<jiff::civil::Date>,

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
    let (_, _index, file) = open_facts(cli)?;
    let facts = file.decode()?;
    let today = jiff::tz::Offset::UTC
        .to_datetime(jiff::Timestamp::now())
        .date();
    let filter = ActionFilter {
        overdue: args.overdue,
        owners: args.owner.clone(),
        statuses: args.status.clone(),
        as_of: args.as_of,
    };
    let rows = report::actions(&facts, &filter, today);
    let mut out = std::io::stdout().lock();
    match args.format {
        ActionsFormat::Json => {
            let doc = serde_json::json!({
                "as_of": args.as_of.unwrap_or(today).to_string(),
                "total": rows.len(),
                "overdue": rows.iter().filter(|r| r.overdue).count(),
                "actions": rows,
            });
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&doc).expect("plain data serializes")
            )?;
        }
        ActionsFormat::Table => out.write_all(
            crate::emit::report::actions_table(&rows, args.as_of.unwrap_or(today)).as_bytes(),
        )?,
    }
    out.flush()?;
    Ok(EXIT_OK)
}
