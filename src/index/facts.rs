//! What reports need of each lesson, kept beside the search index so that
//! `report` and `actions` never re-read 100,000 files: a compact binary file
//! per index commit, named in the commit payload like the manifest.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::lesson::{Lesson, Moment, Sp, all_texts, opt_text};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CauseFacts {
    pub category: Option<String>,
    pub key: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionFacts {
    pub summary: Option<String>,
    pub kind: Option<String>,
    pub owner: Option<String>,
    /// Seconds since the epoch (UTC), as all times here.
    pub due: Option<i64>,
    pub status: Option<String>,
    pub completed: Option<i64>,
    pub addresses: Vec<String>,
    pub link: Option<String>,
}

/// One lesson, as reports see it (no free text but action summaries:
/// 100,000 of these are read for every report).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    /// Stored in the record's frame, not in its body.
    #[serde(skip)]
    pub path: String,
    pub id: Option<String>,
    pub status: Option<String>,
    pub kind: Option<String>,
    pub severity: Option<String>,
    pub occurred: Option<i64>,
    pub detected: Option<i64>,
    pub contained: Option<i64>,
    pub recovered: Option<i64>,
    pub systems: Vec<String>,
    pub teams: Vec<String>,
    pub causes: Vec<CauseFacts>,
    pub actions: Vec<ActionFacts>,
}

fn t(v: &Option<Sp<Moment>>) -> Option<i64> {
    v.as_ref().map(|m| m.value.utc.as_second())
}

impl Facts {
    pub fn from_lesson(lesson: &Lesson) -> Facts {
        Facts {
            path: lesson.path.clone(),
            id: opt_text(&lesson.id),
            status: opt_text(&lesson.status),
            kind: opt_text(&lesson.kind),
            severity: opt_text(&lesson.severity),
            occurred: t(&lesson.occurred),
            detected: t(&lesson.detected),
            contained: t(&lesson.contained),
            recovered: t(&lesson.recovered),
            systems: all_texts(&lesson.systems),
            teams: all_texts(&lesson.teams),
            causes: lesson
                .causes()
                .iter()
                .map(|c| CauseFacts {
                    category: opt_text(&c.category),
                    key: opt_text(&c.key),
                })
                .collect(),
            actions: lesson
                .actions()
                .iter()
                .map(|a| ActionFacts {
                    summary: opt_text(&a.summary),
                    kind: opt_text(&a.kind),
                    owner: opt_text(&a.owner),
                    due: t(&a.due),
                    status: opt_text(&a.status),
                    completed: t(&a.completed),
                    addresses: all_texts(&a.addresses),
                    link: opt_text(&a.link),
                })
                .collect(),
        }
    }
}

const MAGIC: &[u8] = b"lessons-facts 1\n";

fn bad(why: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!("malformed report facts: {why}"),
    )
}

/// One record: `[u32 length][u32 path length][path][postcard body]`, so
/// that an update can copy unchanged records without decoding them.
fn push_record(out: &mut Vec<u8>, facts: &Facts) -> std::io::Result<()> {
    let body = postcard::to_allocvec(facts).map_err(std::io::Error::other)?;
    let len = 4 + facts.path.len() + body.len();
    out.extend_from_slice(
        &u32::try_from(len)
            .map_err(|_| bad("record too large"))?
            .to_le_bytes(),
    );
    out.extend_from_slice(&(facts.path.len() as u32).to_le_bytes());
    out.extend_from_slice(facts.path.as_bytes());
    out.extend_from_slice(&body);
    Ok(())
}

/// A record: its path, its whole bytes, its body.
type Record<'a> = (&'a str, &'a [u8], &'a [u8]);

/// The records of a facts file.
fn records(bytes: &[u8]) -> impl Iterator<Item = std::io::Result<Record<'_>>> {
    let mut rest = bytes.strip_prefix(MAGIC);
    let mut failed = rest.is_none();
    std::iter::from_fn(move || {
        if failed {
            failed = false;
            rest = None;
            return Some(Err(bad("unknown format")));
        }
        let data = rest?;
        if data.is_empty() {
            return None;
        }
        let parse = || -> Option<(Record<'_>, usize)> {
            let len = u32::from_le_bytes(data.get(..4)?.try_into().ok()?) as usize;
            let record = data.get(..4 + len)?;
            let path_len = u32::from_le_bytes(record.get(4..8)?.try_into().ok()?) as usize;
            let path = std::str::from_utf8(record.get(8..8 + path_len)?).ok()?;
            Some(((path, record, &record[8 + path_len..]), 4 + len))
        };
        match parse() {
            Some((record, used)) => {
                rest = Some(&data[used..]);
                Some(Ok(record))
            }
            None => {
                rest = None;
                Some(Err(bad("truncated record")))
            }
        }
    })
}

/// One lesson's record, encoded: a full build encodes as it reads, so it
/// never holds 100,000 decoded records at once.
pub fn record(facts: &Facts) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    push_record(&mut out, facts)?;
    Ok(out)
}

/// A facts file from records already sorted by path.
pub fn concat<'r>(records: impl Iterator<Item = &'r [u8]>) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    for r in records {
        out.extend_from_slice(r);
    }
    out
}

/// The facts with `changes` applied (`None` removes a lesson), copying
/// unchanged records as bytes: a merge of two sorted sequences.
pub fn splice(
    bytes: &[u8],
    changes: &std::collections::BTreeMap<String, Option<Facts>>,
) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() + 512 * changes.len());
    out.extend_from_slice(MAGIC);
    let mut pending = changes.iter().peekable();
    for record in records(bytes) {
        let (path, raw, _) = record?;
        while let Some((p, change)) = pending.peek() {
            if p.as_str() >= path {
                break;
            }
            if let Some(f) = change {
                push_record(&mut out, f)?;
            }
            pending.next();
        }
        match pending.peek() {
            Some((p, change)) if p.as_str() == path => {
                if let Some(f) = change {
                    push_record(&mut out, f)?;
                }
                pending.next();
            }
            _ => out.extend_from_slice(raw),
        }
    }
    for (_, change) in pending {
        if let Some(f) = change {
            push_record(&mut out, f)?;
        }
    }
    Ok(out)
}

/// Writes atomically, like the manifest.
pub fn write_bytes(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

pub fn read(path: &Path) -> std::io::Result<Vec<Facts>> {
    use rayon::prelude::*;
    let bytes = std::fs::read(path)?;
    let records: Vec<Record> = records(&bytes).collect::<std::io::Result<_>>()?;
    // Decoding allocates a few strings per lesson: share it between cores.
    records
        .par_iter()
        .map(|(path, _, body)| {
            let mut facts: Facts = postcard::from_bytes(body).map_err(|e| bad(&e.to_string()))?;
            facts.path = path.to_string();
            Ok(facts)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(path: &str, id: &str) -> Facts {
        Facts {
            path: path.into(),
            id: Some(id.into()),
            ..Facts::default()
        }
    }

    #[test]
    fn encode_splice_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f.bin");
        let records: Vec<Vec<u8>> = [facts("a", "A"), facts("c", "C"), facts("e", "E")]
            .iter()
            .map(|f| record(f).unwrap())
            .collect();
        let bytes = concat(records.iter().map(Vec::as_slice));
        let mut changes = std::collections::BTreeMap::new();
        changes.insert("b".to_string(), Some(facts("b", "B")));
        changes.insert("c".to_string(), None);
        changes.insert("e".to_string(), Some(facts("e", "E2")));
        changes.insert("f".to_string(), Some(facts("f", "F")));
        write_bytes(&file, &splice(&bytes, &changes).unwrap()).unwrap();
        let got: Vec<(String, Option<String>)> = read(&file)
            .unwrap()
            .into_iter()
            .map(|f| (f.path, f.id))
            .collect();
        assert_eq!(
            got,
            [("a", "A"), ("b", "B"), ("e", "E2"), ("f", "F")]
                .map(|(p, i)| (p.to_string(), Some(i.to_string())))
        );
        assert!(splice(b"garbage", &changes).is_err());
    }
}
