//! `lessons search`: ranked full-text search with filters.

use clap::Args;

use super::{Cli, CliError, EXIT_OK, OutputFormat, open_index};
use crate::search::{self, Filters};

/// Filters shared by `search` and `similar`.
#[derive(Debug, Args, Clone, Default)]
pub struct FilterArgs {
    /// Only lessons of this kind (repeat to allow several).
    #[arg(long, value_name = "K")]
    pub kind: Vec<String>,
    /// Only lessons of this severity (repeatable).
    #[arg(long, value_name = "S")]
    pub severity: Vec<String>,
    /// Only lessons with this status: draft, review, final (repeatable).
    #[arg(long, value_name = "S")]
    pub status: Vec<String>,
    /// Only lessons about this system (repeatable).
    #[arg(long, value_name = "S")]
    pub system: Vec<String>,
    /// Only lessons involving this team (repeatable).
    #[arg(long, value_name = "T")]
    pub team: Vec<String>,
    /// Only lessons that inform this business function: a value of the
    /// `functions` vocabulary (repeatable).
    #[arg(long, value_name = "NAME")]
    pub function: Vec<String>,
    /// Only lessons with this tag (repeatable).
    #[arg(long, value_name = "T")]
    pub tag: Vec<String>,
    /// Only lessons with a cause of this key or category (repeatable).
    #[arg(long, value_name = "KEY_OR_CATEGORY")]
    pub cause: Vec<String>,
    /// Only lessons that occurred on or after this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = crate::time::parse_date)]
    pub since: Option<jiff::civil::Date>,
    /// Only lessons that occurred on or before this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = crate::time::parse_date)]
    pub until: Option<jiff::civil::Date>,
    /// Leave out lessons above this TLP sharing level: CLEAR, GREEN, AMBER,
    /// AMBER+STRICT or RED (a lesson without `tlp` has `[sharing]
    /// default_tlp`).
    #[arg(long, value_name = "LEVEL", value_parser = crate::tlp::Tlp::parse_flag)]
    pub max_tlp: Option<crate::tlp::Tlp>,
}

impl FilterArgs {
    pub fn filters(&self) -> Filters {
        Filters {
            kind: self.kind.clone(),
            severity: self.severity.clone(),
            status: self.status.clone(),
            system: self.system.clone(),
            team: self.team.clone(),
            function: self.function.clone(),
            tag: self.tag.clone(),
            cause: self.cause.clone(),
            since: self.since,
            until: self.until,
            max_tlp: self.max_tlp,
        }
    }
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query: words, "phrases", AND / OR / NOT (or -word), field:value
    /// (title, system, team, tag, cause, kind, severity, status, id), prefix*.
    #[arg(allow_hyphen_values = true)]
    pub query: String,

    /// How many lessons to show.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub limit: usize,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// For each hit, which words matched in which fields, and the parts of
    /// its score; and how the query was read.
    #[arg(long)]
    pub explain: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

pub fn run(cli: &Cli, args: &SearchArgs) -> Result<i32, CliError> {
    let started = std::time::Instant::now();
    let (kb, index) = open_index(cli, false)?;
    let settings = search::Settings::from_config(&kb.config);
    let filters = args.filters.filters();
    check_filters(&index, &settings, &filters)?;
    let results = search::search(
        &index,
        &settings,
        &args.query,
        &filters,
        &search::Options {
            limit: args.limit,
            explain: args.explain,
        },
    )?;
    let cx = crate::emit::Context {
        elapsed_ms: started.elapsed().as_millis(),
        ..super::emit_context(cli)
    };
    let hits = crate::emit::hits::Hits {
        results: &results,
        what: "lessons",
        cause_keys: None,
    };
    super::emit(&hits, args.format, &cx)?;
    Ok(EXIT_OK)
}

/// Closed-vocabulary filters must hold a known value (exit 2 otherwise);
/// open ones that no lesson has get a warning with the closest value.
pub fn check_filters(
    index: &crate::index::SearchIndex,
    settings: &search::Settings,
    filters: &Filters,
) -> Result<(), crate::Error> {
    search::vocab::check_filters(settings, filters)?;
    for warning in search::vocab::unknown_filter_values(index, settings, filters) {
        eprintln!("warning: {warning}");
    }
    Ok(())
}
