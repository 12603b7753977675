//! What reports need of each lesson, kept beside the search index so that
//! `report` and `actions` never re-read 100,000 files: a compact binary file
//! per index commit, named in the commit payload like the manifest.
//!
//! The file is `lessons-facts 6\n`, then one record per lesson in path
//! order: `[u32 length][u32 path length][path][body]` (little-endian), so
//! that an update copies unchanged records without decoding them. A body
//! is, in order: id, status, kind, severity (optional texts); the TLP
//! level as it applies (one byte, `Tlp::code`); occurred,
//! detected, contained, recovered (optional times); systems, teams, functions
//! (lists of texts); causes (a list of optional category, optional key); actions
//! (a list of optional status, optional completed time, addresses, and
//! the action's details as a length-prefixed blob: optional summary, kind,
//! owner, due time, link); then, since version 4, the reviewed time and
//! per action the verified time and `effective` (an optional byte 0 or 1),
//! in the same order as the actions.
//!
//! Numbers are varints of six bits a byte, least significant first, with
//! `0x40` on every byte but the last (times zigzag-encoded seconds since
//! the epoch, UTC); texts and lists are length-prefixed, and an optional
//! value is a `0` byte or a `1` byte then the value. Every byte of a body
//! that is not text is ASCII (format 6; LEB128 before), so a body is
//! UTF-8 as a whole: it is checked once, and each text is then a slice of
//! it at two character boundaries (checking each of 2.5 million texts at
//! 100,000 lessons cost more than the rest of reading them). Reports walk
//! 100,000 of these per run: what they need is read in place, and the
//! details, which they rarely show, are skipped until asked for.

use std::path::Path;

use serde::Serialize;

use crate::lesson::{Lesson, Moment, Sp, text, texts};
use crate::tlp::Tlp;

/// A lesson's facts as written: the text borrows from the lesson.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionRecord<'a> {
    pub summary: Option<&'a str>,
    pub kind: Option<&'a str>,
    pub owner: Option<&'a str>,
    /// Seconds since the epoch (UTC), as all times here.
    pub due: Option<i64>,
    pub status: Option<&'a str>,
    pub completed: Option<i64>,
    pub addresses: Vec<&'a str>,
    pub link: Option<&'a str>,
    pub verified: Option<i64>,
    pub effective: Option<bool>,
}

/// One lesson, as reports see it (no free text but action summaries).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FactsRecord<'a> {
    /// Stored in the record's frame, not in its body.
    pub path: &'a str,
    pub id: Option<&'a str>,
    pub status: Option<&'a str>,
    pub kind: Option<&'a str>,
    pub severity: Option<&'a str>,
    /// The lesson's `tlp`, else the default of `lessons.toml`.
    pub tlp: Tlp,
    pub occurred: Option<i64>,
    pub detected: Option<i64>,
    pub contained: Option<i64>,
    pub recovered: Option<i64>,
    pub systems: Vec<&'a str>,
    pub teams: Vec<&'a str>,
    /// The business functions the lesson informs (`functions`).
    pub functions: Vec<&'a str>,
    pub causes: Vec<Cause<'a>>,
    pub actions: Vec<ActionRecord<'a>>,
    pub reviewed: Option<i64>,
}

/// One lesson's facts, read back from a facts file without allocating:
/// text borrows from the mapped file and lists are decoded as they are
/// walked. On a fresh page every megabyte costs time, and a report reads
/// 100,000 of these.
#[derive(Debug, Clone, Copy, Default)]
pub struct Facts<'a> {
    pub path: &'a str,
    pub id: Option<&'a str>,
    pub status: Option<&'a str>,
    pub kind: Option<&'a str>,
    pub severity: Option<&'a str>,
    /// The lesson's `tlp`, else the default of `lessons.toml`.
    pub tlp: Tlp,
    pub occurred: Option<i64>,
    pub detected: Option<i64>,
    pub contained: Option<i64>,
    pub recovered: Option<i64>,
    pub systems: Strs<'a>,
    pub teams: Strs<'a>,
    pub functions: Strs<'a>,
    pub causes: Causes<'a>,
    pub actions: Actions<'a>,
    pub reviewed: Option<i64>,
    /// Each action's verification, in the order of `actions`.
    pub verifications: Verifications<'a>,
}

/// When an action was verified and whether it was found to work.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Verification {
    pub verified: Option<i64>,
    pub effective: Option<bool>,
}

/// A cause, as written into a facts file and as read back.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cause<'a> {
    pub category: Option<&'a str>,
    pub key: Option<&'a str>,
}

/// An action: what reports compute with, and its details on demand.
#[derive(Debug, Clone, Copy)]
pub struct Action<'a> {
    pub status: Option<&'a str>,
    pub completed: Option<i64>,
    pub addresses: Strs<'a>,
    details: &'a str,
}

/// What an action says, beyond what reports compute with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ActionDetails<'a> {
    pub summary: Option<&'a str>,
    pub kind: Option<&'a str>,
    pub owner: Option<&'a str>,
    pub due: Option<i64>,
    pub link: Option<&'a str>,
}

impl<'a> Action<'a> {
    /// The details, read as asked for (they were skipped when the record
    /// was: a damaged blob reads as no details).
    pub fn details(&self) -> ActionDetails<'a> {
        let mut r = Reader::new(self.details);
        let mut read = || {
            Some(ActionDetails {
                summary: r.opt_str()?,
                kind: r.opt_str()?,
                owner: r.opt_str()?,
                due: r.opt_i64()?,
                link: r.opt_str()?,
            })
        };
        read().unwrap_or_default()
    }
}

/// Reads the format above in place, from a body checked as UTF-8 once.
#[derive(Debug, Clone, Copy, Default)]
struct Reader<'a> {
    text: &'a str,
    /// Where the next value starts in `text`.
    at: usize,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str) -> Reader<'a> {
        Reader { text, at: 0 }
    }

    #[inline]
    fn byte(&mut self) -> Option<u8> {
        let byte = *self.text.as_bytes().get(self.at)?;
        self.at += 1;
        Some(byte)
    }

    /// Inlined for its one-byte case (lengths, counts, most times are
    /// not): reports read tens of millions of these, and the call was a
    /// seventh of a report's time.
    #[inline]
    fn varint(&mut self) -> Option<u64> {
        match self.text.as_bytes().get(self.at) {
            Some(&byte) if byte < 0x40 => {
                self.at += 1;
                Some(u64::from(byte))
            }
            _ => self.long_varint(),
        }
    }

    #[inline(never)]
    fn long_varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for i in 0..11 {
            let byte = self.byte()?;
            if byte >= 0x80 {
                return None;
            }
            value |= u64::from(byte & 0x3f) << (6 * i);
            if byte & 0x40 == 0 {
                return Some(value);
            }
        }
        None
    }

    #[inline]
    fn len(&mut self) -> Option<usize> {
        usize::try_from(self.varint()?).ok()
    }

    #[inline]
    fn i64(&mut self) -> Option<i64> {
        let z = self.varint()?;
        Some((z >> 1) as i64 ^ -((z & 1) as i64))
    }

    /// The text of the next `len` bytes (at character boundaries, or the
    /// record is damaged).
    #[inline]
    fn str(&mut self) -> Option<&'a str> {
        let len = self.len()?;
        let end = self.at.checked_add(len)?;
        let text = self.text.get(self.at..end)?;
        self.at = end;
        Some(text)
    }

    fn tlp(&mut self) -> Option<Tlp> {
        Tlp::from_code(self.byte()?)
    }

    #[inline]
    fn present(&mut self) -> Option<bool> {
        match self.byte()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    #[inline]
    fn opt_str(&mut self) -> Option<Option<&'a str>> {
        Some(if self.present()? {
            Some(self.str()?)
        } else {
            None
        })
    }

    #[inline]
    fn opt_i64(&mut self) -> Option<Option<i64>> {
        Some(if self.present()? {
            Some(self.i64()?)
        } else {
            None
        })
    }

    /// A time, which TOML limits to the years 0000 to 9999: anything else
    /// is damage, and would overflow the arithmetic on times.
    #[inline]
    fn opt_time(&mut self) -> Option<Option<i64>> {
        const FIRST: i64 = -62_167_219_200; // 0000-01-01T00:00:00Z
        const LAST: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z
        match self.opt_i64()? {
            Some(t) if !(FIRST..=LAST).contains(&t) => None,
            t => Some(t),
        }
    }

    /// A list whose items `item` reads (checking them): its text, count
    /// included, for a lazy list to walk again.
    fn list(&mut self, mut item: impl FnMut(&mut Self) -> Option<()>) -> Option<&'a str> {
        let start = self.at;
        let n = self.len()?;
        for _ in 0..n {
            item(self)?;
        }
        self.text.get(start..self.at)
    }

    fn strs(&mut self) -> Option<Strs<'a>> {
        let raw = self.list(|r| r.str().map(drop))?;
        Some(Strs { raw })
    }

    #[inline]
    fn cause(&mut self) -> Option<Cause<'a>> {
        Some(Cause {
            category: self.opt_str()?,
            key: self.opt_str()?,
        })
    }

    #[inline]
    fn action(&mut self) -> Option<Action<'a>> {
        Some(Action {
            status: self.opt_str()?,
            completed: self.opt_time()?,
            addresses: self.strs()?,
            details: self.str()?,
        })
    }

    #[inline]
    fn opt_bool(&mut self) -> Option<Option<bool>> {
        Some(if self.present()? {
            Some(self.present()?)
        } else {
            None
        })
    }

    #[inline]
    fn verification(&mut self) -> Option<Verification> {
        Some(Verification {
            verified: self.opt_time()?,
            effective: self.opt_bool()?,
        })
    }

    fn facts(&mut self, path: &'a str) -> Option<Facts<'a>> {
        let facts = Facts {
            path,
            id: self.opt_str()?,
            status: self.opt_str()?,
            kind: self.opt_str()?,
            severity: self.opt_str()?,
            tlp: self.tlp()?,
            occurred: self.opt_time()?,
            detected: self.opt_time()?,
            contained: self.opt_time()?,
            recovered: self.opt_time()?,
            systems: self.strs()?,
            teams: self.strs()?,
            functions: self.strs()?,
            causes: Causes {
                raw: self.list(|r| r.cause().map(drop))?,
            },
            actions: Actions {
                raw: self.list(|r| r.action().map(drop))?,
            },
            reviewed: self.opt_time()?,
            verifications: Verifications {
                raw: self.list(|r| r.verification().map(drop))?,
            },
        };
        (self.at == self.text.len()).then_some(facts)
    }
}

/// Writes the format above.
struct Writer<'o> {
    out: &'o mut Vec<u8>,
}

impl Writer<'_> {
    fn varint(&mut self, mut v: u64) {
        while v >= 0x40 {
            self.out.push((v as u8 & 0x3f) | 0x40);
            v >>= 6;
        }
        self.out.push(v as u8);
    }

    fn i64(&mut self, v: i64) {
        self.varint(((v << 1) ^ (v >> 63)) as u64);
    }

    fn bytes(&mut self, b: &[u8]) {
        self.varint(b.len() as u64);
        self.out.extend_from_slice(b);
    }

    fn opt_str(&mut self, v: Option<&str>) {
        match v {
            None => self.out.push(0),
            Some(s) => {
                self.out.push(1);
                self.bytes(s.as_bytes());
            }
        }
    }

    fn opt_i64(&mut self, v: Option<i64>) {
        match v {
            None => self.out.push(0),
            Some(n) => {
                self.out.push(1);
                self.i64(n);
            }
        }
    }

    fn strs(&mut self, v: &[&str]) {
        self.varint(v.len() as u64);
        for s in v {
            self.bytes(s.as_bytes());
        }
    }

    fn facts(&mut self, f: &FactsRecord) {
        for text in [f.id, f.status, f.kind, f.severity] {
            self.opt_str(text);
        }
        self.out.push(f.tlp.code());
        for time in [f.occurred, f.detected, f.contained, f.recovered] {
            self.opt_i64(time);
        }
        self.strs(&f.systems);
        self.strs(&f.teams);
        self.strs(&f.functions);
        self.varint(f.causes.len() as u64);
        for c in &f.causes {
            self.opt_str(c.category);
            self.opt_str(c.key);
        }
        self.varint(f.actions.len() as u64);
        let mut details = Vec::new();
        for a in &f.actions {
            self.opt_str(a.status);
            self.opt_i64(a.completed);
            self.strs(&a.addresses);
            details.clear();
            let mut d = Writer { out: &mut details };
            d.opt_str(a.summary);
            d.opt_str(a.kind);
            d.opt_str(a.owner);
            d.opt_i64(a.due);
            d.opt_str(a.link);
            self.bytes(&details);
        }
        self.opt_i64(f.reviewed);
        self.varint(f.actions.len() as u64);
        for a in &f.actions {
            self.opt_i64(a.verified);
            match a.effective {
                None => self.out.push(0),
                Some(b) => self.out.extend_from_slice(&[1, u8::from(b)]),
            }
        }
    }
}

/// Defines a list read lazily from bytes checked when the record was read
/// (so its iterator cannot fail): the count, then the items.
macro_rules! lazy_list {
    ($(#[$doc:meta])* $name:ident, $item:ty, $read:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name<'a> {
            raw: &'a str,
        }

        impl<'a> $name<'a> {
            fn reader(&self) -> (usize, Reader<'a>) {
                let mut reader = Reader::new(self.raw);
                (reader.len().unwrap_or(0), reader)
            }

            pub fn len(&self) -> usize {
                self.reader().0
            }

            pub fn is_empty(&self) -> bool {
                self.len() == 0
            }

            pub fn iter(&self) -> impl Iterator<Item = $item> + Clone + use<'a> {
                let (n, mut reader) = self.reader();
                (0..n).map_while(move |_| reader.$read())
            }
        }
    };
}

lazy_list!(
    /// A list of texts.
    Strs, &'a str, str
);
lazy_list!(
    /// A lesson's causes.
    Causes, Cause<'a>, cause
);
lazy_list!(
    /// A lesson's actions.
    Actions, Action<'a>, action
);
lazy_list!(
    /// Each action's verification, in the order of the actions.
    Verifications, Verification, verification
);

impl Facts<'_> {
    /// Asks the processor to bring these facts into the cache ahead of
    /// their turn (then, a few lessons later, [`Facts::prefetch_lists`]).
    /// Reports walk the lessons in time order, not in the files' order, so
    /// each lesson's first read was a wait on memory the hardware could not
    /// foresee: a fifth of a report's computing.
    #[inline]
    pub fn prefetch(&self) {
        let facts = std::ptr::from_ref(self).cast::<u8>();
        for line in (0..size_of::<Self>()).step_by(64) {
            prefetch(facts.wrapping_add(line));
        }
    }

    /// Asks for the lists of the record (systems to verifications, the
    /// first 512 bytes of them): reads these facts, so best once
    /// [`Facts::prefetch`] brought them in.
    #[inline]
    pub fn prefetch_lists(&self) {
        let (start, end) = (
            self.systems.raw.as_ptr(),
            self.verifications
                .raw
                .as_ptr()
                .wrapping_add(self.verifications.raw.len()),
        );
        let bytes = (end as usize).saturating_sub(start as usize).min(512);
        for line in (0..bytes).step_by(64) {
            prefetch(start.wrapping_add(line));
        }
    }
}

/// A hint to the processor that `at` is about to be read.
#[inline(always)]
fn prefetch(at: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch reads nothing the program sees and cannot fault,
    // whatever the address (`sse` is part of every x86-64 target).
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(at.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = at;
}

impl Strs<'_> {
    pub fn contains(&self, text: &str) -> bool {
        self.iter().any(|s| s == text)
    }
}

impl Serialize for Strs<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

fn t(v: Option<&Sp<Moment>>) -> Option<i64> {
    v.map(|m| m.value.utc.as_second())
}

impl<'a> FactsRecord<'a> {
    pub fn from_lesson(lesson: &'a Lesson, default_tlp: Tlp) -> FactsRecord<'a> {
        FactsRecord {
            path: &lesson.path,
            id: text(&lesson.id),
            status: text(&lesson.status),
            kind: text(&lesson.kind),
            severity: text(&lesson.severity),
            tlp: lesson.tlp(default_tlp),
            occurred: t(lesson.occurred.as_ref()),
            detected: t(lesson.detected.as_ref()),
            contained: t(lesson.contained.as_ref()),
            recovered: t(lesson.recovered.as_ref()),
            systems: texts(&lesson.systems),
            teams: texts(&lesson.teams),
            functions: texts(&lesson.functions),
            causes: lesson
                .causes()
                .iter()
                .map(|c| Cause {
                    category: text(&c.category),
                    key: text(&c.key),
                })
                .collect(),
            actions: lesson
                .actions()
                .iter()
                .map(|a| ActionRecord {
                    summary: text(&a.summary),
                    kind: text(&a.kind),
                    owner: text(&a.owner),
                    due: t(a.due.as_ref()),
                    status: text(&a.status),
                    completed: t(a.completed.as_ref()),
                    addresses: texts(&a.addresses),
                    link: text(&a.link),
                    verified: t(a.verified.as_ref()),
                    effective: a.effective.as_ref().map(|e| e.value),
                })
                .collect(),
            reviewed: t(lesson.reviewed.as_ref()),
        }
    }
}

const MAGIC: &[u8] = b"lessons-facts 6\n";

fn bad(why: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!("malformed report facts: {why}"),
    )
}

/// One record: `[u32 length][u32 path length][path][body]`, so
/// that an update can copy unchanged records without decoding them.
fn push_record(out: &mut Vec<u8>, facts: &FactsRecord) -> std::io::Result<()> {
    let mut body = Vec::with_capacity(512);
    Writer { out: &mut body }.facts(facts);
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

/// Where the record at byte `at` of a facts file is: its path's start,
/// its body's start and its end (`None` for a record cut short).
fn frame(bytes: &[u8], at: usize) -> Option<(usize, usize, usize)> {
    let len = u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?) as usize;
    let path_len = u32::from_le_bytes(bytes.get(at + 4..at + 8)?.try_into().ok()?) as usize;
    let end = at.checked_add(4 + len).filter(|&e| e <= bytes.len())?;
    let body = (at + 8).checked_add(path_len).filter(|&b| b <= end)?;
    Some((at + 8, body, end))
}

/// The records of a facts file.
fn records(bytes: &[u8]) -> impl Iterator<Item = std::io::Result<Record<'_>>> {
    let mut at = bytes.starts_with(MAGIC).then_some(MAGIC.len());
    let mut failed = at.is_none();
    std::iter::from_fn(move || {
        if failed {
            failed = false;
            return Some(Err(bad("unknown format")));
        }
        let start = at.filter(|&a| a < bytes.len())?;
        let record = frame(bytes, start).and_then(|(path, body, end)| {
            let path = std::str::from_utf8(&bytes[path..body]).ok()?;
            Some(((path, &bytes[start..end], &bytes[body..end]), end))
        });
        match record {
            Some((record, end)) => {
                at = Some(end);
                Some(Ok(record))
            }
            None => {
                at = None;
                Some(Err(bad("truncated record")))
            }
        }
    })
}

/// One lesson's record, encoded: a full build encodes as it reads, so it
/// never holds 100,000 decoded records at once.
pub fn record(facts: &FactsRecord) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    push_record(&mut out, facts)?;
    Ok(out)
}

/// A facts file from records already sorted by path, in memory (builds
/// write them with [`write_records`]).
pub fn concat<'r>(records: impl Iterator<Item = &'r [u8]>) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    for r in records {
        out.extend_from_slice(r);
    }
    out
}

/// [`concat`] written straight to the file at `path` (atomically, like
/// [`write_bytes`]), returning the hash of what was written: a full build
/// then holds no second copy of every record (48 MB at 100,000 lessons)
/// beside the records themselves.
pub fn write_records<'r>(
    path: &Path,
    records: impl Iterator<Item = &'r [u8]>,
) -> std::io::Result<String> {
    use std::io::Write;
    let tmp = path.with_extension("tmp");
    let mut file = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp)?);
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for chunk in std::iter::once(MAGIC).chain(records) {
        hasher.update(chunk);
        file.write_all(chunk)?;
    }
    file.into_inner().map_err(|e| e.into_error())?;
    std::fs::rename(&tmp, path)?;
    Ok(format!("{:016x}", hasher.digest()))
}

/// The facts with `changes` applied (`None` removes a lesson), copying
/// unchanged records as bytes: a merge of two sorted sequences (in memory,
/// for tests; updates use [`splice_to_file`]).
#[cfg(test)]
pub fn splice(
    bytes: &[u8],
    changes: &std::collections::BTreeMap<String, Option<Vec<u8>>>,
) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() + 512 * changes.len());
    splice_into(bytes, changes, &mut |_| {}, &mut |chunk| {
        out.extend_from_slice(chunk);
        Ok(())
    })
    .map_err(|e| match e {
        Spliced::Old => bad("a record is cut short"),
        Spliced::Write(e) => e,
    })?;
    Ok(out)
}

/// [`splice`] written straight to the file at `path` (atomically, like
/// [`write_bytes`]), returning the hash of what was written: an update of a
/// large knowledge base then allocates no copy of the whole file.
///
/// Unchanged records are copied as bytes, so damaged ones must never be:
/// the old bytes are hashed as they are walked, and when they do not match
/// `old_hash` (the hash the index recorded for them) nothing is written and
/// the answer is `None`. Checking in the same walk, rather than hashing the
/// 48 MB of a 100,000-lesson knowledge base first, saves an update a pass
/// over them.
pub fn splice_to_file(
    bytes: &[u8],
    changes: &std::collections::BTreeMap<String, Option<Vec<u8>>>,
    path: &Path,
    old_hash: &str,
) -> std::io::Result<Option<String>> {
    use std::io::Write;
    let tmp = path.with_extension("tmp");
    let mut file = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp)?);
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut old = xxhash_rust::xxh3::Xxh3::new();
    let walked = splice_into(
        bytes,
        changes,
        &mut |chunk| old.update(chunk),
        &mut |chunk| {
            hasher.update(chunk);
            file.write_all(chunk)
        },
    );
    // A walk stopped by a damaged record is damage, like a wrong hash.
    let sound = match walked {
        Ok(()) => format!("{:016x}", old.digest()) == old_hash,
        Err(Spliced::Old) => false,
        Err(Spliced::Write(e)) => return Err(e),
    };
    if !sound {
        drop(file);
        let _ = std::fs::remove_file(&tmp);
        return Ok(None);
    }
    file.into_inner().map_err(|e| e.into_error())?;
    std::fs::rename(&tmp, path)?;
    Ok(Some(format!("{:016x}", hasher.digest())))
}

/// Why a splice stopped: the old file could not be read as records, or
/// the new one could not be written.
enum Spliced {
    Old,
    Write(std::io::Error),
}

/// The spliced file, chunk by chunk: unchanged records as they are (each
/// run of them one chunk, so a one-lesson update hashes and writes a few
/// large slices rather than a small one per lesson), changed ones
/// replaced, removed ones left out, new ones in path order. `seen` gets the
/// old file's bytes in order (its magic line, then every record, kept or
/// not), which together are the whole old file.
fn splice_into(
    bytes: &[u8],
    changes: &std::collections::BTreeMap<String, Option<Vec<u8>>>,
    seen: &mut dyn FnMut(&[u8]),
    out: &mut dyn FnMut(&[u8]) -> std::io::Result<()>,
) -> Result<(), Spliced> {
    // The current run of unchanged old bytes, passed on when a change
    // interrupts it.
    let mut run = 0..0;
    let flush = |run: &mut std::ops::Range<usize>,
                 seen: &mut dyn FnMut(&[u8]),
                 out: &mut dyn FnMut(&[u8]) -> std::io::Result<()>| {
        let chunk = &bytes[std::mem::replace(run, 0..0)];
        if chunk.is_empty() {
            return Ok(());
        }
        seen(chunk);
        out(chunk).map_err(Spliced::Write)
    };
    if bytes.starts_with(MAGIC) {
        run = 0..MAGIC.len();
    } else {
        out(MAGIC).map_err(Spliced::Write)?;
    }
    let mut pending = changes.iter().peekable();
    for record in records(bytes) {
        let (path, raw, _) = record.map_err(|_| Spliced::Old)?;
        // Records are consecutive slices of `bytes`.
        let at = raw.as_ptr() as usize - bytes.as_ptr() as usize;
        while let Some((p, change)) = pending.peek() {
            if p.as_str() >= path {
                break;
            }
            if let Some(r) = change {
                flush(&mut run, seen, out)?;
                out(r).map_err(Spliced::Write)?;
            }
            pending.next();
        }
        match pending.peek() {
            Some((p, change)) if p.as_str() == path => {
                flush(&mut run, seen, out)?;
                seen(raw);
                if let Some(r) = change {
                    out(r).map_err(Spliced::Write)?;
                }
                pending.next();
            }
            _ if run.is_empty() => run = at..at + raw.len(),
            _ => run.end = at + raw.len(),
        }
    }
    flush(&mut run, seen, out)?;
    for (_, change) in pending {
        if let Some(r) = change {
            out(r).map_err(Spliced::Write)?;
        }
    }
    Ok(())
}

/// The hash of a facts file's bytes, as the index payload records it.
pub fn hash(bytes: &[u8]) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(bytes))
}

/// Writes atomically, like the manifest.
pub fn write_bytes(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// A facts file, mapped into memory: reports borrow their text from it.
pub struct FactsFile {
    map: super::mapped::Mapped,
}

impl FactsFile {
    pub fn map(file: &std::fs::File) -> std::io::Result<FactsFile> {
        Ok(FactsFile {
            map: super::mapped::Mapped::map(file)?,
        })
    }

    /// Every record, decoded in path order.
    pub fn decode(&self) -> Result<Vec<Facts<'_>>, super::IndexError> {
        decode(self.map.bytes())
            .map_err(|e| super::IndexError::FactsDamaged(format!("they are unreadable ({e})")))
    }
}

/// The records of a facts file's bytes, decoded.
pub fn decode(bytes: &[u8]) -> std::io::Result<Vec<Facts<'_>>> {
    use rayon::prelude::*;
    // Finding the records is a chain of reads no core can share (each
    // record's length gives the next one's start, a cache miss apart): one
    // walk notes where each is, and does nothing else. Checking their
    // paths and bodies as UTF-8 and reading them then goes on every core.
    // (Counting the records first, to allocate once, and checking paths
    // in the walk made it 18 ms of one core at 100,000 lessons.)
    let mut frames: Vec<(usize, usize, usize)> = Vec::with_capacity(bytes.len() / 256);
    let mut at = MAGIC.len();
    if !bytes.starts_with(MAGIC) {
        return Err(bad("unknown format"));
    }
    while at < bytes.len() {
        // The walk only goes forward: the bytes a page on are asked for
        // while this record is read (decoding took a fifth less time).
        prefetch(bytes.as_ptr().wrapping_add(at + 4096));
        let Some(frame) = frame(bytes, at) else {
            return Err(bad("truncated record"));
        };
        at = frame.2;
        frames.push(frame);
    }
    // Collected in place, the first undecodable record noted on the side
    // (collecting `Result`s would gather pieces and copy them together;
    // `Option`s took one more pass over 26 MB to unwrap).
    let undecodable = std::sync::atomic::AtomicUsize::new(usize::MAX);
    let decoded: Vec<Facts> = frames
        .par_iter()
        .enumerate()
        .map(|(i, &(path, body, end))| {
            let read = || {
                let path = std::str::from_utf8(&bytes[path..body]).ok()?;
                Reader::new(std::str::from_utf8(&bytes[body..end]).ok()?).facts(path)
            };
            read().unwrap_or_else(|| {
                undecodable.fetch_min(i, std::sync::atomic::Ordering::Relaxed);
                Facts::default()
            })
        })
        .collect();
    if let Some(&(path, body, _)) = frames.get(undecodable.into_inner()) {
        return Err(bad(&format!(
            "undecodable record for {}",
            String::from_utf8_lossy(&bytes[path..body])
        )));
    }
    Ok(decoded)
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_splice_checks_the_old_hash_as_it_copies() {
        let dir = std::env::temp_dir().join(format!("lessons-splice-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let one = |path: &str, title: &str| {
            let r = FactsRecord {
                path,
                id: Some(title),
                ..FactsRecord::default()
            };
            record(&r).unwrap()
        };
        let mut old = MAGIC.to_vec();
        for (p, t) in [("a.md", "first"), ("b.md", "second"), ("c.md", "third")] {
            old.extend(one(p, t));
        }
        let changes: std::collections::BTreeMap<String, Option<Vec<u8>>> =
            [("b.md".to_string(), Some(one("b.md", "changed")))].into();
        let out = dir.join("facts.bin");
        let written = splice_to_file(&old, &changes, &out, &hash(&old)).unwrap();
        let expected = splice(&old, &changes).unwrap();
        assert_eq!(written, Some(hash(&expected)));
        assert_eq!(std::fs::read(&out).unwrap(), expected);
        std::fs::remove_file(&out).unwrap();
        // One letter changed in an unchanged record: every record reads,
        // only the hash tells; nothing is written.
        let mut damaged = old.clone();
        let at = damaged.len() - 2;
        damaged[at] ^= 0x20;
        assert_eq!(
            splice_to_file(&damaged, &changes, &out, &hash(&old)).unwrap(),
            None
        );
        assert!(!out.exists() && !out.with_extension("tmp").exists());
        // Cut short: a record that does not read is damage too.
        let cut = &old[..old.len() - 3];
        assert_eq!(
            splice_to_file(cut, &changes, &out, &hash(&old)).unwrap(),
            None
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    use super::*;

    fn facts<'a>(path: &'a str, id: &'a str) -> FactsRecord<'a> {
        FactsRecord {
            path,
            id: Some(id),
            ..FactsRecord::default()
        }
    }

    /// The reader follows postcard's format field for field: everything
    /// written comes back, and a damaged record is an error, not a panic.
    #[test]
    #[expect(
        clippy::too_many_lines,
        reason = "one literal with every field of a record, then its reading back"
    )]
    fn records_read_back_exactly() {
        let long = "long ".repeat(100);
        let written = FactsRecord {
            path: "lessons/2024/é.md",
            id: Some("LL-2024-001"),
            status: Some("final"),
            kind: None,
            severity: Some("high"),
            tlp: Tlp::AmberStrict,
            occurred: Some(-86_401),
            detected: Some(253_402_300_799),
            contained: None,
            recovered: Some(-62_167_219_200),
            systems: vec!["api", "ünïcode"],
            teams: vec![],
            functions: vec!["it", "hr"],
            causes: vec![
                Cause {
                    category: Some("process-gap"),
                    key: Some("k"),
                },
                Cause {
                    category: None,
                    key: None,
                },
            ],
            actions: vec![
                ActionRecord {
                    summary: Some(&long),
                    kind: Some("fix"),
                    owner: Some("o"),
                    due: Some(1_700_000_000),
                    status: Some("done"),
                    completed: Some(-1),
                    addresses: vec!["k", "j"],
                    link: Some("https://example.com"),
                    ..ActionRecord::default()
                },
                ActionRecord::default(),
            ],
            reviewed: Some(1_700_000_000),
        };
        let bytes = concat(std::iter::once(record(&written).unwrap().as_slice()));
        let facts = decode(&bytes).unwrap();
        let f = facts[0];
        assert_eq!(f.path, written.path);
        assert_eq!(
            (f.id, f.status, f.kind, f.severity),
            (written.id, written.status, written.kind, written.severity)
        );
        assert_eq!(f.tlp, written.tlp);
        assert_eq!(
            (f.occurred, f.detected, f.contained, f.recovered),
            (
                written.occurred,
                written.detected,
                written.contained,
                written.recovered
            )
        );
        assert_eq!(f.systems.iter().collect::<Vec<_>>(), written.systems);
        assert!(f.teams.is_empty());
        assert_eq!(f.functions.iter().collect::<Vec<_>>(), written.functions);
        let causes: Vec<Cause> = f.causes.iter().collect();
        assert_eq!(causes.len(), 2);
        assert_eq!(
            (causes[0].category, causes[0].key),
            (Some("process-gap"), Some("k"))
        );
        assert_eq!((causes[1].category, causes[1].key), (None, None));
        let actions: Vec<Action> = f.actions.iter().collect();
        assert_eq!(actions.len(), 2);
        let (a, r) = (&actions[0], &written.actions[0]);
        let d = a.details();
        assert_eq!((a.status, a.completed), (r.status, r.completed));
        assert_eq!(
            (d.summary, d.kind, d.owner, d.due, d.link),
            (r.summary, r.kind, r.owner, r.due, r.link)
        );
        assert_eq!(a.addresses.iter().collect::<Vec<_>>(), r.addresses);
        assert_eq!(a.addresses.len(), 2);
        assert!(actions[1].addresses.is_empty());
        assert_eq!(actions[1].details(), ActionDetails::default());

        // Every truncation, and a flipped byte, fails cleanly.
        for cut in 0..bytes.len() {
            assert!(
                decode(&bytes[..cut]).is_err() || cut == MAGIC.len(),
                "cut at {cut}"
            );
        }
        // Times outside the years 0000 to 9999 are damage.
        let beyond = FactsRecord {
            occurred: Some(i64::MIN),
            ..written.clone()
        };
        assert!(
            decode(&concat(std::iter::once(
                record(&beyond).unwrap().as_slice()
            )))
            .is_err()
        );
        let mut damaged = bytes.clone();
        let at = damaged.len() - 3;
        damaged[at] = 0xff;
        let _ = decode(&damaged);
    }

    /// A record that does not read is an error naming the first such
    /// record's path, whichever core met it first.
    #[test]
    fn an_undecodable_record_is_named() {
        let one = |path: &str| {
            record(&FactsRecord {
                path,
                id: Some("LL-1"),
                ..FactsRecord::default()
            })
            .unwrap()
        };
        let mut records: Vec<Vec<u8>> = (0..5000).map(|i| one(&format!("l/{i:05}.md"))).collect();
        // The id's presence byte (the body's first) made 7, in two records.
        for i in [4321, 1234] {
            let at = 8 + format!("l/{i:05}.md").len();
            records[i][at] = 7;
        }
        let bytes = concat(records.iter().map(Vec::as_slice));
        let e = decode(&bytes).unwrap_err();
        assert_eq!(
            e.to_string(),
            "malformed report facts: undecodable record for l/01234.md"
        );
        assert_eq!(
            decode(&concat(records[..1000].iter().map(Vec::as_slice)))
                .unwrap()
                .len(),
            1000
        );
    }

    /// Version 4: the reviewed time and each action's verification.
    #[test]
    fn reviews_and_verifications_read_back() {
        let written = FactsRecord {
            path: "a.md",
            reviewed: Some(1_700_000_000),
            actions: vec![
                ActionRecord {
                    verified: Some(1_700_100_000),
                    effective: Some(false),
                    ..ActionRecord::default()
                },
                ActionRecord::default(),
            ],
            ..FactsRecord::default()
        };
        let bytes = concat(std::iter::once(record(&written).unwrap().as_slice()));
        let f = decode(&bytes).unwrap()[0];
        assert_eq!(f.reviewed, written.reviewed);
        let checks: Vec<Verification> = f.verifications.iter().collect();
        assert_eq!(
            checks,
            [
                Verification {
                    verified: Some(1_700_100_000),
                    effective: Some(false)
                },
                Verification::default()
            ]
        );
        // A presence byte other than 0 or 1 (the last action's
        // `effective`) is damage, not a value.
        let mut damaged = bytes.clone();
        let at = damaged.len() - 1;
        assert_eq!(damaged[at], 0);
        damaged[at] = 7;
        assert!(decode(&damaged).is_err());
    }

    #[test]
    fn a_splice_equals_the_records_written_whole() {
        // Many change patterns (runs cut at the start, the end, several
        // times, removals of absent paths), against the file built whole
        // from the expected records; `seen` must be the whole old file.
        let mut state = 7_u64;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) % n
        };
        let name = |i: u64| format!("l{i:03}.md");
        for round in 0..200 {
            let old: Vec<u64> = (0..40).filter(|_| next(4) != 0).collect();
            let bytes = concat(
                old.iter()
                    .map(|&i| record(&facts(&name(i), "old")).unwrap())
                    .collect::<Vec<_>>()
                    .iter()
                    .map(Vec::as_slice),
            );
            let mut changes = std::collections::BTreeMap::new();
            for _ in 0..next(6) {
                let i = next(42);
                let change = (next(3) != 0).then(|| record(&facts(&name(i), "new")).unwrap());
                changes.insert(name(i), change);
            }
            let mut expected: std::collections::BTreeMap<String, Vec<u8>> = old
                .iter()
                .map(|&i| (name(i), record(&facts(&name(i), "old")).unwrap()))
                .collect();
            for (path, change) in &changes {
                match change {
                    Some(r) => expected.insert(path.clone(), r.clone()),
                    None => expected.remove(path),
                };
            }
            let whole = concat(expected.values().map(Vec::as_slice));
            let mut seen = Vec::new();
            let mut out = Vec::new();
            let walked = splice_into(
                &bytes,
                &changes,
                &mut |c| seen.extend_from_slice(c),
                &mut |c| {
                    out.extend_from_slice(c);
                    Ok(())
                },
            );
            assert!(walked.is_ok(), "round {round}");
            assert_eq!(out, whole, "round {round}: {changes:?}");
            assert_eq!(seen, bytes, "round {round}");
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
        let r = |p, i| Some(record(&facts(p, i)).unwrap());
        changes.insert("b".to_string(), r("b", "B"));
        changes.insert("c".to_string(), None);
        changes.insert("e".to_string(), r("e", "E2"));
        changes.insert("f".to_string(), r("f", "F"));
        write_bytes(&file, &splice(&bytes, &changes).unwrap()).unwrap();
        let mapped = FactsFile::map(&std::fs::File::open(&file).unwrap()).unwrap();
        let got: Vec<(&str, Option<&str>)> = mapped
            .decode()
            .unwrap()
            .into_iter()
            .map(|f| (f.path, f.id))
            .collect();
        assert_eq!(
            got,
            [("a", "A"), ("b", "B"), ("e", "E2"), ("f", "F")].map(|(p, i)| (p, Some(i)))
        );
        assert!(splice(b"garbage", &changes).is_err());
        // Built whole and written: the same bytes as in memory, and their hash.
        let whole = dir.path().join("w.bin");
        let h = write_records(&whole, records.iter().map(Vec::as_slice)).unwrap();
        assert_eq!(std::fs::read(&whole).unwrap(), bytes);
        assert_eq!(h, hash(&bytes));
        // Written straight to a file: the same bytes, and their hash.
        let streamed = dir.path().join("g.bin");
        let h = splice_to_file(&bytes, &changes, &streamed, &hash(&bytes)).unwrap();
        let spliced = splice(&bytes, &changes).unwrap();
        assert_eq!(std::fs::read(&streamed).unwrap(), spliced);
        assert_eq!(h, Some(hash(&spliced)));
    }
}
