//! Ids for new lessons: the ids in use (in the work tree, and committed or
//! staged lessons whose file is gone) and the next free one of a year.

use std::collections::BTreeSet;
use std::path::Path;

use crate::config::Config;
use crate::repo::{KnowledgeBase, list_lessons};

/// Ids in use: every lesson file in the working tree (committed or not),
/// and lessons committed at HEAD or staged whose file is gone from the
/// working tree (the deletion is not committed yet). Read from the top of each file, so
/// a lesson whose front matter does not parse still holds its id.
pub fn used_ids(kb: &KnowledgeBase) -> BTreeSet<String> {
    use rayon::prelude::*;
    let files = list_lessons(kb);
    let present: BTreeSet<String> = files.iter().map(|f| f.path.clone()).collect();
    let mut ids: BTreeSet<String> = files
        .par_iter()
        .filter(|f| f.problem.is_none())
        .filter_map(|f| id_in(&head_of(&f.abs(kb))))
        .collect();
    ids.extend(committed_ids(kb, &present));
    ids
}

/// The first 8 KiB of a file: the id is near the top of the front matter.
pub(super) fn head_of(path: &Path) -> String {
    use std::io::Read;
    let mut buf = Vec::with_capacity(8192);
    if let Ok(f) = std::fs::File::open(path) {
        let _ = f.take(8192).read_to_end(&mut buf);
    }
    String::from_utf8_lossy(&buf).into_owned()
}

/// The `id = "..."` of a front matter, before its first table.
pub(super) fn id_in(text: &str) -> Option<String> {
    for line in text.lines().skip(1) {
        let line = line.trim();
        if line == "+++" || line.starts_with('[') {
            return None;
        }
        let Some(rest) = ["id", "\"id\"", "'id'"]
            .iter()
            .find_map(|key| line.strip_prefix(key))
        else {
            continue;
        };
        let Some(value) = rest.trim_start().strip_prefix('=') else {
            continue;
        };
        let value = value.trim();
        let quote = value.chars().next()?;
        if quote != '"' && quote != '\'' {
            return None;
        }
        let inner = &value[1..];
        return inner.find(quote).map(|end| inner[..end].to_string());
    }
    None
}

/// Ids of lessons at HEAD or in the staging area whose file is not in the
/// working tree.
pub(super) fn committed_ids(kb: &KnowledgeBase, present: &BTreeSet<String>) -> Vec<String> {
    let Some(git) = &kb.git else {
        return Vec::new();
    };
    git.committed_lesson_heads(kb, present, 8192)
        .into_iter()
        .filter_map(|(_, head)| id_in(&String::from_utf8_lossy(&head)))
        .collect()
}

/// Why no id could be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoId(pub String);

/// The next free id of `year`: the prefix and number width most used by
/// the existing ids (else `LL` and three digits), one more than the highest
/// number of that year, and matching `id_pattern`.
pub fn next_id(config: &Config, used: &BTreeSet<String>, year: i16) -> Result<String, NoId> {
    // PREFIX-YYYY-NNN ids already in use.
    let parsed: Vec<(&str, i16, u64, usize)> = used
        .iter()
        .filter_map(|id| {
            let mut parts = id.rsplitn(3, '-');
            let number = parts.next()?;
            let y = parts.next()?;
            let prefix = parts.next()?;
            // (An absurdly long number, a typo most likely, is not followed.)
            if prefix.is_empty()
                || y.len() != 4
                || number.is_empty()
                || number.len() > 12
                || !number.bytes().all(|b| b.is_ascii_digit())
            {
                return None;
            }
            Some((prefix, y.parse().ok()?, number.parse().ok()?, number.len()))
        })
        .collect();
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for (prefix, ..) in &parsed {
        *counts.entry(prefix).or_default() += 1;
    }
    let mut prefixes: Vec<String> = Vec::new();
    if let Some((prefix, _)) = counts
        .iter()
        .max_by_key(|(p, n)| (**n, std::cmp::Reverse(**p)))
    {
        prefixes.push(prefix.to_string());
    }
    // The literal start of the pattern (`^INC-...` gives `INC`), for a
    // knowledge base with no lesson yet.
    if let Some(prefix) = pattern_prefix(config.id_pattern.as_str()) {
        prefixes.push(prefix);
    }
    prefixes.push("LL".to_string());
    for prefix in &prefixes {
        let of_prefix: Vec<_> = parsed.iter().filter(|(p, ..)| p == prefix).collect();
        // The width most used (this year's ids first), widest on a tie.
        let mut widths: std::collections::BTreeMap<usize, (usize, usize)> = Default::default();
        for (_, y, _, w) in &of_prefix {
            let e = widths.entry(*w).or_default();
            e.0 += usize::from(*y == year);
            e.1 += 1;
        }
        let width = widths
            .iter()
            .max_by_key(|(w, counts)| (**counts, **w))
            .map_or(3, |(w, _)| *w);
        let highest = of_prefix
            .iter()
            .filter(|(_, y, ..)| *y == year)
            .map(|(_, _, n, _)| *n)
            .max();
        let Some(first) = highest.map_or(Some(1), |n| n.checked_add(1)) else {
            continue;
        };
        for width in std::iter::once(width).chain(3..=6) {
            // Never reuse an id, whatever its case.
            let mut n = first;
            loop {
                let id = format!("{prefix}-{year:04}-{n:0width$}");
                if !config.id_pattern.is_match(&id) {
                    break;
                }
                if !used.iter().any(|u| u.eq_ignore_ascii_case(&id)) {
                    return Ok(id);
                }
                let Some(next) = n.checked_add(1) else { break };
                n = next;
            }
        }
    }
    Err(NoId(format!(
        "no id of the form PREFIX-{year}-NNN matches id_pattern `{}`; pass one with --id",
        config.id_pattern.as_str()
    )))
}

/// The literal prefix an id pattern starts with: `^INC-[0-9]{4}...` gives
/// `INC`.
pub(super) fn pattern_prefix(pattern: &str) -> Option<String> {
    let rest = pattern.strip_prefix('^')?;
    let end = rest.find('-')?;
    let prefix = &rest[..end];
    (!prefix.is_empty() && prefix.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then(|| prefix.to_string())
}
