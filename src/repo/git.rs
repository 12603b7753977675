//! The git repository around a knowledge base, opened once per command:
//! HEAD, the shallow boundary, changes since a base, committed lessons.
//! History (who added each lesson) is in [`super::history`].

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use super::KnowledgeBase;
use crate::Error;

/// One opened repository. `git2::Repository` is not `Sync`; the lock lets
/// the knowledge base that holds it be shared across threads.
pub struct Git {
    repo: Mutex<git2::Repository>,
    /// The git folder (`.git`, or a linked worktree's folder).
    pub git_dir: PathBuf,
    /// The top of the work tree, canonical.
    pub workdir: PathBuf,
}

impl std::fmt::Debug for Git {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Git")
            .field("git_dir", &self.git_dir)
            .field("workdir", &self.workdir)
            .finish()
    }
}

/// git refused to open the repository around the knowledge base: another
/// user owns it (git's `safe.directory` check; common in CI containers,
/// where the checkout belongs to the runner's user).
#[derive(Debug, Clone)]
pub struct Refused {
    /// The top of the work tree, as far as it could be found.
    pub workdir: PathBuf,
}

impl Refused {
    /// What happened and the command that fixes it.
    pub fn explain(&self) -> String {
        format!(
            "git refuses to open the repository at {}: it is owned by another user (git's safe.directory check). If you trust it, run `git config --global --add safe.directory {}`",
            self.workdir.display(),
            self.workdir.display()
        )
    }
}

/// What looking for the repository around a folder found.
pub enum Discovered {
    Found(Git),
    Refused(Refused),
    /// Not in a git work tree (or only in a bare repository).
    None,
}

impl Git {
    /// The repository whose work tree holds `path`, if any (a bare
    /// repository has no lessons to read).
    pub fn discover(path: &Path) -> Option<Git> {
        match Git::look(path) {
            Discovered::Found(git) => Some(git),
            Discovered::Refused(_) | Discovered::None => None,
        }
    }

    /// Like [`discover`](Self::discover), telling "not in a repository"
    /// from "git refuses to open it".
    pub fn look(path: &Path) -> Discovered {
        let repo = match git2::Repository::discover(path) {
            Ok(repo) => repo,
            Err(e) if e.code() == git2::ErrorCode::Owner => {
                return Discovered::Refused(Refused {
                    workdir: owned_work_tree(path, &e),
                });
            }
            Err(_) => return Discovered::None,
        };
        let Some(workdir) = repo.workdir().and_then(|w| w.canonicalize().ok()) else {
            return Discovered::None;
        };
        Discovered::Found(Git {
            git_dir: repo.path().to_path_buf(),
            workdir,
            repo: Mutex::new(repo),
        })
    }

    pub(super) fn repo(&self) -> MutexGuard<'_, git2::Repository> {
        // A panic while holding the lock leaves the repository usable.
        self.repo.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The shallow boundary of a shallow clone (`None` for a full one). It
    /// lives in the common git folder, which a linked worktree shares
    /// (libgit2's `is_shallow` looks in the worktree's own folder and
    /// misses it).
    pub fn shallow_boundary(&self) -> Option<Vec<u8>> {
        std::fs::read(self.repo().commondir().join("shallow"))
            .ok()
            .filter(|b| !b.is_empty())
    }

    /// The commit HEAD points at, if there is one, and in a shallow clone a
    /// hash of its boundary (`.git/shallow`), which changes when history is
    /// fetched further back.
    pub fn head(&self) -> (Option<String>, Option<String>) {
        let head = {
            let repo = self.repo();
            let commit = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
            commit.map(|c| c.id().to_string())
        };
        let boundary = self
            .shallow_boundary()
            .map(|bytes| format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&bytes)));
        (head, boundary)
    }

    /// Whether commit `head` descends from `since` (or is it).
    pub fn descends(&self, head: &str, since: &str) -> bool {
        let (Ok(head), Ok(since)) = (git2::Oid::from_str(head), git2::Oid::from_str(since)) else {
            return false;
        };
        head == since
            || self
                .repo()
                .graph_descendant_of(head, since)
                .unwrap_or(false)
    }

    /// Whether `rel` (relative to the work tree) is in the HEAD commit.
    pub fn committed(&self, rel: &Path) -> bool {
        let repo = self.repo();
        repo.head()
            .and_then(|h| h.peel_to_tree())
            .is_ok_and(|tree| tree.get_path(rel).is_ok())
    }

    /// Where `root` sits in the work tree (`docs/incidents`), `/`-separated;
    /// empty at the top.
    pub fn path_in_work_tree(&self, root: &Path) -> String {
        root.strip_prefix(&self.workdir)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default()
    }

    /// The folders of the work tree (canonical) holding a `lessons.toml`
    /// that git tracks: the knowledge bases of this repository.
    pub fn knowledge_bases(&self) -> Vec<PathBuf> {
        let repo = self.repo();
        let Ok(index) = repo.index() else {
            return Vec::new();
        };
        let name = crate::config::FILE_NAME.as_bytes();
        let mut out: Vec<PathBuf> = index
            .iter()
            .filter(|e| {
                e.path == name
                    || (e.path.ends_with(name) && e.path[e.path.len() - name.len() - 1] == b'/')
            })
            .filter_map(|e| {
                let rel = std::str::from_utf8(&e.path).ok()?;
                let file = self.workdir.join(rel);
                file.is_file()
                    .then(|| file.parent().map(Path::to_path_buf))?
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The first bytes (up to `limit`) of each lesson at HEAD or in the
    /// staging area whose path is not in `present`, by root-relative path:
    /// ids a new lesson must not reuse although their file is gone from
    /// the work tree.
    pub fn committed_lesson_heads(
        &self,
        kb: &KnowledgeBase,
        present: &std::collections::BTreeSet<String>,
        limit: usize,
    ) -> Vec<(String, Vec<u8>)> {
        let repo = self.repo();
        let mut out = Vec::new();
        let mut read = |rel_to_repo: &Path, id: git2::Oid| {
            let Some(rel) = kb.relative(&self.workdir.join(rel_to_repo)) else {
                return;
            };
            if kb.is_lesson_path(&rel)
                && !present.contains(&rel)
                && let Ok(blob) = repo.find_blob(id)
            {
                let head = &blob.content()[..blob.content().len().min(limit)];
                out.push((rel, head.to_vec()));
            }
        };
        if let Ok(tree) = repo.head().and_then(|h| h.peel_to_tree()) {
            let _ = tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
                if entry.kind() == Some(git2::ObjectType::Blob)
                    && let Ok(name) = entry.name()
                {
                    read(&Path::new(dir).join(name), entry.id());
                }
                git2::TreeWalkResult::Ok
            });
        }
        if let Ok(index) = repo.index() {
            for entry in index.iter() {
                if let Ok(path) = std::str::from_utf8(&entry.path) {
                    read(Path::new(path), entry.id);
                }
            }
        }
        out
    }
}

/// The work tree git refused to open: the nearest folder above `path`
/// holding `.git`, else the path libgit2's message names.
fn owned_work_tree(path: &Path, e: &git2::Error) -> PathBuf {
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    if let Some(top) = path.ancestors().find(|d| d.join(".git").exists()) {
        return top.to_path_buf();
    }
    // "repository path '/srv/repo/' is not owned by current user"
    e.message()
        .split('\'')
        .nth(1)
        .map_or(path, |p| PathBuf::from(p.trim_end_matches('/')))
}

/// Why git features are off: the repository was refused, or there is none.
pub(super) fn no_repository(kb: &KnowledgeBase, what: &str) -> Error {
    match &kb.git_refused {
        Some(refused) => Error::Git(format!("{what} cannot run: {}", refused.explain())),
        None => Error::Git(format!(
            "{what} needs a git repository with a work tree, and {} is not inside one",
            kb.root.display()
        )),
    }
}

/// Lesson files added or modified between the merge base of `base` and
/// HEAD, plus staged, unstaged and untracked changes in the work tree.
pub fn changed_lessons(kb: &KnowledgeBase, base: &str) -> Result<Vec<String>, Error> {
    let git = kb
        .git
        .as_deref()
        .ok_or_else(|| no_repository(kb, "--changed"))?;
    let shallow_hint = if git.shallow_boundary().is_some() {
        " This is a shallow clone: fetch the full history (in GitHub Actions, set `fetch-depth: 0` on actions/checkout)."
    } else {
        ""
    };
    // After the shallow check: the lock is not reentrant.
    let repo = git.repo();
    let workdir = &git.workdir;
    let base_commit = repo
        .revparse_single(base)
        .and_then(|o| o.peel_to_commit())
        .map_err(|_| {
            Error::Git(format!(
                "--changed {base}: no such commit or branch in this repository.{}",
                if shallow_hint.is_empty() {
                    format!(
                        " Fetch it first ({}) or name an existing branch or commit.",
                        fetch_command(&repo, base)
                    )
                } else {
                    // In CI the base branch is usually missing because the
                    // checkout fetched one commit: both fixes are named.
                    format!(" Fetch it ({}).{shallow_hint}", fetch_command(&repo, base))
                }
            ))
        })?;
    let head = repo
        .head()
        .and_then(|h| h.peel_to_commit())
        .map_err(|_| Error::Git("--changed: HEAD does not point at a commit yet".into()))?;
    let merge_base = repo.merge_base(base_commit.id(), head.id()).map_err(|_| {
        Error::Git(format!(
            "--changed {base}: {base} and HEAD have no common ancestor in this clone.{}",
            if shallow_hint.is_empty() {
                " They share no history; name the branch this work started from."
            } else {
                shallow_hint
            }
        ))
    })?;
    let tree = repo
        .find_commit(merge_base)
        .and_then(|c| c.tree())
        .map_err(|e| {
            Error::Git(format!(
                "--changed {base}: cannot read the merge base: {}",
                e.message()
            ))
        })?;

    let prefix = kb
        .root
        .strip_prefix(workdir)
        .map_err(|_| Error::Git("the knowledge base is outside the git work tree".into()))?
        .to_path_buf();
    let (mut out, too_deep) = changed_in_roots(kb, &repo, &tree, workdir, &prefix);
    if !too_deep.is_empty() {
        // libgit2 stops at folders more than 100 levels deep, inside a
        // lesson root too: compare that root without its work-tree walk.
        let specs: Vec<&Path> = too_deep.iter().map(|(s, _)| s.as_path()).collect();
        changed_without_libgit2_walk(kb, &repo, &tree, &specs, &mut out).map_err(|e| {
            Error::Git(format!(
                "--changed {base}: cannot compare with the work tree: {} ({})",
                too_deep[0].1.message(),
                e.message()
            ))
        })?;
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The lessons changed since `tree` in each lesson root (repository path
/// `prefix`/root, in the work tree at `workdir`), by libgit2's diff with
/// the work tree; and the roots
/// libgit2 could not walk, with its error.
fn changed_in_roots(
    kb: &KnowledgeBase,
    repo: &git2::Repository,
    tree: &git2::Tree,
    workdir: &Path,
    prefix: &Path,
) -> (Vec<String>, Vec<(PathBuf, git2::Error)>) {
    let mut out = Vec::new();
    let keep = |path: &Path, out: &mut Vec<String>| {
        // A path that is not UTF-8 is kept, escaped as the walk lists it,
        // so that `check` reports it instead of skipping it.
        if let Some(rel) = kb.relative_shown(&workdir.join(path))
            && kb.is_lesson_path(&rel)
        {
            out.push(rel);
        }
    };
    // Only the lesson roots are compared with the work tree: a folder
    // elsewhere (node_modules, a build tree more than 100 levels deep,
    // which libgit2 refuses) must not break the check of a pull request.
    let mut too_deep = Vec::new();
    for root in &kb.config.roots {
        let root = root.trim_matches('/');
        let spec = if root.is_empty() || root == "." {
            prefix.to_path_buf()
        } else {
            prefix.join(root)
        };
        let mut opts = git2::DiffOptions::new();
        opts.include_untracked(true).recurse_untracked_dirs(true);
        if !spec.as_os_str().is_empty() {
            opts.pathspec(&spec);
        }
        match repo.diff_tree_to_workdir_with_index(Some(tree), Some(&mut opts)) {
            Ok(diff) => {
                for delta in diff.deltas() {
                    if changed(delta.status())
                        && let Some(path) = delta.new_file().path()
                    {
                        keep(path, &mut out);
                    }
                }
            }
            Err(e) => too_deep.push((spec, e)),
        }
    }
    (out, too_deep)
}

/// A change that leaves a lesson to check.
fn changed(status: git2::Delta) -> bool {
    use git2::Delta::*;
    matches!(
        status,
        Added | Modified | Renamed | Copied | Typechange | Untracked
    )
}

/// The lessons under the repository paths `specs` that differ from `tree`,
/// without libgit2's work-tree walk: the tree against the staging area,
/// then each lesson file the knowledge base's own walk finds against its
/// staging-area entry (by content), untracked ones unless ignored.
fn changed_without_libgit2_walk(
    kb: &KnowledgeBase,
    repo: &git2::Repository,
    tree: &git2::Tree,
    specs: &[&Path],
    out: &mut Vec<String>,
) -> Result<(), git2::Error> {
    let workdir = repo
        .workdir()
        .ok_or_else(|| git2::Error::from_str("no work tree"))?
        .to_path_buf();
    let canonical = workdir.canonicalize().unwrap_or(workdir);
    let under = |repo_path: &Path| specs.iter().any(|s| repo_path.starts_with(s));
    let index = repo.index()?;
    let mut opts = git2::DiffOptions::new();
    for spec in specs {
        if !spec.as_os_str().is_empty() {
            opts.pathspec(spec);
        }
    }
    let staged = repo.diff_tree_to_index(Some(tree), Some(&index), Some(&mut opts))?;
    for delta in staged.deltas() {
        if changed(delta.status())
            && let Some(path) = delta.new_file().path()
            && let Some(rel) = kb.relative_shown(&canonical.join(path))
            && kb.is_lesson_path(&rel)
        {
            out.push(rel);
        }
    }
    for file in super::list_lessons(kb) {
        let abs = file.abs(kb);
        let Ok(repo_path) = abs.strip_prefix(&canonical) else {
            continue;
        };
        if !under(repo_path) {
            continue;
        }
        let differs = match file.problem.as_deref() {
            // Its shown path is no path to look up: check reports it.
            Some(super::FileProblem::InvalidName) => true,
            Some(_) => continue,
            None => match index.get_path(repo_path, 0) {
                None => !repo.status_should_ignore(repo_path).unwrap_or(false),
                Some(entry) => {
                    git2::Oid::hash_file(git2::ObjectType::Blob, &abs).ok() != Some(entry.id)
                }
            },
        };
        if differs {
            out.push(file.path);
        }
    }
    Ok(())
}

/// How to fetch `base`: `origin/main` (or `refs/remotes/origin/main`) is
/// branch `main` of remote `origin`, fetched as `git fetch origin main`
/// (never `git fetch origin origin/main`, which names no branch of the
/// remote). A remote that is not configured is named as the first fix.
fn fetch_command(repo: &git2::Repository, base: &str) -> String {
    let name = base.strip_prefix("refs/remotes/").unwrap_or(base);
    if let Some((remote, branch)) = name.split_once('/')
        && !remote.is_empty()
        && !branch.is_empty()
    {
        if repo.find_remote(remote).is_ok() {
            return format!("`git fetch {remote} {branch}`");
        }
        return format!(
            "this repository has no remote `{remote}`: `git remote add {remote} URL`, then `git fetch {remote} {branch}`"
        );
    }
    let remote = repo
        .remotes()
        .ok()
        .and_then(|r| r.get(0).ok().flatten().map(String::from))
        .unwrap_or_else(|| "origin".to_string());
    format!("`git fetch {remote} {base}`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fetch_commands_name_remote_and_branch() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        assert_eq!(
            fetch_command(&repo, "origin/main"),
            "this repository has no remote `origin`: `git remote add origin URL`, then `git fetch origin main`"
        );
        repo.remote("origin", "https://example.com/x.git").unwrap();
        assert_eq!(
            fetch_command(&repo, "origin/main"),
            "`git fetch origin main`"
        );
        assert_eq!(
            fetch_command(&repo, "refs/remotes/origin/release/2.0"),
            "`git fetch origin release/2.0`"
        );
        assert_eq!(fetch_command(&repo, "main"), "`git fetch origin main`");
    }
}
