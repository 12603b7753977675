//! Writing the index: a full build into a new generation, or an update of
//! the current one with only what changed.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use tantivy::indexer::{LogMergePolicy, NoMergePolicy};
use tantivy::{Index, IndexWriter, ReloadPolicy, Term};

use super::cache::{self, Generation, Payload};
use super::error::{IndexError, RebuildReason};
use super::fresh::Plan;
use super::manifest::{self, Entry, GitMeta, Manifest};
use super::schema::{self, Fields, SCHEMA_VERSION};
use super::{Event, Observer, SearchIndex, SyncStats, document, facts, mapped, words};
use crate::parse;
use crate::repo::history;
use crate::repo::{KnowledgeBase, LessonFile};
use crate::timing::Timings;

/// Writer memory for a full build (shared by its threads) and for updates.
const BUILD_MEMORY: usize = 96 * 1024 * 1024;
const UPDATE_MEMORY: usize = 32 * 1024 * 1024;

/// Reads, parses and hashes one file, and builds its document. Files that
/// `check` would not read (links out of the knowledge base, pipes, files
/// over the size limit, unreadable ones) get no document and hash 0; they
/// are still recorded, so they do not look new on every run.
fn read_document(
    fields: &Fields,
    kb: &KnowledgeBase,
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
    let bytes = crate::repo::read_file(&file.abs(kb), kb.config.max_file_size + 1);
    if bytes.is_empty() || bytes.len() as u64 > kb.config.max_file_size {
        return unread;
    }
    let hash = xxhash_rust::xxh3::xxh3_64(&bytes);
    // The index never holds a secret: snippets, the word list and the
    // report facts are built from the masked text (same length, so the
    // lesson still parses the same).
    let source = parse::source_text(&bytes);
    let text = crate::sensitive::mask_secrets(&source);
    words::count(&text, words);
    let parsed = parse::parse_text(&file.path, &text);
    Read {
        doc: Some(document::build(
            fields,
            &file.path,
            &text,
            parsed.lesson.as_ref(),
            git,
            kb.config.sharing.default_tlp,
        )),
        hash,
        // Encoded here, while the lesson its text borrows from is alive.
        facts: parsed.lesson.as_ref().and_then(|l| {
            facts::record(&facts::FactsRecord::from_lesson(
                l,
                kb.config.sharing.default_tlp,
            ))
            .ok()
        }),
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

/// Writes a commit's side files and commits the index with a payload naming
/// them. The manifest, the facts and Tantivy's segment are written at the
/// same time: an update of a large knowledge base spends most of its
/// commit copying the first two.
fn commit(
    writer: &mut IndexWriter,
    dir: &Path,
    manifest_out: ManifestOut<'_>,
    facts_out: FactsOut<'_>,
    words: Words<'_>,
    head: Option<String>,
    config: &str,
) -> Result<Payload, IndexError> {
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let name = format!("manifest-{stamp}.tsv");
    let facts_name = format!("facts-{stamp}.bin");
    let write_manifest = || -> Result<String, IndexError> {
        let spliced;
        let text = match manifest_out {
            ManifestOut::Text(text) => text,
            ManifestOut::Splice(old, changes) => {
                spliced = manifest::splice(old, changes).map_err(manifest_unreadable)?;
                &spliced
            }
        };
        manifest::write_text(&dir.join(&name), text)
            .map_err(|e| IndexError::write("cannot write the index manifest", e))?;
        Ok(facts::hash(text.as_bytes()))
    };
    let write_facts = || -> Result<String, IndexError> {
        match facts_out {
            FactsOut::Records(records) => {
                facts::write_records(&dir.join(&facts_name), records.iter().copied())
                    .map_err(|e| IndexError::write("cannot write the report facts", e))
            }
            FactsOut::Splice(old, changes, old_hash) => {
                facts::splice_to_file(old, changes, &dir.join(&facts_name), old_hash)
                    .map_err(|e| IndexError::write("cannot write the report facts", e))?
                    .ok_or_else(|| {
                        IndexError::FactsDamaged("they do not match their checksum".to_string())
                    })
            }
        }
    };
    let (manifest_hash, facts_hash, prepared) = std::thread::scope(|scope| {
        let manifest_job = scope.spawn(write_manifest);
        let facts_job = scope.spawn(write_facts);
        let prepared = writer
            .prepare_commit()
            .map_err(|e| IndexError::write("cannot commit the index", e));
        let joined = |job: std::thread::ScopedJoinHandle<'_, Result<String, IndexError>>| {
            job.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        };
        (joined(manifest_job), joined(facts_job), prepared)
    });
    let (manifest_hash, facts_hash, mut prepared) = (manifest_hash?, facts_hash?, prepared?);
    let (words_name, words_hash) = match words {
        Words::Keep(name, hash) => (name.to_string(), hash.map(str::to_string)),
        Words::New(bytes) => {
            let words_name = format!("words-{stamp}.fst");
            facts::write_bytes(&dir.join(&words_name), bytes)
                .map_err(|e| IndexError::write("cannot write the word list", e))?;
            (words_name, Some(facts::hash(bytes)))
        }
    };
    let payload = Payload {
        schema: SCHEMA_VERSION,
        manifest: name.clone(),
        manifest_hash: Some(manifest_hash),
        facts: facts_name.clone(),
        facts_hash,
        words: words_name.clone(),
        words_hash,
        head,
        config: config.to_string(),
    };
    let json = serde_json::to_string(&payload).expect("plain data serializes");
    prepared.set_payload(&json);
    prepared
        .commit()
        .map_err(|e| IndexError::write("cannot commit the index", e))?;
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

/// The manifest of a commit: its text, or the previous one with changes
/// spliced in.
enum ManifestOut<'a> {
    Text(&'a str),
    Splice(&'a str, &'a BTreeMap<String, Option<Entry>>),
}

/// The report facts of a commit: every record (sorted by path), or the
/// previous file with changes spliced in as it is written.
enum FactsOut<'a> {
    Records(Vec<&'a [u8]>),
    /// The old file, the changes, and the hash the old file must have
    /// (checked as it is copied).
    Splice(&'a [u8], &'a BTreeMap<String, Option<Vec<u8>>>, &'a str),
}

/// The word list of a commit: the previous one kept (with its hash), or a
/// new one.
enum Words<'a> {
    Keep(&'a str, Option<&'a str>),
    New(&'a [u8]),
}

/// Brings `generation` up to date with the files and history, as `plan`
/// (made from this generation and `files`) says: only what changed is read
/// again.
#[expect(
    clippy::too_many_lines,
    reason = "the update's phases share the writer, the plan and the old generation's borrowed files"
)]
pub(super) fn update(
    kb: &KnowledgeBase,
    mut generation: Generation,
    plan: Plan<'_>,
    files: &[LessonFile],
    head: Option<String>,
    config: &str,
) -> Result<SearchIndex, IndexError> {
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
        let by_path: HashMap<&str, &LessonFile> =
            files.iter().map(|f| (f.path.as_str(), f)).collect();
        let mut todo: Vec<&LessonFile> = plan.candidates.clone();
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
        let old_entries = manifest::lookup(
            generation.manifest().map_err(IndexError::Unusable)?,
            &wanted,
        )
        .map_err(manifest_unreadable)?;
        // Mapped, not read: a read copies tens of megabytes into freshly
        // zeroed pages on every update.
        let old_facts_map =
            mapped::Mapped::open(&generation.dir.join(&generation.payload.facts))
                .map_err(|e| IndexError::FactsDamaged(format!("they are unreadable ({e})")))?;
        // Unchanged records are copied as bytes: the splice checks the old
        // file's hash as it copies, and copies nothing damaged.
        let old_facts = old_facts_map.bytes();
        let mut writer: IndexWriter = generation
            .index
            .writer_with_num_threads(1, UPDATE_MEMORY)
            .map_err(|e| IndexError::write("cannot write the index", e))?;
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
            let read = read_document(&fields, kb, f, &git, &mut new_words);
            let hash = read.hash;
            let unchanged = old.is_some_and(|e| e.hash == hash && e.git == git);
            if !unchanged {
                writer.delete_term(path_term(&f.path));
                fact_changes.insert(f.path.clone(), read.facts);
                if let Some(doc) = read.doc {
                    writer
                        .add_document(doc)
                        .map_err(|e| IndexError::write("cannot index", e))?;
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
        // A word list that cannot be read is rebuilt from the changed
        // files alone rather than failing the update: it only serves typo
        // correction, and the next full build restores it.
        let old_words =
            std::fs::read(generation.dir.join(&generation.payload.words)).unwrap_or_default();
        let grown = match words::extend(&old_words, &new_words) {
            Ok(grown) => grown,
            Err(_) => Some(
                words::build(&new_words)
                    .map_err(|e| IndexError::write("cannot build the word list", e))?,
            ),
        };
        let keep = generation.payload.words.clone();
        let keep_hash = generation.payload.words_hash.clone();
        let words_change = match &grown {
            Some(bytes) => Words::New(bytes),
            None => Words::Keep(&keep, keep_hash.as_deref()),
        };
        timings.step("update: extend the word list");
        let payload = commit(
            &mut writer,
            &generation.dir,
            ManifestOut::Splice(
                generation.manifest().map_err(IndexError::Unusable)?,
                &entry_changes,
            ),
            FactsOut::Splice(old_facts, &fact_changes, &generation.payload.facts_hash),
            words_change,
            head,
            config,
        )?;
        timings.step("update: commit (manifest, facts, segment)");
        drop(writer);
        generation.payload = payload;
    }
    let reader = generation.reader().map_err(IndexError::Unusable)?;
    stats.lessons = reader.searcher().num_docs() as usize;
    let facts_file = mapped::open_regular(&generation.dir.join(&generation.payload.facts))
        .map_err(|e| IndexError::FactsDamaged(format!("they are unreadable ({e})")))?;
    Ok(SearchIndex {
        words_path: generation.dir.join(&generation.payload.words),
        words: Default::default(),
        facts_file,
        index: generation.index,
        reader,
        fields,
        stats,
    })
}

/// Builds a new generation from every file and switches to it.
#[expect(
    clippy::too_many_lines,
    reason = "the build's phases share the writer and the generation's folder"
)]
pub(super) fn rebuild(
    kb: &KnowledgeBase,
    cache: &Path,
    files: &[LessonFile],
    head: Option<String>,
    why: RebuildReason,
    observer: &dyn Observer,
    config: &str,
) -> Result<SearchIndex, IndexError> {
    let name = format!(
        "gen-{}-{}",
        std::process::id(),
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    );
    let dir = cache.join(&name);
    // A build that fails (a full disk) leaves nothing behind.
    let mut unfinished = Unfinished(Some(dir.clone()));
    let tantivy_dir = dir.join("tantivy");
    std::fs::create_dir_all(&tantivy_dir)
        .map_err(|e| IndexError::write(format!("cannot create {}", tantivy_dir.display()), e))?;
    let (schema, fields) = Fields::schema();
    let index = Index::create_in_dir(&tantivy_dir, schema)
        .map_err(|e| IndexError::write("cannot create the index", e))?;
    schema::register_tokenizers(&index);
    let history = history::walk(kb, None);
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 8);
    let mut writer: IndexWriter = index
        .writer_with_num_threads(threads, BUILD_MEMORY)
        .map_err(|e| IndexError::write("cannot write the index", e))?;
    writer.set_merge_policy(Box::new(NoMergePolicy));
    observer.event(Event::Started { total: files.len() });
    type Built = (Vec<(String, Entry, Option<Vec<u8>>)>, words::WordCounts);
    let (mut entries, word_counts): Built = files
        .par_iter()
        .fold(
            || (Vec::new(), words::WordCounts::default()),
            |(mut entries, mut counts): Built, f| {
                let git = history.get(&f.path).cloned().unwrap_or_default();
                let read = read_document(&fields, kb, f, &git, &mut counts);
                observer.event(Event::Read);
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
    observer.event(Event::Finished);
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut manifest = Manifest::default();
    let mut owned = Vec::with_capacity(entries.len());
    for (path, entry, record) in entries {
        manifest.entries.insert(path, entry);
        owned.push(record);
    }
    let records = owned.iter().filter_map(|r| r.as_deref()).collect();
    let words_bytes = words::build(&word_counts)
        .map_err(|e| IndexError::write("cannot build the word list", e))?;
    drop(word_counts);
    let payload = commit(
        &mut writer,
        &dir,
        ManifestOut::Text(&manifest.to_text()),
        FactsOut::Records(records),
        Words::New(&words_bytes),
        head,
        config,
    )?;
    writer
        .wait_merging_threads()
        .map_err(|e| IndexError::write("cannot finish the index", e))?;
    // Switch readers to the new generation in one rename.
    cache::switch_to(cache, &name)?;
    unfinished.0 = None;
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map_err(|e| IndexError::write("cannot read the index", e))?;
    let lessons = reader.searcher().num_docs() as usize;
    let facts_file = mapped::open_regular(&dir.join(&payload.facts))
        .map_err(|e| IndexError::FactsDamaged(format!("they are unreadable ({e})")))?;
    Ok(SearchIndex {
        words_path: dir.join(&payload.words),
        words: Default::default(),
        facts_file,
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

/// The folder of a generation being built: removed if the build stops
/// before switching to it.
struct Unfinished(Option<std::path::PathBuf>);

impl Drop for Unfinished {
    fn drop(&mut self) {
        if let Some(dir) = self.0.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn manifest_unreadable(e: std::io::Error) -> IndexError {
    IndexError::Unusable(RebuildReason::unreadable(
        "the index manifest is unreadable",
        e,
    ))
}
