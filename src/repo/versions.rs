//! Every version of every lesson file reachable from a commit, for
//! `check --history`: each distinct blob once, with the path it had and
//! the oldest commit (parents first) that holds it.
//!
//! Trees are walked, not diffed: a tree seen in an earlier commit is
//! skipped whole, so each distinct tree and blob is read once however many
//! commits share it, and only the folders on the way to a lesson root are
//! entered.

use std::collections::HashSet;

use super::KnowledgeBase;
use crate::Error;

/// A blob, named without git2 outside this layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BlobId(git2::Oid);

/// One version of a lesson file.
#[derive(Debug, Clone)]
pub struct LessonVersion {
    pub blob: BlobId,
    /// Relative to the knowledge base root, `/`-separated.
    pub path: String,
    /// The oldest commit found holding this blob here.
    pub commit: std::sync::Arc<CommitInfo>,
}

/// A commit, as a finding names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    /// The full hash.
    pub id: String,
    pub author: String,
    /// Seconds since the Unix epoch.
    pub time: i64,
}

/// What the walk found.
#[derive(Debug, Clone, Default)]
pub struct Versions {
    /// In the order their commits were walked, oldest first.
    pub versions: Vec<LessonVersion>,
    pub commits: usize,
    /// The history stops at a shallow boundary: older versions are not in
    /// this clone.
    pub shallow: bool,
    /// The commit `rev` named.
    pub tip: String,
}

/// Every distinct blob of a lesson path in the commits reachable from
/// `rev` (any revision git understands: `HEAD`, a branch, a tag, a hash).
pub fn lesson_versions(kb: &KnowledgeBase, rev: &str) -> Result<Versions, Error> {
    let git = kb
        .git
        .as_deref()
        .ok_or_else(|| super::git::no_repository(kb, "--history"))?;
    let shallow = git.shallow_boundary().is_some();
    // Where the lesson roots are in the repository's trees.
    let prefix = kb.path_in_repository();
    let roots: Vec<String> = kb
        .config
        .roots
        .iter()
        .map(|r| {
            let r = r.trim_matches('/');
            let r = if r == "." { "" } else { r };
            if prefix.is_empty() {
                r.to_string()
            } else if r.is_empty() || r == "." {
                prefix.clone()
            } else {
                format!("{prefix}/{r}")
            }
        })
        .collect();
    let repo = git.repo();
    let tip = repo
        .revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .map_err(|_| {
            Error::Git(format!(
                "--history {rev}: no such commit in this repository"
            ))
        })?;
    let mut walk = repo.revwalk().map_err(git_error)?;
    walk.push(tip.id()).map_err(git_error)?;
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)
        .map_err(git_error)?;
    let mut out = Versions {
        shallow,
        tip: tip.id().to_string(),
        ..Versions::default()
    };
    let mut seen_trees: HashSet<git2::Oid> = HashSet::new();
    let mut seen_blobs: HashSet<git2::Oid> = HashSet::new();
    for oid in walk {
        let oid = oid.map_err(git_error)?;
        let commit = repo.find_commit(oid).map_err(git_error)?;
        let tree = commit.tree().map_err(git_error)?;
        out.commits += 1;
        let mut visit = Visit {
            repo: &repo,
            kb,
            prefix: &prefix,
            roots: &roots,
            commit: std::sync::Arc::new(CommitInfo {
                id: oid.to_string(),
                author: commit.author().name().unwrap_or("unknown").to_string(),
                time: commit.time().seconds(),
            }),
            seen_trees: &mut seen_trees,
            seen_blobs: &mut seen_blobs,
            out: &mut out.versions,
        };
        visit.tree(&tree, "");
    }
    Ok(out)
}

/// Whether `rev` names a commit of the knowledge base's repository.
pub fn resolves(kb: &KnowledgeBase, rev: &str) -> bool {
    kb.git.as_deref().is_some_and(|git| {
        git.repo()
            .revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .is_ok()
    })
}

fn git_error(e: git2::Error) -> Error {
    Error::Git(format!("--history: {}", e.message()))
}

struct Visit<'a> {
    repo: &'a git2::Repository,
    kb: &'a KnowledgeBase,
    prefix: &'a str,
    roots: &'a [String],
    commit: std::sync::Arc<CommitInfo>,
    seen_trees: &'a mut HashSet<git2::Oid>,
    seen_blobs: &'a mut HashSet<git2::Oid>,
    out: &'a mut Vec<LessonVersion>,
}

impl Visit<'_> {
    /// Walks `tree`, found at `dir` (repository-relative, `/`-separated).
    fn tree(&mut self, tree: &git2::Tree, dir: &str) {
        if !self.seen_trees.insert(tree.id()) {
            return;
        }
        for entry in tree.iter() {
            let kind = entry.kind();
            let id = entry.id();
            // Most entries of a big folder were seen in an earlier commit:
            // skip them before building their path.
            let seen = match kind {
                Some(git2::ObjectType::Tree) => self.seen_trees.contains(&id),
                Some(git2::ObjectType::Blob) => self.seen_blobs.contains(&id),
                _ => true,
            };
            if seen {
                continue;
            }
            let Ok(name) = entry.name() else { continue };
            let path = if dir.is_empty() {
                name.to_string()
            } else {
                format!("{dir}/{name}")
            };
            match kind {
                Some(git2::ObjectType::Tree) if self.on_the_way(&path) => {
                    if let Ok(sub) = self.repo.find_tree(id) {
                        self.tree(&sub, &path);
                    }
                }
                Some(git2::ObjectType::Blob) => self.blob(id, &path),
                _ => {}
            }
        }
    }

    /// Whether folder `path` is a lesson root, inside one, or on the way.
    fn on_the_way(&self, path: &str) -> bool {
        self.roots
            .iter()
            .any(|root| root.is_empty() || is_under(path, root) || is_under(root, path))
    }

    fn blob(&mut self, id: git2::Oid, path: &str) {
        let rel = if self.prefix.is_empty() {
            path
        } else {
            match path
                .strip_prefix(self.prefix)
                .and_then(|p| p.strip_prefix('/'))
            {
                Some(rel) => rel,
                None => return,
            }
        };
        if self.kb.is_lesson_path(rel) && self.seen_blobs.insert(id) {
            self.out.push(LessonVersion {
                blob: BlobId(id),
                path: rel.to_string(),
                commit: self.commit.clone(),
            });
        }
    }
}

/// Whether `path` is `folder` or inside it.
fn is_under(path: &str, folder: &str) -> bool {
    path == folder
        || path
            .strip_prefix(folder)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Reads blobs; one per thread (a git2 repository is not `Sync`).
pub struct BlobReader(git2::Repository);

impl BlobReader {
    /// Opens the knowledge base's repository again, for one thread.
    pub fn open(kb: &KnowledgeBase) -> Option<BlobReader> {
        let git = kb.git.as_deref()?;
        git2::Repository::open(&git.git_dir).ok().map(BlobReader)
    }

    /// The blob's bytes into `buf`; `Ok(Some(size))` when it is over
    /// `limit` (not read), `Err` when it cannot be read.
    pub fn read(&self, id: BlobId, limit: u64, buf: &mut Vec<u8>) -> Result<Option<u64>, String> {
        buf.clear();
        let blob = self
            .0
            .find_blob(id.0)
            .map_err(|e| e.message().to_string())?;
        let size = blob.size() as u64;
        if size > limit {
            return Ok(Some(size));
        }
        buf.extend_from_slice(blob.content());
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::is_under;

    #[test]
    fn folders_on_the_way() {
        assert!(is_under("docs/lessons/2024", "docs/lessons"));
        assert!(is_under("docs/lessons", "docs/lessons"));
        assert!(!is_under("docs/lessons-old", "docs/lessons"));
        assert!(is_under("docs", "docs"));
    }
}
