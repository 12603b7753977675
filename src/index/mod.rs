//! The search index: a Tantivy index kept in step with the lesson files.
//!
//! It lives outside the tracked files (under the git directory, or a cache
//! folder for a plain folder) and is only a cache: the files are the truth.
//! Every command that reads it first brings it up to date, at the cost of
//! one pass of directory reads and file metadata: a file is read again only
//! when its size or modification time changed, and git history is walked
//! only over commits made since the last update.
//!
//! Layout of the cache folder:
//! - `lock`: held while writing (updates and rebuilds);
//! - `current`: the name of the generation in use;
//! - `gen-*/`: a generation: the Tantivy index, and `manifest-N.tsv`, what
//!   was indexed (named in the commit payload with the schema version and
//!   the git HEAD it reflects).
//!
//! A rebuild writes a new generation and switches `current` to it in one
//! rename, so readers never see a half-written index.

pub mod document;
pub mod facts;
pub mod history;
pub mod manifest;
mod mapped;
pub mod schema;
pub mod words;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tantivy::indexer::{LogMergePolicy, NoMergePolicy};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Term};

use crate::Error;
use crate::config::Config;
use crate::parse;
use crate::repo::{self, KnowledgeBase, LessonFile, Stat};
use manifest::{Entry, GitMeta, Manifest};
use schema::{Fields, SCHEMA_VERSION};

/// How long a second process waits for the one updating the index.
const LOCK_WAIT: Duration = Duration::from_secs(30);
/// Writer memory for a full build (shared by its threads) and for updates.
const BUILD_MEMORY: usize = 96 * 1024 * 1024;
const UPDATE_MEMORY: usize = 32 * 1024 * 1024;

/// What an update did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncStats {
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    /// Removals and additions of the same content (also counted in
    /// `added` and `removed`).
    pub renamed: usize,
    /// Lessons in the index after the update.
    pub lessons: usize,
    /// Why the index was built from scratch, if it was.
    pub rebuilt: Option<String>,
}

impl SyncStats {
    pub fn changed(&self) -> bool {
        self.added + self.updated + self.removed > 0 || self.rebuilt.is_some()
    }
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Build from scratch even if the index is sound.
    pub rebuild: bool,
    /// Show a progress bar on stderr for long builds (terminal only).
    pub progress: bool,
}

/// An up-to-date index, ready to search.
pub struct SearchIndex {
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
    pub stats: SyncStats,
    /// The report facts of this commit of the index, opened with the index
    /// (a concurrent update may remove the file; the open file stays).
    facts_file: std::fs::File,
    /// Their hash, from the commit payload.
    facts_hash: String,
    /// The words file of this commit (see [`words`]), opened on first use.
    words_path: PathBuf,
    words: std::sync::OnceLock<Option<words::Words>>,
}

impl SearchIndex {
    /// What reports need of every indexed lesson (decode it for the
    /// records, in path order), checked against the hash the index
    /// committed: a damaged file is an error the caller answers with a
    /// rebuild (see [`facts_damaged`]).
    pub fn facts(&self) -> Result<facts::FactsFile, Error> {
        let file =
            facts::FactsFile::map(&self.facts_file).map_err(|e| index_error(FACTS_DAMAGED, e))?;
        if file.hash() != self.facts_hash {
            return Err(index_error(
                FACTS_DAMAGED,
                "they do not match their checksum",
            ));
        }
        Ok(file)
    }
}

impl SearchIndex {
    /// The words of the lessons as written, if their file can be read (a
    /// damaged one only turns typo correction and `prefix*` off).
    pub fn words(&self) -> Option<&words::Words> {
        self.words
            .get_or_init(|| words::Words::open(&self.words_path).ok())
            .as_ref()
    }
}

const FACTS_DAMAGED: &str = "the report facts are damaged";

/// Whether `e` says the report facts are damaged (rebuild the index).
pub fn facts_damaged(e: &Error) -> bool {
    matches!(e, Error::Index(m) if m.starts_with(FACTS_DAMAGED))
}

#[derive(Debug, Serialize, Deserialize)]
struct Payload {
    schema: u32,
    manifest: String,
    /// The report facts (see [`facts`]).
    facts: String,
    /// Their xxh3 hash: reading them checks it.
    facts_hash: String,
    /// The words of the lessons as written (see [`words`]).
    words: String,
    head: Option<String>,
    /// A hash of `lessons.toml`: roots and the size limit decide what is
    /// indexed, so a changed configuration means a rebuild. In a shallow
    /// clone, `+shallow:` and a hash of its boundary follow: fetching more
    /// history can tell who added a lesson, so that rebuilds too.
    config: String,
}

/// Whether walking the commits since the indexed HEAD tells what changed
/// in history: not when HEAD went back to an ancestor or to another branch
/// (who last changed a lesson may then differ), which rebuilds.
fn head_follows(kb: &KnowledgeBase, head: &Option<String>, indexed: &Option<String>) -> bool {
    match (head, indexed) {
        (Some(h), Some(i)) => h == i || history::descends(kb, h, i),
        (None, None) | (Some(_), None) => true,
        (None, Some(_)) => false,
    }
}

/// The hash of the knowledge base's `lessons.toml` ("none" without one),
/// and of the shallow boundary of a shallow clone (see [`Payload`]).
fn config_hash(kb: &KnowledgeBase, shallow_boundary: Option<String>) -> String {
    let mut stamp = match std::fs::read(kb.root.join(crate::config::FILE_NAME)) {
        Ok(bytes) => format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&bytes)),
        Err(_) => "none".to_string(),
    };
    if let Some(boundary) = shallow_boundary {
        stamp.push_str("+shallow:");
        stamp.push_str(&boundary);
    }
    stamp
}

/// Why an index stamped `old` is stale under `new` (see [`config_hash`]).
fn stamp_change(old: &str, new: &str) -> &'static str {
    let config = |s: &str| s.split("+shallow:").next().unwrap_or("").to_string();
    if config(old) != config(new) {
        "lessons.toml changed"
    } else {
        "the clone's git history was deepened or cut"
    }
}

/// Where the cache lives.
pub fn cache_dir(kb: &KnowledgeBase) -> PathBuf {
    if let Some(dir) = std::env::var_os("LESSONS_CACHE_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let key = |s: &str| format!("{:016x}", xxhash_rust::xxh3::xxh3_64(s.as_bytes()));
    if let Ok(repo) = git2::Repository::discover(&kb.root)
        && let Some(workdir) = repo.workdir().and_then(|w| w.canonicalize().ok())
    {
        let rel = kb.root.strip_prefix(&workdir).unwrap_or(Path::new(""));
        let name = if rel.as_os_str().is_empty() {
            "index".to_string()
        } else {
            format!("index-{}", key(&rel.to_string_lossy()))
        };
        return repo.path().join("lessons").join(name);
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("lessons").join(key(&kb.root.to_string_lossy()))
}

fn index_error(context: &str, e: impl std::fmt::Display) -> Error {
    Error::Index(format!("{context}: {e}"))
}

/// A generation opened for reading.
struct Generation {
    dir: PathBuf,
    index: Index,
    fields: Fields,
    payload: Payload,
    /// The manifest, parsed as needed.
    manifest: mapped::Mapped,
    /// The report facts, opened (not read) with the generation.
    facts: std::fs::File,
}

impl Generation {
    fn open(cache: &Path) -> Result<Generation, String> {
        let name = std::fs::read_to_string(cache.join("current"))
            .map_err(|_| "no index yet".to_string())?;
        let dir = cache.join(name.trim());
        let index = Index::open_in_dir(dir.join("tantivy"))
            .map_err(|e| format!("the index cannot be opened ({e})"))?;
        schema::register_tokenizers(&index);
        let meta = index
            .load_metas()
            .map_err(|e| format!("the index metadata is unreadable ({e})"))?;
        let raw: serde_json::Value = meta
            .payload
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok())
            .ok_or("the index has no payload")?;
        let schema = raw.get("schema").and_then(serde_json::Value::as_u64);
        if schema != Some(u64::from(SCHEMA_VERSION)) {
            return Err(format!(
                "the index is from another version (schema {}, this is {SCHEMA_VERSION})",
                schema.map_or_else(|| "unknown".to_string(), |s| s.to_string())
            ));
        }
        let payload: Payload = serde_json::from_value(raw)
            .map_err(|e| format!("the index payload is unreadable ({e})"))?;
        let fields = Fields::from_schema(&index.schema())
            .map_err(|e| format!("the index schema differs ({e})"))?;
        let manifest = mapped::Mapped::open(&dir.join(&payload.manifest))
            .map_err(|e| format!("the index manifest is unreadable ({e})"))?;
        let facts = mapped::open_regular(&dir.join(&payload.facts))
            .map_err(|e| format!("the report facts are unreadable ({e})"))?;
        Ok(Generation {
            dir,
            index,
            fields,
            payload,
            manifest,
            facts,
        })
    }

    fn manifest(&self) -> Result<&str, String> {
        self.manifest
            .text()
            .map_err(|e| format!("the index manifest is unreadable ({e})"))
    }

    fn reader(&self) -> Result<IndexReader, String> {
        self.index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| format!("the index cannot be read ({e})"))
    }
}

/// What differs between the manifest and the files.
#[derive(Default)]
struct Plan<'a> {
    /// New files, and files whose size or modification time changed.
    candidates: Vec<&'a Stat>,
    removed: Vec<String>,
    head_moved: bool,
}

impl Plan<'_> {
    fn is_empty(&self) -> bool {
        self.candidates.is_empty() && self.removed.is_empty() && !self.head_moved
    }
}

/// Compares the files (sorted by path) with the manifest (written sorted
/// by path) in one merge pass; on large knowledge bases, the two halves in
/// parallel.
fn plan<'a>(
    manifest: &str,
    files: &'a [Stat],
    head: &Option<String>,
    indexed_head: &Option<String>,
) -> Result<Plan<'a>, String> {
    let unreadable = |e: std::io::Error| format!("the index manifest is unreadable ({e})");
    let body = manifest::body(manifest).map_err(unreadable)?;
    let (mut candidates, mut removed) = if files.len() > 20_000
        && let Some((first, second, middle)) = manifest::split_body(body)
    {
        let at = files.partition_point(|f| f.path.as_str() < middle.as_ref());
        let (a, b) = rayon::join(
            || merge(first, &files[..at]),
            || merge(second, &files[at..]),
        );
        let (mut a, b) = (a.map_err(unreadable)?, b.map_err(unreadable)?);
        a.0.extend(b.0);
        a.1.extend(b.1);
        a
    } else {
        merge(body, files).map_err(unreadable)?
    };
    candidates.shrink_to_fit();
    removed.shrink_to_fit();
    Ok(Plan {
        candidates,
        removed,
        head_moved: head != indexed_head,
    })
}

/// Files new or changed, and manifest paths gone: a merge of two sorted
/// sequences.
fn merge<'a>(body: &str, files: &'a [Stat]) -> std::io::Result<(Vec<&'a Stat>, Vec<String>)> {
    let mut candidates = Vec::new();
    let mut removed = Vec::new();
    let mut entries = manifest::stat_body(body).peekable();
    let mut files = files.iter().peekable();
    loop {
        if let Some(Err(_)) = entries.peek() {
            let Some(Err(e)) = entries.next() else {
                unreachable!("just peeked")
            };
            return Err(e);
        }
        let order = match (files.peek(), entries.peek()) {
            (None, None) => break,
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some(f), Some(Ok((path, _, _)))) => f.path.as_str().cmp(path.as_ref()),
            (Some(_), Some(Err(_))) => unreachable!("errors returned above"),
        };
        match order {
            std::cmp::Ordering::Less => candidates.extend(files.next()),
            std::cmp::Ordering::Greater => {
                if let Some(Ok((path, _, _))) = entries.next() {
                    removed.push(path.into_owned());
                }
            }
            std::cmp::Ordering::Equal => {
                let (Some(f), Some(Ok((_, size, mtime)))) = (files.next(), entries.next()) else {
                    unreachable!("both peeked")
                };
                if size != f.size || mtime != f.mtime_ns {
                    candidates.push(f);
                }
            }
        }
    }
    Ok((candidates, removed))
}

/// Prints how long each step took when `LESSONS_TIMINGS` is set: for
/// benchmarks and for users wondering where the time goes.
pub struct Timings {
    on: bool,
    last: Instant,
}

impl Timings {
    pub fn new() -> Timings {
        Timings {
            on: std::env::var_os("LESSONS_TIMINGS").is_some(),
            last: Instant::now(),
        }
    }

    pub fn step(&mut self, what: &str) {
        if self.on {
            // Resident memory too: on a fresh page every megabyte costs time.
            let rss = std::fs::read_to_string("/proc/self/statm")
                .ok()
                .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
                .map(|pages| format!(", {} MB resident", pages * 4096 / 1_000_000))
                .unwrap_or_default();
            eprintln!(
                "timing: {what}: {:.1} ms{rss}",
                self.last.elapsed().as_secs_f64() * 1000.0
            );
            self.last = Instant::now();
        }
    }
}

impl Default for Timings {
    fn default() -> Self {
        Timings::new()
    }
}

/// Opens the index for `kb`, bringing it up to date first.
pub fn open(kb: &KnowledgeBase, options: &Options) -> Result<SearchIndex, Error> {
    let mut timings = Timings::new();
    let cache = cache_dir(kb);
    std::fs::create_dir_all(&cache)
        .map_err(|e| index_error(&format!("cannot create {}", cache.display()), e))?;
    timings.step("locate the cache");
    let files = repo::scan_lessons(kb);
    timings.step("scan files (readdir + fstatat)");
    let (head, boundary) = history::head(kb);
    let config = config_hash(kb, boundary);
    timings.step("read git HEAD");
    let mut reason = if options.rebuild {
        Some("rebuild requested".to_string())
    } else {
        None
    };
    if reason.is_none() {
        // The common case takes no lock: nothing changed.
        match Generation::open(&cache) {
            Ok(generation) if generation.payload.config != config => {
                reason = Some(stamp_change(&generation.payload.config, &config).to_string());
            }
            Ok(generation) if !head_follows(kb, &head, &generation.payload.head) => {
                reason = Some(
                    "git HEAD moved to a commit that does not descend from the indexed one"
                        .to_string(),
                );
            }
            Ok(generation) => {
                timings.step("open the index, read the manifest");
                let fresh = generation
                    .manifest()
                    .and_then(|m| plan(m, &files, &head, &generation.payload.head))
                    .is_ok_and(|p| p.is_empty());
                timings.step("compare with the manifest");
                if fresh {
                    let reader = generation.reader().map_err(Error::Index)?;
                    timings.step("open a reader");
                    let lessons = reader.searcher().num_docs() as usize;
                    return Ok(SearchIndex {
                        words_path: generation.dir.join(&generation.payload.words),
                        words: Default::default(),
                        facts_file: generation.facts,
                        facts_hash: generation.payload.facts_hash,
                        index: generation.index,
                        reader,
                        fields: generation.fields,
                        stats: SyncStats {
                            lessons,
                            ..SyncStats::default()
                        },
                    });
                }
            }
            Err(why) => reason = Some(why),
        }
    }
    let _lock = lock(&cache)?;
    // Another process may have done the work while we waited.
    let generation = if options.rebuild {
        None
    } else {
        Generation::open(&cache)
            .ok()
            .filter(|g| g.payload.config == config && head_follows(kb, &head, &g.payload.head))
    };
    match generation {
        Some(generation) => match update(kb, generation, &files, head.clone(), &config) {
            // A damaged manifest or facts file: the files are the truth.
            Err(Error::Index(why)) => {
                eprintln!("note: rebuilding the search index: {why}");
                rebuild(kb, &cache, &files, head, why, options.progress, &config)
            }
            result => result,
        },
        None => {
            let why = reason.unwrap_or_else(|| "the index is unreadable".to_string());
            if why != "no index yet" && why != "rebuild requested" {
                eprintln!("note: rebuilding the search index: {why}");
            }
            rebuild(kb, &cache, &files, head, why, options.progress, &config)
        }
    }
}

/// Holds the cache's lock file; released when dropped.
struct Lock {
    _file: std::fs::File,
}

fn lock(cache: &Path) -> Result<Lock, Error> {
    let path = cache.join("lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| index_error(&format!("cannot open {}", path.display()), e))?;
    let started = Instant::now();
    let mut said = false;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(Lock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => {
                if started.elapsed() > LOCK_WAIT {
                    return Err(Error::Index(format!(
                        "another lessons process has been updating the search index for {}s; try again when it is done (lock: {})",
                        LOCK_WAIT.as_secs(),
                        path.display()
                    )));
                }
                if !said && started.elapsed() > Duration::from_millis(300) {
                    eprintln!(
                        "note: waiting for another lessons process to finish updating the search index"
                    );
                    said = true;
                }
                std::thread::sleep(Duration::from_millis(25));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(index_error(&format!("cannot lock {}", path.display()), e));
            }
        }
    }
}

/// Reads, parses and hashes one file, and builds its document. Files that
/// `check` would not read (links out of the knowledge base, pipes, files
/// over the size limit, unreadable ones) get no document and hash 0; they
/// are still recorded, so they do not look new on every run.
fn read_document(
    fields: &Fields,
    config: &Config,
    file: &LessonFile,
    git: &GitMeta,
    words: &mut words::WordCounts,
) -> Read {
    let unread = Read {
        doc: None,
        hash: 0,
        facts: None,
    };
    if file.problem.is_some() {
        return unread;
    }
    let bytes = crate::check::read_again(&file.abs, config.max_file_size + 1);
    if bytes.is_empty() || bytes.len() as u64 > config.max_file_size {
        return unread;
    }
    let hash = xxhash_rust::xxh3::xxh3_64(&bytes);
    let text = parse::source_text(&bytes);
    words::count(&text, words);
    let parsed = parse::parse_text(&file.path, &text, config);
    Read {
        doc: Some(document::build(
            fields,
            &file.path,
            &text,
            parsed.lesson.as_ref(),
            git,
        )),
        hash,
        // Encoded here, while the lesson its text borrows from is alive.
        facts: parsed
            .lesson
            .as_ref()
            .and_then(|l| facts::record(&facts::FactsRecord::from_lesson(l)).ok()),
    }
}

/// One file as read for the index.
struct Read {
    doc: Option<tantivy::TantivyDocument>,
    hash: u64,
    /// The encoded facts record.
    facts: Option<Vec<u8>>,
}

/// A modification time too close to now may be followed by another write
/// in the same clock tick: record 0 so the file is looked at again.
fn settled_mtime(mtime_ns: i64) -> i64 {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
    if now - mtime_ns < 2_000_000_000 {
        0
    } else {
        mtime_ns
    }
}

fn merge_git(old: Option<&GitMeta>, new: Option<&GitMeta>) -> GitMeta {
    let mut meta = old.cloned().unwrap_or_default();
    if let Some(new) = new {
        if new.changed_at.is_some() {
            meta.changed_at = new.changed_at;
        }
        if new.added_at.is_some() {
            meta.added_at = new.added_at;
            meta.added_by.clone_from(&new.added_by);
        }
    }
    meta
}

fn commit(
    writer: &mut IndexWriter,
    dir: &Path,
    manifest_text: &str,
    facts_out: FactsOut<'_>,
    words: Words<'_>,
    head: Option<String>,
    config: &str,
) -> Result<Payload, Error> {
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let name = format!("manifest-{stamp}.tsv");
    let facts_name = format!("facts-{stamp}.bin");
    manifest::write_text(&dir.join(&name), manifest_text)
        .map_err(|e| index_error("cannot write the index manifest", e))?;
    let facts_hash = match facts_out {
        FactsOut::Bytes(bytes) => {
            facts::write_bytes(&dir.join(&facts_name), bytes)
                .map_err(|e| index_error("cannot write the report facts", e))?;
            facts::hash(bytes)
        }
        FactsOut::Splice(old, changes) => {
            facts::splice_to_file(old, changes, &dir.join(&facts_name))
                .map_err(|e| index_error("cannot write the report facts", e))?
        }
    };
    let words_name = match words {
        Words::Keep(name) => name.to_string(),
        Words::New(bytes) => {
            let words_name = format!("words-{stamp}.fst");
            facts::write_bytes(&dir.join(&words_name), bytes)
                .map_err(|e| index_error("cannot write the word list", e))?;
            words_name
        }
    };
    let payload = Payload {
        schema: SCHEMA_VERSION,
        manifest: name.clone(),
        facts: facts_name.clone(),
        facts_hash,
        words: words_name.clone(),
        head,
        config: config.to_string(),
    };
    let json = serde_json::to_string(&payload).expect("plain data serializes");
    let mut prepared = writer
        .prepare_commit()
        .map_err(|e| index_error("cannot commit the index", e))?;
    prepared.set_payload(&json);
    prepared
        .commit()
        .map_err(|e| index_error("cannot commit the index", e))?;
    // Earlier manifests and facts are no longer named by any commit.
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let file = entry.file_name().to_string_lossy().to_string();
            if (file.starts_with("manifest-") && file != name)
                || (file.starts_with("facts-") && file != facts_name)
                || (file.starts_with("words-") && file != words_name)
            {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    Ok(payload)
}

/// The report facts of a commit: built whole, or the previous file with
/// changes spliced in as it is written.
enum FactsOut<'a> {
    Bytes(&'a [u8]),
    Splice(&'a [u8], &'a BTreeMap<String, Option<Vec<u8>>>),
}

/// The word list of a commit: the previous one kept, or a new one.
enum Words<'a> {
    Keep(&'a str),
    New(&'a [u8]),
}

fn update(
    kb: &KnowledgeBase,
    mut generation: Generation,
    files: &[Stat],
    head: Option<String>,
    config: &str,
) -> Result<SearchIndex, Error> {
    let plan = generation
        .manifest()
        .and_then(|m| plan(m, files, &head, &generation.payload.head))
        .map_err(Error::Index)?;
    let mut timings = Timings::new();
    let fields = generation.fields;
    let mut stats = SyncStats::default();
    if !plan.is_empty() {
        let history = if plan.head_moved {
            history::walk(kb, generation.payload.head.as_deref())
        } else {
            HashMap::new()
        };
        timings.step("update: walk new commits");
        // Files whose content may have changed, plus committed ones whose
        // history did.
        let by_path: HashMap<&str, &Stat> = files.iter().map(|f| (f.path.as_str(), f)).collect();
        let mut todo: Vec<&Stat> = plan.candidates.clone();
        let candidate_paths: HashSet<&str> = todo.iter().map(|f| f.path.as_str()).collect();
        for path in history.keys() {
            if let Some(f) = by_path.get(path.as_str())
                && !candidate_paths.contains(path.as_str())
            {
                todo.push(f);
            }
        }
        let wanted: BTreeSet<&str> = todo
            .iter()
            .map(|f| f.path.as_str())
            .chain(plan.removed.iter().map(String::as_str))
            .collect();
        let old_entries = manifest::lookup(generation.manifest().map_err(Error::Index)?, &wanted)
            .map_err(|e| index_error("the index manifest is unreadable", e))?;
        // Mapped, not read: a read copies tens of megabytes into freshly
        // zeroed pages on every update.
        let old_facts_map = mapped::Mapped::open(&generation.dir.join(&generation.payload.facts))
            .map_err(|e| index_error("the report facts are unreadable", e))?;
        let old_facts = old_facts_map.bytes();
        // Unchanged records are copied as bytes: never copy damaged ones.
        if facts::hash(old_facts) != generation.payload.facts_hash {
            return Err(index_error(
                FACTS_DAMAGED,
                "they do not match their checksum",
            ));
        }
        let mut writer: IndexWriter = generation
            .index
            .writer_with_num_threads(1, UPDATE_MEMORY)
            .map_err(|e| index_error("cannot write the index", e))?;
        timings.step("update: read old entries, open a writer");
        // Small segments merge among themselves; the large ones of a full
        // build are left alone, so an update stays quick.
        let mut policy = LogMergePolicy::default();
        policy.set_max_docs_before_merge(20_000);
        writer.set_merge_policy(Box::new(policy));
        let path_term = |p: &str| Term::from_field_text(fields.path, p);
        let mut added_hashes = HashMap::new();
        let mut entry_changes: BTreeMap<String, Option<Entry>> = BTreeMap::new();
        let mut fact_changes: BTreeMap<String, Option<Vec<u8>>> = BTreeMap::new();
        let mut new_words = words::WordCounts::default();
        for f in todo {
            let old = old_entries.get(&f.path);
            let git = merge_git(old.map(|e| &e.git), history.get(&f.path));
            let read = read_document(&fields, &kb.config, &f.file(kb), &git, &mut new_words);
            let hash = read.hash;
            let unchanged = old.is_some_and(|e| e.hash == hash && e.git == git);
            if !unchanged {
                writer.delete_term(path_term(&f.path));
                fact_changes.insert(f.path.clone(), read.facts);
                if let Some(doc) = read.doc {
                    writer
                        .add_document(doc)
                        .map_err(|e| index_error("cannot index", e))?;
                }
                match old {
                    Some(_) => stats.updated += 1,
                    None => {
                        stats.added += 1;
                        added_hashes.insert(hash, ());
                    }
                }
            }
            entry_changes.insert(
                f.path.clone(),
                Some(Entry {
                    size: f.size,
                    mtime_ns: settled_mtime(f.mtime_ns),
                    hash,
                    git,
                }),
            );
        }
        for path in &plan.removed {
            writer.delete_term(path_term(path));
            fact_changes.insert(path.clone(), None);
            entry_changes.insert(path.clone(), None);
            stats.removed += 1;
            if let Some(e) = old_entries.get(path)
                && added_hashes.remove(&e.hash).is_some()
            {
                stats.renamed += 1;
            }
        }
        timings.step("update: read and index the changed files");
        let manifest_text =
            manifest::splice(generation.manifest().map_err(Error::Index)?, &entry_changes)
                .map_err(|e| index_error("the index manifest is unreadable", e))?;
        timings.step("update: splice the manifest and facts");
        // A word list that cannot be read is rebuilt from the changed
        // files alone rather than failing the update: it only serves typo
        // correction, and the next full build restores it.
        let old_words =
            std::fs::read(generation.dir.join(&generation.payload.words)).unwrap_or_default();
        let grown = match words::extend(&old_words, &new_words) {
            Ok(grown) => grown,
            Err(_) => Some(
                words::build(&new_words)
                    .map_err(|e| index_error("cannot build the word list", e))?,
            ),
        };
        let keep = generation.payload.words.clone();
        let words_change = match &grown {
            Some(bytes) => Words::New(bytes),
            None => Words::Keep(&keep),
        };
        timings.step("update: extend the word list");
        let payload = commit(
            &mut writer,
            &generation.dir,
            &manifest_text,
            FactsOut::Splice(old_facts, &fact_changes),
            words_change,
            head,
            config,
        )?;
        timings.step("update: commit");
        drop(writer);
        generation.payload = payload;
    }
    let reader = generation.reader().map_err(Error::Index)?;
    stats.lessons = reader.searcher().num_docs() as usize;
    let facts_file = mapped::open_regular(&generation.dir.join(&generation.payload.facts))
        .map_err(|e| index_error("the report facts are unreadable", e))?;
    Ok(SearchIndex {
        words_path: generation.dir.join(&generation.payload.words),
        words: Default::default(),
        facts_file,
        facts_hash: generation.payload.facts_hash,
        index: generation.index,
        reader,
        fields,
        stats,
    })
}

fn rebuild(
    kb: &KnowledgeBase,
    cache: &Path,
    files: &[Stat],
    head: Option<String>,
    why: String,
    progress: bool,
    config: &str,
) -> Result<SearchIndex, Error> {
    let name = format!(
        "gen-{}-{}",
        std::process::id(),
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    );
    let dir = cache.join(&name);
    let tantivy_dir = dir.join("tantivy");
    std::fs::create_dir_all(&tantivy_dir)
        .map_err(|e| index_error(&format!("cannot create {}", tantivy_dir.display()), e))?;
    let (schema, fields) = Fields::schema();
    let index = Index::create_in_dir(&tantivy_dir, schema)
        .map_err(|e| index_error("cannot create the index", e))?;
    schema::register_tokenizers(&index);
    let history = history::walk(kb, None);
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 8);
    let mut writer: IndexWriter = index
        .writer_with_num_threads(threads, BUILD_MEMORY)
        .map_err(|e| index_error("cannot write the index", e))?;
    writer.set_merge_policy(Box::new(NoMergePolicy));
    let bar = progress_bar(progress, files.len());
    type Built = (Vec<(String, Entry, Option<Vec<u8>>)>, words::WordCounts);
    let (mut entries, word_counts): Built = files
        .par_iter()
        .fold(
            || (Vec::new(), words::WordCounts::default()),
            |(mut entries, mut counts): Built, f| {
                let git = history.get(&f.path).cloned().unwrap_or_default();
                let read = read_document(&fields, &kb.config, &f.file(kb), &git, &mut counts);
                if let Some(bar) = &bar {
                    bar.inc(1);
                }
                if let Some(doc) = read.doc
                    && writer.add_document(doc).is_err()
                {
                    return (entries, counts);
                }
                entries.push((
                    f.path.clone(),
                    Entry {
                        size: f.size,
                        mtime_ns: settled_mtime(f.mtime_ns),
                        hash: read.hash,
                        git,
                    },
                    read.facts,
                ));
                (entries, counts)
            },
        )
        .reduce(
            || (Vec::new(), words::WordCounts::default()),
            |(mut a, mut wa): Built, (b, wb): Built| {
                a.extend(b);
                // Merge the smaller map into the larger.
                if wa.len() < wb.len() {
                    let small = std::mem::replace(&mut wa, wb);
                    words::merge_counts(&mut wa, small);
                } else {
                    words::merge_counts(&mut wa, wb);
                }
                (a, wa)
            },
        );
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let facts_bytes = facts::concat(entries.iter().filter_map(|(_, _, r)| r.as_deref()));
    let mut manifest = Manifest::default();
    for (path, entry, _) in entries {
        manifest.entries.insert(path, entry);
    }
    let words_bytes =
        words::build(&word_counts).map_err(|e| index_error("cannot build the word list", e))?;
    drop(word_counts);
    let payload = commit(
        &mut writer,
        &dir,
        &manifest.to_text(),
        FactsOut::Bytes(&facts_bytes),
        Words::New(&words_bytes),
        head,
        config,
    )?;
    writer
        .wait_merging_threads()
        .map_err(|e| index_error("cannot finish the index", e))?;
    // Switch readers to the new generation in one rename.
    let current_tmp = cache.join("current.tmp");
    std::fs::File::create(&current_tmp)
        .and_then(|mut f| f.write_all(name.as_bytes()).and_then(|_| f.sync_all()))
        .and_then(|_| std::fs::rename(&current_tmp, cache.join("current")))
        .map_err(|e| index_error("cannot switch to the new index", e))?;
    // Older generations: readers that still have them open keep their
    // files until they close them.
    if let Ok(entries) = std::fs::read_dir(cache) {
        for entry in entries.flatten() {
            let file = entry.file_name().to_string_lossy().to_string();
            if file.starts_with("gen-") && file != name {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map_err(|e| index_error("cannot read the index", e))?;
    let lessons = reader.searcher().num_docs() as usize;
    let facts_file = mapped::open_regular(&dir.join(&payload.facts))
        .map_err(|e| index_error("the report facts are unreadable", e))?;
    Ok(SearchIndex {
        words_path: dir.join(&payload.words),
        words: Default::default(),
        facts_file,
        facts_hash: payload.facts_hash,
        index,
        reader,
        fields,
        stats: SyncStats {
            added: lessons,
            lessons,
            rebuilt: Some(why),
            ..SyncStats::default()
        },
    })
}

fn progress_bar(wanted: bool, len: usize) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if !wanted || len < 2_000 || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "indexing {bar:40} {pos}/{len} lessons ({eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(bar)
}
