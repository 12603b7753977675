//! The second ranking pass. BM25 (with field weights) picks the candidates;
//! this pass reads, for each candidate, which query concepts it contains
//! and where, and rewards coverage (more of the words, rarer words
//! counting more), proximity (the words close together, or as a phrase),
//! and the words being in the title.
//!
//! final = bm25 × (0.15 + 0.85 × coverage²) × (1 + 0.6 × proximity)
//!              × (1 + 0.3 × title share)
//!
//! and a pasted exact title ranks its lesson first.

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

/// Per-document facts gathered from the postings.
#[derive(Default, Clone)]
struct DocMatch {
    /// Per concept: the fields it was found in, and the alternative.
    fields: Vec<Vec<&'static str>>,
    via: Vec<Option<String>>,
    /// Per concept: whether the form typed matched (then `via` is moot).
    typed: Vec<bool>,
    /// Per positional field: (position, concept).
    positions: HashMap<&'static str, Vec<(u32, usize)>>,
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
    let mut df = 0u64;
    for alt in &concept.alts {
        for (field, _, _) in text_fields(fields) {
            let d = alt
                .tokens
                .iter()
                .map(|t| {
                    searcher
                        .doc_freq(&Term::from_field_text(field, t))
                        .unwrap_or(0)
                })
                .min()
                .unwrap_or(0);
            df = df.max(d);
        }
        if !alt.raw.is_empty() {
            for (field, _, _) in keyword_fields(fields) {
                df = df.max(
                    searcher
                        .doc_freq(&Term::from_field_text(field, &alt.raw))
                        .unwrap_or(0),
                );
            }
        }
    }
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
    let n = concepts.len();
    let idfs: Vec<f32> = concepts
        .iter()
        .map(|c| concept_idf(searcher, fields, c))
        .collect();
    let total_idf: f32 = idfs.iter().sum();
    // Gather matches segment by segment, documents in order.
    let mut matches: HashMap<DocAddress, DocMatch> = HashMap::new();
    let mut by_segment: HashMap<u32, Vec<DocId>> = HashMap::new();
    for c in &candidates {
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
                positions: HashMap::new(),
            },
        );
    }
    for (segment_ord, mut docs) in by_segment {
        docs.sort_unstable();
        let segment = searcher.segment_reader(segment_ord);
        for (ci, concept) in concepts.iter().enumerate() {
            for alt in &concept.alts {
                for (field, name, _) in text_fields(fields) {
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
                    for &doc in &docs {
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
                        if !m.fields[ci].contains(&name) {
                            m.fields[ci].push(name);
                        }
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
                if alt.raw.is_empty() || alt.raw.contains(char::is_whitespace) {
                    continue;
                }
                for (field, name, _) in keyword_fields(fields) {
                    let Ok(inverted) = segment.inverted_index(field) else {
                        continue;
                    };
                    let Ok(Some(mut list)) = inverted.read_postings(
                        &Term::from_field_text(field, &alt.raw),
                        IndexRecordOption::Basic,
                    ) else {
                        continue;
                    };
                    for &doc in &docs {
                        if list.doc() != TERMINATED && list.doc() <= doc && list.seek(doc) == doc {
                            let m = matches
                                .get_mut(&DocAddress::new(segment_ord, doc))
                                .expect("every candidate has an entry");
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
    let mut out: Vec<(Candidate, Explain)> = candidates
        .into_iter()
        .map(|c| {
            let m = &matches[&c.addr];
            let matched: Vec<bool> = m.fields.iter().map(|f| !f.is_empty()).collect();
            let coverage = if total_idf > 0.0 {
                matched
                    .iter()
                    .zip(&idfs)
                    .filter(|(m, _)| **m)
                    .map(|(_, i)| i)
                    .sum::<f32>()
                    / total_idf
            } else {
                1.0
            };
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
                .zip(&idfs)
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
            let score = c.bm25 * factors.coverage * factors.proximity * factors.title;
            let explain = Explain {
                bm25: c.bm25,
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
                    .map(|(i, concept)| MatchedWord {
                        word: concept.label.clone(),
                        via: if m.typed[i] { None } else { m.via[i].clone() },
                        fields: m.fields[i].iter().map(|f| f.to_string()).collect(),
                    })
                    .collect(),
                missing: concepts
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !matched[*i])
                    .map(|(_, c)| c.label.clone())
                    .collect(),
                score,
            };
            (c, explain)
        })
        .collect();
    // A pasted title puts its lesson first.
    let best = out.iter().map(|(_, e)| e.score).fold(0.0f32, f32::max);
    for (c, e) in &mut out {
        if c.exact_title {
            e.score = best * 2.0 + 1.0;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn window() {
        // Concepts 0 and 1 adjacent at 10/11, far apart elsewhere.
        let (d, span) = super::best_window(vec![(1, 0), (10, 0), (11, 1), (50, 1)], 2);
        assert_eq!((d, span), (2, 1));
        let (d, _) = super::best_window(vec![(1, 0), (3, 0)], 2);
        assert_eq!(d, 1);
    }
}
