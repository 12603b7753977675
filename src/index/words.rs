//! The words of the lessons as written (lowercased, not stemmed), with how
//! often each occurs: what typo correction and `prefix*` look words up in.
//! Stems cannot serve: `certficate` and `certificate` stem apart.
//!
//! It is a finite-state map (tantivy-fst, which Tantivy uses for its own
//! term dictionaries) in one file per index commit, so a Levenshtein
//! automaton finds the words within one or two edits without reading the
//! rest. Collecting the words while the lessons are read costs one pass
//! of splitting and hashing, a fraction of indexing them as a field.
//!
//! The list only grows between rebuilds: a word whose last lesson was
//! removed stays until the next full build. Search checks a correction
//! against the index before using it, so a stale word is never a result.

use std::collections::HashMap;
use std::path::Path;

use rustc_hash::FxBuildHasher;
use tantivy_fst::{IntoStreamer, Map, MapBuilder, Streamer};

/// Word -> occurrences.
pub type WordCounts = HashMap<String, u64, FxBuildHasher>;

/// Longest word kept, in bytes (longer tokens are not words people type).
pub const MAX_WORD: usize = 40;

/// Adds the words of `text` to `counts`: runs of letters and digits,
/// lowercased, 2 to [`MAX_WORD`] bytes, with at least one letter.
pub fn count(text: &str, counts: &mut WordCounts) {
    let mut lower = String::with_capacity(MAX_WORD);
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if word.len() < 2 || word.len() > MAX_WORD || !word.chars().any(char::is_alphabetic) {
            continue;
        }
        let key: &str = if word.bytes().any(|b| b.is_ascii_uppercase() || b >= 0x80) {
            lower.clear();
            lower.extend(word.chars().flat_map(char::to_lowercase));
            &lower
        } else {
            word
        };
        match counts.get_mut(key) {
            Some(n) => *n += 1,
            None => {
                counts.insert(key.to_string(), 1);
            }
        }
    }
}

/// Adds `other` into `into`.
pub fn merge_counts(into: &mut WordCounts, other: WordCounts) {
    for (word, n) in other {
        *into.entry(word).or_default() += n;
    }
}

/// The map of `counts`, as bytes.
pub fn build(counts: &WordCounts) -> std::io::Result<Vec<u8>> {
    let mut sorted: Vec<(&str, u64)> = counts.iter().map(|(w, n)| (w.as_str(), *n)).collect();
    sorted.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut builder = MapBuilder::memory();
    for (word, n) in sorted {
        builder.insert(word, n).map_err(std::io::Error::other)?;
    }
    builder.into_inner().map_err(std::io::Error::other)
}

/// `old` with the words of `new` added, or None when it has them all
/// already (the common case for an edit: nothing to rewrite).
pub fn extend(old: &[u8], new: &WordCounts) -> std::io::Result<Option<Vec<u8>>> {
    let map = Map::from(tantivy_fst::raw::Fst::new(old).map_err(std::io::Error::other)?);
    let mut missing: Vec<(&str, u64)> = new
        .iter()
        .filter(|(w, _)| !map.contains_key(w.as_bytes()))
        .map(|(w, n)| (w.as_str(), *n))
        .collect();
    if missing.is_empty() {
        return Ok(None);
    }
    missing.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut builder = MapBuilder::memory();
    let mut stream = map.stream();
    let mut pending = missing.into_iter().peekable();
    while let Some((word, n)) = stream.next() {
        while let Some((m, count)) = pending.peek().copied()
            && m.as_bytes() < word
        {
            builder.insert(m, count).map_err(std::io::Error::other)?;
            pending.next();
        }
        builder.insert(word, n).map_err(std::io::Error::other)?;
    }
    for (m, count) in pending {
        builder.insert(m, count).map_err(std::io::Error::other)?;
    }
    builder
        .into_inner()
        .map(Some)
        .map_err(std::io::Error::other)
}

/// The words of one index commit, mapped.
pub struct Words {
    map: Map<memmap2::Mmap>,
}

impl Words {
    pub fn open(path: &Path) -> std::io::Result<Words> {
        let file = super::mapped::open_regular(path)?;
        // SAFETY: as for the other index files (see `mapped`): written once
        // under a temporary name and renamed into place, never modified.
        let mmap = unsafe { memmap2::Mmap::map(&file) }?;
        let map = Map::from(tantivy_fst::raw::Fst::new(mmap).map_err(std::io::Error::other)?);
        Ok(Words { map })
    }

    /// Words accepted by `automaton` (a Levenshtein automaton), with their
    /// counts.
    pub fn matching<A: tantivy_fst::Automaton>(&self, automaton: A) -> Vec<(String, u64)> {
        let mut out = Vec::new();
        let mut stream = self.map.search(automaton).into_stream();
        while let Some((word, n)) = stream.next() {
            if let Ok(w) = std::str::from_utf8(word) {
                out.push((w.to_string(), n));
            }
        }
        out
    }

    /// Up to `limit` words starting with `prefix`, the most frequent first
    /// (at most `scan` words are looked at: `s*` must stay quick).
    pub fn with_prefix(&self, prefix: &str, limit: usize, scan: usize) -> Vec<String> {
        let mut found: Vec<(u64, String)> = Vec::new();
        let mut stream = self.map.range().ge(prefix.as_bytes()).into_stream();
        let mut seen = 0;
        while let Some((word, n)) = stream.next() {
            if !word.starts_with(prefix.as_bytes()) || seen >= scan {
                break;
            }
            seen += 1;
            if let Ok(w) = std::str::from_utf8(word) {
                found.push((n, w.to_string()));
            }
        }
        found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        found.into_iter().take(limit).map(|(_, w)| w).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_build_and_extend() {
        let mut counts = WordCounts::default();
        count(
            "The certificate EXPIRED; certificate 10:39 é-mail x Ünïcode",
            &mut counts,
        );
        assert_eq!(counts["certificate"], 2);
        assert_eq!(counts["expired"], 1);
        assert!(!counts.contains_key("10") && !counts.contains_key("x"));
        assert!(counts.contains_key("ünïcode"));
        let bytes = build(&counts).unwrap();
        let mut more = WordCounts::default();
        count("certificate", &mut more);
        assert!(extend(&bytes, &more).unwrap().is_none());
        count("zebra aardvark", &mut more);
        let grown = extend(&bytes, &more).unwrap().unwrap();
        let map = Map::from_bytes(grown).unwrap();
        assert!(map.contains_key("zebra") && map.contains_key("aardvark"));
        assert!(map.contains_key("certificate"));
    }
}
