//! Pull-request feedback as Markdown (a PR comment or a job summary) and
//! for a terminal. Lesson text is untrusted: in Markdown it is escaped so
//! that a title cannot add markup, links or `@mentions` to a comment.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};

use super::escape::terminal;
use super::{markdown_code, markdown_text};
use crate::causes::KeyCheck;
use crate::feedback::{
    FailedAction, Feedback, LessonFeedback, MARKER, Recurring, SimilarLesson, ordinal,
};

/// Text shortened to `max` characters, with an ellipsis.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

/// What a similar lesson shares with the lesson: causes, then systems.
fn shared(hit: &SimilarLesson, show: impl Fn(&str) -> String) -> String {
    let out: Vec<String> = hit
        .shared_causes
        .iter()
        .map(|k| format!("cause {}", show(k)))
        .chain(
            hit.shared_systems
                .iter()
                .map(|s| format!("system {}", show(s))),
        )
        .collect();
    if out.is_empty() {
        "similar text".to_string()
    } else {
        out.join(", ")
    }
}

use crate::text::plural;

fn verdict(l: &LessonFeedback) -> String {
    match (l.errors, l.warnings) {
        (0, 0) => "passes all rules".to_string(),
        (0, w) => format!("passes, with {}", plural(w, "warning", "warnings")),
        (e, 0) => format!("has {}", plural(e, "error", "errors")),
        (e, w) => format!(
            "has {} and {}",
            plural(e, "error", "errors"),
            plural(w, "warning", "warnings")
        ),
    }
}

/// `A, B and 3 more`: a list of ids, capped.
fn listing(names: &[String], total: usize, show: impl Fn(&str) -> String) -> String {
    let mut out = names.iter().map(|n| show(n)).collect::<Vec<_>>().join(", ");
    if total > names.len() {
        let _ = write!(out, " and {} more", total - names.len());
    }
    out
}

/// How far along the recurrence this lesson is, as a sentence (without
/// the final period) and the lists of the other lessons.
fn recurrence(r: &Recurring, key: &str, show: impl Fn(&str) -> String + Copy) -> (String, String) {
    let earlier_total = r.ordinal - 1;
    let later_total = r.total - r.ordinal;
    let headline = if earlier_total > 0 {
        format!("This is the {} lesson with cause {key}", ordinal(r.ordinal))
    } else {
        format!(
            "Cause {key} comes back in {} after this one",
            plural(later_total, "later lesson", "later lessons")
        )
    };
    let mut lists = Vec::new();
    if earlier_total > 0 {
        lists.push(format!(
            "Earlier: {}",
            listing(&r.earlier, earlier_total, show)
        ));
    }
    if later_total > 0 && earlier_total > 0 {
        lists.push(format!("Later: {}", listing(&r.later, later_total, show)));
    } else if later_total > 0 {
        lists.push(listing(&r.later, later_total, show));
    }
    (headline, lists.join(". "))
}

/// "The action "…" (LL-2022-019, done 2022-08-01) did not prevent it", or,
/// for a lesson above `comment_max_tlp`, the same without its text.
fn failed_action(a: &FailedAction, text: impl Fn(&str) -> String) -> String {
    match &a.action {
        Some(action) => format!(
            "The action \"{}\" ({}, done {}) did not prevent it",
            text(action),
            text(&a.lesson),
            a.completed
        ),
        None => format!(
            "An action of {} (TLP:{}, done {}) did not prevent it",
            text(&a.lesson),
            a.tlp,
            a.completed
        ),
    }
}

/// "2 AMBER lessons also match: LL-2023-014, LL-2024-002", one line per
/// level above `comment_max_tlp`.
fn withheld_lines(l: &LessonFeedback, text: impl Fn(&str) -> String) -> Vec<String> {
    l.similar_withheld
        .iter()
        .map(|w| {
            let ids: Vec<String> = w.lessons.iter().map(|id| text(id)).collect();
            let n = w.lessons.len();
            format!(
                "{n} {} {} also {}: {}",
                w.tlp,
                if n == 1 { "lesson" } else { "lessons" },
                if n == 1 { "matches" } else { "match" },
                ids.join(", ")
            )
        })
        .collect()
}

/// The Markdown comment.
pub fn markdown(feedback: &Feedback) -> String {
    let mut s = format!("{MARKER}\n### Lessons learned check\n\n");
    if feedback.lessons.is_empty() {
        s.push_str("No lesson files are added or changed");
        if let Some(base) = &feedback.base {
            let _ = write!(s, " since {}", markdown_code(base, false));
        }
        s.push_str(".\n");
        return s;
    }
    for (i, l) in feedback.lessons.iter().enumerate() {
        if i > 0 {
            s.push_str("\n---\n\n");
        }
        let name = match (&l.id, &l.title) {
            (Some(id), Some(title)) => {
                format!(" ({} {})", markdown_text(id), markdown_text(title))
            }
            (Some(id), None) => format!(" ({})", markdown_text(id)),
            _ => String::new(),
        };
        let mark = if l.errors > 0 { "❌" } else { "✅" };
        let _ = writeln!(
            s,
            "{mark} {}{name} {}.",
            markdown_code(&l.path, false),
            verdict(l)
        );
        if l.errors + l.warnings > 0 {
            s.push('\n');
            for f in &l.findings {
                let _ = writeln!(
                    s,
                    "- line {}:{} {} {}",
                    f.line,
                    f.column,
                    markdown_code(f.rule, false),
                    markdown_text(&f.message)
                );
            }
            let more = (l.errors + l.warnings).saturating_sub(l.findings.len());
            if more > 0 {
                let _ = writeln!(
                    s,
                    "- … and {more} more: run {}",
                    markdown_code(&format!("lessons check {}", l.path), false)
                );
            }
        }
        if !l.readable {
            s.push_str(
                "\nIt cannot be read as a lesson yet, so it is not compared with past lessons.\n",
            );
            continue;
        }
        for r in &l.recurring {
            let (headline, lists) = recurrence(r, &markdown_code(&r.cause, false), markdown_text);
            let _ = writeln!(s, "\n**{headline}.** {lists}.");
            for a in &r.ineffective_actions {
                let _ = writeln!(s, "{}.", failed_action(a, markdown_text));
            }
        }
        for k in &l.new_cause_keys {
            let _ = writeln!(
                s,
                "\n**New cause key {}**: {}",
                markdown_code(&k.key, false),
                key_check_sentence(k, |t| markdown_code(t, false), markdown_text)
            );
        }
        if l.similar.is_empty() && l.similar_withheld.is_empty() {
            s.push_str("\nNo similar past lesson found.\n");
        } else if !l.similar.is_empty() {
            s.push_str("\n| similar lesson | shared | occurred |\n|---|---|---|\n");
            for hit in &l.similar {
                let _ = writeln!(
                    s,
                    "| {} {} | {} | {} |",
                    markdown_text(&hit.hit.id),
                    markdown_text(&shorten(&hit.hit.title, 60)),
                    shared(hit, |t| markdown_code(t, true)),
                    hit.hit.occurred.as_deref().unwrap_or("")
                );
            }
        }
        if !l.similar_withheld.is_empty() {
            s.push('\n');
            for line in withheld_lines(l, markdown_text) {
                let _ = writeln!(s, "{line}  ");
            }
            let _ = writeln!(
                s,
                "<sub>Lessons above TLP:{} (`[sharing] comment_max_tlp`) are named by id only: everyone who can see this pull request reads this comment.</sub>",
                feedback.comment_max_tlp
            );
        }
    }
    s.push_str("\n<sub>`lessons similar --changed` · the lessons learned knowledge base</sub>\n");
    s
}

/// "did you mean `no-failover-runbook` (4 lessons: same words …)?" for a
/// key no other lesson uses.
fn key_check_sentence(
    k: &KeyCheck,
    code: impl Fn(&str) -> String,
    text: impl Fn(&str) -> String,
) -> String {
    let (by_text, by_name): (Vec<_>, Vec<_>) = k
        .suggest
        .iter()
        .partition(|s| s.why.starts_with("used by similar"));
    let describe = |s: &&crate::causes::Suggestion| {
        format!(
            "{} ({}: {})",
            code(&s.key),
            plural(s.lessons, "lesson", "lessons"),
            text(&s.why)
        )
    };
    let mut out = Vec::new();
    if !by_name.is_empty() {
        let options: Vec<String> = by_name.iter().take(3).map(describe).collect();
        out.push(format!("did you mean {}?", options.join(" or ")));
    }
    if !by_text.is_empty() {
        let options: Vec<String> = by_text.iter().map(describe).collect();
        out.push(format!(
            "{} {}.",
            if by_name.is_empty() {
                "no key has a similar name; the most similar lessons use"
            } else {
                "The most similar lessons use"
            },
            options.join(" and ")
        ));
    }
    if out.is_empty() {
        return "no existing key looks like it (if it names a cause seen before, reuse that key so that the recurrence report counts it)".to_string();
    }
    out.join(" ")
}

/// Lesson text for a terminal (see `escape::terminal`).
fn term(s: &str) -> String {
    terminal(s).into_owned()
}

/// Cause-key checks of `lessons similar`, for a terminal: the keys no other
/// lesson uses.
pub fn key_checks_human(checks: &[KeyCheck], color: bool) -> String {
    let bold = Style::new().bold();
    let mut s = String::new();
    for k in checks.iter().filter(|k| !k.known) {
        let head = format!("cause key `{}`, used by no other lesson:", term(&k.key));
        let head = if color {
            format!("{}{head}{}", bold.render(), bold.render_reset())
        } else {
            head
        };
        let _ = writeln!(
            s,
            "{head} {}",
            key_check_sentence(k, |t| format!("`{}`", term(t)), term)
        );
    }
    s
}

/// The same, for a terminal.
pub fn human(feedback: &Feedback, color: bool) -> String {
    let paint = |style: Style, text: &str| {
        if color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    };
    let bold = Style::new().bold();
    let red = Style::new().fg_color(Some(AnsiColor::Red.into())).bold();
    let green = Style::new().fg_color(Some(AnsiColor::Green.into()));
    let dim = Style::new().dimmed();
    let mut s = String::new();
    if feedback.lessons.is_empty() {
        s.push_str("no lesson files are added or changed");
        if let Some(base) = &feedback.base {
            let _ = write!(s, " since {}", term(base));
        }
        s.push('\n');
        return s;
    }
    for (i, l) in feedback.lessons.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        let _ = writeln!(
            s,
            "{}  {}",
            paint(bold, &term(&l.path)),
            term(
                &[l.id.as_deref(), l.title.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join("  ")
            )
        );
        let v = verdict(l);
        let _ = writeln!(
            s,
            "  {}",
            if l.errors > 0 {
                paint(
                    red,
                    &format!("✗ {v}: run `lessons check {}`", term(&l.path)),
                )
            } else {
                paint(green, &format!("✓ {v}"))
            }
        );
        for r in &l.recurring {
            let (headline, lists) = recurrence(r, &term(&r.cause), term);
            let _ = writeln!(s, "  {} ({lists})", paint(bold, &headline));
            for a in &r.ineffective_actions {
                let _ = writeln!(s, "    {}", failed_action(a, term));
            }
        }
        for k in &l.new_cause_keys {
            let _ = writeln!(
                s,
                "  {} {}",
                paint(bold, &format!("new cause key `{}`:", term(&k.key))),
                key_check_sentence(k, |t| format!("`{}`", term(t)), term)
            );
        }
        for line in withheld_lines(l, term) {
            let _ = writeln!(s, "  {line}");
        }
        if !l.similar.is_empty() {
            s.push_str("  similar:\n");
            for hit in &l.similar {
                let _ = writeln!(
                    s,
                    "    {:<12} {:<10}  {}  {}",
                    term(&hit.hit.id),
                    hit.hit.occurred.as_deref().unwrap_or(""),
                    shorten(&term(&hit.hit.title), 44),
                    paint(dim, &shared(hit, term))
                );
            }
        }
    }
    s
}

impl super::Emit for Feedback {
    fn emit(
        &self,
        format: super::Format,
        cx: &super::Context,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        match format {
            super::Format::Json => super::write_json(self, out),
            super::Format::Markdown => out.write_all(markdown(self).as_bytes()),
            super::Format::Human => out.write_all(human(self, cx.color).as_bytes()),
            f => Err(super::unsupported(f)),
        }
    }
}
