//! `lessons new TITLE`: start a lesson. The next free id of the year, a
//! file named after the title under `<root>/YYYY/`, status `draft`, and the
//! sections with prompts; it passes `check` as written. Prints the path.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use super::{CliError, EXIT_FINDINGS, EXIT_OK, current_dir};
use crate::Error;
use crate::scaffold::{self, NewLesson};

#[derive(Debug, Args)]
pub struct NewArgs {
    /// What happened, in one line (the lesson's title and file name).
    pub title: String,

    /// The kind of incident (default: the first of `kinds` in lessons.toml).
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,

    /// How severe it was (default: the middle of `severities`).
    #[arg(long, value_name = "SEVERITY")]
    pub severity: Option<String>,

    /// A system in scope (repeatable). Without one, a placeholder is written.
    #[arg(long = "system", value_name = "SYSTEM")]
    pub systems: Vec<String>,

    /// A team involved (repeatable).
    #[arg(long = "team", value_name = "TEAM")]
    pub teams: Vec<String>,

    /// When the incident began (YYYY-MM-DD; default today).
    #[arg(long, value_name = "DATE", value_parser = crate::time::parse_date)]
    pub occurred: Option<jiff::civil::Date>,

    /// Use this id instead of the next free one.
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,

    /// Open the new lesson in $VISUAL or $EDITOR, then check it.
    #[arg(long)]
    pub edit: bool,
}

/// A value of a vocabulary, or a usage error naming the allowed ones.
fn pick(
    what: &str,
    value: Option<&str>,
    allowed: &[String],
    default: &str,
) -> Result<String, Error> {
    let Some(value) = value else {
        return Ok(default.to_string());
    };
    if allowed.iter().any(|a| a == value) {
        return Ok(value.to_string());
    }
    let hint = crate::diagnostic::suggest(value, allowed.iter().map(String::as_str))
        .map(|s| format!("did you mean `{s}`? "))
        .unwrap_or_default();
    Err(Error::Usage(format!(
        "`{value}` is not one of the {what} in lessons.toml; {hint}allowed: {}",
        allowed.join(", ")
    )))
}

pub fn run(cli: &super::Cli, args: &NewArgs) -> Result<i32, CliError> {
    let cwd = current_dir()?;
    let kb = crate::repo::KnowledgeBase::open(cli.repo.as_deref(), &cwd)?;
    let title = args.title.trim();
    if title.is_empty() || title.contains(['\n', '\r']) || title.chars().count() > 200 {
        return Err(
            Error::Usage("the title must be one line of 1 to 200 characters".into()).into(),
        );
    }
    for (what, values) in [("--system", &args.systems), ("--team", &args.teams)] {
        if values.iter().any(|v| v.trim().is_empty()) {
            return Err(Error::Usage(format!("{what} needs a name, not an empty value")).into());
        }
    }
    // Known before anything is written.
    let editor = if args.edit { Some(editor()?) } else { None };
    let v = &kb.config.vocabulary;
    let kind = pick(
        "kinds",
        args.kind.as_deref(),
        &v.kinds,
        v.kinds.first().map_or("outage", String::as_str),
    )?;
    let severity = pick(
        "severities",
        args.severity.as_deref(),
        &v.severities,
        v.severities
            .get(v.severities.len() / 2)
            .map_or("medium", String::as_str),
    )?;
    let today = crate::time::today()?;
    let used = scaffold::used_ids(&kb);
    let id = match &args.id {
        Some(id) => {
            if !kb.config.id_pattern.is_match(id) {
                return Err(Error::Usage(format!(
                    "`{id}` does not match id_pattern `{}`",
                    kb.config.id_pattern.as_str()
                ))
                .into());
            }
            if used.iter().any(|u| u.eq_ignore_ascii_case(id)) {
                return Err(Error::Usage(format!("the id `{id}` is already used")).into());
            }
            id.clone()
        }
        None => {
            scaffold::next_id(&kb.config, &used, today.year()).map_err(|e| Error::Usage(e.0))?
        }
    };
    let new = NewLesson {
        id,
        title: title.to_string(),
        kind,
        severity,
        occurred: args.occurred.unwrap_or(today),
        systems: args.systems.clone(),
        teams: args.teams.clone(),
    };
    if cli.repo.is_none() {
        refuse_a_second_knowledge_base(&kb, &cwd)?;
    }
    let root = kb.config.roots.first().map_or("lessons", String::as_str);
    let folder = kb.root.join(root).join(format!("{:04}", today.year()));
    std::fs::create_dir_all(&folder).map_err(|source| Error::Io {
        path: folder.clone(),
        source,
    })?;
    let slug = match scaffold::slug(title) {
        s if s.is_empty() => new.id.to_lowercase(),
        s => s,
    };
    let text = scaffold::lesson_text(&kb.config, &new);
    let path = write_new(&folder, &slug, &text)?;
    let shown = shown_path(&path, &cwd);
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", shown.display())?;
    out.flush()?;
    let mut todo = vec!["the sections"];
    if new.systems.is_empty() {
        todo.push("`systems` (a placeholder now)");
    }
    todo.push("causes and actions before it is final");
    // The root is named when it is not where the user stands: a lesson
    // must not land in a knowledge base they did not mean.
    let here = cwd.canonicalize().unwrap_or(cwd.clone());
    let place = if here == kb.root {
        String::new()
    } else {
        format!(" in the knowledge base at {}", kb.root.display())
    };
    eprintln!(
        "created {} as a draft{place} ({}); fill in {}",
        new.id,
        kb.relative(&path).unwrap_or_default(),
        todo.join(", ")
    );
    if let Some(editor) = editor {
        edit(&editor, &path)?;
        return recheck(&kb, &path);
    }
    Ok(EXIT_OK)
}

/// Without `--repo`, a lesson is written only into a knowledge base that
/// exists (a `lessons.toml`, or its lesson folder on the defaults) or into
/// a repository that has none yet. Run from another folder of a repository
/// whose knowledge base is in a subfolder, the root found is the top of
/// the repository: writing there would start a second knowledge base,
/// with ids that collide with the first.
fn refuse_a_second_knowledge_base(
    kb: &crate::repo::KnowledgeBase,
    cwd: &Path,
) -> Result<(), Error> {
    let known = kb.root.join(crate::config::FILE_NAME).is_file()
        || kb.config.roots.iter().any(|r| kb.root.join(r).is_dir());
    if known {
        return Ok(());
    }
    let Some(git) = kb.git.as_deref() else {
        return Ok(());
    };
    let others: Vec<PathBuf> = git
        .knowledge_bases()
        .into_iter()
        .filter(|k| *k != kb.root)
        .collect();
    let Some(first) = others.first() else {
        return Ok(());
    };
    let shown = |p: &Path| {
        pathdiff(p, cwd)
            .map(|r| r.display().to_string())
            .unwrap_or_else(|| p.display().to_string())
    };
    let list = others
        .iter()
        .map(|k| shown(k))
        .collect::<Vec<_>>()
        .join(", ");
    Err(Error::Usage(format!(
        "{} is in no knowledge base: there is no lessons.toml here or above it, and writing at the top of the repository ({}) would start a second one; this repository's knowledge base is at {list}. Run `lessons new` there, or pass `--repo {}` (or `--repo {}` to start one at the top after all); nothing was written",
        cwd.display(),
        kb.root.display(),
        shown(first),
        shown(&kb.root),
    )))
}

/// `path` relative to `base` when it is below it (`docs/incidents`), or
/// `..`-relative when both are in the same tree; `None` otherwise.
fn pathdiff(path: &Path, base: &Path) -> Option<PathBuf> {
    let base = base.canonicalize().ok()?;
    if let Ok(rel) = path.strip_prefix(&base) {
        return Some(if rel.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            rel.to_path_buf()
        });
    }
    let mut up = PathBuf::new();
    for ancestor in base.ancestors().skip(1) {
        up.push("..");
        if let Ok(rel) = path.strip_prefix(ancestor) {
            return Some(if rel.as_os_str().is_empty() {
                up
            } else {
                up.join(rel)
            });
        }
    }
    None
}

/// Writes `<slug>.md`, or `<slug>-2.md`... when taken: never overwrites.
fn write_new(folder: &Path, slug: &str, text: &str) -> Result<PathBuf, Error> {
    for n in 1..1000 {
        let name = if n == 1 {
            format!("{slug}.md")
        } else {
            format!("{slug}-{n}.md")
        };
        let path = folder.join(name);
        if scaffold::create_new(&path, text)? {
            return Ok(path);
        }
    }
    Err(Error::Usage(format!(
        "{}: {slug}.md and 998 numbered variants exist; choose another title",
        folder.display()
    )))
}

/// The path as the user can type it from here: relative when below the
/// current folder.
fn shown_path(path: &Path, cwd: &Path) -> PathBuf {
    let canonical_cwd = cwd.canonicalize().unwrap_or(cwd.to_path_buf());
    path.strip_prefix(&canonical_cwd)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// `$VISUAL`, else `$EDITOR`.
fn editor() -> Result<String, Error> {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|e| !e.trim().is_empty())
        .ok_or_else(|| {
            Error::Usage(
                "--edit needs $VISUAL or $EDITOR (for example EDITOR=vi); nothing was written"
                    .into(),
            )
        })
}

/// Runs the editor (through the shell, so `code --wait` works) on the
/// file and waits for it.
fn edit(editor: &str, path: &Path) -> Result<(), Error> {
    let status = if cfg!(unix) {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("{editor} \"$1\""))
            .arg("sh")
            .arg(path)
            .status()
    } else {
        std::process::Command::new(editor).arg(path).status()
    };
    match status {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(Error::Usage(format!(
            "the editor `{editor}` exited with {s}; the lesson is kept at {}",
            path.display()
        ))),
        Err(e) => Err(Error::Usage(format!(
            "cannot run the editor `{editor}` ({e}); the lesson is kept at {}",
            path.display()
        ))),
    }
}

/// Checks the edited lesson and prints what is left to fix.
fn recheck(kb: &crate::repo::KnowledgeBase, path: &Path) -> Result<i32, CliError> {
    let Some(rel) = kb.relative(&path.canonicalize().unwrap_or(path.to_path_buf())) else {
        return Ok(EXIT_OK);
    };
    let selection = crate::check::Selection::Only([rel].into_iter().collect());
    let report = crate::check::check(
        kb,
        &selection,
        crate::check::Options {
            strict: false,
            keep_source: true,
        },
    );
    let color = super::color_enabled(super::ColorChoice::Auto, &std::io::stderr());
    let mut err = std::io::stderr().lock();
    crate::emit::human::render(&report, color, &mut err)?;
    Ok(if report.errors > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}
