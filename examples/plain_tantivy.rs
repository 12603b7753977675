//! Baseline for the full index build: a plain Tantivy build of the same
//! text `lessons index --rebuild` indexes, with none of its extra work (no
//! parsing or validation, no git history, no hashing, no manifest).
//!
//! Usage: cargo run --release --example plain_tantivy -- DIR
//!
//! Walks DIR/lessons for `*.md` (but `README.md` and `_*.md`), reads each file, splits off the front
//! matter naively (the text between the first two `+++` lines), takes the
//! title from its `title = "..."` line, and indexes into a fresh index in a
//! temporary folder (deleted on exit):
//!   title  text, stored (en_stem, positions)
//!   body   text, stored: the Markdown body as is
//!   front  text, not stored: the raw front matter
//!   path   STRING, stored
//! All text fields use `en_stem` with positions, as the text fields of
//! lessons do. Writer settings are the ones of a lessons rebuild: one thread
//! per CPU (at most 8), 128 MB shared (`PLAIN_TANTIVY_MEMORY_MB` to change;
//! lessons itself now uses 96 MB), NoMergePolicy, documents added from
//! a rayon `par_iter`, one commit, then `wait_merging_threads`.
//! Prints the number of documents and the seconds taken (walk to commit).

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use tantivy::indexer::NoMergePolicy;
use tantivy::schema::{IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions};
use tantivy::{Index, IndexWriter, TantivyDocument};

/// Writer memory shared by the threads, in MB (`PLAIN_TANTIVY_MEMORY_MB`).
const MEMORY_MB: usize = 128;

fn text(stored: bool) -> TextOptions {
    let options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("en_stem")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    if stored {
        options.set_stored()
    } else {
        options
    }
}

/// (front matter, body): the text between the first two `+++` lines, and
/// what follows; no front matter if there are not two such lines.
fn split_front(text: &str) -> (&str, &str) {
    let mut offset = 0;
    let mut start = None;
    for line in text.split_inclusive('\n') {
        let end = offset + line.len();
        if line.trim_end() == "+++" {
            match start {
                None => start = Some(end),
                Some(s) => return (&text[s..offset], &text[end..]),
            }
        }
        offset = end;
    }
    ("", text)
}

fn title(front: &str) -> &str {
    front
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("title"))
        .and_then(|rest| rest.trim_start().strip_prefix('='))
        .map(|v| v.trim().trim_matches('"'))
        .unwrap_or("")
}

fn main() {
    let dir = match std::env::args_os().nth(1) {
        Some(d) => PathBuf::from(d),
        None => {
            eprintln!("usage: plain_tantivy DIR   (indexes DIR/lessons/**/*.md)");
            std::process::exit(2);
        }
    };
    let started = Instant::now();
    let files: Vec<PathBuf> = walkdir::WalkDir::new(dir.join("lessons"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && is_lesson(e.file_name().to_string_lossy().as_ref()))
        .map(walkdir::DirEntry::into_path)
        .collect();

    let mut b = Schema::builder();
    let f_title = b.add_text_field("title", text(true));
    let f_body = b.add_text_field("body", text(true));
    let f_front = b.add_text_field("front", text(false));
    let f_path = b.add_text_field("path", STRING | STORED);
    let tmp = tempfile::tempdir().expect("temporary folder");
    let index = Index::create_in_dir(tmp.path(), b.build()).expect("create index");
    let memory_mb = std::env::var("PLAIN_TANTIVY_MEMORY_MB")
        .ok()
        .and_then(|m| m.parse::<usize>().ok())
        .unwrap_or(MEMORY_MB);
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 8);
    let mut writer: IndexWriter = index
        .writer_with_num_threads(threads, memory_mb << 20)
        .expect("index writer");
    writer.set_merge_policy(Box::new(NoMergePolicy));

    let docs: usize = files
        .par_iter()
        .map(|path: &PathBuf| {
            let Ok(bytes) = std::fs::read(path) else {
                return 0;
            };
            let text = String::from_utf8_lossy(&bytes);
            let (front, body) = split_front(&text);
            let mut doc = TantivyDocument::default();
            doc.add_text(f_title, title(front));
            doc.add_text(f_body, body);
            doc.add_text(f_front, front);
            doc.add_text(f_path, rel(&dir, path));
            usize::from(writer.add_document(doc).is_ok())
        })
        .sum();
    writer.commit().expect("commit");
    writer.wait_merging_threads().expect("merging threads");
    println!(
        "{docs} docs in {:.3} s ({threads} threads, {memory_mb} MB)",
        started.elapsed().as_secs_f64(),
    );
}

/// `*.md`, except `README.md` and `_*.md` (not lessons, as in lessons).
fn is_lesson(name: &str) -> bool {
    name.ends_with(".md") && name != "README.md" && !name.starts_with('_')
}

fn rel(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}
