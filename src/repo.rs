//! The knowledge base on disk: finding its root, listing its lesson files
//! (never following a link out of it), and asking git what changed.

use std::path::{Component, Path, PathBuf};

use crate::Error;
use crate::config::{self, Config};

/// A knowledge base: its root folder and configuration.
#[derive(Debug, Clone)]
pub struct KnowledgeBase {
    /// Canonical path of the folder holding `lessons.toml` and the roots.
    pub root: PathBuf,
    pub config: Config,
}

impl KnowledgeBase {
    /// Opens the knowledge base at `--repo PATH`, or the one around `cwd`:
    /// the nearest ancestor with a `lessons.toml`, else the top of the git
    /// work tree, else `cwd` itself.
    pub fn open(repo: Option<&Path>, cwd: &Path) -> Result<KnowledgeBase, Error> {
        let root = Self::locate(repo, cwd)?;
        let config = Config::load(&root)?;
        Ok(KnowledgeBase { root, config })
    }

    /// The canonical root folder `open` would use.
    pub fn locate(repo: Option<&Path>, cwd: &Path) -> Result<PathBuf, Error> {
        let root = match repo {
            Some(path) => {
                let path = cwd.join(path);
                if !path.is_dir() {
                    let what = if path.exists() {
                        "not a directory"
                    } else {
                        "no such directory"
                    };
                    return Err(Error::Usage(format!("--repo {}: {what}", path.display())));
                }
                path
            }
            None => discover_root(cwd),
        };
        root.canonicalize().map_err(|source| Error::Io {
            path: root.clone(),
            source,
        })
    }

    /// Configured lesson roots that do not exist: a knowledge base that
    /// silently checks nothing would let a misconfigured CI pass.
    pub fn missing_roots(&self) -> Vec<&str> {
        self.config
            .roots
            .iter()
            .filter(|r| !self.root.join(r).is_dir())
            .map(String::as_str)
            .collect()
    }

    /// `path` (absolute or relative to the root) as a root-relative path
    /// with `/` separators, if it lies inside the knowledge base.
    pub fn relative(&self, path: &Path) -> Option<String> {
        let rel = path.strip_prefix(&self.root).ok()?;
        if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
            return None;
        }
        let rel = rel.to_str()?;
        Some(if std::path::MAIN_SEPARATOR == '/' {
            rel.to_string()
        } else {
            rel.replace(std::path::MAIN_SEPARATOR, "/")
        })
    }

    /// Whether a root-relative path names a lesson: a `*.md` file under a
    /// lesson root, not `README.md`, not starting with `_`.
    pub fn is_lesson_path(&self, rel: &str) -> bool {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        is_lesson_name(name)
            && self.config.roots.iter().any(|root| {
                let root = root.trim_matches('/');
                root.is_empty()
                    || root == "."
                    || rel.strip_prefix(root).is_some_and(|r| r.starts_with('/'))
            })
    }
}

pub fn is_lesson_name(name: &str) -> bool {
    name.ends_with(".md") && name != "README.md" && !name.starts_with('_')
}

fn discover_root(cwd: &Path) -> PathBuf {
    if let Some(dir) = cwd
        .ancestors()
        .find(|d| d.join(config::FILE_NAME).is_file())
    {
        return dir.to_path_buf();
    }
    if let Ok(repo) = git2::Repository::discover(cwd)
        && let Some(workdir) = repo.workdir()
    {
        return workdir.to_path_buf();
    }
    cwd.to_path_buf()
}

/// One entry of the lesson roots that looks like a lesson.
#[derive(Debug, Clone)]
pub struct LessonFile {
    /// Relative to the knowledge base root, `/` separators.
    pub path: String,
    pub abs: PathBuf,
    pub problem: Option<FileProblem>,
}

/// Why a lesson file cannot be read as such.
#[derive(Debug, Clone)]
pub enum FileProblem {
    /// A symbolic link whose target is outside the knowledge base.
    SymlinkOutside(PathBuf),
    /// A symbolic link that points nowhere.
    BrokenSymlink,
    /// Not a regular file (a FIFO, socket or device): never opened.
    NotRegular,
    /// A folder or file the walk could not read.
    Unreadable(String),
}

/// Every lesson file under the roots, in path order.
pub fn list_lessons(kb: &KnowledgeBase) -> Vec<LessonFile> {
    let mut files = Vec::new();
    for root in &kb.config.roots {
        let dir = kb.root.join(root);
        if !dir.is_dir() {
            continue;
        }
        let walk = walkdir::WalkDir::new(&dir)
            .follow_links(false)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walk {
            match entry {
                Ok(entry) => {
                    let name = entry.file_name().to_string_lossy();
                    if !is_lesson_name(&name) || entry.file_type().is_dir() {
                        continue;
                    }
                    let Some(path) = kb.relative(entry.path()) else {
                        continue;
                    };
                    let problem = if entry.path_is_symlink() {
                        symlink_problem(kb, entry.path())
                    } else if !entry.file_type().is_file() {
                        // A FIFO or device would block or never end.
                        Some(FileProblem::NotRegular)
                    } else {
                        None
                    };
                    files.push(LessonFile {
                        path,
                        abs: entry.into_path(),
                        problem,
                    });
                }
                Err(err) => {
                    let Some(at) = err.path() else { continue };
                    let Some(path) = kb.relative(at) else {
                        continue;
                    };
                    let reason = err
                        .io_error()
                        .map_or_else(|| err.to_string(), |e| e.to_string());
                    files.push(LessonFile {
                        path,
                        abs: at.to_path_buf(),
                        problem: Some(FileProblem::Unreadable(reason)),
                    });
                }
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.dedup_by(|a, b| a.path == b.path);
    files
}

/// A lesson file with the metadata the index's freshness check compares.
#[derive(Debug, Clone)]
pub struct Stat {
    /// Relative to the knowledge base root, `/` separators.
    pub path: String,
    pub size: u64,
    /// Nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
    /// Rare, so boxed: the scan holds one `Stat` per lesson.
    pub problem: Option<Box<FileProblem>>,
}

impl Stat {
    pub fn file(&self, kb: &KnowledgeBase) -> LessonFile {
        LessonFile {
            abs: kb.root.join(&self.path),
            path: self.path.clone(),
            problem: self.problem.as_deref().cloned(),
        }
    }
}

/// When the file last changed, as the freshness check compares it. On Unix
/// the inode change time: unlike the modification time it cannot be set
/// back (`touch -d`, `cp -p`), and it also moves on `chmod`, so a file that
/// becomes readable again is looked at again.
fn mtime_ns(meta: &std::fs::Metadata) -> i64 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        meta.ctime()
            .saturating_mul(1_000_000_000)
            .saturating_add(meta.ctime_nsec())
    }
    #[cfg(not(unix))]
    {
        meta.modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
    }
}

/// What a folder entry is, for the scan.
enum Kind {
    Folder,
    /// A regular file, with its size and change time (`None` when it
    /// could not be looked at).
    File(Option<(u64, i64)>),
    Link,
    Other,
}

/// Calls `each` with the name and kind of every entry of a folder (names
/// that are not UTF-8 are skipped: no lesson path can hold them). On Unix
/// the names are not copied and files are looked at relative to the
/// folder: this loop runs once per lesson on every command.
#[cfg(unix)]
fn folder_entries(dir: &Path, mut each: impl FnMut(&str, Kind)) {
    use rustix::fs::{AtFlags, CWD, Dir, FileType, Mode, OFlags};
    let Ok(fd) = rustix::fs::openat(
        CWD,
        dir,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    ) else {
        return;
    };
    let Ok(mut entries) = Dir::read_from(&fd) else {
        return;
    };
    let kind_of = |mode: FileType, stat: Option<&rustix::fs::Stat>| match mode {
        FileType::Directory => Kind::Folder,
        FileType::Symlink => Kind::Link,
        // (The field types vary between Unix systems.)
        #[allow(clippy::unnecessary_cast)]
        FileType::RegularFile => Kind::File(stat.map(|st| {
            let ctime = (st.st_ctime as i64)
                .saturating_mul(1_000_000_000)
                .saturating_add(st.st_ctime_nsec as i64);
            (st.st_size as u64, ctime)
        })),
        _ => Kind::Other,
    };
    while let Some(Ok(entry)) = entries.read() {
        let Ok(name) = entry.file_name().to_str() else {
            continue;
        };
        if name == "." || name == ".." {
            continue;
        }
        let kind = match entry.file_type() {
            FileType::RegularFile | FileType::Unknown => {
                match rustix::fs::statat(&fd, entry.file_name(), AtFlags::SYMLINK_NOFOLLOW) {
                    Ok(st) => kind_of(FileType::from_raw_mode(st.st_mode), Some(&st)),
                    Err(_) if entry.file_type() == FileType::RegularFile => Kind::File(None),
                    Err(_) => continue,
                }
            }
            other => kind_of(other, None),
        };
        each(name, kind);
    }
}

#[cfg(not(unix))]
fn folder_entries(dir: &Path, mut each: impl FnMut(&str, Kind)) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let kind = if kind.is_dir() {
            Kind::Folder
        } else if kind.is_symlink() {
            Kind::Link
        } else if kind.is_file() {
            Kind::File(entry.metadata().ok().map(|m| (m.len(), mtime_ns(&m))))
        } else {
            Kind::Other
        };
        each(name, kind);
    }
}

/// Every lesson file under the roots with its size and modification time,
/// in path order: one pass of directory reads and `fstatat`
/// calls relative to each directory (no path lookups), folders in
/// parallel. This is the whole cost of checking that the index is fresh.
pub fn scan_lessons(kb: &KnowledgeBase) -> Vec<Stat> {
    use std::sync::Mutex;
    /// Each folder's files, gathered once at the end: concatenating up
    /// the recursion would copy every entry once per level.
    type Chunks = Mutex<Vec<Vec<Stat>>>;
    fn visit<'s>(
        scope: &rayon::Scope<'s>,
        kb: &'s KnowledgeBase,
        dir: PathBuf,
        rel: String,
        chunks: &'s Chunks,
    ) {
        let mut out = Vec::new();
        folder_entries(&dir, |name, kind| {
            if name.starts_with('.') {
                return;
            }
            let mut path = String::with_capacity(rel.len() + 1 + name.len());
            if !rel.is_empty() {
                path.push_str(&rel);
                path.push('/');
            }
            path.push_str(name);
            if let Kind::Folder = kind {
                let sub = dir.join(name);
                scope.spawn(move |scope| visit(scope, kb, sub, path, chunks));
                return;
            }
            if !is_lesson_name(name) {
                return;
            }
            let (meta, problem) = match kind {
                Kind::Folder => return,
                Kind::Link => {
                    let link = dir.join(name);
                    let problem = symlink_problem(kb, &link);
                    let meta = std::fs::metadata(&link)
                        .ok()
                        .filter(|_| problem.is_none())
                        .map(|m| (m.len(), mtime_ns(&m)));
                    (meta, problem)
                }
                Kind::File(meta) => (meta, None),
                Kind::Other => (None, Some(FileProblem::NotRegular)),
            };
            out.push(Stat {
                path,
                size: meta.map_or(0, |m| m.0),
                mtime_ns: meta.map_or(0, |m| m.1),
                problem: problem.map(Box::new),
            });
        });
        if !out.is_empty() {
            out.sort_unstable_by(|a, b| a.path.cmp(&b.path));
            chunks.lock().unwrap_or_else(|e| e.into_inner()).push(out);
        }
    }
    let chunks: Chunks = Mutex::new(Vec::new());
    rayon::scope(|scope| {
        for root in &kb.config.roots {
            let dir = kb.root.join(root);
            if let Some(rel) = kb.relative(&dir) {
                let chunks = &chunks;
                scope.spawn(move |scope| visit(scope, kb, dir, rel, chunks));
            }
        }
    });
    // Each folder's files are sorted: ordering the folders by their first
    // file usually gives the whole list in path order, checked in one pass
    // (files beside subfolders can interleave; then sort it all).
    let mut chunks = chunks.into_inner().unwrap_or_else(|e| e.into_inner());
    chunks.sort_unstable_by(|a, b| a[0].path.cmp(&b[0].path));
    let mut out = Vec::with_capacity(chunks.iter().map(Vec::len).sum());
    for chunk in chunks {
        out.extend(chunk);
    }
    if !out.is_sorted_by(|a, b| a.path <= b.path) {
        use rayon::slice::ParallelSliceMut;
        out.par_sort_unstable_by(|a, b| a.path.cmp(&b.path));
    }
    // Roots may overlap.
    out.dedup_by(|a, b| a.path == b.path);
    out
}

/// A link is read only when its target is a file inside the knowledge base.
fn symlink_problem(kb: &KnowledgeBase, link: &Path) -> Option<FileProblem> {
    match link.canonicalize() {
        Ok(target) if target.starts_with(&kb.root) => {
            if target.is_file() {
                None
            } else {
                Some(FileProblem::NotRegular)
            }
        }
        Ok(target) => Some(FileProblem::SymlinkOutside(target)),
        Err(_) => Some(FileProblem::BrokenSymlink),
    }
}

/// Lesson files added or modified between the merge base of `base` and
/// HEAD, plus staged, unstaged and untracked changes in the work tree.
pub fn changed_lessons(kb: &KnowledgeBase, base: &str) -> Result<Vec<String>, Error> {
    let repo = git2::Repository::discover(&kb.root).map_err(|_| {
        Error::Git(format!(
            "--changed needs a git repository, and {} is not inside one",
            kb.root.display()
        ))
    })?;
    let workdir = repo
        .workdir()
        .ok_or_else(|| Error::Git("--changed needs a work tree; this is a bare repository".into()))?
        .canonicalize()
        .map_err(|e| Error::Git(format!("cannot resolve the git work tree: {e}")))?;
    let shallow_hint = if shallow_boundary(&repo).is_some() {
        " This is a shallow clone: fetch the full history (in GitHub Actions, set `fetch-depth: 0` on actions/checkout)."
    } else {
        ""
    };
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
                    shallow_hint.to_string()
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

    let mut opts = git2::DiffOptions::new();
    opts.include_untracked(true).recurse_untracked_dirs(true);
    let prefix = kb
        .root
        .strip_prefix(&workdir)
        .map_err(|_| Error::Git("the knowledge base is outside the git work tree".into()))?
        .to_path_buf();
    if !prefix.as_os_str().is_empty() {
        opts.pathspec(&prefix);
    }
    let diff = repo
        .diff_tree_to_workdir_with_index(Some(&tree), Some(&mut opts))
        .map_err(|e| {
            Error::Git(format!(
                "--changed {base}: cannot compare with the work tree: {}",
                e.message()
            ))
        })?;
    let mut out = Vec::new();
    for delta in diff.deltas() {
        use git2::Delta::*;
        if !matches!(
            delta.status(),
            Added | Modified | Renamed | Copied | Typechange | Untracked
        ) {
            continue;
        }
        let Some(path) = delta.new_file().path() else {
            continue;
        };
        let Some(rel) = kb.relative(&workdir.join(path)) else {
            continue;
        };
        if kb.is_lesson_path(&rel) {
            out.push(rel);
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// How to fetch `base`: `origin/main` is branch `main` of remote `origin`.
fn fetch_command(repo: &git2::Repository, base: &str) -> String {
    if let Some((remote, branch)) = base.split_once('/')
        && repo.find_remote(remote).is_ok()
    {
        return format!("git fetch {remote} {branch}");
    }
    format!("git fetch origin {base}")
}

/// The top of the git work tree holding the knowledge base, if any: GitHub
/// annotations and SARIF want paths relative to it.
/// The shallow boundary of a shallow clone (`None` for a full one). It
/// lives in the common git folder, which a linked worktree shares
/// (libgit2's `is_shallow` looks in the worktree's own folder and misses it).
pub fn shallow_boundary(repo: &git2::Repository) -> Option<Vec<u8>> {
    std::fs::read(repo.commondir().join("shallow"))
        .ok()
        .filter(|b| !b.is_empty())
}

pub fn git_workdir(root: &Path) -> Option<PathBuf> {
    let repo = git2::Repository::discover(root).ok()?;
    repo.workdir()?.canonicalize().ok()
}

/// Where the knowledge base sits in its git work tree (`docs/incidents`),
/// `/`-separated; empty at the top or outside git.
pub fn path_in_repository(root: &Path) -> String {
    git_workdir(root)
        .and_then(|top| root.strip_prefix(&top).ok().map(Path::to_path_buf))
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default()
}
