//! Human output of search and similar results.

use std::io::Write;

use anstyle::{AnsiColor, Style};

use super::escape::terminal;
use crate::search::{Hit, Results};

const INDENT: usize = 2;

/// Wraps `text` to `width` columns, each line indented by `indent`.
fn wrap(text: &str, indent: usize, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut visible = 0;
    for word in text.split_whitespace() {
        let len = strip_markers(word).chars().count();
        if visible > 0 && indent + visible + 1 + len > width {
            lines.push(std::mem::take(&mut line));
            visible = 0;
        }
        if visible > 0 {
            line.push(' ');
            visible += 1;
        }
        line.push_str(word);
        visible += len;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Width of a marked-up word as shown (ANSI sequences take no columns).
fn strip_markers(s: &str) -> String {
    let mut out = String::new();
    let mut in_escape = false;
    for c in s.chars() {
        match (in_escape, c) {
            (false, '\x1b') => in_escape = true,
            (true, 'm') => in_escape = false,
            (true, _) => {}
            (false, c) => out.push(c),
        }
    }
    out
}

/// The snippet with its matches marked: bold in a terminal, `[brackets]`
/// otherwise.
pub fn highlight(hit: &Hit, color: bool) -> String {
    let style = Style::new().bold().fg_color(Some(AnsiColor::Yellow.into()));
    // Lesson text: one line, neutralised piece by piece, so that only the
    // highlighting's own sequences reach the terminal.
    let piece = |s: &str| terminal(&s.replace(['\n', '\r'], " ")).into_owned();
    let mut out = String::new();
    let mut at = 0;
    for [start, end] in &hit.highlights {
        let (start, end) = (*start, *end);
        if start < at
            || end > hit.snippet.len()
            || !hit.snippet.is_char_boundary(start)
            || !hit.snippet.is_char_boundary(end)
        {
            continue;
        }
        out.push_str(&piece(&hit.snippet[at..start]));
        let matched = piece(&hit.snippet[start..end]);
        if color {
            out.push_str(&format!("{style}{matched}{style:#}"));
        } else {
            out.push('[');
            out.push_str(&matched);
            out.push(']');
        }
        at = end;
    }
    out.push_str(&piece(&hit.snippet[at.min(hit.snippet.len())..]));
    out
}

#[expect(
    clippy::too_many_lines,
    reason = "one output read top to bottom: header, hits, footer"
)]
pub fn render(
    results: &Results,
    elapsed_ms: u128,
    color: bool,
    what: &str,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let dim = Style::new().dimmed();
    let bold = Style::new().bold();
    let (dim_on, dim_off) = if color {
        (format!("{dim}"), format!("{dim:#}"))
    } else {
        (String::new(), String::new())
    };
    let (b_on, b_off) = if color {
        (format!("{bold}"), format!("{bold:#}"))
    } else {
        (String::new(), String::new())
    };
    if let Some(searched) = &results.searched {
        let missing: Vec<String> = results
            .corrections
            .iter()
            .map(|c| format!("\"{}\"", terminal(&c.from)))
            .collect();
        writeln!(
            out,
            "no lesson contains {}; showing results for {b_on}{}{b_off}\n",
            missing.join(" or "),
            terminal(searched)
        )?;
    }
    if let Some(i) = &results.interpretation {
        let words: Vec<String> = i
            .words
            .iter()
            .map(|w| {
                let mut s = w.word.clone();
                if w.required {
                    s.insert(0, '+');
                }
                let others: Vec<&str> = w
                    .forms
                    .iter()
                    .map(String::as_str)
                    .filter(|f| *f != w.word)
                    .collect();
                if !others.is_empty() {
                    s.push_str(&format!(" (also {})", others.join(", ")));
                }
                s
            })
            .collect();
        writeln!(
            out,
            "{dim_on}searched for: {}{}{dim_off}\n",
            if words.is_empty() {
                "(filters only)".to_string()
            } else {
                terminal(&words.join("; ")).into_owned()
            },
            if i.ignored.is_empty() {
                String::new()
            } else {
                format!(" · ignored: {}", terminal(&i.ignored.join(", ")))
            }
        )?;
    }
    let width = results
        .hits
        .iter()
        .map(|h| label(h).chars().count())
        .max()
        .unwrap_or(0);
    for hit in &results.hits {
        let label = label(hit);
        let pad = " ".repeat(width - label.chars().count() + INDENT);
        writeln!(
            out,
            "{b_on}{label}{b_off}{pad}{}",
            terminal(&one_line(&hit.title))
        )?;
        let indent = " ".repeat(width + INDENT);
        let mut meta = Vec::new();
        if let Some(o) = &hit.occurred {
            meta.push(o.clone());
        }
        for v in [&hit.severity, &hit.kind, &hit.status] {
            if !v.is_empty() {
                meta.push(v.clone());
            }
        }
        meta.push(format!("TLP:{}", hit.tlp));
        meta.push(hit.path.clone());
        writeln!(
            out,
            "{indent}{dim_on}{}{dim_off}",
            terminal(&meta.join(" · "))
        )?;
        let snippet = highlight(hit, color);
        if !snippet.trim().is_empty() {
            // Search snippets are excerpts; `similar` says what is shared.
            let text = if hit.highlights.is_empty() && snippet.starts_with("shared: ")
                || snippet == "similar text"
            {
                snippet.trim().to_string()
            } else {
                format!("…{}…", snippet.trim())
            };
            for line in wrap(&text, indent.len(), 80) {
                writeln!(out, "{indent}{line}")?;
            }
        }
        if let Some(e) = &hit.explain {
            for line in explain_lines(e) {
                writeln!(out, "{indent}{dim_on}{}{dim_off}", terminal(&line))?;
            }
        }
        writeln!(out)?;
    }
    let shown = results.hits.len();
    if shown == 0 && results.total_hits > 0 {
        writeln!(
            out,
            "{} {what} match (--limit 0 shows none)",
            results.total_hits
        )?;
    } else if shown == 0 {
        writeln!(out, "no {what} match \"{}\"", terminal(&results.query))?;
    } else if what.starts_with("similar") {
        // Every lesson shares some word: a total says nothing here.
        writeln!(out, "{shown} {what} · {elapsed_ms} ms")?;
    } else {
        writeln!(
            out,
            "{shown} of {} {what} · {elapsed_ms} ms",
            results.total_hits
        )?;
    }
    Ok(())
}

/// `--explain`: matched words per field, then the score's parts.
fn explain_lines(e: &crate::search::Explain) -> Vec<String> {
    let mut lines = Vec::new();
    let matched: Vec<String> = e
        .matched
        .iter()
        .map(|m| {
            let via = m
                .via
                .as_ref()
                .map(|v| format!(" as \"{v}\""))
                .unwrap_or_default();
            format!("{}{via} in {}", m.word, m.fields.join(", "))
        })
        .collect();
    if !matched.is_empty() {
        lines.push(format!("matched: {}", matched.join("; ")));
    }
    if !e.missing.is_empty() {
        lines.push(format!("missing: {}", e.missing.join(", ")));
    }
    let mut bonuses = Vec::new();
    if e.exact_title {
        bonuses.push("exact title (ranked first)".to_string());
    }
    if e.phrase {
        bonuses.push("words together as a phrase".to_string());
    }
    lines.push(format!(
        "score {:.2} = relevance {:.2} (bm25 {:.2}, bm25f {:.2}{}) × coverage {:.2} ({:.0}% of the query) × proximity {:.2} × title {:.2}{}",
        e.score,
        e.base,
        e.bm25,
        e.bm25f,
        e.bm25_whole
            .map_or(String::new(), |w| format!(", whole lesson {w:.2}")),
        e.factors.coverage,
        e.coverage * 100.0,
        e.factors.proximity,
        e.factors.title,
        if bonuses.is_empty() {
            String::new()
        } else {
            format!("; {}", bonuses.join(", "))
        }
    ));
    lines
}

fn label(hit: &Hit) -> String {
    if hit.id.is_empty() {
        "(no id)".to_string()
    } else {
        terminal(&hit.id).into_owned()
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The hits of `search` or `similar`, with the cause-key checks `similar`
/// adds.
pub struct Hits<'a> {
    pub results: &'a Results,
    /// What the hits are, for the count line ("lessons", "similar lessons").
    pub what: &'static str,
    /// `similar`'s checks of the lesson's cause keys, if any.
    pub cause_keys: Option<&'a [crate::causes::KeyCheck]>,
}

impl super::Emit for Hits<'_> {
    fn emit(
        &self,
        format: super::Format,
        cx: &super::Context,
        out: &mut dyn Write,
    ) -> std::io::Result<()> {
        match format {
            super::Format::Json => match self.cause_keys {
                Some(cause_keys) => {
                    #[derive(serde::Serialize)]
                    struct Output<'a> {
                        #[serde(flatten)]
                        results: &'a Results,
                        cause_keys: &'a [crate::causes::KeyCheck],
                    }
                    super::write_json(
                        &Output {
                            results: self.results,
                            cause_keys,
                        },
                        out,
                    )
                }
                None => super::write_json(self.results, out),
            },
            super::Format::Human => {
                render(self.results, cx.elapsed_ms, cx.color, self.what, out)?;
                if let Some(checks) = self.cause_keys {
                    let text = super::feedback::key_checks_human(checks, cx.color);
                    if !text.is_empty() {
                        write!(out, "\n{text}")?;
                    }
                }
                Ok(())
            }
            f => Err(super::unsupported(f)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_and_marks() {
        assert_eq!(wrap("a bb ccc dddd", 0, 6), ["a bb", "ccc", "dddd"]);
        let hit = Hit {
            id: "X".into(),
            title: String::new(),
            path: String::new(),
            score: 1.0,
            occurred: None,
            kind: String::new(),
            severity: String::new(),
            snippet: "the expired certificate".into(),
            highlights: vec![[4, 11]],
            status: String::new(),
            causes: vec![],
            systems: vec![],
            tlp: crate::tlp::Tlp::Amber,
            explain: None,
        };
        assert_eq!(highlight(&hit, false), "the [expired] certificate");
    }
}
