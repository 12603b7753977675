//! Git history of lesson files: who first committed each one, when, and
//! when it last changed. Walked once in full when the index is built, then
//! only over the commits added since.

use std::collections::HashMap;

use super::manifest::GitMeta;
use crate::repo::KnowledgeBase;

/// Whether HEAD `head` descends from `since` (or is it): only then does
/// walking the commits in between say everything that changed.
pub fn descends(kb: &KnowledgeBase, head: &str, since: &str) -> bool {
    let Ok(repo) = git2::Repository::discover(&kb.root) else {
        return false;
    };
    let (Ok(head), Ok(since)) = (git2::Oid::from_str(head), git2::Oid::from_str(since)) else {
        return false;
    };
    head == since || repo.graph_descendant_of(head, since).unwrap_or(false)
}

/// Why git may not know who added a lesson and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Provenance {
    /// The knowledge base is in a git repository.
    pub repository: bool,
    /// The repository is a shallow clone: history stops at its boundary.
    pub shallow: bool,
    /// The file is in the HEAD commit.
    pub committed: bool,
}

impl Provenance {
    /// What to tell a reader when the first commit of a lesson is unknown,
    /// naming the fix.
    pub fn unknown_because(self) -> &'static str {
        if !self.repository {
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
    let Ok(repo) = git2::Repository::discover(&kb.root) else {
        return Provenance {
            repository: false,
            shallow: false,
            committed: false,
        };
    };
    let committed = (|| {
        let workdir = repo.workdir()?.canonicalize().ok()?;
        let in_repo = kb.root.join(rel);
        let path = in_repo.strip_prefix(&workdir).ok()?;
        let tree = repo.head().ok()?.peel_to_tree().ok()?;
        tree.get_path(path).ok().map(|_| ())
    })()
    .is_some();
    Provenance {
        repository: true,
        shallow: crate::repo::shallow_boundary(&repo).is_some(),
        committed,
    }
}

/// The commit HEAD points at, if the knowledge base is in a git repository
/// with commits, and in a shallow clone a hash of its boundary
/// (`.git/shallow`), which changes when history is fetched further back.
/// One opening of the repository for both: every command asks.
pub fn head(kb: &KnowledgeBase) -> (Option<String>, Option<String>) {
    let Ok(repo) = git2::Repository::discover(&kb.root) else {
        return (None, None);
    };
    let head = (|| {
        let commit = repo.head().ok()?.peel_to_commit().ok()?;
        Some(commit.id().to_string())
    })();
    let boundary = crate::repo::shallow_boundary(&repo)
        .map(|bytes| format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&bytes)));
    (head, boundary)
}

/// What the commits after `since` (all of history when `None`) say about
/// each lesson path they touch. `added_*` is set only when the path was
/// added in that range.
pub fn walk(kb: &KnowledgeBase, since: Option<&str>) -> HashMap<String, GitMeta> {
    let mut out: HashMap<String, GitMeta> = HashMap::new();
    let Ok(repo) = git2::Repository::discover(&kb.root) else {
        return out;
    };
    let Some(workdir) = repo.workdir().and_then(|w| w.canonicalize().ok()) else {
        return out;
    };
    let Ok(prefix) = kb.root.strip_prefix(&workdir).map(|p| p.to_path_buf()) else {
        return out;
    };
    let shallow = crate::repo::shallow_boundary(&repo).is_some();
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
