//! The TOML front matter into the lesson model: syntax, unknown keys and
//! value types. Required keys, vocabularies and cross-field rules are
//! checked later, in `rules`, on the model this fills.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::value::Reader;
use crate::diagnostic::{Diagnostic, LineIndex, Rule};
use crate::lesson::{Action, Cause, Lesson, Sp};

pub const LESSON_KEYS: &[&str] = &[
    "id",
    "title",
    "status",
    "kind",
    "severity",
    "tlp",
    "occurred",
    "detected",
    "contained",
    "recovered",
    "reviewed",
    "systems",
    "teams",
    "tags",
    "functions",
    "participants",
    "related",
    "causes",
    "actions",
    "extra",
];
pub const CAUSE_KEYS: &[&str] = &["category", "key", "summary"];
pub const ACTION_KEYS: &[&str] = &[
    "summary",
    "type",
    "owner",
    "due",
    "status",
    "completed",
    "addresses",
    "link",
    "verified",
    "effective",
];

/// Fills `lesson` from the front matter at byte `base` of the file.
pub fn read(toml: &str, base: usize, lines: &LineIndex, lesson: &mut Lesson) -> Vec<Diagnostic> {
    let mut reader = Reader::new(base, lines);
    // Most front matters are in the subset the plain reader knows, at a
    // fraction of the cost; the TOML parser reads the others.
    let table = match super::plain_toml::parse(toml) {
        Some(table) => table,
        None => {
            let (table, errors) = DeTable::parse_recoverable(toml);
            if !errors.is_empty() {
                syntax_errors(&mut reader, toml, &errors);
                return reader.diagnostics;
            }
            table.into_inner()
        }
    };
    // The parser reads numbers lazily: `0x` or an out-of-range integer
    // under a key nobody reads would pass. A front matter that is not
    // TOML is `toml-syntax`, whatever key holds the value.
    let mut strict = Vec::new();
    super::strict::check(toml, &table, &mut strict);
    if !strict.is_empty() {
        for (span, message) in strict {
            let d = reader.report(Rule::TomlSyntax, span, format!("invalid TOML: {message}"));
            d.label = Some(message);
            d.help = Some(Rule::TomlSyntax.help().into());
        }
        return reader.diagnostics;
    }
    lesson.front_matter_parsed = true;
    for (key, value) in reader.known_entries(&table, LESSON_KEYS, "the front matter") {
        let what = key;
        let before = reader.diagnostics.len();
        match key {
            "id" => lesson.id = reader.string(what, value),
            "title" => lesson.title = reader.string(what, value),
            "status" => lesson.status = reader.string(what, value),
            "kind" => lesson.kind = reader.string(what, value),
            "severity" => lesson.severity = reader.string(what, value),
            "tlp" => lesson.tlp = reader.string(what, value),
            "occurred" => lesson.occurred = reader.moment(what, value),
            "detected" => lesson.detected = reader.moment(what, value),
            "contained" => lesson.contained = reader.moment(what, value),
            "recovered" => lesson.recovered = reader.moment(what, value),
            "reviewed" => lesson.reviewed = reader.moment(what, value),
            "systems" => lesson.systems = reader.strings(what, value),
            "teams" => lesson.teams = reader.strings(what, value),
            "tags" => lesson.tags = reader.strings(what, value),
            "functions" => lesson.functions = reader.strings(what, value),
            "participants" => lesson.participants = reader.strings(what, value),
            "related" => lesson.related = reader.strings(what, value),
            "causes" => {
                lesson.causes = tables(&mut reader, "causes", value).map(|t| {
                    Sp::new(
                        t.value
                            .into_iter()
                            .map(|(span, t)| cause(&mut reader, span, t))
                            .collect(),
                        t.span,
                    )
                })
            }
            "actions" => {
                lesson.actions = tables(&mut reader, "actions", value).map(|t| {
                    Sp::new(
                        t.value
                            .into_iter()
                            .map(|(span, t)| action(&mut reader, span, t))
                            .collect(),
                        t.span,
                    )
                })
            }
            "extra" => {
                if !matches!(value.get_ref(), DeValue::Table(_)) {
                    reader
                        .report(Rule::WrongType, value.span(), "`extra` must be a table")
                        .help = Some("write free-form data as `[extra]` followed by keys".into());
                }
            }
            _ => unreachable!("known_entries only returns LESSON_KEYS"),
        }
        if reader.diagnostics.len() > before {
            lesson.ill_typed.push(key.to_string());
        }
    }
    reader.diagnostics
}

/// `toml-syntax` findings for a front matter that does not parse.
fn syntax_errors(reader: &mut Reader, toml: &str, errors: &[toml::de::Error]) {
    // Half-converted YAML makes an error of every line: one finding
    // that names the cause says more than the wall.
    let first_error = errors
        .iter()
        .filter_map(|e| e.span())
        .map(|s| s.start)
        .min();
    if let Some(yaml) = yaml_line(toml, first_error) {
        let d = reader.report(
            Rule::TomlSyntax,
            yaml.line.clone(),
            format!(
                "invalid TOML: this looks like YAML: write `{} = {}`",
                yaml.key,
                as_toml_value(yaml.value)
            ),
        );
        d.label = Some("YAML `key: value`".into());
        d.help = Some(format!(
            "the front matter is TOML: `key = value`, strings in double quotes, lists in brackets (`systems = [\"a\", \"b\"]`){}",
            match yaml.count {
                1 => String::new(),
                n => format!("; {n} lines are written the YAML way"),
            }
        ));
        return;
    }
    for e in errors {
        let span = e.span().unwrap_or(0..0);
        let message = e.message().trim_end().to_string();
        let d = reader.report(Rule::TomlSyntax, span, format!("invalid TOML: {message}"));
        d.label = Some(message.clone());
        d.help = Some(Rule::TomlSyntax.help().into());
    }
}

/// A front matter line written the YAML way.
struct YamlLine<'t> {
    /// TOML-relative span of the first such line.
    line: std::ops::Range<usize>,
    key: &'t str,
    /// What follows the colon, trimmed.
    value: &'t str,
    /// How many lines look like YAML.
    count: usize,
}

/// The first line of `toml` that reads as YAML `key: value` (or `key:`
/// opening a block), and how many do; `None` when none does, or when the
/// first TOML error (at byte `first_error`) is on another line: a line of
/// a multi-line string may look like YAML, and must not hide the real
/// mistake.
fn yaml_line(toml: &str, first_error: Option<usize>) -> Option<YamlLine<'_>> {
    let mut error_on_yaml = false;
    let mut first = None;
    let mut count = 0;
    let mut offset = 0;
    for raw in toml.split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        let indent = line.len() - line.trim_start().len();
        let rest = &line[indent..];
        let key_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(rest.len());
        let after = &rest[key_len..];
        if key_len > 0
            && let Some(value) = after.strip_prefix(':')
            && (value.is_empty() || value.starts_with([' ', '\t']))
        {
            count += 1;
            first.get_or_insert((offset..offset + line.len(), &rest[..key_len], value.trim()));
            error_on_yaml |=
                first_error.is_some_and(|e| (offset..=offset + line.len()).contains(&e));
        }
        offset += raw.len();
    }
    first
        .filter(|_| error_on_yaml)
        .map(|(line, key, value)| YamlLine {
            line,
            key,
            value,
            count,
        })
}

/// A YAML scalar as TOML would write it: numbers, booleans, dates, quoted
/// strings and lists as they are, a bare word in double quotes.
fn as_toml_value(value: &str) -> String {
    if value.is_empty() {
        return "...".into();
    }
    let toml_already = matches!(value, "true" | "false")
        || value.starts_with(['"', '\'', '['])
        || value.parse::<f64>().is_ok()
        || crate::parse::parse_timeline_stamp(value)
            .is_some_and(|r| r.is_ok_and(|(_, len)| len == value.len()));
    if toml_already {
        value.to_string()
    } else {
        format!("{value:?}")
    }
}

type Tables<'i> = Sp<Vec<(std::ops::Range<usize>, &'i DeTable<'i>)>>;

/// `[[causes]]` / `[[actions]]`: an array of tables (or inline tables).
fn tables<'i>(
    reader: &mut Reader,
    key: &str,
    value: &'i Spanned<DeValue<'i>>,
) -> Option<Tables<'i>> {
    let DeValue::Array(items) = value.get_ref() else {
        let d = reader.report(
            Rule::WrongType,
            value.span(),
            format!("`{key}` must be an array of tables"),
        );
        d.label = Some("expected an array of tables".into());
        d.help = Some(format!("write each entry as a `[[{key}]]` table"));
        return None;
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items.iter() {
        match item.get_ref() {
            DeValue::Table(t) => out.push((reader.span(item.span()), t)),
            _ => {
                reader
                    .report(
                        Rule::WrongType,
                        item.span(),
                        format!("each entry of `{key}` must be a table"),
                    )
                    .help = Some(format!("write each entry as a `[[{key}]]` table"));
            }
        }
    }
    Some(Sp::new(out, reader.span(value.span())))
}

fn cause(reader: &mut Reader, span: std::ops::Range<usize>, table: &DeTable) -> Cause {
    let mut cause = Cause {
        span,
        ..Cause::default()
    };
    reader.prefix = "cause ";
    for (key, value) in reader.known_entries(table, CAUSE_KEYS, "a cause") {
        let what = key;
        let before = reader.diagnostics.len();
        match key {
            "category" => cause.category = reader.string(what, value),
            "key" => cause.key = reader.string(what, value),
            "summary" => cause.summary = reader.string(what, value),
            _ => unreachable!("known_entries only returns CAUSE_KEYS"),
        }
        if reader.diagnostics.len() > before {
            cause.ill_typed.push(key.to_string());
        }
    }
    reader.prefix = "";
    cause
}

fn action(reader: &mut Reader, span: std::ops::Range<usize>, table: &DeTable) -> Action {
    let mut action = Action {
        span,
        ..Action::default()
    };
    reader.prefix = "action ";
    for (key, value) in reader.known_entries(table, ACTION_KEYS, "an action") {
        let what = key;
        let before = reader.diagnostics.len();
        match key {
            "summary" => action.summary = reader.string(what, value),
            "type" => action.kind = reader.string(what, value),
            "owner" => action.owner = reader.string(what, value),
            "due" => action.due = reader.moment(what, value),
            "status" => action.status = reader.string(what, value),
            "completed" => action.completed = reader.moment(what, value),
            "verified" => action.verified = reader.moment(what, value),
            "effective" => action.effective = reader.boolean(what, value),
            "addresses" => action.addresses = reader.strings(what, value),
            "link" => action.link = reader.string(what, value),
            _ => unreachable!("known_entries only returns ACTION_KEYS"),
        }
        if reader.diagnostics.len() > before {
            action.ill_typed.push(key.to_string());
        }
    }
    reader.prefix = "";
    action
}
