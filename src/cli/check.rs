//! `lessons check`: validate lessons and print the findings.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::{Cli, CliError, EXIT_FINDINGS, EXIT_OK};
use crate::Error;
use crate::allowlist::{self, Accepted, Allowlist};
use crate::check::{CheckReport, FileReport, Selection, check, check_history};
use crate::emit;
use crate::repo::{self, KnowledgeBase};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Lesson files or folders to check (default: every lesson). Files that
    /// are not lessons (outside the roots, README.md, `_*`) are skipped.
    pub paths: Vec<PathBuf>,

    /// Check only lessons added or modified since the merge base of BASE and
    /// HEAD, plus uncommitted changes (e.g. `--changed origin/main`).
    #[arg(long, value_name = "BASE")]
    pub changed: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Treat warnings as errors.
    #[arg(long)]
    pub strict: bool,

    /// Accept every `secret` finding of the selected lessons, after you
    /// have reviewed them: write their fingerprints (never the matches) to
    /// `.lessons-allow`, dropping entries of those lessons that accept
    /// nothing any more. Review and commit the file.
    #[arg(long, conflicts_with = "history")]
    pub write_allowlist: bool,

    /// Search every version of every lesson file reachable from REV
    /// (default HEAD: all of its history) for secrets, and report the
    /// commit, path and line of each. A value that names no commit but an
    /// existing file is read as a PATH.
    #[arg(
        long,
        value_name = "REV",
        num_args = 0..=1,
        default_missing_value = "HEAD",
        require_equals = false,
        conflicts_with = "changed"
    )]
    pub history: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
    Sarif,
}

impl From<Format> for emit::Format {
    fn from(f: Format) -> Self {
        match f {
            Format::Human => emit::Format::Human,
            Format::Json => emit::Format::Json,
            Format::Github => emit::Format::Github,
            Format::Sarif => emit::Format::Sarif,
        }
    }
}

pub fn run(cli: &Cli, args: &CheckArgs) -> Result<i32, CliError> {
    let cwd = std::env::current_dir().map_err(|source| Error::Io {
        path: PathBuf::from("."),
        source,
    })?;
    let located = KnowledgeBase::locate(cli.repo.as_deref(), &cwd)?;
    let config = match crate::config::Config::load(&located.root) {
        Ok(config) => config,
        Err(Error::Config(e)) if args.format != Format::Human => {
            // Machine readers get the lessons.toml findings in their format.
            let report = CheckReport {
                files_checked: 0,
                errors: e.diagnostics.len(),
                warnings: 0,
                files: vec![FileReport {
                    path: crate::config::FILE_NAME.into(),
                    diagnostics: e.diagnostics,
                    source: Some(e.source),
                    commit: None,
                }],
                ..CheckReport::default()
            };
            let kb = KnowledgeBase::new(located, crate::config::Config::default());
            emit_report(cli, args, &report, &kb.path_in_repository())?;
            return Ok(super::EXIT_ERROR);
        }
        Err(e) => return Err(e.into()),
    };
    let kb = KnowledgeBase::new(located, config);
    super::warn_missing_roots(&kb);
    // `--history PATH`: like git, a value that names no commit but an
    // existing file is a path, and the history is HEAD's.
    let mut paths = args.paths.clone();
    let history = args.history.as_deref().map(|rev| {
        if !repo::versions::resolves(&kb, rev) && cwd.join(rev).exists() {
            paths.insert(0, PathBuf::from(rev));
            "HEAD"
        } else {
            rev
        }
    });
    let mut selection = match &args.changed {
        Some(base) => Some(
            repo::changed_lessons(&kb, base)?
                .into_iter()
                .collect::<BTreeSet<_>>(),
        ),
        None => None,
    };
    if !paths.is_empty() {
        let explicit = explicit_paths(&kb, &cwd, &paths)?;
        selection = Some(match selection {
            // Both given: the changed lessons among the PATHs.
            Some(changed) => changed.intersection(&explicit).cloned().collect(),
            None => explicit,
        });
    }
    let selection = selection.map_or(Selection::All, Selection::Only);
    let allowlist = match Allowlist::load(&kb.root) {
        Ok(list) => list,
        Err(Error::Config(e)) if args.format != Format::Human => {
            let report = CheckReport {
                errors: e.diagnostics.len(),
                files: vec![FileReport {
                    path: allowlist::FILE_NAME.into(),
                    diagnostics: e.diagnostics,
                    source: Some(e.source),
                    commit: None,
                }],
                ..CheckReport::default()
            };
            emit_report(cli, args, &report, &kb.path_in_repository())?;
            return Ok(super::EXIT_ERROR);
        }
        Err(e) => return Err(e.into()),
    };
    // `review-overdue` reads today per unfinished lesson: refuse a
    // malformed LESSONS_TODAY once, here, rather than skip the rule.
    crate::time::today()?;
    let options = crate::check::Options {
        strict: args.strict,
        keep_source: args.format == Format::Human,
    };
    if let Some(rev) = history {
        let mut report = check_history(&kb, rev, &selection, options)?;
        // Accepted findings stay accepted in history; no entry is judged
        // stale against old versions.
        report.apply_allowlist(&allowlist, &Selection::Only(BTreeSet::new()), args.strict);
        emit_report(cli, args, &report, &kb.path_in_repository())?;
        return Ok(if report.errors > 0 {
            EXIT_FINDINGS
        } else {
            EXIT_OK
        });
    }
    let mut report = check(&kb, &selection, options);
    let allowlist = if args.write_allowlist {
        write_allowlist(&kb, &report, &allowlist, &selection)?
    } else {
        allowlist
    };
    report.apply_allowlist(&allowlist, &selection, args.strict);
    emit_report(cli, args, &report, &kb.path_in_repository())?;
    Ok(if report.errors > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

/// Prints the report in the chosen format (and the GitHub job summary).
fn emit_report(
    cli: &Cli,
    args: &CheckArgs,
    report: &CheckReport,
    // Where the knowledge base sits in its git work tree.
    prefix: &str,
) -> Result<(), CliError> {
    let mut timings = crate::timing::Timings::new();
    let cx = emit::Context {
        prefix: prefix.to_string(),
        ..super::emit_context(cli)
    };
    super::emit(report, args.format, &cx)?;
    timings.step("check: write the output");
    if args.format == Format::Github
        && let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty())
    {
        // The summary is a courtesy: failing to write it must not change
        // the verdict on the lessons.
        let path = PathBuf::from(path);
        if let Err(e) = append(&path, &emit::github::step_summary(report, prefix)) {
            eprintln!(
                "warning: cannot write the job summary to {} ($GITHUB_STEP_SUMMARY): {e}",
                path.display()
            );
        }
    }
    Ok(())
}

/// Writes `.lessons-allow` accepting every finding of `report` that can be
/// accepted, keeping the entries of lessons outside `selection`; says what
/// changed on stderr and returns the new list.
fn write_allowlist(
    kb: &KnowledgeBase,
    report: &CheckReport,
    old: &Allowlist,
    selection: &Selection,
) -> Result<Allowlist, CliError> {
    let mut accepted: Vec<Accepted> = old
        .entries
        .iter()
        .filter(|e| !selection.contains(&e.path))
        .map(|e| Accepted {
            path: e.path.clone(),
            rule: e.rule,
            fingerprint: e.fingerprint.clone(),
            note: note_above(old, e),
        })
        .collect();
    let kept = accepted.len();
    for file in &report.files {
        for d in &file.diagnostics {
            if let Some(fingerprint) = &d.fingerprint
                && allowlist::RULES.contains(&d.rule)
            {
                accepted.push(Accepted {
                    path: file.path.clone(),
                    rule: d.rule,
                    fingerprint: fingerprint.clone(),
                    note: format!("{}:{}: {}", file.path, d.start.line, d.message),
                });
            }
        }
    }
    let text = allowlist::render(&accepted);
    let new = Allowlist::parse(&text).map_err(Error::Config)?;
    let path = kb.root.join(allowlist::FILE_NAME);
    write_atomically(&path, text.as_bytes()).map_err(|source| Error::Io {
        path: path.clone(),
        source,
    })?;
    let known = |e: &allowlist::Entry| old.find(e.rule, &e.path, &e.fingerprint).is_some();
    let added = new.entries.iter().filter(|e| !known(e)).count();
    let dropped = old
        .entries
        .iter()
        .filter(|e| new.find(e.rule, &e.path, &e.fingerprint).is_none())
        .count();
    eprintln!(
        "wrote {}: {} accepted finding{} ({added} new, {dropped} removed, {kept} of other lessons kept); review it and commit it",
        allowlist::FILE_NAME,
        new.entries.len(),
        if new.entries.len() == 1 { "" } else { "s" },
    );
    Ok(new)
}

/// The reviewer's note written above `entry` in `list`, kept on rewrite.
fn note_above(list: &Allowlist, entry: &allowlist::Entry) -> String {
    let before = &list.source[..entry.span.start];
    before
        .trim_end()
        .rsplit('\n')
        .next()
        .and_then(|l| l.trim().strip_prefix('#'))
        .map_or_else(|| entry.path.clone(), |n| n.trim().to_string())
}

/// Writes through a temporary file renamed over `path`, so an interrupted
/// run leaves the old file whole.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

fn append(path: &Path, text: &str) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    f.write_all(text.as_bytes())
}

/// The lessons named by PATH arguments, relative to the knowledge base.
fn explicit_paths(
    kb: &KnowledgeBase,
    cwd: &std::path::Path,
    paths: &[PathBuf],
) -> Result<BTreeSet<String>, Error> {
    let mut out = BTreeSet::new();
    let mut all: Option<Vec<String>> = None;
    for path in paths {
        let abs = cwd.join(path);
        let meta = std::fs::symlink_metadata(&abs)
            .map_err(|_| Error::Usage(format!("{}: no such file or directory", path.display())))?;
        // Resolve the folder, not a symlinked lesson itself: a link is
        // checked (and reported) as the link it is.
        let resolved = match (abs.parent(), abs.file_name()) {
            (Some(parent), Some(name)) if !meta.is_dir() => parent
                .canonicalize()
                .map(|p| p.join(name))
                .unwrap_or(abs.clone()),
            _ => abs.canonicalize().unwrap_or(abs.clone()),
        };
        let Some(rel) = kb.relative(&resolved) else {
            eprintln!(
                "note: skipping {}: outside the knowledge base {}",
                path.display(),
                kb.root.display()
            );
            continue;
        };
        if meta.is_dir() {
            let all = all.get_or_insert_with(|| {
                repo::list_lessons(kb).into_iter().map(|f| f.path).collect()
            });
            let prefix = if rel.is_empty() {
                String::new()
            } else {
                format!("{rel}/")
            };
            out.extend(all.iter().filter(|p| p.starts_with(&prefix)).cloned());
        } else if kb.is_lesson_path(&rel) {
            out.insert(rel);
        } else {
            eprintln!(
                "note: skipping {}: not a lesson (lessons are *.md files under {}, other than README.md and _*.md)",
                path.display(),
                kb.config.roots.join(", ")
            );
        }
    }
    Ok(out)
}
