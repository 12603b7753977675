//! Freshness: what differs between the index and the files and history.

use super::error::RebuildReason;
use super::manifest;
use crate::repo::history;
use crate::repo::{KnowledgeBase, LessonFile};

/// Whether walking the commits since the indexed HEAD tells what changed
/// in history: not when HEAD went back to an ancestor or to another branch
/// (who last changed a lesson may then differ), which rebuilds.
pub(super) fn head_follows(
    kb: &KnowledgeBase,
    head: Option<&String>,
    indexed: Option<&String>,
) -> bool {
    match (head, indexed) {
        (Some(h), Some(i)) => h == i || history::descends(kb, h, i),
        (None, None) | (Some(_), None) => true,
        (None, Some(_)) => false,
    }
}

/// The hash of the knowledge base's `lessons.toml` ("none" without one),
/// and of the shallow boundary of a shallow clone (see `cache::Payload`).
pub(super) fn config_hash(kb: &KnowledgeBase, shallow_boundary: Option<String>) -> String {
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
pub(super) fn stamp_change(old: &str, new: &str) -> RebuildReason {
    let config = |s: &str| s.split("+shallow:").next().unwrap_or("").to_string();
    if config(old) != config(new) {
        RebuildReason::ConfigChanged
    } else {
        RebuildReason::HistoryReshaped
    }
}

/// What differs between the manifest and the files.
#[derive(Default)]
pub(super) struct Plan<'a> {
    /// New files, and files whose size or modification time changed.
    pub(super) candidates: Vec<&'a LessonFile>,
    pub(super) removed: Vec<String>,
    pub(super) head_moved: bool,
}

impl Plan<'_> {
    pub(super) fn is_empty(&self) -> bool {
        self.candidates.is_empty() && self.removed.is_empty() && !self.head_moved
    }
}

/// Compares the files (sorted by path) with the manifest (written sorted
/// by path) in one merge pass; on large knowledge bases, the two halves in
/// parallel.
pub(super) fn plan<'a>(
    manifest: &str,
    files: &'a [LessonFile],
    head: Option<&String>,
    indexed_head: Option<&String>,
) -> Result<Plan<'a>, RebuildReason> {
    let unreadable =
        |e: std::io::Error| RebuildReason::unreadable("the index manifest is unreadable", e);
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
fn merge<'a>(
    body: &str,
    files: &'a [LessonFile],
) -> std::io::Result<(Vec<&'a LessonFile>, Vec<String>)> {
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
