//! Queries over the index: the query language, filters, ranking, snippets,
//! and "similar lessons".

use std::ops::{Bound, Range};

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Score, Searcher, SegmentReader, TantivyDocument, Term};

use crate::Error;
use crate::index::SearchIndex;
use crate::index::schema::Fields;
use crate::lesson::Lesson;
use crate::tlp::Tlp;

pub mod plan;
pub mod query;
pub mod rank;
pub mod synonyms;
pub mod vocab;

pub use plan::Correction;
pub use rank::Explain;
use synonyms::Synonyms;

/// What search takes from `lessons.toml`: synonyms, catch-all cause keys
/// and the closed vocabularies filters are checked against.
#[derive(Debug, Clone)]
pub struct Settings {
    pub synonyms: Synonyms,
    /// Cause keys that say nothing about a cause (`uncategorized`):
    /// `similar` gives them no weight.
    pub catch_all_keys: Vec<String>,
    pub vocabulary: crate::config::Vocabulary,
}

impl Settings {
    pub fn from_config(config: &crate::config::Config) -> Settings {
        Settings {
            synonyms: Synonyms::new(&config.search.synonyms),
            catch_all_keys: config
                .search
                .catch_all_keys
                .iter()
                .map(|k| k.to_lowercase())
                .collect(),
            vocabulary: config.vocabulary.clone(),
        }
    }
}

/// Filters from the command line; repeated values of one filter are ORed,
/// different filters ANDed.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub kind: Vec<String>,
    pub severity: Vec<String>,
    pub status: Vec<String>,
    pub system: Vec<String>,
    pub team: Vec<String>,
    /// A business function (`functions`, a closed vocabulary).
    pub function: Vec<String>,
    pub tag: Vec<String>,
    /// A cause key or a cause category.
    pub cause: Vec<String>,
    pub since: Option<jiff::civil::Date>,
    pub until: Option<jiff::civil::Date>,
    /// Only lessons at or below this sharing level (`--max-tlp`).
    pub max_tlp: Option<Tlp>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub id: String,
    pub title: String,
    pub path: String,
    pub score: f32,
    pub occurred: Option<String>,
    pub kind: String,
    pub severity: String,
    pub snippet: String,
    /// Byte ranges of `snippet` that matched the query.
    pub highlights: Vec<[usize; 2]>,
    pub status: String,
    pub causes: Vec<String>,
    pub systems: Vec<String>,
    /// The lesson's sharing level (its `tlp` or the configured default).
    pub tlp: Tlp,
    /// Why it ranks here (`--explain`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<Explain>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub query: String,
    pub total_hits: usize,
    pub hits: Vec<Hit>,
    /// True when words matched nothing and were corrected.
    pub fuzzy: bool,
    /// The query as searched, when words were corrected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub searched: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<Correction>,
    /// How the query was read (`--explain`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interpretation: Option<Interpretation>,
}

/// How a query was read: its concepts with the forms searched, and the
/// words left out.
#[derive(Debug, Clone, Serialize)]
pub struct Interpretation {
    pub words: Vec<InterpretedWord>,
    pub ignored: Vec<String>,
    pub ranked: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct InterpretedWord {
    pub word: String,
    pub required: bool,
    /// The forms searched: the word, its synonyms, prefix expansions.
    pub forms: Vec<String>,
}

/// How many hits to show and whether to explain them.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub limit: usize,
    pub explain: bool,
}

fn keyword_terms(field: Field, values: &[String]) -> Option<Box<dyn Query>> {
    if values.is_empty() {
        return None;
    }
    let clauses: Vec<(Occur, Box<dyn Query>)> = values
        .iter()
        .map(|v| {
            let q: Box<dyn Query> = Box::new(TermQuery::new(
                Term::from_field_text(field, &v.to_lowercase()),
                IndexRecordOption::Basic,
            ));
            (Occur::Should, q)
        })
        .collect();
    Some(Box::new(BooleanQuery::new(clauses)))
}

fn day_start(date: jiff::civil::Date) -> tantivy::DateTime {
    let ts = jiff::tz::Offset::UTC
        .to_timestamp(date.to_datetime(jiff::civil::Time::midnight()))
        .map_or(0, |t| t.as_second());
    tantivy::DateTime::from_timestamp_secs(ts)
}

/// The filters as a query that every hit must match.
fn filter_queries(f: &Fields, filters: &Filters) -> Vec<Box<dyn Query>> {
    let mut out: Vec<Box<dyn Query>> = [
        (f.kind, &filters.kind),
        (f.severity, &filters.severity),
        (f.status, &filters.status),
        (f.systems, &filters.system),
        (f.teams, &filters.team),
        (f.functions, &filters.function),
        (f.tags, &filters.tag),
    ]
    .into_iter()
    .filter_map(|(field, values)| keyword_terms(field, values))
    .collect();
    if let Some(max) = filters.max_tlp {
        let allowed: Vec<String> = Tlp::ALL
            .into_iter()
            .filter(|t| *t <= max)
            .map(|t| t.name().to_string())
            .collect();
        out.extend(keyword_terms(f.tlp, &allowed));
    }
    if !filters.cause.is_empty() {
        let either: Vec<(Occur, Box<dyn Query>)> = [f.cause_key, f.category]
            .into_iter()
            .filter_map(|field| keyword_terms(field, &filters.cause))
            .map(|q| (Occur::Should, q))
            .collect();
        out.push(Box::new(BooleanQuery::new(either)));
    }
    if filters.since.is_some() || filters.until.is_some() {
        let lower = filters.since.map_or(Bound::Unbounded, |d| {
            Bound::Included(Term::from_field_date(f.occurred, day_start(d)))
        });
        let upper = filters.until.map_or(Bound::Unbounded, |d| {
            // Through the end of that day.
            Bound::Excluded(Term::from_field_date(
                f.occurred,
                day_start(d.tomorrow().unwrap_or(d)),
            ))
        });
        out.push(Box::new(RangeQuery::new(lower, upper)));
    }
    out
}

fn with_filters(
    query: Box<dyn Query>,
    filters: Vec<Box<dyn Query>>,
    exclude: Vec<Box<dyn Query>>,
) -> Box<dyn Query> {
    if filters.is_empty() && exclude.is_empty() {
        return query;
    }
    let mut clauses = vec![(Occur::Must, query)];
    clauses.extend(filters.into_iter().map(|q| (Occur::Must, q)));
    clauses.extend(exclude.into_iter().map(|q| (Occur::MustNot, q)));
    Box::new(BooleanQuery::new(clauses))
}

/// The best hits of a query, and how many documents matched in all.
struct Ranked {
    docs: Vec<DocAddress>,
    scores: Vec<Score>,
    total: usize,
}

/// Runs `query` and returns the best `limit` hits: by score, then the most
/// recent first among equal scores.
fn top(
    searcher: &Searcher,
    fields: &Fields,
    query: &dyn Query,
    limit: usize,
) -> tantivy::Result<Ranked> {
    let occurred = fields.occurred;
    let name = searcher.schema().get_field_name(occurred).to_string();
    // More hits than documents is pointless, and a huge --limit must not
    // overflow the collector.
    let limit = limit.min(searcher.num_docs() as usize);
    if limit == 0 {
        let total = searcher.search(query, &Count)?;
        return Ok(Ranked {
            docs: Vec::new(),
            scores: Vec::new(),
            total,
        });
    }
    let collector = TopDocs::with_limit(limit).tweak_score(move |segment: &SegmentReader| {
        let column = segment.fast_fields().date(&name).ok();
        move |doc: tantivy::DocId, score: Score| {
            let when = column
                .as_ref()
                .and_then(|c| c.first(doc))
                .map_or(i64::MIN, |d| d.into_timestamp_secs());
            (score, when)
        }
    });
    let (top, count) = searcher.search(query, &(collector, Count))?;
    let (docs, scores) = top
        .into_iter()
        .take(limit)
        .map(|((score, _), addr)| (addr, score))
        .unzip();
    Ok(Ranked {
        docs,
        scores,
        total: count,
    })
}

fn first_str(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn all_str(doc: &TantivyDocument, field: Field) -> Vec<String> {
    doc.get_all(field)
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

fn date_str(doc: &TantivyDocument, field: Field) -> Option<String> {
    let secs = doc.get_first(field)?.as_datetime()?.into_timestamp_secs();
    let ts = jiff::Timestamp::from_second(secs).ok()?;
    Some(jiff::tz::Offset::UTC.to_datetime(ts).date().to_string())
}

fn hit(
    doc: &TantivyDocument,
    f: &Fields,
    score: Score,
    snippet: (String, Vec<Range<usize>>),
) -> Hit {
    Hit {
        id: first_str(doc, f.id),
        title: first_str(doc, f.title),
        path: first_str(doc, f.path),
        score,
        occurred: date_str(doc, f.occurred),
        kind: first_str(doc, f.kind),
        severity: first_str(doc, f.severity),
        snippet: snippet.0,
        highlights: snippet.1.into_iter().map(|r| [r.start, r.end]).collect(),
        status: first_str(doc, f.status),
        causes: all_str(doc, f.cause_key),
        systems: all_str(doc, f.systems),
        tlp: doc_tlp(doc, f),
        explain: None,
    }
}

/// The sharing level the index holds for a document (`RED` if unreadable).
fn doc_tlp(doc: &TantivyDocument, f: &Fields) -> Tlp {
    Tlp::parse(&first_str(doc, f.tlp)).unwrap_or(Tlp::Red)
}

/// How many first-pass candidates the second pass re-ranks: three times
/// what is shown, at least 100, at most 1,000 unless more are asked for.
fn candidates_for(limit: usize) -> usize {
    (limit.saturating_mul(3)).clamp(100, 1000).max(limit)
}

/// Full-text search with filters: BM25 picks candidates among lessons with
/// any of the words, the second pass ([`rank`]) orders them.
#[expect(
    clippy::too_many_lines,
    reason = "the search's two passes, merge and snippets share the searcher and the plan"
)]
pub fn search(
    index: &SearchIndex,
    settings: &Settings,
    query: &str,
    filters: &Filters,
    options: &Options,
) -> Result<Results, Error> {
    let searcher = index.reader.searcher();
    let f = &index.fields;
    let plan = plan::plan(index, settings, query)?;
    let filter = filter_queries(f, filters);
    let filtered = |q: Box<dyn Query>| {
        with_filters(
            q,
            filter.iter().map(|q| q.box_clone()).collect(),
            Vec::new(),
        )
    };
    let full = filtered(plan.query);
    let terms = filtered(plan.terms);
    let extras = plan.extras.map(filtered);
    let index_error = |e: tantivy::TantivyError| Error::Index(e.into());
    let total = searcher
        .search(full.as_ref(), &Count)
        .map_err(index_error)?;
    let limit = options.limit;
    let mut ranked: Vec<(DocAddress, Score, Option<Explain>)> = Vec::new();
    if limit > 0 && total > 0 {
        if plan.scored {
            let k = candidates_for(limit);
            // The term union (block-max WAND), and phrases and whole values
            // on their own; a lesson found by both gets both scores.
            let mut first: Vec<(DocAddress, Score)> = searcher
                .search(terms.as_ref(), &TopDocs::with_limit(k).order_by_score())
                .map_err(index_error)?
                .into_iter()
                .map(|(score, addr)| (addr, score))
                .collect();
            if let Some(extras) = &extras {
                let more = searcher
                    .search(extras.as_ref(), &TopDocs::with_limit(k).order_by_score())
                    .map_err(index_error)?;
                let at: std::collections::HashMap<DocAddress, usize> = first
                    .iter()
                    .enumerate()
                    .map(|(i, (a, _))| (*a, i))
                    .collect();
                for (score, addr) in more {
                    match at.get(&addr) {
                        Some(&i) => first[i].1 += score,
                        None => first.push((addr, score)),
                    }
                }
            }
            let mut candidates: Vec<rank::Candidate> = first
                .into_iter()
                .map(|(addr, bm25)| rank::Candidate {
                    addr,
                    bm25,
                    exact_title: false,
                })
                .collect();
            if plan.plain && plan.title_words.len() >= 2 {
                for addr in exact_titles(index, &plan.title_words, full.as_ref())? {
                    match candidates.iter_mut().find(|c| c.addr == addr) {
                        Some(c) => c.exact_title = true,
                        None => candidates.push(rank::Candidate {
                            addr,
                            bm25: 0.0,
                            exact_title: true,
                        }),
                    }
                }
            }
            let mut scored = rank::rerank(&searcher, f, &plan.concepts, candidates);
            let recency = recency_of(&searcher, f);
            scored.sort_by(|(a, ea), (b, eb)| {
                eb.score
                    .total_cmp(&ea.score)
                    .then_with(|| recency(b.addr).cmp(&recency(a.addr)))
                    .then_with(|| a.addr.cmp(&b.addr))
            });
            scored.truncate(limit);
            ranked = scored
                .into_iter()
                .map(|(c, e)| {
                    let score = e.score;
                    (c.addr, score, options.explain.then_some(e))
                })
                .collect();
        } else {
            // Nothing to score (filters, field values): newest first.
            let name = searcher.schema().get_field_name(f.occurred).to_string();
            let top = searcher
                .search(
                    full.as_ref(),
                    &TopDocs::with_limit(limit.min(total))
                        .order_by_fast_field::<tantivy::DateTime>(&name, tantivy::Order::Desc),
                )
                .map_err(index_error)?;
            ranked = top.into_iter().map(|(_, addr)| (addr, 1.0, None)).collect();
        }
    }
    let mut generator =
        SnippetGenerator::create(&searcher, full.as_ref(), f.body).map_err(index_error)?;
    generator.set_max_num_chars(180);
    let mut hits = Vec::with_capacity(ranked.len());
    for (addr, score, explain) in ranked {
        let doc: TantivyDocument = searcher.doc(addr).map_err(index_error)?;
        let snippet = generator.snippet_from_doc(&doc);
        let snippet = if snippet.is_empty() {
            (opening_words(&first_str(&doc, f.body)), Vec::new())
        } else {
            (
                snippet.fragment().to_string(),
                snippet.highlighted().to_vec(),
            )
        };
        let mut hit = hit(&doc, f, score, snippet);
        hit.explain = explain;
        hits.push(hit);
    }
    let interpretation = options.explain.then(|| Interpretation {
        words: plan
            .concepts
            .iter()
            .map(|c| InterpretedWord {
                word: c.label.clone(),
                required: c.occur == query::Occur::Must,
                forms: c.alts.iter().map(|a| a.text.clone()).collect(),
            })
            .collect(),
        ignored: plan.ignored.clone(),
        ranked: plan.scored,
    });
    Ok(Results {
        query: query.to_string(),
        total_hits: total,
        hits,
        fuzzy: !plan.corrections.is_empty(),
        searched: plan.searched,
        corrections: plan.corrections,
        interpretation,
    })
}

/// The lessons whose title is exactly the query's words.
fn exact_titles(
    index: &SearchIndex,
    words: &[String],
    within: &dyn Query,
) -> Result<Vec<DocAddress>, Error> {
    let f = &index.fields;
    let searcher = index.reader.searcher();
    let tokens = plan::analyze(index, f.title, &words.join(" "));
    let Some(phrase) = plan::tokens_query(f.title, &tokens) else {
        return Ok(Vec::new());
    };
    let both = BooleanQuery::new(vec![
        (Occur::Must, phrase),
        (Occur::Must, within.box_clone()),
    ]);
    let top = searcher
        .search(&both, &TopDocs::with_limit(10).order_by_score())
        .map_err(|e| Error::Index(e.into()))?;
    let mut out = Vec::new();
    for (_, addr) in top {
        let doc: TantivyDocument = searcher.doc(addr).map_err(|e| Error::Index(e.into()))?;
        if query::plain_words(&first_str(&doc, f.title)) == words {
            out.push(addr);
        }
    }
    Ok(out)
}

/// When each document occurred (seconds), for breaking ties.
fn recency_of<'s>(searcher: &'s Searcher, f: &Fields) -> impl Fn(DocAddress) -> i64 + 's {
    let name = searcher.schema().get_field_name(f.occurred).to_string();
    let columns: Vec<_> = searcher
        .segment_readers()
        .iter()
        .map(|s| s.fast_fields().date(&name).ok())
        .collect();
    move |addr: DocAddress| {
        columns
            .get(addr.segment_ord as usize)
            .and_then(|c| c.as_ref())
            .and_then(|c| c.first(addr.doc_id))
            .map_or(i64::MIN, |d| d.into_timestamp_secs())
    }
}

/// The first words of a body, skipping headings: a snippet when the match
/// was not in the body (a title or cause match).
fn opening_words(body: &str) -> String {
    let text: Vec<&str> = body
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .flat_map(str::split_whitespace)
        .take(30)
        .collect();
    let mut s = text.join(" ");
    if s.len() > 180 {
        let mut cut = 180;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
    s
}

/// The lesson to compare with in `similar`: its text, keys and systems.
pub struct Target {
    pub path: String,
    pub id: Option<String>,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub causes: String,
    pub cause_keys: Vec<String>,
    /// The category of each cause key (same order).
    pub cause_categories: Vec<Option<String>>,
    pub systems: Vec<String>,
    /// Other lesson paths to leave out (the rest of a pull request).
    pub exclude: Vec<String>,
}

impl Target {
    pub fn from_lesson(lesson: &Lesson, text: &str) -> Target {
        Target {
            path: lesson.path.clone(),
            id: crate::lesson::opt_text(&lesson.id),
            title: crate::lesson::opt_text(&lesson.title).unwrap_or_default(),
            summary: crate::parse::without_comments(lesson.section(text, "summary").unwrap_or(""))
                .into_owned(),
            body: crate::parse::without_comments(text.get(lesson.body.span.clone()).unwrap_or(""))
                .into_owned(),
            causes: lesson
                .causes()
                .iter()
                .filter_map(|c| c.summary.as_ref().map(|s| s.value.clone()))
                .collect::<Vec<_>>()
                .join("\n"),
            cause_keys: lesson
                .causes()
                .iter()
                .filter_map(|c| c.key.as_ref().map(|k| k.value.clone()))
                .collect(),
            cause_categories: lesson
                .causes()
                .iter()
                .filter(|c| c.key.is_some())
                .map(|c| crate::lesson::opt_text(&c.category))
                .collect(),
            systems: lesson
                .systems
                .iter()
                .flat_map(|s| &s.value)
                .map(|s| s.value.clone())
                .collect(),
            exclude: Vec::new(),
        }
    }
}

/// Lucene's "more like this", made deterministic: the 40 terms of the
/// texts that best tell a lesson apart (term frequency times BM25 idf,
/// words of 3 letters or more, in at most half of the lessons), ties broken
/// by the term itself. Tantivy's own picks among equal scores in hash
/// order, so the same lesson could get different neighbours run to run.
fn more_like_this(
    index: &SearchIndex,
    searcher: &Searcher,
    texts: &[(Field, &str)],
) -> Result<BooleanQuery, Error> {
    const MAX_TERMS: usize = 40;
    let mut frequencies: std::collections::BTreeMap<Term, usize> = Default::default();
    for (field, text) in texts {
        let mut analyzer = index
            .index
            .tokenizer_for_field(*field)
            .map_err(|e| Error::Index(e.into()))?;
        let mut stream = analyzer.token_stream(text);
        stream.process(&mut |token| {
            if token.text.len() >= 3 {
                *frequencies
                    .entry(Term::from_field_text(*field, &token.text))
                    .or_default() += 1;
            }
        });
    }
    let docs = searcher.num_docs();
    let max_df = (docs / 2).max(2);
    let mut scored: Vec<(Score, Term)> = Vec::new();
    for (term, tf) in frequencies {
        let df = searcher
            .doc_freq(&term)
            .map_err(|e| Error::Index(e.into()))?;
        if df == 0 || df > max_df || df > docs {
            continue;
        }
        let idf = (1.0 + ((docs - df) as Score + 0.5) / (df as Score + 0.5)).ln();
        scored.push((tf as Score * idf, term));
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    scored.truncate(MAX_TERMS);
    let best = scored.first().map_or(1.0, |(s, _)| *s);
    Ok(BooleanQuery::new(
        scored
            .into_iter()
            .map(|(score, term)| -> (Occur, Box<dyn Query>) {
                let q = TermQuery::new(term, IndexRecordOption::Basic);
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(q), score / best)),
                )
            })
            .collect(),
    ))
}

/// How much a shared whole value (a cause key, a system) says about two
/// lessons being alike: a key shared by 2 lessons says far more than one
/// shared by 40. `weight × (idf(df) / idf(1))²`, 0 when no other lesson
/// has it.
fn rarity_weight(docs: u64, df_others: u64, weight: f32) -> f32 {
    if df_others == 0 || docs == 0 {
        return 0.0;
    }
    let idf = |df: u64| (1.0 + (docs as f32 - df as f32 + 0.5) / (df as f32 + 0.5)).ln();
    let ratio = (idf(df_others.min(docs)) / idf(1)).clamp(0.0, 1.0);
    weight * ratio * ratio
}

/// Weight of a shared cause key at its rarest.
pub const SHARED_KEY_WEIGHT: f32 = 40.0;
/// Weight of a shared system at its rarest.
pub const SHARED_SYSTEM_WEIGHT: f32 = 3.0;

/// The lessons most like `target`: more-like-this over its text, plus each
/// cause key and system they share, weighted by rarity (catch-all keys such
/// as `uncategorized` count for nothing); the lesson itself excluded. When
/// the lesson's keys are new, the text alone ranks.
pub fn similar(
    index: &SearchIndex,
    settings: &Settings,
    target: &Target,
    filters: &Filters,
    limit: usize,
) -> Result<Results, Error> {
    let searcher = index.reader.searcher();
    let f = &index.fields;
    let mlt = more_like_this(
        index,
        &searcher,
        &[
            (f.title, &target.title),
            (f.summary, &target.summary),
            (f.causes, &target.causes),
            (f.body, &target.body),
        ],
    )?;
    let docs = searcher.num_docs();
    // The lesson itself is usually indexed: its own keys do not count.
    let itself = u64::from(find_by_path(index, &target.path)?.is_some());
    let mut should: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, Box::new(mlt))];
    let mut shared_values = |field: Field, values: &[String], weight: f32, skip: &[String]| {
        let mut seen = Vec::new();
        for value in values {
            let value = value.to_lowercase();
            if skip.contains(&value) || seen.contains(&value) {
                continue;
            }
            let term = Term::from_field_text(field, &value);
            let df = searcher.doc_freq(&term).unwrap_or(0);
            let w = rarity_weight(docs, df.saturating_sub(itself), weight);
            seen.push(value);
            if w > 0.0 {
                let q = TermQuery::new(term, IndexRecordOption::Basic);
                should.push((
                    Occur::Should,
                    Box::new(ConstScoreQuery::new(Box::new(q), w)),
                ));
            }
        }
    };
    shared_values(
        f.cause_key,
        &target.cause_keys,
        SHARED_KEY_WEIGHT,
        &settings.catch_all_keys,
    );
    shared_values(f.systems, &target.systems, SHARED_SYSTEM_WEIGHT, &[]);
    let mut exclude: Vec<Box<dyn Query>> = std::iter::once(&target.path)
        .chain(&target.exclude)
        .map(|path| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(f.path, path),
                IndexRecordOption::Basic,
            ))
        })
        .collect();
    if let Some(id) = &target.id {
        exclude.push(Box::new(TermQuery::new(
            Term::from_field_text(f.id, &id.to_lowercase()),
            IndexRecordOption::Basic,
        )));
    }
    let query = with_filters(
        Box::new(BooleanQuery::new(should)),
        filter_queries(f, filters),
        exclude,
    );
    let ranked = top(&searcher, f, query.as_ref(), limit).map_err(|e| Error::Index(e.into()))?;
    let mut hits = Vec::with_capacity(ranked.docs.len());
    for (addr, score) in ranked.docs.into_iter().zip(ranked.scores) {
        let doc: TantivyDocument = searcher.doc(addr).map_err(|e| Error::Index(e.into()))?;
        let mut shared = Vec::new();
        let causes = all_str(&doc, f.cause_key);
        for key in &target.cause_keys {
            if causes.iter().any(|c| c.eq_ignore_ascii_case(key)) {
                shared.push(format!("cause {key}"));
            }
        }
        let systems = all_str(&doc, f.systems);
        for system in &target.systems {
            if systems.iter().any(|s| s.eq_ignore_ascii_case(system)) {
                shared.push(format!("system {system}"));
            }
        }
        let snippet = if shared.is_empty() {
            "similar text".to_string()
        } else {
            format!("shared: {}", shared.join(", "))
        };
        hits.push(hit(&doc, f, score, (snippet, Vec::new())));
    }
    Ok(Results {
        query: target.id.clone().unwrap_or_else(|| target.path.clone()),
        total_hits: ranked.total,
        hits,
        fuzzy: false,
        searched: None,
        corrections: Vec::new(),
        interpretation: None,
    })
}

/// The stored document of the lesson with this id (case-insensitive).
pub fn find_by_id(index: &SearchIndex, id: &str) -> Result<Option<TantivyDocument>, Error> {
    find_one(
        index,
        Term::from_field_text(index.fields.id, &id.to_lowercase()),
    )
}

/// The stored document of the lesson file at `path` (root-relative).
pub fn find_by_path(index: &SearchIndex, path: &str) -> Result<Option<TantivyDocument>, Error> {
    find_one(index, Term::from_field_text(index.fields.path, path))
}

/// The first stored document with this exact term.
fn find_one(index: &SearchIndex, term: Term) -> Result<Option<TantivyDocument>, Error> {
    let searcher = index.reader.searcher();
    let q = TermQuery::new(term, IndexRecordOption::Basic);
    let ranked = top(&searcher, &index.fields, &q, 1).map_err(|e| Error::Index(e.into()))?;
    ranked
        .docs
        .first()
        .map(|addr| searcher.doc(*addr).map_err(|e| Error::Index(e.into())))
        .transpose()
}

/// The `path` of a stored document.
pub fn doc_path(index: &SearchIndex, doc: &TantivyDocument) -> String {
    first_str(doc, index.fields.path)
}

/// Git metadata of a stored document: added by, added at, changed at.
pub fn doc_git(
    index: &SearchIndex,
    doc: &TantivyDocument,
) -> (Option<String>, Option<String>, Option<String>) {
    let f = &index.fields;
    let by = Some(first_str(doc, f.added_by)).filter(|s| !s.is_empty());
    (by, date_str(doc, f.added_at), date_str(doc, f.changed_at))
}
