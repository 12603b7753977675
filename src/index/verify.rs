//! Whether a generation's files are whole. Tantivy panics or fails on a
//! damaged segment file, and a damaged side file gives wrong answers, so
//! opening a generation checks them: Tantivy's segment files by the CRC32
//! in their footer, the side files by the xxh3 hash the commit payload
//! names.
//!
//! Reading every byte on each command would cost tens of milliseconds at
//! 100,000 lessons, so a file found whole is recorded in `verified` with
//! its size, times and inode, and read again only when one of them
//! changes. A file changed within [`SETTLE`] of its check is not recorded:
//! a second write in the same clock tick would leave its times unchanged.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tantivy::Index;
use tantivy::index::SegmentComponent;

use super::cache::Payload;
use super::error::RebuildReason;
use super::facts;

/// The record of files found whole, in the generation's folder.
const RECORD: &str = "verified";
const SETTLE: Duration = Duration::from_secs(2);

/// What identifies one version of a file: size, modification and change
/// times, inode. Writing to a file changes its change time, which no
/// program can set back.
fn stamp(meta: &std::fs::Metadata) -> (String, i128) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let mtime = i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec());
        let ctime = i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec());
        (
            format!("{} {mtime} {ctime} {}", meta.len(), meta.ino()),
            mtime.max(ctime),
        )
    }
    #[cfg(not(unix))]
    {
        let mtime = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as i128);
        (format!("{} {mtime}", meta.len()), mtime)
    }
}

fn now_ns() -> i128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128)
}

/// One file to check: its name in the generation's folder and how.
enum Check<'a> {
    /// A Tantivy file (relative to `tantivy/`): its footer's CRC32.
    Footer(std::path::PathBuf),
    /// A side file (what it is, its name): the xxh3 hash the payload
    /// names (`None` for an index written before side files were hashed:
    /// only its presence counts).
    Hash(&'static str, &'a str, Option<&'a str>),
}

/// Checks every file of the generation in `dir` (its Tantivy index opened
/// as `index`, its commit payload `payload`): a missing, truncated or
/// altered file is a reason to rebuild, naming the file.
pub(super) fn check(dir: &Path, index: &Index, payload: &Payload) -> Result<(), RebuildReason> {
    let damaged = |check: &Check<'_>, file: &str, why: &str| {
        let what = match check {
            Check::Footer(_) => "an index file is damaged",
            Check::Hash(what, _, _) => what,
        };
        RebuildReason::unreadable(what, format!("{file}: {why}"))
    };
    let segments = index
        .searchable_segment_metas()
        .map_err(|e| RebuildReason::unreadable("the index metadata is unreadable", e))?;
    let mut checks = vec![
        Check::Hash(
            "the index manifest is damaged",
            &payload.manifest,
            payload.manifest_hash.as_deref(),
        ),
        Check::Hash(
            "the report facts are damaged",
            &payload.facts,
            Some(&payload.facts_hash),
        ),
        Check::Hash(
            "the word list is damaged",
            &payload.words,
            payload.words_hash.as_deref(),
        ),
    ];
    for segment in &segments {
        for component in [
            SegmentComponent::Postings,
            SegmentComponent::Positions,
            SegmentComponent::FastFields,
            SegmentComponent::FieldNorms,
            SegmentComponent::Terms,
            SegmentComponent::Store,
        ] {
            checks.push(Check::Footer(segment.relative_path(component)));
        }
        if segment.delete_opstamp().is_some() {
            checks.push(Check::Footer(
                segment.relative_path(SegmentComponent::Delete),
            ));
        }
    }
    let record_path = dir.join(RECORD);
    let known = read_record(&record_path);
    let mut record = HashMap::new();
    let settled_before = now_ns() - SETTLE.as_nanos() as i128;
    for check in &checks {
        let (name, path) = match check {
            Check::Footer(rel) => {
                let name = format!("tantivy/{}", rel.display());
                let path = dir.join(&name);
                (name, path)
            }
            Check::Hash(_, name, _) => ((*name).to_string(), dir.join(name)),
        };
        let meta = std::fs::metadata(&path).map_err(|e| damaged(check, &name, &e.to_string()))?;
        if !meta.is_file() {
            return Err(damaged(check, &name, "not a regular file"));
        }
        let (stamp, changed) = stamp(&meta);
        if known.get(&name) == Some(&stamp) {
            record.insert(name, stamp);
            continue;
        }
        match check {
            Check::Footer(rel) => match index.directory().validate_checksum(rel) {
                Ok(true) => {}
                Ok(false) => return Err(damaged(check, &name, "its checksum does not match")),
                Err(e) => return Err(damaged(check, &name, &e.to_string())),
            },
            Check::Hash(_, _, None) => {}
            Check::Hash(_, _, Some(expected)) => {
                let bytes = super::mapped::Mapped::open(&path)
                    .map_err(|e| damaged(check, &name, &e.to_string()))?;
                if facts::hash(bytes.bytes()) != *expected {
                    return Err(damaged(check, &name, "its checksum does not match"));
                }
            }
        }
        if changed < settled_before {
            record.insert(name, stamp);
        }
    }
    if record != known {
        // A cache of work done: a folder that cannot be written (a
        // read-only checkout) only means checking again next time.
        let _ = write_record(&record_path, &record);
    }
    Ok(())
}

fn read_record(path: &Path) -> HashMap<String, String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .map(|(name, stamp)| (name.to_string(), stamp.to_string()))
        .collect()
}

fn write_record(path: &Path, record: &HashMap<String, String>) -> std::io::Result<()> {
    let mut text = String::new();
    for (name, stamp) in record {
        text.push_str(name);
        text.push('\t');
        text.push_str(stamp);
        text.push('\n');
    }
    // Under a name of its own, then renamed: readers check concurrently.
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
