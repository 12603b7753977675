//! What the index and the configuration know: the words of the lessons as
//! written (typo correction, `prefix*`), the values of whole-value fields,
//! and the closed vocabularies that filters are checked against.

use std::collections::BTreeMap;

use tantivy::Term;
use tantivy::query::FuzzyTermQuery;
use tantivy::schema::Field;

use super::{Filters, Settings};
use crate::Error;
use crate::index::SearchIndex;

/// The statuses a lesson may have (fixed by the format).
pub const STATUSES: &[&str] = &["draft", "review", "final"];
/// The statuses an action may have.
pub const ACTION_STATUSES: &[&str] = &["open", "in-progress", "done", "dropped"];

/// How many edits a word of this length may be away from its correction.
fn max_edits(word: &str) -> u8 {
    match word.chars().count() {
        0..=3 => 0,
        4..=6 => 1,
        _ => 2,
    }
}

/// The word of the lessons closest to `word` (one or two edits by length,
/// a transposition counting as one) that the index still has, the most
/// frequent among equals.
pub fn closest_word(index: &SearchIndex, word: &str) -> Option<String> {
    let edits = max_edits(word);
    // Longer tokens are not in the word list, and a Levenshtein automaton
    // grows with the word: a pasted paragraph must not build a huge one.
    if edits == 0 || word.len() > crate::index::words::MAX_WORD {
        return None;
    }
    let words = index.words()?;
    let fuzzy = FuzzyTermQuery::new(Term::from_field_text(index.fields.body, word), edits, true);
    let automaton = fuzzy.automaton().ok()?;
    let searcher = index.reader.searcher();
    let mut found: Vec<(usize, std::cmp::Reverse<u64>, String)> = words
        .matching(&automaton)
        .into_iter()
        .filter(|(w, _)| w != word && w.chars().count() >= 3)
        .map(|(w, n)| {
            (
                strsim::damerau_levenshtein(word, &w),
                std::cmp::Reverse(n),
                w,
            )
        })
        .collect();
    found.sort();
    // The list only grows between rebuilds: keep a word the index has.
    found.into_iter().map(|(_, _, w)| w).find(|w| {
        super::plan::analyze(index, index.fields.body, w)
            .first()
            .is_some_and(|stem| {
                super::plan::text_fields(&index.fields)
                    .iter()
                    .any(|(field, _, _)| {
                        searcher
                            .doc_freq(&Term::from_field_text(*field, stem))
                            .unwrap_or(0)
                            > 0
                    })
            })
    })
}

/// Up to `limit` terms of `field` starting with `prefix`, the most
/// frequent first.
pub fn terms_with_prefix(
    index: &SearchIndex,
    field: Field,
    prefix: &str,
    limit: usize,
) -> Vec<String> {
    if prefix.is_empty() {
        return Vec::new();
    }
    let searcher = index.reader.searcher();
    let mut found: BTreeMap<String, u64> = BTreeMap::new();
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(field) else {
            continue;
        };
        let Ok(mut stream) = inverted.terms().range().ge(prefix.as_bytes()).into_stream() else {
            continue;
        };
        while stream.advance() {
            if !stream.key().starts_with(prefix.as_bytes()) {
                break;
            }
            if let Ok(term) = std::str::from_utf8(stream.key()) {
                *found.entry(term.to_string()).or_default() += u64::from(stream.value().doc_freq);
            }
        }
    }
    let mut terms: Vec<(u64, String)> = found.into_iter().map(|(t, df)| (df, t)).collect();
    terms.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    terms.into_iter().take(limit).map(|(_, t)| t).collect()
}

/// Words of the lessons as written that start with `prefix` (at least two
/// characters: `s*` would be most of the language).
pub fn words_with_prefix(index: &SearchIndex, prefix: &str, limit: usize) -> Vec<String> {
    if prefix.chars().count() < 2 {
        return Vec::new();
    }
    index
        .words()
        .map(|w| w.with_prefix(prefix, limit, 20_000))
        .unwrap_or_default()
}

/// Every distinct value of a whole-value field, with how many lessons have
/// it.
pub fn field_values(index: &SearchIndex, field: Field) -> BTreeMap<String, u64> {
    let searcher = index.reader.searcher();
    let mut found: BTreeMap<String, u64> = BTreeMap::new();
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(field) else {
            continue;
        };
        let Ok(mut stream) = inverted.terms().stream() else {
            continue;
        };
        while stream.advance() {
            if let Ok(term) = std::str::from_utf8(stream.key()) {
                *found.entry(term.to_string()).or_default() += u64::from(stream.value().doc_freq);
            }
        }
    }
    found
}

/// The indexed lesson id closest to `id` (a digit or two off, a missing
/// zero, another year), if one is close.
pub fn closest_id(index: &SearchIndex, id: &str) -> Option<String> {
    let wanted = id.to_lowercase();
    let ids = field_values(index, index.fields.id);
    let best = ids
        .keys()
        .map(|k| (strsim::damerau_levenshtein(&wanted, k), k))
        .min()?;
    if best.0 > 2.max(wanted.len() / 5) {
        return None;
    }
    // Terms are lowercased: give the id back as the lesson writes it.
    let doc = super::find_by_id(index, best.1).ok().flatten()?;
    Some(super::first_str(&doc, index.fields.id))
}

/// The closed vocabulary a field prefix or filter takes its values from.
fn vocabulary<'a>(settings: &'a Settings, name: &str) -> Option<(&'static str, Vec<&'a str>)> {
    let v = &settings.vocabulary;
    let list = |l: &'a [String]| l.iter().map(String::as_str).collect::<Vec<_>>();
    match name {
        "kind" => Some(("kind", list(&v.kinds))),
        "severity" => Some(("severity", list(&v.severities))),
        "status" => Some(("status", STATUSES.to_vec())),
        "function" | "functions" => Some(("function", list(&v.functions))),
        "category" => Some(("category", list(&v.cause_categories))),
        _ => None,
    }
}

/// The vocabulary value `value` is probably a typo of: a few edits away
/// (for its length), or the start of it (`near` for `near-miss`).
fn closest<'c>(value: &str, known: &[&'c str]) -> Option<&'c str> {
    let lower = value.to_lowercase();
    let n = lower.chars().count();
    known
        .iter()
        .map(|k| {
            let k_lower = k.to_lowercase();
            let edits = strsim::damerau_levenshtein(&lower, &k_lower);
            let allowed = match n.min(k_lower.chars().count()) {
                0..=2 => 0,
                3..=5 => 1,
                _ => 2.max(k_lower.chars().count() / 4),
            };
            let prefix = n >= 3 && k_lower.starts_with(&lower);
            (edits, prefix || edits <= allowed, *k)
        })
        .filter(|(_, ok, _)| *ok)
        .min()
        .map(|(_, _, k)| k)
}

fn unknown_value_message(what: &str, value: &str, known: &[&str]) -> String {
    match closest(value, known) {
        Some(s) => format!(
            "`{value}` is not a {what}; did you mean `{s}`? ({what} is one of {})",
            known.join(", ")
        ),
        None => format!("`{value}` is not a {what}: use one of {}", known.join(", ")),
    }
}

/// `kind:outag` in a query: a closed-vocabulary value that is a typo of
/// one in it is an error with the suggestion. Ok(false) when the value is
/// nothing like the vocabulary (`status:500` pasted from a log): then it is
/// text, not a filter.
pub fn check_field_value(
    settings: &Settings,
    query: &str,
    at: usize,
    name: &str,
    value: &str,
) -> Result<bool, Error> {
    let Some((what, known)) = vocabulary(settings, name) else {
        return Ok(true);
    };
    if known.iter().any(|k| k.eq_ignore_ascii_case(value)) {
        return Ok(true);
    }
    let Some(s) = closest(value, &known) else {
        return Ok(false);
    };
    Err(Error::Query {
        query: query.to_string(),
        position: at.min(query.len()),
        message: format!(
            "`{name}:{value}` is not a {what}; did you mean `{name}:{s}`? ({what} is one of {})",
            known.join(", ")
        ),
    })
}

/// Checks values of a command-line filter against a closed vocabulary.
pub fn check_values(
    flag: &str,
    what: &str,
    values: &[String],
    known: &[&str],
) -> Result<(), Error> {
    for value in values {
        if !known.iter().any(|k| k.eq_ignore_ascii_case(value)) {
            return Err(Error::Usage(format!(
                "{flag} {}",
                unknown_value_message(what, value, known)
            )));
        }
    }
    Ok(())
}

/// Checks the filters against their closed vocabularies: a typo there is a
/// usage error, never a silent "no lessons match".
pub fn check_filters(settings: &Settings, filters: &Filters) -> Result<(), Error> {
    for (flag, name, values) in [
        ("--kind", "kind", &filters.kind),
        ("--severity", "severity", &filters.severity),
        ("--status", "status", &filters.status),
        ("--function", "function", &filters.function),
    ] {
        let Some((what, known)) = vocabulary(settings, name) else {
            continue;
        };
        check_values(flag, what, values, &known)?;
    }
    Ok(())
}

/// Values of open filters (`--system`, `--team`, `--tag`, `--cause`) that
/// no lesson has: a warning each, with the closest value lessons use.
pub fn unknown_filter_values(
    index: &SearchIndex,
    settings: &Settings,
    filters: &Filters,
) -> Vec<String> {
    let f = &index.fields;
    let mut warnings = Vec::new();
    for (flag, fields, values) in [
        ("--system", vec![f.systems], &filters.system),
        ("--team", vec![f.teams], &filters.team),
        ("--tag", vec![f.tags], &filters.tag),
        ("--cause", vec![f.cause_key, f.category], &filters.cause),
    ] {
        if values.is_empty() {
            continue;
        }
        let searcher = index.reader.searcher();
        let present = |v: &str| {
            fields.iter().any(|f| {
                searcher
                    .doc_freq(&Term::from_field_text(*f, &v.to_lowercase()))
                    .unwrap_or(0)
                    > 0
            }) || (flag == "--cause"
                && settings
                    .vocabulary
                    .cause_categories
                    .iter()
                    .any(|c| c.eq_ignore_ascii_case(v)))
        };
        // The common case, a value lessons have, reads no dictionary.
        if values.iter().all(|v| present(v)) {
            continue;
        }
        let mut known: BTreeMap<String, u64> = BTreeMap::new();
        for field in &fields {
            known.extend(field_values(index, *field));
        }
        if flag == "--cause" {
            for c in &settings.vocabulary.cause_categories {
                known.entry(c.to_lowercase()).or_default();
            }
        }
        for value in values {
            if present(value) {
                continue;
            }
            let names: Vec<&str> = known.keys().map(String::as_str).collect();
            let hint = closest(value, &names)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            warnings.push(format!("no lesson has {flag} `{value}`{hint}"));
        }
    }
    warnings
}
