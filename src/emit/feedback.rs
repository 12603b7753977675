//! Pull-request feedback as Markdown (a PR comment or a job summary) and
//! for a terminal. Lesson text is escaped: a title must not inject markup
//! into a comment.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};

use super::markdown_cell;
use crate::feedback::{Feedback, LessonFeedback, Recurring, SimilarLesson, ordinal};

/// Text shortened to `max` characters, with an ellipsis.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

/// Inline code in Markdown that no backtick in `s` can close early.
fn code(s: &str) -> String {
    let s = s.replace(['\r', '\n'], " ");
    let fence = if s.contains('`') { "`` " } else { "`" };
    let close = if s.contains('`') { " ``" } else { "`" };
    format!("{fence}{s}{close}")
}

/// What a similar lesson shares with the lesson: causes, then systems.
fn shared(hit: &SimilarLesson, code: impl Fn(&str) -> String) -> String {
    let out: Vec<String> = hit
        .shared_causes
        .iter()
        .map(|k| format!("cause {}", code(k)))
        .chain(
            hit.shared_systems
                .iter()
                .map(|s| format!("system {}", code(s))),
        )
        .collect();
    if out.is_empty() {
        "similar text".to_string()
    } else {
        out.join(", ")
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

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

fn recurring_sentence(r: &Recurring) -> String {
    format!(
        "This is the {} lesson with cause {}",
        ordinal(r.ordinal),
        code(&r.cause)
    )
}

/// The Markdown comment.
pub fn markdown(feedback: &Feedback) -> String {
    let mut s = String::from("### Lessons learned check\n\n");
    if feedback.lessons.is_empty() {
        s.push_str("No lesson files are added or changed");
        if let Some(base) = &feedback.base {
            let _ = write!(s, " since {}", code(base));
        }
        s.push_str(".\n");
        return s;
    }
    for (i, l) in feedback.lessons.iter().enumerate() {
        if i > 0 {
            s.push_str("\n---\n\n");
        }
        let name = match (&l.id, &l.title) {
            (Some(id), Some(title)) => format!(" ({} {})", markdown_cell(id), markdown_cell(title)),
            (Some(id), None) => format!(" ({})", markdown_cell(id)),
            _ => String::new(),
        };
        let mark = if l.errors > 0 { "❌" } else { "✅" };
        let _ = writeln!(s, "{mark} {}{name} {}.", code(&l.path), verdict(l));
        if l.errors + l.warnings > 0 {
            s.push('\n');
            for f in &l.findings {
                let _ = writeln!(
                    s,
                    "- line {}:{} {} {}",
                    f.line,
                    f.column,
                    code(f.rule),
                    markdown_cell(&f.message)
                );
            }
            let more = (l.errors + l.warnings).saturating_sub(l.findings.len());
            if more > 0 {
                let _ = writeln!(s, "- … and {more} more: run `lessons check {}`", l.path);
            }
        }
        if !l.readable {
            s.push_str(
                "\nIt cannot be read as a lesson yet, so it is not compared with past lessons.\n",
            );
            continue;
        }
        for r in &l.recurring {
            let _ = writeln!(s, "\n**{}.**", recurring_sentence(r));
            let earlier = r
                .others
                .iter()
                .map(|o| markdown_cell(o))
                .collect::<Vec<_>>()
                .join(", ");
            let more = (r.ordinal - 1).saturating_sub(r.others.len());
            let _ = write!(s, "Also in {earlier}");
            if more > 0 {
                let _ = write!(s, " and {more} more");
            }
            s.push_str(".\n");
            for a in &r.ineffective_actions {
                let _ = writeln!(
                    s,
                    "The action \"{}\" ({}, done {}) did not prevent it.",
                    markdown_cell(&a.action),
                    markdown_cell(&a.lesson),
                    a.completed
                );
            }
        }
        if l.similar.is_empty() {
            s.push_str("\nNo similar past lesson found.\n");
        } else {
            s.push_str("\n| similar lesson | shared | occurred |\n|---|---|---|\n");
            for hit in &l.similar {
                let _ = writeln!(
                    s,
                    "| {} {} | {} | {} |",
                    markdown_cell(&hit.id),
                    markdown_cell(&shorten(&hit.title, 60)),
                    shared(hit, code),
                    hit.occurred.as_deref().unwrap_or("")
                );
            }
        }
    }
    s.push_str("\n<sub>`lessons similar --changed` · the lessons learned knowledge base</sub>\n");
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
            let _ = write!(s, " since {base}");
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
            paint(bold, &l.path),
            [l.id.as_deref(), l.title.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("  ")
        );
        let v = verdict(l);
        let _ = writeln!(
            s,
            "  {}",
            if l.errors > 0 {
                paint(red, &format!("✗ {v}: run `lessons check {}`", l.path))
            } else {
                paint(green, &format!("✓ {v}"))
            }
        );
        for r in &l.recurring {
            let _ = writeln!(
                s,
                "  {} lesson with cause {} (also in {}{})",
                paint(bold, &ordinal(r.ordinal)),
                r.cause,
                r.others.join(", "),
                match (r.ordinal - 1).saturating_sub(r.others.len()) {
                    0 => String::new(),
                    n => format!(" and {n} more"),
                }
            );
            for a in &r.ineffective_actions {
                let _ = writeln!(
                    s,
                    "    the action \"{}\" ({}, done {}) did not prevent it",
                    a.action, a.lesson, a.completed
                );
            }
        }
        if !l.similar.is_empty() {
            s.push_str("  similar:\n");
            for hit in &l.similar {
                let _ = writeln!(
                    s,
                    "    {:<12} {:<10}  {}  {}",
                    hit.id,
                    hit.occurred.as_deref().unwrap_or(""),
                    shorten(&hit.title, 44),
                    paint(dim, &shared(hit, str::to_string))
                );
            }
        }
    }
    s
}
