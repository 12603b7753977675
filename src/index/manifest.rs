//! What was indexed: per lesson file, the size and modification time seen,
//! a content hash, and its git history. Comparing it with one pass of file
//! metadata tells which files changed without reading any of them.

use std::io::Write;

use rustc_hash::FxHashMap;
use std::path::Path;

/// Who first committed a lesson and when it last changed, as far as the
/// history at hand tells (unknown for uncommitted files, and for files a
/// shallow clone cannot trace).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GitMeta {
    pub added_by: Option<String>,
    /// Seconds since the Unix epoch.
    pub added_at: Option<i64>,
    pub changed_at: Option<i64>,
}

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

fn opt<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref()
        .map_or_else(|| "-".to_string(), |v| v.to_string())
}

/// The size and modification time of each file, borrowed from the
/// manifest's text: all the freshness check needs, parsed without
/// allocating per entry.
pub type StatView<'a> = FxHashMap<std::borrow::Cow<'a, str>, (u64, i64)>;

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

/// Reads a manifest file's text.
pub fn read_text(path: &Path) -> std::io::Result<String> {
    std::fs::read_to_string(path)
}

/// The freshness view of a manifest's text.
pub fn stat_view(text: &str) -> std::io::Result<StatView<'_>> {
    let entries = memchr::memchr_iter(b'\n', text.as_bytes()).count();
    let mut view = StatView::with_capacity_and_hasher(entries, Default::default());
    for line in lines(text)? {
        let mut parts = line.splitn(4, '\t');
        let (Some(path), Some(size), Some(mtime)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let size = size.parse().map_err(|_| bad())?;
        let mtime = mtime.parse().map_err(|_| bad())?;
        let path = if path.contains('\\') {
            std::borrow::Cow::Owned(unescape(path))
        } else {
            std::borrow::Cow::Borrowed(path)
        };
        view.insert(path, (size, mtime));
    }
    Ok(view)
}

impl Manifest {
    pub fn read(path: &Path) -> std::io::Result<Manifest> {
        Manifest::parse(&read_text(path)?)
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

    /// Writes atomically: a reader sees the old file or the new one.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let tmp = path.with_extension("tmp");
        {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::fs::File::create(&tmp)?);
            writeln!(out, "{HEADER}")?;
            let mut paths: Vec<&String> = self.entries.keys().collect();
            paths.sort();
            for p in paths {
                let e = &self.entries[p];
                writeln!(
                    out,
                    "{}\t{}\t{}\t{:016x}\t{}\t{}\t{}",
                    escape(p),
                    e.size,
                    e.mtime_ns,
                    e.hash,
                    e.git
                        .added_by
                        .as_deref()
                        .map_or_else(|| "-".to_string(), escape),
                    opt(&e.git.added_at),
                    opt(&e.git.changed_at),
                )?;
            }
            out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        }
        std::fs::rename(&tmp, path)
    }
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
