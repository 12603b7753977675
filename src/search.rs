//! Queries over the index: the query language, filters, ranking, snippets,
//! and "similar lessons".

use std::ops::{Bound, Range};

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, Occur, Query, QueryParser, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Score, Searcher, SegmentReader, TantivyDocument, Term};
use tantivy_query_grammar::{UserInputAst, UserInputLeaf, UserInputLiteral};

use crate::Error;
use crate::index::SearchIndex;
use crate::index::schema::Fields;
use crate::lesson::Lesson;

/// Field prefixes users may write, and the index fields they search.
const PREFIXES: &[(&str, &[&str])] = &[
    ("title", &["title"]),
    ("summary", &["summary"]),
    ("body", &["body"]),
    ("id", &["id"]),
    ("system", &["systems"]),
    ("systems", &["systems"]),
    ("team", &["teams"]),
    ("teams", &["teams"]),
    ("tag", &["tags"]),
    ("tags", &["tags"]),
    ("function", &["functions"]),
    ("functions", &["functions"]),
    ("cause", &["cause_key", "category", "causes"]),
    ("causes", &["cause_key", "category", "causes"]),
    ("key", &["cause_key"]),
    ("category", &["category"]),
    ("action", &["actions"]),
    ("actions", &["actions"]),
    ("kind", &["kind"]),
    ("severity", &["severity"]),
    ("status", &["status"]),
];

/// Filters from the command line; repeated values of one filter are ORed,
/// different filters ANDed.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub kind: Vec<String>,
    pub severity: Vec<String>,
    pub status: Vec<String>,
    pub system: Vec<String>,
    pub team: Vec<String>,
    pub tag: Vec<String>,
    /// A cause key or a cause category.
    pub cause: Vec<String>,
    pub since: Option<jiff::civil::Date>,
    pub until: Option<jiff::civil::Date>,
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
}

#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub query: String,
    pub total_hits: usize,
    pub hits: Vec<Hit>,
    /// True when nothing matched exactly and these results allow typos.
    pub fuzzy: bool,
}

/// Text fields typo tolerance applies to.
fn text_fields(f: &Fields) -> [Field; 5] {
    [f.title, f.summary, f.body, f.causes, f.actions]
}

fn parser(index: &SearchIndex, fuzzy: bool) -> QueryParser {
    let f = &index.fields;
    let defaults = vec![
        f.title,
        f.summary,
        f.body,
        f.causes,
        f.actions,
        f.cause_key,
        f.systems,
        f.tags,
        f.id,
    ];
    let mut parser = QueryParser::for_index(&index.index, defaults);
    parser.set_conjunction_by_default();
    parser.allow_regexes();
    // Title and cause matches outrank passing mentions in the body.
    for (field, boost) in [
        (f.title, 3.0),
        (f.cause_key, 3.0),
        (f.causes, 2.5),
        (f.summary, 1.5),
        (f.actions, 1.2),
        (f.systems, 1.5),
        (f.tags, 1.5),
        (f.id, 5.0),
    ] {
        parser.set_field_boost(field, boost);
    }
    if fuzzy {
        for field in text_fields(f) {
            parser.set_field_fuzzy(field, false, 1, true);
        }
    }
    parser
}

fn query_error(query: &str, position: usize, message: impl Into<String>) -> Error {
    Error::Query {
        query: query.to_string(),
        position: position.min(query.len()),
        message: message.into(),
    }
}

/// Where `field:` is written in the query, for messages.
fn field_position(query: &str, field: &str) -> usize {
    query.find(&format!("{field}:")).unwrap_or(0)
}

/// Rewrites the user's query: field prefixes to index fields, `word*` to a
/// prefix match, and `10:39`-style text (not a field) back to text.
fn rewrite(ast: UserInputAst, query: &str) -> Result<UserInputAst, Error> {
    Ok(match ast {
        UserInputAst::Clause(clauses) => UserInputAst::Clause(
            clauses
                .into_iter()
                .map(|(occur, ast)| Ok((occur, rewrite(ast, query)?)))
                .collect::<Result<_, Error>>()?,
        ),
        UserInputAst::Boost(ast, boost) => {
            UserInputAst::Boost(Box::new(rewrite(*ast, query)?), boost)
        }
        UserInputAst::Leaf(leaf) => rewrite_leaf(*leaf, query)?,
    })
}

fn rewrite_leaf(leaf: UserInputLeaf, query: &str) -> Result<UserInputAst, Error> {
    let fields_of = |name: &Option<String>| -> Result<Option<&'static [&'static str]>, Error> {
        let Some(name) = name else { return Ok(None) };
        match PREFIXES.iter().find(|(p, _)| p.eq_ignore_ascii_case(name)) {
            Some((_, fields)) => Ok(Some(fields)),
            None => {
                let known: Vec<&str> = PREFIXES.iter().map(|(p, _)| *p).collect();
                let hint = match crate::diagnostic::suggest(name, known.iter().copied()) {
                    Some(s) => format!("; did you mean `{s}:`?"),
                    None => format!(
                        "; fields are {}",
                        PREFIXES
                            .iter()
                            .map(|(p, _)| format!("{p}:"))
                            .step_by(1)
                            .collect::<Vec<_>>()
                            .join(" ")
                    ),
                };
                Err(query_error(
                    query,
                    field_position(query, name),
                    format!("unknown field `{name}:`{hint}"),
                ))
            }
        }
    };
    let expand = |fields: &[&str], make: &dyn Fn(String) -> UserInputLeaf| -> UserInputAst {
        if fields.len() == 1 {
            make(fields[0].to_string()).into()
        } else {
            UserInputAst::Clause(
                fields
                    .iter()
                    .map(|f| {
                        (
                            Some(tantivy_query_grammar::Occur::Should),
                            make(f.to_string()).into(),
                        )
                    })
                    .collect(),
            )
        }
    };
    Ok(match leaf {
        UserInputLeaf::Literal(lit) => {
            // `10:39` is text, not field `10`.
            if let Some(name) = &lit.field_name
                && !name.chars().next().is_some_and(|c| c.is_alphabetic())
            {
                let phrase = format!("{name}:{}", lit.phrase);
                return Ok(UserInputLeaf::Literal(UserInputLiteral {
                    field_name: None,
                    phrase,
                    delimiter: tantivy_query_grammar::Delimiter::DoubleQuotes,
                    slop: 0,
                    prefix: false,
                })
                .into());
            }
            if let Some(name) = &lit.field_name
                && lit.delimiter == tantivy_query_grammar::Delimiter::None
                && lit.phrase.starts_with('-')
            {
                return Err(query_error(
                    query,
                    field_position(query, name),
                    format!(
                        "to exclude a value, put the minus before the field: -{name}:{}",
                        &lit.phrase[1..]
                    ),
                ));
            }
            let fields = fields_of(&lit.field_name)?;
            let is_prefix = lit.delimiter == tantivy_query_grammar::Delimiter::None
                && lit.phrase.len() > 1
                && lit.phrase.ends_with('*')
                && !lit.phrase[..lit.phrase.len() - 1].contains(['*', ' ']);
            if is_prefix {
                let stem = lit.phrase[..lit.phrase.len() - 1].to_lowercase();
                let pattern = format!("{}.*", regex::escape(&stem));
                let targets: Vec<&str> = match fields {
                    Some(f) => f.to_vec(),
                    None => vec![
                        "title",
                        "summary",
                        "body",
                        "causes",
                        "actions",
                        "cause_key",
                        "systems",
                        "tags",
                        "id",
                    ],
                };
                return Ok(expand(&targets, &|field| UserInputLeaf::Regex {
                    field: Some(field),
                    pattern: pattern.clone(),
                }));
            }
            match fields {
                None => UserInputLeaf::Literal(lit).into(),
                Some(fields) => expand(fields, &|field| {
                    UserInputLeaf::Literal(UserInputLiteral {
                        field_name: Some(field),
                        ..lit.clone()
                    })
                }),
            }
        }
        UserInputLeaf::Regex { field, pattern } => match fields_of(&field)? {
            None => UserInputLeaf::Regex { field, pattern }.into(),
            Some(fields) => expand(fields, &|f| UserInputLeaf::Regex {
                field: Some(f),
                pattern: pattern.clone(),
            }),
        },
        UserInputLeaf::Set { field, elements } => match fields_of(&field)? {
            None => UserInputLeaf::Set { field, elements }.into(),
            Some(fields) => expand(fields, &|f| UserInputLeaf::Set {
                field: Some(f),
                elements: elements.clone(),
            }),
        },
        UserInputLeaf::Range { field, .. } => {
            let at = field.as_deref().map_or(0, |f| field_position(query, f));
            return Err(query_error(
                query,
                at,
                "ranges are not supported in queries; filter dates with --since and --until",
            ));
        }
        UserInputLeaf::Exists { field } => {
            let fields = fields_of(&Some(field.clone()))?.unwrap_or(&[]);
            let _ = fields;
            return Err(query_error(
                query,
                field_position(query, &field),
                format!("`{field}:*` is not supported; search for a value, or use a filter"),
            ));
        }
        UserInputLeaf::All => UserInputLeaf::All.into(),
    })
}

const MAX_NESTING: usize = 32;

/// Parses a user query into a Tantivy query.
pub fn parse_query(index: &SearchIndex, query: &str, fuzzy: bool) -> Result<Box<dyn Query>, Error> {
    if query.trim().is_empty() {
        return Ok(Box::new(AllQuery));
    }
    // The grammar parses nested groups recursively: refuse absurd nesting
    // before it exhausts the stack.
    let mut depth = 0usize;
    for (at, c) in query.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > MAX_NESTING {
            return Err(query_error(
                query,
                at,
                format!("the query nests parentheses more than {MAX_NESTING} deep"),
            ));
        }
    }
    let (ast, errors) = tantivy_query_grammar::parse_query_lenient(query);
    if let Some(e) = errors.first() {
        return Err(query_error(query, e.pos, e.message.clone()));
    }
    let mut ast = rewrite(ast, query)?;
    // "-word" alone means every lesson but those.
    if let UserInputAst::Clause(clauses) = &mut ast
        && !clauses.is_empty()
        && clauses
            .iter()
            .all(|(occur, _)| *occur == Some(tantivy_query_grammar::Occur::MustNot))
    {
        clauses.push((
            Some(tantivy_query_grammar::Occur::Should),
            UserInputLeaf::All.into(),
        ));
    }
    parser(index, fuzzy)
        .build_query_from_user_input_ast(ast)
        .map_err(|e| query_error(query, 0, e.to_string()))
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
        (f.tags, &filters.tag),
    ]
    .into_iter()
    .filter_map(|(field, values)| keyword_terms(field, values))
    .collect();
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
    let limit = limit.clamp(1, (searcher.num_docs() as usize).max(1));
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
    }
}

/// Full-text search with filters.
pub fn search(
    index: &SearchIndex,
    query: &str,
    filters: &Filters,
    limit: usize,
) -> Result<Results, Error> {
    let searcher = index.reader.searcher();
    let f = &index.fields;
    let run = |fuzzy: bool| -> Result<(Box<dyn Query>, Ranked), Error> {
        let text = parse_query(index, query, fuzzy)?;
        let full = with_filters(text, filter_queries(f, filters), Vec::new());
        let ranked =
            top(&searcher, f, full.as_ref(), limit).map_err(|e| Error::Index(e.to_string()))?;
        Ok((full, ranked))
    };
    let (mut q, mut ranked) = run(false)?;
    let mut fuzzy = false;
    if ranked.total == 0 && !query.trim().is_empty() {
        let (q2, r2) = run(true)?;
        if r2.total > 0 {
            (q, ranked, fuzzy) = (q2, r2, true);
        }
    }
    let mut generator = SnippetGenerator::create(&searcher, q.as_ref(), f.body)
        .map_err(|e| Error::Index(e.to_string()))?;
    generator.set_max_num_chars(180);
    let mut hits = Vec::with_capacity(ranked.docs.len());
    for (addr, score) in ranked.docs.into_iter().zip(ranked.scores) {
        let doc: TantivyDocument = searcher
            .doc(addr)
            .map_err(|e| Error::Index(e.to_string()))?;
        let snippet = generator.snippet_from_doc(&doc);
        let snippet = if snippet.is_empty() {
            (opening_words(&first_str(&doc, f.body)), Vec::new())
        } else {
            (
                snippet.fragment().to_string(),
                snippet.highlighted().to_vec(),
            )
        };
        hits.push(hit(&doc, f, score, snippet));
    }
    Ok(Results {
        query: query.to_string(),
        total_hits: ranked.total,
        hits,
        fuzzy,
    })
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
            .map_err(|e| Error::Index(e.to_string()))?;
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
            .map_err(|e| Error::Index(e.to_string()))?;
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

/// The lessons most like `target`: more-like-this over its text,
/// boosted by shared cause keys and systems; the lesson itself excluded.
pub fn similar(
    index: &SearchIndex,
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
    let mut should: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, Box::new(mlt))];
    for key in &target.cause_keys {
        let q = TermQuery::new(
            Term::from_field_text(f.cause_key, &key.to_lowercase()),
            IndexRecordOption::Basic,
        );
        should.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), 25.0))));
    }
    for system in &target.systems {
        let q = TermQuery::new(
            Term::from_field_text(f.systems, &system.to_lowercase()),
            IndexRecordOption::Basic,
        );
        should.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), 3.0))));
    }
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
    let ranked =
        top(&searcher, f, query.as_ref(), limit).map_err(|e| Error::Index(e.to_string()))?;
    let mut hits = Vec::with_capacity(ranked.docs.len());
    for (addr, score) in ranked.docs.into_iter().zip(ranked.scores) {
        let doc: TantivyDocument = searcher
            .doc(addr)
            .map_err(|e| Error::Index(e.to_string()))?;
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
    let ranked = top(&searcher, &index.fields, &q, 1).map_err(|e| Error::Index(e.to_string()))?;
    ranked
        .docs
        .first()
        .map(|addr| searcher.doc(*addr).map_err(|e| Error::Index(e.to_string())))
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
