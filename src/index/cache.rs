//! The cache folder: where it lives, its lock, and its generations.
//!
//! Layout:
//! - `lock`: held while writing (updates and rebuilds);
//! - `current`: the name of the generation in use;
//! - `gen-*/`: a generation: the Tantivy index, and the side files named
//!   in its commit payload (`manifest-*.tsv`, `facts-*.bin`, `words-*.fst`)
//!   with the schema version and the git HEAD it reflects.
//!
//! A rebuild writes a new generation and switches `current` to it in one
//! rename, so readers never see a half-written index.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tantivy::{Index, IndexReader, ReloadPolicy};

use super::error::{IndexError, RebuildReason};
use super::schema::{self, Fields, SCHEMA_VERSION};
use super::{Event, Observer, directory, mapped, verify};
use crate::repo::KnowledgeBase;

/// How long a second process waits for the one updating the index.
const LOCK_WAIT: Duration = Duration::from_secs(30);

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Payload {
    pub(super) schema: u32,
    pub(super) manifest: String,
    /// The report facts (see [`facts`]).
    pub(super) facts: String,
    /// Their xxh3 hash: reading them checks it.
    pub(super) facts_hash: String,
    /// The words of the lessons as written (see [`words`]).
    pub(super) words: String,
    /// The xxh3 hashes of the manifest and the words, checked when a
    /// generation is opened (see `verify`); absent in an index written
    /// before they were recorded.
    #[serde(default)]
    pub(super) manifest_hash: Option<String>,
    #[serde(default)]
    pub(super) words_hash: Option<String>,
    pub(super) head: Option<String>,
    /// A hash of `lessons.toml`: roots and the size limit decide what is
    /// indexed, so a changed configuration means a rebuild. In a shallow
    /// clone, `+shallow:` and a hash of its boundary follow: fetching more
    /// history can tell who added a lesson, so that rebuilds too.
    pub(super) config: String,
}

/// Where the cache lives.
pub fn cache_dir(kb: &KnowledgeBase) -> PathBuf {
    if let Some(dir) = std::env::var_os("LESSONS_CACHE_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let key = |s: &str| format!("{:016x}", xxhash_rust::xxh3::xxh3_64(s.as_bytes()));
    if let Some(git) = &kb.git {
        let rel = kb.root.strip_prefix(&git.workdir).unwrap_or(Path::new(""));
        let name = if rel.as_os_str().is_empty() {
            "index".to_string()
        } else {
            format!("index-{}", key(&rel.to_string_lossy()))
        };
        return git.git_dir.join("lessons").join(name);
    }
    user_cache_dir(kb)
}

/// The knowledge base's folder in the user's cache (`$XDG_CACHE_HOME`,
/// else `~/.cache`): a plain folder's cache, and a repository's when its
/// git directory cannot be written.
pub(super) fn user_cache_dir(kb: &KnowledgeBase) -> PathBuf {
    let key = |s: &str| format!("{:016x}", xxhash_rust::xxh3::xxh3_64(s.as_bytes()));
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("lessons").join(key(&kb.root.to_string_lossy()))
}

/// A generation opened for reading.
pub(super) struct Generation {
    pub(super) dir: PathBuf,
    pub(super) index: Index,
    pub(super) fields: Fields,
    pub(super) payload: Payload,
    /// The manifest, parsed as needed.
    pub(super) manifest: mapped::Mapped,
    /// The report facts, opened (not read) with the generation.
    pub(super) facts: std::fs::File,
    /// Tantivy's `meta.json` and `.managed.json` as they were read before
    /// the index was opened (see [`Generation::is_current`]).
    tantivy_state: u64,
}

/// A hash of what Tantivy keeps about a generation's commits and files:
/// every commit, merge or segment write by any process changes it.
fn tantivy_state(dir: &Path) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for name in ["meta.json", ".managed.json"] {
        // A file that cannot be read hashes as empty; it differs from the
        // file once it can be read.
        let bytes = std::fs::read(dir.join("tantivy").join(name)).unwrap_or_default();
        hasher.update(&(bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
    }
    hasher.digest()
}

impl Generation {
    pub(super) fn open(cache: &Path) -> Result<Generation, RebuildReason> {
        let name =
            std::fs::read_to_string(cache.join("current")).map_err(|_| RebuildReason::NoIndex)?;
        let dir = cache.join(name.trim());
        // Read first: a change after this makes the generation look stale
        // (opened again), never current when it is not.
        let tantivy_state = tantivy_state(&dir);
        let folder = directory::Folder::open(&dir.join("tantivy"))
            .map_err(|e| RebuildReason::unreadable("the index cannot be opened", e))?;
        let index = Index::open(folder)
            .map_err(|e| RebuildReason::unreadable("the index cannot be opened", e))?;
        schema::register_tokenizers(&index);
        let meta = index
            .load_metas()
            .map_err(|e| RebuildReason::unreadable("the index metadata is unreadable", e))?;
        let raw: serde_json::Value = meta
            .payload
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok())
            .ok_or(RebuildReason::Unreadable {
                what: "the index has no payload",
                detail: None,
            })?;
        let schema = raw.get("schema").and_then(serde_json::Value::as_u64);
        if schema != Some(u64::from(SCHEMA_VERSION)) {
            return Err(RebuildReason::OtherVersion(schema));
        }
        let payload: Payload = serde_json::from_value(raw)
            .map_err(|e| RebuildReason::unreadable("the index payload is unreadable", e))?;
        let fields = Fields::from_schema(&index.schema())
            .map_err(|e| RebuildReason::unreadable("the index schema differs", e))?;
        verify::check(&dir, &index, &payload)?;
        let manifest = mapped::Mapped::open(&dir.join(&payload.manifest))
            .map_err(|e| RebuildReason::unreadable("the index manifest is unreadable", e))?;
        let facts = mapped::open_regular(&dir.join(&payload.facts))
            .map_err(|e| RebuildReason::unreadable("the report facts are unreadable", e))?;
        Ok(Generation {
            dir,
            index,
            fields,
            payload,
            manifest,
            facts,
            tantivy_state,
        })
    }

    /// Whether this is still the cache's current generation, unchanged
    /// since it was opened: then what was read of it before taking the
    /// lock (its verification, its plan, the `Index` and its list of
    /// files) still holds, and is not read again. Another process's
    /// commit, merge or abandoned write changes Tantivy's files.
    pub(super) fn is_current(&self, cache: &Path) -> bool {
        std::fs::read_to_string(cache.join("current"))
            .is_ok_and(|name| cache.join(name.trim()) == self.dir)
            && tantivy_state(&self.dir) == self.tantivy_state
    }

    pub(super) fn manifest(&self) -> Result<&str, RebuildReason> {
        self.manifest
            .text()
            .map_err(|e| RebuildReason::unreadable("the index manifest is unreadable", e))
    }

    pub(super) fn reader(&self) -> Result<IndexReader, RebuildReason> {
        self.index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| RebuildReason::unreadable("the index cannot be read", e))
    }
}

/// Holds the cache's lock file; released when dropped.
pub(super) struct Lock {
    _file: std::fs::File,
}

pub(super) fn lock(cache: &Path, observer: &dyn Observer) -> Result<Lock, IndexError> {
    let path = cache.join("lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| IndexError::write(format!("cannot open {}", path.display()), e))?;
    let started = Instant::now();
    let mut said = false;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(Lock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => {
                if started.elapsed() > LOCK_WAIT {
                    return Err(IndexError::Busy {
                        seconds: LOCK_WAIT.as_secs(),
                        lock: path,
                    });
                }
                if !said && started.elapsed() > Duration::from_millis(300) {
                    observer.event(Event::Waiting);
                    said = true;
                }
                std::thread::sleep(Duration::from_millis(25));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(IndexError::write(
                    format!("cannot lock {}", path.display()),
                    e,
                ));
            }
        }
    }
}

/// Makes the generation `name` the one in use (one rename), then removes
/// the older ones: readers that still have them open keep their files
/// until they close them.
pub(super) fn switch_to(cache: &Path, name: &str) -> Result<(), IndexError> {
    let current_tmp = cache.join("current.tmp");
    std::fs::File::create(&current_tmp)
        .and_then(|mut f| f.write_all(name.as_bytes()).and_then(|_| f.sync_all()))
        .and_then(|_| std::fs::rename(&current_tmp, cache.join("current")))
        .map_err(|e| IndexError::write("cannot switch to the new index", e))?;
    remove_leftovers(cache);
    Ok(())
}

/// Removes the generations not in use whose writer is gone: older ones,
/// and the unfinished ones of a build that was killed or ran out of disk
/// (each up to tens of megabytes). Called under the lock, so no live
/// process is writing one; a generation named after a live process is
/// kept all the same, in case the lock is not honoured (some network
/// file systems).
pub(super) fn remove_leftovers(cache: &Path) {
    let current = std::fs::read_to_string(cache.join("current")).unwrap_or_default();
    let Ok(entries) = std::fs::read_dir(cache) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().to_string();
        let Some(rest) = file.strip_prefix("gen-") else {
            continue;
        };
        if file == current.trim() {
            continue;
        }
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        if let Some(pid) = pid
            && pid != std::process::id()
            && alive(pid, &entry.path())
        {
            continue;
        }
        let _ = std::fs::remove_dir_all(entry.path());
    }
}

/// Whether process `pid`, which wrote the generation `dir`, may still be
/// writing it.
fn alive(pid: u32, dir: &Path) -> bool {
    if cfg!(target_os = "linux") {
        return Path::new("/proc").join(pid.to_string()).exists();
    }
    // Elsewhere, without /proc: a build writes steadily, so a folder left
    // untouched for an hour is abandoned.
    std::fs::metadata(dir)
        .and_then(|m| m.modified())
        .is_ok_and(|t| t.elapsed().is_ok_and(|age| age < Duration::from_secs(3600)))
}
