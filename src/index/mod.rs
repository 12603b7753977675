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
use fresh::{Plan, config_hash, head_follows, plan, stamp_change};
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
    /// The words file of this commit (see [`words`]), opened on first use.
    words_path: PathBuf,
    words: std::sync::OnceLock<Option<words::Words>>,
}

impl SearchIndex {
    /// What reports need of every indexed lesson (decode it for the
    /// records, in path order). The file was checked against the hash the
    /// index committed when its generation was opened (see `verify`: once,
    /// then again whenever it changes on disk); a file that cannot be
    /// mapped, or records that cannot be decoded, are
    /// [`IndexError::FactsDamaged`], which the caller answers with a
    /// rebuild.
    pub fn facts(&self) -> Result<facts::FactsFile, IndexError> {
        mapped_facts(&self.facts_file)
    }
}

/// A generation's facts file, mapped. (Hashing it again here, on every
/// report, read 48 MB at 100,000 lessons that `verify` had vouched for.)
fn mapped_facts(file: &std::fs::File) -> Result<facts::FactsFile, IndexError> {
    facts::FactsFile::map(file).map_err(|e| IndexError::FactsDamaged(e.to_string()))
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

/// Work a command does with the report facts of the index as it stands,
/// on every core while the files are compared with it: it is kept when
/// nothing changed (the common case), else dropped and done again on the
/// updated index. Its result owns what it holds (the facts are gone when
/// it returns); `None` when it could not be done.
pub type Ahead<'w, T> = &'w (dyn Fn(&facts::FactsFile) -> Option<T> + Sync);

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
    open_ahead::<()>(kb, options, observer, None).map(|(index, _)| index)
}

/// [`open`], doing `ahead` on the facts of the index as it stands while
/// its freshness is checked: its result, if the index was up to date.
///
/// Why: at 100,000 lessons the check is 100,000 `fstatat` calls, mostly
/// kernel time that leaves some of two cores idle, and a report's reading
/// and computing fill them (the report benchmark's target is 250 ms).
pub fn open_ahead<T: Send>(
    kb: &KnowledgeBase,
    options: &Options,
    observer: &dyn Observer,
    ahead: Option<Ahead<'_, T>>,
) -> Result<(SearchIndex, Option<T>), IndexError> {
    let cache = cache_dir(kb);
    let why = match open_in(kb, &cache, options, observer, ahead) {
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
        open_in(kb, &fallback, options, observer, None)
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
            Ok((ready(generation, SyncStats::default())?, None))
        }
        result => result,
    }
}

/// A generation as it is, ready to search.
fn ready(generation: Generation, stats: SyncStats) -> Result<SearchIndex, IndexError> {
    let reader = generation.reader().map_err(IndexError::Unusable)?;
    Ok(ready_with(generation, reader, stats))
}

/// [`ready`] with its reader open.
fn ready_with(generation: Generation, reader: IndexReader, mut stats: SyncStats) -> SearchIndex {
    stats.lessons = reader.searcher().num_docs() as usize;
    SearchIndex {
        words_path: generation.dir.join(&generation.payload.words),
        words: Default::default(),
        facts_file: generation.facts,
        index: generation.index,
        reader,
        fields: generation.fields,
        stats,
    }
}

/// What the current generation, opened without the lock, says.
enum Look<'f> {
    /// It is up to date: ready to search.
    Fresh(SearchIndex),
    /// It is behind the files or the history: what to update.
    Stale(Generation, Plan<'f>),
    /// It must be rebuilt, for this reason.
    Rebuild(RebuildReason),
    /// Nothing to go on (another process replaced it, or its manifest is
    /// unreadable): look again under the lock.
    Unknown,
}

/// Compares the `current` generation with the files and the history
/// (HEAD, the `lessons.toml` stamp).
fn look<'f>(
    kb: &KnowledgeBase,
    cache: &Path,
    current: Result<Generation, RebuildReason>,
    files: &'f [repo::LessonFile],
    (head, config): (Option<&String>, &str),
) -> Result<Look<'f>, IndexError> {
    let generation = match current {
        Ok(generation) => generation,
        Err(why) => return Ok(Look::Rebuild(why)),
    };
    if generation.payload.config != config {
        return Ok(Look::Rebuild(stamp_change(
            &generation.payload.config,
            config,
        )));
    }
    if !head_follows(kb, head, generation.payload.head.as_ref()) {
        return Ok(Look::Rebuild(RebuildReason::HeadNotDescendant));
    }
    let planned = generation
        .manifest()
        .and_then(|m| plan(m, files, head, generation.payload.head.as_ref()));
    match planned {
        Ok(p) if p.is_empty() => match generation.reader() {
            Ok(reader) => Ok(Look::Fresh(ready_with(
                generation,
                reader,
                SyncStats::default(),
            ))),
            Err(why) if generation.is_current(cache) => Err(IndexError::Unusable(why)),
            // Another process replaced the generation since it was opened
            // (a rebuild removes the old folder): the new one is opened
            // under the lock.
            Err(_) => Ok(Look::Unknown),
        },
        Ok(p) => Ok(Look::Stale(generation, p)),
        // Opened again under the lock, which rebuilds.
        Err(_) => Ok(Look::Unknown),
    }
}

/// The current generation in `cache` (none for a rebuild), and `ahead`
/// done on its facts.
fn open_current<T: Send>(
    cache: &Path,
    options: &Options,
    ahead: Option<Ahead<'_, T>>,
) -> (Option<Result<Generation, RebuildReason>>, Option<T>) {
    if options.rebuild {
        return (None, None);
    }
    let current = Generation::open(cache);
    let done = match (&current, ahead) {
        // Damaged facts are left to the caller, after. So is a panic of the
        // caller's work (a bug it would meet on a stale index only): caught
        // here, it does not stop the update, and the work is done again.
        (Ok(generation), Some(ahead)) => mapped_facts(&generation.facts).ok().and_then(|file| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| ahead(&file)))
                .ok()
                .flatten()
        }),
        _ => None,
    };
    (Some(current), done)
}

/// Opens the index kept in `cache`, bringing it up to date first (with
/// `ahead`'s result if it was: see [`open_ahead`]).
fn open_in<T: Send>(
    kb: &KnowledgeBase,
    cache: &Path,
    options: &Options,
    observer: &dyn Observer,
    ahead: Option<Ahead<'_, T>>,
) -> Result<(SearchIndex, Option<T>), IndexError> {
    let mut timings = Timings::new();
    let cache = cache.to_path_buf();
    std::fs::create_dir_all(&cache)
        .map_err(|e| IndexError::write(format!("cannot create {}", cache.display()), e))?;
    timings.step("locate the cache");
    // The current generation is opened (and its young files verified)
    // while the files are listed: each is a large share of a command on a
    // fresh index, and the listing leaves a core idle at times.
    let (mut files, (current, done)) = rayon::join(
        || repo::list_lessons(kb),
        || open_current(&cache, options, ahead),
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
        match look(kb, &cache, current, &files, (head.as_ref(), &config))? {
            Look::Fresh(index) => {
                timings.step("compare with the manifest, open a reader");
                return Ok((index, done));
            }
            Look::Stale(generation, plan) => opened = Some((generation, plan)),
            Look::Rebuild(why) => reason = Some(why),
            Look::Unknown => {}
        }
        timings.step("compare with the manifest");
    }
    // The index changes: what was done on it is of no use.
    drop(done);
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
    let index = match planned {
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
    }?;
    Ok((index, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Quiet;
    impl Observer for Quiet {
        fn event(&self, _: Event<'_>) {}
    }

    /// A knowledge base of one lesson in a temporary git repository (the
    /// cache goes into its `.git`).
    fn kb() -> (tempfile::TempDir, KnowledgeBase, PathBuf, String) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let git = std::process::Command::new("git")
            .args(["init", "-q"])
            .current_dir(root)
            .status()
            .unwrap();
        assert!(git.success());
        let lesson = root.join("lessons/2024/a.md");
        std::fs::create_dir_all(lesson.parent().unwrap()).unwrap();
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid/payments-failover.md"),
        )
        .unwrap();
        std::fs::write(&lesson, &text).unwrap();
        let kb = KnowledgeBase::open(Some(root), root).unwrap();
        assert!(cache_dir(&kb).starts_with(root));
        (dir, kb, lesson, text)
    }

    const KEEP: Options = Options { rebuild: false };

    /// The work done ahead gives its result on an up-to-date index; a panic
    /// in it is the caller's to meet again, not the index's.
    #[test]
    fn work_ahead_is_kept_when_fresh_and_a_panic_in_it_is_contained() {
        let (_dir, kb, _, _) = kb();
        open(&kb, &KEEP, &Quiet).unwrap();
        // A lesson younger than the settling time is read again by the
        // next update (see the test below): the index is then stale.
        std::thread::sleep(std::time::Duration::from_millis(2100));
        open(&kb, &KEEP, &Quiet).unwrap();
        let fine = |file: &facts::FactsFile| Some(file.decode().ok()?.len());
        assert_eq!(
            open_ahead(&kb, &KEEP, &Quiet, Some(&fine)).unwrap().1,
            Some(1)
        );
        let buggy = |_: &facts::FactsFile| -> Option<usize> { panic!("a bug of the caller") };
        let (index, done) = open_ahead(&kb, &KEEP, &Quiet, Some(&buggy)).unwrap();
        assert_eq!((index.stats.lessons, done), (1, None));
    }

    /// A generation another process updated since it was opened is not
    /// current: its plan is not reused under the lock.
    #[test]
    fn a_generation_updated_meanwhile_is_not_current() {
        let (_dir, kb, lesson, text) = kb();
        let cache = cache_dir(&kb);
        open(&kb, &KEEP, &Quiet).unwrap();
        let before = Generation::open(&cache).unwrap();
        assert!(before.is_current(&cache));
        std::fs::write(&lesson, format!("{text}\nThe wombat runbook.\n")).unwrap();
        assert_eq!(open(&kb, &KEEP, &Quiet).unwrap().stats.updated, 1);
        assert!(!before.is_current(&cache));
    }

    /// A generation opened without the lock and then replaced by another
    /// process's rebuild (which removes its folder) is looked at again
    /// under the lock, not taken for damage (which would rebuild once
    /// more, with a note).
    #[test]
    fn a_generation_replaced_meanwhile_is_not_damage() {
        let (_dir, kb, _, _) = kb();
        let cache = cache_dir(&kb);
        open(&kb, &KEEP, &Quiet).unwrap();
        // Once the lesson and the index files are older than the settling
        // time, an update records the lesson as settled and opening the
        // generation verifies nothing it has seen: its segment files are
        // then opened by the reader, not before.
        std::thread::sleep(std::time::Duration::from_millis(2100));
        open(&kb, &KEEP, &Quiet).unwrap();
        let replaced = Generation::open(&cache).unwrap();
        open(&kb, &Options { rebuild: true }, &Quiet).unwrap();
        assert!(!replaced.is_current(&cache));
        assert!(!replaced.dir.exists());
        let files = repo::list_lessons(&kb);
        let (head, boundary) = history::head(&kb);
        let config = config_hash(&kb, boundary);
        let looked = look(&kb, &cache, Ok(replaced), &files, (head.as_ref(), &config));
        let what = match looked {
            Ok(Look::Unknown) => "looked at again".to_string(),
            Ok(Look::Fresh(_)) => "fresh".to_string(),
            Ok(Look::Stale(..)) => "stale".to_string(),
            Ok(Look::Rebuild(why)) => format!("rebuild: {why}"),
            Err(e) => format!("error: {e}"),
        };
        assert_eq!(what, "looked at again");
    }
}
