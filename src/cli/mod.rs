//! The command line: clap definitions, and one module per command. Commands
//! return an exit code; errors are rendered here, once.

mod actions;
mod causes;
mod check;
mod completions;
mod index;
mod init;
mod new;
mod report;
mod search;
mod show;
mod similar;

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::Error;

/// Exit codes fixed by the CLI contract.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "lessons",
    version,
    about = "A git-native knowledge base of incident lessons learned",
    long_about = "Validate, search and report on incident lessons learned: Markdown files with TOML front matter in a git repository."
)]
pub struct Cli {
    /// The knowledge base root (the folder holding lessons.toml and the
    /// lesson roots). Default: the nearest ancestor with a lessons.toml,
    /// else the top of the git work tree, else the current directory.
    #[arg(long, global = true, value_name = "PATH")]
    pub repo: Option<PathBuf>,

    /// When to colour human output. `auto` colours a terminal unless
    /// NO_COLOR is set.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate lessons against the format (all, the PATHs, or those changed since BASE)
    Check(check::CheckArgs),
    /// Bring the search index up to date (every command that reads it does this first)
    Index(index::IndexArgs),
    /// Search past lessons: ranked full-text search with filters
    Search(search::SearchArgs),
    /// Print one lesson: metadata, timing, causes, actions and sections
    Show(show::ShowArgs),
    /// List the past lessons most like a given one (by id or file path)
    Similar(similar::SimilarArgs),
    /// Report recurring root causes, ineffective actions and trends
    Report(report::ReportArgs),
    /// List improvement actions across lessons (overdue, by owner, by status)
    Actions(actions::ActionsArgs),
    /// List the cause keys (category, lessons, first and last seen) and keys that probably name the same cause
    Causes(causes::CausesArgs),
    /// Start a lesson: the next free id, a file named after the title, the sections with prompts
    New(new::NewArgs),
    /// Set up a knowledge base here: lessons.toml, the lessons folder and a CI workflow
    Init(init::InitArgs),
    /// Print shell completions (bash, zsh, fish, elvish, powershell)
    Completions(completions::CompletionsArgs),
    /// Print the manual page (or write one per command with --out DIR)
    Man(completions::ManArgs),
}

/// Output formats of the commands that read the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
}

impl From<OutputFormat> for crate::emit::Format {
    fn from(f: OutputFormat) -> Self {
        match f {
            OutputFormat::Human => crate::emit::Format::Human,
            OutputFormat::Json => crate::emit::Format::Json,
        }
    }
}

/// What emitters need of the command line: colour on a terminal.
pub(crate) fn emit_context(cli: &Cli) -> crate::emit::Context {
    crate::emit::Context {
        color: color_enabled(cli.color, &std::io::stdout()),
        ..crate::emit::Context::default()
    }
}

/// Writes a command's output to stdout, buffered, in `format`.
pub(crate) fn emit(
    output: &dyn crate::emit::Emit,
    format: impl Into<crate::emit::Format>,
    cx: &crate::emit::Context,
) -> Result<(), CliError> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    output.emit(format.into(), cx, &mut out)?;
    out.flush()?;
    Ok(())
}

/// Runs the command line and returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    let result = if reads_index(&cli.command) {
        run_reading_index(&cli)
    } else {
        run(&cli)
    };
    for step in crate::timing::take() {
        eprintln!("timing: {step}");
    }
    match result {
        Ok(code) => code,
        Err(CliError::BrokenPipe) => EXIT_OK,
        Err(CliError::Lessons(e)) => {
            report_error(&e, color_enabled(cli.color, &std::io::stderr()));
            EXIT_ERROR
        }
    }
}

/// Whether the command reads the search index.
fn reads_index(command: &Command) -> bool {
    matches!(
        command,
        Command::Index(_)
            | Command::Search(_)
            | Command::Show(_)
            | Command::Similar(_)
            | Command::Report(_)
            | Command::Actions(_)
            | Command::Causes(_)
    )
}

/// Runs a command that reads the index. Opening the index checks its
/// files and rebuilds a damaged one; what that check cannot see (Tantivy
/// failing or panicking on bytes that pass it) is answered here: one
/// rebuild, with a one-line note, and the command once more. A second
/// failure is reported, never another rebuild.
fn run_reading_index(cli: &Cli) -> Result<i32, CliError> {
    let why = match crate::index::catch(|| run(cli)) {
        Ok(Err(CliError::Lessons(Error::Index(e)))) if e.is_damage() => e.to_string(),
        Ok(result) => return result,
        Err(panic) => panic,
    };
    eprintln!("note: rebuilding the search index: it could not be read ({why})");
    open_index(cli, true)?;
    match crate::index::catch(|| run(cli)) {
        Ok(result) => result,
        Err(panic) => Err(Error::Index(crate::index::IndexError::Panicked(panic)).into()),
    }
}

/// Runs the command line's command.
fn run(cli: &Cli) -> Result<i32, CliError> {
    match &cli.command {
        Command::Check(args) => check::run(cli, args),
        Command::Index(args) => index::run(cli, args),
        Command::Search(args) => search::run(cli, args),
        Command::Show(args) => show::run(cli, args),
        Command::Similar(args) => similar::run(cli, args),
        Command::Report(args) => report::run(cli, args),
        Command::Actions(args) => actions::run(cli, args),
        Command::Causes(args) => causes::run(cli, args),
        Command::New(args) => new::run(cli, args),
        Command::Init(args) => init::run(cli, args),
        Command::Completions(args) => completions::completions(args),
        Command::Man(args) => completions::man(args),
    }
}

/// What a command can fail with.
#[derive(Debug)]
pub enum CliError {
    Lessons(Error),
    /// The reader of our output went away (`lessons check | head`): stop
    /// quietly, as other Unix tools do.
    BrokenPipe,
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        CliError::Lessons(e)
    }
}

impl From<crate::index::IndexError> for CliError {
    fn from(e: crate::index::IndexError) -> Self {
        CliError::Lessons(Error::Index(e))
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            CliError::BrokenPipe
        } else {
            CliError::Lessons(Error::Io {
                path: PathBuf::from("<stdout>"),
                source: e,
            })
        }
    }
}

/// Whether to colour output written to `stream`.
pub fn color_enabled(choice: ColorChoice, stream: &impl std::io::IsTerminal) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            stream.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

fn report_error(e: &Error, color: bool) {
    write_error(e, color, &mut std::io::stderr().lock());
}

/// Writes the message for a failed command (to stderr, or for the fuzz
/// targets to a buffer).
pub(crate) fn write_error(e: &Error, color: bool, err: &mut dyn Write) {
    match e {
        Error::Config(config) => {
            let problems = config.diagnostics.len();
            let _ =
                crate::emit::human::render_source(&config.diagnostics, &config.source, color, err);
            let _ = writeln!(
                err,
                "error: {} has {}; fix it before lessons can be checked",
                config.file(),
                if problems == 1 {
                    "1 problem".to_string()
                } else {
                    format!("{problems} problems")
                }
            );
        }
        Error::Query {
            query,
            position,
            message,
        } => {
            let column = query[..(*position).min(query.len())].chars().count();
            let _ = writeln!(err, "error: malformed query: {message}");
            let _ = writeln!(err, "  {query}");
            let _ = writeln!(err, "  {}^", " ".repeat(column));
            let _ = writeln!(
                err,
                "help: quote phrases with \"...\", combine words with AND / OR / NOT, and prefix fields like title: or system:"
            );
        }
        other => {
            // Errors name files and quote values: shown, never obeyed.
            let _ = writeln!(
                err,
                "error: {}",
                crate::emit::terminal_block(&other.to_string())
            );
        }
    }
}

fn current_dir() -> Result<PathBuf, Error> {
    std::env::current_dir().map_err(|source| Error::Io {
        path: PathBuf::from("."),
        source,
    })
}

/// Warns about configured lesson roots missing under the knowledge base
/// root, naming the root used: a command that answers "no lessons" because
/// it looked in the wrong place must say so. Also warns when git refused
/// the repository (another user owns it), naming the fix.
pub fn warn_missing_roots(kb: &crate::repo::KnowledgeBase) {
    // Said once, where it happens: later "unknown" history would not say why.
    if let Some(refused) = &kb.git_refused {
        eprintln!(
            "warning: {}; until then, lessons works without git history",
            refused.explain()
        );
    }
    for root in kb.missing_roots() {
        let mut hint = "set `roots` in lessons.toml or pass --repo".to_string();
        // `--repo lessons/`: the parent is the knowledge base.
        if let Some(parent) = kb.root.parent()
            && (parent.join(root).is_dir() || parent.join(crate::config::FILE_NAME).is_file())
        {
            hint = format!("did you mean --repo {}?", parent.display());
        }
        eprintln!(
            "warning: the lesson root `{root}` does not exist in {}; {hint}",
            kb.root.display()
        );
    }
}

/// Opens the knowledge base (warning about missing roots).
pub fn open_kb(cli: &Cli) -> Result<crate::repo::KnowledgeBase, Error> {
    let kb = crate::repo::KnowledgeBase::open(cli.repo.as_deref(), &current_dir()?)?;
    warn_missing_roots(&kb);
    Ok(kb)
}

/// Opens the knowledge base and its search index, brought up to date.
pub fn open_index(
    cli: &Cli,
    rebuild: bool,
) -> Result<(crate::repo::KnowledgeBase, crate::index::SearchIndex), Error> {
    let kb = open_kb(cli)?;
    let index = crate::index::open(
        &kb,
        &crate::index::Options { rebuild },
        &crate::emit::progress::IndexNotes::new(),
    )?;
    Ok((kb, index))
}

/// The knowledge base, its index and the report facts. Damaged facts
/// rebuild the index once, with a note: a checksum that does not match
/// when the index is opened, a file that cannot be mapped here.
pub fn open_facts(
    cli: &Cli,
) -> Result<
    (
        crate::repo::KnowledgeBase,
        crate::index::SearchIndex,
        crate::index::facts::FactsFile,
    ),
    Error,
> {
    let kb = open_kb(cli)?;
    // Nothing asked ahead: no result of it can come back.
    let (index, facts) = facts_ahead::<std::convert::Infallible>(&kb, None)?;
    match facts {
        Facts::File(file) => Ok((kb, index, file)),
        Facts::Done(never) => match never {},
    }
}

/// The report facts, or what was done with them ahead.
pub enum Facts<T> {
    /// `ahead`'s result, on the facts of the index found up to date.
    Done(T),
    /// The facts, to work on now.
    File(crate::index::facts::FactsFile),
}

/// The search index of `kb` and its report facts (see [`open_facts`]),
/// with `ahead` done on them while the index's freshness was checked (see
/// `index::open_ahead`).
pub fn facts_ahead<T: Send>(
    kb: &crate::repo::KnowledgeBase,
    ahead: Option<crate::index::Ahead<'_, T>>,
) -> Result<(crate::index::SearchIndex, Facts<T>), Error> {
    let notes = crate::emit::progress::IndexNotes::new();
    let (index, done) =
        crate::index::open_ahead(kb, &crate::index::Options { rebuild: false }, &notes, ahead)?;
    if let Some(done) = done {
        return Ok((index, Facts::Done(done)));
    }
    match index.facts() {
        Ok(file) => Ok((index, Facts::File(file))),
        Err(e @ crate::index::IndexError::FactsDamaged(_)) => {
            eprintln!("note: search index: {e}; rebuilding the search index");
            let index = crate::index::open(kb, &crate::index::Options { rebuild: true }, &notes)?;
            let file = index.facts()?;
            Ok((index, Facts::File(file)))
        }
        Err(e) => Err(e.into()),
    }
}

/// A lesson named on the command line, read from its file.
pub struct FoundLesson {
    pub lesson: crate::lesson::Lesson,
    pub text: String,
    /// Its document in the index, if it is indexed.
    pub doc: Option<tantivy::TantivyDocument>,
}

/// Finds a lesson by file path (which need not be committed) or by id.
pub fn resolve_lesson(
    kb: &crate::repo::KnowledgeBase,
    index: &crate::index::SearchIndex,
    id_or_path: &str,
) -> Result<FoundLesson, Error> {
    let cwd = current_dir()?;
    // A path relative to the current folder, or to the knowledge base root
    // (as search results print them).
    let as_path = [cwd.join(id_or_path), kb.root.join(id_or_path)]
        .into_iter()
        .find(|p| p.is_file())
        .unwrap_or_else(|| cwd.join(id_or_path));
    let (abs, rel, doc) = if as_path.is_file() {
        let canonical = as_path.canonicalize().unwrap_or(as_path.clone());
        let rel = kb
            .relative(&canonical)
            .unwrap_or_else(|| id_or_path.to_string());
        let doc = crate::search::find_by_path(index, &rel)?;
        (canonical, rel, doc)
    } else {
        let Some(doc) = crate::search::find_by_id(index, id_or_path)? else {
            let hint = match crate::search::vocab::closest_id(index, id_or_path) {
                Some(id) => format!("did you mean `{id}`?"),
                None => "`lessons search` finds lessons by their words".to_string(),
            };
            return Err(Error::NotFound(format!(
                "no lesson has the id `{id_or_path}` (and no file has that path); {hint}"
            )));
        };
        let rel = crate::search::doc_path(index, &doc);
        (kb.root.join(&rel), rel, Some(doc))
    };
    let bytes = crate::repo::read_file(&abs, kb.config.max_file_size);
    // Masked: `show` and `similar` print what they read.
    let text = crate::sensitive::mask_secrets(&crate::parse::source_text(&bytes)).into_owned();
    let parsed = crate::parse::parse_text(&rel, &text);
    let lesson = parsed.lesson.ok_or_else(|| {
        Error::NotFound(format!(
            "{rel} cannot be read as a lesson; `lessons check {rel}` says why"
        ))
    })?;
    Ok(FoundLesson { lesson, text, doc })
}

/// The lesson's sharing level, or, when it is above `max` (`--max-tlp`),
/// the error that refuses to show it.
pub fn within_max_tlp(
    kb: &crate::repo::KnowledgeBase,
    found: &FoundLesson,
    max: Option<crate::tlp::Tlp>,
) -> Result<crate::tlp::Tlp, Error> {
    let level = found.lesson.tlp(kb.config.sharing.default_tlp);
    match max {
        Some(max) if level > max => Err(Error::AboveMaxTlp {
            lesson: crate::lesson::opt_text(&found.lesson.id)
                .unwrap_or_else(|| found.lesson.path.clone()),
            level,
            max,
        }),
        _ => Ok(level),
    }
}

/// A clap parser for a library enum with named values, so the library
/// need not know clap: `--by` lists and checks the names as `value_enum`
/// would.
pub(crate) fn choice<T: Copy + Send + Sync + 'static>(
    all: &'static [T],
    name: fn(T) -> &'static str,
) -> impl clap::builder::TypedValueParser<Value = T> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(all.iter().map(|v| name(*v))).try_map(move |s| {
        all.iter()
            .copied()
            .find(|v| name(*v) == s)
            .ok_or_else(|| format!("unknown value `{s}`"))
    })
}
