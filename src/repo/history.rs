//! Git history of lesson files: who first committed each one, when, and
//! when it last changed. Walked once in full when the index is built, then
//! only over the commits added since.

use std::collections::HashMap;

use super::KnowledgeBase;

/// Who first committed a lesson and when it last changed, as far as the
/// history at hand tells (unknown for uncommitted files, and for files a
/// shallow clone cannot trace).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GitMeta {
    pub added_by: Option<String>,
    /// Seconds since the Unix epoch.
    pub added_at: Option<i64>,
    pub changed_at: Option<i64>,
}

/// Whether HEAD `head` descends from `since` (or is it): only then does
/// walking the commits in between say everything that changed.
pub fn descends(kb: &KnowledgeBase, head: &str, since: &str) -> bool {
    kb.git.as_ref().is_some_and(|g| g.descends(head, since))
}

/// Why git may not know who added a lesson and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Provenance {
    /// The knowledge base is in a git repository.
    pub repository: bool,
    /// git refused to open the repository: another user owns it.
    pub refused: bool,
    /// The repository is a shallow clone: history stops at its boundary.
    pub shallow: bool,
    /// The file is in the HEAD commit.
    pub committed: bool,
}

impl Provenance {
    /// What to tell a reader when the first commit of a lesson is unknown,
    /// naming the fix.
    pub fn unknown_because(self) -> &'static str {
        if self.refused {
            "unknown: git refuses to open this repository because another user owns it; if you trust it, run `git config --global --add safe.directory PATH` with the repository's path"
        } else if !self.repository {
            "unknown: not in a git repository"
        } else if !self.committed {
            "not committed yet"
        } else if self.shallow {
            "unknown: its first commit is beyond this shallow clone; run `git fetch --unshallow` (in GitHub Actions, `fetch-depth: 0` on actions/checkout)"
        } else {
            "unknown"
        }
    }
}

/// Where git stands on the lesson file `rel` (root-relative).
pub fn provenance(kb: &KnowledgeBase, rel: &str) -> Provenance {
    let Some(git) = kb.git.as_deref() else {
        return Provenance {
            repository: false,
            refused: kb.git_refused.is_some(),
            shallow: false,
            committed: false,
        };
    };
    let in_repo = kb.root.join(rel);
    let committed = in_repo
        .strip_prefix(&git.workdir)
        .is_ok_and(|path| git.committed(path));
    Provenance {
        repository: true,
        refused: false,
        shallow: git.shallow_boundary().is_some(),
        committed,
    }
}

/// The commit HEAD points at, if the knowledge base is in a git repository
/// with commits, and in a shallow clone a hash of its boundary (see
/// [`super::Git::head`]).
pub fn head(kb: &KnowledgeBase) -> (Option<String>, Option<String>) {
    kb.git.as_ref().map_or((None, None), |g| g.head())
}

/// What the commits after `since` (all of history when `None`) say about
/// each lesson path they touch. `added_*` is set only when the path was
/// added in that range.
pub fn walk(kb: &KnowledgeBase, since: Option<&str>) -> HashMap<String, GitMeta> {
    let mut out: HashMap<String, GitMeta> = HashMap::new();
    let Some(git) = kb.git.as_deref() else {
        return out;
    };
    let workdir = &git.workdir;
    let Ok(prefix) = kb.root.strip_prefix(workdir).map(|p| p.to_path_buf()) else {
        return out;
    };
    // Before the lock: it is not reentrant.
    let shallow = git.shallow_boundary().is_some();
    let repo = git.repo();
    let Ok(mut revwalk) = repo.revwalk() else {
        return out;
    };
    if revwalk.push_head().is_err() {
        return out;
    }
    if let Some(since) = since.and_then(|s| git2::Oid::from_str(s).ok()) {
        // A commit that is no longer known (history rewritten) just means
        // walking everything.
        let _ = revwalk.hide(since);
    }
    let _ = revwalk.set_sorting(git2::Sort::TIME);
    // Paths whose oldest commit in range is a shallow boundary: their
    // first commit is not in this clone.
    let mut boundary: Vec<String> = Vec::new();
    let mut boundary_changed: Vec<String> = Vec::new();
    for oid in revwalk.flatten() {
        let Ok(commit) = repo.find_commit(oid) else {
            continue;
        };
        let Ok(tree) = commit.tree() else { continue };
        let parent_tree = commit.parent(0).ok().and_then(|p| p.tree().ok());
        let mut opts = git2::DiffOptions::new();
        if !prefix.as_os_str().is_empty() {
            opts.pathspec(&prefix);
        }
        let Ok(diff) = repo.diff_tree_to_tree(parent_tree.as_ref(), Some(&tree), Some(&mut opts))
        else {
            continue;
        };
        let time = commit.time().seconds();
        let author = commit.author().name().unwrap_or("unknown").to_string();
        let is_boundary = shallow && commit.parent_count() == 0;
        for delta in diff.deltas() {
            if delta.status() == git2::Delta::Deleted {
                continue;
            }
            let Some(path) = delta.new_file().path() else {
                continue;
            };
            let Some(rel) = kb.relative(&workdir.join(path)) else {
                continue;
            };
            if !kb.is_lesson_path(&rel) {
                continue;
            }
            let entry = out.entry(rel.clone()).or_default();
            // Newest first: the first commit seen is the last change (but
            // a shallow boundary only says the file existed by then).
            if entry.changed_at.is_none() && is_boundary {
                boundary_changed.push(rel.clone());
            }
            entry.changed_at.get_or_insert(time);
            if matches!(
                delta.status(),
                git2::Delta::Added | git2::Delta::Copied | git2::Delta::Renamed
            ) {
                entry.added_at = Some(time);
                entry.added_by = Some(author.clone());
            }
            if is_boundary {
                boundary.push(rel);
            }
        }
    }
    for path in boundary_changed {
        if let Some(e) = out.get_mut(&path) {
            e.changed_at = None;
        }
    }
    for path in boundary {
        if let Some(e) = out.get_mut(&path) {
            // The clone starts here: the real first commit is unknown.
            e.added_at = None;
            e.added_by = None;
        }
    }
    out
}
