//! `lessons show`: one lesson, readable in a terminal, or as JSON.

use std::io::Write;

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use super::escape::{terminal, terminal_block};
use crate::lesson::{Lesson, Moment, Sp, all_texts, is_open_action, opt_text, text};

/// Git facts about the file, as stored in the index.
#[derive(Debug, Clone, Default, Serialize)]
pub struct GitFacts {
    pub added_by: Option<String>,
    pub added: Option<String>,
    pub changed: Option<String>,
    /// The repository is a shallow clone (its history is cut).
    pub shallow: bool,
    /// Why `added` is unknown, and the fix, when it is.
    pub note: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct View {
    pub id: Option<String>,
    pub title: Option<String>,
    pub path: String,
    pub status: Option<String>,
    pub kind: Option<String>,
    pub severity: Option<String>,
    /// The sharing level that applies (its `tlp` or the configured default).
    pub tlp: crate::tlp::Tlp,
    pub occurred: Option<String>,
    pub detected: Option<String>,
    pub contained: Option<String>,
    pub recovered: Option<String>,
    pub reviewed: Option<String>,
    /// Seconds from `occurred`.
    pub time_to_detect: Option<i64>,
    pub time_to_contain: Option<i64>,
    pub time_to_recover: Option<i64>,
    pub systems: Vec<String>,
    pub teams: Vec<String>,
    pub tags: Vec<String>,
    pub functions: Vec<String>,
    pub participants: Vec<String>,
    pub related: Vec<String>,
    pub causes: Vec<crate::lesson::Cause>,
    pub actions: Vec<ActionView>,
    pub sections: Vec<SectionView>,
    pub git: GitFacts,
}

#[derive(Debug, Serialize)]
pub struct ActionView {
    pub summary: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub owner: Option<String>,
    pub due: Option<String>,
    pub status: Option<String>,
    pub completed: Option<String>,
    /// When someone checked that the action worked, and what they found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective: Option<bool>,
    pub addresses: Vec<String>,
    pub link: Option<String>,
    pub overdue: bool,
}

#[derive(Debug, Serialize)]
pub struct SectionView {
    pub title: String,
    pub text: String,
}

fn when(m: Option<&Sp<Moment>>) -> Option<String> {
    let m = &m?.value;
    let dt = jiff::tz::Offset::UTC.to_datetime(m.utc);
    Some(if m.has_time {
        format!("{} {:02}:{:02} UTC", dt.date(), dt.hour(), dt.minute())
    } else {
        dt.date().to_string()
    })
}

fn since(from: Option<&Sp<Moment>>, to: Option<&Sp<Moment>>) -> Option<i64> {
    Some(to?.value.utc.as_second() - from?.value.utc.as_second())
}

impl View {
    pub fn new(
        lesson: &Lesson,
        text: &str,
        tlp: crate::tlp::Tlp,
        git: GitFacts,
        today: jiff::civil::Date,
    ) -> View {
        let day = |m: &Option<Sp<Moment>>| {
            m.as_ref()
                .map(|m| jiff::tz::Offset::UTC.to_datetime(m.value.utc).date())
        };
        View {
            id: opt_text(&lesson.id),
            title: opt_text(&lesson.title),
            path: lesson.path.clone(),
            status: opt_text(&lesson.status),
            kind: opt_text(&lesson.kind),
            severity: opt_text(&lesson.severity),
            tlp,
            occurred: when(lesson.occurred.as_ref()),
            detected: when(lesson.detected.as_ref()),
            contained: when(lesson.contained.as_ref()),
            recovered: when(lesson.recovered.as_ref()),
            reviewed: when(lesson.reviewed.as_ref()),
            time_to_detect: since(lesson.occurred.as_ref(), lesson.detected.as_ref()),
            time_to_contain: since(lesson.occurred.as_ref(), lesson.contained.as_ref()),
            time_to_recover: since(lesson.occurred.as_ref(), lesson.recovered.as_ref()),
            systems: all_texts(&lesson.systems),
            teams: all_texts(&lesson.teams),
            tags: all_texts(&lesson.tags),
            functions: all_texts(&lesson.functions),
            participants: all_texts(&lesson.participants),
            related: all_texts(&lesson.related),
            causes: lesson.causes().to_vec(),
            actions: lesson
                .actions()
                .iter()
                .map(|a| {
                    let status = opt_text(&a.status);
                    let open = is_open_action(status.as_deref());
                    ActionView {
                        summary: opt_text(&a.summary),
                        kind: opt_text(&a.kind),
                        owner: opt_text(&a.owner),
                        due: day(&a.due).map(|d| d.to_string()),
                        overdue: open && day(&a.due).is_some_and(|d| d < today),
                        status,
                        completed: day(&a.completed).map(|d| d.to_string()),
                        verified: day(&a.verified).map(|d| d.to_string()),
                        effective: a.effective.as_ref().map(|e| e.value),
                        addresses: all_texts(&a.addresses),
                        link: opt_text(&a.link),
                    }
                })
                .collect(),
            sections: lesson
                .body
                .sections
                .iter()
                .map(|sec| SectionView {
                    title: sec.title.clone(),
                    text: text
                        .get(sec.content.clone())
                        .unwrap_or("")
                        .trim()
                        .to_string(),
                })
                .collect(),
            git,
        }
    }
}

/// "47m", "2h 5m", "3d 4h".
pub fn duration(secs: i64) -> String {
    let sign = if secs < 0 { "-" } else { "" };
    let s = secs.unsigned_abs();
    let (d, h, m) = (s / 86_400, (s % 86_400) / 3_600, (s % 3_600) / 60);
    let text = match (d, h, m) {
        (0, 0, m) => format!("{m}m"),
        (0, h, 0) => format!("{h}h"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, 0, _) => format!("{d}d"),
        (d, h, _) => format!("{d}d {h}h"),
    };
    format!("{sign}{text}")
}

/// A section's text as a person reads it: without the HTML comments (the
/// prompts `lessons new` writes, `lessons:allow` markers), without the
/// blank lines they leave, with control characters shown, not obeyed.
fn readable(text: &str) -> String {
    let text = crate::parse::without_comments(text);
    let text = terminal_block(&text);
    let mut out = String::with_capacity(text.len());
    let mut blank = true;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            if !blank {
                out.push('\n');
            }
            blank = true;
        } else {
            out.push_str(line);
            out.push('\n');
            blank = false;
        }
    }
    out.trim_end().to_string()
}

#[expect(
    clippy::too_many_lines,
    reason = "one lesson rendered top to bottom, section by section"
)]
pub fn render(view: &View, color: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let paint = |style: Style, text: &str| {
        if color {
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    };
    let bold = Style::new().bold();
    let dim = Style::new().dimmed();
    let red = Style::new().bold().fg_color(Some(AnsiColor::Red.into()));
    let heading = Style::new().bold().underline();
    // Every value comes from the lesson: shown, never obeyed, by the
    // terminal (see escape::terminal).
    let t = |s: &str| terminal(s).into_owned();
    let list = |values: &[String]| t(&values.join(", "));
    let id = t(view.id.as_deref().unwrap_or("(no id)"));
    writeln!(
        out,
        "{}  {}",
        paint(bold, &id),
        paint(bold, &t(view.title.as_deref().unwrap_or("(no title)")))
    )?;
    let tlp = format!("TLP:{}", view.tlp);
    let meta: Vec<&str> = [&view.status, &view.severity, &view.kind]
        .into_iter()
        .filter_map(|v| v.as_deref())
        .chain([tlp.as_str()])
        .collect();
    writeln!(
        out,
        "{}",
        paint(dim, &t(&format!("{} · {}", meta.join(" · "), view.path)))
    )?;
    for (label, values) in [
        ("systems", &view.systems),
        ("teams", &view.teams),
        ("tags", &view.tags),
        ("functions", &view.functions),
        ("participants", &view.participants),
        ("related", &view.related),
    ] {
        if !values.is_empty() {
            writeln!(out, "{label:<12} {}", list(values))?;
        }
    }
    let git = &view.git;
    match (&git.added_by, &git.added) {
        (Some(by), Some(at)) => {
            let changed = git
                .changed
                .as_deref()
                .map(|c| format!(", last changed {c}"))
                .unwrap_or_default();
            writeln!(
                out,
                "{:<12} {}",
                "added by",
                t(&format!("{by} on {at}{changed}"))
            )?;
        }
        _ if git.changed.is_some() => {
            writeln!(
                out,
                "{:<12} last changed {}",
                "history",
                git.changed.as_deref().unwrap_or("")
            )?;
        }
        _ => writeln!(
            out,
            "{:<12} {}",
            "history",
            git.note.as_deref().unwrap_or("unknown")
        )?,
    }
    if git.added.is_none()
        && git.changed.is_some()
        && let Some(note) = &git.note
    {
        writeln!(out, "{:<12} added {note}", "")?;
    }

    writeln!(out, "\n{}", paint(heading, "Timing"))?;
    writeln!(
        out,
        "  occurred   {}",
        view.occurred.as_deref().unwrap_or("unknown")
    )?;
    for (label, at, delta) in [
        ("detected", &view.detected, view.time_to_detect),
        ("contained", &view.contained, view.time_to_contain),
        ("recovered", &view.recovered, view.time_to_recover),
    ] {
        if let (Some(at), Some(delta)) = (at, delta) {
            writeln!(
                out,
                "  {label:<10} {at}  (+{})",
                duration(delta).trim_start_matches('+')
            )?;
        }
    }
    if let Some(r) = &view.reviewed {
        writeln!(out, "  reviewed   {r}")?;
    }

    if !view.causes.is_empty() {
        writeln!(out, "\n{}", paint(heading, "Root causes"))?;
        for c in &view.causes {
            let label = match (text(&c.category), text(&c.key)) {
                (Some(cat), Some(key)) => t(&format!("{key} ({cat})")),
                (Some(cat), None) => t(cat),
                (None, Some(key)) => t(key),
                (None, None) => "cause".into(),
            };
            writeln!(
                out,
                "  • {}: {}",
                paint(bold, &label),
                t(text(&c.summary).unwrap_or(""))
            )?;
        }
    }
    if !view.actions.is_empty() {
        writeln!(out, "\n{}", paint(heading, "Actions"))?;
        for a in &view.actions {
            let status = a.status.as_deref().unwrap_or("?");
            let mut line = t(&format!(
                "  [{status}] {}",
                a.summary.as_deref().unwrap_or("")
            ));
            let mut facts = Vec::new();
            if let Some(owner) = &a.owner {
                facts.push(t(owner));
            }
            if let Some(due) = &a.due {
                facts.push(format!("due {due}"));
            }
            if let Some(done) = &a.completed {
                facts.push(format!("completed {done}"));
            }
            match (&a.verified, a.effective) {
                (Some(on), Some(true)) => facts.push(format!("verified {on}: effective")),
                (Some(on), Some(false)) => facts.push(format!("verified {on}: NOT effective")),
                (Some(on), None) => facts.push(format!("verified {on}")),
                (None, Some(e)) => facts.push(format!("effective: {e}")),
                (None, None) => {}
            }
            if !facts.is_empty() {
                line.push_str(&format!(" — {}", facts.join(", ")));
            }
            if a.overdue {
                line.push_str(&format!(" {}", paint(red, "OVERDUE")));
            }
            writeln!(out, "{line}")?;
            let mut extra = Vec::new();
            if !a.addresses.is_empty() {
                extra.push(format!("addresses {}", list(&a.addresses)));
            }
            if let Some(link) = &a.link {
                extra.push(t(link));
            }
            if !extra.is_empty() {
                writeln!(out, "      {}", paint(dim, &extra.join(" · ")))?;
            }
        }
    }
    for section in &view.sections {
        writeln!(out, "\n{}", paint(heading, &t(&section.title)))?;
        for line in readable(&section.text).lines() {
            writeln!(out, "  {line}")?;
        }
    }
    Ok(())
}

impl super::Emit for View {
    fn emit(
        &self,
        format: super::Format,
        cx: &super::Context,
        out: &mut dyn Write,
    ) -> std::io::Result<()> {
        match format {
            super::Format::Json => super::write_json(self, out),
            super::Format::Human => render(self, cx.color, out),
            f => Err(super::unsupported(f)),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations() {
        assert_eq!(super::duration(6 * 60), "6m");
        assert_eq!(super::duration(2 * 3600 + 5 * 60), "2h 5m");
        assert_eq!(super::duration(3 * 86_400 + 4 * 3600 + 7), "3d 4h");
    }
}
