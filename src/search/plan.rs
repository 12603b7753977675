//! From parsed clauses to index queries: words become concepts (the word,
//! its synonyms, or its correction when it matches nothing), concepts
//! become per-field term and phrase queries with field weights.

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, Occur as TOccur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

use super::query::{self, Atom, Clause, Occur};
use super::{Settings, vocab};
use crate::Error;
use crate::index::SearchIndex;
use crate::index::schema::Fields;

/// How much a synonym counts against the word typed.
pub const SYNONYM_WEIGHT: f32 = 0.7;

/// Words that carry no meaning in a search ("how did a typo take down
/// s3?"): they neither match nor count against a lesson. Quantifiers and
/// words of time ("all", "once", "after") are left in: in an incident they
/// carry meaning ("pushed to all regions at once").
const STOP_WORDS: &[&str] = &[
    "a",
    "am",
    "an",
    "and",
    "are",
    "as",
    "at",
    "be",
    "been",
    "being",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "done",
    "for",
    "from",
    "get",
    "got",
    "had",
    "has",
    "have",
    "he",
    "her",
    "here",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "me",
    "my",
    "of",
    "on",
    "or",
    "our",
    "she",
    "should",
    "so",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "to",
    "us",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "happen",
    "happened",
    "happens",
    "caused",
    "cause",
    "causes",
    "why",
    "incident",
    "incidents",
    "lesson",
    "lessons",
    "issue",
    "problem",
    "ago",
    "past",
    "previous",
];

pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.contains(&word.to_lowercase().as_str())
}

/// Text fields words are searched in, with their weights: a lesson *about*
/// something outranks one that mentions it in passing.
pub fn text_fields(f: &Fields) -> [(Field, &'static str, f32); 7] {
    [
        (f.title, "title", 1.5),
        (f.causes, "causes", 2.5),
        (f.labels, "keys", 2.0),
        (f.summary, "summary", 1.5),
        (f.actions, "actions", 1.0),
        (f.body, "body", 1.0),
        (f.category_words, "category", 0.3),
    ]
}

/// Whole-value fields a word is also looked up in (`pgbouncer` is a system,
/// `LL-2024-007` an id).
pub fn keyword_fields(f: &Fields) -> [(Field, &'static str, f32); 4] {
    [
        (f.id, "id", 8.0),
        (f.cause_key, "cause key", 3.0),
        (f.systems, "system", 1.5),
        (f.tags, "tag", 1.5),
    ]
}

/// One form of a concept: what was typed, a synonym or a correction.
#[derive(Debug, Clone)]
pub struct Alt {
    pub text: String,
    /// Its analyzed (stemmed) tokens: one term, or a phrase.
    pub tokens: Vec<String>,
    /// Lowercased whole form, for whole-value fields.
    pub raw: String,
    pub weight: f32,
    pub synonym: bool,
}

/// A word (or words that form one idea, like "load balancer") of the query,
/// with the forms that find it.
#[derive(Debug, Clone)]
pub struct Concept {
    pub label: String,
    pub alts: Vec<Alt>,
    pub occur: Occur,
    pub stop: bool,
    pub prefix: bool,
    /// Set for the alternatives of an OR (`dns OR dnssec`): they count as
    /// one for coverage, at the strength of the best found.
    pub any_of: Option<usize>,
    /// For words typed together that the synonym table knows as one
    /// ("disk full"): each word on its own (stop words left out), so that
    /// a lesson with some of them still ranks, below one with the whole.
    pub parts: Vec<Alt>,
}

/// How much a word of a multi-word concept counts on its own.
pub const PART_WEIGHT: f32 = 0.5;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Correction {
    pub from: String,
    pub to: String,
}

/// The query, ready to run.
pub struct Plan {
    /// The whole query: to count with and to take snippets from.
    pub query: Box<dyn Query>,
    /// The first pass: the required clauses and the plain term queries of
    /// the ranking words, one union Tantivy prunes with block-max WAND.
    pub terms: Box<dyn Query>,
    /// The required clauses and the ranking words' phrases and whole
    /// values, run on their own; candidates are the union of both.
    pub extras: Option<Box<dyn Query>>,
    /// Whether any word scores (otherwise hits are ordered by date).
    pub scored: bool,
    /// Concepts that rank (positive, not stop words), for the re-ranking.
    pub concepts: Vec<Concept>,
    /// Stop words left out.
    pub ignored: Vec<String>,
    pub corrections: Vec<Correction>,
    /// The query as searched, when words were corrected.
    pub searched: Option<String>,
    /// Plain text only (no operators): an exact title match counts.
    pub plain: bool,
    /// The query's words, lowercased, for the exact-title check.
    pub title_words: Vec<String>,
}

pub(super) fn analyze(index: &SearchIndex, field: Field, text: &str) -> Vec<String> {
    let Ok(mut analyzer) = index.index.tokenizer_for_field(field) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    stream.process(&mut |t| out.push(t.text.clone()));
    out
}

struct Builder<'a> {
    index: &'a SearchIndex,
    settings: &'a Settings,
    query_text: &'a str,
    concepts: Vec<Concept>,
    ignored: Vec<String>,
    corrections: Vec<Correction>,
    any_groups: usize,
    /// Whether the query has a word that is not a stop word: only then are
    /// stop words left out.
    has_content: bool,
    /// First-pass clauses that are not plain term queries (phrases, whole
    /// values): run on their own so the term union keeps block-max WAND.
    extras: Vec<Box<dyn Query>>,
}

type Queries = Vec<Box<dyn Query>>;

fn boxed(q: impl Query + 'static) -> Box<dyn Query> {
    Box::new(q)
}

impl Builder<'_> {
    fn alt(&self, text: &str, weight: f32, synonym: bool) -> Alt {
        let f = &self.index.fields;
        Alt {
            text: text.to_string(),
            tokens: analyze(self.index, f.body, text),
            raw: text
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase(),
            weight,
            synonym,
        }
    }

    fn concept(&self, label: &str, occur: Occur) -> Concept {
        let mut alts = vec![self.alt(label, 1.0, false)];
        let searcher = self.index.reader.searcher();
        let docs = searcher.num_docs();
        for eq in self.settings.synonyms.equivalents(label) {
            let alt = self.alt(&eq, SYNONYM_WEIGHT, true);
            // A synonym phrase of common words ("fail over") costs a scan
            // of most of a large knowledge base for a rare match: left out
            // when even its rarest word is in over 5% of 1,000 or more
            // lessons.
            if alt.tokens.len() > 1 && docs >= 1000 {
                let rarest = alt
                    .tokens
                    .iter()
                    .map(|t| {
                        searcher
                            .doc_freq(&Term::from_field_text(self.index.fields.body, t))
                            .unwrap_or(0)
                    })
                    .min()
                    .unwrap_or(0);
                if rarest > docs / 20 {
                    continue;
                }
            }
            alts.push(alt);
        }
        alts.retain(|a| !a.tokens.is_empty() || !a.raw.is_empty());
        Concept {
            label: label.to_string(),
            alts,
            occur,
            stop: is_stop_word(label) && !self.settings.synonyms.knows(label),
            prefix: false,
            any_of: None,
            parts: Vec::new(),
        }
    }

    /// How many documents any form of the concept is in (an upper bound).
    fn doc_freq(&self, concept: &Concept) -> u64 {
        form_doc_freqs(&self.index.reader.searcher(), &self.index.fields, concept).sum()
    }

    /// Words that match nothing are corrected against the words of the
    /// lessons as written (not their stems: `certficate` and
    /// `certificate` stem apart).
    fn correct(&mut self, concept: Concept) -> Concept {
        let word = concept.label.clone();
        let letters = word.chars().filter(|c| c.is_alphabetic()).count();
        if concept.prefix
            || concept.stop
            || letters < 4
            || !word.chars().all(|c| c.is_alphabetic() || c == '-')
            || self.doc_freq(&concept) > 0
        {
            return concept;
        }
        let Some(better) = vocab::closest_word(self.index, &word.to_lowercase()) else {
            return concept;
        };
        self.corrections.push(Correction {
            from: word,
            to: better.clone(),
        });
        Concept {
            label: better.clone(),
            ..self.concept(&better, concept.occur)
        }
    }

    /// Concepts of a run of plain words: the longest runs the synonym table
    /// knows become one concept ("load balancer", "out of memory").
    fn word_run(&mut self, words: &[(String, Occur)]) -> Vec<Concept> {
        let mut out = Vec::new();
        let mut i = 0;
        let longest = self.settings.synonyms.longest().max(1);
        while i < words.len() {
            let mut taken = 1;
            for n in (2..=longest.min(words.len() - i)).rev() {
                let run = &words[i..i + n];
                if run.iter().any(|(_, o)| *o != run[0].1) {
                    continue;
                }
                let joined = run
                    .iter()
                    .map(|(w, _)| w.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                if self.settings.synonyms.knows(&joined) {
                    let mut c = self.concept(&joined, run[0].1);
                    c.stop = false;
                    c.parts = run
                        .iter()
                        .filter(|(w, _)| !is_stop_word(w))
                        .map(|(w, _)| self.alt(w, PART_WEIGHT, false))
                        .filter(|a| !a.tokens.is_empty())
                        .collect();
                    out.push(c);
                    taken = n;
                    break;
                }
            }
            if taken == 1 {
                let c = self.concept(&words[i].0, words[i].1);
                let c = self.correct(c);
                out.push(c);
            }
            i += taken;
        }
        out
    }

    /// The per-field queries of one concept (Should each): the term
    /// queries with frequencies, which Tantivy's block-max WAND can prune,
    /// and the rest (phrases, whole values).
    fn concept_clauses(&self, concept: &Concept) -> (Queries, Queries) {
        let f = &self.index.fields;
        let (mut terms, mut extras) = (Vec::new(), Vec::new());
        let alts = concept.parts.iter().chain(&concept.alts);
        for alt in alts {
            for (field, _, boost) in text_fields(f) {
                if let Some(q) = tokens_query(field, &alt.tokens) {
                    let q = boxed(BoostQuery::new(q, boost * alt.weight));
                    if alt.tokens.len() == 1 {
                        terms.push(q);
                    } else {
                        extras.push(q);
                    }
                }
            }
            if alt.weight < 1.0 && !alt.synonym {
                // A part of a multi-word concept: text only.
                continue;
            }
            if !alt.raw.is_empty() && !alt.raw.contains(char::is_whitespace) {
                for (field, _, boost) in keyword_fields(f) {
                    let q = TermQuery::new(
                        Term::from_field_text(field, &alt.raw),
                        IndexRecordOption::Basic,
                    );
                    extras.push(boxed(BoostQuery::new(boxed(q), boost * alt.weight)));
                }
            }
        }
        (terms, extras)
    }

    fn prefix_concept(&self, stem: &str, occur: Occur) -> Concept {
        let f = &self.index.fields;
        let mut alts = Vec::new();
        for word in vocab::words_with_prefix(self.index, &stem.to_lowercase(), 64) {
            let tokens = analyze(self.index, f.body, &word);
            if !tokens.is_empty() && !alts.iter().any(|a: &Alt| a.tokens == tokens) {
                alts.push(Alt {
                    raw: word.clone(),
                    text: word,
                    tokens,
                    weight: 1.0,
                    synonym: false,
                });
            }
        }
        Concept {
            label: format!("{stem}*"),
            alts,
            occur,
            stop: false,
            prefix: true,
            any_of: None,
            parts: Vec::new(),
        }
    }

    /// The query of `field:value`; None when the value of a closed
    /// vocabulary is nothing like it (`status:500`): text, not a filter.
    fn field_query(&self, clause: &Clause) -> Result<Option<Box<dyn Query>>, Error> {
        let Atom::Field {
            name,
            value,
            prefix,
            ..
        } = &clause.atom
        else {
            return Ok(Some(boxed(EmptyQuery)));
        };
        // Punctuation pasted around a value is not part of it.
        let value = value.trim_matches(|c: char| !c.is_alphanumeric());
        let value = &value.to_string();
        if !*prefix
            && !vocab::check_field_value(self.settings, self.query_text, clause.at, name, value)?
        {
            return Ok(None);
        }
        let f = &self.index.fields;
        let schema = self.index.index.schema();
        let mut parts: Vec<(TOccur, Box<dyn Query>)> = Vec::new();
        for field_name in query::fields_of(name) {
            let Ok(field) = schema.get_field(field_name) else {
                continue;
            };
            let is_text = text_fields(f).iter().any(|(t, _, _)| *t == field);
            if *prefix {
                let terms: Vec<String> = if is_text {
                    vocab::words_with_prefix(self.index, &value.to_lowercase(), 64)
                        .iter()
                        .flat_map(|w| analyze(self.index, field, w))
                        .collect()
                } else {
                    vocab::terms_with_prefix(self.index, field, &value.to_lowercase(), 64)
                };
                for t in terms {
                    parts.push((
                        TOccur::Should,
                        boxed(TermQuery::new(
                            Term::from_field_text(field, &t),
                            IndexRecordOption::WithFreqs,
                        )),
                    ));
                }
            } else if is_text {
                let tokens = analyze(self.index, field, value);
                // Several words of one value are a phrase, quoted or not
                // (`title:disk-full`).
                if let Some(q) = tokens_query(field, &tokens) {
                    parts.push((TOccur::Should, q));
                }
            } else {
                parts.push((
                    TOccur::Should,
                    boxed(TermQuery::new(
                        Term::from_field_text(field, &value.to_lowercase()),
                        IndexRecordOption::Basic,
                    )),
                ));
            }
        }
        Ok(Some(if parts.is_empty() {
            boxed(EmptyQuery)
        } else {
            boxed(BooleanQuery::new(parts))
        }))
    }

    fn phrase_query(&self, text: &str) -> Box<dyn Query> {
        let f = &self.index.fields;
        let tokens = analyze(self.index, f.body, text);
        let mut parts: Vec<(TOccur, Box<dyn Query>)> = Vec::new();
        for (field, _, boost) in text_fields(f) {
            if let Some(q) = tokens_query(field, &tokens) {
                parts.push((TOccur::Should, boxed(BoostQuery::new(q, boost))));
            }
        }
        let raw = text.trim().to_lowercase();
        if !raw.is_empty() {
            for (field, _, boost) in keyword_fields(f) {
                parts.push((
                    TOccur::Should,
                    boxed(BoostQuery::new(
                        boxed(TermQuery::new(
                            Term::from_field_text(field, &raw),
                            IndexRecordOption::Basic,
                        )),
                        boost,
                    )),
                ));
            }
        }
        if parts.is_empty() {
            boxed(EmptyQuery)
        } else {
            boxed(BooleanQuery::new(parts))
        }
    }

    /// Compiles one level of clauses. `top` clauses' Should concepts are
    /// returned flat so that the top-level query is one union of term
    /// queries (which Tantivy prunes with block-max WAND).
    fn level(
        &mut self,
        clauses: &[Clause],
        out: &mut Vec<(TOccur, Box<dyn Query>)>,
        negated: bool,
    ) -> Result<(), Error> {
        // Consecutive plain words form runs (for multi-word synonyms).
        let mut run: Vec<(String, Occur)> = Vec::new();
        let flush = |b: &mut Self,
                     run: &mut Vec<(String, Occur)>,
                     out: &mut Vec<(TOccur, Box<dyn Query>)>| {
            if run.is_empty() {
                return;
            }
            let concepts = b.word_run(run);
            run.clear();
            for mut c in concepts {
                if c.stop && b.has_content && c.occur == Occur::Should {
                    b.ignored.push(c.label.clone());
                    continue;
                }
                // A query of stop words only ("what happened?") ranks by them.
                c.stop = false;
                b.emit_concept(c, out, negated);
            }
        };
        for clause in clauses {
            match &clause.atom {
                Atom::Word {
                    text,
                    prefix: false,
                } if clause.occur != Occur::MustNot => {
                    // Sentence punctuation around a word is not part of it.
                    let word = text.trim_matches(|c: char| "?,.;:!\"'()[]{}<>".contains(c));
                    if !word.is_empty() {
                        run.push((word.to_string(), clause.occur));
                    }
                }
                Atom::Word { text, prefix } => {
                    flush(self, &mut run, out);
                    let concept = if *prefix {
                        self.prefix_concept(text, clause.occur)
                    } else {
                        // Exclusions take the word as typed only.
                        let mut c = self.concept(text, clause.occur);
                        c.alts.truncate(1);
                        c
                    };
                    self.emit_concept(concept, out, negated);
                }
                Atom::Phrase(text) => {
                    flush(self, &mut run, out);
                    let q = self.phrase_query(text);
                    out.push((occur(clause.occur), q));
                    if clause.occur != Occur::MustNot && !negated {
                        // A phrase also ranks as one concept.
                        let mut c = self.concept(text, Occur::Must);
                        c.alts.truncate(1);
                        c.stop = false;
                        self.concepts.push(c);
                    }
                }
                Atom::Field { name, value, .. } => match self.field_query(clause)? {
                    Some(q) => {
                        flush(self, &mut run, out);
                        out.push((occur(clause.occur), q));
                    }
                    None if clause.occur != Occur::MustNot => {
                        run.push((format!("{name}:{value}"), Occur::Should));
                    }
                    None => {}
                },
                Atom::Group(inner) | Atom::Any(inner) => {
                    flush(self, &mut run, out);
                    let mut parts = Vec::new();
                    let first = self.concepts.len();
                    self.level(inner, &mut parts, negated || clause.occur == Occur::MustNot)?;
                    if matches!(clause.atom, Atom::Any(_)) {
                        // Alternatives: one idea for coverage.
                        self.any_groups += 1;
                        for c in &mut self.concepts[first..] {
                            c.any_of.get_or_insert(self.any_groups);
                        }
                    }
                    if parts.is_empty() {
                        continue;
                    }
                    let has_positive = parts.iter().any(|(o, _)| *o != TOccur::MustNot);
                    if !has_positive {
                        parts.push((TOccur::Must, boxed(AllQuery)));
                    }
                    out.push((occur(clause.occur), boxed(BooleanQuery::new(parts))));
                }
            }
        }
        flush(self, &mut run, out);
        Ok(())
    }

    fn emit_concept(
        &mut self,
        concept: Concept,
        out: &mut Vec<(TOccur, Box<dyn Query>)>,
        negated: bool,
    ) {
        let (terms, extras) = self.concept_clauses(&concept);
        match concept.occur {
            Occur::Should if !negated => {
                out.extend(terms.into_iter().map(|q| (TOccur::Should, q)));
                self.extras.extend(extras);
            }
            Occur::Should => {
                // Inside an excluded group: one query, nothing ranks.
                let clauses: Vec<_> = terms.into_iter().chain(extras).collect();
                if !clauses.is_empty() {
                    out.push((
                        TOccur::Should,
                        boxed(BooleanQuery::new(
                            clauses.into_iter().map(|q| (TOccur::Should, q)).collect(),
                        )),
                    ));
                }
            }
            Occur::Must | Occur::MustNot => {
                let clauses: Vec<_> = terms.into_iter().chain(extras).collect();
                let q: Box<dyn Query> = if clauses.is_empty() {
                    boxed(EmptyQuery)
                } else {
                    boxed(BooleanQuery::new(
                        clauses.into_iter().map(|q| (TOccur::Should, q)).collect(),
                    ))
                };
                out.push((occur(concept.occur), q));
            }
        }
        if concept.occur != Occur::MustNot && !negated && !concept.stop {
            self.concepts.push(concept);
        }
    }
}

fn occur(o: Occur) -> TOccur {
    match o {
        Occur::Should => TOccur::Should,
        Occur::Must => TOccur::Must,
        Occur::MustNot => TOccur::MustNot,
    }
}

/// The document frequency of each form of a concept in each field (for a
/// phrase, that of its rarest word): whether any lesson has the concept,
/// and how common it is.
pub fn form_doc_freqs<'a>(
    searcher: &'a tantivy::Searcher,
    fields: &'a Fields,
    concept: &'a Concept,
) -> impl Iterator<Item = u64> + 'a {
    concept.alts.iter().flat_map(move |alt| {
        let text = text_fields(fields).into_iter().map(move |(field, _, _)| {
            alt.tokens
                .iter()
                .map(|t| {
                    searcher
                        .doc_freq(&Term::from_field_text(field, t))
                        .unwrap_or(0)
                })
                .min()
                .unwrap_or(0)
        });
        let whole = keyword_fields(fields)
            .into_iter()
            .filter(move |_| !alt.raw.is_empty())
            .map(move |(field, _, _)| {
                searcher
                    .doc_freq(&Term::from_field_text(field, &alt.raw))
                    .unwrap_or(0)
            });
        text.chain(whole)
    })
}

/// One token is a term query, several a phrase.
pub fn tokens_query(field: Field, tokens: &[String]) -> Option<Box<dyn Query>> {
    match tokens {
        [] => None,
        [one] => Some(boxed(TermQuery::new(
            Term::from_field_text(field, one),
            IndexRecordOption::WithFreqs,
        ))),
        many => Some(boxed(PhraseQuery::new(
            many.iter()
                .map(|t| Term::from_field_text(field, t))
                .collect(),
        ))),
    }
}

/// Parses a user query; a refused one is the library's error, which says
/// where.
pub fn parse_query(text: &str) -> Result<Vec<Clause>, Error> {
    query::parse(text).map_err(|e| Error::Query {
        query: text.to_string(),
        position: e.position.min(text.len()),
        message: e.message,
    })
}

/// Plans a user query.
pub fn plan(index: &SearchIndex, settings: &Settings, text: &str) -> Result<Plan, Error> {
    let clauses = parse_query(text)?;
    let mut b = Builder {
        index,
        settings,
        query_text: text,
        concepts: Vec::new(),
        ignored: Vec::new(),
        corrections: Vec::new(),
        any_groups: 0,
        has_content: has_content(&clauses, &settings.synonyms),
        extras: Vec::new(),
    };
    let mut parts = Vec::new();
    b.level(&clauses, &mut parts, false)?;
    let scored = !b.concepts.is_empty();
    let has_positive = parts.iter().any(|(o, _)| *o != TOccur::MustNot) || !b.extras.is_empty();
    if !has_positive {
        // Nothing but exclusions (or nothing at all): every lesson but those.
        parts.push((TOccur::Must, boxed(AllQuery)));
    }
    let required: Vec<(TOccur, Box<dyn Query>)> = parts
        .iter()
        .filter(|(o, _)| *o != TOccur::Should)
        .map(|(o, q)| (*o, q.box_clone()))
        .collect();
    let with_required = |should: Vec<Box<dyn Query>>| -> Box<dyn Query> {
        let mut clauses: Vec<(TOccur, Box<dyn Query>)> =
            required.iter().map(|(o, q)| (*o, q.box_clone())).collect();
        clauses.extend(should.into_iter().map(|q| (TOccur::Should, q)));
        boxed(BooleanQuery::new(clauses))
    };
    let extras = (!b.extras.is_empty())
        .then(|| with_required(b.extras.iter().map(|q| q.box_clone()).collect()));
    let terms = with_required(
        parts
            .iter()
            .filter(|(o, _)| *o == TOccur::Should)
            .map(|(_, q)| q.box_clone())
            .collect(),
    );
    let mut all = parts;
    all.extend(b.extras.drain(..).map(|q| (TOccur::Should, q)));
    let query: Box<dyn Query> = boxed(BooleanQuery::new(all));
    let searched = (!b.corrections.is_empty()).then(|| {
        let mut s = text.to_string();
        for c in &b.corrections {
            s = replace_word(&s, &c.from, &c.to);
        }
        s
    });
    Ok(Plan {
        query,
        terms,
        extras,
        scored,
        plain: query::is_plain(&clauses),
        title_words: query::plain_words(text),
        concepts: b.concepts,
        ignored: b.ignored,
        corrections: b.corrections,
        searched,
    })
}

/// Whether the query has a plain word that is not a stop word.
fn has_content(clauses: &[Clause], synonyms: &super::synonyms::Synonyms) -> bool {
    clauses.iter().any(|c| match &c.atom {
        Atom::Word { text, .. } => {
            let word = text.trim_matches(|c: char| !c.is_alphanumeric());
            c.occur != Occur::MustNot
                && !word.is_empty()
                && (!is_stop_word(word) || synonyms.knows(word))
        }
        Atom::Group(inner) | Atom::Any(inner) => has_content(inner, synonyms),
        Atom::Phrase(_) | Atom::Field { .. } => c.occur != Occur::MustNot,
    })
}

/// `text` with the whole word `from` replaced by `to`.
fn replace_word(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(from) {
        let before_ok = rest[..at]
            .chars()
            .last()
            .is_none_or(|c| !c.is_alphanumeric());
        let after = &rest[at + from.len()..];
        let after_ok = after.chars().next().is_none_or(|c| !c.is_alphanumeric());
        out.push_str(&rest[..at]);
        out.push_str(if before_ok && after_ok { to } else { from });
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn replaces_whole_words() {
        assert_eq!(
            super::replace_word("certficate certficates x", "certficate", "certificate"),
            "certificate certficates x"
        );
    }

    #[test]
    fn words_of_quantity_and_time_are_searched() {
        for word in ["the", "How", "did", "what", "happened"] {
            assert!(super::is_stop_word(word), "{word}");
        }
        for word in ["all", "once", "after", "before", "during", "over"] {
            assert!(!super::is_stop_word(word), "{word}");
        }
    }
}
