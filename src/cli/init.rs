//! `lessons init`: set up a knowledge base in the current folder (or
//! `--repo`): a commented `lessons.toml`, the lesson folder with a README,
//! and the pull-request workflow at the top of the git repository. Never
//! overwrites a file; says what it kept.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use super::{Cli, CliError, EXIT_OK, current_dir};
use crate::Error;
use crate::config::{Config, FILE_NAME};
use crate::scaffold;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Do not write the GitHub Actions workflow.
    #[arg(long)]
    pub no_workflow: bool,

    /// The GitHub Action the workflow installs lessons with, as
    /// OWNER/REPO or OWNER/REPO@REF (default: the published action, or the
    /// GitHub repository this lessons was installed from with `cargo
    /// install --git`, at this version's tag).
    #[arg(long, value_name = "OWNER/REPO[@REF]")]
    pub action: Option<String>,

    /// Earlier spelling of --action: the repository URL (its OWNER/REPO
    /// is the action).
    #[arg(long, value_name = "URL", hide = true, conflicts_with = "action")]
    pub install_from: Option<String>,

    /// With --install-from: the ref of the action (default: this
    /// version's tag).
    #[arg(long, value_name = "REV", hide = true, requires = "install_from")]
    pub install_rev: Option<String>,
}

/// What happened to one file.
enum Outcome {
    Created,
    Kept,
}

/// Creates `path` (and its folder) with `text` unless it exists.
fn create(path: &Path, text: &str) -> Result<Outcome, Error> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| Error::Io {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    Ok(if scaffold::create_new(path, text)? {
        Outcome::Created
    } else {
        Outcome::Kept
    })
}

/// Said first when the root is not where the user stands (`init` in a
/// subfolder sets up above it), and any other knowledge base of the
/// repository.
fn say_where(
    out: &mut impl Write,
    cwd: &Path,
    root: &Path,
    had_config: bool,
    git_top: Option<&Path>,
    others: &[PathBuf],
) -> std::io::Result<()> {
    let here = cwd.canonicalize().unwrap_or(cwd.to_path_buf());
    if here != root {
        let why = if had_config {
            "the knowledge base this folder is in"
        } else if git_top == Some(root) {
            "the top of the git repository"
        } else {
            "the folder found"
        };
        writeln!(
            out,
            "setting up the knowledge base at {} ({why}); for one in this folder instead, run `lessons --repo . init`",
            root.display()
        )?;
    }
    for other in others {
        writeln!(
            out,
            "warning: this repository already has a knowledge base at {}; two knowledge bases do not see each other's ids",
            other.display()
        )?;
    }
    Ok(())
}

/// The repository's knowledge bases other than `root`, when `root` is a
/// new one.
fn other_knowledge_bases(
    git: Option<&crate::repo::Git>,
    root: &Path,
    had_config: bool,
) -> Vec<PathBuf> {
    match git {
        Some(git) if !had_config => git
            .knowledge_bases()
            .into_iter()
            .filter(|k| k != root)
            .collect(),
        _ => Vec::new(),
    }
}

/// Why git features will not work, and the fix: git refused the
/// repository, or there is none.
fn say_without_git(
    out: &mut impl Write,
    refused: Option<&crate::repo::Refused>,
    in_git: bool,
    root: &Path,
) -> std::io::Result<()> {
    if let Some(refused) = refused {
        writeln!(out, "warning: {}", refused.explain())?;
    } else if !in_git {
        writeln!(
            out,
            "note: {} is not in a git repository; run `git init` so that history, --changed and the workflow work",
            root.display()
        )?;
    }
    Ok(())
}

pub fn run(cli: &Cli, args: &InitArgs) -> Result<i32, CliError> {
    let cwd = current_dir()?;
    // Without --repo: the knowledge base this folder is in (the nearest
    // lessons.toml above), else the top of the git repository. A
    // knowledge base in a subfolder is an explicit --repo.
    let located = crate::repo::KnowledgeBase::locate(cli.repo.as_deref(), &cwd)?;
    // git was opened if finding the root needed it; else open it once here.
    let (root, git, refused) = located.open_git();
    let mut report: Vec<(PathBuf, Outcome)> = Vec::new();
    let mut notes: Vec<String> = Vec::new();

    let config_path = root.join(FILE_NAME);
    let had_config = config_path.is_file();
    report.push((
        config_path.clone(),
        create(&config_path, &scaffold::lessons_toml())?,
    ));
    // An existing lessons.toml decides where lessons live.
    let config = match Config::load(&root) {
        Ok(config) => config,
        Err(Error::Config(e)) => {
            notes.push(format!(
                "warning: the existing lessons.toml has {} (`lessons check` shows them); the README follows the defaults",
                if e.diagnostics.len() == 1 {
                    "1 problem".to_string()
                } else {
                    format!("{} problems", e.diagnostics.len())
                }
            ));
            Config::default()
        }
        Err(e) => return Err(e.into()),
    };
    let lessons_dir = root.join(config.roots.first().map_or("lessons", String::as_str));
    let readme = lessons_dir.join("README.md");
    report.push((
        readme.clone(),
        create(&readme, &scaffold::lessons_readme(&config))?,
    ));

    let others = other_knowledge_bases(git.as_ref(), &root, had_config);
    let git_top = git
        .map(|g| g.workdir)
        .or_else(|| refused.as_ref().map(|r| r.workdir.clone()));
    if !args.no_workflow {
        let top = git_top.clone().unwrap_or_else(|| root.clone());
        let kb_dir = root
            .strip_prefix(&top)
            .map(|p| {
                // Workflows run on Linux: `/` between folders.
                p.components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .unwrap_or_default();
        let action = action_of(args)?;
        let workflow = top.join(".github/workflows/lessons.yml");
        let outcome = create(&workflow, &scaffold::workflow(&kb_dir, &action))?;
        if let Outcome::Created = outcome {
            // A build whose Cargo.toml still names no real repository
            // cannot say where its action lives: say so loudly, the
            // workflow would fail at its first run.
            if action.repo.starts_with("YOUR-ORG/") {
                notes.push(format!(
                    "warning: this build of lessons does not know where it is published: edit `uses: {}@{}` in the workflow to name the repository of the lessons action (or delete the workflow and run `lessons init --action OWNER/REPO[@REF]`)",
                    action.repo, action.tag
                ));
            } else {
                notes.push(format!(
                    "note: the workflow installs lessons with the GitHub Action {}@{} (`lessons init --action OWNER/REPO` names another copy)",
                    action.repo, action.tag
                ));
            }
        }
        report.push((workflow.clone(), outcome));
    }

    let mut out = std::io::stdout().lock();
    if cli.repo.is_none() {
        say_where(
            &mut out,
            &cwd,
            &root,
            had_config,
            git_top.as_deref(),
            &others,
        )?;
    }
    for (path, outcome) in &report {
        let shown = path.strip_prefix(&cwd).unwrap_or(path);
        match outcome {
            Outcome::Created => writeln!(out, "created {}", shown.display())?,
            Outcome::Kept => writeln!(out, "kept    {} (it exists; not changed)", shown.display())?,
        }
    }
    for note in &notes {
        writeln!(out, "{note}")?;
    }
    say_without_git(&mut out, refused.as_ref(), git_top.is_some(), &root)?;
    writeln!(
        out,
        "next: lessons new \"What happened, in one line\"   (then `lessons check`)"
    )?;
    out.flush()?;
    Ok(EXIT_OK)
}

/// The action the workflow uses: `--action`, else the repository of
/// `--install-from` or of `cargo install --git`, else the published one;
/// at this version's tag unless a ref is given.
fn action_of(args: &InitArgs) -> Result<scaffold::ActionRef, Error> {
    if let Some(action) = &args.action {
        return scaffold::ActionRef::parse(action).map_err(Error::Usage);
    }
    if let Some(url) = &args.install_from {
        let repo = scaffold::repo_of_url(url).ok_or_else(|| {
            Error::Usage(format!(
                "--install-from {url}: no OWNER/REPO in this URL; use --action OWNER/REPO"
            ))
        })?;
        let tag = args
            .install_rev
            .clone()
            .unwrap_or_else(scaffold::ActionRef::this_version);
        return scaffold::ActionRef::parse(&format!("{repo}@{tag}")).map_err(Error::Usage);
    }
    Ok(scaffold::installed_from()
        .and_then(|source| scaffold::repo_of_url(&source.git))
        .map_or_else(scaffold::ActionRef::published, |repo| scaffold::ActionRef {
            repo,
            tag: scaffold::ActionRef::this_version(),
        }))
}
