//! Human output in the style of rustc and ruff: the rule, the message, the
//! source line with a caret under the span, context labels and a hint.

use std::io::Write;

use annotate_snippets::{AnnotationKind, Group, Level as SnippetLevel, Origin, Renderer, Snippet};

use super::escape::{SpanMap, terminal, terminal_source};
use crate::check::{CheckReport, FileReport};
use crate::diagnostic::{Diagnostic, Level};

/// Writes every finding, then the summary line.
pub fn render(report: &CheckReport, color: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    // Rendering excerpts is most of the work (a large knowledge base has
    // tens of thousands of findings): files are rendered on every core, a
    // batch at a time so that output starts early, and written in order.
    use rayon::prelude::*;
    for batch in report.files.chunks(1024) {
        let rendered: Vec<Vec<u8>> = batch
            .par_chunks(32)
            .map(|files| {
                let mut buf = Vec::new();
                for file in files {
                    // Writing to memory cannot fail.
                    let _ = render_file(file, &renderer, &mut buf);
                }
                buf
            })
            .collect();
        for buf in rendered {
            out.write_all(&buf)?;
        }
    }
    writeln!(out, "{}", summary(report))
}

fn render_file(file: &FileReport, renderer: &Renderer, out: &mut dyn Write) -> std::io::Result<()> {
    write_diagnostics(
        &file.diagnostics,
        file.source.as_deref().unwrap_or_default(),
        renderer,
        out,
    )
}

/// Renders findings about one text (a lesson, or lessons.toml).
pub fn render_source(
    diagnostics: &[Diagnostic],
    source: &str,
    color: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    write_diagnostics(diagnostics, source, &renderer, out)
}

fn write_diagnostics(
    diagnostics: &[Diagnostic],
    source: &str,
    renderer: &Renderer,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let (source, map) = terminal_source(source);
    for d in diagnostics {
        let d = for_terminal(d, &map);
        let text = renderer.render(&report_for(&d, &source));
        writeln!(out, "{text}\n")?;
    }
    Ok(())
}

/// The finding with its text neutralised for a terminal (a path or a
/// quoted value may hold escape sequences; the renderer only neutralises
/// C0 controls in the message) and its spans moved to the neutralised
/// source.
fn for_terminal(d: &Diagnostic, map: &SpanMap) -> Diagnostic {
    let line = |s: &str| terminal(s).into_owned();
    let mut d = d.clone();
    d.path = line(&d.path);
    d.message = line(&d.message);
    d.span = map.span(&d.span);
    d.label = d.label.as_deref().map(line);
    for ctx in &mut d.context {
        ctx.message = line(&ctx.message);
        ctx.span = map.span(&ctx.span);
    }
    d.help = d.help.as_deref().map(line);
    if let Some(related) = &mut d.related {
        related.path = line(&related.path);
        related.message = line(&related.message);
    }
    d
}

fn report_for<'a>(d: &'a Diagnostic, source: &'a str) -> Vec<Group<'a>> {
    let level = match d.level {
        Level::Error => SnippetLevel::ERROR,
        Level::Warning => SnippetLevel::WARNING,
    };
    let title = level.primary_title(d.message.as_str()).id(d.rule.name());
    let in_source = d.span.end <= source.len()
        && source.is_char_boundary(d.span.start)
        && source.is_char_boundary(d.span.end)
        && !source.is_empty();
    let mut group = if in_source {
        let mut primary = AnnotationKind::Primary.span(d.span.clone());
        if let Some(label) = &d.label {
            primary = primary.label(label.as_str());
        }
        let mut snippet = Snippet::source(source)
            .path(d.path.as_str())
            .annotation(primary);
        for ctx in &d.context {
            if ctx.span.end <= source.len() {
                snippet = snippet.annotation(
                    AnnotationKind::Context
                        .span(ctx.span.clone())
                        .label(ctx.message.as_str()),
                );
            }
        }
        title.element(snippet)
    } else {
        title.element(
            Origin::path(d.path.as_str())
                .line(d.start.line)
                .char_column(d.start.column),
        )
    };
    if let Some(related) = &d.related {
        group = group.element(SnippetLevel::NOTE.message(format!(
            "{}: {}:{}:{}",
            related.message, related.path, related.position.line, related.position.column
        )));
    }
    if let Some(help) = &d.help {
        group = group.element(SnippetLevel::HELP.message(help.as_str()));
    }
    vec![group]
}

/// "checked 214 lessons: 2 errors in 1 file, 1 warning", and how many
/// findings were accepted after review.
pub fn summary(report: &CheckReport) -> String {
    let mut line = verdict(report);
    if report.allowed > 0 {
        line.push_str(&format!(
            " ({} accepted by lessons:allow or .lessons-allow)",
            plural(report.allowed, "finding", "findings")
        ));
    }
    line
}

fn verdict(report: &CheckReport) -> String {
    let lessons = match &report.history {
        Some(h) => format!(
            "{} of lesson files in {} from {}{}",
            plural(h.versions, "version", "versions"),
            plural(h.commits, "commit", "commits"),
            &h.tip[..h.tip.len().min(12)],
            if h.shallow {
                " (a shallow clone: older history was not searched)"
            } else {
                ""
            }
        ),
        None => plural(report.files_checked, "lesson", "lessons"),
    };
    if report.errors == 0 && report.warnings == 0 {
        return format!("checked {lessons}: no problems found");
    }
    let mut parts = Vec::new();
    if report.errors > 0 {
        let files = report.files_with_errors();
        parts.push(format!(
            "{} in {}",
            plural(report.errors, "error", "errors"),
            plural(files, "file", "files")
        ));
    }
    if report.warnings > 0 {
        parts.push(plural(report.warnings, "warning", "warnings"));
    }
    format!("checked {lessons}: {}", parts.join(", "))
}

use crate::text::plural;
