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
}

/// What happened to one file.
enum Outcome {
    Created,
    Kept,
}

/// Creates `path` with `text` unless something is already there.
fn create(path: &Path, text: &str) -> Result<Outcome, Error> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| Error::Io {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(mut file) => {
            file.write_all(text.as_bytes())
                .map_err(|source| Error::Io {
                    path: path.to_path_buf(),
                    source,
                })?;
            Ok(Outcome::Created)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(Outcome::Kept),
        Err(source) => Err(Error::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

pub fn run(cli: &Cli, args: &InitArgs) -> Result<i32, CliError> {
    let cwd = current_dir()?;
    let root = match &cli.repo {
        Some(path) => cwd.join(path),
        None => cwd.clone(),
    };
    if !root.is_dir() {
        return Err(Error::Usage(format!("{} is not a folder", root.display())).into());
    }
    let root = root.canonicalize().unwrap_or(root);
    let mut report: Vec<(PathBuf, Outcome)> = Vec::new();

    let config_path = root.join(FILE_NAME);
    report.push((
        config_path.clone(),
        create(&config_path, &scaffold::lessons_toml())?,
    ));
    // An existing lessons.toml decides where lessons live.
    let config = Config::load(&root)?;
    let lessons_dir = root.join(config.roots.first().map_or("lessons", String::as_str));
    let readme = lessons_dir.join("README.md");
    report.push((
        readme.clone(),
        create(&readme, &scaffold::lessons_readme(&config))?,
    ));

    let git_top = crate::repo::git_workdir(&root);
    if !args.no_workflow {
        let top = git_top.clone().unwrap_or_else(|| root.clone());
        let kb_dir = root
            .strip_prefix(&top)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        let workflow = top.join(".github/workflows/lessons.yml");
        report.push((
            workflow.clone(),
            create(&workflow, &scaffold::workflow(&kb_dir))?,
        ));
    }

    let mut out = std::io::stdout().lock();
    for (path, outcome) in &report {
        let shown = path.strip_prefix(&root).unwrap_or(path);
        match outcome {
            Outcome::Created => writeln!(out, "created {}", shown.display())?,
            Outcome::Kept => writeln!(out, "kept    {} (it exists; not changed)", shown.display())?,
        }
    }
    if git_top.is_none() {
        writeln!(
            out,
            "note: {} is not in a git repository; run `git init` so that history, --changed and the workflow work",
            root.display()
        )?;
    }
    writeln!(
        out,
        "next: lessons new \"What happened, in one line\"   (then `lessons check`)"
    )?;
    out.flush()?;
    Ok(EXIT_OK)
}
