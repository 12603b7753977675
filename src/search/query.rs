//! The query language, read forgivingly: any text a person pastes (a title,
//! a log line, a URL, `C++`, `10:39`, unbalanced quotes) is a search, and
//! only a query that is explicitly structured and broken is refused.
//!
//! The result is a tree of clauses; [`super::plan`] turns it into index
//! queries. Plain words are `Should`: they rank, they do not filter.

/// Field prefixes users may write, and the index fields they search.
pub const PREFIXES: &[(&str, &[&str])] = &[
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

/// How a clause combines with its siblings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occur {
    /// Ranks: a lesson with it scores higher, one without it still matches.
    Should,
    /// Required.
    Must,
    /// Excluded.
    MustNot,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Atom {
    /// A word as written (`node.js`, `LL-2024-007`, `C++`), or a prefix
    /// (`certif*`, without the star).
    Word { text: String, prefix: bool },
    /// `"exact words"`.
    Phrase(String),
    /// `field:value` with a known field prefix (its canonical name).
    Field {
        name: &'static str,
        value: String,
        /// The value was quoted (`title:"disk full"`).
        quoted: bool,
        /// The value ends with `*`.
        prefix: bool,
    },
    /// `( ... )`.
    Group(Vec<Clause>),
    /// Clauses joined by `OR`: one idea, any of them will do.
    Any(Vec<Clause>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    pub occur: Occur,
    pub atom: Atom,
    /// Byte offset in the query, for messages.
    pub at: usize,
}

/// A query that is explicitly structured and broken.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryError {
    pub position: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open(usize),
    Close(usize),
    And,
    Or,
    Not,
    Atom {
        modifier: Option<char>,
        atom: Atom,
        at: usize,
    },
}

const MAX_NESTING: usize = 32;

/// The canonical name of a field prefix, if `name` is one.
pub fn field_name(name: &str) -> Option<&'static str> {
    PREFIXES
        .iter()
        .find(|(p, _)| p.eq_ignore_ascii_case(name))
        .map(|(p, _)| *p)
}

/// The index fields a field prefix searches.
pub fn fields_of(name: &str) -> &'static [&'static str] {
    PREFIXES
        .iter()
        .find(|(p, _)| *p == name)
        .map_or(&[], |(_, f)| f)
}

/// Whether parentheses pair up (and nest no deeper than we allow): only
/// then are they grouping; otherwise they are punctuation.
fn parens_balance(query: &str) -> Result<bool, QueryError> {
    let mut depth = 0usize;
    let mut too_deep: Option<usize> = None;
    let mut in_quote = false;
    let quotes = query.matches('"').count();
    let mut seen_quotes = 0;
    for (at, c) in query.char_indices() {
        match c {
            '"' => {
                seen_quotes += 1;
                // An unpaired last quote is punctuation.
                if in_quote || seen_quotes < quotes || quotes.is_multiple_of(2) {
                    in_quote = !in_quote;
                }
            }
            '(' if !in_quote => {
                depth += 1;
                if depth > MAX_NESTING && too_deep.is_none() {
                    too_deep = Some(at);
                }
            }
            ')' if !in_quote => {
                if depth == 0 {
                    return Ok(false);
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    // Unbalanced parentheses are punctuation, however deep; balanced ones
    // nested absurdly deep are a structured query we refuse.
    match too_deep {
        Some(at) if depth == 0 => Err(QueryError {
            position: at,
            message: format!("the query nests parentheses more than {MAX_NESTING} deep"),
        }),
        _ => Ok(depth == 0),
    }
}

/// Distance at which an unknown `name:` is taken for a misspelt field.
fn near_field(name: &str) -> Option<&'static str> {
    // Short words (`term:`, `find:`, `tabs:`) are too often plain text.
    let n = name.chars().count();
    if n < 5 {
        return None;
    }
    let max = if n >= 7 { 2 } else { 1 };
    PREFIXES
        .iter()
        .map(|(p, _)| (strsim::damerau_levenshtein(&name.to_lowercase(), p), *p))
        .filter(|(d, _)| *d <= max)
        .min()
        .map(|(_, p)| p)
}

#[expect(
    clippy::too_many_lines,
    reason = "a tokenizer: one match over the characters of the query"
)]
fn tokenize(query: &str) -> Result<Vec<Token>, QueryError> {
    let structural_parens = parens_balance(query)?;
    let bytes = query.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    // Quotes pair up from the left; an odd last one is punctuation.
    let quote_positions: Vec<usize> = query.match_indices('"').map(|(i, _)| i).collect();
    let paired_quotes = quote_positions.len() - quote_positions.len() % 2;
    let closing_quote = |open: usize| -> Option<usize> {
        let idx = quote_positions.binary_search(&open).ok()?;
        (idx % 2 == 0 && idx + 1 < paired_quotes).then(|| quote_positions[idx + 1])
    };
    while i < bytes.len() {
        let c = query[i..].chars().next().unwrap_or(' ');
        let len = c.len_utf8();
        if c.is_whitespace() {
            i += len;
            continue;
        }
        if structural_parens && c == '(' {
            tokens.push(Token::Open(i));
            i += 1;
            continue;
        }
        if structural_parens && c == ')' {
            tokens.push(Token::Close(i));
            i += 1;
            continue;
        }
        let at = i;
        // A leading + or - is an operator when a word, a quote or a group
        // follows: `-ransomware`, `+"disk full"`, `-(a OR b)`.
        let mut modifier = None;
        if (c == '+' || c == '-') && i + 1 < bytes.len() {
            let next = query[i + 1..].chars().next().unwrap_or(' ');
            // `-n` or `-f` of a pasted command line is not an exclusion.
            let word_len = query[i + 1..]
                .chars()
                .take_while(|c| c.is_alphanumeric())
                .count();
            if (next.is_alphabetic() && word_len >= 2)
                || (next == '"' && closing_quote(i + 1).is_some())
                || (next == '(' && structural_parens)
            {
                modifier = Some(c);
                i += 1;
                if next == '(' {
                    tokens.push(Token::Atom {
                        modifier,
                        atom: Atom::Group(Vec::new()),
                        at,
                    });
                    continue;
                }
            }
        }
        if query[i..].starts_with('"') {
            if let Some(end) = closing_quote(i) {
                let text = query[i + 1..end].to_string();
                tokens.push(Token::Atom {
                    modifier,
                    atom: Atom::Phrase(text),
                    at,
                });
                i = end + 1;
                continue;
            }
            // An unpaired quote is punctuation.
            i += 1;
            continue;
        }
        // A bare token: up to whitespace, a grouping parenthesis or a
        // quote that opens a pair.
        let start = i;
        while i < bytes.len() {
            let c = query[i..].chars().next().unwrap_or(' ');
            if c.is_whitespace() || (structural_parens && (c == '(' || c == ')')) {
                break;
            }
            if c == '"' && closing_quote(i).is_some() {
                break;
            }
            i += c.len_utf8();
        }
        let word = &query[start..i];
        if word.is_empty() {
            // A quote right after the modifier that does not pair.
            i += 1;
            continue;
        }
        if modifier.is_none() {
            match word {
                "AND" | "&&" => {
                    tokens.push(Token::And);
                    continue;
                }
                "OR" | "||" => {
                    tokens.push(Token::Or);
                    continue;
                }
                "NOT" => {
                    tokens.push(Token::Not);
                    continue;
                }
                _ => {}
            }
        }
        if let Some(colon) = word.find(':') {
            let name = &word[..colon];
            let value = &word[colon + 1..];
            let alphabetic = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphabetic());
            if alphabetic && let Some(field) = field_name(name) {
                // `title:"disk full"`: the quoted value follows.
                if value.is_empty()
                    && query[i..].starts_with('"')
                    && let Some(end) = closing_quote(i)
                {
                    tokens.push(Token::Atom {
                        modifier,
                        atom: Atom::Field {
                            name: field,
                            value: query[i + 1..end].to_string(),
                            quoted: true,
                            prefix: false,
                        },
                        at,
                    });
                    i = end + 1;
                    continue;
                }
                if value.starts_with('[') || value.starts_with('{') {
                    return Err(QueryError {
                        position: start,
                        message:
                            "ranges are not supported in queries; filter dates with --since and --until"
                                .into(),
                    });
                }
                if value == "*" {
                    return Err(QueryError {
                        position: start,
                        message: format!(
                            "`{name}:*` is not supported; search for a value, or use a filter"
                        ),
                    });
                }
                if let Some(rest) = value.strip_prefix('-')
                    && !rest.is_empty()
                    && modifier.is_none()
                {
                    return Err(QueryError {
                        position: start,
                        message: format!(
                            "to exclude a value, put the minus before the field: -{name}:{rest}"
                        ),
                    });
                }
                if !value.is_empty() {
                    let prefix = value.len() > 1 && value.ends_with('*');
                    tokens.push(Token::Atom {
                        modifier,
                        atom: Atom::Field {
                            name: field,
                            value: value.trim_end_matches('*').to_string(),
                            quoted: false,
                            prefix,
                        },
                        at,
                    });
                    continue;
                }
            } else if alphabetic
                && !value.is_empty()
                && value.chars().next().is_some_and(char::is_alphabetic)
                && let Some(suggestion) = near_field(name)
            {
                return Err(QueryError {
                    position: start,
                    message: format!("unknown field `{name}:`; did you mean `{suggestion}:`?"),
                });
            }
        }
        let prefix = word.len() > 1
            && word.ends_with('*')
            && !word[..word.len() - 1].contains('*')
            && word[..word.len() - 1]
                .chars()
                .last()
                .is_some_and(char::is_alphanumeric);
        tokens.push(Token::Atom {
            modifier,
            atom: Atom::Word {
                text: if prefix {
                    word[..word.len() - 1].to_string()
                } else {
                    word.to_string()
                },
                prefix,
            },
            at,
        });
    }
    Ok(tokens)
}

/// Parses a query into its top-level clauses.
pub fn parse(query: &str) -> Result<Vec<Clause>, QueryError> {
    let tokens = tokenize(query)?;
    let mut pos = 0;
    let clauses = level(&tokens, &mut pos);
    Ok(clauses)
}

/// One level of clauses, up to a closing parenthesis or the end.
#[expect(
    clippy::too_many_lines,
    reason = "a recursive-descent parser level: one match over the token kinds"
)]
fn level(tokens: &[Token], pos: &mut usize) -> Vec<Clause> {
    // Items with their modifier and the connector before them.
    struct Item {
        modifier: Option<char>,
        atom: Atom,
        at: usize,
        and_before: bool,
        or_before: bool,
    }
    let mut items: Vec<Item> = Vec::new();
    let (mut pending_and, mut pending_or, mut pending_not) = (false, false, false);
    while *pos < tokens.len() {
        let token = tokens[*pos].clone();
        *pos += 1;
        let (modifier, atom, at) = match token {
            Token::Close(_) => break,
            Token::And => {
                pending_and = !items.is_empty();
                continue;
            }
            Token::Or => {
                pending_or = !items.is_empty();
                continue;
            }
            Token::Not => {
                pending_not = true;
                continue;
            }
            Token::Open(at) => {
                let inner = level(tokens, pos);
                (None, Atom::Group(inner), at)
            }
            Token::Atom {
                modifier,
                atom: Atom::Group(_),
                at,
            } => {
                // `-(`: the group follows as an Open token.
                let inner = match tokens.get(*pos) {
                    Some(Token::Open(_)) => {
                        *pos += 1;
                        level(tokens, pos)
                    }
                    _ => Vec::new(),
                };
                (modifier, Atom::Group(inner), at)
            }
            Token::Atom { modifier, atom, at } => (modifier, atom, at),
        };
        let modifier = if pending_not { Some('-') } else { modifier };
        if matches!(&atom, Atom::Group(g) if g.is_empty()) {
            pending_not = false;
            continue;
        }
        items.push(Item {
            modifier,
            atom,
            at,
            and_before: pending_and,
            or_before: pending_or && !pending_not,
        });
        pending_and = false;
        pending_or = false;
        pending_not = false;
    }
    // An item is required when written with `+` or joined by AND (either
    // side); excluded with `-` or NOT. Runs joined by OR become one group.
    let n = items.len();
    let mut required = vec![false; n];
    for i in 0..n {
        if items[i].and_before {
            required[i] = true;
            if i > 0 {
                required[i - 1] = true;
            }
        }
    }
    let mut out: Vec<Clause> = Vec::new();
    let mut i = 0;
    while i < n {
        // `-a OR b` excludes a only; `+a OR b` requires a only.
        let mut j = i + 1;
        while items[i].modifier.is_none()
            && j < n
            && items[j].or_before
            && items[j].modifier.is_none()
        {
            j += 1;
        }
        let clause_of = |k: usize| -> Clause {
            let item = &items[k];
            let occur = match item.modifier {
                Some('-') => Occur::MustNot,
                Some(_) => Occur::Must,
                None if required[k] => Occur::Must,
                None => default_occur(&item.atom),
            };
            Clause {
                occur,
                atom: item.atom.clone(),
                at: item.at,
            }
        };
        if j - i == 1 {
            out.push(clause_of(i));
        } else {
            let members: Vec<Clause> = (i..j)
                .map(|k| Clause {
                    occur: Occur::Should,
                    ..clause_of(k)
                })
                .collect();
            let any_required = (i..j).any(|k| required[k])
                || members
                    .iter()
                    .any(|c| default_occur(&c.atom) == Occur::Must);
            out.push(Clause {
                occur: if any_required {
                    Occur::Must
                } else {
                    Occur::Should
                },
                atom: Atom::Any(members),
                at: items[i].at,
            });
        }
        i = j;
    }
    out
}

/// Words rank; phrases and field values, which a person writes on purpose,
/// filter.
fn default_occur(atom: &Atom) -> Occur {
    match atom {
        Atom::Word { .. } => Occur::Should,
        Atom::Phrase(_) | Atom::Field { .. } => Occur::Must,
        Atom::Group(inner) | Atom::Any(inner) => {
            if inner.iter().any(|c| c.occur == Occur::Must) {
                Occur::Must
            } else {
                Occur::Should
            }
        }
    }
}

/// Lowercase words of a text (runs of letters and digits): how the synonym
/// table and the exact-title comparison see text.
pub fn plain_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether a query uses any operator (quotes, AND/OR/NOT, +/-, fields,
/// groups, prefixes): an exact-title match only applies to plain text.
pub fn is_plain(clauses: &[Clause]) -> bool {
    clauses
        .iter()
        .all(|c| c.occur == Occur::Should && matches!(c.atom, Atom::Word { prefix: false, .. }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(clauses: &[Clause]) -> Vec<(Occur, String)> {
        clauses
            .iter()
            .map(|c| {
                let text = match &c.atom {
                    Atom::Word { text, prefix } => {
                        format!("{text}{}", if *prefix { "*" } else { "" })
                    }
                    Atom::Phrase(p) => format!("\"{p}\""),
                    Atom::Field { name, value, .. } => format!("{name}:{value}"),
                    Atom::Group(g) => format!("({})", words(g).len()),
                    Atom::Any(g) => format!("any({})", words(g).len()),
                };
                (c.occur, text)
            })
            .collect()
    }

    use Occur::*;

    #[test]
    fn plain_words_rank() {
        assert_eq!(
            words(&parse("regex cpu").unwrap()),
            [(Should, "regex".into()), (Should, "cpu".into())]
        );
    }

    #[test]
    fn operators_keep_their_meaning() {
        let q = parse("+kubernetes -staging \"disk full\" title:oom a AND b").unwrap();
        assert_eq!(
            words(&q),
            [
                (Must, "kubernetes".into()),
                (MustNot, "staging".into()),
                (Must, "\"disk full\"".into()),
                (Must, "title:oom".into()),
                (Must, "a".into()),
                (Must, "b".into()),
            ]
        );
        let q = parse("ransomware OR extortion NOT backup").unwrap();
        assert_eq!(
            words(&q),
            [(Should, "any(2)".into()), (MustNot, "backup".into())]
        );
        // A modifier binds to its own word, not to the OR run.
        let q = parse("-staging OR prod").unwrap();
        assert_eq!(
            words(&q),
            [(MustNot, "staging".into()), (Should, "prod".into())]
        );
        let q = parse("+a1 OR b1").unwrap();
        assert_eq!(words(&q), [(Must, "a1".into()), (Should, "b1".into())]);
        // The group holds one clause: the two words joined by OR.
        let q = parse("(dns OR dnssec) registrar").unwrap();
        assert_eq!(
            words(&q),
            [(Should, "(1)".into()), (Should, "registrar".into())]
        );
        // Pasted command lines: one-letter flags are text.
        assert_eq!(
            words(&parse("kubectl get pods -n prod").unwrap())[3],
            (Should, "-n".into())
        );
    }

    #[test]
    fn pasted_text_is_text() {
        for text in [
            "Caught before impact: global database in metrics-frontend",
            "ERROR 2024-03-12T10:39:00Z connection refused (pool exhausted",
            "https://status.example.com/incidents/123",
            "C++ node.js 50% 10:39 /var/log/syslog",
            "\"unclosed phrase",
            "what happened?) really",
            "a - b + c -- ++",
            "status:500 term:x find:me",
            ":((((((((((((((((((((((((((((((((((((((((((((((((((((((",
        ] {
            let q = parse(text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
            assert!(!q.is_empty(), "{text}");
        }
        let q = parse("Caught before impact: global").unwrap();
        assert!(is_plain(&q), "{q:?}");
    }

    #[test]
    fn broken_structure_is_refused() {
        let e = parse("sytem:pgbouncer").unwrap_err();
        assert!(e.message.contains("did you mean `system:`"), "{e:?}");
        assert!(parse("title:[a TO c]").is_err());
        assert!(parse("kind:-outage").is_err());
    }

    #[test]
    fn prefixes_and_quoted_fields() {
        assert_eq!(
            words(&parse("certif* title:\"disk full\"").unwrap()),
            [(Should, "certif*".into()), (Must, "title:disk full".into())]
        );
    }
}
