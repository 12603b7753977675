//! What was indexed: per lesson file, the size and modification time seen,
//! a content hash, and its git history. Comparing it with one pass of file
//! metadata tells which files changed without reading any of them.

use std::borrow::Cow;

use rustc_hash::FxHashMap;
use std::path::Path;

pub use crate::repo::history::GitMeta;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub size: u64,
    /// Nanoseconds since the Unix epoch; 0 forces a re-read next time.
    pub mtime_ns: i64,
    pub hash: u64,
    pub git: GitMeta,
}

#[derive(Debug, Clone, Default)]
pub struct Manifest {
    pub entries: FxHashMap<String, Entry>,
}

const HEADER: &str = "lessons-manifest 1";

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
}

fn unescape(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('t') => out.push('\t'),
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn opt<T: std::fmt::Display>(v: Option<&T>) -> String {
    v.map_or_else(|| "-".to_string(), |v| v.to_string())
}

fn bad() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, "malformed manifest")
}

/// The entry lines of a manifest's text, checking its header.
fn lines(text: &str) -> std::io::Result<impl Iterator<Item = &str>> {
    let mut lines = text.split('\n');
    if lines.next() != Some(HEADER) {
        return Err(bad());
    }
    Ok(lines.filter(|l| !l.is_empty()))
}

/// The entry lines after the header.
pub fn body(text: &str) -> std::io::Result<&str> {
    text.strip_prefix(HEADER)
        .and_then(|rest| {
            rest.strip_prefix('\n')
                .or(Some(rest).filter(|r| r.is_empty()))
        })
        .ok_or_else(bad)
}

/// Splits entry lines in two at a line boundary near the middle, and
/// returns the first path of the second half.
pub fn split_body(body: &str) -> Option<(&str, &str, Cow<'_, str>)> {
    let mid = body.len() / 2;
    let cut = mid + memchr::memchr(b'\n', &body.as_bytes()[mid..])? + 1;
    let (a, b) = body.split_at(cut);
    let first = b.split('\t').next().filter(|p| !p.is_empty())?;
    let first = if first.contains('\\') {
        Cow::Owned(unescape(first))
    } else {
        Cow::Borrowed(first)
    };
    Some((a, b, first))
}

/// Path, size and time of each line of an entry body.
pub fn stat_body(body: &str) -> impl Iterator<Item = std::io::Result<(Cow<'_, str>, u64, i64)>> {
    body.split('\n').filter(|l| !l.is_empty()).map(|line| {
        let mut parts = line.splitn(4, '\t');
        let (Some(path), Some(size), Some(mtime)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let size = size.parse().map_err(|_| bad())?;
        let mtime = mtime.parse().map_err(|_| bad())?;
        let path = if path.contains('\\') {
            Cow::Owned(unescape(path))
        } else {
            Cow::Borrowed(path)
        };
        Ok((path, size, mtime))
    })
}

impl Manifest {
    #[cfg(test)]
    pub fn read(path: &Path) -> std::io::Result<Manifest> {
        Manifest::parse(&std::fs::read_to_string(path)?)
    }

    pub fn parse(text: &str) -> std::io::Result<Manifest> {
        let mut entries = FxHashMap::default();
        for line in lines(text)? {
            let mut parts = line.split('\t');
            let mut next = || parts.next().ok_or_else(bad);
            let path = unescape(next()?);
            let size = next()?.parse().map_err(|_| bad())?;
            let mtime_ns = next()?.parse().map_err(|_| bad())?;
            let hash = u64::from_str_radix(next()?, 16).map_err(|_| bad())?;
            let added_by = Some(next()?).filter(|s| *s != "-").map(unescape);
            let added_at = Some(next()?)
                .filter(|s| *s != "-")
                .and_then(|s| s.parse().ok());
            let changed_at = Some(next()?)
                .filter(|s| *s != "-")
                .and_then(|s| s.parse().ok());
            entries.insert(
                path,
                Entry {
                    size,
                    mtime_ns,
                    hash,
                    git: GitMeta {
                        added_by,
                        added_at,
                        changed_at,
                    },
                },
            );
        }
        Ok(Manifest { entries })
    }

    /// The manifest as text, entries in path order.
    pub fn to_text(&self) -> String {
        let mut paths: Vec<&String> = self.entries.keys().collect();
        paths.sort();
        let mut out = String::with_capacity(64 * paths.len() + HEADER.len() + 1);
        out.push_str(HEADER);
        out.push('\n');
        for p in paths {
            out.push_str(&line(p, &self.entries[p]));
        }
        out
    }

    #[cfg(test)]
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        write_text(path, &self.to_text())
    }
}

/// One entry as a manifest line (with its newline).
fn line(path: &str, e: &Entry) -> String {
    format!(
        "{}\t{}\t{}\t{:016x}\t{}\t{}\t{}\n",
        escape(path),
        e.size,
        e.mtime_ns,
        e.hash,
        e.git
            .added_by
            .as_deref()
            .map_or_else(|| "-".to_string(), escape),
        opt(e.git.added_at.as_ref()),
        opt(e.git.changed_at.as_ref()),
    )
}

/// Writes atomically: a reader sees the old file or the new one. No fsync:
/// the manifest is a cache entry; a torn one after a crash is detected and
/// the index rebuilt.
pub fn write_text(path: &Path, text: &str) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

fn line_path(line: &str) -> Cow<'_, str> {
    let raw = line.split('\t').next().unwrap_or("");
    if raw.contains('\\') {
        Cow::Owned(unescape(raw))
    } else {
        Cow::Borrowed(raw)
    }
}

/// The entries of just these paths, parsing only their lines.
pub fn lookup(
    text: &str,
    wanted: &std::collections::BTreeSet<&str>,
) -> std::io::Result<FxHashMap<String, Entry>> {
    let mut found = FxHashMap::default();
    if wanted.is_empty() {
        return Ok(found);
    }
    for l in lines(text)? {
        if wanted.contains(line_path(l).as_ref()) {
            let m = Manifest::parse(&format!("{HEADER}\n{l}\n"))?;
            found.extend(m.entries);
        }
    }
    Ok(found)
}

/// The manifest with `changes` applied (`None` removes the entry): a merge
/// of two sorted sequences that copies unchanged lines as they are, so an
/// update costs one pass over the text, not a parse of every entry.
pub fn splice(
    text: &str,
    changes: &std::collections::BTreeMap<String, Option<Entry>>,
) -> std::io::Result<String> {
    let mut out = String::with_capacity(text.len() + 256 * changes.len());
    out.push_str(HEADER);
    out.push('\n');
    let mut pending = changes.iter().peekable();
    for l in lines(text)? {
        let path = line_path(l);
        while let Some((p, _)) = pending.peek().filter(|(p, _)| p.as_str() < path.as_ref()) {
            if let Some(Some(e)) = changes.get(*p) {
                out.push_str(&line(p, e));
            }
            pending.next();
        }
        match pending.peek() {
            Some((p, change)) if p.as_str() == path.as_ref() => {
                if let Some(e) = change {
                    out.push_str(&line(p, e));
                }
                pending.next();
            }
            _ => {
                out.push_str(l);
                out.push('\n');
            }
        }
    }
    for (p, change) in pending {
        if let Some(e) = change {
            out.push_str(&line(p, e));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let mut m = Manifest::default();
        m.entries.insert(
            "lessons/a\tb.md".into(),
            Entry {
                size: 12,
                mtime_ns: 1_700_000_000_123_456_789,
                hash: 0xdead_beef,
                git: GitMeta {
                    added_by: Some("Ada \\ Lovelace".into()),
                    added_at: Some(1_700_000_000),
                    changed_at: None,
                },
            },
        );
        let path = dir.path().join("m.tsv");
        m.write(&path).unwrap();
        assert_eq!(Manifest::read(&path).unwrap().entries, m.entries);
    }
}
