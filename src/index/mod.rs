//! The search index: a Tantivy index kept in step with the lesson files.
//!
//! It lives outside the tracked files (under the git directory, or a cache
//! folder for a plain folder) and is only a cache: the files are the truth.
//! Every command that reads it first brings it up to date, at the cost of
//! one pass of directory reads and file metadata: a file is read again only
//! when its size or modification time changed, and git history is walked
//! only over commits made since the last update.
//!
//! By job: `cache` (where the index lives, its lock and generations),
//! `fresh` (what changed since the last update), `build` (a full build or
//! an update), [`error`] (typed failures and rebuild reasons). What a
//! lesson becomes: [`schema`], [`document`], [`manifest`], [`facts`],
//! [`words`]; `repo::history` asks git who added and changed each lesson.
//! Notes and progress go to the caller's [`Observer`]: the index prints
//! nothing.

mod build;
mod cache;
mod directory;
pub mod document;
pub mod error;
pub mod facts;
mod fresh;
mod guard;
pub mod manifest;
mod mapped;
pub mod schema;
mod verify;
pub mod words;

use std::path::{Path, PathBuf};

use serde::Serialize;
use tantivy::{Index, IndexReader};

use crate::repo::{self, KnowledgeBase, history};
use crate::timing::Timings;
use cache::Generation;
pub use cache::cache_dir;
pub use error::{IndexError, RebuildReason};
use fresh::{config_hash, head_follows, plan, stamp_change};
pub use guard::catch;
use schema::Fields;

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
    pub rebuilt: Option<RebuildReason>,
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
}

/// What the index tells its caller while it works (the caller prints).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event<'a> {
    /// The index is built from scratch, for this reason.
    Rebuilding(&'a RebuildReason),
    /// Another process is updating the index; waiting for it.
    Waiting,
    /// A full build of this many files started.
    Started { total: usize },
    /// One more file read in a full build (from any thread).
    Read,
    /// The full build read every file.
    Finished,
    /// The index in `cache` cannot be written (`why`): it is kept in
    /// `using` instead, or, with `None`, read as it is (perhaps out of
    /// date).
    Unwritable {
        cache: &'a Path,
        why: &'a str,
        using: Option<&'a Path>,
    },
}

/// Receives the index's [`Event`]s.
pub trait Observer: Sync {
    fn event(&self, event: Event<'_>);
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
    pub fn facts(&self) -> Result<facts::FactsFile, IndexError> {
        let file = facts::FactsFile::map(&self.facts_file)
            .map_err(|e| IndexError::FactsDamaged(e.to_string()))?;
        if file.hash() != self.facts_hash {
            return Err(IndexError::FactsDamaged(
                "they do not match their checksum".to_string(),
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

/// Opens the index for `kb`, bringing it up to date first.
///
/// When the cache cannot be written (a read-only `.git`, a full disk), an
/// up-to-date index there is still read (see `directory`); a stale one is
/// brought up to date in the user's cache folder instead, and failing
/// that, read as it is: each with a note.
pub fn open(
    kb: &KnowledgeBase,
    options: &Options,
    observer: &dyn Observer,
) -> Result<SearchIndex, IndexError> {
    let cache = cache_dir(kb);
    let why = match open_in(kb, &cache, options, observer) {
        Err(IndexError::Write { context, message }) => format!("{context}: {message}"),
        result => return result,
    };
    let fallback = cache::user_cache_dir(kb);
    let fallen_back = if fallback == cache {
        Err(IndexError::Write {
            context: why.clone(),
            message: "no other cache folder".to_string(),
        })
    } else {
        observer.event(Event::Unwritable {
            cache: &cache,
            why: &why,
            using: Some(&fallback),
        });
        open_in(kb, &fallback, options, observer)
    };
    match fallen_back {
        Err(IndexError::Write { .. }) if !options.rebuild => {
            // Nowhere to write: what can be read answers, if anything.
            let generation = Generation::open(&cache).map_err(|_| IndexError::Write {
                context: format!("cannot update the search index in {}", cache.display()),
                message: why.clone(),
            })?;
            observer.event(Event::Unwritable {
                cache: &cache,
                why: &why,
                using: None,
            });
            ready(generation, SyncStats::default())
        }
        result => result,
    }
}

/// A generation as it is, ready to search.
fn ready(generation: Generation, mut stats: SyncStats) -> Result<SearchIndex, IndexError> {
    let reader = generation.reader().map_err(IndexError::Unusable)?;
    stats.lessons = reader.searcher().num_docs() as usize;
    Ok(SearchIndex {
        words_path: generation.dir.join(&generation.payload.words),
        words: Default::default(),
        facts_file: generation.facts,
        facts_hash: generation.payload.facts_hash,
        index: generation.index,
        reader,
        fields: generation.fields,
        stats,
    })
}

/// Opens the index kept in `cache`, bringing it up to date first.
fn open_in(
    kb: &KnowledgeBase,
    cache: &Path,
    options: &Options,
    observer: &dyn Observer,
) -> Result<SearchIndex, IndexError> {
    let mut timings = Timings::new();
    let cache = cache.to_path_buf();
    std::fs::create_dir_all(&cache)
        .map_err(|e| IndexError::write(format!("cannot create {}", cache.display()), e))?;
    timings.step("locate the cache");
    // The current generation is opened (and its young files verified)
    // while the files are listed: each is a large share of a command on a
    // fresh index, and the listing leaves a core idle at times.
    let (mut files, current) = rayon::join(
        || repo::list_lessons(kb),
        || (!options.rebuild).then(|| Generation::open(&cache)),
    );
    // A folder that cannot be read holds no lesson to index (`check`
    // reports it).
    files.retain(|f| {
        !matches!(
            f.problem.as_deref(),
            Some(repo::FileProblem::UnreadableFolder(_))
        )
    });
    timings.step("scan files (readdir + fstatat), open the index");
    let (head, boundary) = history::head(kb);
    let config = config_hash(kb, boundary);
    timings.step("read git HEAD");
    let mut reason = options.rebuild.then_some(RebuildReason::Requested);
    // A stale generation and what changed, kept for the update.
    let mut opened = None;
    if let Some(current) = current {
        // The common case takes no lock: nothing changed.
        match current {
            Ok(generation) if generation.payload.config != config => {
                reason = Some(stamp_change(&generation.payload.config, &config));
            }
            Ok(generation)
                if !head_follows(kb, head.as_ref(), generation.payload.head.as_ref()) =>
            {
                reason = Some(RebuildReason::HeadNotDescendant);
            }
            Ok(generation) => {
                let planned = generation
                    .manifest()
                    .and_then(|m| plan(m, &files, head.as_ref(), generation.payload.head.as_ref()));
                timings.step("compare with the manifest");
                match planned {
                    Ok(p) if p.is_empty() => {
                        let index = ready(generation, SyncStats::default());
                        timings.step("open a reader");
                        return index;
                    }
                    Ok(p) => opened = Some((generation, p)),
                    // Opened again under the lock, which rebuilds.
                    Err(_) => {}
                }
            }
            Err(why) => reason = Some(why),
        }
    }
    let _lock = cache::lock(&cache, observer)?;
    cache::remove_leftovers(&cache);
    timings.step("take the lock");
    // Another process may have done the work while we waited; if not, the
    // generation and plan read before the lock stand.
    let planned = if options.rebuild {
        None
    } else if let Some(kept) = opened.filter(|(g, _)| g.is_current(&cache)) {
        Some(Ok(kept))
    } else {
        Generation::open(&cache)
            .ok()
            .filter(|g| {
                g.payload.config == config
                    && head_follows(kb, head.as_ref(), g.payload.head.as_ref())
            })
            .map(|g| {
                g.manifest()
                    .and_then(|m| plan(m, &files, head.as_ref(), g.payload.head.as_ref()))
                    .map(|p| (g, p))
            })
    };
    timings.step("check the index is still current");
    match planned {
        Some(Ok((generation, plan))) => {
            match build::update(kb, generation, plan, &files, head.clone(), &config) {
                // A damaged manifest or facts file: the files are the truth.
                Err(IndexError::Busy { seconds, lock }) => Err(IndexError::Busy { seconds, lock }),
                Err(e) => {
                    let why = match e {
                        IndexError::Unusable(why) => why,
                        e => RebuildReason::UpdateFailed(e.to_string()),
                    };
                    observer.event(Event::Rebuilding(&why));
                    build::rebuild(kb, &cache, &files, head, why, observer, &config)
                }
                result => result,
            }
        }
        Some(Err(why)) => {
            observer.event(Event::Rebuilding(&why));
            build::rebuild(kb, &cache, &files, head, why, observer, &config)
        }
        None => {
            let why = reason.unwrap_or(RebuildReason::Unreadable {
                what: "the index is unreadable",
                detail: None,
            });
            if why.is_news() {
                observer.event(Event::Rebuilding(&why));
            }
            build::rebuild(kb, &cache, &files, head, why, observer, &config)
        }
    }
}
