//! The knowledge base on disk: finding its root, listing its lesson files
//! (never following a link out of it), reading them, and asking git what
//! changed ([`git`]), who added each lesson ([`history`]) and every version
//! of each lesson file ([`versions`], for `check --history`). The only
//! layer that touches git2.

pub mod git;
pub mod history;
pub mod versions;

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::Error;
use crate::config::{self, Config};
pub use git::{Discovered, Git, Refused, changed_lessons};

/// A knowledge base: its root folder, configuration and git repository.
#[derive(Debug, Clone)]
pub struct KnowledgeBase {
    /// Canonical path of the folder holding `lessons.toml` and the roots.
    pub root: PathBuf,
    pub config: Config,
    /// The repository whose work tree holds the root, opened once.
    pub git: Option<Arc<Git>>,
    /// git refused to open the repository (another user owns it): why
    /// `git` is `None`, and the fix to name.
    pub git_refused: Option<Refused>,
}

/// A knowledge base's root, found before its configuration is read.
#[derive(Debug)]
pub struct Located {
    /// Canonical.
    pub root: PathBuf,
    /// The repository, when finding the root already opened it.
    pub git: Option<Git>,
    /// Finding the root met a repository git refuses to open.
    pub refused: Option<Refused>,
}

impl Located {
    /// The root and the repository around it: the one finding the root
    /// opened, else opened now; or why git refused it.
    pub fn open_git(self) -> (PathBuf, Option<Git>, Option<Refused>) {
        let (git, refused) = match (self.git, self.refused) {
            (Some(git), _) => (Some(git), None),
            (None, Some(refused)) => (None, Some(refused)),
            (None, None) => match Git::look(&self.root) {
                Discovered::Found(git) => (Some(git), None),
                Discovered::Refused(refused) => (None, Some(refused)),
                Discovered::None => (None, None),
            },
        };
        (self.root, git, refused)
    }
}

impl KnowledgeBase {
    /// Opens the knowledge base at `--repo PATH`, or the one around `cwd`:
    /// the nearest ancestor with a `lessons.toml`, else the top of the git
    /// work tree, else `cwd` itself.
    pub fn open(repo: Option<&Path>, cwd: &Path) -> Result<KnowledgeBase, Error> {
        let located = Self::locate(repo, cwd)?;
        let config = Config::load(&located.root)?;
        Ok(KnowledgeBase::new(located, config))
    }

    /// The knowledge base at a located root, with its configuration; opens
    /// git unless finding the root did.
    pub fn new(located: Located, config: Config) -> KnowledgeBase {
        let (root, git, git_refused) = located.open_git();
        KnowledgeBase {
            root,
            config,
            git: git.map(Arc::new),
            git_refused,
        }
    }

    /// Where `root` sits in its git work tree (`docs/incidents`),
    /// `/`-separated; empty at the top or outside git.
    pub fn path_in_repository(&self) -> String {
        self.git
            .as_ref()
            .map(|g| g.path_in_work_tree(&self.root))
            .unwrap_or_default()
    }

    /// The root `open` would use.
    pub fn locate(repo: Option<&Path>, cwd: &Path) -> Result<Located, Error> {
        let (root, git, refused) = match repo {
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
                (path, None, None)
            }
            None => discover_root(cwd),
        };
        let root = root.canonicalize().map_err(|source| Error::Io {
            path: root.clone(),
            source,
        })?;
        // Git found from `cwd` is the root's only if its top is the root.
        let git = git.filter(|g| g.workdir == root);
        Ok(Located { root, git, refused })
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

    /// Like [`relative`](Self::relative), but a path that is not UTF-8
    /// is shown as the walk lists it: each such name escaped
    /// ([`escape_name`]).
    pub fn relative_shown(&self, path: &Path) -> Option<String> {
        if let Some(rel) = self.relative(path) {
            return Some(rel);
        }
        let rel = path.strip_prefix(&self.root).ok()?;
        let mut out = Vec::new();
        for c in rel.components() {
            let Component::Normal(name) = c else {
                return None;
            };
            out.push(match name.to_str() {
                Some(name) => name.to_string(),
                None => escape_name(name),
            });
        }
        Some(out.join("/"))
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

fn discover_root(cwd: &Path) -> (PathBuf, Option<Git>, Option<Refused>) {
    if let Some(dir) = cwd
        .ancestors()
        .find(|d| d.join(config::FILE_NAME).is_file())
    {
        return (dir.to_path_buf(), None, None);
    }
    match Git::look(cwd) {
        Discovered::Found(git) => (git.workdir.clone(), Some(git), None),
        // Still the top of the work tree, as git would have said.
        Discovered::Refused(refused) => (refused.workdir.clone(), None, Some(refused)),
        Discovered::None => (cwd.to_path_buf(), None, None),
    }
}

/// Why a lesson file cannot be read as such.
#[derive(Debug, Clone)]
pub enum FileProblem {
    /// A symbolic link whose target is outside the knowledge base.
    SymlinkOutside(PathBuf),
    /// A symbolic link that points nowhere.
    BrokenSymlink,
    /// A symbolic link that leads, through other links, back to itself.
    SymlinkLoop,
    /// Not a regular file (a FIFO, socket or device): never opened.
    NotRegular,
    /// A folder under the roots the walk could not read (in whole or in
    /// part): the lessons in it are not checked. Not a lesson itself, so
    /// the index and `new` leave it out.
    UnreadableFolder(String),
    /// Its name, or a folder's above it, is not UTF-8: no finding, link or
    /// index entry can name it, so it is reported, never read. The
    /// `LessonFile`'s path shows the bytes escaped (`caf\xE9.md`).
    InvalidName,
}

/// One entry of the lesson roots that looks like a lesson (a `*.md` file
/// that is not `README.md` and does not start with `_`), with the metadata
/// the index's freshness check compares. The one file type of the walk:
/// `check`, the index and `new` all list lessons through [`list_lessons`].
#[derive(Debug, Clone)]
pub struct LessonFile {
    /// Relative to the knowledge base root, `/` separators.
    pub path: String,
    pub size: u64,
    /// Nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
    /// Rare, so boxed: the walk holds one `LessonFile` per lesson.
    pub problem: Option<Box<FileProblem>>,
}

impl LessonFile {
    /// The file's name in its folder: the path's last part (every file the
    /// walk lists to be read is named in UTF-8; the others are reported).
    pub fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }

    /// Where the file is.
    pub fn abs(&self, kb: &KnowledgeBase) -> PathBuf {
        kb.root.join(&self.path)
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

/// A folder entry's name: UTF-8, or not (then the raw name, to descend
/// into, and how it is shown).
enum Name<'n> {
    Utf8(&'n str),
    Invalid(&'n std::ffi::OsStr),
}

/// A name that is not UTF-8 as it is shown: the invalid bytes as `\xNN`,
/// a backslash doubled (so it reads as in bash's `$'...'`).
pub fn escape_name(name: &std::ffi::OsStr) -> String {
    #[cfg(unix)]
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(name);
    #[cfg(not(unix))]
    let lossy = name.to_string_lossy();
    #[cfg(not(unix))]
    let bytes = lossy.as_bytes();
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        out.push_str(&chunk.valid().replace('\\', "\\\\"));
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// Calls `each` with the name and kind of every entry of a folder. On Unix
/// the names are not copied and files are looked at relative to the
/// folder: this loop runs once per lesson on every command.
/// `stat`: whether a regular file's size and change time are wanted
/// (the index compares them; `check` reads the files and needs neither).
#[cfg(unix)]
fn folder_entries(
    dir: &Path,
    stat: bool,
    mut each: impl FnMut(Name, Kind),
) -> std::io::Result<Folder> {
    use rustix::fs::{AtFlags, CWD, FileType, Mode, OFlags};
    let fd = rustix::fs::openat(
        CWD,
        dir,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
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
    let mut entry = |raw: &std::ffi::CStr, file_type: FileType| {
        let name = match raw.to_str() {
            Ok("." | "..") => return,
            Ok(name) => Name::Utf8(name),
            Err(_) => Name::Invalid(std::os::unix::ffi::OsStrExt::from_bytes(raw.to_bytes())),
        };
        let kind = match file_type {
            FileType::RegularFile if !stat => Kind::File(None),
            FileType::RegularFile | FileType::Unknown => {
                match rustix::fs::statat(&fd, raw, AtFlags::SYMLINK_NOFOLLOW) {
                    Ok(st) => kind_of(FileType::from_raw_mode(st.st_mode), Some(&st)),
                    Err(_) if file_type == FileType::RegularFile => Kind::File(None),
                    // Of unknown type and cannot be looked at: if it is
                    // named like a lesson, `check` tries it and says why
                    // it cannot be read.
                    Err(_) => Kind::File(None),
                }
            }
            other => kind_of(other, None),
        };
        each(name, kind);
    };
    // A folder that fails part-way is reported, not silently cut short.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        // The entries are read into one buffer and their names borrowed
        // from it: `Dir` copied each name into a string of its own (as many
        // allocations as lessons, on every command). An entry is at most
        // about 280 bytes, so it always fits.
        let mut buf = [std::mem::MaybeUninit::<u8>::uninit(); 32 * 1024];
        let mut entries = rustix::fs::RawDir::new(&fd, &mut buf);
        loop {
            match entries.next() {
                Some(Ok(read)) => entry(read.file_name(), read.file_type()),
                // As `Dir` does: a folder removed while it is read has no
                // more entries, and an interrupted read is tried again.
                None | Some(Err(rustix::io::Errno::NOENT)) => break,
                Some(Err(rustix::io::Errno::INTR)) => {}
                Some(Err(e)) => return Err(e.into()),
            }
        }
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let mut entries = rustix::fs::Dir::read_from(&fd)?;
        while let Some(read) = entries.read() {
            let read = read?;
            entry(read.file_name(), read.file_type());
        }
    }
    Ok(Folder { fd: Some(fd) })
}

#[cfg(not(unix))]
fn folder_entries(
    dir: &Path,
    _stat: bool,
    mut each: impl FnMut(Name, Kind),
) -> std::io::Result<Folder> {
    let entries = std::fs::read_dir(dir)?;
    for entry in entries.flatten() {
        let raw = entry.file_name();
        let name = match raw.to_str() {
            Some(name) => Name::Utf8(name),
            None => Name::Invalid(&raw),
        };
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
    Ok(Folder {
        path: Some(dir.to_path_buf()),
    })
}

/// A folder of the walk, whose files are read by name: on Unix relative
/// to the open folder, with no lookup of the whole path per file.
pub struct Folder {
    /// `None` for a folder that could not be opened.
    #[cfg(unix)]
    fd: Option<rustix::fd::OwnedFd>,
    #[cfg(not(unix))]
    path: Option<PathBuf>,
}

impl Folder {
    fn none() -> Folder {
        #[cfg(unix)]
        return Folder { fd: None };
        #[cfg(not(unix))]
        return Folder { path: None };
    }

    /// Reads the file `name` of this folder into `buf` (cleared first),
    /// at most `limit` bytes: `Some(size)` when the file is larger, and
    /// then `buf` holds only its start.
    pub fn read_limited(
        &self,
        name: &str,
        limit: u64,
        buf: &mut Vec<u8>,
    ) -> std::io::Result<Option<u64>> {
        use std::io::Read;
        buf.clear();
        let unreadable = || std::io::Error::other("its folder cannot be read");
        #[cfg(unix)]
        let file = std::fs::File::from(rustix::fs::openat(
            self.fd.as_ref().ok_or_else(unreadable)?,
            name,
            rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::CLOEXEC,
            rustix::fs::Mode::empty(),
        )?);
        #[cfg(not(unix))]
        let file = std::fs::File::open(self.path.as_ref().ok_or_else(unreadable)?.join(name))?;
        (&file).take(limit.saturating_add(1)).read_to_end(buf)?;
        if buf.len() as u64 > limit {
            let size = file.metadata().map_or(buf.len() as u64, |m| m.len());
            return Ok(Some(size));
        }
        Ok(None)
    }
}

/// The work of a walk, gathered once at the end: concatenating up the
/// recursion would copy every entry once per level.
type Chunks<T> = std::sync::Mutex<Vec<Vec<(LessonFile, T)>>>;

/// What a walk does: whether it looks at each file's size and change
/// time, and what it does with each file.
struct Walk<'s, F> {
    kb: &'s KnowledgeBase,
    stat: bool,
    each: &'s F,
}

/// Files of a folder handled by one task: a folder of thousands of
/// lessons still keeps every core busy.
const FILES_PER_TASK: usize = 64;

/// One folder of [`list_lessons`]' walk; its subfolders in parallel.
/// `named`: `rel` is the folder's real path (every name on it is
/// UTF-8); below a folder whose name is not, no file can be read by
/// its shown path.
fn visit<'s, T, F>(
    scope: &rayon::Scope<'s>,
    walk: &'s Walk<'s, F>,
    dir: PathBuf,
    rel: String,
    named: bool,
    chunks: &'s Chunks<T>,
) where
    T: Send + 's,
    F: Fn(&LessonFile, &Folder) -> T + Sync,
{
    let kb = walk.kb;
    let mut out = Vec::new();
    let opened = folder_entries(&dir, walk.stat, |name, kind| {
        let (raw, name, named) = match name {
            Name::Utf8(name) => (
                std::ffi::OsStr::new(name),
                std::borrow::Cow::Borrowed(name),
                named,
            ),
            Name::Invalid(raw) => (raw, std::borrow::Cow::Owned(escape_name(raw)), false),
        };
        if name.starts_with('.') {
            return;
        }
        let mut path = String::with_capacity(rel.len() + 1 + name.len());
        if !rel.is_empty() {
            path.push_str(&rel);
            path.push('/');
        }
        path.push_str(&name);
        if let Kind::Folder = kind {
            let sub = dir.join(raw);
            scope.spawn(move |scope| visit(scope, walk, sub, path, named, chunks));
            return;
        }
        if !is_lesson_name(&name) {
            return;
        }
        if !named {
            // Reported (`check` fails on it) rather than silently skipped.
            out.push(LessonFile {
                path,
                size: 0,
                mtime_ns: 0,
                problem: Some(Box::new(FileProblem::InvalidName)),
            });
            return;
        }
        let name = raw;
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
        out.push(LessonFile {
            path,
            size: meta.map_or(0, |m| m.0),
            mtime_ns: meta.map_or(0, |m| m.1),
            problem: problem.map(Box::new),
        });
    });
    let folder = match opened {
        Ok(folder) => folder,
        Err(e) => {
            out.push(LessonFile {
                // A root of "." is the knowledge base's own folder.
                path: if rel.is_empty() { ".".to_string() } else { rel },
                size: 0,
                mtime_ns: 0,
                problem: Some(Box::new(FileProblem::UnreadableFolder(e.to_string()))),
            });
            // Only the folder's own problem is listed: no file to read.
            Folder::none()
        }
    };
    if out.is_empty() {
        return;
    }
    out.sort_unstable_by(|a, b| a.path.cmp(&b.path));
    // The files are handled here and in tasks of their own, while the
    // walk goes on.
    let handle = move |files: Vec<LessonFile>| {
        let done: Vec<(LessonFile, T)> = files
            .into_iter()
            .map(|file| {
                let value = (walk.each)(&file, &folder);
                (file, value)
            })
            .collect();
        chunks.lock().unwrap_or_else(|e| e.into_inner()).push(done);
    };
    let handle = Arc::new(handle);
    // Tasks are cut from the end (splitting off the start copied the rest
    // each time: a folder's files over and over). Their order does not
    // matter: the chunks are put in order at the end.
    while out.len() > FILES_PER_TASK {
        let last = out.split_off(out.len() - FILES_PER_TASK);
        let handle = Arc::clone(&handle);
        scope.spawn(move |_| handle(last));
    }
    handle(out);
}

/// Every lesson file under the roots with its size and modification time,
/// in path order: one pass of directory reads and `fstatat` calls relative
/// to each directory (no path lookups), folders in parallel. This is the
/// whole cost of checking that the index is fresh. A folder that cannot be
/// read is listed (with its problem), so that `check` reports it.
pub fn list_lessons(kb: &KnowledgeBase) -> Vec<LessonFile> {
    walk_lessons(kb, true, |_, _| ())
        .into_iter()
        .map(|(file, ())| file)
        .collect()
}

/// Every lesson file under the roots, as [`list_lessons`] finds them
/// (with their size and change time when `stat`), each with what `each`
/// made of it, in path order. `each` runs on every core while the walk
/// goes on, and reads the file through its [`Folder`]: `check` reads and
/// checks every lesson in the one walk.
pub fn walk_lessons<T, F>(kb: &KnowledgeBase, stat: bool, each: F) -> Vec<(LessonFile, T)>
where
    T: Send,
    F: Fn(&LessonFile, &Folder) -> T + Sync,
{
    use std::sync::Mutex;
    let chunks: Chunks<T> = Mutex::new(Vec::new());
    let walk = Walk {
        kb,
        stat,
        each: &each,
    };
    rayon::scope(|scope| {
        for root in &kb.config.roots {
            let dir = kb.root.join(root);
            // A missing root is warned about by the commands, not listed.
            if !dir.is_dir() {
                continue;
            }
            if let Some(rel) = kb.relative(&dir) {
                let (walk, chunks) = (&walk, &chunks);
                scope.spawn(move |scope| visit(scope, walk, dir, rel, true, chunks));
            }
        }
    });
    // Each chunk's files are sorted: ordering the chunks by their first
    // file usually gives the whole list in path order, checked in one pass
    // (files beside subfolders can interleave; then sort it all).
    let mut chunks = chunks.into_inner().unwrap_or_else(|e| e.into_inner());
    chunks.sort_unstable_by(|a, b| a[0].0.path.cmp(&b[0].0.path));
    let mut out = Vec::with_capacity(chunks.iter().map(Vec::len).sum());
    for chunk in chunks {
        out.extend(chunk);
    }
    if !out.is_sorted_by(|a, b| a.0.path <= b.0.path) {
        use rayon::slice::ParallelSliceMut;
        out.par_sort_unstable_by(|a, b| a.0.path.cmp(&b.0.path));
    }
    // Roots may overlap.
    out.dedup_by(|a, b| a.0.path == b.0.path);
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
        Err(e) if is_loop(&e) => Some(FileProblem::SymlinkLoop),
        Err(_) => Some(FileProblem::BrokenSymlink),
    }
}

/// Whether resolving a path failed on a loop of symbolic links (ELOOP):
/// its fix is not the fix of a missing target.
fn is_loop(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    {
        rustix::io::Errno::from_io_error(e) == Some(rustix::io::Errno::LOOP)
    }
    // Elsewhere a loop reads as a missing target (the kind that names
    // it is not stable).
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

/// Reads a lesson file found before (to index it, or to show it): at most
/// `limit` bytes, and nothing if it is no longer a regular file.
pub fn read_file(path: &std::path::Path, limit: u64) -> Vec<u8> {
    let mut buf = Vec::new();
    if std::fs::metadata(path).is_ok_and(|m| m.is_file())
        && let Ok(f) = std::fs::File::open(path)
    {
        let _ = std::io::Read::read_to_end(&mut std::io::Read::take(f, limit), &mut buf);
    }
    buf
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder of more files than one task takes, files beside
    /// subfolders whose names sort between them: the walk lists each
    /// lesson once, in path order, and reads each through its folder.
    #[test]
    fn walk_reads_every_lesson_once_in_path_order() {
        let dir = tempfile::tempdir().unwrap();
        let lessons = dir.path().join("lessons");
        let mut expected = Vec::new();
        for i in 0..(FILES_PER_TASK * 3 + 5) {
            let name = format!("b-{i:04}.md");
            std::fs::create_dir_all(&lessons).unwrap();
            std::fs::write(lessons.join(&name), format!("lesson {name}")).unwrap();
            expected.push(format!("lessons/{name}"));
        }
        for sub in ["a", "b-0001x", "c"] {
            std::fs::create_dir_all(lessons.join(sub)).unwrap();
            std::fs::write(lessons.join(sub).join("x.md"), format!("lesson {sub}/x.md")).unwrap();
            expected.push(format!("lessons/{sub}/x.md"));
        }
        std::fs::write(lessons.join("notes.txt"), "not a lesson").unwrap();
        expected.sort();
        let located = KnowledgeBase::locate(Some(dir.path()), dir.path()).unwrap();
        let kb = KnowledgeBase::new(located, Config::default());
        let walked = walk_lessons(&kb, false, |file, folder| {
            let mut buf = Vec::new();
            assert_eq!(
                folder.read_limited(file.name(), 1 << 20, &mut buf).unwrap(),
                None
            );
            String::from_utf8(buf).unwrap()
        });
        let paths: Vec<&str> = walked.iter().map(|(f, _)| f.path.as_str()).collect();
        assert_eq!(paths, expected);
        // Each file read from its own folder (three are named x.md).
        for (file, text) in &walked {
            let rel = file.path.strip_prefix("lessons/").unwrap();
            assert_eq!(text, &format!("lesson {rel}"));
        }
        // The listing is the same walk, with sizes.
        let listed = list_lessons(&kb);
        assert_eq!(
            listed.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(),
            expected
        );
        assert!(listed.iter().all(|f| f.size > 0));
        // A file over the limit: its size.
        let (file, _) = &walked[0];
        let folder_of = walk_lessons(&kb, false, |f, folder| {
            (f.path == file.path).then(|| {
                folder
                    .read_limited(file.name(), 3, &mut Vec::new())
                    .unwrap()
            })
        });
        let big = folder_of.iter().find_map(|(_, r)| *r).unwrap();
        let rel = file.path.strip_prefix("lessons/").unwrap();
        assert_eq!(big, Some(format!("lesson {rel}").len() as u64));
    }
}
