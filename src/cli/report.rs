//! `lessons report`: recurring root causes, ineffective actions, trends.

use clap::{Args, ValueEnum};

use super::{Cli, CliError, EXIT_OK, Facts};
use crate::emit::Emit;
use crate::index::facts::FactsFile;
use crate::report::views::Audience;
use crate::report::{self, GroupBy, Period};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Table,
    Markdown,
    Json,
    Csv,
    Html,
}

impl From<ReportFormat> for crate::emit::Format {
    fn from(f: ReportFormat) -> Self {
        match f {
            ReportFormat::Table => crate::emit::Format::Human,
            ReportFormat::Markdown => crate::emit::Format::Markdown,
            ReportFormat::Json => crate::emit::Format::Json,
            ReportFormat::Csv => crate::emit::Format::Csv,
            ReportFormat::Html => crate::emit::Format::Html,
        }
    }
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Group lessons by cause key, cause category, system, team or
    /// business function.
    #[arg(long, default_value = "key", value_parser = super::choice(&GroupBy::ALL, GroupBy::name))]
    pub by: GroupBy,

    /// Keep groups with at least this many lessons.
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub min_count: usize,

    /// Only lessons that occurred on or after this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = crate::time::parse_date)]
    pub since: Option<jiff::civil::Date>,

    /// Only lessons that occurred on or before this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = crate::time::parse_date)]
    pub until: Option<jiff::civil::Date>,

    /// Only lessons with this status (repeatable; drafts count by default).
    #[arg(long, value_name = "STATUS")]
    pub status: Vec<String>,

    /// The period of the trend counts.
    #[arg(long, default_value = "quarter", value_parser = super::choice(&Period::ALL, Period::name))]
    pub period: Period,

    /// Leave out lessons above this TLP sharing level: CLEAR, GREEN, AMBER,
    /// AMBER+STRICT or RED. The report says the level it was produced at.
    #[arg(long, value_name = "LEVEL", value_parser = crate::tlp::Tlp::parse_flag)]
    pub max_tlp: Option<crate::tlp::Tlp>,

    /// Only lessons that inform this business function: a value of the
    /// `functions` vocabulary (repeatable).
    #[arg(long, value_name = "NAME")]
    pub function: Vec<String>,

    /// One page for a business function instead of the recurring causes:
    /// leadership (causes by severity, open high and critical actions,
    /// trends), hr (training needs and awareness) or it (configuration,
    /// monitoring and technical debt).
    #[arg(long = "for", value_name = "AUDIENCE", value_parser = super::choice(&Audience::ALL, Audience::name))]
    pub audience: Option<Audience>,

    /// Print the progress scorecard instead: the practice figures per
    /// period (`--period`), each with its change from the previous one.
    #[arg(long)]
    pub scorecard: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
}

pub fn run(cli: &Cli, args: &ReportArgs) -> Result<i32, CliError> {
    crate::search::vocab::check_values(
        "--status",
        "status",
        &args.status,
        crate::search::vocab::STATUSES,
    )?;
    let kb = super::open_kb(cli)?;
    check_functions(&kb.config, &args.function)?;
    let options = report::Options {
        by: args.by,
        min_count: args.min_count,
        since: args.since,
        until: args.until,
        period: args.period,
        statuses: args.status.clone(),
        max_tlp: args.max_tlp,
        functions: args.function.clone(),
        targets: report::Targets {
            // lessons.toml holds it to 1..=3650.
            review_within_days: u32::try_from(kb.config.practice.review_within_days)
                .unwrap_or(u32::MAX),
            least_severe: kb.config.vocabulary.severities.last().cloned(),
        },
    };
    // A view is of a day: today's, read once.
    let view = match args.audience {
        Some(audience) => Some((audience, crate::time::today()?)),
        None => None,
    };
    let cx = super::emit_context(cli);
    let render = |file: &FactsFile| -> Result<Pieces, CliError> {
        let mut timings = crate::timing::Timings::new();
        let facts = file.decode()?;
        timings.step("report: read the facts");
        let mut out = Pieces::default();
        let format = crate::emit::Format::from(args.format);
        match view {
            Some((audience, today)) => {
                let view = report::views::build(&facts, &options, audience, today);
                timings.step("report: compute");
                view.emit(format, &cx, &mut out)?;
            }
            // The scorecard shows the practice figures alone.
            _ if args.scorecard => {
                let report = report::build_practice(&facts, &options);
                timings.step("report: compute");
                crate::emit::scorecard::Scorecard { report: &report }
                    .emit(format, &cx, &mut out)?;
            }
            _ => {
                let report = report::build(&facts, &options);
                timings.step("report: compute");
                report.emit(format, &cx, &mut out)?;
            }
        }
        timings.step("report: render");
        Ok(out)
    };
    // Read and computed while the index's freshness is checked, on the
    // facts as they stand (an error is met again below).
    let ahead = |file: &FactsFile| render(file).ok();
    let mut timings = crate::timing::Timings::new();
    let (_index, facts) = super::facts_ahead(&kb, Some(&ahead))?;
    timings.step("report: open the index (and report ahead)");
    let out = match facts {
        Facts::Done(out) => out,
        Facts::File(file) => render(&file)?,
    };
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    for piece in &out.0 {
        stdout.write_all(piece)?;
    }
    stdout.flush()?;
    timings.step("report: write");
    Ok(EXIT_OK)
}

/// A report's output, kept until the index proves up to date: in pieces
/// of a megabyte (one buffer grown by doubling copied a 39 MB JSON report
/// at each step and held up to twice its size).
#[derive(Default)]
struct Pieces(Vec<Vec<u8>>);

impl std::io::Write for Pieces {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        const PIECE: usize = 1 << 20;
        match self.0.last_mut() {
            Some(last) if last.capacity() - last.len() >= buf.len() => last.extend_from_slice(buf),
            _ => {
                let mut piece = Vec::with_capacity(PIECE.max(buf.len()));
                piece.extend_from_slice(buf);
                self.0.push(piece);
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `--function` values must be in the `functions` vocabulary of
/// `lessons.toml`: a typo exits 2 with a suggestion, never an empty report.
pub fn check_functions(config: &crate::config::Config, values: &[String]) -> Result<(), CliError> {
    let known: Vec<&str> = config
        .vocabulary
        .functions
        .iter()
        .map(String::as_str)
        .collect();
    crate::search::vocab::check_values("--function", "function", values, &known)?;
    Ok(())
}
