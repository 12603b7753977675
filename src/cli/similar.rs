//! `lessons similar`: past lessons most like a given one, or, with
//! `--changed BASE`, pull-request feedback for every lesson a change adds or
//! edits (check verdict, recurring causes, similar lessons).

use clap::{Args, ValueEnum};

use super::search::FilterArgs;
use super::{Cli, CliError, EXIT_OK, resolve_lesson};
use crate::search::{self, Target};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SimilarFormat {
    Human,
    Json,
    /// The pull-request feedback as Markdown (a PR comment or job summary).
    Markdown,
}

impl From<SimilarFormat> for crate::emit::Format {
    fn from(f: SimilarFormat) -> Self {
        match f {
            SimilarFormat::Human => crate::emit::Format::Human,
            SimilarFormat::Json => crate::emit::Format::Json,
            SimilarFormat::Markdown => crate::emit::Format::Markdown,
        }
    }
}

#[derive(Debug, Args)]
pub struct SimilarArgs {
    /// A lesson id, or the path of a lesson file (committed or not).
    #[arg(required_unless_present = "changed", conflicts_with = "changed")]
    pub id_or_path: Option<String>,

    /// Feedback for every lesson added or modified since the merge base of
    /// BASE and HEAD, plus uncommitted changes (e.g. `--changed origin/main`):
    /// whether it passes check, the recurring causes it repeats and the
    /// most similar past lessons.
    #[arg(long, value_name = "BASE")]
    pub changed: Option<String>,

    /// How many lessons to show (per changed lesson with --changed).
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub limit: usize,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// Output format (`markdown` renders the feedback of a lesson or of a
    /// change).
    #[arg(long, value_enum, default_value_t = SimilarFormat::Human)]
    pub format: SimilarFormat,
}

pub fn run(cli: &Cli, args: &SimilarArgs) -> Result<i32, CliError> {
    let started = std::time::Instant::now();
    let (kb, index, file) = super::open_facts(cli)?;
    let settings = search::Settings::from_config(&kb.config);
    let filters = args.filters.filters();
    super::search::check_filters(&index, &settings, &filters)?;
    let query = crate::feedback::SimilarQuery {
        settings: &settings,
        filters: &filters,
        limit: args.limit,
    };
    if let Some(base) = &args.changed {
        let paths = crate::repo::changed_lessons(&kb, base)?;
        step_output(paths.len());
        // The changed lessons are the change's own: `--max-tlp` leaves out
        // the past lessons they are compared with.
        let facts = within(file.decode()?, filters.max_tlp);
        let feedback = crate::feedback::build(&kb, &index, &paths, &facts, Some(base), &query)?;
        return emit_feedback(cli, &feedback, args.format);
    }
    let id_or_path = args.id_or_path.as_deref().unwrap_or_default();
    if args.format == SimilarFormat::Markdown {
        let found = resolve_lesson(&kb, &index, id_or_path)?;
        super::within_max_tlp(&kb, &found, filters.max_tlp)?;
        let facts = within(file.decode()?, filters.max_tlp);
        let feedback = crate::feedback::build(
            &kb,
            &index,
            std::slice::from_ref(&found.lesson.path),
            &facts,
            None,
            &query,
        )?;
        return emit_feedback(cli, &feedback, args.format);
    }
    let found = resolve_lesson(&kb, &index, id_or_path)?;
    super::within_max_tlp(&kb, &found, filters.max_tlp)?;
    let target = Target::from_lesson(&found.lesson, &found.text);
    let results = search::similar(&index, &settings, &target, &filters, args.limit)?;
    let facts = within(file.decode()?, filters.max_tlp);
    let cause_keys =
        crate::feedback::check_cause_keys(&index, &settings, &target, &facts, filters.max_tlp)?;
    let cx = crate::emit::Context {
        elapsed_ms: started.elapsed().as_millis(),
        ..super::emit_context(cli)
    };
    let hits = crate::emit::hits::Hits {
        results: &results,
        what: "similar lessons",
        cause_keys: Some(&cause_keys),
    };
    super::emit(&hits, args.format, &cx)?;
    Ok(EXIT_OK)
}

/// The facts of the lessons at or below `max` (`--max-tlp`): recurrences
/// and cause keys are then computed over those alone.
fn within(
    mut facts: Vec<crate::index::facts::Facts<'_>>,
    max: Option<crate::tlp::Tlp>,
) -> Vec<crate::index::facts::Facts<'_>> {
    if let Some(max) = max {
        facts.retain(|f| f.tlp <= max);
    }
    facts
}

/// In a GitHub Actions step, `lessons=N` (the lessons changed) as a step
/// output, so that a workflow can skip commenting on a change without one.
fn step_output(lessons: usize) {
    use std::io::Write as _;
    let Some(path) = std::env::var_os("GITHUB_OUTPUT").filter(|p| !p.is_empty()) else {
        return;
    };
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| writeln!(f, "lessons={lessons}"));
    if let Err(e) = written {
        eprintln!(
            "warning: cannot write the step output to {} ($GITHUB_OUTPUT): {e}",
            std::path::Path::new(&path).display()
        );
    }
}

fn emit_feedback(
    cli: &Cli,
    feedback: &crate::feedback::Feedback,
    format: SimilarFormat,
) -> Result<i32, CliError> {
    super::emit(feedback, format, &super::emit_context(cli))?;
    // Feedback informs; `lessons check` is the gate.
    Ok(EXIT_OK)
}
