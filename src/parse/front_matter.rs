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
];

/// Fills `lesson` from the front matter at byte `base` of the file.
pub fn read(toml: &str, base: usize, lines: &LineIndex, lesson: &mut Lesson) -> Vec<Diagnostic> {
    let mut reader = Reader::new(base, lines);
    let (table, errors) = DeTable::parse_recoverable(toml);
    if !errors.is_empty() {
        for e in errors {
            let span = e.span().unwrap_or(0..0);
            let message = e.message().trim_end().to_string();
            let d = reader.report(Rule::TomlSyntax, span, format!("invalid TOML: {message}"));
            d.label = Some(message.clone());
            d.help = Some(Rule::TomlSyntax.help().into());
        }
        return reader.diagnostics;
    }
    lesson.front_matter_parsed = true;
    for (key, value) in reader.known_entries(table.get_ref(), LESSON_KEYS, "the front matter") {
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
