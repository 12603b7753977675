//! The second ranking pass. BM25 (with field weights) picks the candidates;
//! this pass reads, for each candidate, which query concepts it contains,
//! where and how often, and scores:
//!
//! relevance = 50 × (bm25 / best bm25 + bm25f / best bm25f)
//!   (queries of six concepts or more: 50 × (that / 100 + whole-lesson
//!   BM25 / best), the field-aware and the whole-lesson estimates alike)
//! final = relevance × (0.15 + 0.85 × coverage²) × (1 + 0.6 × proximity)
//!              × (1 + 0.3 × title share)
//!
//! BM25F sums a word's weighted, length-normalized frequencies over the
//! fields before saturating them once, so a common word spread over many
//! fields does not outweigh a rare one. Whole-lesson BM25 reads the text
//! fields as one text, without field weights, and saturates early: with
//! many query words, a lesson that has more of them, a few times each,
//! gains on one that repeats a single word in every field. Coverage
//! rewards more of the words, rarer words counting more; proximity, the
//! words close together. A pasted exact title ranks its lesson first.

use std::collections::HashMap;

use serde::Serialize;
use tantivy::postings::Postings;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, TERMINATED, Term};

use super::plan::{Concept, keyword_fields, text_fields};
use crate::index::schema::Fields;

/// Why a hit ranks where it does (`--explain`).
#[derive(Debug, Clone, Serialize, Default)]
pub struct Explain {
    /// The first-pass score: BM25 summed over fields and words, with field
    /// weights.
    pub bm25: f32,
    /// BM25F over the candidate's fields: term frequencies weighted by
    /// field and length-normalized, summed, then saturated once per word.
    pub bm25f: f32,
    /// BM25 of the lesson's text fields read as one text (no field
    /// weights, k1 = 1.2, b = 0.75); only for queries of
    /// [`WHOLE_MIN_CONCEPTS`] concepts or more, where it is part of `base`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bm25_whole: Option<f32>,
    /// The two, each scaled to the best candidate's (0 to 100), averaged
    /// (with `bm25_whole`, that average and `bm25_whole` scaled the same
    /// way, averaged): what the factors multiply.
    pub base: f32,
    /// Share of the query's meaning the lesson contains: the idf-weighted
    /// fraction of concepts matched (0 to 1).
    pub coverage: f32,
    /// How close together the matched words are (0 to 1; 1 is adjacent).
    pub proximity: f32,
    /// All the query's words appear together as a phrase.
    pub phrase: bool,
    /// Share of the concepts found in the title.
    pub title_share: f32,
    /// The query is this lesson's title.
    pub exact_title: bool,
    /// Each factor applied to `bm25`.
    pub factors: Factors,
    pub matched: Vec<MatchedWord>,
    /// Query words this lesson does not contain.
    pub missing: Vec<String>,
    pub score: f32,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Factors {
    pub coverage: f32,
    pub proximity: f32,
    pub title: f32,
}

#[derive(Debug, Clone, Serialize)]
pub struct MatchedWord {
    /// The query word (or words).
    pub word: String,
    /// The form found, when it is a synonym or a prefix expansion.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// Where: title, causes, keys, summary, actions, body, id, cause key,
    /// system, tag.
    pub fields: Vec<String>,
}

/// A candidate from the first pass.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub addr: DocAddress,
    pub bm25: Score,
    pub exact_title: bool,
}

/// What a multi-word concept found only in part counts, at most.
const PART_CREDIT: f32 = 0.6;
/// What a concept counts for coverage when the stored text (title, body,
/// cause keys, systems, tags, teams) has only a variant of the word
/// ("billing" for "bill"), not the word as typed.
const VARIANT_CREDIT: f32 = 0.7;
/// BM25F parameters. K1 is high because the weighted frequencies add up
/// over seven fields with weights up to 2.5: it keeps a word written ten
/// times apart from one written twice.
const K1: f32 = 10.0;
const B: f32 = 0.75;
/// Whole-lesson BM25: textbook parameters (the frequencies are not
/// weighted, so they need no high K1).
const WHOLE_K1: f32 = 1.2;
/// From this many concepts (words with some lesson, synonym groups
/// counted once), whole-lesson BM25 is a third relevance estimate. A
/// long query reads like a description, and a lesson that shares more of
/// its words is likelier the one meant than a lesson that is about one
/// of them; measured, it helps queries of six concepts and more and
/// costs shorter ones (docs/benchmarks.md).
pub const WHOLE_MIN_CONCEPTS: usize = 6;

/// Per-document facts gathered from the postings.
#[derive(Default, Clone)]
struct DocMatch {
    /// Per concept: the fields it was found in, and the alternative.
    fields: Vec<Vec<&'static str>>,
    via: Vec<Option<String>>,
    /// Per concept: whether the form typed matched (then `via` is moot).
    typed: Vec<bool>,
    /// Per multi-word concept not matched whole: which of its words were
    /// found (bits), and where.
    parts: Vec<u64>,
    part_fields: Vec<Vec<&'static str>>,
    /// Per concept: BM25F's weighted, length-normalized term frequency.
    wtf: Vec<f32>,
    /// Per concept: the word is in the title, body, cause keys, systems,
    /// tags or teams exactly as typed, not only a variant with the same
    /// stem ("billing" for "bill"). Cause and action summaries are not
    /// stored, so a word found only there counts as a variant.
    exact: Vec<bool>,
    /// Per concept: the weight of the strongest field it is in, at most 1:
    /// a word found only among the cause categories is weak evidence.
    best_field: Vec<f32>,
    /// Per positional field: (position, concept).
    positions: HashMap<&'static str, Vec<(u32, usize)>>,
    /// Per concept: occurrences in all text fields but the categories,
    /// times the form's weight (a synonym 0.7), not the field's.
    tf: Vec<f32>,
    /// Length of those fields together, in tokens.
    len: f32,
}

fn idf(docs: u64, df: u64) -> f32 {
    let (n, df) = (docs as f32, df as f32);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// The concept's weight: the idf of its rarest-typed form's most common
/// field (an estimate of how many lessons contain it), 0 when no lesson
/// does (it then counts for no one).
fn concept_idf(searcher: &Searcher, fields: &Fields, concept: &Concept) -> f32 {
    let docs = searcher.num_docs();
    let df = super::plan::form_doc_freqs(searcher, fields, concept)
        .max()
        .unwrap_or(0);
    if df == 0 {
        0.0
    } else {
        idf(docs, df.min(docs))
    }
}

/// Smallest span (last - first position) holding one position of each of
/// the most distinct concepts present; returns (distinct, span).
fn best_window(mut positions: Vec<(u32, usize)>, concepts: usize) -> (usize, u32) {
    positions.sort_unstable();
    let distinct = {
        let mut seen = vec![false; concepts];
        for (_, c) in &positions {
            seen[*c] = true;
        }
        seen.iter().filter(|s| **s).count()
    };
    if distinct < 2 {
        return (distinct, 0);
    }
    let mut counts = vec![0usize; concepts];
    let mut have = 0;
    let mut best = u32::MAX;
    let mut left = 0;
    for right in 0..positions.len() {
        let c = positions[right].1;
        counts[c] += 1;
        if counts[c] == 1 {
            have += 1;
        }
        while have == distinct {
            best = best.min(positions[right].0 - positions[left].0);
            let lc = positions[left].1;
            counts[lc] -= 1;
            if counts[lc] == 0 {
                have -= 1;
            }
            left += 1;
        }
    }
    (distinct, best)
}

/// Re-ranks candidates; returns them best first with their explanation.
pub fn rerank(
    searcher: &Searcher,
    fields: &Fields,
    concepts: &[Concept],
    candidates: Vec<Candidate>,
) -> Vec<(Candidate, Explain)> {
    let idfs: Vec<f32> = concepts
        .iter()
        .map(|c| concept_idf(searcher, fields, c))
        .collect();
    let avg_len = average_lengths(searcher, fields);
    let mut matches = gather(searcher, fields, concepts, &candidates, &avg_len);
    let typed = mark_exact(searcher, fields, concepts, &candidates, &mut matches);
    let live = idfs.iter().filter(|i| **i > 0.0).count();
    let avg_whole = (live >= WHOLE_MIN_CONCEPTS).then(|| {
        avg_len
            .iter()
            .filter(|(name, _)| in_whole(name))
            .map(|(_, len)| *len)
            .sum::<f32>()
    });
    let mut out: Vec<(Candidate, Explain)> = candidates
        .into_iter()
        .map(|c| {
            let m = &matches[&c.addr];
            let mut explain = explain(&c, m, concepts, &idfs, &typed);
            explain.bm25_whole = avg_whole.map(|avg| whole_bm25(m, &idfs, avg));
            (c, explain)
        })
        .collect();
    // The two relevance estimates, each scaled to its best candidate, mixed.
    let best_bm25 = out.iter().map(|(_, e)| e.bm25).fold(0.0f32, f32::max);
    let best_bm25f = out.iter().map(|(_, e)| e.bm25f).fold(0.0f32, f32::max);
    let best_whole = out
        .iter()
        .filter_map(|(_, e)| e.bm25_whole)
        .fold(0.0f32, f32::max);
    for (_, e) in &mut out {
        let a = if best_bm25 > 0.0 {
            e.bm25 / best_bm25
        } else {
            0.0
        };
        let b = if best_bm25f > 0.0 {
            e.bm25f / best_bm25f
        } else {
            0.0
        };
        e.base = match e.bm25_whole {
            Some(w) => {
                let w = if best_whole > 0.0 {
                    w / best_whole
                } else {
                    0.0
                };
                // The field-aware estimate (the two above) and the
                // whole-lesson one weigh the same.
                100.0 * ((a + b) / 2.0 + w) / 2.0
            }
            None => 100.0 * (a + b) / 2.0,
        };
        e.score = e.base * e.factors.coverage * e.factors.proximity * e.factors.title;
    }
    // A pasted title puts its lesson first.
    let best = out.iter().map(|(_, e)| e.score).fold(0.0f32, f32::max);
    for (c, e) in &mut out {
        if c.exact_title {
            e.score = best * 2.0 + 1.0;
        }
    }
    out
}

/// Whether a field is part of the whole lesson's text: every text field
/// but the cause categories (a fixed vocabulary, not prose).
fn in_whole(field: &str) -> bool {
    field != "category"
}

/// BM25 of the candidate's text fields read as one text: per concept, its
/// occurrences anywhere, saturated once against the lesson's whole length.
fn whole_bm25(m: &DocMatch, idfs: &[f32], avg_len: f32) -> f32 {
    let norm = 1.0 - B + B * m.len / avg_len.max(1.0);
    m.tf.iter()
        .zip(idfs)
        .map(|(tf, idf)| idf * tf * (WHOLE_K1 + 1.0) / (tf + WHOLE_K1 * norm))
        .sum()
}

/// Average length of each text field, for BM25F's length normalization.
fn average_lengths(searcher: &Searcher, fields: &Fields) -> HashMap<&'static str, f32> {
    let docs = searcher.num_docs().max(1) as f32;
    text_fields(fields)
        .into_iter()
        .map(|(field, name, _)| {
            let tokens: u64 = searcher
                .segment_readers()
                .iter()
                .filter_map(|s| s.inverted_index(field).ok())
                .map(|i| i.total_num_tokens())
                .sum();
            (name, (tokens as f32 / docs).max(1.0))
        })
        .collect()
}

/// What the postings say about each candidate: gathered segment by
/// segment, documents in order.
fn gather(
    searcher: &Searcher,
    fields: &Fields,
    concepts: &[Concept],
    candidates: &[Candidate],
    avg_len: &HashMap<&'static str, f32>,
) -> HashMap<DocAddress, DocMatch> {
    let n = concepts.len();
    let mut matches: HashMap<DocAddress, DocMatch> = HashMap::new();
    let mut by_segment: HashMap<u32, Vec<DocId>> = HashMap::new();
    for c in candidates {
        by_segment
            .entry(c.addr.segment_ord)
            .or_default()
            .push(c.addr.doc_id);
        matches.insert(
            c.addr,
            DocMatch {
                fields: vec![Vec::new(); n],
                via: vec![None; n],
                typed: vec![false; n],
                parts: vec![0; n],
                part_fields: vec![Vec::new(); n],
                wtf: vec![0.0; n],
                best_field: vec![0.0; n],
                exact: vec![false; n],
                positions: HashMap::new(),
                tf: vec![0.0; n],
                len: 0.0,
            },
        );
    }
    for (segment_ord, mut docs) in by_segment {
        docs.sort_unstable();
        gather_segment(
            searcher,
            fields,
            concepts,
            segment_ord,
            &docs,
            avg_len,
            &mut matches,
        );
    }
    matches
}

/// [`gather`] in one segment.
#[expect(
    clippy::too_many_lines,
    reason = "one pass over a segment's postings, text fields then keyword fields, sharing the cursors"
)]
fn gather_segment(
    searcher: &Searcher,
    fields: &Fields,
    concepts: &[Concept],
    segment_ord: u32,
    docs: &[DocId],
    avg_len: &HashMap<&'static str, f32>,
    matches: &mut HashMap<DocAddress, DocMatch>,
) {
    let segment = searcher.segment_reader(segment_ord);
    let norms: HashMap<&'static str, tantivy::fieldnorm::FieldNormReader> = text_fields(fields)
        .into_iter()
        .filter_map(|(field, name, _)| Some((name, segment.get_fieldnorms_reader(field).ok()?)))
        .collect();
    for &doc in docs {
        let m = matches
            .get_mut(&DocAddress::new(segment_ord, doc))
            .expect("every candidate has an entry");
        m.len = norms
            .iter()
            .filter(|(name, _)| in_whole(name))
            .map(|(_, n)| n.fieldnorm(doc) as f32)
            .sum();
    }
    for (ci, concept) in concepts.iter().enumerate() {
        let forms = concept
            .alts
            .iter()
            .map(|a| (a, None))
            .chain(concept.parts.iter().enumerate().map(|(p, a)| (a, Some(p))));
        for (alt, part) in forms {
            for (field, name, boost) in text_fields(fields) {
                let Ok(inverted) = segment.inverted_index(field) else {
                    continue;
                };
                let mut lists = Vec::new();
                for token in &alt.tokens {
                    match inverted.read_postings(
                        &Term::from_field_text(field, token),
                        IndexRecordOption::WithFreqsAndPositions,
                    ) {
                        Ok(Some(p)) => lists.push(p),
                        _ => break,
                    }
                }
                if lists.len() != alt.tokens.len() || lists.is_empty() {
                    continue;
                }
                let mut buffer = Vec::new();
                for &doc in docs {
                    let mut positions: Option<Vec<u32>> = None;
                    for (i, list) in lists.iter_mut().enumerate() {
                        if list.doc() == TERMINATED || list.doc() > doc {
                            positions = None;
                            break;
                        }
                        if list.seek(doc) != doc {
                            positions = None;
                            break;
                        }
                        buffer.clear();
                        list.positions(&mut buffer);
                        positions = Some(match positions {
                            None => buffer.clone(),
                            // A phrase: positions where token i follows.
                            Some(prev) => prev
                                .into_iter()
                                .filter(|p| buffer.contains(&(p + i as u32)))
                                .collect(),
                        });
                        if positions.as_ref().is_some_and(Vec::is_empty) {
                            break;
                        }
                    }
                    let Some(positions) = positions.filter(|p| !p.is_empty()) else {
                        continue;
                    };
                    let m = matches
                        .get_mut(&DocAddress::new(segment_ord, doc))
                        .expect("every candidate has an entry");
                    let len = norms.get(name).map_or(1.0, |n| n.fieldnorm(doc) as f32);
                    let norm = 1.0 - B + B * len / avg_len.get(name).copied().unwrap_or(1.0);
                    m.wtf[ci] += alt.weight * boost * positions.len() as f32 / norm;
                    if in_whole(name) {
                        m.tf[ci] += alt.weight * positions.len() as f32;
                    }
                    if let Some(p) = part {
                        m.parts[ci] |= 1 << p.min(63);
                        if !m.part_fields[ci].contains(&name) {
                            m.part_fields[ci].push(name);
                        }
                        m.positions
                            .entry(name)
                            .or_default()
                            .extend(positions.into_iter().map(|p| (p, ci)));
                        continue;
                    }
                    if !m.fields[ci].contains(&name) {
                        m.fields[ci].push(name);
                    }
                    m.best_field[ci] = m.best_field[ci].max(boost.min(1.0));
                    if alt.synonym || concept.prefix {
                        m.via[ci].get_or_insert_with(|| alt.text.clone());
                    } else {
                        m.typed[ci] = true;
                    }
                    m.positions
                        .entry(name)
                        .or_default()
                        .extend(positions.into_iter().map(|p| (p, ci)));
                }
            }
            if part.is_some() || alt.raw.is_empty() || alt.raw.contains(char::is_whitespace) {
                continue;
            }
            for (field, name, boost) in keyword_fields(fields) {
                let Ok(inverted) = segment.inverted_index(field) else {
                    continue;
                };
                let Ok(Some(mut list)) = inverted.read_postings(
                    &Term::from_field_text(field, &alt.raw),
                    IndexRecordOption::Basic,
                ) else {
                    continue;
                };
                for &doc in docs {
                    if list.doc() != TERMINATED && list.doc() <= doc && list.seek(doc) == doc {
                        let m = matches
                            .get_mut(&DocAddress::new(segment_ord, doc))
                            .expect("every candidate has an entry");
                        m.wtf[ci] += alt.weight * boost;
                        m.best_field[ci] = 1.0;
                        if !m.fields[ci].contains(&name) {
                            m.fields[ci].push(name);
                        }
                        if alt.synonym {
                            m.via[ci].get_or_insert_with(|| alt.text.clone());
                        } else {
                            m.typed[ci] = true;
                        }
                    }
                }
            }
        }
    }
}

/// The words as typed, looked up in the stored title, body, cause keys,
/// systems, tags and teams of each candidate (`DocMatch::exact`; a word
/// of a key, `misdirected` in `misdirected-email`, counts); returns each
/// concept's typed word, if it has one to look up.
fn mark_exact(
    searcher: &Searcher,
    fields: &Fields,
    concepts: &[Concept],
    candidates: &[Candidate],
    matches: &mut HashMap<DocAddress, DocMatch>,
) -> Vec<Option<String>> {
    let typed: Vec<Option<String>> = concepts
        .iter()
        .map(|c| {
            let raw = &c.alts.first()?.raw;
            (!c.prefix && !raw.is_empty() && !raw.contains(' ')).then(|| raw.clone())
        })
        .collect();
    if typed.iter().any(Option::is_some) {
        for c in candidates {
            let Ok(doc) = searcher.doc::<tantivy::TantivyDocument>(c.addr) else {
                continue;
            };
            let mut text = String::new();
            for field in [
                fields.title,
                fields.body,
                fields.cause_key,
                fields.systems,
                fields.tags,
                fields.teams,
            ] {
                for v in doc.get_all(field) {
                    if let Some(s) = tantivy::schema::Value::as_str(&v) {
                        text.push_str(&s.to_lowercase());
                        text.push('\n');
                    }
                }
            }
            let m = matches
                .get_mut(&c.addr)
                .expect("every candidate has an entry");
            for (i, word) in typed.iter().enumerate() {
                if let Some(word) = word {
                    m.exact[i] = contains_word(&text, word);
                }
            }
        }
    }
    typed
}

/// One candidate's score parts and explanation, before the relevance mix.
fn explain(
    c: &Candidate,
    m: &DocMatch,
    concepts: &[Concept],
    idfs: &[f32],
    typed: &[Option<String>],
) -> Explain {
    let n = concepts.len();
    // A concept found whole counts 1; a multi-word one found only in
    // part ("disk" of "disk full") counts its share of words, less.
    let strength: Vec<f32> = (0..n)
        .map(|i| {
            if !m.fields[i].is_empty() {
                // Found only in a weak field (the categories), or
                // only as a variant of the word typed: weaker
                // evidence.
                let variant_only = typed[i].is_some() && !m.exact[i];
                m.best_field[i] * if variant_only { VARIANT_CREDIT } else { 1.0 }
            } else if m.parts[i] != 0 {
                PART_CREDIT * m.parts[i].count_ones() as f32 / concepts[i].parts.len().max(1) as f32
            } else {
                0.0
            }
        })
        .collect();
    let matched: Vec<bool> = strength.iter().map(|s| *s > 0.0).collect();
    // Alternatives joined by OR count once, at their best.
    let mut units: HashMap<usize, (f32, f32)> = HashMap::new();
    let (mut value, mut weight) = (0.0f32, 0.0f32);
    for i in 0..n {
        match concepts[i].any_of {
            Some(g) => {
                let u = units.entry(g).or_default();
                u.0 = u.0.max(idfs[i] * strength[i]);
                u.1 = u.1.max(idfs[i]);
            }
            None => {
                value += idfs[i] * strength[i];
                weight += idfs[i];
            }
        }
    }
    for (v, w) in units.values() {
        value += v;
        weight += w;
    }
    let coverage = if weight > 0.0 { value / weight } else { 1.0 };
    let live = idfs.iter().filter(|i| **i > 0.0).count();
    let (mut proximity, mut phrase) = (0.0f32, false);
    if live >= 2 {
        for positions in m.positions.values() {
            let (distinct, span) = best_window(positions.clone(), n);
            if distinct >= 2 && span != u32::MAX {
                let closeness = (distinct - 1) as f32 / span.max(1) as f32;
                let share = (distinct - 1) as f32 / (live - 1) as f32;
                proximity = proximity.max(closeness.min(1.0) * share.min(1.0));
                if distinct >= live && (span as usize) <= distinct {
                    phrase = true;
                }
            }
        }
    }
    let in_title = m
        .fields
        .iter()
        .zip(idfs)
        .filter(|(f, i)| f.contains(&"title") && **i > 0.0)
        .count();
    let title_share = if live > 0 {
        in_title as f32 / live as f32
    } else {
        0.0
    };
    let factors = Factors {
        coverage: 0.15 + 0.85 * coverage * coverage,
        proximity: 1.0 + 0.6 * proximity,
        title: 1.0 + 0.3 * title_share,
    };
    let bm25f: f32 = (0..n)
        .map(|i| idfs[i] * m.wtf[i] * (K1 + 1.0) / (K1 + m.wtf[i]))
        .sum();
    Explain {
        bm25: c.bm25,
        bm25f,
        bm25_whole: None,
        base: 0.0,
        coverage,
        proximity,
        phrase,
        title_share,
        exact_title: c.exact_title,
        factors,
        matched: concepts
            .iter()
            .enumerate()
            .filter(|(i, _)| matched[*i])
            .map(|(i, concept)| matched_word(concept, i, m))
            .collect(),
        missing: concepts
            .iter()
            .enumerate()
            .filter(|(i, _)| !matched[*i])
            .map(|(_, c)| c.label.clone())
            .collect(),
        score: 0.0,
    }
}

/// How concept `i` matched in a candidate, for `--explain`.
fn matched_word(concept: &Concept, i: usize, m: &DocMatch) -> MatchedWord {
    if m.fields[i].is_empty() {
        let words: Vec<&str> = concept
            .parts
            .iter()
            .enumerate()
            .filter(|(p, _)| m.parts[i] & (1 << (*p).min(63)) != 0)
            .map(|(_, a)| a.text.as_str())
            .collect();
        return MatchedWord {
            word: concept.label.clone(),
            via: Some(format!("{} (in part)", words.join(" "))),
            fields: m.part_fields[i].iter().map(|f| f.to_string()).collect(),
        };
    }
    MatchedWord {
        word: concept.label.clone(),
        via: if m.typed[i] { None } else { m.via[i].clone() },
        fields: m.fields[i].iter().map(|f| f.to_string()).collect(),
    }
}

/// Whether `text` has `word` as a whole word (not inside a longer one).
fn contains_word(text: &str, word: &str) -> bool {
    let mut from = 0;
    while let Some(at) = text[from..].find(word) {
        let start = from + at;
        let end = start + word.len();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        if !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric) {
            return true;
        }
        from = start + text[start..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

#[cfg(test)]
mod tests {
    #[test]
    fn whole_words() {
        assert!(super::contains_word("the cloud bill rose", "bill"));
        assert!(!super::contains_word("the billing job", "bill"));
        assert!(super::contains_word("node.js crashed", "node.js"));
        assert!(super::contains_word("bill", "bill"));
    }

    #[test]
    fn window() {
        // Concepts 0 and 1 adjacent at 10/11, far apart elsewhere.
        let (d, span) = super::best_window(vec![(1, 0), (10, 0), (11, 1), (50, 1)], 2);
        assert_eq!((d, span), (2, 1));
        let (d, _) = super::best_window(vec![(1, 0), (3, 0)], 2);
        assert_eq!(d, 1);
    }
}
