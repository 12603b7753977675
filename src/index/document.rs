//! A lesson as a search document.

use tantivy::TantivyDocument;
use tantivy::schema::Field;

use super::manifest::GitMeta;
use super::schema::Fields;
use crate::lesson::{Lesson, Moment, Sp, Strings};
use crate::tlp::Tlp;

fn date(m: &Moment) -> tantivy::DateTime {
    tantivy::DateTime::from_timestamp_secs(m.utc.as_second())
}

fn add_strings(doc: &mut TantivyDocument, field: Field, list: Option<&Strings>) {
    for s in list.into_iter().flat_map(|l| &l.value) {
        doc.add_text(field, &s.value);
    }
}

fn add(doc: &mut TantivyDocument, field: Field, value: Option<&Sp<String>>) {
    if let Some(v) = value {
        doc.add_text(field, &v.value);
    }
}

/// The document for the lesson at `path`. A lesson that failed to parse
/// (or parsed only in part) is indexed with what there is: a broken lesson
/// is still worth finding. `default_tlp` is the level of a lesson that
/// writes none; a file with no lesson model is `RED` (its level is unknown).
pub fn build(
    fields: &Fields,
    path: &str,
    text: &str,
    lesson: Option<&Lesson>,
    git: &GitMeta,
    default_tlp: Tlp,
) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.path, path);
    let tlp = lesson.map_or(Tlp::Red, |l| l.tlp(default_tlp));
    doc.add_text(fields.tlp, tlp.name());
    if let Some(by) = &git.added_by {
        doc.add_text(fields.added_by, by);
    }
    if let Some(t) = git.added_at {
        doc.add_date(fields.added_at, tantivy::DateTime::from_timestamp_secs(t));
    }
    if let Some(t) = git.changed_at {
        doc.add_date(fields.changed_at, tantivy::DateTime::from_timestamp_secs(t));
    }
    let Some(lesson) = lesson else {
        // Not even a lesson model (encoding problems): index the text.
        doc.add_text(fields.body, plain(text));
        return doc;
    };
    add(&mut doc, fields.id, lesson.id.as_ref());
    add(&mut doc, fields.title, lesson.title.as_ref());
    add(&mut doc, fields.kind, lesson.kind.as_ref());
    add(&mut doc, fields.severity, lesson.severity.as_ref());
    add(&mut doc, fields.status, lesson.status.as_ref());
    add_strings(&mut doc, fields.systems, lesson.systems.as_ref());
    add_strings(&mut doc, fields.teams, lesson.teams.as_ref());
    add_strings(&mut doc, fields.tags, lesson.tags.as_ref());
    add_strings(&mut doc, fields.functions, lesson.functions.as_ref());
    if let Some(m) = &lesson.occurred {
        doc.add_date(fields.occurred, date(&m.value));
    }
    for cause in lesson.causes() {
        add(&mut doc, fields.cause_key, cause.key.as_ref());
        add(&mut doc, fields.category, cause.category.as_ref());
        add(&mut doc, fields.causes, cause.summary.as_ref());
        add(&mut doc, fields.labels, cause.key.as_ref());
        add(&mut doc, fields.category_words, cause.category.as_ref());
    }
    for list in [&lesson.systems, &lesson.tags, &lesson.teams] {
        add_strings(&mut doc, fields.labels, list.as_ref());
    }
    for action in lesson.actions() {
        add(&mut doc, fields.actions, action.summary.as_ref());
    }
    let body = plain(text.get(lesson.body.span.clone()).unwrap_or(""));
    doc.add_text(fields.body, body);
    for section in &lesson.body.sections {
        if section.title.eq_ignore_ascii_case("summary") {
            doc.add_text(
                fields.summary,
                crate::parse::without_comments(text.get(section.content.clone()).unwrap_or("")),
            );
        }
    }
    doc
}

/// Markdown as the text a reader sees, line by line: list and quote markers
/// and emphasis removed, and headings left out ("Summary", "Timeline" are
/// in every lesson and made snippets read badly), so snippets read as
/// prose. Cheap rather than exact: it only feeds search and snippets.
pub fn plain(markdown: &str) -> String {
    let markdown = crate::parse::without_comments(markdown);
    let mut out = String::with_capacity(markdown.len());
    for line in markdown.lines() {
        let mut l = line.trim_start();
        l = l.trim_start_matches('>').trim_start();
        if l.starts_with('#') {
            // A section name every lesson has says nothing; a heading of
            // the author's own ("Why the replica never promoted") is text.
            let heading = l
                .trim_start_matches('#')
                .trim()
                .trim_end_matches('#')
                .trim();
            if !is_generic_heading(heading) {
                out.push_str(heading);
                out.push('.');
            }
            out.push('\n');
            continue;
        } else if let Some(rest) = l
            .strip_prefix("- ")
            .or_else(|| l.strip_prefix("* "))
            .or_else(|| l.strip_prefix("+ "))
        {
            l = rest;
        } else if let Some(dot) = l.find(['.', ')'])
            && dot > 0
            && dot <= 3
            && l[..dot].bytes().all(|b| b.is_ascii_digit())
            && l[dot + 1..].starts_with(' ')
        {
            l = l[dot + 1..].trim_start();
        }
        if l.chars()
            .all(|c| matches!(c, '-' | '=' | '*' | '_' | '`' | '~' | ' '))
        {
            // Rules, setext underlines and code fences carry no words.
            out.push('\n');
            continue;
        }
        for c in l.chars() {
            if !matches!(c, '*' | '`') {
                out.push(c);
            }
        }
        out.push('\n');
    }
    out
}

/// Section names of the usual lesson layout, left out of the indexed text.
fn is_generic_heading(heading: &str) -> bool {
    const GENERIC: &[&str] = &[
        "summary",
        "timeline",
        "analysis",
        "impact",
        "root cause",
        "root causes",
        "causes",
        "contributing factors",
        "lessons",
        "lessons learned",
        "actions",
        "action items",
        "follow-up",
        "follow-ups",
        "follow up",
        "background",
        "detection",
        "response",
        "resolution",
        "recovery",
        "what went well",
        "what went wrong",
        "where we got lucky",
        "next steps",
        "appendix",
        "references",
    ];
    GENERIC.iter().any(|g| g.eq_ignore_ascii_case(heading))
}

#[cfg(test)]
mod tests {
    #[test]
    fn plain_text() {
        assert_eq!(
            super::plain(
                "## Summary\n\n- **2024-03-12** `db` down\n1. one\n> quoted\n---\n### Why the replica lagged\n"
            ),
            "\n\n2024-03-12 db down\none\nquoted\n\nWhy the replica lagged.\n"
        );
    }
}
